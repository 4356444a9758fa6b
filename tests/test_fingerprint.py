"""A finding keeps its identity when lines above it move, and loses it when its statement changes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pattern_warden.fingerprint import fingerprints, handler_shapes, renamed
from pattern_warden.source import SourceFile


@dataclass
class _F:
    code: str
    path: str
    line: int


def _source(text: str) -> SourceFile:
    return SourceFile(path="m.py", text=text, digest="x", size=len(text))


BEFORE = "class A:\n    def f(self, x=[]):\n        return x\n"
AFTER = "import os\n\n\nclass A:\n    # moved down\n    def f(self,  x=[]):\n        return x\n"


def test_identity_survives_a_shift_and_white_space() -> None:
    old = fingerprints([_F("ERR001", "m.py", 2)], _source(BEFORE))
    new = fingerprints([_F("ERR001", "m.py", 6)], _source(AFTER))
    assert old == new


def test_identity_changes_with_the_statement_the_symbol_or_the_rule() -> None:
    base = fingerprints([_F("ERR001", "m.py", 2)], _source(BEFORE))[0]
    edited = fingerprints([_F("ERR001", "m.py", 2)], _source(BEFORE.replace("x=[]", "y=[]")))[0]
    renamed = fingerprints([_F("ERR001", "m.py", 2)], _source(BEFORE.replace("def f", "def g")))[0]
    other_rule = fingerprints([_F("ERR002", "m.py", 2)], _source(BEFORE))[0]
    assert len({base, edited, renamed, other_rule}) == 4


def test_twins_in_one_symbol_are_told_apart_by_order() -> None:
    text = "def f():\n    print(1)\n    print(1)\n"
    a, b = fingerprints([_F("X", "m.py", 2), _F("X", "m.py", 3)], _source(text))
    assert a != b and a.split(":")[0] == b.split(":")[0]


def test_nested_scopes_and_unparsable_files() -> None:
    text = "def outer():\n    try:\n        def inner():\n            pass\n    except E:\n        pass\n"
    inner = fingerprints([_F("X", "m.py", 4)], _source(text))[0]
    outer = fingerprints([_F("X", "m.py", 4)], _source(text.replace("def inner", "def other")))[0]
    assert inner != outer
    assert fingerprints([_F("X", "m.py", 1)], _source("def (:\n"))[0].endswith(":1")


def test_a_syntax_error_elsewhere_keeps_the_other_functions_findings_existing(tmp_path) -> None:
    """Breaking one function must not make every old finding of the file new: the identities
    come from the recovered tree, which still holds the other functions."""
    from pattern_warden.config import load_config
    from pattern_warden.delta.findings import checker_for, review_findings
    from pattern_warden.workspace import Workspace

    texts = ("def keep(x=[]):\n    return x\n\n\ndef other():\n    return 1\n",
             "def keep(x=[]):\n    return x\n\n\ndef other():\n    return (1\n")
    before, after = (SourceFile(path="m.py", text=t, digest=hashlib.sha256(t.encode()).hexdigest(), size=len(t))
                     for t in texts)
    assert after.tree is None and after.partial_tree is not None
    checker = checker_for(Workspace(load_config(tmp_path)))
    found = {f.code: f.new for f in review_findings(checker, after, before)}
    assert found["ERR001"] is False  # the mutable default was there before
    assert found["SYN001"] is True  # the syntax error is what the change did


def test_a_whole_scope_finding_is_identified_by_its_scope_not_its_anchor_line() -> None:
    text = "import os\n\n\ndef run(a, b):\n    return a\n"
    # A module docstring on line 1 and a parameter on the def line change the anchors' text...
    edited = '"""Run things."""\nimport os\n\n\ndef run(a, b, /, *, c=None):\n    return a\n'
    for code, line, moved in (("DES001", 1, 1), ("DOC001", 1, 1), ("DES002", 4, 5), ("DOC003", 4, 5)):
        assert fingerprints([_F(code, "m.py", line)], _source(text)) == \
            fingerprints([_F(code, "m.py", moved)], _source(edited)), code
    # ...while another function, or another file, is another scope.
    other = fingerprints([_F("DES002", "m.py", 4)], _source(text.replace("def run", "def walk")))
    assert other != fingerprints([_F("DES002", "m.py", 4)], _source(text))
    assert fingerprints([_F("DES001", "n.py", 1)], _source(text)) != fingerprints([_F("DES001", "m.py", 1)],
                                                                               _source(text))
    # A statement-level finding keeps today's identity: its statement's text.
    assert fingerprints([_F("ERR001", "m.py", 4)], _source(text)) != \
        fingerprints([_F("ERR001", "m.py", 5)], _source(edited))


def test_review_marks_a_grown_scope_finding_worse_and_an_old_new_code_finding_not_at_all(tmp_path) -> None:
    from pattern_warden.config import load_config
    from pattern_warden.delta.findings import checker_for, review_findings
    from pattern_warden.workspace import Workspace

    def dispatch(branches: int) -> str:
        cases = "".join(f"    if kind == {i}:\n        return {i}\n" for i in range(branches))
        return f'"""D."""\n\n\ndef dispatch(kind):\n    """D."""\n{cases}    return None\n'

    fallback = '\n\ndef load():\n    """L."""\n    try:\n        return read()\n    except Exception:\n        return {}\n'
    (tmp_path / "pyproject.toml").write_text('[tool.pattern-warden.rules]\nselect = ["ALL", "DES002"]\n')  # opt-in
    workspace = Workspace(load_config(tmp_path))
    before = workspace.virtual(dispatch(13) + fallback, "m.py")
    same = {(f.code, f.new, f.worse_than) for f in review_findings(checker_for(workspace),
                                                                    workspace.virtual(dispatch(13) + fallback + "\n",
                                                                                      "m.py"), before)}
    assert same == {("DES002", False, None)}  # the old ERR003 is not reported: new-code rules are quiet on old code
    grown = review_findings(checker_for(workspace), workspace.virtual(dispatch(14) + fallback, "m.py"), before)
    assert {(f.code, f.new, f.worse_than) for f in grown} == {("DES002", False, 14)}


def test_an_old_line_rewritten_in_place_keeps_its_finding_old(tmp_path) -> None:
    """Release diffs and agents rewrite lines they do not fix (a % format turned into an
    f-string); the finding on it was there before, in the same function, and is not new."""
    from pattern_warden.config import load_config
    from pattern_warden.delta.findings import checker_for, review_findings
    from pattern_warden.workspace import Workspace

    old = ('"""M."""\n\n\ndef load(name):\n    """L."""\n    try:\n        return CACHE[name]\n'
           '    except KeyError:\n        raise LookupError("no %s" % name)\n')
    workspace = Workspace(load_config(tmp_path))
    before = workspace.virtual(old, "m.py")
    rewritten = workspace.virtual(old.replace('"no %s" % name', 'f"no {name}"'), "m.py")
    assert [(f.code, f.new) for f in review_findings(checker_for(workspace), rewritten, before)] == [("ERR004", False)]
    added = workspace.virtual(old + '\n\ndef save(name):\n    """S."""\n    try:\n        return STORE[name]\n'
                                    '    except KeyError:\n        raise LookupError(name)\n', "m.py")
    assert sorted((f.code, f.line, f.new) for f in review_findings(checker_for(workspace), added, before)) == [
        ("ERR004", 9, False), ("ERR004", 17, True)]


ASSIGNED = "def f():\n    try:\n        rate = price(\n            'dai', 'eur'\n        ) or 1.0\n    except Exception:\n        rate = 1.0\n"


def _shape(text: str, line: int) -> tuple[str, ...] | None:
    return handler_shapes([_F("ERR003", "m.py", line)], _source(text))[0]


def test_a_handlers_shape_is_its_try_without_receivers_and_line_breaks() -> None:
    old = _shape(ASSIGNED, 6)
    assert old is not None and old == _shape("def g():\n    try:\n        return price('dai', 'eur') or 1.0\n"
                                             "    except Exception:\n        return 1.0\n", 4)
    assert _shape(ASSIGNED, 7) is None  # not an except clause


def test_one_word_renamed_everywhere_is_the_same_shape_and_more_is_not() -> None:
    old = _shape(ASSIGNED, 6)
    assert old is not None
    for text, same in ((ASSIGNED.replace("'dai'", "token"), True), (ASSIGNED.replace("price", "cost"), True),
                       (ASSIGNED.replace("'dai', 'eur'", "token, unit"), False),
                       (ASSIGNED.replace("= 1.0\n", "= 0.0\n"), False),
                       (ASSIGNED.replace("except Exception", "except ValueError"), False),
                       (ASSIGNED.replace(") or 1.0", ") and 1.0"), False)):
        new = _shape(text, 6)
        assert new is not None and renamed(old, new) is same, text
