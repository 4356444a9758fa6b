"""The root sandbox: path resolution, .gitignore-aware discovery, reading and caching."""

from __future__ import annotations

import marshal
import os
import pickle
import time
from pathlib import Path

import pytest

from pattern_warden.config import Config, Limits, Settings, load_config
from pattern_warden.errors import WardenError
from pattern_warden.source import LineKind, SourceFile
from pattern_warden import workspace as workspace_module
from pattern_warden.workspace import Skipped, Workspace
from tests.conftest import write_tree as tree


def rels(ws: Workspace, paths: list[Path]) -> list[str]:
    return [ws.relative(p) for p in paths]


def test_discovery_honours_nested_gitignore_and_negation(project: Path) -> None:
    tree(project, {
        ".gitignore": "build/\n*.gen.py\n!keep.gen.py\n",
        "a.py": "", "skip.gen.py": "", "keep.gen.py": "", "build/out.py": "",
        "pkg/.gitignore": "local.py\n", "pkg/local.py": "", "pkg/mod.py": "",
        ".venv/lib.py": "", "node_modules/x.py": "", "notes.txt": "",
    })
    ws = Workspace(load_config(project))
    assert rels(ws, ws.discover().files) == ["a.py", "keep.gen.py", "pkg/mod.py"]
    # a file named explicitly is read even when ignored, as Ruff does
    assert rels(ws, ws.discover(["pkg/local.py"]).files) == ["pkg/local.py"]
    assert rels(ws, ws.discover(["."], suffixes=None).files) == [
        ".gitignore", "a.py", "keep.gen.py", "notes.txt", "pkg/.gitignore", "pkg/mod.py"
    ]


def test_git_info_exclude_and_config_excludes(project: Path) -> None:
    tree(project, {".git/info/exclude": "private.py\n", "private.py": "", "gen/x.py": "", "ok.py": "",
                   "pyproject.toml": "[tool.pattern-warden]\nexclude = ['gen/']\n"})
    ws = Workspace(load_config(project))
    assert rels(ws, ws.discover().files) == ["ok.py"]


@pytest.mark.parametrize("bad", ["../outside.py", "/etc/passwd", "sub/../../outside.py", "", "a\x00b"])
def test_paths_outside_or_malformed_are_refused(project: Path, bad: str) -> None:
    (project.parent / "outside.py").write_text("SECRET = 1\n")
    ws = Workspace(load_config(project))
    with pytest.raises(WardenError):
        ws.resolve(bad)


def test_absolute_path_inside_root_is_accepted(project: Path) -> None:
    tree(project, {"m.py": "x = 1\n"})
    ws = Workspace(load_config(project))
    assert ws.resolve(str(project / "m.py")) == project / "m.py"


def test_symlinks_out_of_the_root_are_refused_and_skipped(project: Path) -> None:
    canary = project.parent / "canary.py"
    canary.write_text("CANARY = 'do-not-leak'\n")
    (project.parent / "outdir").mkdir()
    tree(project, {"real.py": "x = 1\n"})
    os.symlink(canary, project / "link.py")
    os.symlink(project.parent / "outdir", project / "linkdir")
    ws = Workspace(load_config(project))
    with pytest.raises(WardenError, match="outside the root"):
        ws.resolve("link.py")
    with pytest.raises(WardenError, match="outside the root"):
        ws.resolve("linkdir")
    found = ws.discover()
    assert rels(ws, found.files) == ["real.py"]
    assert Skipped("link.py", "symlink leads outside the root") in found.skipped


