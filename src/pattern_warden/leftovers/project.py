"""The project as the leftovers detectors see it: every module's facts, joined once.

Each detector asks the same questions (is this name used anywhere? does anything import this
module? is this test code?), so the answers are indexed here once per call and the detectors
stay small.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from pattern_warden.codekind import NON_PRODUCT, path_kind
from pattern_warden.leftovers.facts import ModuleFacts, facts_of_many, module_names
from pattern_warden.source import SourceFile

#: Configuration files that name code by string: entry points, plugin lists, settings.
CONFIG_FILES = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", "pytest.ini", "noxfile.py",
                "MANIFEST.in", "Procfile", "alembic.ini", "manage.py")
#: The name endings that take in every file of ``CONFIG_FILES`` that ``TEXT_SUFFIXES`` does not.
CONFIG_SUFFIXES = (".py", ".in", "Procfile")
#: Files that name code without importing it: templates call methods, settings name modules.
TEXT_SUFFIXES = (".html", ".jinja", ".jinja2", ".j2", ".txt", ".cfg", ".ini", ".toml", ".yaml", ".yml",
                 ".json", ".xml", ".rst", ".md")
#: Module names that frameworks and tools load by convention, never by an import we can see.
CONVENTIONAL_MODULES = frozenset({
    "__main__", "__init__", "conftest", "setup", "manage", "noxfile", "fabfile", "tasks", "conf",
    "models", "views", "admin", "apps", "urls", "settings", "wsgi", "asgi", "signals", "forms",
    "serializers", "admin", "tests", "migrations", "env", "celery", "celeryconfig", "gunicorn_conf",
    "hookimpl", "plugin", "plugins", "version", "_version", "__version__", "py.typed",
})
#: Folders whose modules a framework discovers by walking them (Django commands, migrations...).
CONVENTIONAL_FOLDERS = ("migrations/", "management/commands/", "templatetags/", "alembic/versions/",
                        "versions/", "scripts/", "bin/", "tools/", "examples/", "docs/", "doc/", "bench/",
                        "benchmarks/")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOTTED = re.compile(r"[A-Za-z_][\w.]*(?::[A-Za-z_]\w*)?")  # a.b.c, and entry points' a.b:c
_TEXT_REFS_KEPT = 20_000

#: What one configuration or text file names: its words, and its dotted paths (``a.b:c`` as ``a.b.c``).
TextRefs = tuple[frozenset[str], frozenset[str]]
_text_refs: OrderedDict[str, TextRefs] = OrderedDict()


def text_refs(source: SourceFile) -> TextRefs:
    """The names a configuration or text file holds, remembered by content: a project's YAML,
    Markdown and templates are thousands of files that rarely change between two calls."""
    hit = _text_refs.get(source.digest)
    if hit is None:
        hit = (frozenset(_WORD.findall(source.text)), frozenset(m.replace(":", ".") for m in _DOTTED.findall(source.text)))
        _text_refs[source.digest] = hit
        while len(_text_refs) > _TEXT_REFS_KEPT:
            _text_refs.popitem(last=False)
    return hit


def join_text_refs(refs: Iterable[TextRefs]) -> TextRefs:
    """Many files' names as if they were one file's."""
    words: set[str] = set()
    dotted: set[str] = set()
    for file_words, file_dotted in refs:
        words.update(file_words)
        dotted.update(file_dotted)
    return frozenset(words), frozenset(dotted)


def remembered_text_refs(digests: Iterable[str]) -> dict[str, TextRefs]:
    """The names of the text files with these digests that this process knows (for ``persist``)."""
    return {d: _text_refs[d] for d in digests if d in _text_refs}


def remember_text_refs(known: dict[str, TextRefs]) -> None:
    """Take the names an earlier process read (``persist``), keeping newer ones."""
    for digest, refs in known.items():
        _text_refs.setdefault(digest, refs)


@dataclass
class Project:
    """Every module's facts and the project-wide reference sets built from them."""

    modules: list[ModuleFacts]
    sources: dict[str, SourceFile]
    by_module: dict[str, ModuleFacts] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    prefixes: tuple[str, ...] = ()
    imported: set[str] = field(default_factory=set)
    dotted_strings: set[str] = field(default_factory=set)
    reached: set[str] = field(default_factory=set)  # every prefix of an import or a dotted string
    classes: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # class name -> its bases
    top_packages: set[str] = field(default_factory=set)
    config_words: set[str] = field(default_factory=set)
    fresh: int = 0  # modules whose facts were read in this call, not remembered

    @classmethod
    def build(cls, sources: Iterable[SourceFile], configs: Iterable[TextRefs] = (), root_name: str = "") -> Project:
        """Index the modules of ``sources`` (Python files relative to the root, named ``root_name``)
        and what the configuration and text files (``text_refs``) name."""
        sources = [s for s in sources if s.path.endswith(".py")]
        packages = frozenset(str(PurePosixPath(s.path).parent) for s in sources
                             if PurePosixPath(s.path).name == "__init__.py")
        root_package = root_name if "." in packages and root_name.isidentifier() else ""
        names = module_names([s.path for s in sources], packages, root_package)
        modules, fresh = facts_of_many(list(zip(sources, names, strict=True)))
        project = cls(modules=modules, sources={s.path: s for s in sources}, fresh=fresh)
        # set.update with many arguments: a union per module built and dropped thousands of sets
        for facts in modules:
            project.by_module.setdefault(facts.module, facts)
            project.used.update(facts.names, facts.words, facts.all_names)
            project.imported.update(facts.imports)
            project.dotted_strings.update(facts.strings)
        project.prefixes = tuple(sorted({p for f in modules for p in f.prefixes}))
        for words, dotted in configs:
            project.config_words.update(words)
            project.dotted_strings.update(dotted)
        project.used |= project.config_words
        for facts in modules:
            project.top_packages.add(facts.module.split(".")[0])
            for definition in facts.definitions:
                if definition.kind == "class":
                    project.classes.setdefault(definition.name, []).append(definition.class_bases)
        reached = project.reached
        for name in project.imported | project.dotted_strings:
            # reached holds every prefix of what it holds, so the first prefix found ends the climb
            while name not in reached:
                reached.add(name)
                if "." not in name:
                    break
                name = name.rpartition(".")[0]
        return project

    def is_used(self, name: str) -> bool:
        """Whether anything in the project (or its configuration) may refer to ``name``."""
        return name in self.used or any(name.startswith(p) for p in self.prefixes)

    def is_imported(self, module: str) -> bool:
        """Whether any module imports ``module`` (or something inside it), or a string names it."""
        return module in self.reached

    def reaches_outside(self, bases: tuple[str, ...], _seen: frozenset[str] = frozenset()) -> bool:
        """Whether a class with these bases inherits, at any depth, from a class the project does
        not define (a framework's, the standard library's): its methods may be hooks it calls."""
        for base in bases:
            if base in ("object", ""):
                continue
            top, _, _ = base.partition(".")
            if base == "?" or ("." in base and top not in self.top_packages):
                return True
            name = base.rsplit(".", 1)[-1]
            known = self.classes.get(name)
            if known is None or name in _seen:
                return known is None
            if any(self.reaches_outside(b, _seen | {name}) for b in known):
                return True
        return False


def non_product(facts: ModuleFacts) -> bool:
    """Tests, test support, fixtures, benchmarks, docs, examples, generated code: the project's one
    definition (``codekind``). Leftovers there are not reported unless asked; uses there still count."""
    return facts.kind in NON_PRODUCT


def non_product_path(path: str) -> bool:
    """The same question for a file that is not a module (a backup copy): by its path alone."""
    return path_kind(path) in NON_PRODUCT


def conventional(facts: ModuleFacts) -> bool:
    """A module a framework or tool loads without an import: never an orphan."""
    stem = PurePosixPath(facts.path).stem
    return (stem in CONVENTIONAL_MODULES or facts.is_script
            or any(f"/{folder}" in f"/{facts.path}" for folder in CONVENTIONAL_FOLDERS))
