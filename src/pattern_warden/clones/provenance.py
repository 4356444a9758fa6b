"""Whose code a clone member is: the project's own, or a generator's or upstream's kept in the tree.

Copies there are real, but no hand merge fixes them: a generator rewrites its output (the fix
is its template or input), and a vendored copy stays as upstream ships it (nor may it import
the code around it). What counts as generated or vendored is ``codekind``'s one definition;
here it is applied to members: a file whose header says it is generated, a member inside a
function that carries a generator's mark, a file under a vendored path, or a module of a
subpackage that is a snapshot of the library it sits in.
"""

from __future__ import annotations

from collections.abc import Sequence

from pattern_warden.codekind import Kind, path_kind, snapshot_packages
from pattern_warden.clones.homes import ImportMap
from pattern_warden.clones.models import CloneLocation
from pattern_warden.clones.normalize import Shape, enclosing


class Provenance:
    """Which members of a corpus are generated or vendored (snapshots found once, when first asked)."""

    def __init__(self, paths: Sequence[str], shapes: Sequence[Shape], imports: ImportMap) -> None:
        self._shapes = dict(zip(paths, shapes))
        self._imports = imports
        self._snapshots: frozenset[str] | None = None

    def reason(self, locations: Sequence[CloneLocation]) -> str | None:
        """Why a family must be left as it is because a member is not the project's own code, or None."""
        for loc in locations:
            if self._generated(loc):
                return (f"Generated code ({loc.path}:{loc.start_line} is marked as a generator's output): change the "
                        "generator or its templates, not the output; a hand merge is undone on the next run.")
        for loc in locations:
            if folder := self._vendored(loc.path):
                return (f"Vendored code ({folder} is a copy of upstream's code, kept as upstream ships it): leave "
                        "the copy alone, and do not make the project's own code import it or it import the project.")
        return None

    def _generated(self, loc: CloneLocation) -> bool:
        shape = self._shapes[loc.path]
        if shape.generated_file:
            return True
        if not shape.generated:
            return False
        unit = enclosing(shape, loc.start_line, loc.end_line)
        start, end = (unit.start, unit.end) if unit is not None else (loc.start_line, loc.end_line)
        return any(start <= row <= end for row in shape.generated)

    def _vendored(self, path: str) -> str | None:
        if path_kind(path) is Kind.VENDORED:
            return path.rsplit("/", 1)[0] if "/" in path else path
        if self._snapshots is None:
            self._snapshots = snapshot_packages(self._shapes, self._imports.imported)
        return next((folder for folder in self._snapshots if path.startswith(folder + "/")), None)