def test_fifo_is_refused_without_blocking(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    ws = Workspace(load_config(project))
    with pytest.raises(WardenError, match="not a regular file"):
        ws.resolve("pipe.py")
    assert ws.discover().files == []


def test_system_trees_are_refused_even_under_root_slash() -> None:
    ws = Workspace(Config(root=Path("/")))
    for path in ("/proc/self/environ", "/dev/zero"):
        with pytest.raises(WardenError):
            ws.resolve(path)


def test_read_skips_large_binary_and_undecodable_files(project: Path) -> None:
    tree(project, {"big.py": "x = 1\n" * 100, "bin.py": b"\x00\x01\x02", "latin.py": b"s = '\xe9'\n",
                   "cookie.py": b"# -*- coding: latin-1 -*-\ns = '\xe9'\n", "bom.py": b"\xef\xbb\xbfx = 1\r\n"})
    config = Config(root=project.resolve(), settings=Settings(limits=Limits(max_file_bytes=100)))
    ws = Workspace(config)
    results = {ws.relative(p): ws.read(p) for p in ws.discover().files}
    assert isinstance(results["big.py"], Skipped) and "limit" in results["big.py"].reason
    assert isinstance(results["bin.py"], Skipped) and results["bin.py"].reason == "binary file"
    assert isinstance(results["latin.py"], Skipped) and "UTF-8" in results["latin.py"].reason
    cookie = results["cookie.py"]
    assert isinstance(cookie, SourceFile) and "é" in cookie.text
    bom = results["bom.py"]
    assert isinstance(bom, SourceFile) and bom.text.startswith("x = 1") and bom.tree is not None


def test_cache_is_keyed_by_content_and_bounded(project: Path) -> None:
    tree(project, {f"m{i}.py": f"x = {i}\n" for i in range(40)})
    config = Config(root=project.resolve(), settings=Settings(limits=Limits(cache_entries=16)))
    ws = Workspace(config)
    first = ws.read(project / "m0.py")
    assert ws.read(project / "m0.py") is first
    (project / "m0.py").write_text("x = 'changed'\n")
    changed = ws.read(project / "m0.py")
    assert isinstance(changed, SourceFile) and changed is not first and "changed" in changed.text
    for path in ws.discover().files:
        ws.read(path)
    assert ws.cache_size == 16


def test_max_files_truncates_with_a_flag(project: Path) -> None:
    tree(project, {f"m{i}.py": "" for i in range(10)})
    ws = Workspace(Config(root=project.resolve(), settings=Settings(limits=Limits(max_files=3))))
    found = ws.discover()
    assert len(found.files) == 3 and found.truncated


def test_root_deleted_after_start_gives_a_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "gone"
    root.mkdir()
    ws = Workspace(load_config(root))
    root.rmdir()
    with pytest.raises(WardenError, match="no longer exists"):
        ws.discover()


def test_line_kinds_and_parse_failures() -> None:
    text = '"""Module doc."""\n\n# comment\nx = 1  # trailing\ndef f():\n    """Doc\n    more."""\n    return """not\n    a doc"""\n'
    source = SourceFile(path="m.py", text=text, digest="d", size=len(text))
    assert source.line_kinds == [
        LineKind.DOCSTRING, LineKind.BLANK, LineKind.COMMENT, LineKind.CODE, LineKind.CODE,
        LineKind.DOCSTRING, LineKind.DOCSTRING, LineKind.CODE, LineKind.CODE,
    ]
    broken = SourceFile(path="b.py", text="def f(:\n    pass\n", digest="e", size=17)
    assert broken.tree is None and broken.parse_failure is not None and broken.parse_failure.line == 1
    deep = "x = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n"
    nested = SourceFile(path="deep.py", text=deep, digest="f", size=len(deep))
    assert nested.tree is None and nested.parse_failure is not None
    assert len(nested.line_kinds) == 1


@pytest.mark.parametrize("pattern", ["!", "\\", "[z-a]"])
def test_bad_globs_in_config_name_the_key_and_file(project: Path, pattern: str) -> None:
    tree(project, {"pyproject.toml": f"[tool.pattern-warden]\nexclude = ['{pattern}']\n"})
    with pytest.raises(WardenError, match=r"pyproject.toml: \[tool.pattern-warden\] key 'exclude'"):
        load_config(project)


def test_invalid_gitignore_lines_are_ignored_like_git_does(project: Path) -> None:
    tree(project, {".gitignore": "!\n[z-a]\nskip.py\n", "skip.py": "", "keep.py": ""})
    ws = Workspace(load_config(project))
    assert rels(ws, ws.discover().files) == ["keep.py"]


def test_unknown_config_key_names_the_key(project: Path) -> None:
    tree(project, {"pyproject.toml": "[tool.pattern-warden]\nexlcude = ['x']\n"})
    with pytest.raises(WardenError, match="key 'exlcude'"):
        load_config(project)


def test_cache_is_bounded_by_bytes_too(project: Path) -> None:
    tree(project, {f"m{i}.py": "x = 1\n" * 200 for i in range(20)})  # 1,200 bytes each
    config = Config(root=project.resolve(), settings=Settings(limits=Limits(cache_bytes=5_000)))
    ws = Workspace(config)
    for path in ws.discover().files:
        ws.read(path)
    assert ws.cache_size == 4 and ws.cache_bytes == 4_800


def _age(root: Path, seconds: float = 60.0) -> None:
    """Date every folder back, as in a tree nobody touched for a minute."""
    past = os.stat(root).st_mtime - seconds
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        os.utime(folder, (past, past))


def test_a_remembered_walk_follows_files_added_removed_and_renamed(project: Path) -> None:
    tree(project, {"pkg/a.py": "", "pkg/sub/b.py": "", "c.py": ""})
    _age(project)
    ws = Workspace(load_config(project))
    assert rels(ws, ws.discover(["."]).files) == ["c.py", "pkg/a.py", "pkg/sub/b.py"]
    tree(project, {"pkg/sub/new.py": ""})
    (project / "c.py").unlink()
    (project / "pkg/a.py").rename(project / "pkg/z.py")
    (project / "pkg/deeper/more").mkdir(parents=True)
    (project / "pkg/deeper/more/d.py").write_text("")
    assert rels(ws, ws.discover(["."]).files) == ["pkg/deeper/more/d.py", "pkg/sub/b.py", "pkg/sub/new.py", "pkg/z.py"]


def test_the_folder_stamp_is_what_a_remembered_walk_trusts(project: Path) -> None:
    """Shows that a walk of an unchanged tree is remembered (and that a recent change is not trusted)."""
    tree(project, {"pkg/a.py": ""})
    _age(project)
    ws = Workspace(load_config(project))
    assert rels(ws, ws.discover(["pkg"]).files) == ["pkg/a.py"]
    before = os.stat(project / "pkg")
    (project / "pkg/b.py").write_text("")
    os.utime(project / "pkg", ns=(before.st_atime_ns, before.st_mtime_ns))  # hide the change
    assert rels(ws, ws.discover(["pkg"]).files) == ["pkg/a.py"]  # remembered, not walked
    fresh = Workspace(load_config(project))
    assert rels(fresh, fresh.discover(["pkg"]).files) == ["pkg/a.py", "pkg/b.py"]
    # Now pkg changed just now (the stamp is too recent to trust): the next walk is not remembered.
    (project / "pkg/c.py").write_text("")
    assert len(fresh.discover(["pkg"]).files) == 3
    (project / "pkg/d.py").write_text("")
    assert len(fresh.discover(["pkg"]).files) == 4


def _settle() -> None:
    """Wait out the racy window: a stamp younger than it is never trusted (``workspace._settled``)."""
    time.sleep(workspace_module._RACY_S + 0.1)


def _handed_over(ws: Workspace, rels: list[str]) -> Workspace:
    """A new workspace (the next hook process) given the stamps ``ws`` recorded, as plain data."""
    data = ws.dump_stamps(rels)
    assert data is not None and set(data) == set(rels)
    fresh = Workspace(ws.config)
    assert fresh.load_stamps(marshal.loads(marshal.dumps(data))) == len(rels)
    return fresh


def test_an_unchanged_stamp_stands_for_the_bytes_until_the_text_is_wanted(project: Path) -> None:
    tree(project, {"a.py": "x = 1\n", "b.py": "y = 2\n"})
    _settle()
    first = Workspace(load_config(project))
    digests = {name: first.read(project / name, text_later=True).digest for name in ("a.py", "b.py")}  # type: ignore[union-attr]
    nxt = _handed_over(first, ["a.py", "b.py"])
    known = nxt.read(project / "a.py", text_later=True)
    assert isinstance(known, SourceFile) and known.digest == digests["a.py"]
    assert "text" not in vars(known)  # not read
    assert known.text == "x = 1\n" and known.lines == ["x = 1"]
    assert "text" in vars(known)
    sent = pickle.loads(pickle.dumps(known))  # as a worker process would be sent it
    assert type(sent) is SourceFile and (sent.path, sent.text, sent.digest) == ("a.py", "x = 1\n", digests["a.py"])
    # without text_later every byte is read, as before, and no stamp is kept
    read = nxt.read(project / "b.py")
    assert isinstance(read, SourceFile) and "text" in vars(read) and read.digest == digests["b.py"]
    assert nxt.dump_stamps(["a.py", "b.py"]) is None  # nothing new to save
    other = Workspace(first.config)
    assert isinstance(other.read(project / "a.py"), SourceFile) and other.dump_stamps(["a.py"]) is None


def test_a_file_changed_within_the_racy_window_is_read_again(project: Path) -> None:
    """A stamp taken within the racy window of the file's last change is not kept: a second write
    of the same size in the same clock tick would leave the same stamp on other bytes (git's
    "racily clean" files). So after such a change the new bytes are read, never taken for the old."""
    tree(project, {"a.py": "x = 1\n"})
    ws = Workspace(load_config(project))
    first = ws.read(project / "a.py", text_later=True)
    assert ws.dump_stamps(["a.py"]) is None  # too young to stand for its bytes
    before = os.stat(project / "a.py")
    (project / "a.py").write_text("x = 2\n")
    os.utime(project / "a.py", ns=(before.st_atime_ns, before.st_mtime_ns))
    again = ws.read(project / "a.py", text_later=True)
    assert isinstance(first, SourceFile) and isinstance(again, SourceFile)
    assert "text" in vars(again) and again.digest != first.digest and again.text == "x = 2\n"
    nxt = Workspace(ws.config)
    assert nxt.load_stamps(ws.dump_stamps(["a.py"])) == 0


def test_a_file_replaced_or_rewritten_behind_our_back_is_not_trusted(project: Path) -> None:
    """Same size, same mtime put back: a rename over the file or a write in place changes its
    ctime (or inode), which nothing but the clock sets, so the bytes are read again."""
    tree(project, {"a.py": "x = 1\n", "b.py": "y = 1\n"})
    _settle()
    first = Workspace(load_config(project))
    old = {name: first.read(project / name, text_later=True).digest for name in ("a.py", "b.py")}  # type: ignore[union-attr]
    nxt = _handed_over(first, ["a.py", "b.py"])
    stat_a, stat_b = os.stat(project / "a.py"), os.stat(project / "b.py")
    (project / "new.tmp").write_text("x = 9\n")
    os.utime(project / "new.tmp", ns=(stat_a.st_atime_ns, stat_a.st_mtime_ns))
    os.replace(project / "new.tmp", project / "a.py")  # another file under the same name
    (project / "b.py").write_text("y = 9\n")  # the same file, other bytes
    os.utime(project / "b.py", ns=(stat_b.st_atime_ns, stat_b.st_mtime_ns))
    for name, text in (("a.py", "x = 9\n"), ("b.py", "y = 9\n")):
        source = nxt.read(project / name, text_later=True)
        assert isinstance(source, SourceFile) and source.digest != old[name] and source.text == text
