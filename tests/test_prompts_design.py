"""design_decision_docstring and its completions, through the in-memory client on a real git repo."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import PromptReference

from pattern_warden.config import load_config
from pattern_warden.server import build_server
from tests.conftest import git

STORE = '''"""Storage.

Attributes:
    VERSION: the format version.
"""


class Store:
    """Keeps rows.

    Args:
        path: where rows live.
    """

    class Index:
        def rebuild(self):
            return []

    def save(self, rows):
        for row in rows:
            if not row:
                continue
            try:
                self.write(row)
            except (KeyError, OSError) as exc:
                raise ValueError("bad row") from exc
        return len(rows)

    def write(self, row):
        pass
'''
APP = '''from store import Store


def run():
    return Store().save([1])
'''
# Ruff 0.17 (`ruff check --select C901 --config "lint.mccabe.max-complexity = 0"`) reports 9 for
# route: while, match's first two cases (not the final `case _`), except, try-else, for, if,
# nested def; `with`, boolean operators and comprehensions add nothing.
FLOW = """def route(event, retries):
    while retries:
        retries -= 1
    else:
        pass
    try:
        match event:
            case {"kind": "a"}:
                return 1
            case [x, *_] if x:
                return 2
            case _:
                return 3
    except (KeyError, ValueError):
        raise
    else:
        for item in event:
            with open(item) as f:
                if f and retries or not f:
                    return 4
    def helper():
        return [i for i in event if i]
    return helper
"""
REF = PromptReference(name="design_decision_docstring")


@pytest.fixture
def repo(git_project: Path) -> Path:
    (git_project / "store.py").write_text(STORE)
    (git_project / "app.py").write_text(APP)
    (git_project / "flow.py").write_text(FLOW)
    (git_project / "build").mkdir()
    (git_project / "build" / "generated.py").write_text("def gen():\n    pass\n")
    (git_project / ".gitignore").write_text("build/\n")
    git(git_project, "add", "-A")
    git(git_project, "commit", "-q", "-m", "store")
    return git_project


async def test_prompt_carries_the_facts_of_the_symbol(repo: Path) -> None:
    async with Client(build_server(load_config(repo))) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        assert [a.name for a in prompts["design_decision_docstring"].arguments] == ["path", "symbol"]
        result = await client.get_prompt("design_decision_docstring", {"path": "store.py", "symbol": "Store.save"})
        facts, request = (m.content.text for m in result.messages)
    assert "def save(self, rows):" in facts
    assert "None: the definition has no docstring yet." in facts
    assert "- ValueError" in facts and "- (KeyError, OSError)" in facts
    assert "## Cyclomatic complexity\n4 " in facts  # 1 + for + if + except
    assert "- app.py:4 run" in facts  # the caller, found by name in another file
    assert "- store.py:29 Store.write" in facts  # the callee
    assert "Google" in facts  # the file's docstrings use Args:/Attributes:
    assert "raise ValueError(\"bad row\") from exc" in facts
    for section in ("Rationale", "Trade-offs", "Alternatives considered", "Extension points", "Error handling",
                    "Performance"):
        assert section in request
    assert "apply_docstring" in request and "'Store.save'" in request


async def test_missing_facts_are_stated(repo: Path) -> None:
    async with Client(build_server(load_config(repo))) as client:
        result = await client.get_prompt("design_decision_docstring", {"path": "store.py", "symbol": "Store.Index.rebuild"})
        facts = result.messages[0].content.text
    assert "- none raised directly" in facts and "- none caught" in facts
    assert "- none found under the root" in facts
    assert "## Cyclomatic complexity\n1 " in facts


async def test_complexity_is_counted_as_ruff_counts(repo: Path) -> None:
    async with Client(build_server(load_config(repo))) as client:
        route = (await client.get_prompt("design_decision_docstring", {"path": "flow.py", "symbol": "route"}))
        helper = (await client.get_prompt("design_decision_docstring", {"path": "flow.py", "symbol": "route.helper"}))
    assert "## Cyclomatic complexity\n9 " in route.messages[0].content.text
    assert "- (re-raise of the caught exception)" in route.messages[0].content.text
    assert "- (KeyError, ValueError)" in route.messages[0].content.text
    assert "## Cyclomatic complexity\n1 " in helper.messages[0].content.text


async def test_a_class_gets_its_methods_complexity(repo: Path) -> None:
    async with Client(build_server(load_config(repo))) as client:
        result = await client.get_prompt("design_decision_docstring", {"path": "store.py", "symbol": "Store"})
        facts = result.messages[0].content.text
    assert "per method (McCabe, as Ruff's C901; above 10 is rule DES002): save 4, write 1." in facts
    assert "- app.py:4 run" in facts  # Store() is called there
    assert "Keeps rows." in facts  # the existing docstring


async def test_bad_arguments_are_explained(repo: Path) -> None:
    async with Client(build_server(load_config(repo))) as client:
        with pytest.raises(MCPError, match="No function or class named 'Store.nope'"):
            await client.get_prompt("design_decision_docstring", {"path": "store.py", "symbol": "Store.nope"})
        with pytest.raises(MCPError, match="outside the root"):
            await client.get_prompt("design_decision_docstring", {"path": "../x.py", "symbol": "f"})


async def test_completions_list_real_files_then_their_symbols(repo: Path) -> None:
    async with Client(build_server(load_config(repo))) as client:
        paths = (await client.complete(REF, {"name": "path", "value": ""})).completion
        assert paths.values == ["app.py", "flow.py", "store.py"]  # build/ is git-ignored
        narrowed = (await client.complete(REF, {"name": "path", "value": "sto"})).completion
        assert narrowed.values == ["store.py"]
        symbols = (await client.complete(REF, {"name": "symbol", "value": ""}, {"path": "store.py"})).completion
        assert symbols.values == ["Store", "Store.Index", "Store.Index.rebuild", "Store.save", "Store.write"]
        methods = (await client.complete(REF, {"name": "symbol", "value": "store.s"}, {"path": "store.py"})).completion
        assert methods.values == ["Store.save"]
        no_path = (await client.complete(REF, {"name": "symbol", "value": ""})).completion
        assert no_path.values == []
        bad_path = (await client.complete(REF, {"name": "symbol", "value": ""}, {"path": "../etc"})).completion
        assert bad_path.values == []


async def test_prompt_arguments_are_described(project: Path) -> None:
    async with Client(build_server(load_config(project))) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
    assert set(prompts) >= {"handoff_context", "design_decision_docstring", "search_first", "implementation_scorecard"}
    for name in ("handoff_context", "design_decision_docstring", "search_first"):
        assert prompts[name].description and all(a.description for a in prompts[name].arguments), name


async def test_docstring_style_follows_the_file(repo: Path) -> None:
    (repo / "numpyish.py").write_text(
        'def scale(x, k):\n    """Scale x.\n\n    Parameters\n    ----------\n    x : float\n    """\n    return x * k\n\n\n'
        "def shift(x):\n    return x + 1\n"
    )
    async with Client(build_server(load_config(repo))) as client:
        numpy = await client.get_prompt("design_decision_docstring", {"path": "numpyish.py", "symbol": "shift"})
        bare = await client.get_prompt("design_decision_docstring", {"path": "app.py", "symbol": "run"})
    assert "Follow the file's style: NumPy." in numpy.messages[1].content.text
    assert "Follow the file's style: plain (the file has no docstrings yet)." in bare.messages[1].content.text
