"""Baselines: the identities of findings and clone classes a project has accepted for now.

Legacy code has findings nobody will fix this week; a baseline lets CI fail only on what is
new (as jscpd's baseline does). A baseline file is JSON holding two sorted lists: finding
fingerprints (``pattern_warden.fingerprint``) and clone-class identities (``clone_identity``).
Nothing else is stored, so the file diffs well and holds no code.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pattern_warden.config import Config
from pattern_warden.errors import WardenError
from pattern_warden.fingerprint import fingerprints
from pattern_warden.models import Note
from pattern_warden.rules.engine import CheckOptions, build_result, check_paths
from pattern_warden.rules.results import CheckResult, Finding
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Workspace

_VERSION = 1


@dataclass(frozen=True)
class Baseline:
    """Accepted finding fingerprints and clone-class identities."""

    findings: frozenset[str] = field(default_factory=frozenset)
    clones: frozenset[str] = field(default_factory=frozenset)


def read_baseline(path: Path) -> Baseline:
    """The baseline stored at ``path``; a missing or malformed file is an error that says what to do."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WardenError(f"The baseline file {path} does not exist.",
                          "Create it with --write-baseline, or fix the path.") from None
    except (OSError, ValueError) as exc:
        raise WardenError(f"The baseline file {path} cannot be read ({exc}).",
                          "Rewrite it with --write-baseline.") from None
    if not isinstance(data, dict) or data.get("version") != _VERSION:
        raise WardenError(f"The baseline file {path} is not a pattern-warden baseline (version {_VERSION}).",
                          "Rewrite it with --write-baseline.")
    return Baseline(frozenset(map(str, data.get("findings", []))), frozenset(map(str, data.get("clones", []))))


def write_baseline(path: Path, findings: Iterable[str] = (), clones: Iterable[str] = ()) -> None:
    """Store the identities, sorted, one per line (so a baseline diffs well in review)."""
    data = {"version": _VERSION, "findings": sorted(set(findings)), "clones": sorted(set(clones))}
    try:
        path.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    except OSError as exc:
        raise WardenError(f"The baseline file {path} cannot be written ({exc.strerror}).",
                          "Pass a writable path.") from None


def member_digest(text: str) -> str:
    """One clone member's identity: its text with white space folded (survives moves and re-indents)."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:24]


def clone_identity(member_texts: Sequence[str]) -> str:
    """A clone class's identity: its members' normalised content, order-free. The one place it is computed."""
    digests = sorted(member_digest(t) for t in member_texts)
    return hashlib.sha256("\0".join(digests).encode()).hexdigest()[:24]


def configured_baseline(config: Config) -> Baseline:
    """The baseline named by ``[tool.pattern-warden] baseline`` (relative to its pyproject.toml),
    or an empty one when none is set: the MCP tools take their baseline from here."""
    name = config.settings.baseline
    if not name:
        return Baseline()
    folder = config.source.parent if config.source else config.root
    return read_baseline(folder / name)


def finding_identities(workspace: Workspace, findings: Sequence[Finding]) -> list[str]:
    """The fingerprint of each finding (in the order given), computed per file in line order."""
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.path, []).append(finding)
    prints: dict[int, str] = {}
    for path, found in by_file.items():
        found.sort(key=lambda f: (f.line, f.column, f.code))
        source = workspace.read(workspace.root / path)
        identities = fingerprints(found, source if isinstance(source, SourceFile) else None)
        prints.update((id(finding), fp) for finding, fp in zip(found, identities, strict=True))
    return [prints[id(f)] for f in findings]


def check_with_baseline(workspace: Workspace, paths: Sequence[str] | None, options: CheckOptions,
                        accepted: Baseline) -> CheckResult:
    """A rule check that leaves out the findings ``accepted`` holds, then pages what is left."""
    if not accepted.findings:
        return check_paths(workspace, paths, options)
    started = time.perf_counter()
    whole = check_paths(workspace, paths, options)
    kept = [f for f, fp in zip(whole.findings, finding_identities(workspace, whole.findings), strict=True)
            if fp not in accepted.findings]
    notes = [*whole.notes, Note(message=f"{len(whole.findings) - len(kept)} findings in the baseline left out.")]
    return build_result(workspace.config, options, kept, whole.summary.files_checked, started, notes)
