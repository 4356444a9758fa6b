"""Shared fixtures: real folders, real git repositories, real servers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pattern_warden.config import Config, load_config
from pattern_warden.patterns.library import PatternLibrary

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` with a fixed identity, returning stdout."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    """Create ``files`` (relative path -> text or bytes) below ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.fixture(autouse=True)
def _own_cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hook sessions and fallback caches live under the user's cache directory: each test gets its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder to fill per test."""
    root = tmp_path / "project"
    root.mkdir()
    return root


@pytest.fixture
def git_project(project: Path) -> Path:
    """A git repository with one commit."""
    git(project, "init", "-q", "-b", "main")
    (project / "README.md").write_text("hello\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "init")
    return project


@pytest.fixture
def config(project: Path) -> Config:
    return load_config(project)


@pytest.fixture(scope="session")
def library() -> PatternLibrary:
    return PatternLibrary.load([])


def console_script() -> list[str]:
    """The installed ``pattern-warden`` command, or ``python -m pattern_warden`` as a fallback."""
    found = shutil.which("pattern-warden", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "pattern_warden"]
