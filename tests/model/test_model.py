"""The project model on real files: names, effects with their chains, callers, and warm edits."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from pattern_warden.config import load_config
from pattern_warden.diskcache import DiskCache
from pattern_warden.model import ModelBuilder, ProjectModel, module_name
from pattern_warden.workspace import Workspace
from tests.conftest import write_tree

FILES = {
    "src/app/__init__.py": "from .db import connect as open_connection\nfrom . import util\n",
    "src/app/util.py": (
        "import logging\nimport os.path\nfrom pathlib import Path\n\n"
        "log = logging.getLogger(__name__)\n\n"
        "def _read_passfile(name):\n    with open(name) as fh:\n        return fh.read()\n\n"
        "def passfile(home: Path):\n    return _read_passfile(os.path.join(home, '.pgpass'))\n\n"
        "def template(home: Path):\n    return (home / 'page.html').read_text()\n"
    ),
    "src/app/db.py": (
        "import logging as lg\nfrom collections import defaultdict\nfrom .util import passfile\n"
        "from app.util import log as util_log\n\n"
        "class Base:\n    def close(self):\n        raise RuntimeError('closed')\n\n"
        "class Pool(Base):\n    def __init__(self):\n        self.log = lg.getLogger('pool')\n"
        "        self.waiting = defaultdict(list)\n\n"
        "    async def connect(self, home):\n        self.log.info('x')\n        requests = defaultdict(list)\n"
        "        requests.items()\n        return passfile(home)\n\n"
        "async def connect(home):\n    pool: Pool = make()\n    util_log.info('go')\n    return pool.connect(home)\n"
    ),
    "src/other.py": "def alone():\n    return 1\n",
}


@pytest.fixture
def built(project: Path) -> tuple[ModelBuilder, ProjectModel, Workspace]:
    write_tree(project, FILES)
    workspace = Workspace(load_config(project))
    builder = ModelBuilder()
    return builder, builder.build(workspace), workspace


def _names(model: ProjectModel, rel: str, source: str) -> dict[str, tuple[str | None, str | None]]:
    """Every call's callee in ``source`` (the file at ``rel``): (resolved name, instance type)."""
    tree = ast.parse(source)
    found: dict[str, tuple[str | None, str | None]] = {}

    def visit(node: ast.AST, stack: list[ast.AST]) -> None:
        if isinstance(node, ast.Call):
            found[ast.unparse(node.func)] = (model.resolve(rel, node.func, stack), None)
        if isinstance(node, ast.Attribute):
            found.setdefault(ast.unparse(node.value), (None, model.type_of(rel, node.value, stack)))
        inner = [*stack, node] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else stack
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, [])
    return found


def test_module_names_follow_packages() -> None:
    files = {"src/app/__init__.py", "src/app/db.py", "src/app/sub/__init__.py", "src/app/sub/x.py", "top.py"}
    assert module_name("src/app/db.py", files) == ("app.db", False)
    assert module_name("src/app/sub/__init__.py", files) == ("app.sub", True)
    assert module_name("src/app/sub/x.py", files) == ("app.sub.x", False)
    assert module_name("top.py", files) == ("top", False)
    assert module_name("views/static.py", {"__init__.py", "views/__init__.py", "views/static.py"}, "django") == (
        "django.views.static", False)


def test_names_resolve_through_imports_aliases_reexports_and_assignments(built) -> None:
    _builder, model, _ = built
    names = _names(model, "src/app/db.py", FILES["src/app/db.py"])
    assert names["lg.getLogger"][0] == "logging.getLogger"
    assert names["self.log.info"][0] == "logging.Logger.info"  # self.x set in __init__
    assert names["requests.items"][0] == "collections.defaultdict.items"  # a local is not the library
    assert names["passfile"][0] == "app.util.passfile"  # relative import
    assert names["util_log.info"][0] == "logging.Logger.info"  # absolute import of a module variable
    assert names["pool.connect"][0] == "app.db.Pool.connect"  # annotation
    assert names["make"][0] == "make"  # bound nowhere: a global by that name, nothing more
    assert names["self"][1] == "app.db.Pool"
    init = _names(model, "src/app/__init__.py", "x = open_connection(1)\n")
    assert init["open_connection"][0] == "app.db.connect"  # re-exported under an alias
    assert model.callers("app.util.passfile")[0].caller == "app.db.Pool.connect"
    assert [c.callee for c in model.callees("app.db.connect")] == ["make", "logging.Logger.info", "app.db.Pool.connect"]


