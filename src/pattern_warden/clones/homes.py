"""Where shared code belongs: the module of the nearest base class every copy's class shares.

Methods copied between sibling classes (RSA and ECDSA keys, client and server channels) are
one idea of their common base; the helper belongs in the base's module, which both already
import, rather than in one of the siblings. Classes are known by simple name from every
file's shape; a base defined in more than one file is ambiguous and not used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pattern_warden.clones.normalize import Shape

#: Levels of inheritance followed upwards from each copy's class.
MAX_DEPTH = 6


class ClassMap:
    """Every class of a corpus by simple name: the files defining it and its bases."""

    def __init__(self, paths: Sequence[str], shapes: Sequence[Shape]) -> None:
        self._where: dict[str, set[str]] = defaultdict(set)
        self._bases: dict[str, set[str]] = defaultdict(set)
        self._qualified: set[tuple[str, str]] = set()
        for path, shape in zip(paths, shapes):
            for qualified, bases in shape.classes:
                name = qualified.rsplit(".", 1)[-1]
                self._where[name].add(path)
                self._bases[name].update(bases)
                self._qualified.add((path, qualified))

    def _ancestors(self, name: str) -> dict[str, int]:
        """The class itself and its known ancestors, each with its distance."""
        found = {name: 0}
        frontier = [name]
        for depth in range(1, MAX_DEPTH + 1):
            frontier = [b for n in frontier for b in self._bases.get(n, ()) if b not in found and b in self._where]
            for base in frontier:
                found[base] = depth
        return found

    def shared_base(self, members: Sequence[tuple[str, str | None]]) -> str | None:
        """The module of the nearest class that every member's class is or inherits from, if one.

        ``members`` are (path, enclosing function as ``Class.method``); a member outside a
        class has no base, and then there is none.
        """
        lineages = []
        for path, function in members:
            owner = function.rsplit(".", 1)[0] if function and "." in function else None
            if owner is None or (path, owner) not in self._qualified:
                return None
            lineages.append(self._ancestors(owner.rsplit(".", 1)[-1]))
        common = set.intersection(*(set(lineage) for lineage in lineages))
        homes = [(max(lineage[c] for lineage in lineages), c) for c in common if len(self._where[c]) == 1]
        if not homes:
            return None
        nearest = min(homes)[1]
        if all(lineage[nearest] == 0 for lineage in lineages):
            return None  # copies within one class: the class itself, not a base
        return next(iter(self._where[nearest]))
