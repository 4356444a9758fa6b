"""The gates block each cause once, and not on demo data (issue 22, the wrong blocks of the
gates-agent7 corpus).

Each test is a Claude Code session (``claude_hooks.ClaudeCode``) on a real git repository made in
a temporary folder, its events sent to the plugin's hook commands.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
