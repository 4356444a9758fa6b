"""Clone advice an agent can act on: families, what differs, evidence-based actions, ranking,
find_similar for drafts, and what counts as test code. Real files in tmp trees throughout."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pattern_warden.clones.models import CloneClass
from pattern_warden.clones.render import duplicates_text, similar_text
from pattern_warden.clones.similar import find_similar
from pattern_warden.codekind import is_test_path
from pattern_warden.config import load_config
from pattern_warden.workspace import Workspace
from tests.test_clones import LOADER, run, write

KEX = '''
def exchange_{name}(conn, packet, log):
    """Run one {name} key exchange."""
    group = conn.groups["{name}"]
    public = packet.get_mpint()
    if not 1 <= public < group.prime - 1:
        raise ValueError("invalid {name} public value")
    shared = pow(public, conn.secret, group.prime)
    digest = conn.hash(group.generator, public, shared)
    log.debug("computed %s bytes", len(digest))
    conn.send_reply(digest, shared)
    conn.finish(shared)
    return shared
'''


def members(clone: CloneClass) -> list[tuple[str, str | None]]:
    return [(loc.path, loc.function) for loc in clone.locations]


def test_five_copies_of_one_idea_are_one_family_naming_every_member(project: Path) -> None:
    names = ["group1", "group14", "group16", "group18", "ecdh"]
    write(project, "ssh/kex_a.py", *(KEX.format(name=n) for n in names[:3]))
    write(project, "ssh/kex_b.py", *(KEX.format(name=n) for n in names[3:]))
    clones = run(project).clones
    assert len(clones) == 1
    assert sorted(f for _, f in members(clones[0])) == sorted(f"exchange_{n}" for n in names)
    # Runs of statements inside those functions are not reported again.
    assert all(loc.function and loc.function.startswith("exchange_") for loc in clones[0].locations)


def test_a_rename_of_callee_and_literal_changes_behaviour_and_is_never_kept_as_is(project: Path) -> None:
    body = '''
    def {name}(html, extra, log):
        """Splice extra markup into a page."""
        at = html.{method}(b"{tag}")
        head, tail = html[:at], html[at:]
        log.debug("splice at %d", at)
        result = head + extra + tail
        log.debug("spliced %d bytes", len(result))
        if len(result) > extra.limit:
            log.warning("page over %d bytes", extra.limit)
            result = result[: extra.limit]
        return result
    '''
    write(project, "web/inject.py", body.format(name="before_body", method="rindex", tag="</body>"),
          body.format(name="before_head", method="index", tag="</head>"))
    clone = run(project).clones[0]
    kinds = {d.kind: d.examples for d in clone.differences}
    assert kinds["callee"] == ["rindex|index"] and kinds["string"] == ['b"</body>"|b"</head>"']
    assert clone.changes_behaviour
    assert clone.recommendation.action == "consolidate" and clone.recommendation.home == "web/inject.py"
    assert "do not keep one copy as it is" in clone.recommendation.reason
    assert "2 parameter(s)" in clone.recommendation.reason


def test_swapped_names_and_exception_types_are_spelled_out(project: Path) -> None:
    body = '''
    def {name}(self, packet):
        try:
            self.channel.bind(self.{a}, self.{b})
            self.check(self.{a})
            self.log("bound", self.{b})
            self.count += 1
            self.stats.record(self.{a}, packet)
            return self.finish(packet)
        except {exc} as error:
            self.fail(error)
    '''
    write(project, "net/peer.py", "class Peer:\n" + textwrap.indent(textwrap.dedent(
        body.format(name="client_bind", a="local", b="remote", exc="OSError")
        + body.format(name="server_bind", a="remote", b="local", exc="TimeoutError")), "    "))
    clone = run(project).clones[0]
    kinds = {d.kind: d.examples for d in clone.differences}
    assert kinds["swapped"] == ["local|remote"]
    assert kinds["exception"] == ["OSError|TimeoutError"]
    assert clone.changes_behaviour and "do not keep one copy" in clone.recommendation.reason


def test_identical_copies_are_told_to_keep_one(project: Path) -> None:
    write(project, "pkg/a.py", LOADER)
    write(project, "pkg/b.py", "import os\n", LOADER)
    clone = run(project).clones[0]
    assert clone.differences == [] and not clone.changes_behaviour
    assert "keep one copy" in clone.recommendation.reason


def test_shared_code_goes_to_the_module_of_the_shared_base_class(project: Path) -> None:
    method = '''
        def decode(self, packet):
            """Read the key's numbers from an SSH packet."""
            count = packet.get_uint32()
            numbers = [packet.get_mpint() for _ in range(count)]
            if any(n <= 0 for n in numbers):
                raise ValueError("invalid {kind} key")
            self.numbers = numbers
            self.size = max(n.bit_length() for n in numbers)
            if self.size < packet.minimum:
                raise ValueError("key too short")
            self.fingerprint = packet.digest(numbers)
            return self.make(numbers)
    '''
    write(project, "keys/base.py", "class Key:\n    numbers = ()\n")
    write(project, "keys/algs/ecdsa.py", "from keys.base import Key\n\n\nclass ECDSAKey(Key):\n"
          + textwrap.indent(textwrap.dedent(method.format(kind="ECDSA")), "    "))
    write(project, "keys/rsa.py", "from keys.base import Key\n\n\nclass RSAKey(Key):\n"
          + textwrap.indent(textwrap.dedent(method.format(kind="RSA")), "    "))
    advice = run(project).clones[0].recommendation
    assert advice.action == "extract" and advice.home == "keys/base.py"
    assert "shared base class" in advice.reason


def test_protocol_methods_and_small_copies_are_left_and_ranked_last(project: Path) -> None:
    exit_method = '''
    class {name}:
        def __exit__(self, exc_type: type | None, exc_value: BaseException | None, traceback: object) -> None:
            self.stream.flush()
            self.stream.close()
            self.closed = True
            self.log.debug("closed %s", self.name)
            self.owner.release(self)
    '''
    small = "def {name}(a, b):\n    x = a.get(b, 0) + 1\n    y = x * a.scale(b)\n    return x + y + a.offset(b, x)\n"
    write(project, "io/a.py", exit_method.format(name="Reader"), small.format(name="f"), KEX.format(name="a"))
    write(project, "io/b.py", exit_method.format(name="Writer"), small.format(name="g"), KEX.format(name="b"))
    clones = run(project, min_lines=3).clones
    actions = [(c.recommendation.action, c.locations[0].function) for c in clones]
    assert actions[0] == ("consolidate", "exchange_a")
    assert ("leave", "Reader.__exit__") in actions and ("leave", "f") in actions
    reasons = {c.locations[0].function: c.recommendation.reason for c in clones}
    assert reasons["Reader.__exit__"].startswith("Protocol method (__exit__)")
    assert reasons["f"].startswith("Too small to pay for a helper")
    assert clones[0].saving > 0 and [c.recommendation.action for c in clones[1:]] == ["leave", "leave"]


def test_text_shows_summary_then_per_family_advice_differences_and_one_line_per_member(project: Path) -> None:
    write(project, "ssh/kex.py", *(KEX.format(name=n) for n in ("a", "b", "c")))
    result = run(project)
    text = duplicates_text(result.summary, result.clones, result.notes).splitlines()
    assert text[0].startswith("1 clone families (1 consolidate);")
    assert text[1].startswith("#1 consolidate -> ssh/kex.py | renamed 100%, 3 x 11 lines")
    assert text[2].startswith("  differs: string ") and text[3].startswith("  why: 3 copies in one module")
    assert text[4:] == ["  ssh/kex.py:1-12 exchange_a", "  ssh/kex.py:14-25 exchange_b",
                        "  ssh/kex.py:27-38 exchange_c"]


def test_find_similar_leaves_tests_out_judges_only_real_functions_and_notes_tiny_drafts(project: Path) -> None:
    write(project, "pkg/util.py", LOADER)
    write(project, "tests/test_util.py", LOADER.replace("load_totals", "helper_in_tests"),
          "def test_short(self):\n    assert load_totals('x', 1) == 0\n")
    workspace = Workspace(load_config(project))
    found = find_similar(workspace, code=textwrap.dedent(LOADER))
    assert [m.function for m in found.matches] == ["load_totals"] and found.query is None
    assert "code" not in found.model_dump_json()  # the argument's name is not echoed back as data
    with_tests = find_similar(workspace, code=textwrap.dedent(LOADER), include_tests=True)
    assert {m.function for m in with_tests.matches} == {"load_totals", "helper_in_tests"}
    tiny = find_similar(workspace, code="def f(a):\n    return a + 1\n", include_tests=True)
    assert tiny.matches == [] and tiny.advice is None and "too small to judge" in tiny.notes[0].message
    assert similar_text(tiny).splitlines()[:2] == [
        "No advice: see the note. (0 matches in 0 functions)",
        f"note: {tiny.notes[0].message}"]
    assert similar_text(found).splitlines()[1] == "pkg/util.py:1-10 load_totals 100%"
    named = find_similar(workspace, path="pkg/util.py", symbol="load_totals", include_tests=True)
    assert named.query == "pkg/util.py:load_totals"
    assert "test_short" not in {m.function for m in named.matches}  # a two-line test is no candidate


def test_non_product_code_is_the_shared_definition_and_compared_only_when_asked(project: Path) -> None:
    for path in ("tests/a.py", "pkg/test/b.py", "test_c.py", "pkg/d_test.py", "pkg/conftest.py"):
        assert is_test_path(path), path
    for path in ("pkg/contest.py", "pkg/attest.py"):
        assert not is_test_path(path), path
    write(project, "pkg/testing/helpers.py", LOADER)  # test support, by codekind's path kinds
    write(project, "benchmarks/run.py", LOADER)
    write(project, "pkg/core.py", LOADER)
    write(project, "pkg/other.py", "import os", LOADER)
    assert [loc.path for loc in run(project).clones[0].locations] == ["pkg/core.py", "pkg/other.py"]
    assert run(project, include_tests=True).clones[0].copies == 4
