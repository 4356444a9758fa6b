"""No autofix may change what a program does: each fixable example runs before and after its fix.

Each INVALID example that promises a fix is executed as written and as the rule's own fix
rewrites it, with a real logging handler, real stdout and the same sample values, and what
they observably do is compared: the log records as a handler formats them, what is printed,
and the values left behind.
"""

from __future__ import annotations

import contextlib
import io
import logging
import types

import pytest

from pattern_warden.config import Config
from pattern_warden.rules.base import Invalid, Rule
from pattern_warden.rules.engine import Checker, CheckOptions
from pattern_warden.rules.fixes import apply_fixes
from pattern_warden.rules.registry import ALL_RULES
from pattern_warden.workspace import Workspace

CASES = [
    pytest.param(rule, example, id=f"{rule.code}-invalid-{i}")
    for rule in ALL_RULES if rule.fixable for i, example in enumerate(rule.INVALID) if example.fixed is not None
]
#: What drives an example that only defines things: the same driver runs both versions.
DRIVERS = {
    "class Pool": "Pool().grow(3)\n",
    "def f(items=": "first = f()\nsecond = f()\n",
    "def f(x, *, seen": "first = f(1)\n",
}


class _Failure(Exception):
    """What the sample `run()` raises: an ordinary error, as a bare except would catch."""


def _samples() -> dict[str, object]:
    calls: list[str] = []
    def run() -> None:
        calls.append("run")
        raise _Failure("boom")
    return {"n": 3, "name": "db", "y": 2.5, "calls": calls, "run": run,
            "cleanup": lambda: calls.append("cleanup")}


def _observe(code: str) -> tuple[list[tuple[str, str]], str, dict[str, object]]:
    records: list[tuple[str, str]] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append((record.levelname, self.format(record)))

    root = logging.getLogger()
    handler, level = Capture(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    names = {"__name__": "example", **_samples()}
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code + next((d for k, d in DRIVERS.items() if k in code), ""), "<example>", "exec"), names)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    left = {k: v for k, v in names.items()
            if not k.startswith("__") and not isinstance(v, (types.ModuleType, types.FunctionType, type, logging.Logger,
                                                               logging.LoggerAdapter))}
    return records, out.getvalue(), left


def _fixed(config: Config, rule: type[Rule], code: str) -> str:
    source = Workspace(config).virtual(code, "pkg/module.py")
    fixes = [f.fix for f in Checker(config, CheckOptions(select=(rule.code,))).raw(source)
             if f.rule.code == rule.code and f.fix is not None]
    assert fixes, "the example promises a fix"
    return apply_fixes(code, fixes)[0]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_a_fix_does_not_change_what_the_example_does(config: Config, rule: type[Rule], example: Invalid) -> None:
    before = _observe(example.code)
    after = _observe(_fixed(config, rule, example.code))
    assert after == before
    assert before[0] or before[1] or before[2], "the example must do something observable"


def test_the_comparison_sees_a_changed_message(config: Config) -> None:
    """The harness is no tautology: a rewrite that changes the message is caught."""
    code = "import logging\nlogging.warning(f'Reading {n} bytes')\n"
    assert _observe(code) != _observe("import logging\nlogging.warning('Reading %s bytes %s', n, 1024)\n")
