"""The leftovers engine on an agent's working tree, through the engine, the CLI and the MCP tool."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from mcp import Client

from pattern_warden.config import load_config
from pattern_warden.leftovers.attempts import attempt_base
from pattern_warden.leftovers.commented import commented_code
from pattern_warden.leftovers.engine import find_leftovers
from pattern_warden.leftovers.models import LeftoversOptions
from pattern_warden.render.text import render_text
from pattern_warden.server import build_server
from pattern_warden.workspace import Workspace
from tests.conftest import write_tree
from tests.leftovers.agent_tree import EXPECTED, LEADS, TREE


@pytest.fixture
def agent_tree(tmp_path: Path) -> Path:
    write_tree(tmp_path, TREE)
    return tmp_path


def _keys(items: list[dict]) -> set[tuple[str, str, str | None]]:
    return {(i["kind"], i["path"], i.get("symbol")) for i in items}


def test_every_leftover_is_found_and_no_live_code_is_reported(agent_tree: Path) -> None:
    every = LeftoversOptions(min_confidence=40)
    result = find_leftovers(Workspace(load_config(agent_tree)), options=every, limit=100)
    found = _keys([item.model_dump() for item in result.leftovers])
    assert found == EXPECTED
    default = find_leftovers(Workspace(load_config(agent_tree)), limit=100)
    assert _keys([item.model_dump() for item in default.leftovers]) == EXPECTED - LEADS
    attempt = next(i for i in result.leftovers if i.path == "shop/client_v2.py")
    assert attempt.action == "keep-current" and "shop/client.py" in attempt.reason
    assert any("imported=yes" in e for e in attempt.evidence)
    commented = next(i for i in result.leftovers if i.kind == "commented-out")
    assert "'profile'" in commented.reason and commented.confidence >= 90
    assert result.summary.findings == len(EXPECTED)


def test_the_cli_reports_the_same_leftovers(agent_tree: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pattern_warden", "leftovers", "--root", str(agent_tree),
                          "--format", "json", "--min-confidence", "40"], capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stderr
    assert _keys(json.loads(run.stdout)["leftovers"]) == EXPECTED
    text = subprocess.run([sys.executable, "-m", "pattern_warden", "leftovers", "--root", str(agent_tree)],
                          capture_output=True, text=True, check=False).stdout
    lines = text.splitlines()
    assert lines[0].startswith(f"{len(EXPECTED - LEADS)} leftovers (") and "warden://patterns/leftovers" in lines[0]
    assert all(" Fix: " in line for line in lines[1:])
    sarif = json.loads(subprocess.run([sys.executable, "-m", "pattern_warden", "leftovers", "--root",
                                       str(agent_tree), "--format", "sarif"], capture_output=True, text=True).stdout)
    assert len(sarif["runs"][0]["results"]) == len(EXPECTED - LEADS)


async def test_the_mcp_tool_reports_the_same_leftovers_and_pages(agent_tree: Path) -> None:
    async with Client(build_server(load_config(agent_tree))) as client:
        whole = await client.call_tool("find_leftovers", {"min_confidence": 40})
        assert not whole.is_error
        assert _keys(whole.structured_content["leftovers"]) == EXPECTED
        first = await client.call_tool("find_leftovers", {"limit": 4, "min_confidence": 40})
        cursor = first.structured_content["page"]["next_cursor"]
        rest = await client.call_tool("find_leftovers", {"limit": 4, "cursor": cursor, "min_confidence": 40})
        paged = first.structured_content["leftovers"] + rest.structured_content["leftovers"]
        assert _keys(paged) == EXPECTED and len(paged) == len(EXPECTED)
        bad = await client.call_tool("find_leftovers", {"min_confidence": 400})
        assert bad.is_error and "min_confidence" in bad.content[0].text


def test_paths_limit_where_leftovers_are_reported_not_what_is_read(agent_tree: Path) -> None:
    result = find_leftovers(Workspace(load_config(agent_tree)), ["shop/service.py"], limit=100)
    assert {i.path for i in result.leftovers} == {"shop/service.py"}
    # _format_old is still judged against the whole tree: profile stays live through the test
    assert {i.symbol for i in result.leftovers if i.kind == "dead"} == {"_format_old"}


def test_min_confidence_and_kinds_filter(agent_tree: Path) -> None:
    only = LeftoversOptions(kinds=["attempt"], min_confidence=90)
    result = find_leftovers(Workspace(load_config(agent_tree)), options=only, limit=100)
    assert {i.path for i in result.leftovers} == {"shop/client_v2.py", "shop/pricing.py.bak"}


@pytest.mark.parametrize(("stem", "base"), [
    ("client_v2", "client"), ("utils_old", "utils"), ("old_utils", "utils"), ("report (copy)", "report"),
    ("export_20240131", "export"), ("api-backup", "api"),
    ("client", None), ("threshold", None), ("template", None), ("http2", None), ("renew", None),
])
def test_attempt_names(stem: str, base: str | None) -> None:
    assert attempt_base(stem) == base


@pytest.mark.parametrize(("comment", "is_code"), [
    ("# x = compute(y)\n# return x\n", True),
    ("# print(total)\n", True),
    ("# See the note above: this runs once.\n", False),
    ("# TODO: retry later\n", False),
    ("# type: ignore\n", False),
    ("# Example:\n#     parse(text)\n", False),
    ("# return the first match\n", False),
])
def test_comments_that_are_code(tmp_path: Path, comment: str, is_code: bool) -> None:
    (tmp_path / "m.py").write_text(f"value = 1\n{comment}other = 2\n")
    source = Workspace(load_config(tmp_path)).read_path("m.py")
    assert bool(commented_code(source, set())) is is_code


def _repo(root: Path) -> Path:
    from tests.conftest import git

    write_tree(root, TREE)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "agent tree")
    return root


def test_review_blames_only_the_leftovers_the_change_made(tmp_path: Path) -> None:
    from pattern_warden.delta.review import review_change

    root = _repo(tmp_path)
    clean = review_change(Workspace(load_config(root)))  # reviews the last commit: every leftover is new there
    assert clean.leftovers_introduced >= 1
    # the change: an attempt file, and the last caller of load_plugin removed
    (root / "shop/exporters_new.py").write_text((root / "shop/exporters.py").read_text())
    # a new module nothing imports yet may be what the user asked for: a lead, not the agent's fault
    (root / "shop/notes.py").write_text('"""Release notes."""\n\n\ndef latest() -> str:\n    return "1.0"\n')
    cli_text = (root / "shop/cli.py").read_text()
    (root / "shop/cli.py").write_text(cli_text.replace(', load_plugin("Health")', "").replace(
        "from shop.exporters import load_plugin\n", ""))  # a public function's last use: a lead only
    service = root / "shop/service.py"
    service.write_text(service.read_text().replace(" ({_initials(name)})", ""))  # a private one's: the agent's
    review = review_change(Workspace(load_config(root)))
    found = {(i.kind, i.path, i.symbol) for i in review.leftovers}
    assert found == {("attempt", "shop/exporters_new.py", "shop.exporters_new"),
                     ("orphaned-by-change", "shop/service.py", "_initials")}
    assert all(i.confidence >= 80 for i in review.leftovers)
    assert "max-leftovers" in review.failed and not review.passed
    assert "Leftovers added or orphaned: 2" in render_text(review)


def test_review_of_a_change_that_leaves_nothing_behind_passes_the_leftover_threshold(tmp_path: Path) -> None:
    from pattern_warden.delta.review import review_change

    root = _repo(tmp_path)
    service = root / "shop/service.py"
    service.write_text(service.read_text() + '\n\ndef shout(name: str) -> str:\n    return greeting(name).upper()\n')
    (root / "shop/cli.py").write_text((root / "shop/cli.py").read_text().replace(
        "from shop.service import greeting", "from shop.service import greeting, shout").replace(
        "print(greeting(sys.argv[1])", "print(shout(sys.argv[1])"))
    review = review_change(Workspace(load_config(root)))
    assert review.leftovers_introduced == 0 and "max-leftovers" not in review.failed


LIVE_BY_CONVENTION = {
    "an empty generator: return, then yield": {
        "pkg/__init__.py": "from pkg.gen import nothing\n\nEMPTY = list(nothing())\n",
        "pkg/gen.py": "def nothing():\n    return\n    yield\n"},
    "a generated module": {
        "pkg/__init__.py": "from pkg import api_pb2\n",
        "pkg/api_pb2.py": "# Generated by the protocol buffer compiler.  DO NOT EDIT!\n\ndef _unused():\n    pass\n"},
    "a hook of a framework base, through a project base class": {
        "pkg/__init__.py": "from pkg.visit import Names\n",
        "pkg/visit.py": ("import ast\n\n\nclass Base(ast.NodeVisitor):\n    pass\n\n\n"
                         "class Names(Base):\n    def visit_Name(self, node):\n        print(node.id)\n")},
    "a vendored copy of another project": {
        "pkg/__init__.py": "from pkg.vendored import ply\n", "pkg/vendored/__init__.py": "",
        "pkg/vendored/ply.py": "def _unused_upstream():\n    return 1\n"},
    "two entry points of one package": {
        "pkg/__init__.py": "", "pkg/__main__.py": "from pkg import run\nrun()\n",
        "pkg/sub/__init__.py": "", "pkg/sub/__main__.py": "from pkg import run\nrun()\n"},
    "the project's own client used by two modules": {
        "pkg/__init__.py": "from pkg import a, b\n",
        "pkg/api.py": "class ShopClient:\n    def get(self, path):\n        return path\n",
        "pkg/a.py": "import requests\nfrom pkg.api import ShopClient\nc = ShopClient()\nprint(requests, c)\n",
        "pkg/b.py": "import requests\nfrom pkg.api import ShopClient\nc = ShopClient()\nprint(requests, c)\n"},
}


@pytest.mark.parametrize("case", sorted(LIVE_BY_CONVENTION))
def test_live_by_convention_is_not_reported(tmp_path: Path, case: str) -> None:
    write_tree(tmp_path, LIVE_BY_CONVENTION[case])
    result = find_leftovers(Workspace(load_config(tmp_path)), limit=100)
    assert result.leftovers == [], [(i.kind, i.path, i.symbol) for i in result.leftovers]


def test_an_unused_public_function_is_a_lead_a_private_one_a_verdict(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/__init__.py": "from pkg.core import used\n",
                          "pkg/core.py": ("def used():\n    return 1\n\n\ndef spare():\n    return 2\n\n\n"
                                          "def _spare():\n    return 3\n\n\ndef old():\n"
                                          "    warnings.warn('use used()', DeprecationWarning)\n    return 4\n")})
    found = find_leftovers(Workspace(load_config(tmp_path)), options=LeftoversOptions(min_confidence=0)).leftovers
    assert [(i.kind, i.symbol, i.confidence) for i in found] == [("dead", "_spare", 90), ("dead", "spare", 40)]


def test_review_leaves_unreachable_lines_the_base_already_had(tmp_path: Path) -> None:
    from pattern_warden.delta.review import review_change

    root = _repo(tmp_path)
    old = '\n\ndef stop() -> None:\n    raise SystemExit(0)\n    print("never")\n'
    service = root / "shop/service.py"
    service.write_text(service.read_text() + old)
    from tests.conftest import git

    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "an old unreachable line")
    service.write_text(service.read_text() + '\n\ndef shout(name: str) -> str:\n    return greeting(name).upper()\n'
                       '    print("never either")\n')
    found = {(i.kind, i.line) for i in review_change(Workspace(load_config(root))).leftovers}
    text = service.read_text().splitlines()
    assert found == {("dead", text.index('    print("never either")') + 1)}


def test_code_after_an_endless_loop_is_unreachable_unless_the_loop_breaks(tmp_path: Path) -> None:
    (tmp_path / "serve.py").write_text(
        "def serve(queue):\n"
        "    while True:\n"
        "        item = queue.get()\n"
        "        for part in item:\n"
        "            if part is None:\n"
        "                break  # leaves the inner loop only\n"
        "    queue.close()\n"
        "\n\n"
        "def drain(queue):\n"
        "    while True:\n"
        "        if queue.empty():\n"
        "            break\n"
        "    queue.close()\n",
        encoding="utf-8")
    found = find_leftovers(Workspace(load_config(tmp_path)), options=LeftoversOptions(min_confidence=0)).leftovers
    dead_lines = [(f.path, f.line) for f in found if f.kind == "dead" and f.symbol is None]
    assert dead_lines == [("serve.py", 7)]
    assert "the endless loop on line 2" in next(f.reason for f in found if f.line == 7)


def test_review_leaves_an_old_attempt_at_a_module_the_change_edits_alone(tmp_path: Path) -> None:
    # gates-agent7 task 082: the stop blamed an untouched old file as "an attempt at" the module
    # the agent extended; the attempt was there before the session, and it is not the agent's
    from pattern_warden.delta.review import review_change

    root = _repo(tmp_path)
    client = root / "shop/client.py"
    client.write_text(client.read_text().replace("timeout=5", "timeout=7"))
    review = review_change(Workspace(load_config(root)))
    assert not [i for i in review.leftovers if i.path == "shop/client_v2.py"], review.leftovers
    assert "max-leftovers" not in review.failed


DEAD_BLOCK = '''"""Fees."""


def fee(amount: float) -> float:
    """The fee of a trade."""
    raise RuntimeError("removed: fees come from the exchange now")
    # kept for reference during the migration
    rate = 0.001
    minimum = 0.5
    return max(amount * rate, minimum)
'''


def test_review_leaves_an_old_dead_block_whose_line_the_change_edits(tmp_path: Path) -> None:
    # gates-agent7 task 161: a default changed everywhere, one line of it inside a block kept dead on purpose
    from pattern_warden.delta.review import review_change
    from tests.conftest import git

    write_tree(tmp_path, {"fees.py": DEAD_BLOCK})
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    (tmp_path / "fees.py").write_text(DEAD_BLOCK.replace("rate = 0.001", "rate = 0.002"))
    assert not [i for i in review_change(Workspace(load_config(tmp_path))).leftovers if i.kind == "dead"]
    # a new raise in front of live code makes new dead code: the change's
    live = DEAD_BLOCK.replace('    raise RuntimeError("removed: fees come from the exchange now")\n', "")
    (tmp_path / "fees.py").write_text(live)
    git(tmp_path, "commit", "-qam", "live")
    (tmp_path / "fees.py").write_text(live.replace('    """The fee of a trade."""\n',
                                                   '    """The fee of a trade."""\n    raise RuntimeError("fees are off")\n'))
    dead = [i for i in review_change(Workspace(load_config(tmp_path))).leftovers if i.kind == "dead"]
    assert dead and dead[0].path == "fees.py", dead
