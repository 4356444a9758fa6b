"""The shared persistent cache: checked entries, atomic replacement, LRU bound, fallbacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pattern_warden.diskcache import CACHE_DIR, DiskCache, user_cache_dir
from tests.conftest import console_script, git, write_tree

BAD_CODE = "def f(seen=[]):\n    seen.append(1)\n    return seen\n"  # ERR001, on by default


def entries(root: Path, kind: str) -> list[Path]:
    return sorted((root / CACHE_DIR).glob(f"{kind}-*.pwc"))


def check(root: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*console_script(), "check", str(root), "--root", str(root), "--format", "json", *extra],
                          capture_output=True, text=True, env=env, timeout=120)


def codes(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode in (0, 1), done.stderr
    return sorted(f["code"] for f in json.loads(done.stdout)["findings"])


def test_round_trip_and_the_folder_is_marked(project: Path) -> None:
    cache = DiskCache(project)
    assert cache.put("demo", "k1", b"payload") and cache.get("demo", "k1") == b"payload"
    assert (project / CACHE_DIR / ".gitignore").read_text() == "*\n"
    assert (project / CACHE_DIR / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert DiskCache(project).get("demo", "k2") is None


@pytest.mark.parametrize("damage", ["flip", "truncate", "foreign", "garbage"])
def test_corrupt_or_foreign_entries_are_misses_and_the_rebuilt_entry_replaces_them(project: Path, damage: str) -> None:
    cache = DiskCache(project)
    cache.put("demo", "a", b"x" * 1000)
    cache.put("demo", "b", b"y" * 1000)
    path_a, path_b = entries(project, "demo")
    if damage == "flip":
        data = bytearray(path_a.read_bytes())
        data[-10] ^= 1
        path_a.write_bytes(bytes(data))
    elif damage == "truncate":
        path_a.write_bytes(path_a.read_bytes()[:500])
    elif damage == "foreign":  # a valid entry, but of another key: its checksum covers its name
        path_a.write_bytes(path_b.read_bytes())
    else:
        path_a.write_bytes(b"\x80\x04not a cache entry at all")
    fresh = DiskCache(project)
    key_a = "a" if path_a.name.endswith("-a.pwc") else "b"
    assert fresh.get("demo", key_a) is None and fresh.rejected == 1
    assert path_a.exists()  # a failed check deletes nothing: the file may not be ours
    assert fresh.put("demo", key_a, b"rebuilt") and DiskCache(project).get("demo", key_a) == b"rebuilt"


def test_corrupt_rule_cache_is_rebuilt_with_the_right_answer(project: Path) -> None:
    write_tree(project, {"pkg/a.py": BAD_CODE})
    first = check(project)
    (entry,) = entries(project, "rules")
    entry.write_bytes(entry.read_bytes()[:-7] + b"garbage")
    again = check(project)
    assert codes(again) == codes(first) and json.loads(again.stdout)["summary"]["files_from_cache"] == 0
    assert json.loads(check(project).stdout)["summary"]["files_from_cache"] == 1  # rebuilt and used


def test_a_changed_rule_set_never_serves_the_old_answer(project: Path) -> None:
    write_tree(project, {"pkg/a.py": BAD_CODE})
    before = codes(check(project))
    assert "ERR001" in before
    assert json.loads(check(project).stdout)["summary"]["files_from_cache"] == 1
    (project / "pyproject.toml").write_text('[tool.pattern-warden.rules]\nignore = ["ERR001"]\n')
    after = check(project)
    assert json.loads(after.stdout)["summary"]["files_from_cache"] == 0
    assert codes(after) == [c for c in before if c != "ERR001"] == codes(check(project, "--no-cache"))


def test_disk_size_is_bounded_least_recently_used_out(project: Path) -> None:
    cache = DiskCache(project, max_bytes=3500)
    for name in "abc":
        cache.put("demo", name, name.encode() * 1000)
        time.sleep(0.02)  # distinct mtimes
    assert cache.get("demo", "a") is not None  # a is now the most recent
    time.sleep(0.02)
    cache.put("demo", "d", b"d" * 1000)
    assert {p.name.split("-")[1] for p in entries(project, "demo")} == {"a.pwc", "c.pwc", "d.pwc"}
    assert cache.usage() <= 3500


def _read_only(root: Path, command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with ``root`` really unwritable: chmod for a normal user; for root (whom
    chmod does not stop) a read-only bind mount in a private user and mount namespace."""
    if os.geteuid() != 0:
        for path in (root, *root.rglob("*")):
            path.chmod(path.stat().st_mode & ~0o222)
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"running as root and cannot make a read-only mount here (unshare: {probe.stderr.decode()!r})")
    script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    return subprocess.run(["unshare", "-rm", "sh", "-c", script, str(root), *command],
                          capture_output=True, text=True, env=env, timeout=120)


