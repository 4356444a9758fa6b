"""What a name in a copy refers to, asked of the project model: meaning, not spelling.

Two ``Error`` classes in two packages are different exceptions although they are spelled
alike; ``from .util import load as read`` makes ``read(...)`` the same call as ``load(...)``
although it is spelled otherwise. "What differs" compares what the names resolve to when the
model can say it. Only the modules of the copies that raise, catch or call differently are
summarised, when first asked (a clone search on Django asks for a few dozen of its 900 files),
and each summary is kept in the file's shape, so a warm server summarises a file once.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import Any

from pattern_warden.clones.normalize import Shape
from pattern_warden.errors import WardenError
from pattern_warden.model import ProjectModel, module_name, summarise
from pattern_warden.workspace import Workspace

def _expression(dotted: str) -> ast.expr:
    """``a.b.c`` as the expression node the model resolves (built, not parsed: this runs per name)."""
    head, *rest = dotted.split(".")
    node: ast.expr = ast.Name(id=head, ctx=ast.Load())
    for attr in rest:
        node = ast.Attribute(value=node, attr=attr, ctx=ast.Load())
    return node


def _outline(shape: Shape, text: str) -> str:
    """The module's source without the bodies of its top-level classes and functions (each
    becomes ``pass``): its imports, assignments and definitions, which is all a module-level
    name can mean, at a fraction of the parse (this runs on the copies' files, cold)."""
    rows = text.splitlines()
    out: list[str] = []
    depth = 0
    skipping = False
    for i, exact in enumerate(shape.exact):
        depth += shape.deltas[i] if i else 0
        if depth > 0 and skipping:
            continue
        skipping = False
        out.extend(rows[shape.starts[i] - 1 : shape.ends[i]])
        if depth == 0 and exact.startswith(("def ", "async def ", "class ")) and exact.endswith(":"):
            out.append("    pass")
            skipping = True
    return "\n".join(out) + "\n"


def _parsed(outline: str, text: str) -> ast.Module | None:
    """The outline's tree, or the whole file's when the outline does not parse; None when
    neither does (a file changed since its shape was made)."""
    for source in (outline, text):
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError):
            continue
    return None


class Names:
    """Resolves dotted names at module level in the corpus's files (None: the model cannot say)."""

    def __init__(self, workspace: Workspace, paths: Sequence[str], shapes: Sequence[Shape]) -> None:
        self._workspace = workspace
        self._files = frozenset(paths)
        self._shapes = dict(zip(paths, shapes))
        self._top = workspace.config.root.name

    def _summary(self, path: str) -> dict[str, Any] | None:
        """The model's summary of the module's top level: its imports, assignments and the
        names of its classes and functions, which is all a module-level name can mean (the
        bodies, most of a summary's cost, are left out)."""
        shape = self._shapes[path]
        key = ("summary", path)
        if key not in shape.memo:
            try:  # parsed here, not through the source's cached tree: the summary is all we keep
                text = self._workspace.read_path(path).text
            except WardenError:  # gone or grown since it was read
                text = None
            tree = _parsed(_outline(shape, text), text) if text is not None else None
            name, package = module_name(path, self._files, self._top)
            shape.memo[key] = summarise(tree, name, package) if tree is not None else None
        return shape.memo[key]  # type: ignore[return-value]

    def resolver(self, paths: Sequence[str]) -> Callable[[int, str], str | None]:
        """A function (member index, dotted name) -> qualified name for the copies in ``paths``,
        answered by one model of their modules."""
        model: ProjectModel | None = None
        answers: dict[tuple[int, str], str | None] = {}

        def resolve(member: int, dotted: str) -> str | None:
            nonlocal model
            if (member, dotted) in answers:
                return answers[(member, dotted)]
            if model is None:
                summaries = {p: s for p in dict.fromkeys(paths) if (s := self._summary(p)) is not None}
                model = ProjectModel({s["name"]: s for s in summaries.values()},
                                     {s["name"]: p for p, s in summaries.items()})
            answers[(member, dotted)] = model.resolve(paths[member], _expression(dotted))
            return answers[(member, dotted)]

        return resolve
