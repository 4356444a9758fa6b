"""The gates accuse only what the agent did, and stop what it must not do (issue 22).

Each test is a Claude Code session (``claude_hooks.ClaudeCode``) on a real git repository or a
plain folder made in a temporary directory, its events sent to the plugin's hook commands.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import git, write_tree
from tests.e2e.claude_hooks import ClaudeCode

#: These bare excepts wait on nothing, so ERR002 is a warning there; tests about a finding's
#: identity make warnings block, as a project may.
WARNINGS_BLOCK = '[tool.pattern-warden.hooks]\nedit-severity = "warning"\nstop-severity = "warning"\n'
MUTABLE = 'def collect(item, seen=[]):\n    """Collect."""\n    seen.append(item)\n    return seen\n'
CLEAN_FUNCTION = '\n\ndef double(value):\n    """Twice the value."""\n    return value * 2\n'


def _commit(root: Path, message: str = "c") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def _long_module(lines: int) -> str:
    body = "".join(f"\n\ndef step_{i}(value):\n    \"\"\"Step {i}.\"\"\"\n    return value + {i}\n"
                   for i in range(lines // 5))
    return "import os\n" + body


def _complex_function(branches: int) -> str:
    cases = "".join(f"    if kind == {i}:\n        return value + {i}\n" for i in range(branches))
    return f'"""Dispatch."""\n\n\ndef dispatch(kind, value):\n    """Pick a step by kind."""\n{cases}    return value\n'


def test_a_docstring_added_to_a_long_file_is_not_blamed_for_its_length(git_project: Path) -> None:
    # DES001 and DOC001 are opt-in: selected here, so the old file length is really there to blame
    write_tree(git_project, {"pkg/big.py": _long_module(1000),
                             "pyproject.toml": '[tool.pattern-warden.rules]\nselect = ["ALL", "DES001", "DOC001"]\n'})
    _commit(git_project)
    claude = ClaudeCode(git_project)
    assert claude.start().exit_code == 0
    edit = claude.edit("pkg/big.py", "import os\n", '"""Steps of the pipeline, one function each."""\nimport os\n')
    assert (edit.exit_code, edit.stderr) == (0, ""), edit
    stop = claude.stop()
    assert (stop.exit_code, stop.stdout, stop.stderr) == (0, "", ""), stop
    grown = claude.edit("pkg/big.py", "import os\n", "import os\n" + "X = 1\n" * 5)
    assert grown.exit_code == 0 and "DES001" not in grown.stderr, grown  # worse, not new: blocks only if configured


def test_a_parameter_added_to_a_complex_function_is_not_blamed_but_a_new_branch_is_worse(git_project: Path) -> None:
    select = '[tool.pattern-warden.rules]\nselect = ["ALL", "DES002"]\n'  # DES002 is opt-in
    write_tree(git_project, {"pkg/dispatch.py": _complex_function(13), "pyproject.toml": select})
    _commit(git_project)
    claude = ClaudeCode(git_project)
    claude.start()
    edit = claude.edit("pkg/dispatch.py", "def dispatch(kind, value):", "def dispatch(kind, value, /, *, scale=1):")
    assert (edit.exit_code, edit.stderr) == (0, ""), edit
    assert not claude.stop().blocked
    # One more branch: the same finding, worse. Reported as such, and blocking only when configured.
    worse = claude.edit("pkg/dispatch.py", "    return value\n", "    if kind == 99:\n        return 0\n    return value\n")
    assert worse.exit_code == 0, worse
    # DES002 is a warning, and the gates block at error by default: this project blocks on warnings
    write_tree(git_project, {"pyproject.toml": select + "[tool.pattern-warden.review]\nfail-on-worse = true\n"
                                               '[tool.pattern-warden.hooks]\nedit-severity = "warning"\n'
                                               'stop-severity = "warning"\n'})
    again = claude.edit("pkg/dispatch.py", "    if kind == 99:\n", "    if kind == 98:\n        return 1\n    if kind == 99:\n")
    assert again.exit_code == 2 and "DES002" in again.stderr and "worse (was 15)" in again.stderr, again
    stop = claude.stop()
    assert stop.blocked and "DES002 [warning] worse (was 14)" in stop.text, stop


def _session_on_the_users_uncommitted_problem(root: Path) -> ClaudeCode:
    """A committed module the user has since given a mutable default, not committed; a session starts."""
    write_tree(root, {"pkg/mod.py": '"""Helpers."""\n'})
    _commit(root)
    write_tree(root, {"pkg/mod.py": '"""Helpers."""\n\n\n' + MUTABLE})
    claude = ClaudeCode(root)
    claude.start()
    return claude


def test_the_users_uncommitted_problem_in_the_edited_file_stays_the_users(git_project: Path) -> None:
    claude = _session_on_the_users_uncommitted_problem(git_project)
    edit = claude.edit("pkg/mod.py", "    return seen\n", "    return seen\n" + CLEAN_FUNCTION)
    assert (edit.exit_code, edit.stderr) == (0, ""), edit
    stop = claude.stop()
    assert (stop.exit_code, stop.stdout, stop.stderr) == (0, "", ""), stop


def test_a_clean_tree_with_a_colleagues_committed_problem_passes_a_session_that_changed_nothing(
        git_project: Path) -> None:
    write_tree(git_project, {"pkg/mod.py": '"""Helpers."""\n\n\n' + MUTABLE})
    _commit(git_project, "a colleague's change")
    claude = ClaudeCode(git_project)
    claude.start()
    stop = claude.stop()
    assert (stop.exit_code, stop.stdout, stop.stderr) == (0, "", ""), stop


def test_a_folder_outside_git_is_judged_on_the_session_alone(project: Path) -> None:
    old = {f"lib/m{i}.py": f'"""Old module {i}."""\n\n\n' + MUTABLE.replace("collect", f"collect_{i}")
           for i in range(5)}
    write_tree(project, old)
    claude = ClaudeCode(project)
    claude.start()
    assert claude.stop().stdout == ""  # nothing changed yet
    edit = claude.edit("lib/m0.py", "    return seen\n", "    return seen\n" + CLEAN_FUNCTION)
    assert (edit.exit_code, edit.stderr) == (0, ""), edit
    assert claude.stop().stdout == ""
    bad = claude.write("lib/new.py", '"""New."""\n\n\ndef gather(x, into={}):\n    """Gather."""\n    return into\n')
    assert bad.exit_code == 2 and "lib/new.py:4: ERR001" in bad.stderr, bad
    stop = claude.stop()
    assert stop.blocked and "lib/new.py:4: ERR001" in stop.text and "m1.py" not in stop.text, stop
    assert len(stop.text) < 2_000


SEEDS = {
    "ERR003": ("app/settings.py", '"""Settings."""\nimport json\n\n\ndef load_settings(path):\n'
               '    """Read the settings file."""\n    try:\n        with open(path) as handle:\n'
               "            return json.load(handle)\n    except Exception:\n        return {}\n", 10),
    "ERR003 ": ("app/metrics.py", '"""Metrics."""\n\n\ndef send_metrics(client, payload):\n    """Send the metrics."""\n'
                '    try:\n        client.post("/metrics", json=payload)\n    except Exception:\n        pass\n', 8),
    "ERR003  ": ("app/users.py", '"""Users."""\n\n\ndef get_user(db, user_id):\n    """Fetch one user."""\n'
                 "    try:\n        return db.fetch(user_id)\n    except Exception:\n"
                 '        return {"id": user_id, "name": "Unknown"}\n', 8),
    "ERR005": ("app/directory.py", '"""Directory."""\n\n'
               'users = [{"name": "John Doe", "email": "john@example.com"}]  # TODO replace with real API\n', 3),
    # the misses the product exists for, beyond the seed's own examples (issue 22, held-out labels)
    "ERR005 placeholder URL": ("app/shipping.py", '"""Shipping rates."""\n\n\nclass RatesClient:\n'
                               '    """The carrier\'s rate API."""\n\n'
                               '    def __init__(self, base_url: str = "https://api.example.com"):\n'
                               "        self.base_url = base_url\n", 7),
    "ERR003 fail-open": ("app/orders.py", '"""Orders."""\n\n\ndef list_orders(session):\n    """The open orders."""\n'
                         '    resp = session.get("/orders")\n    if resp.status_code != 200:\n        return []\n'
                         "    return resp.json()\n", 7),
    "ERR005 data note": ("app/prices.py", '"""Prices."""\n\n'
                         'RATES = {"EUR": 1.08, "GBP": 1.27}  # TODO: replace with real exchange rates\n', 3),
}


