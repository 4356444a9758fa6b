"""Dead code: definitions nothing names, modules nothing imports, statements no path reaches.

The confidences follow what a reader can verify. No path reaches a statement after ``return``:
certain. A private helper (``_name``) that nothing in the project names: almost certain, since
private names are not part of anyone's API. A public function or class nothing names may still
be called by users of a library, so it is reported with medium confidence, raised where the
module says what its API is (``__all__`` without it) or is itself private. A method of a class
with a framework base may be a hook the framework calls, and a decorated function may be
registered by its decorator: neither is reported.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

from pattern_warden.leftovers.facts import Definition, ModuleFacts
from pattern_warden.leftovers.models import Leftover
from pattern_warden.codekind import Kind
from pattern_warden.leftovers.project import Project, conventional, non_product


def dead_code(project: Project, report: set[str]) -> list[Leftover]:
    """Unused definitions and unreachable statements in the modules whose path is in ``report``."""
    found: list[Leftover] = []
    for facts in project.modules:
        if facts.path not in report or facts.kind == Kind.GENERATED:
            continue
        for line, end, after in facts.unreachable:
            found.append(Leftover(
                kind="dead", path=facts.path, line=line, end_line=end, symbol=None, confidence=100, action="delete",
                reason=f"No path reaches these lines: they follow a {after} in the same block.",
                fix="Delete the unreachable lines, or move them before the statement that leaves the block.",
                evidence=[f"{facts.path}:{line}: after {after}"],
            ))
        for definition in facts.definitions:
            confidence = unused_confidence(project, facts, definition)
            if confidence is None:
                continue
            found.append(Leftover(
                kind="dead", path=facts.path, line=definition.line, end_line=definition.end_line,
                symbol=definition.qualname, confidence=confidence, action="delete",
                reason=f"Nothing in the project names the {definition.kind} {definition.qualname!r}: no call, "
                       f"attribute, import, __all__ entry, string or configuration entry.",
                fix=f"Delete {definition.qualname}, or call it where it was meant to be used.",
                evidence=[f"0 references to {definition.name!r} in {len(project.modules)} modules"],
            ))
    return found


def unused_confidence(project: Project, facts: ModuleFacts, definition: Definition) -> int | None:
    """How sure we are that ``definition`` is unused; None when it is (or may be) used."""
    name = definition.name
    if definition.registered or definition.deprecated or project.is_used(name) or (name.startswith("__") and name.endswith("__")):
        return None
    if name.startswith("test") or name in {"setUp", "tearDown", "setUpClass", "tearDownClass", "main"}:
        return None
    private = name.startswith("_")
    private_module = any(part.startswith("_") and not part.startswith("__") for part in facts.module.split("."))
    if definition.kind == "method":
        if project.reaches_outside(definition.class_bases):
            return None  # a framework may call it as a hook (visit_*, formatTime, get_queryset...)
        return 90 if private else 40  # a public method may be a protocol another library calls
    if definition.kind == "class" and any(b not in {"object"} for b in definition.class_bases):
        # a subclass may be found by a registry (metaclass, __subclasses__, entry points)
        return 80 if private else None
    if private:
        return 90
    if facts.defines_all and name not in facts.all_names:
        return 90
    if private_module:
        return 80
    # a public function may be API for users, plugins or themes: worth a look, not a verdict
    return 40


def orphan_modules(project: Project, report: set[str]) -> list[Leftover]:
    """Modules inside a package that nothing imports, names in a string or loads by convention."""
    found: list[Leftover] = []
    stems = Counter(PurePosixPath(f.path).name for f in project.modules)
    for facts in project.modules:
        if facts.path not in report or "." not in facts.module or conventional(facts) or non_product(facts):
            continue
        if project.is_imported(facts.module) or not facts.parsed:
            continue
        name = facts.module.rsplit(".", 1)[-1]
        if project.is_used(name) or stems[PurePosixPath(facts.path).name] > 2:
            continue  # named somewhere (import_module(f"{pkg}.{name}")), or one of a family loaded by convention
        lines = len(project.sources[facts.path].lines)
        found.append(Leftover(
            kind="orphan-module", path=facts.path, line=1, end_line=max(lines, 1), symbol=facts.module,
            # plugin loaders, package scans and exec'd import lists load modules no import names
            confidence=40, action="delete",
            reason=f"No module imports {facts.module!r} and no string or configuration names it.",
            fix=f"Delete {facts.path} if nothing outside the project loads it; otherwise import it where it is used.",
            evidence=[f"0 imports of {facts.module} in {len(project.modules)} modules"],
        ))
    return found
