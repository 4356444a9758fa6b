"""Functions and classes added, removed or modified, by qualified name.

A change is easier to judge by what it did to the program's units ("added
``Workspace.from_bytes``, removed ``_read_blob``") than by line counts alone. Units come from
``Scan`` (see scan.py for why not ``ast``: the 1,000-file time budget).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from pydantic import BaseModel, Field

from pattern_warden.delta.scan import Scan, Unit


class SymbolChange(BaseModel):
    """One function or class that the change added, removed or modified."""

    name: str = Field(description="Qualified name inside its module, such as 'Workspace.read'.")
    kind: Literal["function", "class"]
    change: Literal["added", "removed", "modified"]
    line: int = Field(description="Its first line: in the new file, or in the old one when removed.")


def _change(unit: Unit, change: Literal["added", "removed", "modified"]) -> SymbolChange:
    # model_construct: the fields are known-good, and a 1,000-file change makes ~10^4 of these.
    return SymbolChange.model_construct(name=unit.name, kind="class" if unit.kind == "class" else "function",
                                        change=change, line=unit.start)


def symbol_changes(
    before: Scan | None, after: Scan | None, removed_rows: Collection[int], added_rows: Collection[int]
) -> list[SymbolChange]:
    """Added, removed and modified units. A unit is modified when changed rows fall inside it
    and its text differs beyond whitespace, so a unit that only moved or was re-indented is not.
    Innermost units are compared first: a modified method makes its class modified without
    comparing the whole class."""
    old = before.units if before else {}
    new = after.units if after else {}
    changes = [_change(u, "added") for n, u in new.items() if n not in old]
    changes += [_change(u, "removed") for n, u in old.items() if n not in new]
    if before is not None and after is not None:
        touched = before.touched(removed_rows) | after.touched(added_rows)
        modified: set[str] = set()
        for name in sorted(touched, key=lambda n: -n.count(".")):
            if name not in old or name not in new:
                continue
            if name in modified or before.unit_text(old[name]) != after.unit_text(new[name]):
                modified.add(name)
                parts = name.split(".")
                modified.update(".".join(parts[:i]) for i in range(1, len(parts)))
        changes += [_change(new[name], "modified") for name in modified if name in old and name in new]
    return sorted(changes, key=lambda c: (c.line, c.name))

