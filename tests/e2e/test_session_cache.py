"""New sessions start warm: real servers (stdio subprocesses and in-memory) sharing one cache."""

from __future__ import annotations

import json
import shutil
import os
import subprocess
import sysconfig
import threading
import time
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.server.mcpserver.exceptions import ToolError

from pattern_warden.app import Warden
from pattern_warden.clones.similar import find_similar
from pattern_warden.config import Config, Limits, Settings, load_config
from pattern_warden.diskcache import CACHE_DIR, _unwrap, user_key
from pattern_warden.server import build_server
from tests.conftest import console_script

STDLIB = Path(sysconfig.get_paths()["stdlib"])
DRAFT = "def read_all(path):\n    with open(path) as handle:\n        return handle.read()\n"


def real_tree(root: Path) -> Path:
    """A few real packages we did not write (from the standard library), copied so they can change."""
    for package in ("json", "email", "http"):
        shutil.copytree(STDLIB / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def stdio(root: Path, *extra: str) -> Client:
    command = console_script()
    # The SDK hands a stdio server only a few safe variables; the user's cache directory (which
    # holds the key the entries are signed with) must be the test's, so the environment goes whole.
    return Client(StdioServerParameters(command=command[0], args=[*command[1:], "--root", str(root), *extra],
                                        env=dict(os.environ)))


async def status(client: Client) -> dict:
    return json.loads((await client.read_resource("warden://server/status")).contents[0].text)


async def answers(client: Client) -> dict[str, object]:
    """The four first calls of a session, as comparable data."""
    rules = await client.call_tool("check_rules", {"paths": ["."], "limit": 500})
    dupes = await client.call_tool("find_duplicates", {"limit": 200})
    similar = await client.call_tool("find_similar", {"code": DRAFT})
    for result in (rules, dupes, similar):
        assert not result.is_error, result.content[0].text
    return {
        "rules": sorted((f["path"], f["line"], f["code"]) for f in rules.structured_content["findings"]),
        "rules_from_cache": rules.structured_content["summary"]["files_from_cache"],
        "by_rule": {r["code"]: r["count"] for r in rules.structured_content["summary"]["by_rule"]},
        "dupes": [[(loc["path"], loc["start_line"]) for loc in c["locations"]]
                  for c in dupes.structured_content["clones"]],
        "similar": [(m["path"], m["function"]) for m in similar.structured_content["matches"]],
    }


async def until_ready(client: Client, seconds: float = 60) -> dict:
    started = time.monotonic()
    while (now := await status(client))["ready_s"] is None:
        assert time.monotonic() - started < seconds, now["warmup"]
        await anyio.sleep(0.1)
    return now


def every_entry_is_whole(root: Path) -> int:
    files = list((root / CACHE_DIR).glob("*.pwc"))
    for path in files:
        assert not path.name.startswith(".tmp-"), f"a temporary file was left: {path.name}"
        assert _unwrap(user_key(root), path.name.removesuffix(".pwc"), path.read_bytes()) is not None, f"{path.name} is torn"
    return len(files)


@pytest.mark.slow
async def test_second_session_answers_from_the_cache_and_agrees(tmp_path: Path) -> None:
    root = real_tree(tmp_path / "proj")
    async with stdio(root) as client:
        first = await answers(client)
        await until_ready(client)
    assert every_entry_is_whole(root) >= 3
    async with stdio(root) as client:
        ready = await until_ready(client)
        assert all(state.startswith("ready") for state in ready["warmup"].values()), ready["warmup"]
        second = await answers(client)
    files = len(list(root.rglob("*.py")))
    assert second.pop("rules_from_cache") == files and first.pop("rules_from_cache") in (0, files)
    assert second == first
    async with stdio(root, "--no-cache") as client:
        assert (await status(client))["cache_dir"] == "off"
        fresh = await answers(client)
    fresh.pop("rules_from_cache")
    assert fresh == first


@pytest.mark.slow
async def test_a_changed_rule_set_changes_the_next_sessions_answer(tmp_path: Path) -> None:
    root = real_tree(tmp_path / "proj")
    async with stdio(root) as client:
        before = (await answers(client))["by_rule"]
    dropped = max(before, key=before.__getitem__)
    (root / "pyproject.toml").write_text(f'[tool.pattern-warden.rules]\nignore = ["{dropped}"]\n')
    async with stdio(root) as client:
        after = await answers(client)
    assert len(list((root / CACHE_DIR).glob("rules-*.pwc"))) == 2  # the new rule set got its own entry
    assert after["by_rule"] == {code: n for code, n in before.items() if code != dropped}


@pytest.mark.slow
async def test_two_servers_and_a_cli_at_once_leave_a_whole_cache(tmp_path: Path) -> None:
    """Real processes: two stdio servers and two CLI runs warm up, answer and save on one root."""
    root = real_tree(tmp_path / "proj")
    results: list[dict[str, object]] = []

    async def session() -> None:
        async with stdio(root) as client:
            results.append(await answers(client))
            await until_ready(client)

    cli = [subprocess.Popen([*console_script(), command, ".", "--root", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for command in ("check", "dupes")]
    async with anyio.create_task_group() as group:
        group.start_soon(session)
        group.start_soon(session)
    for process in cli:
        assert process.wait(timeout=120) in (0, 1), process.stderr.read()
    assert every_entry_is_whole(root) >= 3
    for result in results:
        result.pop("rules_from_cache")
    assert results[0] == results[1]
    async with stdio(root) as client:
        await until_ready(client)
        third = await answers(client)
    assert third.pop("rules_from_cache") == len(list(root.rglob("*.py")))
    assert third == results[0]


async def test_a_call_before_ready_waits_for_the_warm_up_instead_of_building_twice(tmp_path: Path) -> None:
    root = real_tree(tmp_path / "proj")
    warden = Warden(load_config(root))
    warden.warmup.start()
    try:
        result = await warden.run(find_similar, warden.workspace, code=DRAFT)
        assert result.searched_functions > 100
        assert warden.warmup.progress["similar"].startswith("ready")
        assert warden.shapes.misses == len(list(root.rglob("*.py")))  # each file tokenized once
    finally:
        warden.warmup.stop()


async def test_warm_up_does_not_delay_answers_and_stops_with_the_client() -> None:
    """On the standard library (minutes of cold work here) tools/list and status answer at once,
    and the warm-up stops when the session ends."""
    config = Config(root=STDLIB)  # no disk cache: nothing is written into the interpreter's folder
    async with Client(build_server(config, warm_up=True)) as client:
        started = time.monotonic()
        tools = await client.list_tools()
        now = await status(client)
        assert time.monotonic() - started < 2.0 and tools.tools
        assert now["ready_s"] is None and "building" in now["warmup"].values(), now["warmup"]
        assert now["cache_dir"] == "off"
    # The lifespan's exit joined the warm-up thread: nothing named for it is left running.
    assert not [t for t in threading.enumerate() if t.name == "pattern-warden-warmup" and t.is_alive()]



async def test_waiting_for_the_warm_up_is_bounded_by_the_calls_budget() -> None:
    """A call that waits for an index still being built gets the budget error, not an endless wait."""
    config = Config(root=STDLIB, settings=Settings(limits=Limits(call_timeout_s=0.5)))
    warden = Warden(config)  # no disk cache: nothing is written into the interpreter's folder
    warden.warmup.start()
    try:
        started = time.monotonic()
        with pytest.raises(ToolError, match="budget"):
            await warden.run(find_similar, warden.workspace, code=DRAFT)
        assert time.monotonic() - started < 3
        assert warden.running == 0 and warden.warmup.progress["similar"] == "building"
    finally:
        warden.warmup.stop()
