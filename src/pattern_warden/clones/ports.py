"""Ports: one text over different backends, where each copy's names mean its own package's code.

dask keeps ``dask/array/overlap.py`` beside its port ``dask/array/_array_expr/_overlap.py``: the
same lines call ``concatenate``, ``map_blocks`` and ``Array``, but each copy's names resolve to
its own package's definitions. The copies are not one function spelled twice: keeping one
would route the other backend through the wrong ``concatenate``, and a helper over both would
take every backend name as a parameter. Such a family is kept, and changed in both places
together; when one package is named as the old one (``legacy``, ``compat``, ``_v1``) it is
removed once nothing uses it. A port lives inside the package it ports (or beside a package
named as the old one); copies in sibling packages, each naming its own classes, are peers a
helper can take the classes of. Only ``variation``'s ``redefined`` names (spelled alike,
resolved by the project model to different definitions) are read here; a name whose
definitions are one function copied into both packages (``convert_key``) is no difference at
all, and ``variation`` leaves it out.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pattern_warden.clones.variation import unqualified

#: Folder names that mark a package as the old version kept beside its replacement.
LEGACY_FOLDERS = frozenset({"legacy", "old", "compat", "_compat", "_legacy", "_old", "v1", "_v1", "deprecated"})


@dataclass(frozen=True)
class Port:
    """Why the members are ports (the differing definitions, named), and which one is legacy."""

    reason: str
    legacy: int | None  # index of the member in the package named as the old one
    groups: list[list[int]]  # members by package, largest first


def _legacy(folder: str) -> bool:
    return bool(LEGACY_FOLDERS & set(folder.split("/")))


def _nested(folders: Sequence[str]) -> bool:
    """Every package inside another's (``array/_array_expr`` in ``array``): a port grown beside
    the code it replaces. Sibling packages (``kafka`` and ``confluent``, one plugin per list) are
    peers whose own classes a shared helper takes as parameters, so they are not ports."""
    distinct = sorted(set(folders), key=len)
    return all(_inside(f, distinct[0]) for f in distinct[1:])


def _owner(path: str | None, folders: Sequence[str]) -> str | None:
    """The deepest member package holding a definition's module (``array/_array_expr`` rather
    than ``array`` for ``array/_array_expr/_collection.py``)."""
    return max((f for f in set(folders) if _inside(path, f)), key=len, default=None)


def _inside(path: str | None, folder: str) -> bool:
    return path is not None and (not folder or path.startswith(folder + "/"))


def port_of(paths: Sequence[str], redefined: Sequence[tuple[str | None, ...]],
            module_path: Callable[[str], str | None]) -> Port | None:
    """A port when the members lie in different packages and some name spelled alike in all of
    them resolves, in each, to a different definition inside that member's own package."""
    folders = [posixpath.dirname(p) for p in paths]
    if len(set(folders)) < 2 or not (_nested(folders) or any(_legacy(f) for f in folders)):
        return None
    named: list[str] = []
    for meanings in redefined:
        if any(m is None for m in meanings) or len(set(meanings)) < 2:
            continue
        own = all(_owner(module_path(m), folders) == folders[i]  # type: ignore[arg-type]
                  for i, m in enumerate(meanings))
        split = all(meanings[i] == meanings[j] or folders[i] != folders[j]
                    for i in range(len(meanings)) for j in range(len(meanings)))
        if own and split:
            distinct: list[str] = list(dict.fromkeys(meanings))  # type: ignore[arg-type]
            named.append(f"{distinct[0].rsplit('.', 1)[-1]} is " + " / ".join(unqualified(distinct)))
    if not named:
        return None
    by_folder: dict[str, list[int]] = {}
    for i, folder in enumerate(folders):
        by_folder.setdefault(folder, []).append(i)
    old = [i for i, folder in enumerate(folders) if _legacy(folder)]
    return Port(reason="; ".join(named[:3]), legacy=old[0] if len(old) == 1 else None,
                groups=sorted(by_folder.values(), key=len, reverse=True))
