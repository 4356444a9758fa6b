"""The edit hook tells the agent of what is below its floor without blocking, and does not blame
it for code it moved or copied from another file of the project.

Each test is a Claude Code session (``claude_hooks.ClaudeCode``) on a real git repository made in
a temporary folder, its events sent to the plugin's hook commands. The floors are set in each
test's configuration, so the tests do not depend on the defaults.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import git, write_tree
from tests.e2e.claude_hooks import ClaudeCode

BLOCK_ON_ERRORS = ('[tool.pattern-warden.hooks]\nedit-severity = "error"\nstop-severity = "error"\n'
                   'edit-note-severity = "warning"\n')
#: A fallback whose None says "unknown" to a status line: an ERR003 warning, not an error.
FAIL_OPEN = ('"""Orders."""\n\n\ndef order_count(session):\n    """How many orders are open, for the status line."""\n'
             '    try:\n        return len(session.get("/orders").json())\n    except Exception:\n        return None\n')
#: Another of the same kind, for an edit of the same file.
FAIL_OPEN_TOO = ('\n\ndef refund_count(session):\n    """How many refunds wait, for the status line."""\n'
                 '    try:\n        return len(session.get("/refunds").json())\n    except Exception:\n        return None\n')
MUTABLE = '\n\ndef collect(item, seen=[]):\n    """Collect."""\n    seen.append(item)\n    return seen\n'


def _commit(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "c")


def _session(root: Path, tree: dict[str, str]) -> ClaudeCode:
    """A session started on a repository whose one commit holds ``tree``."""
    write_tree(root, tree)
    _commit(root)
    claude = ClaudeCode(root)
    claude.start()
    return claude


BLOCK_ON_WARNINGS = '[tool.pattern-warden.hooks]\nedit-severity = "warning"\n'


def _context(stdout: str) -> str:
    """The note a PostToolUse answer adds to the agent's context (Claude Code's JSON contract)."""
    answer = json.loads(stdout)["hookSpecificOutput"]
    assert answer["hookEventName"] == "PostToolUse", answer
    return answer["additionalContext"]


def test_a_finding_below_the_edit_floor_is_a_note_that_does_not_block(git_project: Path) -> None:
    claude = _session(git_project, {"pyproject.toml": BLOCK_ON_ERRORS, "app/__init__.py": ""})
    edit = claude.write("app/orders.py", FAIL_OPEN)
    assert (edit.exit_code, edit.stderr) == (0, ""), edit
    note = _context(edit.stdout)
    head, *lines = note.splitlines()
    assert head.startswith("pattern-warden: 1 note on this edit (not blocking, below error)"), note
    assert "`# warden: fallback <reason>`" in head and "log call" in head
    assert lines and lines[0].startswith("app/orders.py:8: ERR003 [warning] new: ") and "Fix: " in lines[0], note
    assert not claude.stop().blocked  # below stop-severity as well: said at the edit, not again at the stop
    write_tree(git_project, {"pyproject.toml": BLOCK_ON_ERRORS.replace('"warning"\n', '"never"\n')})
    quiet = claude.write("app/orders.py", FAIL_OPEN + FAIL_OPEN_TOO)
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", ""), quiet


def test_a_block_lists_what_blocks_and_counts_the_notes(git_project: Path) -> None:
    claude = _session(git_project, {"pyproject.toml": BLOCK_ON_ERRORS})
    edit = claude.write("app/orders.py", FAIL_OPEN + MUTABLE)
    assert edit.exit_code == 2 and edit.stdout == "", edit
    lines = edit.stderr.splitlines()
    assert lines[0] == "pattern-warden: this edit introduced 1 finding; fix them now:", edit
    assert lines[1].startswith("app/orders.py:12: ERR001 [error] new: "), edit
    assert lines[2:] == ["... and 1 note below error, not blocking (pattern-warden check app/orders.py)"], edit


CLIENT = ('"""The model client."""\n\n\ndef price(usage):\n    """What the usage costs."""\n'
          "    return usage.tokens * 0.002\n\n\n"
          'def finish_stream(usage):\n    """The cost of a finished stream, and where it came from."""\n'
          "    try:\n        cost = price(usage)\n        source = \"computed\"\n    except Exception:\n"
          '        cost, source = 0.0, "unavailable"\n    return cost, source\n\n\n'
          'def parse_retry_after(header):\n    """Seconds to wait, from a Retry-After header."""\n'
          "    try:\n        value = float(header)\n    except Exception:\n        return None\n    return value\n")


def _function(text: str, name: str) -> str:
    """The source of one top-level function of ``text``, with the two blank lines before it."""
    start = text.index(f"\n\n\ndef {name}(")
    end = text.find("\n\n\ndef ", start + 1)
    return text[start:] if end < 0 else text[start:end + 1]


def test_code_moved_into_a_new_module_is_not_the_agents_but_a_new_fallback_beside_it_is(git_project: Path) -> None:
    claude = _session(git_project, {"llm/__init__.py": "", "llm/client.py": CLIENT,
                                    "pyproject.toml": BLOCK_ON_WARNINGS})
    retry = _function(CLIENT, "parse_retry_after")
    # cut first, then pasted into a new module: the statement was in client.py when the session began
    cut = claude.edit("llm/client.py", retry, "\n")
    assert (cut.exit_code, cut.stderr) == (0, ""), cut
    pasted = claude.write("llm/retry.py", '"""Retry timing."""' + retry)
    assert (pasted.exit_code, pasted.stdout, pasted.stderr) == (0, "", ""), pasted
    # copied while client.py still holds it; a fallback written anew in the same module still blocks
    stream = _function(CLIENT, "finish_stream")
    new = ('\n\ndef stream_usage(chunk):\n    """The usage a chunk reports."""\n    try:\n'
           '        return chunk["usage"]\n    except Exception:\n        return {}\n')
    written = claude.write("llm/streaming.py", '"""Streaming."""\nfrom llm.client import price' + stream + new)
    assert written.exit_code == 2, written
    assert [line.split(" [")[0] for line in written.stderr.splitlines()[1:]] == ["llm/streaming.py:19: ERR003"], written
    claude.edit("llm/client.py", stream, "\n")
    stop = claude.stop()
    assert stop.blocked and "llm/streaming.py:19: ERR003" in stop.text, stop
    assert "streaming.py:10:" not in stop.text and "retry.py" not in stop.text, stop


SERVER = ('"""The server."""\nimport re\n\nNAME = "bicameral"\ntry:\n    from importlib.metadata import version\n'
          '    VERSION = version("bicameral")\nexcept Exception:\n    VERSION = "0.1.0"\n')


def test_a_module_level_fallback_moved_into_a_function_of_its_file_is_not_new(git_project: Path) -> None:
    claude = _session(git_project, {"srv/__init__.py": "", "srv/server.py": SERVER,
                                    "pyproject.toml": BLOCK_ON_WARNINGS})
    moved = claude.edit("srv/server.py", SERVER.split('NAME = "bicameral"\n')[1],
                        '\n\ndef _version():\n    """The version: pyproject.toml in a checkout, else installed."""\n'
                        '    found = re.search(r\'^version = "(.+)"\', _pyproject(), re.MULTILINE)\n'
                        "    if found:\n        return found.group(1)\n    try:\n"
                        "        from importlib.metadata import version\n"
                        '        return version("bicameral")\n    except Exception:\n        return "0.1.0"\n\n\n'
                        'def _pyproject():\n    """The checkout\'s pyproject.toml, or nothing."""\n    return ""\n\n\n'
                        "VERSION = _version()\n")
    assert (moved.exit_code, moved.stdout, moved.stderr) == (0, "", ""), moved
    assert not claude.stop().blocked


MAIN = ('"""The client."""\n\n\ndef announce(item, politely=False):\n    """Say it."""\n    return item, politely\n\n\n'
        'def poll(menu):\n    """The focused menu item, said aloud."""\n    try:\n        item = menu.focused()\n'
        "        announce(item)\n    except Exception:\n        pass\n")


def test_code_cut_from_a_file_and_pasted_retouched_into_a_new_one_is_judged_as_the_stop_judges_it(
        git_project: Path) -> None:
    claude = _session(git_project, {"kt/__init__.py": "", "kt/main.py": MAIN, "pyproject.toml": BLOCK_ON_WARNINGS})
    poll = _function(MAIN, "poll")
    cut = claude.edit("kt/main.py", poll, "\n")
    assert (cut.exit_code, cut.stderr) == (0, ""), cut
    # the try body's last line changed on the way: the handler left main.py all the same
    pasted = claude.write("kt/monitor.py", '"""Focus monitor."""\nfrom kt.main import announce'
                          + poll.replace("announce(item)", "announce(item, politely=True)"))
    assert (pasted.exit_code, pasted.stdout, pasted.stderr) == (0, "", ""), pasted
    assert not claude.stop().blocked
