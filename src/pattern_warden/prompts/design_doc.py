"""The ``design_decision_docstring`` prompt: the true facts about one definition, then the ask.

An agent asked to document a design from memory writes what it hoped the code does. This
prompt reads the code instead and hands the model what the code shows: the source and
signature, the docstring already there, the exceptions raised and caught, the cyclomatic
complexity (counted as Ruff's C901 counts it), and who calls it and what it calls inside
the project. The model writes the docstring; ``apply_docstring`` puts it in the file.

Callers and callees are calls in code resolved through imports (``delta/calls.py``, the
same resolution the reuse rate uses): ``self.save()`` inside ``Store`` and ``Store().save()``
call ``Store.save``; ``app.config.get()`` calls nothing the syntax can name, so it is left
out rather than matched to every ``get`` in the project.
"""

from __future__ import annotations

import ast
import re
import time
from dataclasses import dataclass, field

from pattern_warden.delta.calls import Target, module_index, resolved_calls
from pattern_warden.errors import WardenError
from pattern_warden.prompts.symbols import (
    Symbol,
    caught,
    complexity,
    find_symbol,
    raised,
    signature,
    walk_symbols,
)
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Skipped, Workspace

PATTERN_URI = "warden://patterns/design-decision-docstrings"
_MAX_SOURCE_LINES = 200
_MAX_REFERENCES = 25
_SEARCH_SECONDS = 20.0
_GOOGLE = re.compile(r"^\s*(Args|Arguments|Returns|Raises|Yields|Attributes|Examples?|Notes?):\s*$", re.MULTILINE)
_NUMPY = re.compile(r"^\s*(Parameters|Returns|Raises|Yields|Attributes|Examples|Notes|See Also)\s*\n\s*-{3,}\s*$",
                    re.MULTILINE)


@dataclass
class Reference:
    """A place in the project: ``path:line`` and the definition there."""

    path: str
    line: int
    name: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.name}"


