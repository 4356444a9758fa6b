"""Where shared code belongs: the module of the nearest base class every copy's class shares.

Methods copied between sibling classes (RSA and ECDSA keys, client and server channels) are
one idea of their common base; the helper belongs in the base's module, which both already
import, rather than in one of the siblings. A base is found by its name as the class line
writes it: ``pkg.base.Key`` resolves to a class ``Key`` in a module named ``base``, a bare
``Key`` to the one in the same file or the only one elsewhere. A name that stays ambiguous
(two ``HTMLTranslator`` classes and no qualifier) is not followed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pattern_warden.clones.normalize import Shape

#: Levels of inheritance followed upwards from each copy's class.
MAX_DEPTH = 6

_Node = tuple[str, str]  # (path, qualified class name)


def _module(path: str) -> str:
    """``pkg/sub/__init__.py`` -> ``pkg.sub``; ``pkg/mod.py`` -> ``pkg.mod``."""
    stem = path[:-3] if path.endswith(".py") else path
    if stem.endswith("/__init__"):
        stem = stem[: -len("/__init__")]
    return stem.replace("/", ".")


class ClassMap:
    """Every class of a corpus, by simple name, with the dotted names of its bases."""

    def __init__(self, paths: Sequence[str], shapes: Sequence[Shape]) -> None:
        self._by_name: dict[str, list[_Node]] = defaultdict(list)
        self._bases: dict[_Node, tuple[str, ...]] = {}
        for path, shape in zip(paths, shapes):
            for qualified, bases in shape.classes:
                node = (path, qualified)
                self._by_name[qualified.rsplit(".", 1)[-1]].append(node)
                self._bases[node] = bases

    def _resolve(self, child: _Node, dotted: str) -> _Node | None:
        """The class a base name on ``child``'s class line stands for, when it is unambiguous."""
        qualifier, _, name = dotted.rpartition(".")
        found = [n for n in self._by_name.get(name, ()) if n != child]
        if qualifier:
            last = qualifier.rsplit(".", 1)[-1]
            found = [n for n in found if _module(n[0]).rsplit(".", 1)[-1] == last or _module(n[0]) == qualifier]
        else:
            here = [n for n in found if n[0] == child[0]]
            found = here or [n for n in found if n[1].rsplit(".", 1)[-1] != child[1].rsplit(".", 1)[-1]] or found
        return found[0] if len(found) == 1 else None

    def _ancestors(self, node: _Node) -> dict[_Node, int]:
        """The class itself and its resolvable ancestors, each with its distance."""
        found = {node: 0}
        frontier = [node]
        for depth in range(1, MAX_DEPTH + 1):
            nxt = []
            for child in frontier:
                for dotted in self._bases.get(child, ()):
                    base = self._resolve(child, dotted)
                    if base is not None and base not in found:
                        found[base] = depth
                        nxt.append(base)
            frontier = nxt
        return found

    def shared_base(self, members: Sequence[tuple[str, str | None]]) -> str | None:
        """The module of the nearest class that every member's class is or inherits from, if one.

        ``members`` are (path, enclosing function as ``Class.method``); a member outside a
        class has no base, and then there is none.
        """
        lineages = []
        for path, function in members:
            owner = function.rsplit(".", 1)[0] if function and "." in function else None
            if owner is None or (path, owner) not in self._bases:
                return None
            lineages.append(self._ancestors((path, owner)))
        common = set.intersection(*(set(lineage) for lineage in lineages))
        if not common:
            return None
        distance, nearest = min((max(lineage[c] for lineage in lineages), c) for c in common)
        return None if distance == 0 else nearest[0]  # distance 0: copies within one class
