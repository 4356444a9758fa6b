"""Every fenced block of the library is run, compiled, or carries a reason that a test checks.

tests/example_blocks.py explains the markers. This module holds the library to them: a block
with no marker fails unless it is Python (every Python block is compiled, its imports checked,
by test_pattern_library); a runner marker must suit the block's language; a reason is checked
in its own way (shell is parsed by ``bash -n``, TOML and YAML are parsed and held to the keys
their tool knows, a Dockerfile to its instructions, a sketch must say what it lacks).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib

import pytest
import yaml

from tests.example_blocks import REASONS, RUNNERS, Block, document_blocks, library_blocks
from tests.test_pattern_library import LIBRARY

BLOCKS = library_blocks(LIBRARY)
SHELLS = {"bash", "sh", "shell"}
# Top-level tables of the two TOML files the library shows: pyproject.toml and Cargo.toml.
TOML_TABLES = {"project", "build-system", "tool", "dependency-groups",
               "package", "workspace", "dependencies", "dev-dependencies", "profile", "features", "lib", "bin", "bench"}
PROBE_HANDLERS = {"httpGet", "tcpSocket", "exec", "grpc"}
PROBE_FIELDS = PROBE_HANDLERS | {"initialDelaySeconds", "periodSeconds", "timeoutSeconds", "successThreshold",
                                 "failureThreshold", "terminationGracePeriodSeconds"}
DOCKERFILE_INSTRUCTIONS = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
                           "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}


def test_every_block_is_run_compiled_or_has_a_reason() -> None:
    unaccounted = [b.name for b in BLOCKS if b.marker is None and b.lang != "python"]
    assert not unaccounted, f"mark these blocks <!-- run... --> or <!-- example: KIND -->: {unaccounted}"


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.marker and b.marker.startswith("run")], ids=lambda b: b.name)
def test_a_runner_suits_its_block(block: Block) -> None:
    assert block.marker in RUNNERS, f"unknown runner {block.marker!r}; known: {sorted(RUNNERS)}"
    assert block.lang in RUNNERS[block.marker], f"{block.marker} runs {sorted(RUNNERS[block.marker])}, not {block.lang}"


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.reason], ids=lambda b: b.name)
def test_a_stated_reason_holds(block: Block) -> None:
    kind = block.reason
    assert kind in REASONS, f"unknown reason {kind!r}; known: {sorted(REASONS)}"
    if kind == "sketch":
        assert block.marker.count(":") >= 2, "a sketch says what it lacks: <!-- example: sketch: NOTE -->"
    if kind == "transcript":
        assert block.lang in SHELLS, "a transcript is shell"
    if kind == "config":
        assert block.lang in {"toml", "yaml"}, "config fragments are TOML or YAML"
    if kind == "dockerfile":
        assert block.lang == "dockerfile"
    if kind == "anti-pattern":
        assert block.section == "Not this", "anti-patterns live in 'Not this'"
    checker = {"toml": _check_toml, "yaml": _check_yaml, "dockerfile": _check_dockerfile}.get(block.lang)
    if block.lang in SHELLS:
        checker = _check_shell
    if checker is not None:
        checker(block)


def _check_shell(block: Block) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash not found")
    done = subprocess.run([bash, "-n"], input=block.code, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def _check_toml(block: Block) -> None:
    document = tomllib.loads(block.code)
    unknown = set(document) - TOML_TABLES
    assert not unknown, f"tables no pyproject.toml or Cargo.toml has: {unknown}"
    tool = document.get("tool", {})
    if "uv" in tool and block.reason == "config":
        assert set(tool["uv"]) <= {"workspace", "sources", "index", "dev-dependencies", "pip",
                                   "required-version", "package", "managed"}, tool["uv"]
        assert set(tool["uv"].get("workspace", {})) <= {"members", "exclude"}, "uv's workspace takes members, exclude"


def _check_yaml(block: Block) -> None:
    document = yaml.safe_load(block.code)
    if block.reason != "config":
        return
    assert isinstance(document, dict)
    if "jobs" in document:  # a GitHub Actions workflow
        assert {"on", True} & set(document), "a workflow names its triggers (on:)"  # YAML 1.1 reads on as True
        for name, job in document["jobs"].items():
            assert "runs-on" in job and job["steps"], f"job {name} needs runs-on and steps"
            for step in job["steps"]:
                assert ("uses" in step) != ("run" in step), f"a step of {name} either uses an action or runs"
    else:  # Kubernetes container probes
        for name, probe in document.items():
            assert name.endswith("Probe"), f"{name} is not a container probe"
            assert len(PROBE_HANDLERS & set(probe)) == 1 and set(probe) <= PROBE_FIELDS, f"{name}: {sorted(probe)}"


def _check_dockerfile(block: Block) -> None:
    text = re.sub(r"\\\n", " ", block.code)
    for line in text.splitlines():
        word = line.strip().split(" ", 1)[0]
        if word and not word.startswith("#"):
            assert word.upper() in DOCKERFILE_INSTRUCTIONS, f"not a Dockerfile instruction: {line.strip()}"


def test_markers_are_read_from_the_line_before_the_fence() -> None:
    body = "## Do this\n\n<!-- example: transcript -->\n```bash\nls\n```\n\nText.\n```bash\nls\n```\n"
    first, second = document_blocks("d", body)
    assert (first.marker, first.reason) == ("example: transcript", "transcript")
    assert second.marker is None