@pytest.mark.parametrize("code", sorted(SEEDS))
def test_each_seed_failure_written_anew_is_blocked_by_both_gates(git_project: Path, code: str) -> None:
    rel, text, line = SEEDS[code]
    code = code.split()[0]
    claude = ClaudeCode(git_project)
    claude.start()
    edit = claude.write(rel, text)
    assert edit.exit_code == 2 and f"{rel}:{line}: {code} [error] new:" in edit.stderr, edit
    assert "Fix: " in edit.stderr
    stop = claude.stop()
    assert stop.blocked and f"{rel}:{line}: {code}" in stop.text, stop
    assert not claude.stop(active=True).blocked  # never loops


EMPTY_KEY = ('"""Exchange rates."""\nimport os\n\n\nclass Rates:\n    """Rates from the FX service."""\n\n'
             '    def __init__(self, api_key=None):\n        self.api_key = api_key or os.environ.get("FX_API_KEY", "")\n\n'
             '    def headers(self):\n        """The request headers."""\n'
             '        return {"Authorization": f"Bearer {self.api_key}"}\n')


def test_an_empty_key_nothing_checks_is_a_warning_that_blocks_only_where_warnings_do(git_project: Path) -> None:
    # it fails loudly, as a 401, and the check is often in another module: not a stop by default
    claude = ClaudeCode(git_project)
    claude.start()
    edit = claude.write("app/fx.py", EMPTY_KEY)
    assert edit.exit_code == 0 and "[error]" not in edit.stderr, edit
    assert not claude.stop().blocked
    write_tree(git_project, {"pyproject.toml": '[tool.pattern-warden.hooks]\nedit-severity = "warning"\n'})
    # another service's client, not a copy of the first (a copied line is not the edit's own)
    again = claude.write("app/fx2.py", EMPTY_KEY.replace("FX_API_KEY", "RATES_API_KEY"))
    assert again.exit_code == 2 and "app/fx2.py:9: ERR005 [warning] new:" in again.stderr, again