def test_effects_follow_sync_helpers_with_the_chain(built) -> None:
    _builder, model, _ = built
    effects = {(e.kind, e.describe()) for e in model.effects("app.db.Pool.connect")}
    assert ("file I/O", "connect -> passfile -> _read_passfile -> open") in effects
    assert ("log", "connect -> info") in effects
    assert not any(e.callee.startswith("collections") for e in model.effects("app.db.Pool.connect"))
    assert {(e.kind, e.callee) for e in model.effects("app.util.template")} == {("file I/O", "pathlib.Path.read_text")}
    assert model.effects("app.db.Base.close")[0].kind == "raise"
    deep = model.effects("app.db.Pool.connect", depth=2)
    assert not any(e.kind == "file I/O" for e in deep)  # three functions on the chain are needed


def test_a_warm_edit_resolves_the_module_and_its_importers_again(built) -> None:
    builder, model, workspace = built
    assert builder.build(workspace) is model and builder.summarised == 0 and model.reresolved == set()
    util = workspace.config.root / "src/app/util.py"
    util.write_text(FILES["src/app/util.py"].replace("with open(name) as fh", "with name.open() as fh"))
    os.utime(util, ns=(1, 1))
    assert builder.build(workspace) is model and builder.summarised == 1
    assert model.reresolved == {"app.util", "app.db", "app"}  # not `other`, which imports nothing of it
    assert not any(e.kind == "file I/O" for e in model.effects("app.db.Pool.connect"))


def test_the_model_outlives_the_process_in_the_disk_cache(project: Path) -> None:
    write_tree(project, FILES)
    workspace = Workspace(load_config(project))
    first = ModelBuilder()
    first.build(workspace, DiskCache(project))
    assert first.summarised == len(FILES)
    second = ModelBuilder()
    model = second.build(workspace, DiskCache(project))
    assert second.summarised == 0 and "app.db.Pool.connect" in model.defs


def test_a_class_built_on_a_function_result_is_unknown_not_an_error(project: Path) -> None:
    write_tree(project, {"m.py": "def factory():\n    return object\n\nclass C(factory):\n    def run(self):\n"
                                 "        return self.missing()\n"})
    model = ModelBuilder().build(Workspace(load_config(project)))
    assert [c.callee for c in model.callees("m.C.run")] == [None]


def test_overloads_whose_returns_mix_none_and_tuples_summarise() -> None:
    """Found on a held-out project: a Protocol's overloaded ``__call__`` returning ``tuple[None, ...]``
    in one signature and an alias in another made the module's interface digest compare None with a
    tuple, and the whole check crashed."""
    from pattern_warden.model.summary import summarise

    code = (
        "from typing import Protocol, overload, Literal\n\n\n"
        "class Resolver(Protocol):\n"
        "    @overload\n"
        "    def __call__(self, kind: str, strict: Literal[False]) -> tuple[None, None] | Pair: ...\n\n"
        "    @overload\n"
        "    def __call__(self, kind: str, strict: Literal[True] = ...) -> Pair: ...\n\n"
        "    def __call__(self, kind: str, strict: bool = True) -> tuple[None, None] | Pair: ...\n"
    )
    summary = summarise(ast.parse(code), "pkg.handlers", False)
    assert summary["i"] == summarise(ast.parse(code), "pkg.handlers", False)["i"]
