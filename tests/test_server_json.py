"""server.json is valid against the registry's schema and matches the package version."""

from __future__ import annotations

import json

import jsonschema
import pytest

from pattern_warden import __version__
from tests.conftest import REPO, SHARED

#: The registry's schema, beside the checkout (or beside the folder of worktrees that holds it).
SCHEMA = next((folder / "shared" / "schemas" / "server.schema.json" for folder in (SHARED.parent, *SHARED.parent.parents)
               if (folder / "shared" / "schemas" / "server.schema.json").is_file()),
              SHARED / "schemas" / "server.schema.json")


def test_server_json_is_valid_against_registry_schema() -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"the registry schema is not beside the checkout ({SCHEMA})")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document = json.loads((REPO / "server.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())


def test_server_json_version_and_entries() -> None:
    document = json.loads((REPO / "server.json").read_text(encoding="utf-8"))
    assert document["name"] == "io.github.pattern-warden/pattern-warden"
    assert document["version"] == __version__
    transports = {p["transport"]["type"]: p for p in document["packages"]}
    assert transports["stdio"]["runtimeHint"] == "uvx"
    assert transports["stdio"]["registryType"] == "pypi"
    assert all(p["version"] == __version__ for p in document["packages"])
    assert transports["streamable-http"]["transport"]["url"].endswith("/mcp")


def test_package_version_matches_pyproject() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == __version__