def test_an_edit_whose_pre_tool_use_was_missed_is_judged_on_the_edit_payload(git_project: Path) -> None:
    claude = _session_on_the_users_uncommitted_problem(git_project)
    clean = claude.edit("pkg/mod.py", "    return seen\n", "    return seen\n" + CLEAN_FUNCTION, pre=False)
    assert (clean.exit_code, clean.stderr) == (0, ""), clean
    bad = claude.edit("pkg/mod.py", "    return value * 2\n", "    return value * 2\n\n\ndef more(y={}):\n"
                      '    """More."""\n    return y\n', pre=False)
    assert bad.exit_code == 2 and "ERR001" in bad.stderr and ":4:" not in bad.stderr, bad


def test_without_session_start_the_first_pre_tool_use_records_the_baseline(git_project: Path) -> None:
    write_tree(git_project, {"pkg/mod.py": '"""Helpers."""\n'})
    _commit(git_project)
    write_tree(git_project, {"pkg/old.py": '"""Old."""\n\n\n' + MUTABLE})  # the user's, untracked
    claude = ClaudeCode(git_project)  # no SessionStart: a plugin installed mid-session
    bad = claude.write("pkg/new.py", '"""New."""\n\n\ndef gather(x, into={}):\n    """Gather."""\n    return into\n')
    assert bad.exit_code == 2 and "pkg/new.py:4: ERR001" in bad.stderr, bad
    stop = claude.stop()
    assert stop.blocked and "pkg/new.py:4: ERR001" in stop.text and "old.py" not in stop.text, stop


