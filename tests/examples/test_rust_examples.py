"""The library's Rust examples, compiled with cargo offline against Debian's packaged crates.

Debian ships crate sources as ``librust-<name>-dev`` under /usr/share/cargo/registry; a cargo
source replacement points crates.io there, so nothing is downloaded. A ``<!-- run: cargo -->``
block becomes the ``lib.rs`` of a fresh crate whose dependencies are the crates it ``use``s.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.example_blocks import Block, blocks_run_by
from tests.test_pattern_library import LIBRARY

pytestmark = pytest.mark.examples
DEBIAN_REGISTRY = Path("/usr/share/cargo/registry")
BLOCKS = blocks_run_by("run: cargo", LIBRARY)
BUILTIN_CRATES = {"std", "core", "alloc", "crate", "self", "super"}
BUILD_TIMEOUT = 600


def _crates(code: str) -> list[str]:
    """The external crates a block names in ``use`` lines or paths such as ``tokio::spawn``."""
    names = set(re.findall(r"^\s*use\s+([a-z_][a-z0-9_]*)::", code, re.MULTILINE))
    return sorted(names - BUILTIN_CRATES)


def _packaged(crate: str) -> bool:
    return any(DEBIAN_REGISTRY.glob(f"{crate.replace('_', '-')}-[0-9]*"))


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.name)
def test_rust_example_compiles_offline(block: Block, tmp_path: Path) -> None:
    cargo = shutil.which("cargo")
    if cargo is None:
        pytest.skip("cargo not found: apt-get install cargo")
    missing = [c for c in _crates(block.code) if not _packaged(c)]
    if missing:
        packages = " ".join(f"librust-{c.replace('_', '-')}-dev" for c in missing)
        pytest.skip(f"crates {missing} not in {DEBIAN_REGISTRY}: apt-get install {packages}")
    dependencies = "".join(f'{c.replace("_", "-")} = "*"\n' for c in _crates(block.code))
    (tmp_path / "Cargo.toml").write_text(
        f'[package]\nname = "example"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n{dependencies}',
        encoding="utf-8",
    )
    (tmp_path / ".cargo").mkdir()
    (tmp_path / ".cargo" / "config.toml").write_text(
        f'[source.crates-io]\nreplace-with = "debian"\n\n[source.debian]\ndirectory = "{DEBIAN_REGISTRY}"\n\n'
        "[net]\noffline = true\n",
        encoding="utf-8",
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lib.rs").write_text(block.code, encoding="utf-8")
    done = subprocess.run([cargo, "build", "--offline", "--quiet"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT, env={**os.environ, "CARGO_TARGET_DIR": str(tmp_path / "target")})
    assert done.returncode == 0, done.stderr[-3000:]

