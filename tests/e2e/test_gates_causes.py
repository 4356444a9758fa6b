"""The gates block each cause once, and not on demo data (issue 22, the wrong blocks of the
gates-agent7 corpus).

Each test is a Claude Code session (``claude_hooks.ClaudeCode``) on a real git repository made in
a temporary folder, its events sent to the plugin's hook commands.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import git, write_tree
from tests.e2e.claude_hooks import ClaudeCode

#: A `make demo` seed script: each demo user gets a known token so the demo can log in.
SEED = ('"""Seed the demo data: make demo."""\nimport hashlib\n\nUSERS = [\n'
        '    {"name": "Alice Chen", "role": "admin", "token": "demo-token-alice"},\n'
        '    {"name": "Charlie Patel", "role": "user", "token": "demo-token-charlie"},\n]\n\n\n'
        'def rows():\n    """The users as stored: the token hashed like a real one."""\n'
        '    return [{**u, "token": hashlib.sha256(u["token"].encode()).hexdigest()} for u in USERS]\n')


@pytest.mark.parametrize(("rel", "text", "blocked"), [
    ("scripts/seed_demo.py", SEED, False),
    ("app/db/demo_data.py", SEED, False),
    # a real-looking token in the seed script, and the demo token in product code, still block
    ("scripts/seed_demo.py", SEED.replace("demo-token-alice", "k_29f8a7c6e1b2d4f0"), True),
    ("app/users.py", SEED, True),
])
def test_a_seed_scripts_demo_tokens_pass_and_real_looking_ones_block(git_project: Path, rel: str, text: str,
                                                                      blocked: bool) -> None:
    claude = ClaudeCode(git_project)
    claude.start()
    edit = claude.write(rel, text)
    stop = claude.stop()
    assert (edit.exit_code == 2) is blocked and stop.blocked is blocked, (edit, stop)
    if blocked:
        assert f"{rel}:5: SEC002 [error] new:" in edit.stderr and f"{rel}:5: SEC002" in stop.text, (edit, stop)


#: A bare `except:` around an await in a loop: cancellation swallowed, and a bare except.
POLL = ('"""Health polling."""\nimport asyncio\n\n\nasync def poll(client, seen):\n'
        '    """Ping the service every second and count the answers."""\n    while True:\n        try:\n'
        '            await client.ping()\n            seen.append(1)\n        except:\n            seen.append(0)\n'
        '        await asyncio.sleep(1)\n')


def test_a_bare_except_that_swallows_cancellation_is_one_finding_naming_both(git_project: Path) -> None:
    claude = ClaudeCode(git_project)
    claude.start()
    edit = claude.write("app/health.py", POLL)
    assert edit.exit_code == 2, edit
    lines = [line for line in edit.stderr.splitlines()[1:] if line.startswith("app/health.py:11:")]
    assert len(lines) == 1 and lines[0].startswith("app/health.py:11: ASY004 [error] new:"), edit
    assert "bare `except:`" in lines[0] and "KeyboardInterrupt" in lines[0], lines
    stop = claude.stop()
    assert stop.blocked and [line.split(" [")[0] for line in stop.text.splitlines()
                             if line.startswith("app/health.py:11:")] == ["app/health.py:11: ASY004"], stop


def test_a_bare_except_outside_a_coroutine_is_still_err002(git_project: Path) -> None:
    sync = POLL.replace("async def", "def").replace("await ", "").replace("import asyncio", "import time")
    claude = ClaudeCode(git_project)
    claude.start()
    edit = claude.write("app/health.py", sync.replace("asyncio.sleep", "time.sleep"))
    said = edit.stderr + edit.stdout  # the try waits on nothing it knows: a note, not a block
    assert "app/health.py:11: ERR002 [warning] new:" in said and "ASY004" not in said, edit


#: An old fallback: the rate is assigned, its call spread over three lines.
COSTS = ('"""Monthly costs."""\n\n\ndef monthly_costs(rows):\n    """Each row\'s cost in euros, at today\'s rate."""\n'
         "    from shop.pricing import PriceService\n\n    try:\n        rate = PriceService().get_price(\n"
         '            "dai", "eur"\n        ) or 1.0\n    except Exception:\n        rate = 1.0\n'
         "    return [row * rate for row in rows]\n")
#: The same fallback in a helper of its own: returned, on one line, its currency now a parameter.
HELPER = ('\n\ndef _rate(token):\n    """Today\'s rate of ``token`` in euros."""\n'
          "    from shop.pricing import PriceService\n\n    try:\n"
          '        return PriceService().get_price(token, "eur") or 1.0\n    except Exception:\n        return 1.0\n')


def test_a_fallback_moved_into_a_new_helper_with_one_word_renamed_is_not_new(git_project: Path) -> None:
    write_tree(git_project, {"shop/__init__.py": "", "shop/costs.py": COSTS})
    _commit(git_project)
    claude = ClaudeCode(git_project)
    claude.start()
    old = COSTS[COSTS.index("\n\n\ndef"):]
    function = old[:old.index("    from shop")] + '    rate = _rate("dai")\n    return [row * rate for row in rows]\n'
    moved = claude.edit("shop/costs.py", old, "\n" + HELPER + function)
    assert (moved.exit_code, moved.stderr) == (0, ""), moved
    assert not claude.stop().blocked


def test_a_renamed_copy_of_a_fallback_that_stays_where_it_was_is_new(git_project: Path) -> None:
    write_tree(git_project, {"shop/__init__.py": "", "shop/costs.py": COSTS})
    _commit(git_project)
    claude = ClaudeCode(git_project)
    claude.start()
    copied = claude.edit("shop/costs.py", '"""Monthly costs."""\n', '"""Monthly costs."""\n' + HELPER)
    assert copied.exit_code == 2 and "shop/costs.py:10: ERR003 [error] new:" in copied.stderr, copied
    stop = claude.stop()
    assert stop.blocked and "shop/costs.py:10: ERR003" in stop.text, stop


def _commit(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "c")
