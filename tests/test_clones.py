"""The clone engine on real files: each kind, blocks inside functions, ranking, advice, summary."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pattern_warden.clones.corpus import TreeState
from pattern_warden.clones.detect import find_duplicates
from pattern_warden.clones.memo import DetectionMemo
from pattern_warden.clones.index import ShapeCache, seed_matches
from pattern_warden.clones.models import CloneClass, DuplicatesOptions, DuplicatesResult
from pattern_warden.clones.normalize import shape_of
from pattern_warden.clones.similar import SimilarIndex, find_similar
from pattern_warden.config import load_config
from pattern_warden.diskcache import DiskCache
from pattern_warden.errors import WardenError
from pattern_warden.workspace import Workspace

LOADER = '''
def load_totals(path, limit):
    total = 0
    with open(path) as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            total += len(line)
            if total > limit:
                break
    return total
'''

# The same code with other layout and comments: a type-1 clone.
LOADER_RELAID = '''
def load_totals(path, limit):
    # Count the characters of the non-comment lines.
    total = 0

    with open(path) as handle:
        for line in handle:
            if line.startswith(
                "#"
            ):
                continue  # skip comments
            total += len(line)
            if total > limit:
                break
    return total
'''

# Other names and literals: a type-2 clone.
LOADER_RENAMED = LOADER
for old, new in (("load_totals", "size_of"), ("path", "filename"), ("limit", "cap"), ("total", "count"),
                 ("handle", "fh"), ("line", "row"), ('"#"', '";"'), ("count = 0", "count = 10")):
    LOADER_RENAMED = LOADER_RENAMED.replace(old, new)

# One statement added and one changed: a type-3 clone.
LOADER_CHANGED = LOADER.replace("load_totals", "load_stripped").replace(
    "total += len(line)\n", "total += len(line.strip())\n            seen.append(line)\n"
)

UNRELATED = '''
def render(rows):
    out = {}
    for key, value in rows:
        out.setdefault(key, []).append(value)
    return sorted(out.items())
'''


def write(root: Path, rel: str, *parts: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(textwrap.dedent(p).strip("\n") for p in parts) + "\n")


def run(root: Path, paths: list[str] | None = None, **options: object) -> DuplicatesResult:
    return find_duplicates(Workspace(load_config(root)), paths, DuplicatesOptions(**options))


def spans(clone: CloneClass) -> list[tuple[str, int, int, str | None]]:
    return [(loc.path, loc.start_line, loc.end_line, loc.function) for loc in clone.locations]


def test_exact_clone_ignores_layout_and_comments(project: Path) -> None:
    write(project, "pkg/a.py", LOADER)
    write(project, "pkg/b.py", LOADER_RELAID)
    result = run(project)
    assert [c.kind for c in result.clones] == ["exact"]
    assert spans(result.clones[0]) == [("pkg/a.py", 1, 10, "load_totals"), ("pkg/b.py", 1, 14, "load_totals")]
    assert result.clones[0].similarity == 1.0


def test_renamed_clone_and_kind_filter(project: Path) -> None:
    write(project, "pkg/a.py", LOADER)
    write(project, "pkg/b.py", UNRELATED, LOADER_RENAMED)
    result = run(project)
    assert [c.kind for c in result.clones] == ["renamed"]
    assert spans(result.clones[0])[1] == ("pkg/b.py", 7, 16, "size_of")
    assert run(project, kinds=["exact"]).clones == []


def test_similar_clone_has_its_ratio(project: Path) -> None:
    write(project, "pkg/a.py", LOADER)
    write(project, "pkg/b.py", LOADER_CHANGED)
    result = run(project)
    assert [c.kind for c in result.clones] == ["similar"]
    clone = result.clones[0]
    assert 0.8 <= clone.similarity < 1.0
    assert [loc.function for loc in clone.locations] == ["load_totals", "load_stripped"]
    # Without the similar verdict, what remains is the identical first part of both bodies.
    strict = run(project, min_similarity=0.99).clones
    assert [(c.kind, c.lines) for c in strict] == [("exact", 6)]


BLOCK = '''
    retries = 0
    while retries < attempts:
        try:
            reply = session.get(url, timeout=timeout)
            reply.raise_for_status()
            break
        except OSError as exc:
            retries += 1
            log.warning("retry %s: %s", retries, exc)
'''


def test_copied_block_inside_two_different_functions(project: Path) -> None:
    write(project, "svc/a.py", "def fetch_user(session, url, attempts, timeout):\n    user = {}\n    names = []"
          + textwrap.indent(textwrap.dedent(BLOCK), "    ")
          + textwrap.indent(textwrap.dedent(UNRELATED.replace("def render(rows):", "for rows in names:")), "    ")
          + "    user.update(reply.json())\n    return user, names\n")
    write(project, "svc/b.py", "class Client:\n    def ping(self, session, url, attempts, timeout):\n"
          + "        if not url:\n            raise ValueError(url)\n        started = clock()"
          + textwrap.indent(textwrap.dedent(BLOCK), "        ")
          + "        self.latency = clock() - started\n        return self.latency > 0.5\n")
    result = run(project)
    assert len(result.clones) == 1
    clone = result.clones[0]
    assert clone.kind == "exact"
    assert spans(clone) == [("svc/a.py", 4, 12, "fetch_user"), ("svc/b.py", 6, 14, "Client.ping")]
    assert clone.recommendation.action == "consolidate"
    assert clone.lines == 9


def test_boilerplate_ranks_last_with_its_reason(project: Path) -> None:
    init = '''
    class {name}:
        def __init__(self, host, port, user, password, timeout, retries):
            self.host = host
            self.port = port
            self.user = user
            self.password = password
            self.timeout = timeout
            self.retries = retries
    '''
    write(project, "pkg/a.py", init.format(name="A"), UNRELATED, LOADER)
    write(project, "pkg/b.py", init.format(name="B"), LOADER_RENAMED)
    result = run(project)
    assert [c.boilerplate is None for c in result.clones] == [True, False]
    assert result.clones[0].kind == "renamed"
    assert "__init__" in (result.clones[1].boilerplate or "")
    assert result.clones[1].recommendation.action == "leave"
    # Boilerplate is not counted as duplication.
    assert result.summary.duplicated_lines == 2 * 10


def test_recommendations_follow_the_decision_tree(project: Path) -> None:
    write(project, "billing/a.py", LOADER)
    write(project, "billing/b.py", UNRELATED, LOADER_RENAMED)
    same = run(project).clones[0].recommendation
    # A module, never a folder: no module is shared, so the first copy's, which the other imports.
    assert same.action == "consolidate" and same.home == "billing/a.py" and "no module is shared" in same.reason

    other = project.parent / "other"
    write(other, "shop/billing/a.py", LOADER)
    write(other, "shop/reports/b.py", LOADER_RENAMED)
    cross = run(other).clones[0].recommendation
    assert cross.action == "extract" and cross.home == "shop/billing/a.py"

    third = project.parent / "third"
    write(third, "billing/a.py", LOADER)
    write(third, "billing/b.py", '''
    def tally(path, limit):
        total = 0
        with open(path) as handle:
            for number, line in enumerate(handle):
                print(number, line)
                total += len(line)
        return total
    ''')
    loose = run(third, min_similarity=0.5, min_lines=3).clones[0]
    assert loose.kind == "similar" and loose.similarity < 0.8
    assert loose.recommendation.action == "leave" and "statements differ" in loose.recommendation.reason
    assert all(c.pattern_uri == "warden://patterns/consolidation-decision-tree" for c in (loose,))


def test_summary_counts_code_lines_once_overall_and_by_folder(project: Path) -> None:
    write(project, "a/one.py", "# a comment line\n" + textwrap.dedent(LOADER), UNRELATED)
    write(project, "b/two.py", '"""A docstring is not code."""', LOADER)
    summary = run(project).summary
    # one.py: 10 + 5 code lines; two.py: 10 (the docstring and comment are not code).
    assert (summary.files, summary.lines, summary.duplicated_lines) == (2, 25, 20)
    assert summary.percentage == 80.0
    folders = {f.folder: (f.lines, f.duplicated_lines, f.percentage) for f in summary.by_folder}
    assert folders == {"b": (10, 10, 100.0), "a": (15, 10, 66.67)}
    assert [f.folder for f in summary.by_folder] == ["b", "a"]


def test_tests_are_left_out_unless_asked_for(project: Path) -> None:
    write(project, "pkg/a.py", LOADER)
    write(project, "tests/test_a.py", LOADER)
    assert run(project).clones == []
    assert len(run(project, include_tests=True).clones) == 1


def test_pagination_and_bad_options(project: Path) -> None:
    write(project, "a.py", LOADER, BLOCK.replace("\n    ", "\ndef f():\n    ", 1))
    write(project, "b.py", BLOCK.replace("\n    ", "\ndef g():\n    ", 1), UNRELATED, LOADER)
    first = run(project, limit=1)
    assert first.page.total == 2 and len(first.clones) == 1 and first.page.next_cursor
    second = run(project, limit=1, cursor=first.page.next_cursor)
    assert second.page.next_cursor is None and second.clones[0].id != first.clones[0].id
    for bad, message in (({"min_lines": 1}, "min_lines must be between"), ({"min_similarity": 2.0}, "min_similarity"),
                         ({"kinds": []}, "kinds is empty"), ({"cursor": "bogus"}, "not one this server issued")):
        with pytest.raises(WardenError, match=message):
            run(project, **bad)
    with pytest.raises(WardenError, match="outside the root"):
        run(project, ["../elsewhere"])


def test_common_windows_do_not_pair_everything() -> None:
    # 300 files with the same three-line idiom: no candidate explosion, and nothing reported.
    idiom = "def f{n}(a):\n    x = a.b\n    y = a.c\n    z = a.d\n    return {n}\n"
    shapes = [shape_of(idiom.format(n=n)) for n in range(300)]
    assert list(seed_matches([s for s in shapes if s], k=3, cap=64)) == []


def test_find_similar_by_code_and_by_symbol(project: Path) -> None:
    write(project, "pkg/a.py", LOADER, UNRELATED)
    write(project, "pkg/b.py", LOADER_CHANGED)
    workspace = Workspace(load_config(project))
    index = SimilarIndex(ShapeCache())
    draft = find_similar(workspace, code=textwrap.dedent(LOADER_RENAMED), index=index)
    assert [(m.path, m.function) for m in draft.matches[:2]] == [("pkg/a.py", "load_totals"),
                                                                 ("pkg/b.py", "load_stripped")]
    assert draft.matches[0].similarity == 1.0 and "reuse" in draft.advice
    named = find_similar(workspace, path="pkg/b.py", symbol="load_stripped", index=index)
    assert named.matches[0].function == "load_totals" and named.query == "pkg/b.py:load_stripped"
    assert all(m.function != "load_stripped" for m in named.matches)
    # A changed file is picked up on the next call.
    write(project, "pkg/a.py", UNRELATED)
    again = find_similar(workspace, path="pkg/b.py", symbol="load_stripped", index=index)
    assert "load_totals" not in [m.function for m in again.matches]


def test_find_similar_bad_input(project: Path) -> None:
    write(project, "pkg/a.py", LOADER)
    workspace = Workspace(load_config(project))
    cases = [
        ({"path": "pkg/a.py", "symbol": "load_total"}, "Did you mean load_totals"),
        ({"path": "../x.py", "symbol": "f"}, "outside the root"),
        ({"code": "def broken(:\n"}, "does not parse"),
        ({"code": "x = 1", "path": "pkg/a.py"}, "either `code`"),
        ({}, "either `code`"),
        ({"code": "x = 1", "limit": 0}, "limit must be between"),
    ]
    for kwargs, message in cases:
        with pytest.raises(WardenError, match=message):
            find_similar(workspace, **kwargs)  # type: ignore[arg-type]


def test_warm_calls_after_a_change_match_a_fresh_run(project: Path) -> None:
    """A running server reuses what it found between unchanged files; the answer must not differ."""
    for n in range(12):
        write(project, f"pkg/m{n}.py", UNRELATED.replace("render", f"render{n}").replace("out", f"out{n}"))
    write(project, "pkg/a.py", LOADER)
    write(project, "pkg/b.py", LOADER_RENAMED)
    write(project, "lib/c.py", BLOCK.replace("\n    ", "\ndef poll():\n    ", 1))
    workspace = Workspace(load_config(project))
    cache, state, memo = ShapeCache(), TreeState(), DetectionMemo()

    def warm() -> list[tuple[str, list[tuple[str, int, int, str | None]]]]:
        result = find_duplicates(workspace, None, DuplicatesOptions(limit=200), cache, state, memo)
        return [(c.kind, spans(c)) for c in result.clones]

    def fresh() -> list[tuple[str, list[tuple[str, int, int, str | None]]]]:
        return [(c.kind, spans(c)) for c in run(project, limit=200).clones]

    assert warm() == fresh() and len(fresh()) == 1
    write(project, "lib/d.py", BLOCK.replace("\n    ", "\ndef probe():\n    ", 1))  # a new copy
    assert warm() == fresh() and len(fresh()) == 2
    write(project, "pkg/b.py", LOADER_CHANGED)  # renamed copy becomes a similar one
    assert warm() == fresh()
    assert sorted(kind for kind, _ in fresh()) == ["exact", "similar"]
    (project / "lib" / "d.py").unlink()
    assert warm() == fresh() and len(fresh()) == 1
    assert warm() == fresh()  # nothing changed: the memo answers with the families it found last


def test_a_cold_warm_call_freezes_its_state_and_leaves_the_collector_on(project: Path) -> None:
    """The first call of a server (many files shaped) moves its state out of the collector's sight;
    a warm call after one change freezes nothing more, and neither leaves collection disabled."""
    import gc

    import pattern_warden.clones.detect as detect

    for n in range(detect.FREEZE_FROM):
        write(project, f"pkg/m{n}.py", UNRELATED.replace("render", f"render{n}").replace("out", f"out{n}"))
    workspace = Workspace(load_config(project))
    cache, state, memo = ShapeCache(), TreeState(), DetectionMemo()
    gc.unfreeze()
    try:
        assert gc.isenabled()
        find_duplicates(workspace, None, DuplicatesOptions(), cache, state, memo)
        frozen = gc.get_freeze_count()
        assert frozen > 0 and gc.isenabled()
        write(project, "pkg/m0.py", LOADER)
        find_duplicates(workspace, None, DuplicatesOptions(), cache, state, memo)
        # Fewer, not more: the changed file's old shape was frozen and is freed all the same.
        assert gc.get_freeze_count() < frozen and gc.isenabled()
        frozen = gc.get_freeze_count()
        find_duplicates(workspace, None, DuplicatesOptions())  # no warm state kept: nothing frozen
        assert gc.get_freeze_count() <= frozen and gc.isenabled()
    finally:
        gc.unfreeze()


def test_shape_file_is_rewritten_only_when_enough_of_it_changed(project: Path) -> None:
    """One changed file among many is re-tokenized next run rather than rewriting every shape;
    once enough changed, the file is rewritten. Answers are the same either way."""
    for n in range(100):
        write(project, f"pkg/m{n}.py", UNRELATED.replace("render", f"render{n}").replace("out", f"out{n}"))
    write(project, "pkg/a.py", LOADER)
    disk = DiskCache(project)
    workspace = Workspace(load_config(project))

    def cli_run() -> tuple[list[tuple[str, list[tuple[str, int, int, str | None]]]], ShapeCache]:
        cache = ShapeCache(disk=disk)
        cache.load()
        result = find_duplicates(workspace, None, DuplicatesOptions(limit=200), cache)
        cache.save()
        return [(c.kind, spans(c)) for c in result.clones], cache

    first, cache = cli_run()
    assert first == [] and cache.misses == 101
    def stamp() -> int:  # a rewrite renames a new file over the old one: a new inode (a read touches mtime)
        (entry,) = (project / ".pattern-warden-cache").glob("shapes-*.pwc")
        return entry.stat().st_ino

    written = stamp()
    write(project, "pkg/b.py", LOADER_RENAMED)
    again, cache = cli_run()
    assert cache.misses == 1 and stamp() == written
    assert [kind for kind, _ in again] == ["renamed"]
    write(project, "pkg/c.py", LOADER_RELAID)
    for n in range(3):
        write(project, f"pkg/m{n}.py", LOADER_CHANGED.replace("load_stripped", f"load{n}"))
    later, cache = cli_run()
    assert cache.misses == 5 and stamp() != written
    assert later == [(c.kind, spans(c)) for c in run(project, limit=200).clones]
    assert cli_run()[1].misses == 0  # everything from the rewritten file
