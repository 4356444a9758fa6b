"""The clone tools through the SDK's in-memory client, and `pattern-warden dupes` as a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from mcp import Client

from pattern_warden.config import load_config
from pattern_warden.server import build_server
from tests.conftest import console_script
from tests.test_clones import BLOCK, LOADER, LOADER_CHANGED, LOADER_RENAMED, UNRELATED, write


def make_tree(root: Path) -> None:
    write(root, "pkg/a.py", LOADER, UNRELATED)
    write(root, "pkg/b.py", LOADER_RENAMED)
    write(root, "other/c.py", BLOCK.replace("\n    ", "\ndef poll():\n    ", 1), LOADER_CHANGED)
    write(root, "other/d.py", BLOCK.replace("\n    ", "\ndef probe():\n    ", 1))


async def test_find_duplicates_tool_pages_and_explains(project: Path) -> None:
    make_tree(project)
    async with Client(build_server(load_config(project))) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["find_duplicates"].output_schema and tools["find_similar"].output_schema
        assert tools["find_duplicates"].annotations.read_only_hint is True
        first = await client.call_tool("find_duplicates", {"limit": 1})
        assert not first.is_error
        data = first.structured_content
        assert data["summary"]["clone_classes"] == data["page"]["total"] >= 2
        assert len(data["clones"]) == 1 and data["page"]["next_cursor"]
        clone = data["clones"][0]
        assert clone["pattern_uri"] == "warden://patterns/consolidation-decision-tree"
        linked = await client.read_resource(clone["pattern_uri"])  # the link leads to a real document
        assert "consolidation-decision-tree" in linked.contents[0].text
        assert clone["recommendation"]["action"] in {"consolidate", "extract", "leave"}
        rest = await client.call_tool("find_duplicates", {"limit": 50, "cursor": data["page"]["next_cursor"]})
        kinds = {c["kind"] for c in [clone, *rest.structured_content["clones"]]}
        assert kinds == {"similar", "exact"}  # the renamed pair and its changed copy are one family
        only = await client.call_tool("find_duplicates", {"paths": ["pkg"], "kinds": ["renamed"]})
        assert [c["kind"] for c in only.structured_content["clones"]] == ["renamed"]
        bad = await client.call_tool("find_duplicates", {"paths": ["/etc"]})
        assert bad.is_error and "outside the root" in bad.content[0].text
        bad = await client.call_tool("find_duplicates", {"min_lines": 0})
        assert bad.is_error and "`min_lines` must be an integer from 2 to 1000; got 0" in bad.content[0].text


async def test_find_similar_tool(project: Path) -> None:
    make_tree(project)
    async with Client(build_server(load_config(project))) as client:
        found = await client.call_tool("find_similar", {"code": textwrap.dedent(LOADER), "limit": 3})
        assert not found.is_error
        matches = found.structured_content["matches"]
        assert matches[0]["similarity"] == 1.0 and matches[0]["function"] in {"load_totals", "size_of"}
        assert found.structured_content["pattern_uri"] == "warden://patterns/search-before-writing"
        assert (await client.read_resource("warden://patterns/search-before-writing")).contents[0].text
        named = await client.call_tool("find_similar", {"path": "pkg/b.py", "symbol": "size_of"})
        assert named.structured_content["matches"][0]["function"] == "load_totals"
        missing = await client.call_tool("find_similar", {"path": "pkg/b.py", "symbol": "nope"})
        assert missing.is_error and "No function or method named 'nope'" in missing.content[0].text
        outside = await client.call_tool("find_similar", {"path": "../x.py", "symbol": "f"})
        assert outside.is_error and "outside the root" in outside.content[0].text


async def test_find_similar_tool_leaves_tests_out_unless_asked(project: Path) -> None:
    make_tree(project)
    write(project, "tests/test_loader.py", LOADER.replace("load_totals", "copied_in_a_test"))
    async with Client(build_server(load_config(project))) as client:
        plain = await client.call_tool("find_similar", {"code": textwrap.dedent(LOADER), "limit": 10})
        assert "copied_in_a_test" not in {m["function"] for m in plain.structured_content["matches"]}
        asked = await client.call_tool("find_similar", {"code": textwrap.dedent(LOADER), "limit": 10,
                                                        "include_tests": True})
        assert "copied_in_a_test" in {m["function"] for m in asked.structured_content["matches"]}
        tiny = await client.call_tool("find_similar", {"code": "x = 1\n"})
        assert tiny.structured_content["advice"] is None and tiny.structured_content["matches"] == []


def dupes(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*console_script(), "dupes", "--root", str(root), *args],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.slow  # seven CLI processes over a real tree (15+ s)
def test_cli_text_json_sarif_threshold_and_cache(project: Path) -> None:
    make_tree(project)
    text = dupes(project, "pkg")
    assert text.returncode == 0, text.stderr
    head, *rows = text.stdout.splitlines()
    assert re.match(r"1 clone families \(1 consolidate\); 20 of 25 code lines duplicated \(80\.00%\) in 2 files",
                    head)
    assert rows[0] == "#1 consolidate -> pkg/a.py | renamed 100%, 2 x 10 lines, saves ~8"  # body lines only
    assert rows[1] == '  differs: string "#"|";"; literal 0|10; name path|filename, limit|cap, total|count +2'
    assert rows[2].startswith("  why: 2 copies in one package; write one helper taking 2 parameter(s)")
    assert rows[3:] == ["  pkg/a.py:1-10 load_totals", "  pkg/b.py:1-10 size_of"]
    assert list((project / ".pattern-warden-cache").glob("shapes-*.pwc"))
    assert dupes(project, "pkg", "--threshold", "79.9").returncode == 1
    assert dupes(project, "pkg", "--threshold", "80").returncode == 0

    as_json = json.loads(dupes(project, "--format", "json").stdout)
    assert as_json["summary"]["files"] == 4 and as_json["clones"]
    sarif = json.loads(dupes(project, "--format", "sarif", "--no-cache").stdout)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert len(results) == len(as_json["clones"])
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1

    for args in (("/etc",), ("--min-lines", "1"), ("--kinds", "fuzzy"), ("--min-similarity", "7")):
        done = dupes(project, *args)
        assert done.returncode == 2, args
        assert len(done.stderr.strip().splitlines()) == 1 and "error" in done.stderr


def test_cli_without_cache_writes_nothing(project: Path) -> None:
    make_tree(project)
    assert dupes(project, "--no-cache").returncode == 0
    assert not (project / ".pattern-warden-cache").exists()


def test_cli_warm_run_after_a_change_matches_a_fresh_run(project: Path) -> None:
    make_tree(project)
    assert dupes(project, "--format", "json").returncode == 0
    assert list((project / ".pattern-warden-cache").glob("warm-*.pwc"))
    write(project, "pkg/b.py", LOADER_CHANGED)
    warm = dupes(project, "--format", "json")
    fresh = dupes(project, "--format", "json", "--no-cache")
    assert warm.returncode == fresh.returncode == 0
    assert json.loads(warm.stdout) == json.loads(fresh.stdout)


def test_cli_cache_cannot_lead_outside_the_root(project: Path, tmp_path: Path) -> None:
    """A planted cache naming files outside the root is not trusted: the sandbox decides."""
    import marshal

    from pattern_warden.clones.persist import WARM_KIND, warm_key
    from pattern_warden.config import load_config
    from pattern_warden.diskcache import DiskCache
    from pattern_warden.workspace import Workspace

    make_tree(project)
    secret = tmp_path / "secret.py"
    write(tmp_path, "secret.py", LOADER)
    walk = ([f"../{secret.name}", "pkg/a.py"], [], False, {".": None}, 9e12)
    planted = {"tree": {"walks": {".": walk}, "digests": {}}, "memo": []}  # a well-formed, checksummed entry
    assert DiskCache(project).put(WARM_KIND, warm_key(Workspace(load_config(project))), marshal.dumps(planted))
    done = dupes(project, "--format", "json")
    assert done.returncode == 0
    assert "secret" not in done.stdout
    assert json.loads(done.stdout)["summary"]["files"] == 4