def test_read_only_root_falls_back_to_the_user_cache_dir(project: Path, tmp_path: Path) -> None:
    write_tree(project, {"pkg/a.py": BAD_CODE})
    xdg = tmp_path / "xdg"
    env = {**os.environ, "XDG_CACHE_HOME": str(xdg)}
    done = _read_only(project, [*console_script(), "check", "pkg", "--root", str(project), "--format", "json"], env)
    assert "ERR001" in codes(done) and "warning" not in done.stderr.lower(), done.stderr
    assert not (project / CACHE_DIR).exists()
    os.environ["XDG_CACHE_HOME"] = str(xdg)
    try:
        folder = user_cache_dir(project)
    finally:
        del os.environ["XDG_CACHE_HOME"]
    assert list(folder.glob("rules-*.pwc")) and (folder / ".gitignore").is_file()


def test_read_only_everywhere_is_memory_only_with_one_warning(project: Path) -> None:
    write_tree(project, {"pkg/a.py": BAD_CODE, "pkg/b.py": BAD_CODE.replace("f()", "g()")})
    env = {**os.environ, "XDG_CACHE_HOME": str(project / "xdg")}  # inside the read-only root too
    (project / "xdg").mkdir()
    done = _read_only(project, [*console_script(), "dupes", "pkg", "--root", str(project)], env)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "warning" in line.lower()]
    assert len(warnings) == 1 and "memory only" in warnings[0], done.stderr
    checked = _read_only(project, [*console_script(), "check", "pkg", "--root", str(project), "--format", "json"], env)
    assert "ERR001" in codes(checked)
    assert len([line for line in checked.stderr.splitlines() if "warning" in line.lower()]) == 1


_WRITER = """
import sys
from pathlib import Path
from pattern_warden.diskcache import DiskCache
cache = DiskCache(Path(sys.argv[1]))
mark = sys.argv[2].encode()
for i in range(150):
    cache.put("shared", "one", mark * (20000 + i * 97))
"""

_READER = """
import sys
from pathlib import Path
from pattern_warden.diskcache import DiskCache
cache = DiskCache(Path(sys.argv[1]))
seen = 0
for _ in range(400):
    data = cache.get("shared", "one")
    if data is not None:
        assert len(set(data)) == 1, "a mixed entry"
        seen += 1
assert cache.rejected == 0, "a reader saw half an entry"
print(seen)
"""


def test_writers_racing_on_one_entry_never_show_a_reader_half_of_one(project: Path) -> None:
    """Real processes: two write the same entry over and over while a third reads it."""
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(project), mark]) for mark in "AB"]
    reader = subprocess.run([sys.executable, "-c", _READER, str(project)], capture_output=True, text=True, timeout=120)
    assert all(w.wait(timeout=120) == 0 for w in writers)
    assert reader.returncode == 0, reader.stderr
    assert not list((project / CACHE_DIR).glob(".tmp-*"))


# -- attacks: what a repository (or a pull request) may contain must not steer or poison the cache


def _as_user(xdg: Path) -> dict[str, str]:
    """The environment of a user whose cache directory (and so whose key) is ``xdg``."""
    return {**os.environ, "XDG_CACHE_HOME": str(xdg)}


