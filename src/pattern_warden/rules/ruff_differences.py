"""Where pattern-warden and Ruff disagree on purpose: the closing section of docs/rules.md.

Kept apart from the rule classes (which generate the rest of the file) because each entry is
a finding of ``bench/ruff_fixtures.py`` about two tools, not about one rule.
"""

from __future__ import annotations

MARKDOWN = """\
## Differences from Ruff by design

`bench/ruff_fixtures.py` runs our rules and their Ruff counterparts on Ruff's own rule
fixtures (1,601 `.py` files; see docs/benchmarks.md for the table). These differences are
intended; everything else where one tool alone reports a line is a bug to fix.

**Syntax (SYN001)**

- Code for Python 3.12 to 3.14 is read on every supported interpreter: type parameters
  (PEP 695, 696), `type` aliases, PEP 701 f-strings, t-strings (PEP 750) and `except A, B:`
  (PEP 758) are lowered before `ast.parse` when the running Python lacks them, keeping every
  line and column. On Python 3.11, three f-strings nested in one another cannot be lowered
  (3.11 has two quote characters to alternate): SYN001 says the file needs Python 3.12+.
  Ruff reads them all.
- Errors CPython's compiler raises on a file that parses are SYN001 ("Compile error: ..."), and
  the file is still checked. Ruff reports most of them as rules (F404, F406, F407, F622, F701,
  F702, F704, F706, F707, PLE0115, PLE0117, PLE0118, PLE1142, PLE1700) and `'return' with value
  in async generator` not at all. The compiler stops at its first error: one per file. Only files
  whose walk shows a construct the compiler may refuse are compiled (a third of a check's time
  otherwise); Ruff's fixtures give the same SYN001 files either way.
- We follow CPython's grammar where Ruff's parser is more lenient (`yield, x` as a statement),
  and the running interpreter's where Python 3.14 became stricter (`x: (y := 1)`).
- A syntax error inside a function costs that function's findings only; one at module level
  costs the file's. Findings in such a file are not fixable: `--fix` writes only files that parse.
- A file holding NUL bytes is skipped with a note; Ruff reports it as invalid syntax.
- On Python 3.11, backslash escapes in strings nested inside f-string replacement fields are
  read as blanks (3.11 forbids them there): a rule reading such a string sees blanks.

**Rules**

- ERR001 / B006: a mutable default is reported only when the function changes it or returns
  it, whatever the annotation says; B006 reports every mutable default. A default that is only
  read, copied, stored or passed on was never worth stopping an agent for in three rounds of
  hand labels (0 TP of 18 findings), and with it went the None-default fix: where the
  object is changed, any fix changes what the program does, so a person decides.
- ASY003 / S113: `urllib.request.urlopen()` without a timeout is reported too; S113 covers
  requests and httpx only.
- RES001 / B019: unbounded `functools.cache` and `lru_cache(maxsize=None)` are reported on module
  functions too (they keep every argument); B019 only on methods.
- COR001 / DTZ003: `datetime.utcnow().astimezone()` is reported: `astimezone` reads the naive UTC
  time as local time. Ruff exempts it.
- SEC001 / S608: SQL built with formatting is reported where it reaches `execute`,
  `executemany`, `executescript` or `text()`; S608 reports every SQL-looking formatted string.
- ERR003 / BLE001, S110: ERR003 reports a handler that only falls back (pass, continue, a default
  value) with nothing logged, raised or handed on; BLE001 reports every broad `except` that does not
  re-raise or log with `exc_info`. A handler that calls, prints, logs or uses the error is not
  silent to us. ERR003 also reports a bare `except:` that falls back (Ruff leaves bare `except` to
  E722) and `contextlib.suppress(Exception)`, which BLE001 does not read.
- ASY001 / ASYNC22x: `os.spawn*` blocks only in `P_WAIT` mode; with `P_NOWAIT`, `posix_spawn` or
  `subprocess.Popen` the call returns at once and is not reported. `time.sleep(0)` is reported.
- RES001 / B019: a bounded `lru_cache` (default `maxsize=128`) on a method is not reported; an
  unbounded cache on a class or static method is.
- DES004 / PLW0603: a `global` at module level is not reported (it changes nothing); a global
  rebound by a `for` target, a tuple target or `del` is.
- DES005 / ANN401: `*args: Any` and `**kwargs: Any` (the pass-through convention) and dunder
  methods' parameters are not reported; `Any` inside a union or `Annotated` is not bare `Any`.
- DOC001, DOC003 / D100, D102: empty modules and packages, dunder methods such as `__new__` and
  `@override` methods are not reported. File-wide `# flake8: noqa` / `# ruff: noqa` are another
  tool's comments: only `# warden:` comments silence us.
- COR002 / T201: a file with a `#!` line is a script and its `print` is its output.
- COR003 / G004: an f-string without a replacement field formats nothing and is not reported.
- SEC002 / S105-S107: a secret word must be a whole part of the name (`password`, `secret`,
  `token`, `api_key`; not `_pass` or `secrete`); `token == "..."` is not reported (usually a lexer
  token); placeholder values (the name itself, `default`) are not real-looking; a value that says
  it is a sample (`demo-token-alice`) in a script or a seed, demo or fixture module is demo data.
- Ruff reports the sync httpx client (ASYNC212) and `input()` (ASYNC250) under codes of their
  own; they are ASY001's counterparts too.
- ERR004 / B904: re-raising the caught exception itself (`raise exc.with_traceback(None)`,
  `raise exc.__cause__`) and control-flow signals (`StopIteration`, `StopAsyncIteration`,
  `GeneratorExit`, `SystemExit`, `KeyboardInterrupt`, `CancelledError`) are not reported: there is no second
  failure whose cause a reader needs.
- A project whose own Ruff configuration ignores every Ruff counterpart of one of our rules
  (`ignore` or `extend-ignore` in `ruff.toml`, `.ruff.toml` or `[tool.ruff]`) has decided
  that question for its code: the rule is not run there. COR003 defers per form (G001-G004),
  except for `debug` calls, where the formatting is work for a record the level usually drops.
- A `.py` file holding Jinja or cookiecutter markup that does not parse is a template, not a
  syntax error; Ruff reports it as invalid syntax.
- Stub files (`.pyi`) and notebooks are not compared.
"""
