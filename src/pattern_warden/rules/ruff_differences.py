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

- ERR001 / B006: a mutable default is reported even when the annotation names an immutable
  type (`a: Sequence[int] = []`): the one object is still shared by every call.
- ASY003 / S113: `urllib.request.urlopen()` without a timeout is reported too; S113 covers
  requests and httpx only.
- RES001 / B019: unbounded `functools.cache` and `lru_cache(maxsize=None)` are reported on module
  functions too (they keep every argument); B019 only on methods.
- COR001 / DTZ003: `datetime.utcnow().astimezone()` is reported: `astimezone` reads the naive UTC
  time as local time. Ruff exempts it.
- SEC001 / S608: SQL built with formatting is reported where it reaches `execute`,
  `executemany`, `executescript` or `text()`; S608 reports every SQL-looking formatted string.
- Stub files (`.pyi`) and notebooks are not compared.
"""