def test_an_attempt_file_and_an_orphaned_helper_are_the_agents_leftovers(git_project: Path) -> None:
    client = ('"""Users API."""\nimport requests\n\n\ndef fetch_user(user_id):\n    """One user."""\n'
              '    return requests.get(f"https://users.test/{user_id}", timeout=5).json()\n\n\n'
              'def _old_fetch(user_id):\n    """Before the timeout."""\n    return fetch_user(user_id)\n')
    write_tree(git_project, {"pkg/__init__.py": "", "pkg/client.py": client,
                             "pkg/service.py": '"""Service."""\nfrom pkg.client import _old_fetch\n\n\n'
                                               'def profile(user_id):\n    """A profile."""\n'
                                               '    return _old_fetch(user_id)\n'})
    _commit(git_project)
    claude = ClaudeCode(git_project)
    claude.start()
    attempt = claude.write("pkg/client_v2.py", client.replace("timeout=5", "timeout=10"))
    assert attempt.exit_code == 2 and "pkg/client_v2.py:1: leftover [attempt]" in attempt.stderr, attempt
    assert "change pkg/client.py itself" in attempt.stderr
    moved = claude.write("pkg/service.py", '"""Service."""\nfrom pkg.client import fetch_user\n\n\n'
                         'def profile(user_id):\n    """A profile."""\n    return fetch_user(user_id)\n')
    # ^ the last use of _old_fetch goes
    assert moved.exit_code == 0, moved
    stop = claude.stop()
    assert stop.blocked and "threshold max-leftovers: 2" in stop.text, stop
    assert "pkg/client_v2.py" in stop.text and "orphaned-by-change" in stop.text and "_old_fetch" in stop.text


def test_an_old_finding_whose_noqa_the_edit_removes_is_not_new(git_project: Path) -> None:
    # The author had silenced the mutable default; the agent only drops the comment.
    write_tree(git_project, {"pkg/opts.py": '"""Options."""\n\n\n'
                             'def options(\n    dsn=None,\n    integrations=[],  # noqa: B006\n):\n'
                             '    """The options."""\n    integrations.append(dsn)\n    return integrations\n'})
    _commit(git_project)
    claude = ClaudeCode(git_project)
    claude.start()
    edit = claude.edit("pkg/opts.py", "    integrations=[],  # noqa: B006\n", "    integrations=[],\n")
    assert (edit.exit_code, edit.stderr) == (0, ""), edit
    stop = claude.stop()
    assert not stop.blocked, stop
    added = claude.edit("pkg/opts.py", '    integrations=[],\n):\n    """The options."""\n',
                        '    integrations=[],\n    hooks=[],\n):\n    """The options."""\n    hooks.append(dsn)\n')
    assert added.exit_code == 2 and "ERR001" in added.stderr and "pkg/opts.py:7:" in added.stderr, added


