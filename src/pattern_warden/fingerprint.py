"""A finding's identity: the rule, the enclosing symbol and the statement's text, not its line.

"New in this change", baselines, SARIF's ``partialFingerprints`` and both hooks all ask one
question: is this the same finding as one we saw before? Line numbers cannot answer it (an edit
above a finding moves it), so the identity is built from what survives a move: the rule code,
the file, the qualified name of the innermost function or class around the finding, and the
finding's first line with its white space folded. Two findings that share all four (the same
rule on two identical lines in one function) are told apart by their order of occurrence.

A finding about a whole scope (a file's length, a function's complexity or statement count, a
missing docstring: ``Rule.identity`` is "file" or "scope") is not about the text of its anchor
line: adding a docstring on line 1 or a parameter to the ``def`` line does not cause it. Its
identity is the rule, the file and the scope alone (the file, or the qualified symbol), so it
is new only where the rule did not fire on that scope before; when its measure grew, the
review calls it worse (``worse_than``).
Everything that needs an identity calls ``fingerprints``; nothing else computes one.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import io
import keyword
import re
import tokenize
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pattern_warden.rules.registry import BY_CODE
from pattern_warden.source import SourceFile


class Locatable(Protocol):
    """What a fingerprint needs from a finding: its rule, file and first line."""

    code: str
    path: str
    line: int


@dataclass(frozen=True)
class _Scope:
    start: int
    end: int
    name: str


def _scopes(tree: ast.Module | None) -> list[_Scope]:
    """Every function and class with its line span and qualified name, in source order."""
    if tree is None:
        return []
    found: list[_Scope] = []

    def visit(body: Iterable[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{node.name}"
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                found.append(_Scope(start, node.end_lineno or node.lineno, name))
                visit(node.body, name + ".")
            else:
                for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                    inner = getattr(node, field, None)
                    if isinstance(inner, list):
                        visit((n for n in inner if isinstance(n, ast.stmt)), prefix)
                        for sub in inner:
                            if isinstance(sub, (ast.ExceptHandler, ast.match_case)):
                                visit(sub.body, prefix)

    try:
        visit(tree.body, "")
    except RecursionError:
        return []
    return found


def enclosing_symbol(scopes: Sequence[_Scope], line: int) -> str:
    """The innermost function or class whose lines hold ``line``; "" at module level."""
    best = ""
    starts = [s.start for s in scopes]
    for scope in scopes[: bisect_right(starts, line)]:
        if scope.start <= line <= scope.end:
            best = scope.name  # later scopes that still hold the line are nested deeper
    return best


def rule_scopes(findings: Sequence[Locatable], source: SourceFile | None) -> list[tuple[str, str]]:
    """Each finding's (rule, enclosing symbol): what stays the same when a line is rewritten in
    place (reformatted, an f-string for a % format), where the identity does not."""
    scopes = _scopes(source.tree or source.partial_tree) if source is not None else []
    return [(f.code, enclosing_symbol(scopes, f.line)) for f in findings]


def _code_only(line: str) -> str:
    """``line`` without its comment, white space folded (a ``#`` inside a string stays)."""
    if "#" not in line:
        return " ".join(line.split())
    cut = None
    # A bracket or string the line does not close ends the tokens; a comment before it was seen.
    with contextlib.suppress(tokenize.TokenError, SyntaxError):
        for token in tokenize.generate_tokens(io.StringIO(line).readline):
            if token.type == tokenize.COMMENT:
                cut = token.start[1]
                break
    return " ".join(line[:cut].split())


#: A statement finding as it reads, wherever it is: rule, code of its line, code of the lines around it.
Statement = tuple[str, str, str, str]


def statement_texts(findings: Sequence[Locatable], source: SourceFile | None) -> list[Statement | None]:
    """Each statement finding's rule, line and neighbouring lines, comments left out (None for a
    whole-scope finding): what a statement keeps when it moves to another function or file, or
    when only its comment changes. The neighbours keep a generic line (a bare `except:`) from
    passing for another one of the file."""
    lines = source.lines if source is not None else []
    return [(f.code, _code_only(lines[f.line - 1]), *neighbours(source, f.line))  # type: ignore[arg-type]
            if _identity(f.code) == "statement" and 0 < f.line <= len(lines) else None for f in findings]


def neighbours(source: SourceFile, line: int) -> tuple[str, str]:
    """The code of the nearest non-blank lines before and after ``line``: what tells apart two
    identical statements of one function (the `except:` after a `raise`, the one after a log call)."""
    lines = source.lines
    above = next((code for t in reversed(lines[: max(line - 1, 0)]) if (code := _code_only(t))), "")
    below = next((code for t in lines[line:] if (code := _code_only(t))), "")
    return above, below


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _identity(code: str) -> str:
    """"statement", "scope" or "file": what findings of ``code`` are about (unknown codes: statements)."""
    rule = BY_CODE.get(code)
    return rule.identity if rule is not None else "statement"


def fingerprints(findings: Sequence[Locatable], source: SourceFile | None) -> list[str]:
    """One identity per finding of one file, in the order given.

    ``source`` is the file the findings were computed on (None when it could not be read:
    then the identity falls back to the rule and file alone, plus the occurrence count).
    """
    # A file that stopped parsing keeps its other functions' identities: the recovered tree
    # (the file without the broken functions) names their scopes as the whole tree did.
    scopes = _scopes(source.tree or source.partial_tree) if source is not None else []
    lines = source.lines if source is not None else []
    seen: Counter[str] = Counter()
    result = []
    for finding in findings:
        kind = _identity(finding.code)
        if kind == "file":
            base = _digest(finding.code, finding.path, "<file>")
        elif kind == "scope":
            base = _digest(finding.code, finding.path, "<scope>", enclosing_symbol(scopes, finding.line))
        else:
            text = " ".join(lines[finding.line - 1].split()) if 0 < finding.line <= len(lines) else ""
            base = _digest(finding.code, finding.path, enclosing_symbol(scopes, finding.line), text)
        seen[base] += 1
        result.append(f"{base}:{seen[base]}")
    return result


#: A handler's code as tokens: an identifier or number, a quoted string, or one other character.
_TOKEN = re.compile(r"\w+|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|\S")
#: A token a rename can change: an identifier (not a keyword) or a string literal.
_RENAMABLE = re.compile(r"[A-Za-z_]\w*|['\"].*")


def handler_shapes(findings: Sequence[Locatable], source: SourceFile | None) -> list[tuple[str, ...] | None]:
    """For each finding on an ``except`` clause, its ``try`` as tokens: the body's and the
    handler's statements as the parser reads them (line breaks and comments gone), each without
    what receives its value (``return x`` and ``rate = x`` are both ``x``). None for any other
    finding. A fallback moved into a new helper keeps its shape where its lines do not: the
    old ``rate = price() or 1.0`` spread over three lines becomes ``return price() or 1.0``."""
    tree = source.tree if source is not None else None
    if tree is None or not findings:
        return [None] * len(findings)
    tries = {handler.lineno: (node, handler) for node in ast.walk(tree) if isinstance(node, (ast.Try, ast.TryStar))
             for handler in node.handlers}
    out: list[tuple[str, ...] | None] = []
    for finding in findings:
        found = tries.get(finding.line)
        if found is None:
            out.append(None)
            continue
        node, handler = found
        caught = ast.unparse(handler.type) if handler.type is not None else ""
        body = [token for statement in node.body for token in _TOKEN.findall(_value_of(statement))]
        handled = [token for statement in handler.body for token in _TOKEN.findall(_value_of(statement))]
        out.append((*body, f"except {caught}", *handled))  # one token: what is caught is never "renamed"
    return out


def _value_of(statement: ast.stmt) -> str:
    """A statement as code, without what receives its value."""
    if isinstance(statement, (ast.Return, ast.Assign, ast.AnnAssign)) and statement.value is not None:
        return ast.unparse(statement.value)
    return ast.unparse(statement)


def renamed(old: tuple[str, ...], new: tuple[str, ...]) -> bool:
    """``new`` is ``old`` with at most one identifier or string renamed (everywhere it occurs):
    the one word an agent changes when it moves a fallback into a helper of its own."""
    if len(old) != len(new):
        return False
    pairs = {(a, b) for a, b in zip(old, new, strict=True) if a != b}
    return len(pairs) <= 1 and all(_RENAMABLE.fullmatch(a) and _RENAMABLE.fullmatch(b) and not keyword.iskeyword(a)
                                   and not keyword.iskeyword(b) for a, b in pairs)
