"""Test coverage of the added lines, from the coverage.py data the project already has.

Only measured figures are reported: ``coverage.xml`` lists every statement with its hits, so
it gives both the total and the share of added statements that ran; ``.coverage`` (SQLite)
records only the lines that ran, so added statements are found with ``ast`` and the total is
left unknown. With neither file, coverage is "unknown".
"""

from __future__ import annotations

import ast
import sqlite3
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from pattern_warden.delta.count import FileDelta
from pattern_warden.errors import WardenError
from pattern_warden.workspace import Workspace


class Coverage(BaseModel):
    """What coverage.py data says about the change, or why nothing is said."""

    status: str = Field(description="'measured' or 'unknown'.")
    source: str | None = Field(None, description="The data file read, relative to the root.")
    total_percent: float | None = Field(None, description="The whole project's line coverage, when recorded.")
    changed_statements: int | None = Field(None, description="Added statements the data knows about.")
    changed_covered: int | None = Field(None, description="Of those, how many ran under the tests.")
    changed_percent: float | None = None
    reason: str | None = Field(None, description="Why a figure is missing, or why it may be out of date.")
    stale: bool = Field(False, description="The data file is older than some changed files.")


def measure(workspace: Workspace, files: Sequence[FileDelta]) -> Coverage:
    """Coverage from ``coverage.xml`` or ``.coverage`` at the root, else 'unknown'."""
    root = workspace.root
    for name, reader in (("coverage.xml", _from_xml), (".coverage", _from_sqlite)):
        if (root / name).is_file():
            result = reader(workspace, files)
            result.stale = _older_than_change(root / name, root, files)
            if result.stale:
                result.reason = f"{name} is older than some changed files: run the tests again for current figures"
            return result
    return Coverage(status="unknown", reason="no coverage.xml or .coverage at the root; run the tests under coverage")


def _older_than_change(data: Path, root: Path, files: Sequence[FileDelta]) -> bool:
    """True when a changed file on disk was modified after the coverage data was written."""
    try:
        written = data.stat().st_mtime
    except OSError:
        return False
    for delta in files:
        try:
            if delta.added_rows and (root / delta.path).stat().st_mtime > written:
                return True
        except OSError:
            continue
    return False


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _from_xml(workspace: Workspace, files: Sequence[FileDelta]) -> Coverage:
    try:
        text = workspace.read_path("coverage.xml").text
        tree = ElementTree.fromstring(text)
    except (WardenError, ElementTree.ParseError) as exc:
        return Coverage(status="unknown", source="coverage.xml", reason=f"coverage.xml cannot be read: {exc}")
    sources = [Path(s.text.strip()) for s in tree.iter("source") if s.text]
    hits: dict[str, dict[int, int]] = {}
    for cls in tree.iter("class"):
        name = cls.get("filename", "")
        rel = _relative(workspace.root, name, sources)
        lines = hits.setdefault(rel, {})
        for line in cls.iter("line"):
            lines[int(line.get("number", "0"))] = int(line.get("hits", "0"))
    measured = covered = 0
    for delta in files:
        known = hits.get(delta.path, {})
        for row in delta.added_rows:
            if row in known:
                measured += 1
                covered += known[row] > 0
    rate = tree.get("line-rate")
    return Coverage(
        status="measured", source="coverage.xml",
        total_percent=round(float(rate) * 100, 1) if rate is not None else None,
        changed_statements=measured, changed_covered=covered, changed_percent=_percent(covered, measured),
        reason=None if measured else "no added statement appears in coverage.xml (stale data, or no tests ran it)",
    )


def _relative(root: Path, name: str, sources: Sequence[Path]) -> str:
    for base in (*sources, root):
        candidate = Path(name) if Path(name).is_absolute() else base / name
        try:
            return candidate.resolve().relative_to(root).as_posix()
        except (ValueError, OSError):
            continue
    return name


def _from_sqlite(workspace: Workspace, files: Sequence[FileDelta]) -> Coverage:
    path = workspace.resolve(".coverage")
    try:
        with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=2) as db:
            names = dict(db.execute("select id, path from file").fetchall())
            executed: dict[str, set[int]] = {}
            tables = {row[0] for row in db.execute("select name from sqlite_master where type='table'")}
            if "line_bits" in tables:
                for file_id, bits in db.execute("select file_id, numbits from line_bits"):
                    executed.setdefault(names[file_id], set()).update(_numbits(bits))
            if "arc" in tables:
                for file_id, start, end in db.execute("select file_id, fromno, tono from arc"):
                    executed.setdefault(names[file_id], set()).update(n for n in (start, end) if n > 0)
    except sqlite3.Error as exc:
        return Coverage(status="unknown", source=".coverage", reason=f".coverage cannot be read: {exc}")
    ran = {_relative(workspace.root, name, ()): lines for name, lines in executed.items()}
    measured = covered = 0
    for delta in files:
        after = delta.after
        if after is None or after.tree is None or delta.path not in ran:
            continue
        starts = {node.lineno for node in ast.walk(after.tree) if isinstance(node, ast.stmt)}
        for row in delta.added_rows:
            if row in starts:
                measured += 1
                covered += row in ran[delta.path]
    return Coverage(
        status="measured" if measured else "unknown", source=".coverage",
        changed_statements=measured, changed_covered=covered, changed_percent=_percent(covered, measured),
        reason="the total is not recorded in .coverage (run `coverage xml` for it)" if measured
        else "no changed file appears in .coverage",
    )


def _numbits(bits: bytes) -> list[int]:
    """coverage.py's numbits: bit ``k`` of byte ``i`` set means line ``8 * i + k`` ran."""
    return [i * 8 + k for i, byte in enumerate(bits) for k in range(8) if byte & (1 << k)]
