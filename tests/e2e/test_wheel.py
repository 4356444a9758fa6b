"""A wheel built from the checkout, installed into a fresh venv, serves the bundled documents."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_wheel_serves_the_same_documents_as_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(dist.glob("pattern_warden-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # Our dependencies come from the test environment (a .pth line adds its site-packages
    # without running its .pth files, so the checkout's editable install is not seen).
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()
    Path(purelib, "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
        capture_output=True, text=True, timeout=600,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    # Run from an empty folder so the checkout cannot be found by accident.
    listed = subprocess.run(
        [str(venv / "bin" / "pattern-warden"), "patterns", "list", "--format", "json"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert listed.returncode == 0, listed.stderr
    from_wheel = json.loads(listed.stdout)
    where = subprocess.run(
        [str(python), "-c", "import pattern_warden, pathlib; print(pathlib.Path(pattern_warden.__file__).parent)"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    ).stdout.strip()
    assert "site-packages" in where and str(REPO) not in where
    from pattern_warden.patterns.library import PatternLibrary

    checkout = PatternLibrary.load([]).index().model_dump(mode="json")
    assert [p["id"] for p in from_wheel["patterns"]] == [p["id"] for p in checkout["patterns"]]
    assert from_wheel == checkout