def test_code_moved_to_another_function_or_file_keeps_its_old_findings(git_project: Path) -> None:
    old = ('"""Jobs."""\n\n\ndef run(job):\n    """Run a job."""\n    try:\n        job()\n'
           '    except:\n        log(job)\n\n\ndef log(job):\n    """Say so."""\n    print(job)\n')
    write_tree(git_project, {"pkg/__init__.py": "", "pkg/jobs.py": old, "pyproject.toml": WARNINGS_BLOCK,
                             "pkg/other.py": '"""Other."""\n\n\ndef ping():\n    """Pong."""\n    return 1\n'})
    _commit(git_project)
    claude = ClaudeCode(git_project)
    claude.start()
    # the old bare except moves into a new helper of the same file
    inner = old.replace('    try:\n        job()\n    except:\n        log(job)\n', '    _guarded(job)\n') + (
        '\n\ndef _guarded(job):\n    """Run it, saying when it failed."""\n    try:\n        job()\n'
        '    except:\n        log(job)\n')
    moved = claude.write("pkg/jobs.py", inner)
    assert (moved.exit_code, moved.stderr) == (0, ""), moved
    # and then to another file of the change
    claude.write("pkg/jobs.py", inner.split("\n\n\ndef _guarded")[0].replace(
        '"""Jobs."""\n', '"""Jobs."""\nfrom pkg.other import guarded as _guarded\n'))
    across = claude.write("pkg/other.py", '"""Other."""\nfrom pkg.jobs import log\n\n\n'
                          'def ping():\n    """Pong."""\n    return 1\n\n\n'
                          'def guarded(job):\n    """Run it, saying when it failed."""\n    try:\n        job()\n'
                          '    except:\n        log(job)\n')
    # jobs.py held it, word for word, when the session began: moved, not written by this call
    assert (across.exit_code, across.stderr) == (0, ""), across
    stop = claude.stop()
    assert "ERR002" not in stop.text, stop  # nor by the session


def test_a_public_function_whose_last_use_goes_is_a_lead_and_a_threshold_is_said_once(git_project: Path) -> None:
    # `seconds` is not in __all__ (a release may drop a name from it before removing the function)
    util = ('"""Time helpers."""\n__all__ = ["days"]\n\n\ndef days(delta):\n    """Whole days."""\n    return delta.days\n'
            '\n\ndef seconds(delta):\n    """Whole seconds."""\n    return int(delta.total_seconds())\n'
            '\n\ndef _minutes(delta):\n    """Whole minutes."""\n    return int(delta.total_seconds()) // 60\n')
    sched = ('"""Scheduler."""\nfrom lib.util import _minutes, seconds\n\n\n'
             'def wait(delta):\n    """How long to wait."""\n    return seconds(delta), _minutes(delta)\n')
    write_tree(git_project, {"lib/__init__.py": "", "lib/util.py": util, "lib/sched.py": sched,
                             "pyproject.toml": "[tool.pattern-warden.review]\nmax-leftovers = 0\n"})
    _commit(git_project)
    claude = ClaudeCode(git_project)
    claude.start()
    # the library's public `seconds` loses its last use inside the package: users may still call it
    claude.write("lib/sched.py", sched.replace("seconds(delta), _minutes(delta)", "delta.days, _minutes(delta)")
                 .replace("_minutes, seconds", "_minutes"))
    assert not claude.stop().blocked
    # a private helper losing its last use is the agent's to delete, named once with its threshold
    claude.write("lib/sched.py", sched.replace("seconds(delta), _minutes(delta)", "delta.days")
                 .replace("_minutes, seconds", "seconds"))
    stop = claude.stop()
    assert stop.blocked and "leftover: lib/util.py:15-17 _minutes [orphaned-by-change" in stop.text, stop
    last = stop.text.splitlines()[-1]
    assert last == "These fail threshold max-leftovers: 1 (limit 0).", stop.text
    assert stop.text.count("max-leftovers") == 1 and "seconds" not in stop.text.replace("lib/util.py", ""), stop.text


QUERIES = '''"""Stock queries."""


def movements(conn, start=None, end=None):
    """Quantities per product, between two optional dates."""
    sql = "SELECT product_id, SUM(quantity) FROM movements"
    clauses, params = [], []
    if start:
        clauses.append("created_at >= ?")
        params.append(start)
    if end:
        clauses.append("created_at < ?")
        params.append(end)
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return conn.execute(sql + " GROUP BY product_id", params).fetchall()
'''
SESSION = '''"""Device sessions."""
import logging

log = logging.getLogger(__name__)


class Session:
    """One device session; its log filter goes when the connection fails."""

    def __init__(self, transport, secrets_filter):
        self.transport, self.secrets_filter = transport, secrets_filter
        log.addFilter(secrets_filter)
        try:
            transport.open()
        except Exception:
            try:
                log.removeFilter(secrets_filter)
                transport.close()
            except Exception:
                pass
            raise
'''
GATEWAY = '''"""Payment gateways."""


class FakeGateway:
    """Approves every charge while the sandbox is down."""

    name = "fake"

    def charge(self, amount):
        """Pretend to charge."""
        return {"approved": True, "amount": amount}
'''


