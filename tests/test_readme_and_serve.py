"""What a new user reads and types stays true: the README's facts, client lines, --help and serve."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from mcp import Client

from pattern_warden.config import load_config
from pattern_warden.rules.registry import ALL_RULES, FAMILIES
from pattern_warden.server import build_server
from pattern_warden.transports import DEFAULT_PORTS
from tests.conftest import REPO, console_script
from tests.e2e.servers import free_port

README = (REPO / "README.md").read_text(encoding="utf-8")
CLIENTS = (REPO / "docs" / "clients.md").read_text(encoding="utf-8")
_NUMBERS = {"seven": 7, "eight": 8, "nine": 9, "ten": 10}


def readme_commands() -> list[str]:
    """The two commands as .ci/run extracts them (its own awk line, run for real)."""
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    awk = re.search(r"awk '([^']+)' README\.md", ci)
    assert awk, ".ci/run must extract the README's commands with awk"
    done = subprocess.run(["awk", awk.group(1), "README.md"], cwd=REPO, capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_first_block_is_two_commands_that_make_and_use_a_venv() -> None:
    first, second = readme_commands()
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block and block.group(1).splitlines() == [first, second]
    assert first.startswith("python3 -m venv .venv && ") and first.endswith(".venv/bin/pattern-warden review .")
    assert "pip install" in second and second.endswith(".venv/bin/python -m pytest")
    assert "bin/activate" not in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_client_lines_name_a_path_that_works_from_any_shell() -> None:
    for text in (README, CLIENTS):
        for line in re.findall(r"^claude mcp add (?!--transport).*$", text, re.M):
            command = line.split(" -- ", 1)[1]
            assert command.startswith(('"$PWD/.venv/bin/pattern-warden"', '"$(command -v pattern-warden)"',
                                       "/", "uvx --from ")), line
        for command in re.findall(r'"command": "([^"]+)"', text):
            assert command.startswith("/"), command
        assert not re.search(r"uvx (?!--from)", text.replace("`uvx`", "")), "uvx works only with --from until released"


def test_rule_counts_and_families_match_the_registry() -> None:
    said = re.search(r"against (\d+) rules\s+with\s+stable codes in (\w+) families \(([^)]*)\)", README)
    assert said, "the Rule checks section states the rule and family counts"
    assert int(said.group(1)) == len(ALL_RULES)
    assert _NUMBERS[said.group(2)] == len(FAMILIES)
    assert {f.strip() for f in said.group(3).split(",")} == set(FAMILIES)


def test_opt_in_rules_are_named_as_the_registry_has_them() -> None:
    said = re.search(r"(\d+) of them run by default; (\d+) are opt-in.*?below 90%: ([A-Z0-9,\s]+)\.", README, re.S)
    assert said, "the Rule checks section names the opt-in rules"
    opt_in = [r.code for r in ALL_RULES if not r.default_on]
    assert (int(said.group(1)), int(said.group(2))) == (len(ALL_RULES) - len(opt_in), len(opt_in))
    assert [c.strip() for c in said.group(3).split(",")] == opt_in


def test_the_plugin_and_claude_mcp_add_are_offered_as_alternatives() -> None:
    plugin = README.split("### Claude Code plugin", 1)[1]
    assert "**Pick one:**" in plugin and "claude mcp remove pattern-warden" in plugin


async def test_tool_arguments_and_resource_templates_match_the_server(project: Path) -> None:
    async with Client(build_server(load_config(project))) as client:
        schemas = {t.name: t.input_schema.get("properties", {}) for t in (await client.list_tools()).tools}
        tools = {name: set(props) for name, props in schemas.items()}
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
    calls = 0
    for row in (line for line in README.splitlines() if line.startswith("|")):
        for name, args in re.findall(r"`(\w+)\(([^`]*)\)`", row.replace("\\|", "|")):
            if name not in tools:
                continue
            for part in re.split(r"[,|+]", args):
                arg, _, default = (piece.strip() for piece in part.partition("="))
                arg = arg.rstrip("?")
                if arg and arg != "...":
                    calls += 1
                    assert arg in tools[name], f"README names {name}({arg}); the server's arguments: {tools[name]}"
                if default:  # a default the README states is the one the server applies
                    assert json.dumps(schemas[name][arg].get("default")) == default, f"{name}({arg}={default})"
        for uri in re.findall(r"`(warden://[^`]*\{[^`]*)`", row):
            assert uri in templates, f"README presents {uri} as a template; the server's: {templates}"
    assert calls >= 10, "the README's tool tables were not found"


def test_help_shows_the_common_options() -> None:
    done = subprocess.run([*console_script(), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    for option in ("--root", "--patterns-dir", "serve", "hook", "--transport", "--port"):
        assert option in done.stdout, option


def test_documented_ports_are_the_defaults() -> None:
    for text in (README, CLIENTS):
        for transport, port in re.findall(r"--transport (sse|streamable-http) --port (\d+)", text):
            assert int(port) == DEFAULT_PORTS[transport], (transport, port)
        for transport, port in re.findall(r"--transport (sse|http) pattern-warden http://127\.0\.0\.1:(\d+)", text):
            assert int(port) == DEFAULT_PORTS["sse" if transport == "sse" else "streamable-http"]


def test_serve_says_where_it_listens_and_how_to_connect(project: Path) -> None:
    port = free_port()
    command = [*console_script(), "serve", "--transport", "streamable-http", "--port", str(port), "--root", str(project)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stderr.readline()
        second = process.stderr.readline()
    finally:
        process.terminate()
        process.wait(timeout=30)
    url = f"http://127.0.0.1:{port}/mcp"
    assert f"at {url} (root {project.resolve()})" in first
    assert second.strip() == f"connect: claude mcp add --transport http pattern-warden {url}"
