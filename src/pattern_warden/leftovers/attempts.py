"""Attempt files: a module saved again under a version, age or copy marker, or copied elsewhere.

``client_v2.py`` beside ``client.py`` leaves the next session to guess which one is real. The
project answers that itself: the copy it imports is current. So each pair is reported with the
import evidence, and the advice follows from it: delete the one nothing imports, or merge when
both are imported (then the project really runs two versions).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path, PurePosixPath

from rapidfuzz.fuzz import ratio

from pattern_warden.leftovers.facts import ModuleFacts
from pattern_warden.leftovers.models import Leftover
from pattern_warden.leftovers.project import CONVENTIONAL_MODULES, Project, non_product

#: Markers an agent or a person adds to a file name when saving another attempt.
_MARKED = re.compile(
    r"^(?P<base>.+?)(?:[_\-. ]*\((?:copy|\d+)\)|[_\-. ]+(?:copy|backup|bak|old|new|orig|original|tmp|temp|"
    r"draft|wip|fixed|final|working|alt|legacy|v\d+|\d{8}|\d{4}[-_]\d{2}[-_]\d{2}|\d{10,14}))$",
    re.IGNORECASE,
)
_PREFIXED = re.compile(r"^(?:old|new|backup|copy_of|copy|tmp|temp)[_\-. ]+(?P<base>.+)$", re.IGNORECASE)
#: Backup copies that are not modules at all: ``client.py.bak``, ``client.py~``, ``client.py.orig``.
BACKUP_SUFFIXES = (".bak", ".orig", ".old", "~", ".backup", ".save", ".swp")
#: How alike two files must be to count as copies when their names carry no marker.
NEAR_COPY = 90.0
#: More files than this with one name are a convention of the project, not copies of one file.
_MAX_COPIES = 3


def attempt_base(stem: str) -> str | None:
    """The name ``stem`` was an attempt at (``client_v2`` -> ``client``), or None."""
    for pattern in (_MARKED, _PREFIXED):
        match = pattern.match(stem)
        if match and match.group("base") and match.group("base") != stem:
            return match.group("base").rstrip("_-. ")
    return None


def new_attempt(root: Path, rel: str) -> str | None:
    """The sibling module a newly written ``rel`` is an attempt at (``client_v2.py`` beside
    ``client.py``), or None: what the edit hook asks without reading the project."""
    path = PurePosixPath(rel)
    base = attempt_base(path.stem)
    if base is None or path.stem in CONVENTIONAL_MODULES:
        return None
    sibling = path.parent / f"{base}.py"
    return str(sibling) if (root / sibling).is_file() else None


def attempts(project: Project, backups: list[str], report: set[str]) -> list[Leftover]:
    """Marked attempts, backup files and near-copies among the project's modules."""
    by_stem: dict[tuple[str, str], list[ModuleFacts]] = defaultdict(list)
    by_name: dict[str, list[ModuleFacts]] = defaultdict(list)
    for facts in project.modules:
        if non_product(facts):
            continue
        path = PurePosixPath(facts.path)
        by_stem[(str(path.parent), path.stem)].append(facts)
        if path.stem not in CONVENTIONAL_MODULES:  # two __main__.py are two entry points, not copies
            by_name[path.name].append(facts)
    found: list[Leftover] = []
    paired: set[frozenset[str]] = set()
    for facts in project.modules:
        path = PurePosixPath(facts.path)
        base = attempt_base(path.stem)
        if base is None or non_product(facts):
            continue
        currents = by_stem.get((str(path.parent), base)) or by_name.get(base + ".py", [])
        if not currents:
            continue
        current = currents[0]
        paired.add(frozenset({facts.path, current.path}))
        if facts.path in report or current.path in report:
            found.append(_pair(project, facts, current, marked=True))
    for name, group in by_name.items():
        if len(group) > _MAX_COPIES:
            continue  # the same file name in many packages is a convention (formats.py per locale)
        for i, first in enumerate(group):
            for second in group[i + 1:]:
                key = frozenset({first.path, second.path})
                if key in paired or not ({first.path, second.path} & report):
                    continue
                similarity = ratio(project.sources[first.path].text, project.sources[second.path].text,
                                   score_cutoff=NEAR_COPY)
                if similarity >= NEAR_COPY:
                    found.append(_pair(project, second, first, marked=False, similarity=similarity))
    found += [_backup(project, path) for path in backups if path in report]
    return found


def _pair(project: Project, attempt: ModuleFacts, current: ModuleFacts, marked: bool,
          similarity: float | None = None) -> Leftover:
    """The finding for two copies; which one is current is what the project imports."""
    attempt_used = project.is_imported(attempt.module)
    current_used = project.is_imported(current.module)
    alike = similarity if similarity is not None else ratio(
        project.sources[attempt.path].text, project.sources[current.path].text)
    evidence = [f"{current.path}: imported={'yes' if current_used else 'no'}",
                f"{attempt.path}: imported={'yes' if attempt_used else 'no'}",
                f"content {alike:.0f}% alike"]
    what = "a renamed attempt at" if marked else "a near-copy of"
    if current_used and not attempt_used:
        return _finding(attempt, 95 if marked else 85, "keep-current",
                        f"{attempt.path} is {what} {current.path}, which the project imports; nothing imports this one.",
                        f"Keep {current.path}; move anything still needed from {attempt.path} into it, then delete "
                        f"{attempt.path}.", evidence, project)
    if attempt_used and not current_used:
        return _finding(current, 90 if marked else 80, "keep-current",
                        f"{current.path} is superseded by {attempt.path} ({what} it), which the project imports; "
                        f"nothing imports {current.path}.",
                        f"Keep {attempt.path} (consider giving it the plain name) and delete {current.path}.",
                        evidence, project)
    both = "both are imported" if attempt_used else "neither is imported"
    # two imported versions (api_v1, api_v2) are often deliberate: worth a look, not a verdict
    return _finding(attempt, 60 if attempt_used else 70, "merge" if attempt_used else "decide",
                    f"{attempt.path} is {what} {current.path} and {both}: it is unclear which one is current.",
                    f"Choose one of {current.path} and {attempt.path}, move its callers to it and delete the other.",
                    evidence, project)


def _finding(facts: ModuleFacts, confidence: int, action: str, reason: str, fix: str, evidence: list[str],
             project: Project) -> Leftover:
    lines = len(project.sources[facts.path].lines)
    return Leftover(kind="attempt", path=facts.path, line=1, end_line=max(lines, 1), symbol=facts.module,
                    confidence=confidence, action=action, reason=reason, fix=fix,  # type: ignore[arg-type]
                    evidence=evidence)


def _backup_of(path: str) -> str:
    for suffix in BACKUP_SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def _backup(project: Project, path: str) -> Leftover:
    original = _backup_of(path)
    exists = original in project.sources
    return Leftover(
        kind="attempt", path=path, line=1, end_line=1, symbol=None, confidence=95 if exists else 80, action="delete",
        reason=f"{path} is a backup copy{' of ' + original if exists else ''}; version control keeps old versions.",
        fix=f"Delete {path} (git history has the old version).",
        evidence=[f"{original}: {'exists' if exists else 'missing'}"],
    )


def is_backup(path: str) -> bool:
    """A backup copy of a Python file, by its name."""
    return any(path.endswith(".py" + suffix) for suffix in BACKUP_SUFFIXES)