@pytest.mark.parametrize(("rel", "code", "blocked"), [
    ("stock/queries.py", QUERIES, None),  # SQL of constant fragments, values bound as parameters
    ("stock/session.py", SESSION, None),  # cleanup that must not mask the error it re-raises
    ("stock/gateway.py", GATEWAY, "stock/gateway.py:4: ERR005"),  # the fake class, not its `name = "fake"`
])
def test_careful_agent_code_is_not_blocked_for_its_care(git_project: Path, rel: str, code: str,
                                                        blocked: str | None) -> None:
    write_tree(git_project, {"stock/__init__.py": ""})
    _commit(git_project)
    claude = ClaudeCode(git_project)
    claude.start()
    edit = claude.write(rel, code)
    stop = claude.stop()
    if blocked is None:
        assert (edit.exit_code, edit.stderr) == (0, "") and not stop.blocked, (edit, stop)
    else:
        assert edit.exit_code == 2 and edit.stderr.count("ERR005") == 1 and blocked in edit.stderr, edit
        assert stop.blocked and stop.text.count("ERR005") == 1, stop


def test_a_copy_of_an_old_statement_added_above_it_is_the_new_one(git_project: Path) -> None:
    old = ('"""Poll loop."""\n\n\ndef poll(ready, handlers, poller):\n    """Dispatch ready fds."""\n'
           '    for fd in ready:\n        if fd in handlers:\n            try:\n                handlers[fd]()\n'
           '            except:\n                handlers[fd].error()\n')
    write_tree(git_project, {"pkg/loop.py": old, "pyproject.toml": WARNINGS_BLOCK})
    _commit(git_project)
    claude = ClaudeCode(git_project)
    claude.start()
    # the release adds a second identical `except:` line, *below* the old one in the same function
    edit = claude.edit("pkg/loop.py", "                handlers[fd].error()\n",
                       "                handlers[fd].error()\n        else:\n            try:\n"
                       "                poller.unregister(fd)\n            except:\n                pass\n")
    assert edit.exit_code == 2 and "pkg/loop.py:15: ERR002" in edit.stderr and ":10:" not in edit.stderr, edit
    # and above it, in another copy of the loop: the old one keeps its identity
    claude.edit("pkg/loop.py", "    for fd in ready:\n", "    for fd in ready:\n        if fd < 0:\n"
                "            try:\n                poller.forget(fd)\n            except:\n                pass\n")
    stop = claude.stop()
    assert stop.blocked and ":10: ERR002" in stop.text and ":20: ERR002" in stop.text, stop
    assert ":15: ERR002" not in stop.text, stop.text  # the old handler, now on line 15


def test_a_raise_without_from_in_new_code_never_blocks(git_project: Path) -> None:
    # ERR004 is info: `from exc` is the better idiom, but the implicit context keeps the cause
    write_tree(git_project, {"pkg/__init__.py": ""})
    _commit(git_project)
    claude = ClaudeCode(git_project)
    claude.start()
    edit = claude.write("pkg/conf.py", '"""Settings."""\n\n\nclass ConfigError(Exception):\n    """Bad settings."""\n'
                        '\n\ndef port(settings):\n    """The port to listen on."""\n    try:\n'
                        '        return int(settings["port"])\n    except (KeyError, ValueError):\n'
                        '        raise ConfigError("settings need an integer port")\n')
    assert (edit.exit_code, edit.stderr) == (0, ""), edit
    assert not claude.stop().blocked


def _parallel(name: str, verb: str) -> str:
    return (f'\n\ndef {name}(client, key, value, expire=0):\n    """{verb.capitalize()} one key."""\n'
            '    if not key:\n        raise ValueError("empty key")\n    data = client.encode(value)\n'
            '    flags = client.flags(value)\n    line = b" ".join([key, flags, str(expire).encode(), data])\n'
            f'    client.send(b"{verb} " + line)\n    reply = client.read()\n    client.check(reply)\n'
            '    return reply == b"STORED"\n')


