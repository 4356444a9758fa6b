"""Severity tiers of the new-code rules: ERROR (the gates block) only for what an agent must stop for.

Each case is a real file in a real project folder, checked by the engine with the rule selected;
the severity of the rule's finding on the marked line is the tier. The forms come from the
labels of bench/labels/gates_issue22_agent5.md (TP: an invented price or font, a lost write or
notification, a failure turned into "no pane", `time.sleep` in a FastAPI route; FP: optional
imports, chmod, version probes, display values, small file I/O, one-shot scripts).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pattern_warden.config import load_config
from pattern_warden.rules.engine import CheckOptions, check_paths
from pattern_warden.workspace import Workspace
from tests.conftest import write_tree

D = '"""M."""\n'

#: (name, rule, path, source, line, severity)
CASES = [
    # -- ERR003: errors ------------------------------------------------------------------------------
    ("invented record", "ERR003", "app/users.py",
     D + "def get_user(db, user_id):\n    try:\n        return db.fetch(user_id)\n    except Exception:\n"
         "        return {'id': user_id, 'name': 'Unknown'}\n", 5, "error"),
    ("invented verdict", "ERR003", "app/screen.py",
     D + "async def screen(client, nid, name):\n    try:\n        status = await client.check(name)\n"
         "        return nid, status.sanctioned, status.programs\n    except Exception:\n        return nid, False, []\n",
     6, "error"),
    ("the input handed back", "ERR003", "app/args.py",
     D + "import json\ndef as_dict(value):\n    try:\n        return dict(json.loads(value))\n    except Exception:\n"
         "        return {'value': value}\n", 6, "warning"),
    ("invented number", "ERR003", "app/bets.py",
     D + "def edge(model, odds, calc):\n    try:\n        market = calc.devig(odds)\n    except Exception:\n"
         "        market = 0.5\n    return model - market\n", 5, "error"),
    ("empty data for the result", "ERR003", "app/settings.py",
     D + "import json\ndef load_settings(path):\n    try:\n        with open(path) as fh:\n"
         "            return json.load(fh)\n    except Exception:\n        return {}\n", 7, "error"),
    ("empty string after the try", "ERR003", "app/panes.py",
     D + "def pane_title(pane):\n    try:\n        result = pane.cmd('display-message')\n        if result.stdout:\n"
         "            return result.stdout[0]\n    except Exception:\n        pass\n    return ''\n", 7, "error"),
    ("invented font after the try", "ERR003", "app/fonts.py",
     D + "def font(register, path):\n    try:\n        register(path)\n        return 'DejaVuSans'\n"
         "    except Exception:\n        pass\n    return 'Helvetica'\n", 6, "error"),
    ("lost send", "ERR003", "app/metrics.py",
     D + "def send_metrics(client, payload):\n    \"\"\"Send.\"\"\"\n    try:\n        client.post('/m', json=payload)\n"
         "    except Exception:\n        pass\n", 6, "error"),
    ("lost write under a lock", "ERR003", "app/registry.py",
     D + "import json\nclass Registry:\n    def update(self, data):\n        with self.lock:\n            try:\n"
         "                with open(self.path, 'w') as fh:\n                    fh.write(json.dumps(data))\n"
         "            except Exception:\n                pass\n", 9, "error"),
    ("invented value before a routine log", "ERR003", "app/rates.py",
     D + "import logging\ndef rate(api):\n    try:\n        value = api.rate()\n    except Exception:\n"
         "        value = 1.1\n    logging.info('rate ready')\n    return value\n", 6, "error"),
    ("suppress around the main work", "ERR003", "app/report.py",
     D + "import contextlib\ndef report(client, data):\n    with contextlib.suppress(Exception):\n"
         "        client.send(data)\n", 4, "error"),
    # -- ERR003: warnings ----------------------------------------------------------------------------
    ("optional import", "ERR003", "app/locking.py",
     D + "try:\n    import fcntl\nexcept Exception:\n    fcntl = None\n", 4, "warning"),
    ("chmod after a write", "ERR003", "app/lock.py",
     D + "def lock(path, user):\n    path.write_text(user)\n    try:\n        path.chmod(0o666)\n"
         "    except Exception:\n        pass\n    return True\n", 6, "warning"),
    ("version probe", "ERR003", "app/about.py",
     D + "import importlib.metadata\ndef version():\n    try:\n        return importlib.metadata.version('app')\n"
         "    except Exception:\n        return '0.0.0'\n", 6, "warning"),
    ("environment read", "ERR003", "app/port.py",
     D + "import os\ndef port():\n    try:\n        value = int(os.environ['PORT'])\n    except Exception:\n"
         "        value = 8080\n    return value\n", 6, "warning"),
    ("settings read", "ERR003", "app/timeouts.py",
     D + "def timeout(config):\n    try:\n        value = float(config['timeout'])\n    except Exception:\n"
         "        value = 30.0\n    return value\n", 5, "warning"),
    ("a label that says unknown", "ERR003", "app/labels.py",
     D + "def label(api, uid):\n    try:\n        return api.fetch(uid).name\n    except Exception:\n"
         "        return 'unknown'\n", 5, "warning"),
    ("body read before a raise", "ERR003", "app/api.py",
     D + "def check(resp):\n    if resp.status >= 400:\n        try:\n            body = resp.read().decode()\n"
         "        except Exception:\n            body = ''\n        raise ApiError(resp.status, body)\n", 6, "warning"),
    ("body read before a logged failure", "ERR003", "app/notify.py",
     D + "import logging\ndef report(err):\n    try:\n        body = err.read().decode()\n    except Exception:\n"
         "        body = ''\n    logging.exception('send failed: %s', body)\n", 6, "warning"),
    ("None for the result", "ERR003", "app/mac.py",
     D + "def read_mac(port, run):\n    try:\n        return run(port).stdout.strip()\n    except Exception:\n"
         "        return None\n", 5, "warning"),
    ("the code's own unknown", "ERR003", "app/cost.py",
     D + "def finish(chunks, build):\n    try:\n        complete = build(chunks)\n        if complete:\n"
         "            source = complete.cost\n        else:\n            source = 'unavailable'\n"
         "    except Exception:\n        source = 'unavailable'\n    return source\n", 9, "warning"),
    ("the code's own default in a branch", "ERR003", "app/version.py",
     D + "def version(path):\n    try:\n        value = path.read_text().strip() if path.exists() else 'dev'\n"
         "    except Exception:\n        value = 'dev'\n    return {'version': value}\n", 5, "warning"),
    ("a record that says unknown", "ERR003", "app/snapshot.py",
     D + "def backups(db, info):\n    try:\n        last = db.last_backup()\n"
         "        info['backups'] = {'last': last.created, 'status': last.status}\n    except Exception:\n"
         "        info['backups'] = {'last': None, 'status': 'unknown'}\n    return info\n", 6, "warning"),
    ("the default the try reads with", "ERR003", "app/threshold.py",
     D + "import json\ndef threshold(path):\n    try:\n        with open(path) as fh:\n            data = json.load(fh)\n"
         "        return int(data.get('stale_seconds', 600))\n    except Exception:\n        return 600\n", 8, "warning"),
    ("another default than the try reads with", "ERR003", "app/threshold2.py",
     D + "import json\ndef threshold(path):\n    try:\n        with open(path) as fh:\n            data = json.load(fh)\n"
         "        return int(data.get('stale_seconds', 600))\n    except Exception:\n        return 900\n", 8, "error"),
    ("a status that says invalid", "ERR003", "app/status.py",
     D + "def last_run(row, today):\n    try:\n        days = (today - row.parse_date()).days\n        icon = 'ok'\n"
         "    except Exception:\n        icon = '\u2753'\n        days = None\n    return icon, days\n", 6, "warning"),
    ("a person's name invented", "ERR003", "app/names.py",
     D + "def owner(api, uid):\n    try:\n        return api.fetch(uid).owner\n    except Exception:\n"
         "        return 'John Doe'\n", 5, "error"),
    ("invented record in a script", "ERR003", "scripts/seed.py",
     D + "def get_user(db, user_id):\n    try:\n        return db.fetch(user_id)\n    except Exception:\n"
         "        return {'id': user_id, 'name': 'Unknown'}\n", 5, "warning"),
    ("a closure's send", "ERR003", "app/stream.py",
     D + "def flash(sock, send, stream):\n    def line(text):\n        try:\n            send(sock, text)\n"
         "        except Exception:\n            pass\n    line('start')\n    return True\n", 6, "warning"),
    # -- ASY001 --------------------------------------------------------------------------------------
    ("sleep in a route", "ASY001", "app/routes.py",
     D + "import time\n@router.post('/m')\nasync def create(run):\n    while run.busy:\n        time.sleep(0.2)\n"
         "    return run\n", 6, "error"),
    ("sleep a call away", "ASY001", "app/poll.py",
     D + "import time\ndef wait_for(run):\n    while run.busy:\n        time.sleep(0.2)\n"
         "async def create(run):\n    wait_for(run)\n", 7, "error"),
    ("small file read", "ASY001", "app/unlock.py",
     D + "from pathlib import Path\nasync def unlock(path: Path):\n    return path.read_text()\n", 4, "warning"),
    ("file a call away", "ASY001", "app/mark.py",
     D + "def read_mark(path):\n    with open(path) as fh:\n        return fh.read()\n"
         "async def replay(path):\n    return read_mark(path)\n", 6, "warning"),
    ("sleep in a one-shot script", "ASY001", "app/demo.py",
     D + "import asyncio, time\nasync def main():\n    time.sleep(1)\nif __name__ == '__main__':\n"
         "    asyncio.run(main())\n", 4, "warning"),
    # -- ERR002 --------------------------------------------------------------------------------------
    ("bare except around a wait", "ERR002", "app/retry.py",
     D + "import time\ndef pause(step):\n    try:\n        time.sleep(step)\n    except:\n        step = 0\n"
         "    return step\n", 6, "error"),
    ("bare except around a parse", "ERR002", "app/parse.py",
     D + "def high(text):\n    try:\n        value = float(text.split('-')[-1])\n    except:\n        value = 0\n"
         "    return value\n", 5, "warning"),
    # -- ERR005 --------------------------------------------------------------------------------------
    ("placeholder people", "ERR005", "app/directory.py",
     D + "users = [{'name': 'John Doe', 'email': 'john@example.com'}]  # TODO replace with real API\n", 2, "error"),
    ("empty key nothing checks", "ERR005", "app/fx.py",
     D + "def client(api_key: str = ''):\n    return Session(headers={'X-Key': api_key})\n", 2, "warning"),
    # -- SEC001 --------------------------------------------------------------------------------------
    ("a value pasted in", "SEC001", "app/db.py",
     D + "def find(cur, uid):\n    cur.execute(f'SELECT * FROM t WHERE id = {uid}')\n", 3, "error"),
    ("a name pasted in, values bound", "SEC001", "app/ledger.py",
     D + "def sign(db, table, s):\n    db.execute(f'UPDATE {table} SET signoff = @s', {'s': s})\n", 3, "warning"),
    ("a quoted table name pasted in", "SEC001", "app/qa.py",
     D + "def wipe(cur, table):\n    cur.execute(f'TRUNCATE TABLE public.\"{table}\"')\n", 3, "warning"),
    ("a value pasted in beside a quoted name", "SEC001", "app/qa2.py",
     D + "def find(cur, table, uid):\n    cur.execute(f'SELECT * FROM \"{table}\" WHERE id = {uid}')\n", 3, "error"),
    ("a quoted name built with format", "SEC001", "app/qa3.py",
     D + "def wipe(cur, table):\n    cur.execute('TRUNCATE TABLE \"{}\"'.format(table))\n", 3, "error"),
]


def _severity(root: Path, rule: str, rel: str, text: str, line: int) -> str | None:
    write_tree(root, {rel: text})
    result = check_paths(Workspace(load_config(root)), [rel], CheckOptions(select=(rule,)))
    found = [f.severity for f in result.findings if f.code == rule and f.line == line]
    return found[0] if found else None


@pytest.mark.parametrize(("rule", "rel", "text", "line", "severity"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_form_has_its_tier(project: Path, rule: str, rel: str, text: str, line: int, severity: str) -> None:
    assert _severity(project, rule, rel, text, line) == severity


def test_a_reason_is_said_where_the_tier_depends_on_it(project: Path) -> None:
    source = {case[0]: case[3] for case in CASES}
    write_tree(project, {"app/users.py": source["invented record"], "app/lock.py": source["chmod after a write"]})
    result = check_paths(Workspace(load_config(project)), ["app"], CheckOptions(select=("ERR003",)))
    messages = {f.path: f.message for f in result.findings}
    assert "it invents `{'id': user_id, 'name': 'Unknown'}` in place of the result" in messages["app/users.py"]
    assert messages["app/lock.py"].endswith("Warning only: a best-effort side step.")


def test_a_record_id_with_named_parameters_is_not_sql_injection(project: Path) -> None:
    text = D + "def sign(db, old_id, s):\n    db.query(f'UPDATE {old_id} SET signoff = $s', {'s': s})\n" \
               "    db.execute(f'UPDATE {old_id} SET signoff = $s', {'s': s})\n"
    assert _severity(project, "SEC001", "app/ledger.py", text, 4) is None