def _forge_clean_answer(project: Path, xdg: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """What an attacker does with their own install: check the project, then rewrite the rule
    entry so that every file has no findings, stored as a valid entry under the attacker's key."""
    assert "ERR001" in codes(check(project, env=_as_user(xdg)))
    (entry,) = entries(project, "rules")
    fingerprint = entry.name.removeprefix("rules-").removesuffix(".pwc")
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    cache = DiskCache(project)
    table = json.loads(cache.get("rules", fingerprint) or b"{}")
    assert table, "the attacker's own entry should read back"
    assert cache.put("rules", fingerprint, json.dumps({rel: [e[0], e[1], []] for rel, e in table.items()}).encode())
    monkeypatch.delenv("XDG_CACHE_HOME")
    return entry


@pytest.mark.parametrize("planted", ["the cache folder", "its .gitignore"])
def test_a_link_in_the_repository_never_leads_the_cache_out_of_the_root(project: Path, tmp_path: Path,
                                                                       planted: str) -> None:
    """A repository whose ``.pattern-warden-cache`` (or a marker file in it) is a symbolic link
    to a folder outside: nothing is written there; the cache falls back to the user's folder."""
    outside = tmp_path / "outside"
    outside.mkdir()
    write_tree(project, {"pkg/a.py": BAD_CODE})
    if planted == "the cache folder":
        (project / CACHE_DIR).symlink_to(outside, target_is_directory=True)
    else:
        (project / CACHE_DIR).mkdir()
        (project / CACHE_DIR / ".gitignore").symlink_to(outside / "planted")
    env = _as_user(tmp_path / "xdg")
    assert "ERR001" in codes(check(project, env=env))
    again = check(project, env=env)
    assert "ERR001" in codes(again) and json.loads(again.stdout)["summary"]["files_from_cache"] == 1
    assert list(outside.iterdir()) == []


def test_a_forged_or_copied_entry_is_a_miss(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry made on another machine (another user's key), here one rewritten to say the
    file is clean, as a pull request could commit it or a copied folder could bring it: this
    user's check does not believe it, finds the findings, and its own entry replaces it."""
    write_tree(project, {"pkg/a.py": BAD_CODE})
    _forge_clean_answer(project, tmp_path / "attacker", monkeypatch)
    victim = _as_user(tmp_path / "victim")
    done = check(project, env=victim)
    assert "ERR001" in codes(done) and json.loads(done.stdout)["summary"]["files_from_cache"] == 0
    assert json.loads(check(project, env=victim).stdout)["summary"]["files_from_cache"] == 1


def test_a_cache_folder_the_repository_tracks_is_not_used(project: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A committed ``.pattern-warden-cache`` is the repository's content, not our state: it is
    neither read (even an entry valid under this user's own key) nor written (the work tree
    stays clean); the cache goes to the user's folder."""
    git(project, "init", "-q", "-b", "main")
    write_tree(project, {"pkg/a.py": BAD_CODE})
    xdg = tmp_path / "xdg"
    _forge_clean_answer(project, xdg, monkeypatch)
    git(project, "add", "-A")
    git(project, "add", "-f", CACHE_DIR)
    git(project, "commit", "-q", "-m", "a committed cache")
    done = check(project, env=_as_user(xdg))
    assert "ERR001" in codes(done) and json.loads(done.stdout)["summary"]["files_from_cache"] == 0
    assert git(project, "status", "--porcelain", "--ignored") == ""
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    assert list(user_cache_dir(project).glob("rules-*.pwc"))


def test_the_key_is_private_to_the_user_and_never_inside_the_root(project: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert DiskCache(project).put("demo", "k", b"v")
    key_file = tmp_path / "xdg" / "pattern-warden" / "key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("XDG_CACHE_HOME", str(project / "xdg"))  # a key the repository could hold
    inside = DiskCache(project)
    assert not inside.put("demo", "k", b"v") and inside.get("demo", "k") is None
    assert inside.where() == "memory only" and not (project / "xdg").exists()