def test_duplicates_in_a_blocking_stop_are_the_ones_the_session_wrote(git_project: Path) -> None:
    old = '"""Storage commands."""' + _parallel("set_key", "set") + _parallel("add_key", "add")
    write_tree(git_project, {"pkg/commands.py": old,
                             "pyproject.toml": "[tool.pattern-warden.review]\nmax-duplicates-introduced = 0\n"})
    _commit(git_project)
    claude = ClaudeCode(git_project)
    claude.start()
    # the old parallel commands, edited in both places
    claude.write("pkg/commands.py", old.replace("expire=0", "expire=60"))
    assert not claude.stop().blocked
    # a third copy the session wrote
    claude.write("pkg/commands.py", old.replace("expire=0", "expire=60") + _parallel("replace_key", "replace"))
    stop = claude.stop()
    assert stop.blocked and "duplicate (" in stop.text and "pkg/commands.py:" in stop.text, stop
    assert stop.text.splitlines()[-1].startswith("These fail threshold max-duplicates-introduced: 1"), stop.text


PASSES = {
    # a lost per-request memo loses nothing: the parsed value is still returned
    "memo write": ("app/negotiation.py", '"""Content negotiation."""\n\n\ndef accepted(request, parse):\n'
                   '    """The parsed Accept header, kept on the request."""\n    parsed = parse(request.headers)\n'
                   "    try:\n        request._parsed_accept = parsed\n    except Exception:\n        pass\n"
                   "    return parsed\n"),
    # a cache keyed by the service names its callers spell out
    "closed cache": ("app/routing.py", '"""Routers."""\nimport functools\n\n\n@functools.cache\n'
                     'def router_for(service):\n    """One router per service."""\n    return [service]\n\n\n'
                     'S3, SQS = router_for("s3"), router_for("sqs")\n'),
    # a local service in development and a checked key
    "dev defaults": ("app/dev.py", '"""Development client."""\nimport os\n\nAPI_KEY = os.environ.get("DEV_API_KEY", "")\n\n\n'
                     'def connect(base_url: str = "http://localhost:8000"):\n    """A session on the local service."""\n'
                     "    if not API_KEY:\n        raise RuntimeError(\"DEV_API_KEY is not set\")\n"
                     "    return (base_url, API_KEY)\n"),
}


@pytest.mark.parametrize("case", sorted(PASSES))
def test_a_best_effort_memo_a_closed_cache_and_dev_defaults_pass(git_project: Path, case: str) -> None:
    rel, text = PASSES[case]
    claude = ClaudeCode(git_project)
    claude.start()
    edit = claude.write(rel, text)
    stop = claude.stop()
    assert (edit.exit_code, edit.stderr) == (0, "") and not stop.blocked, (edit, stop)


FAKE = '"""An in-memory transport."""\n\n\nclass FakeTransport:\n    """Stands in for asyncio.Transport."""\n'


@pytest.mark.parametrize(("metadata", "blocked"), [
    ({"pyproject.toml": '[project]\nname = "fakestore"\nversion = "1"\n'}, False),
    ({"setup.cfg": "[metadata]\nname = mock-mail\n"}, False),
    ({"pyproject.toml": '[project]\nname = "shop"\nversion = "1"\n'}, True),
])
def test_a_fake_class_is_the_product_of_a_test_double_library_by_its_metadata(
        git_project: Path, metadata: dict[str, str], blocked: bool) -> None:
    write_tree(git_project, {**metadata, "store/__init__.py": ""})
    _commit(git_project)
    claude = ClaudeCode(git_project)
    claude.start()
    edit = claude.write("store/transport.py", FAKE)
    stop = claude.stop()
    assert (edit.exit_code == 2) is blocked and stop.blocked is blocked, (edit, stop)
    if blocked:
        assert "store/transport.py:4: ERR005" in edit.stderr, edit
