"""What a name in a copy refers to, asked of the project model: meaning, not spelling.

Two ``Error`` classes in two packages are different exceptions although they are spelled
alike; ``from .util import load as read`` makes ``read(...)`` the same call as ``load(...)``
although it is spelled otherwise. "What differs" compares what the names resolve to when the
model can say it. Only the modules of the copies that raise, catch or call differently are
summarised, when first asked (a clone search on Django asks for a few dozen of its 900 files),
and each summary is kept in the file's shape, so a warm server summarises a file once.

A name that leads through another module of the project (``can.CanOperationError``, re-exported
by ``can/__init__.py`` from ``can.exceptions``) is followed into that module, which is then
summarised too: one class imported two ways is one class. A module-level variable the model
cannot type (``_lib = None`` then ``_lib = CLibrary("vcinpl.dll")`` on one platform) means its
assigned values: two modules' handles loaded from other libraries are other objects, and the
same assignment in two modules (``log = logging.getLogger(__name__)``) is one meaning.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import Any

from pattern_warden.clones.normalize import Shape
from pattern_warden.clones.variation import variation
from pattern_warden.errors import WardenError
from pattern_warden.model import ProjectModel, module_name, summarise
from pattern_warden.workspace import Workspace

#: Modules followed, one after another, to resolve one name through re-exports.
_FOLLOWED = 4

def _expression(dotted: str) -> ast.expr:
    """``a.b.c`` as the expression node the model resolves (built, not parsed: this runs per name)."""
    head, *rest = dotted.split(".")
    node: ast.expr = ast.Name(id=head, ctx=ast.Load())
    for attr in rest:
        node = ast.Attribute(value=node, attr=attr, ctx=ast.Load())
    return node


def _outline(shape: Shape, text: str) -> str:
    """The module's source without the bodies of its top-level classes and functions (each
    becomes ``pass``): its imports, assignments and definitions, which is all a module-level
    name can mean, at a fraction of the parse (this runs on the copies' files, cold)."""
    rows = text.splitlines()
    out: list[str] = []
    depth = 0
    skipping = False
    for i, exact in enumerate(shape.exact):
        depth += shape.deltas[i] if i else 0
        if depth > 0 and skipping:
            continue
        skipping = False
        out.extend(rows[shape.starts[i] - 1 : shape.ends[i]])
        if depth == 0 and exact.startswith(("def ", "async def ", "class ")) and exact.endswith(":"):
            out.append("    pass")
            skipping = True
    return "\n".join(out) + "\n"


def _assigned(tree: ast.Module) -> dict[str, list[tuple[str, str]]]:
    """Module-level variables (outside functions and classes, inside ``if``/``try`` blocks too)
    and the values assigned to them, ``None`` placeholders left out: each value as the dotted
    name it calls (empty when it calls none) and the rest of its source, so the callee can be
    resolved (``Library()`` and ``template.Library()`` make one kind of object)."""
    values: dict[str, list[tuple[str, str]]] = {}
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            value = node.value
            callee = _dotted_name(value.func) if isinstance(value, ast.Call) else None
            text = ("", ast.unparse(value)) if callee is None else \
                (callee, ast.unparse(value)[len(ast.unparse(value.func)):])  # type: ignore[union-attr]
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and not (isinstance(value, ast.Constant) and value.value is None):
                    values.setdefault(target.id, []).append(text)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            todo.extend(node.body)
            todo.extend(getattr(node, "orelse", []))
            for handler in getattr(node, "handlers", []):
                todo.extend(handler.body)
    return values


def _dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a name or attribute chain, None for any other expression."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (inner := _dotted_name(node.value)) is not None:
        return f"{inner}.{node.attr}"
    return None


def _items(tokens: Sequence[str]) -> list[list[str]]:
    """The imported items of an import statement's tokens after ``import``: each its dotted
    name, and its alias when it has one (``os . path`` -> ``["os.path"]``, ``a as b`` -> ``["a", "b"]``)."""
    items: list[list[str]] = [[]]
    for token in tokens:
        if token == ",":
            items.append([])
        elif token not in ("(", ")", "as"):
            if token == "." or (items[-1] and items[-1][-1].endswith(".")):
                items[-1][-1] += token
            else:
                items[-1].append(token)
    return [item for item in items if item]


def _parsed(outline: str, text: str) -> ast.Module | None:
    """The outline's tree, or the whole file's when the outline does not parse; None when
    neither does (a file changed since its shape was made)."""
    for source in (outline, text):
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError):
            continue
    return None


