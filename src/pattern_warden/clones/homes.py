"""Where shared code belongs: a module every copy can reach without a new dependency.

Methods copied between sibling classes (RSA and ECDSA keys, client and server channels) are
one idea of their common base; the helper belongs in the base's module, which both already
import, rather than in one of the siblings. A base outside the family's own package (a
framework-wide ``Model`` or ``Node`` that hundreds of classes share) is no home: the helper
goes to the closest module every copy's file already is or imports. A base is found by its name as the class line
writes it: ``pkg.base.Key`` resolves to a class ``Key`` in a module named ``base``, a bare
``Key`` to the one in the same file or the only one elsewhere, and when several remain, to the
one the file imports (``from pkg.base import Key``; ``base.Key`` after ``from pkg import base``,
also when ``base`` is a package re-exporting it). A name that stays ambiguous is not followed.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from collections.abc import Sequence

from pattern_warden.clones.normalize import FLAG_IMPORT, Shape

#: Levels of inheritance followed upwards from each copy's class.
MAX_DEPTH = 6
#: Classes naming one base beyond which that base is a package's foundation, no home for shared code.
MAX_SUBCLASSES = 20

_Node = tuple[str, str]  # (path, qualified class name)


def _module(path: str) -> str:
    """``pkg/sub/__init__.py`` -> ``pkg.sub``; ``pkg/mod.py`` -> ``pkg.mod``."""
    stem = path[:-3] if path.endswith(".py") else path
    if stem.endswith("/__init__"):
        stem = stem[: -len("/__init__")]
    return stem.replace("/", ".")


class ClassMap:
    """Every class of a corpus, by simple name, with the dotted names of its bases."""

    def __init__(self, paths: Sequence[str], shapes: Sequence[Shape], imports: ImportMap | None = None) -> None:
        self._imports = imports
        self._by_name: dict[str, list[_Node]] = defaultdict(list)
        self._bases: dict[_Node, tuple[str, ...]] = {}
        self._paths, self._shapes = paths, shapes
        self._definers: dict[str, int] | None = None
        self._subclasses: dict[str, int] | None = None
        for path, shape in zip(paths, shapes):
            for qualified, bases in shape.classes:
                node = (path, qualified)
                self._by_name[qualified.rsplit(".", 1)[-1]].append(node)
                self._bases[node] = bases

    def definers(self, method: str) -> int:
        """How many classes of the corpus define a method of this name (counted once per corpus)."""
        if self._definers is None:
            counts: dict[str, int] = defaultdict(int)
            for path, shape in zip(self._paths, self._shapes):
                owners = {(path, unit.name.rpartition(".")[0], unit.name.rpartition(".")[2])
                          for unit in shape.units if "." in unit.name}
                for _, owner, name in owners:
                    if (path, owner) in self._bases:
                        counts[name] += 1
            self._definers = dict(counts)
        return self._definers.get(method, 0)

    def _resolve(self, child: _Node, dotted: str) -> _Node | None:
        """The class a base name on ``child``'s class line stands for, when it is unambiguous."""
        qualifier, _, name = dotted.rpartition(".")
        found = candidates = [n for n in self._by_name.get(name, ()) if n != child]
        if qualifier:
            last = qualifier.rsplit(".", 1)[-1]
            found = [n for n in found if _module(n[0]).rsplit(".", 1)[-1] == last or _module(n[0]) == qualifier]
        else:
            here = [n for n in found if n[0] == child[0]]
            found = here or [n for n in found if n[1].rsplit(".", 1)[-1] != child[1].rsplit(".", 1)[-1]] or found
        if len(found) != 1 and self._imports is not None:
            found = self._imported(child[0], qualifier, name, found or candidates)
        return found[0] if len(found) == 1 else None

    def _imported(self, path: str, qualifier: str, name: str, found: list[_Node]) -> list[_Node]:
        """The candidates the child's file imports: ``Name`` from its module, or ``q.Name`` where
        ``q`` is a module (or a package whose ``__init__`` re-exports a class of its modules)."""
        bound = qualifier.rsplit(".", 1)[-1] if qualifier else name
        modules = [m for m, names in self._imports.imported(path).items() if bound in names]  # type: ignore[union-attr]
        # ``from pkg import base`` binds the submodule ``pkg.base`` when there is one, not ``pkg``
        modules = [m for m in modules if not any(o != m and o.startswith(m.removesuffix("__init__.py")) for o in modules)]
        def reached(node: _Node) -> bool:
            return any(node[0] == m or (m.endswith("/__init__.py") and node[0].startswith(m[: -len("__init__.py")]))
                       for m in modules)
        return [n for n in found if reached(n)]

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
        """The module of the nearest class that every member's class is or inherits from, if one,
        and if it is a home for what they share: not a package's foundation, nor an interface most
        of whose subclasses do without the code (nltk's ``StemmerI``, which two of its ten
        stemmers share a method beside, or pyglet's ``EventDispatcher``).

        ``members`` are (path, enclosing function as ``Class.method``); a member outside a
        class has no base, and then there is none.
        """
        nearest = self._nearest(members)
        if nearest is None:
            return None
        subclasses = self.subclasses(nearest[1].rsplit(".", 1)[-1])
        if len({posixpath.dirname(path) for path, _ in members}) == 1 and subclasses > MAX_SUBCLASSES:
            return None  # a package's foundation: one of the copies' own modules is closer
        if 2 * len(set(self._owners(members))) < subclasses:
            return None  # an interface most of whose subclasses do without the code
        return nearest[0]

    def kin(self, members: Sequence[tuple[str, str | None]]) -> bool:
        """True when every member's class derives from one class of their package: siblings, whose
        shared code goes with one of them (the other calling or subclassing it) when their base is
        no home (``shared_base``), rather than to a helpers module beside them."""
        return self._nearest(members) is not None

    @staticmethod
    def _owners(members: Sequence[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
        """(path, class) of each member: the class its ``Class.method`` names, None outside a class."""
        return [(path, function.rsplit(".", 1)[0] if function and "." in function else None)
                for path, function in members]

    def _nearest(self, members: Sequence[tuple[str, str | None]]) -> _Node | None:
        """The nearest class inside the members' package that every member's class is or derives
        from (not their own one class: copies within one class have no base to share)."""
        lineages = []
        for path, owner in self._owners(members):
            if owner is None or (path, owner) not in self._bases:
                return None
            lineages.append(self._ancestors((path, owner)))
        package = common_package([path for path, _ in members])
        # never a framework-wide base elsewhere
        common = {c for c in set.intersection(*(set(lineage) for lineage in lineages)) if _inside(c[0], package)}
        if not common:
            return None
        distance, nearest = min((max(lineage[c] for lineage in lineages), c) for c in common)
        return nearest if distance else None

    def subclasses(self, name: str) -> int:
        """How many classes of the corpus name a class of this simple name as a base (counted once
        per corpus): a base most of a package derives from is the package's foundation, and code a
        few of its subclasses share does not belong with it."""
        if self._subclasses is None:
            counts: Counter[str] = Counter()
            for bases in self._bases.values():
                counts.update({dotted.rsplit(".", 1)[-1] for dotted in bases})
            self._subclasses = dict(counts)
        return self._subclasses.get(name, 0)


def common_package(paths: Sequence[str]) -> str:
    """The deepest folder holding every path ('.' for the root)."""
    folders = [posixpath.dirname(p).split("/") if posixpath.dirname(p) else [] for p in paths]
    common: list[str] = []
    for parts in zip(*folders):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common) or "."


#: Module names under which projects keep code shared by several modules.
HELPER_MODULES = frozenset({"utils", "util", "helpers", "helper", "common", "shared", "tools"})


def _helpers(path: str) -> bool:
    """True for a module of shared helpers (``utils.py``, ``_helpers.py``; not a package's ``__init__``)."""
    return posixpath.basename(path).removesuffix(".py").lstrip("_") in HELPER_MODULES


def _sibling(path: str, paths: Sequence[str]) -> bool:
    """True when ``path`` lies in a sibling package of another copy's (two backends, two
    drivers): alternatives, neither of which the other may import."""
    folder = posixpath.dirname(path)
    return any(posixpath.dirname(p) != folder and posixpath.dirname(posixpath.dirname(p)) == posixpath.dirname(folder)
               for p in paths)


def _inside(path: str, package: str) -> bool:
    return package == "." or path.startswith(package + "/")


class ImportMap:
    """The modules of the corpus each file imports, resolved to their paths (absolute imports by
    dotted name, also below a ``src``/``lib`` folder or, when the root is a package folder, under
    its name; relative ones from the file's package)."""

    def __init__(self, paths: Sequence[str], shapes: Sequence[Shape], package: str = "") -> None:
        self._shapes = dict(zip(paths, shapes))
        self._counts: dict[str, int] | None = None
        self._by_module: dict[str, str] = {}
        for path in paths:
            name = _module(path)
            self._by_module.setdefault(name, path)
            head, _, rest = name.partition(".")
            if head in ("src", "lib") and rest:
                self._by_module.setdefault(rest, path)
            if package:
                self._by_module.setdefault(f"{package}.{name}" if name != "__init__" else package, path)

    def imported(self, path: str) -> dict[str, frozenset[str]]:
        """The corpus modules ``path`` imports, each with the names the import binds there (a
        ``from m import x`` binds x from m, and from m.x when that is a module)."""
        shape = self._shapes[path]
        key = ("imports", path)
        if key not in shape.memo:
            package = _module(path) if path.endswith("/__init__.py") else _module(path).rpartition(".")[0]
            found: dict[str, set[str]] = defaultdict(set)
            for line, flag in zip(shape.exact, shape.flags):
                if flag & FLAG_IMPORT:
                    for module, bound in self._resolve(line, package):
                        found[module].add(bound)
            found.pop(path, None)
            shape.memo[key] = {module: frozenset(names) for module, names in found.items()}
        return shape.memo[key]  # type: ignore[return-value]

    def _resolve(self, line: str, package: str) -> list[tuple[str, str]]:
        """(corpus path, name bound) for each module one import statement names (its exact form:
        tokens joined by spaces)."""
        words = line.split()
        named: list[tuple[str, str]] = []  # (dotted module, local name)
        if words[:1] == ["import"]:
            part: list[str] = []
            for word in [*words[1:], ","]:
                if word != ",":
                    part.append(word)
                    continue
                dotted = "".join(part[: part.index("as")] if "as" in part else part)
                named.append((dotted, part[-1] if "as" in part else dotted.split(".")[0]))
                part = []
        elif words[:1] == ["from"] and "import" in words:
            at = words.index("import")
            source = "".join(words[1:at])
            if source.startswith("."):
                up = len(source) - len(source.lstrip("."))
                parts = package.split(".") if package else []
                base = ".".join(parts[: len(parts) - up + 1])
                source = ".".join(p for p in (base, source.lstrip(".")) if p)
            rest = [w for w in words[at + 1 :] if w not in ("(", ")")]
            for chunk in " ".join(rest).split(","):
                names = chunk.split()
                if names and names[0].isidentifier():
                    bound = names[-1]
                    named += [(source, bound), (f"{source}.{names[0]}", bound)]
        return [(self._by_module[dotted], bound) for dotted, bound in named if dotted in self._by_module]

    def home(self, paths: Sequence[str], used: set[str], code: bool = True, kin: bool = False) -> tuple[str, str]:
        """The module a helper for copies in ``paths`` belongs in, and why (``used``: the names in
        the copies; ``code``: the copies hold functions, not only module-level declarations).
        Always a module, never a folder:

        one of the copies' own modules that the others import; else one in another package that
        the others import from (the lower layer, where they already look); else, inside the copies' own
        package, the imported module nearest to them whose names the copies use (an import no
        copy uses says nothing of where the code belongs), a package's ``__init__`` standing for
        the module it re-exports those names from; for code, only a module that holds code (a
        table of constants or ctypes structures both copies import is no place for a function);
        else the helpers module (``utils.py`` and the like) of the
        package that holds the copies or the one above it (never the top-level package's for
        copies below it); else the copy's module most of
        the tree imports (the original others were copied from, as a rule). A copy that already
        sits in a helpers module is the home before any module they import, unless it lies in a
        sibling package of another copy (one backend's ``utils.py`` is no home for the other's).
        Copies in sibling classes (``kin``: their base is no home, see ``ClassMap.shared_base``) go
        with one of the classes, not to a helpers module: nltk's ``ARLSTem2`` reusing ``ARLSTem``."""
        reach = [{p: frozenset(), **self.imported(p)} for p in paths]
        common = set.intersection(*(set(r) for r in reach))
        if owned := sorted(p for p in paths if p in common):
            return owned[0], "the copy's module the others already import"
        if kept := sorted(p for p in paths if _helpers(p) and not _sibling(p, paths)):
            return kept[0], "the copy already in the project's module of shared helpers"
        lower = sorted(p for p in paths if all(posixpath.dirname(q) != posixpath.dirname(p) and any(
            posixpath.dirname(m) == posixpath.dirname(p) for m in r if m != q) for q, r in zip(paths, reach) if q != p))
        if lower:
            return lower[0], "the copy's module in the package the others already import from"
        package = common_package(paths)
        scored = []
        for imported in common:
            names = used.intersection(*(r[imported] for r in reach))
            module = self._defining(imported, names)
            uses = len(names)
            if uses and _inside(module, package) and not (code and not self._holds_code(module)):
                near = sum(len(common_package([module, p]).strip(".").split("/")) for p in paths)
                scored.append((module.endswith("__init__.py"), -near, -uses, len(module), module))
        if scored:
            return min(scored)[-1], "a module every copy already imports and uses"
        if not kin and (helpers := self._helpers_beside(paths)):
            return helpers, "the module of shared helpers in the package that holds every copy or the one above it"
        counts = self._importers()
        central = min(dict.fromkeys(paths), key=lambda p: (-counts.get(p, 0), p))
        if kin:
            return central, ("their classes are siblings whose base is no home for it: the copy's module the tree "
                             "imports most (the first by path on a tie); the other classes call or derive from its class")
        return central, "no module is shared that holds such code: the copy's module the tree imports most; import it from the others"

    def _defining(self, module: str, names: set[str]) -> str:
        """The module that defines what ``module`` gives the copies: a package's ``__init__`` that
        holds no code of its own only re-exports, and the names come from one of its modules."""
        if not module.endswith("__init__.py") or self._holds_code(module):
            return module
        sources = sorted(m for m, bound in self.imported(module).items() if bound & names)
        return sources[0] if len(sources) == 1 else module

    def _holds_code(self, path: str) -> bool:
        """True when the module defines a function or method of its own (dunders aside): a
        module of constants, declarations or re-exports is no home for shared code."""
        return any(not (name.startswith("__") and name.endswith("__"))
                   for name in (unit.name.rpartition(".")[2] for unit in self._shapes[path].units))

    def _helpers_beside(self, paths: Sequence[str]) -> str | None:
        """A helpers module (``utils.py`` and the like) in the package that holds every copy, or in
        the one above it, but never more than one package above any copy, and never the top-level
        package's for copies that share a package below it: a helper module far up the tree serves
        the whole framework, not these copies (nltk's Tk apps in ``nltk/app`` are no business of
        ``nltk/util.py``, which all of nltk imports)."""
        folders = {posixpath.dirname(p) for p in paths}
        package = common_package(list(paths)).strip(".")
        above = posixpath.dirname(package)
        top = not above or ("/" not in above and "__init__.py" not in self._shapes)  # above is the top-level package
        for folder in (package,) if top else (package, above):
            depth = len(folder.split("/")) if folder else 0
            if any(len(f.split("/")) - depth > 1 for f in folders):
                break
            if found := sorted(m for m in self._shapes if posixpath.dirname(m) == folder and _helpers(m)):
                return found[0]
        return None

    def _importers(self) -> dict[str, int]:
        """How many files of the corpus import each module (read once per corpus, when asked)."""
        if self._counts is None:
            counts: dict[str, int] = defaultdict(int)
            for path in self._shapes:
                for module in self.imported(path):
                    counts[module] += 1
            self._counts = dict(counts)
        return self._counts