@dataclass
class DesignFacts:
    """What the code says about one definition."""

    path: str
    symbol: str
    kind: str
    line: int
    signature: str
    source: str
    source_truncated: bool
    docstring: str | None
    raises: list[str]
    catches: list[str]
    complexity: str
    style: str
    callers: list[Reference] = field(default_factory=list)
    callees: list[Reference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def gather(workspace: Workspace, path: str, symbol: str) -> DesignFacts:
    """Read ``path`` through the workspace and collect the facts about ``symbol``."""
    source = workspace.read_path(path)
    if source.tree is None:
        raise WardenError(f"{source.path} is not a Python file that parses.", "Name a .py file without syntax errors.")
    target = find_symbol(source.tree, symbol, source.path)
    node = target.node
    end = node.end_lineno or node.lineno
    shown_end = min(end, target.first_line + _MAX_SOURCE_LINES - 1)
    facts = DesignFacts(
        path=source.path, symbol=target.name, kind=target.kind, line=node.lineno, signature=signature(node),
        source="\n".join(source.lines[target.first_line - 1 : shown_end]), source_truncated=shown_end < end,
        docstring=ast.get_docstring(node), raises=raised(node), catches=caught(node),
        complexity=_complexity_text(target),
        style=docstring_style(source.tree),
    )
    _references(workspace, target, facts)
    return facts


def _complexity_text(target: Symbol) -> str:
    """The function's McCabe figure; for a class, each method's (a class has no control flow of its own)."""
    if not isinstance(target.node, ast.ClassDef):
        return f"{complexity(target.node)} (McCabe, counted as Ruff's C901 counts; above 10 is rule DES002)."
    methods = [n for n in target.node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    if not methods:
        return "not applicable: a class without methods."
    rows = ", ".join(f"{m.name} {complexity(m)}" for m in methods)
    return f"per method (McCabe, as Ruff's C901; above 10 is rule DES002): {rows}."


def docstring_style(tree: ast.Module) -> str:
    """'Google', 'NumPy' or 'plain': the style most docstrings of the file already use."""
    google = numpy = plain = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node)
            if not doc:
                continue
            if _NUMPY.search(doc):
                numpy += 1
            elif _GOOGLE.search(doc):
                google += 1
            else:
                plain += 1
    if google == numpy == plain == 0:
        return "plain (the file has no docstrings yet)"
    if numpy > google and numpy >= plain:
        return "NumPy"
    if google >= plain and google > 0:
        return "Google"
    return "plain"


def _callees(workspace: Workspace, source: SourceFile, target: Symbol, modules: dict[str, str]) -> list[Reference]:
    """The project definitions the target's own lines call, resolved through imports."""
    node = target.node
    lines = range(node.lineno, (node.end_lineno or node.lineno) + 1)
    found: dict[Target, Reference] = {}
    for call in resolved_calls(source.tree, source.path, modules, lines.__contains__):
        if call.target in found or call.target == Target(source.path, target.name):
            continue
        where = source if call.target.path == source.path else _read(workspace, call.target.path)
        symbol = next((s for s in walk_symbols(where.tree) if s.name == call.target.name), None) \
            if where is not None and where.tree is not None else None
        if symbol is not None:
            found[call.target] = Reference(call.target.path, symbol.node.lineno, symbol.name)
    return list(found.values())


def _read(workspace: Workspace, rel: str) -> SourceFile | None:
    source = workspace.read(workspace.root / rel)
    return source if isinstance(source, SourceFile) else None


def _references(workspace: Workspace, target: Symbol, facts: DesignFacts) -> None:
    """Fill callers and callees: calls in code resolved through imports to this definition.

    A file is parsed only when its text could hold a call of the name (``name(``), so a large
    project costs a text search, not a parse of every file; the search stops with a note when
    it runs out of time.
    """
    discovery = workspace.discover(["."])
    if discovery.truncated:
        facts.notes.append("Only the first files of the project were searched (file limit).")
    modules = module_index(workspace.relative(p) for p in discovery.files)
    own = _read(workspace, facts.path)
    if own is not None:
        facts.callees = _callees(workspace, own, target, modules)
    wanted = Target(facts.path, target.name)
    call_text = re.compile(rf"\b{re.escape(target.node.name)}\s*\(")
    deadline = time.monotonic() + _SEARCH_SECONDS
    for done, path in enumerate(discovery.files):
        if time.monotonic() > deadline:
            facts.notes.append(f"Callers were searched in {done} of {len(discovery.files)} files "
                               f"(stopped after {_SEARCH_SECONDS:.0f} s).")
            break
        source = workspace.read(path)
        if isinstance(source, Skipped) or call_text.search(source.text) is None:
            continue
        _add_callers(source, facts, wanted, modules)
    for kind in ("callers", "callees"):
        found = getattr(facts, kind)
        if len(found) > _MAX_REFERENCES:
            facts.notes.append(f"{len(found)} {kind} found; the first {_MAX_REFERENCES} are shown.")
            setattr(facts, kind, found[:_MAX_REFERENCES])


def _add_callers(source: SourceFile, facts: DesignFacts, wanted: Target, modules: dict[str, str]) -> None:
    """The places in ``source`` that call ``wanted`` (the target's own body excluded), once each."""
    for call in resolved_calls(source.tree, source.path, modules):
        inside = source.path == facts.path and call.scope_line == facts.line
        if call.target == wanted and not inside:
            name = "(module level)" if call.scope == "<module>" else call.scope
            reference = Reference(source.path, call.scope_line, name)
            if reference not in facts.callers:
                facts.callers.append(reference)


def render(facts: DesignFacts) -> tuple[str, str]:
    """The prompt's two messages: the facts, then the request."""
    def listed(items: list[str] | list[Reference], none: str) -> str:
        return "\n".join(f"- {item}" for item in items) if items else f"- {none}"

    truncated = f"\n(source cut at {_MAX_SOURCE_LINES} lines)" if facts.source_truncated else ""
    facts_text = f"""# Facts about `{facts.symbol}` ({facts.kind}) in `{facts.path}`, line {facts.line}

## Signature
```python
{facts.signature}
```

## Existing docstring
{f'```text{chr(10)}{facts.docstring}{chr(10)}```' if facts.docstring else 'None: the definition has no docstring yet.'}

## Exceptions raised in its body
{listed(facts.raises, 'none raised directly')}

## Exceptions caught in its body
{listed(facts.catches, 'none caught')}

## Cyclomatic complexity
{facts.complexity}

## Callers inside the project (calls resolved through imports)
{listed(facts.callers, 'none found under the root')}

## Callees defined inside the project (calls resolved through imports)
{listed(facts.callees, 'none: it calls only code outside the project, or nothing')}

## Docstring style used in this file
{facts.style}
{listed(facts.notes, '') if facts.notes else ''}
## Source
```python
{facts.source}
```{truncated}
"""
    request = f"""Write the docstring of `{facts.symbol}` in `{facts.path}` as a design-decision record \
({PATTERN_URI}).

Start with a one-line summary of what it does. Then add these sections, each ONLY where the facts \
above or the source show something true to say (leave a section out rather than fill it with \
generalities):
- Rationale: why it is built this way.
- Trade-offs: what this design gives up, and for what.
- Alternatives considered: designs that would also work and why they were not chosen.
- Extension points: where and how it is meant to be extended.
- Error handling: what it raises and catches (from the facts), and what callers must handle.
- Performance: time and space complexity in terms of its inputs, and any cost worth knowing.

Follow the file's style: {facts.style}. Keep the existing docstring's true content. Do not invent \
callers, exceptions or figures that the facts do not show. Then call the tool apply_docstring with \
path={facts.path!r}, symbol={facts.symbol!r} and the text without quotes (dry_run=true first, \
then again with dry_run=false and expected_hash set to the dry run's content_hash)."""
    return facts_text, request


def complete_paths(workspace: Workspace, prefix: str, limit: int = 100) -> tuple[list[str], int]:
    """Python files under the root (gitignore honoured) whose path contains ``prefix``."""
    discovery = workspace.discover(["."])
    names = [workspace.relative(p) for p in discovery.files]
    wanted = prefix.strip().lower()
    starts = [n for n in names if n.lower().startswith(wanted)]
    inside = [n for n in names if wanted in n.lower() and n not in starts]
    found = starts + inside
    return found[:limit], len(found)


def complete_symbols(workspace: Workspace, path: str, prefix: str, limit: int = 100) -> tuple[list[str], int]:
    """The dotted names of the definitions in ``path`` that start with (or contain) ``prefix``."""
    source = workspace.read_path(path)
    if source.tree is None:
        return [], 0
    names = list(dict.fromkeys(s.name for s in walk_symbols(source.tree)))
    wanted = prefix.strip().lower()
    found = [n for n in names if n.lower().startswith(wanted)] + [
        n for n in names if wanted in n.lower() and not n.lower().startswith(wanted)
    ]
    return found[:limit], len(found)