class Names:
    """Resolves dotted names at module level in the corpus's files (None: the model cannot say)."""

    def __init__(self, workspace: Workspace, paths: Sequence[str], shapes: Sequence[Shape]) -> None:
        self._workspace = workspace
        self._files = frozenset(paths)
        self._shapes = dict(zip(paths, shapes))
        self._top = workspace.config.root.name
        self._modules: dict[str, str] | None = None  # module name -> path, made when first needed
        self._same: dict[tuple[str, ...], bool] = {}

    def module_path(self, qualified: str) -> str | None:
        """The corpus file of the longest module prefix of a qualified name, or None."""
        if self._modules is None:
            self._modules = {module_name(p, self._files, self._top)[0]: p for p in sorted(self._files)}
        parts = qualified.split(".")
        for cut in range(len(parts), 0, -1):
            if (path := self._modules.get(".".join(parts[:cut]))) is not None:
                return path
        return None

    def text_of(self, qualified: str) -> tuple[str, ...] | None:
        """The statements of the project function a qualified name means (its name left out),
        None for anything else: two definitions with one text are one behaviour."""
        path = self.module_path(qualified)
        if path is None or self._modules is None:
            return None
        module = next(name for name, p in self._modules.items() if p == path and qualified.startswith(name))
        shape = self._shapes.get(path)
        unit = next((u for u in shape.units if u.name == qualified[len(module) + 1 :]), None) if shape else None
        return tuple(shape.exact[unit.first : unit.last + 1]) if shape is not None and unit is not None else None

    def own_classes(self, path: str, first: int) -> frozenset[str]:
        """Qualified names of the classes around logical line ``first`` of ``path``, innermost
        last. A copy that names its own class (``super(Turtle, self)``, ``Turtle.SPACE``) means
        what another copy means by naming its own: a shared base would spell both ``type(self)``."""
        shape = self._shapes[path]
        unit = max((u for u in shape.units if u.first <= first <= u.last), key=lambda u: u.first, default=None)
        if unit is None:
            return frozenset()
        module = module_name(path, self._files, self._top)[0]
        classes = {name for name, _ in shape.classes}
        parts = unit.name.split(".")
        return frozenset(f"{module}.{scope}" for n in range(1, len(parts))
                         if (scope := ".".join(parts[:n])) in classes)

    def local_imports(self, path: str, first: int, last: int) -> dict[str, str]:
        """Names imported inside the function around logical lines ``first``-``last``, up to
        ``last`` (``from dask.array.core import Array`` kept local to dodge an import cycle):
        name -> qualified name. Relative imports are made absolute from the module's own name."""
        shape = self._shapes[path]
        unit = max((u for u in shape.units if u.first <= first <= u.last), key=lambda u: u.first, default=None)
        if unit is None:
            return {}
        found: dict[str, str] = {}
        for line in shape.exact[unit.first + 1 : last + 1]:
            tokens = line.split()
            if tokens[:1] == ["from"] and "import" in tokens:
                at = tokens.index("import")
                source = "".join(tokens[1:at])
                if source.startswith("."):
                    name, package = module_name(path, self._files, self._top)
                    parts = name.split(".")
                    base = parts[: len(parts) - (len(source) - len(source.lstrip("."))) + package]
                    source = ".".join([*base, source.lstrip(".")]).rstrip(".")
                for item in _items(tokens[at + 1 :]):
                    if item[0] != "*":
                        found[item[-1]] = f"{source}.{item[0]}"
            elif tokens[:1] == ["import"]:
                for item in _items(tokens[1:]):
                    found[item[-1] if len(item) > 1 else item[0].split(".")[0]] = \
                        item[0] if len(item) > 1 else item[0].split(".")[0]
        return found

    def one_behaviour(self, meanings: Sequence[str]) -> bool:
        """True when different definitions are copies of one function whose own names also mean
        the same things (``convert_key`` copied into two packages), so calling either is one
        behaviour; copies that call their own package's ``concatenate`` are not. One level deep."""
        key = tuple(meanings)
        if key not in self._same:
            texts = {self.text_of(m) for m in meanings}
            text = texts.pop() if len(texts) == 1 else None
            paths = [self.module_path(m) for m in meanings]
            self._same[key] = text is not None and None not in paths and not (
                (change := variation([list(text)] * len(meanings), self.resolver(paths)))  # type: ignore[arg-type]
                .differences or change.redefined)
        return self._same[key]

    def _summary(self, path: str) -> dict[str, Any] | None:
        """The model's summary of the module's top level: its imports, assignments and the
        names of its classes and functions, which is all a module-level name can mean (the
        bodies, most of a summary's cost, are left out)."""
        shape = self._shapes[path]
        key = ("summary", path)
        if key not in shape.memo:
            try:  # parsed here, not through the source's cached tree: the summary is all we keep
                text = self._workspace.read_path(path).text
            except WardenError:  # gone or grown since it was read
                text = None
            tree = _parsed(_outline(shape, text), text) if text is not None else None
            name, package = module_name(path, self._files, self._top)
            shape.memo[key] = summarise(tree, name, package) if tree is not None else None
            shape.memo[("assigned", path)] = _assigned(tree) if tree is not None else {}
        return shape.memo[key]  # type: ignore[return-value]

    def _assigned(self, path: str) -> dict[str, list[tuple[str, str]]]:
        self._summary(path)
        return self._shapes[path].memo[("assigned", path)]  # type: ignore[return-value]

    def resolver(self, paths: Sequence[str], local: Sequence[dict[str, str]] = ()) -> Callable[[int, str], str | None]:
        """A function (member index, dotted name) -> qualified name for the copies in ``paths``,
        answered by one model of their modules and the project modules the answers lead through;
        ``local`` holds, per copy, the names its function imports before the copy starts."""
        models: dict[frozenset[str], ProjectModel] = {}
        answers: dict[tuple[int, str], str | None] = {}

        def model_of(modules: frozenset[str]) -> ProjectModel:
            if modules not in models:
                summaries = {p: self._summary(p) for p in sorted(modules)}
                models[modules] = ProjectModel({s["name"]: s for s in summaries.values()},  # type: ignore[index]
                                               {s["name"]: p for p, s in summaries.items()})  # type: ignore[index]
            return models[modules]

        def ask(member: int, dotted: str) -> str | None:
            """The model's answer, followed through project modules while they say more (a
            re-export bound one way or another at run time stays the name it was imported as).
            Each step adds the module the last answer leads into, so an answer never depends on
            what was asked before it."""
            modules = frozenset(p for p in paths if self._summary(p) is not None)
            known = None
            for _ in range(_FOLLOWED):
                found = model_of(modules).resolve(paths[member], _expression(dotted))
                if found is None:
                    return known
                known = found
                through = self.module_path(found)
                if through is None or through in modules or self._summary(through) is None:
                    return found
                modules = modules | {through}
            return known

        def resolve(member: int, dotted: str) -> str | None:
            if (member, dotted) not in answers:
                head, _, rest = dotted.partition(".")
                imported = local[member].get(head) if member < len(local) else None
                own = None if imported else self._assigned(paths[member]).get(head)
                if own is not None and ask(member, head) is None:
                    # a module's variable the model cannot name (an instance, or bound on one platform
                    # only): what was assigned to it, however much of its attributes is spelled
                    found: str | None = f"{head} = " + " / ".join(dict.fromkeys(
                        (ask(member, callee) or callee) + rest for callee, rest in own))
                else:
                    found = ask(member, imported + (f".{rest}" if rest else "") if imported else dotted)
                if found == dotted and not imported:  # bound nowhere the model or the function shows: a local
                    found = None
                answers[(member, dotted)] = found
            return answers[(member, dotted)]

        return resolve
