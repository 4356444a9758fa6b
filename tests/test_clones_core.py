"""Clone advice that holds on code it was not tuned on (issue 24): the family's core, statement
alignment, body-only savings, idioms left with their reason, module homes, twins and legacy
copies, whole classes and files, and answers that never drop members silently. Real files in
tmp trees; the CLI as a subprocess."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from pattern_warden.clones.models import CloneClass
from pattern_warden.render.answer import Budget, answer
from tests.conftest import console_script
from tests.test_clones import LOADER, run, write

#: A long method two language domains share, with one line different.
RESOLVE = '''
def resolve_{name}(self, env, target, node, contnode):
    """Resolve a cross-reference to a {name} object."""
    modname = node.get("module")
    clsname = node.get("class")
    searchmode = 1 if node.hasattr("refspecific") else 0
    matches = self.find_obj(env, modname, clsname, target, searchmode)
    if not matches:
        return None
    if len(matches) > 1:
        self.warn("more than one target found for %r", target)
    name, obj = matches[0]
    if obj.kind == "module":
        return self.make_module_refnode(env, name, contnode)
    title = obj.title or name
    anchor = obj.anchor or name
    docname = obj.docname
    refnode = self.make_refnode(docname, anchor, contnode, title)
    refnode["reftype"] = "{name}"
    return refnode
'''

#: Starts as RESOLVE does, then does other work: a weaker member that joins the family by that run.
RESOLVE_LOOSE = RESOLVE.split("    name, obj = matches[0]")[0].format(name="any") + '''\
    results = [self.make_refnode(obj.docname, obj.anchor, contnode, name) for name, obj in matches]
    self.log("resolved %d", len(results))
    return results
'''


def _statements_differ(clone: CloneClass) -> bool:
    return any(d.kind == "statements" for d in clone.differences)


def test_a_weaker_member_is_related_and_the_identical_core_is_advised(project: Path) -> None:
    write(project, "domains/python.py", "class PythonDomain:\n" + textwrap.indent(
        textwrap.dedent(RESOLVE.format(name="py")), "    "))
    write(project, "domains/c.py", "class CDomain:\n" + textwrap.indent(
        textwrap.dedent(RESOLVE.format(name="c")), "    ") + textwrap.indent(textwrap.dedent(RESOLVE_LOOSE), "    "))
    clones = [c for c in run(project, min_similarity=0.6).clones if c.copies > 2]
    assert clones, "the loose member joins the family"
    family = clones[0]
    assert {loc.function for loc in family.locations} == {"PythonDomain.resolve_py", "CDomain.resolve_c"}
    assert [loc.function for loc in family.related] == ["CDomain.resolve_any"]
    assert family.copies == 3 and family.kind == "renamed" and not _statements_differ(family)
    assert family.recommendation.action == "consolidate" and family.recommendation.home in ("domains/c.py",
                                                                                         "domains/python.py")


def test_an_exact_family_never_says_statements_differ(project: Path) -> None:
    body = LOADER.replace("def load_totals(path, limit):", "def load_totals(path, limit, extra):")
    write(project, "pkg/a.py", "import os", LOADER, "def other():\n    return os.sep")
    write(project, "pkg/b.py", "import sys", body, "def more():\n    return sys.argv")
    write(project, "pkg/c.py", "import re", LOADER, "def last():\n    return re.I")
    clones = run(project).clones
    assert clones
    for clone in clones:
        if clone.kind == "exact":
            assert clone.differences == [] and not clone.changes_behaviour, clone


def test_one_extra_parameter_shifts_no_statement(project: Path) -> None:
    """The aligner slipped by one parameter and reported every statement as changed."""
    waiter = '''
    def {name}(self, timeout{extra}):
        deadline = self.clock() + timeout
        while not self.ready:
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise TimeoutError("gave up waiting")
            self.cond.wait(remaining)
        self.log.debug("ready after %s", timeout)
        return self.result
    '''
    write(project, "sync/a.py", "class A:\n" + textwrap.indent(textwrap.dedent(waiter.format(name="wait", extra="")),
                                                                "    "))
    write(project, "sync/b.py", "class B:\n" + textwrap.indent(
        textwrap.dedent(waiter.format(name="wait_for", extra=", poll=None")), "    "))
    clone = run(project).clones[0]
    statements = next(d for d in clone.differences if d.kind == "statements")
    assert statements.examples == ["up to 1 of 9 statements"]  # the def line alone


def test_saving_counts_body_lines_only_and_must_reach_min_lines(project: Path) -> None:
    documented = '''
    @register("{name}")
    @cached
    def {name}(request, item):
        """Render one {name}.

        The long explanation of what this does and why, which every copy keeps.
        """
        data = request.load(item)
        data.check()
        return data.render()
    '''
    write(project, "views/a.py", *(documented.format(name=n) for n in ("alpha", "beta", "gamma")))
    clones = run(project).clones  # 10 lines each, 3 of them body
    assert clones and all(c.recommendation.action == "leave" for c in clones)
    # judged per copy (a small idiom): the 3 body lines, not the 10 of each copy
    assert "3 shared body line(s) less a call of 1" in clones[0].recommendation.reason and clones[0].saving <= 3 * 2


def _idiom_reason(project: Path, *parts: str, path: str = "ext/a.py", other: str = "ext/b.py") -> str:
    write(project, path, "import os", *parts)
    write(project, other, "import sys", *parts)
    clones = run(project, min_lines=3).clones
    assert clones, "the copies are found"
    assert all(c.recommendation.action == "leave" for c in clones), [c.recommendation for c in clones]
    return clones[0].recommendation.reason


def test_entry_points_are_boilerplate(project: Path) -> None:
    setup = '''
    def setup(app):
        app.add_config_value("todo_include", False, "html")
        app.add_node(TodoNode, html=(visit, depart))
        app.connect("doctree-read", process)
        app.connect("env-merge-info", merge)
        app.add_directive("todo", TodoDirective)
        return {"version": "1.0", "parallel_read_safe": True}
    '''
    assert "entry point (setup())" in _idiom_reason(project, setup)


def test_overloads_and_assert_and_assign_constructors_are_boilerplate(project: Path) -> None:
    overloads = '''
    class Reader:
        @overload
        def read(self, size: int, *, decode: Literal[True], encoding: str = "utf-8", errors: str = "strict") -> str:
            ...

        @overload
        def read(self, size: int, *, decode: Literal[False], encoding: str = "utf-8", errors: str = "strict") -> bytes:
            ...
    '''
    assert "@overload" in _idiom_reason(project, "from typing import overload", overloads)
    init = '''
    class Point:
        def __init__(self, x, y, z, label, colour):
            assert isinstance(x, int), x
            assert isinstance(y, int), y
            assert isinstance(z, int), z
            self.x = x
            self.y = y
            self.z = z
            self.label = label
            self.colour = colour
    '''
    other = project.parent / "init"
    assert "assert-and-assign constructors" in _idiom_reason(other, init)


def test_sync_and_async_twins_are_kept_with_the_reason(project: Path) -> None:
    sync = LOADER.replace("def load_totals", "def fetch_totals").replace("open(path)", "self.open(path)")
    write(project, "client/sync.py", sync)
    write(project, "client/aio.py", sync.replace("def fetch_totals", "async def fetch_totals")
          .replace("with self.open", "async with self.open").replace("for line", "async for line"))
    clones = run(project, min_similarity=0.7).clones
    assert clones and clones[0].recommendation.action == "leave"
    assert "Sync/async twins" in clones[0].recommendation.reason


def test_a_module_mirrored_in_an_async_and_a_sync_tree_is_kept_as_twins(project: Path) -> None:
    # Neither copy awaits (the await-free parts of a mirrored tree), so only the paths tell.
    write(project, "db/asynchronous/loader.py", LOADER + "\n\nasync def close(conn):\n    await conn.aclose()\n")
    write(project, "db/synchronous/loader.py", LOADER + "\n\ndef close(conn):\n    conn.close()\n")
    clones = run(project).clones
    assert clones and clones[0].recommendation.action == "leave"
    assert "Sync/async twins" in clones[0].recommendation.reason


#: A public method that hands its arguments on, by name, to the private method doing the work.
REMOVER = '''
    def remove_{which}(self, query, collation=None, hint=None, session=None, let=None, comment=None):
        """Remove {which} documents matching the query."""
        concern = self._concern_for(session)
        return Outcome(
            self._remove(
                query,
                {multi},
                concern=concern,
                collation=collation,
                hint=hint,
                session=session,
                let=let,
                comment=comment,
            ),
            concern.acknowledged,
        )
'''


def test_public_methods_that_pass_their_arguments_to_a_shared_private_one_are_left(project: Path) -> None:
    write(project, "store/collection.py", "class Collection:\n    def _remove(self, query, multi, **options):\n"
          "        return self.db.send(query, multi, options)\n" + REMOVER.format(which="one", multi="False")
          + REMOVER.format(which="many", multi="True"))
    clones = run(project).clones
    assert clones and clones[0].recommendation.action == "leave"
    assert "thin delegators" in clones[0].recommendation.reason


#: A public method that checks its arguments, then hands them on by position to the class doing the work.
WATCHER = '''
    def watch(self, pipeline=None, full_document=None, resume_after=None, max_await_time_ms=None,
              batch_size=None, collation=None, session=None, start_after=None, comment=None):
        """Watch changes on this {what}."""
        check_pipeline("pipeline", pipeline)
        check_positive("batch_size", batch_size)
        stream = {stream}(
            self,
            pipeline,
            full_document,
            resume_after,
            max_await_time_ms,
            batch_size,
            collation,
            session,
            start_after,
            comment,
        )
        stream.open_cursor()
        return stream
'''


def test_public_methods_that_check_and_pass_their_arguments_on_by_position_are_left(project: Path) -> None:
    write(project, "store/collection.py", "class Collection:\n" + WATCHER.format(what="collection", stream="CollectionStream"))
    write(project, "store/database.py", "class Database:\n" + WATCHER.format(what="database", stream="DatabaseStream"))
    clones = run(project).clones
    assert clones and clones[0].recommendation.action == "leave"
    assert "thin delegators" in clones[0].recommendation.reason


#: A setter repeated for two attributes: a helper would take the attribute and remove just the minimum.
SETTER = '''
    def set_{what}(self, *args, **kwargs):
        if args or kwargs:
            self._{what} = make_pen(*args, **kwargs)
        else:
            self._{what} = make_pen(default_colour())
        self.label.set_colour(self._{what}.color())
        self.refresh_label()
        self.update()
'''


def test_a_helper_taking_what_differs_must_save_more_than_the_minimum(project: Path) -> None:
    write(project, "axis.py", "class Axis:\n" + SETTER.format(what="pen") + SETTER.format(what="text_pen"))
    advice = run(project).clones[0].recommendation
    assert advice.action == "leave"
    assert "no more than the minimum clone size of 6, and each call would spell out what differs" in advice.reason


#: A public method that returns early without its attribute, then hands its arguments on by name.
ICON_URL = '''
    def make_{what}_url(self, ext="png", size=4096, lossless=True, animated=False, quality=None):
        """The URL of this team's {what}, if set."""
        if self.{what}_hash is None:
            return None
        return routes.CDN_{what}.compile_to_file(
            urls.CDN_URL,
            team_id=self.id,
            hash=self.{what}_hash,
            ext=ext,
            size=size,
            lossless=lossless,
            animated=animated,
            quality=quality,
        )
'''


def test_guarded_public_methods_that_pass_their_arguments_on_are_left(project: Path) -> None:
    write(project, "teams.py", "class Team:\n" + ICON_URL.format(what="icon") + ICON_URL.format(what="banner"))
    clones = run(project).clones
    assert clones and clones[0].recommendation.action == "leave"
    assert "thin delegators" in clones[0].recommendation.reason


def test_a_base_most_of_the_package_derives_from_is_no_home_for_two_of_its_subclasses(project: Path) -> None:
    write(project, "items/base.py", "class Item:\n    def draw(self):\n        return None\n")
    for n in range(24):  # the package's foundation: every item derives from it
        write(project, f"items/kind{n}.py", f"from items.base import Item\n\n\nclass Kind{n}(Item):\n    size = {n}\n")
    method = textwrap.indent(LOADER.replace("def load_totals(path, limit)", "def totals(self, path, limit)"), "    ")
    write(project, "items/bar.py", "from items.base import Item\n\n\nclass Bar(Item):\n" + method)
    write(project, "items/mesh.py", "from items.base import Item\n\n\nclass Mesh(Item):\n" + method)
    advice = run(project).clones[0].recommendation
    assert advice.action == "consolidate" and advice.home in ("items/bar.py", "items/mesh.py")


def test_a_legacy_copy_beside_its_replacement_is_told_to_go(project: Path) -> None:
    write(project, "pkg/parse.py", LOADER.replace("load_totals", "load_totals_legacy"))
    write(project, "pkg/parse2.py", "import os", LOADER)
    advice = run(project).clones[0].recommendation
    assert advice.action == "consolidate" and advice.home == "pkg/parse2.py"
    assert "load_totals_legacy is the legacy version of load_totals" in advice.reason


def test_home_is_a_module_every_copy_imports_never_a_far_base_or_a_folder(project: Path) -> None:
    method = '''
        def describe(self, request):
            fields = self.fields_for(request)
            values = [request.get(f) for f in fields]
            if not all(values):
                raise LookupError("missing")
            self.cache[request.key] = values
            self.log("described %d", len(values))
            self.stats.count(request.kind)
            self.stats.time(request.kind, self.clock())
            self.events.emit("described", helper(request))
            return dict(zip(fields, values))
    '''
    write(project, "framework/base.py", "class Node:\n    pass\n")
    write(project, "app/views/util.py", "def helper():\n    return 1\n")
    for name in ("first", "second"):
        write(project, f"app/views/{name}/view.py",
              "from framework.base import Node\nfrom app.views.util import helper\n\n\n"
              f"class {name.title()}(Node):\n" + textwrap.indent(textwrap.dedent(method), "    "))
    advice = run(project).clones[0].recommendation
    assert advice.action == "extract" and advice.home == "app/views/util.py"
    assert "already imports" in advice.reason


def test_small_classes_copied_whole_and_identical_files_are_one_family(project: Path) -> None:
    node = '''
    class {name}(Node):
        def __init__(self, left, right):
            self.left = left
            self.right = right

        def evaluate(self, env):
            return self.left.evaluate(env) {op} self.right.evaluate(env)

        def __repr__(self):
            return f"{{self.left!r}} {op} {{self.right!r}}"
    '''
    write(project, "calc/nodes.py", *(node.format(name=n, op="+") for n in ("Add", "Concat", "Union")))
    clones = run(project, min_lines=6).clones
    assert len(clones) == 1 and clones[0].copies == 3
    assert [loc.start_line for loc in clones[0].locations] == [1, 12, 23]

    other = project.parent / "files"
    module = LOADER + "\n\n" + LOADER.replace("load_totals", "load_counts").replace("len(line)", "1")
    write(other, "old/loader.py", module)
    write(other, "new/loader.py", module)
    whole = run(other).clones
    assert len(whole) == 1 and whole[0].kind == "exact"
    assert [(loc.path, loc.start_line) for loc in whole[0].locations] == [("new/loader.py", 1), ("old/loader.py", 1)]
    assert "identical modules" in whole[0].recommendation.reason


def test_structured_content_counts_copies_and_flags_what_the_budget_cut(project: Path) -> None:
    write(project, "pkg/many.py", *(LOADER.replace("load_totals", f"load_{n}") for n in range(40)))
    result = run(project)
    assert result.clones[0].copies == 40
    data = answer(result, Budget(text=2_000, structured=2_000)).structured_content
    family = data["clones"][0]
    assert family["copies"] == 40 and len(family["locations"]) < 40 and family["truncated"] is True


def test_cli_text_is_paged_within_the_tool_budget(project: Path) -> None:
    write(project, "pkg/loaders.py", *(LOADER.replace("load_totals", f"load_{n}") for n in range(30)))
    write(project, "pkg/domains.py", *(RESOLVE.format(name=f"d{n}") for n in range(30)))

    def dupes(*args: str) -> str:
        done = subprocess.run([*console_script(), "dupes", "--root", str(project), "--no-cache", *args],
                              capture_output=True, text=True, timeout=120)
        return done.stdout

    first = dupes("--limit", "1")
    last_line = first.splitlines()[-1]
    assert len(first) <= 10_000 and "more families: pass --cursor" in last_line and "--all" in last_line
    cursor = last_line.split("--cursor ")[1].split()[0]
    assert dupes("--limit", "1", "--cursor", cursor).splitlines()[1].startswith("#2 ")
    everything = dupes("--all")
    assert "more families" not in everything and everything.count("\n#") >= 2


def test_hook_overrides_that_differ_only_in_data_are_left(project: Path) -> None:
    hook = '''
    class {name}Lexer(Lexer):
        def analyse_text(text):
            score = 0.0
            if re.search(r"{a}", text):
                score += 0.3
            if re.search(r"{b}", text):
                score += 0.3
            if re.search(r"{c}", text):
                score += 0.3
            if text.startswith("{d}"):
                score += 0.1
            return min(score, 1.0)
    '''
    others = "".join(f"class L{n}(Lexer):\n    def analyse_text(text):\n        return {n} / 10\n\n\n" for n in range(4))
    write(project, "lexers/base.py", "class Lexer:\n    def analyse_text(text):\n        return 0.0\n")
    write(project, "lexers/more.py", others)
    write(project, "lexers/one.py", "import re", hook.format(name="Gd", a="func", b="extends", c="onready", d="#"))
    write(project, "lexers/two.py", "import re", hook.format(name="Nix", a="import", b="mkDerivation", c="rec",
                                                           d="{"))
    advice = run(project).clones[0].recommendation
    assert advice.action == "leave" and "overrides of one hook (analyse_text" in advice.reason


def test_copies_that_all_warn_they_are_deprecated_are_left_to_go(project: Path) -> None:
    deprecated = LOADER.replace('    total = 0\n', '    warnings.warn("load_x is deprecated", RemovedWarning)\n'
                                                   '    total = 0\n')
    write(project, "pkg/a.py", "import warnings", deprecated)
    write(project, "pkg/b.py", "import warnings, os", deprecated.replace("load_totals", "load_counts"))
    advice = run(project).clones[0].recommendation
    assert advice.action == "leave" and advice.reason.startswith("Deprecated copies")


def test_home_is_the_copy_in_the_package_the_other_copies_import_from(project: Path) -> None:
    write(project, "app/core/other.py", "def base():\n    return 1\n")
    write(project, "app/core/loaders.py", LOADER)
    write(project, "app/contrib/extra.py", "from app.core.other import base", LOADER.replace("load_totals", "tally"))
    advice = run(project).clones[0].recommendation
    assert advice.action == "extract" and advice.home == "app/core/loaders.py"


CHECKER = '''
def check_{name}(record, limits):
    """Refuse a record over its limits."""
    size = len(record.payload)
    if size > limits.maximum:
        raise {error}("record over %d bytes" % limits.maximum)
    fields = {load}(record.payload)
    missing = [f for f in limits.required if f not in fields]
    if missing:
        raise {error}("missing fields: %s" % ", ".join(missing))
    record.fields = fields
    record.checked = True
    return fields
'''


def test_what_differs_asks_the_model_what_names_mean(project: Path) -> None:
    write(project, "alpha/__init__.py", "")
    write(project, "beta/__init__.py", "")
    write(project, "alpha/errors.py", "class CheckError(Exception):\n    pass\n")
    write(project, "beta/errors.py", "class CheckError(ValueError):\n    pass\n")
    write(project, "codec.py", "def decode(data):\n    return dict(data)\n")
    write(project, "alpha/check.py", "from alpha.errors import CheckError\nfrom codec import decode",
          CHECKER.format(name="a", error="CheckError", load="decode"))
    write(project, "beta/check.py", "from beta.errors import CheckError\nfrom codec import decode as parse",
          CHECKER.format(name="b", error="CheckError", load="parse"))
    clone = run(project).clones[0]
    kinds = {d.kind: d.examples for d in clone.differences}
    assert kinds["exception"] == ["alpha.errors.CheckError|beta.errors.CheckError"]
    assert "callee" not in kinds  # parse is decode under another name
    assert clone.changes_behaviour and "do not keep one copy" in clone.recommendation.reason


def test_with_nothing_shared_the_home_is_the_copy_the_tree_imports_most(project: Path) -> None:
    write(project, "lexers/ruby.py", LOADER)
    write(project, "lexers/crystal.py", "import os", LOADER.replace("load_totals", "crystal_totals"))
    write(project, "lexers/erb.py", "from lexers.ruby import load_totals\n")
    write(project, "lexers/haml.py", "from lexers import ruby\n")
    advice = run(project).clones[0].recommendation
    assert advice.home == "lexers/ruby.py" and "the tree imports most" in advice.reason


#: rich's layout splitters (rich 15.0.0, ``rich/layout.py``): one shape with the axes swapped.
SPLITTER = '''
class {name}Splitter(Splitter):
    def divide(self, children, region):
        x, y, width, height = region
        render_sizes = ratio_resolve({size}, children)
        offset = 0
        _Region = Region
        for child, child_size in zip(children, render_sizes):
            yield child, _Region({place})
            offset += child_size
'''


def test_no_advice_to_merge_claims_a_saving_under_the_minimum(project: Path) -> None:
    """The head line said ``saves ~5.8`` (removed lines x similarity) over advice to consolidate."""
    write(project, "layout.py", "class Splitter:\n    pass",
          SPLITTER.format(name="Row", size="width", place="x + offset, y, child_size, height"),
          SPLITTER.format(name="Column", size="height", place="x, y + offset, width, child_size"))
    clones = run(project, min_similarity=0.6).clones
    assert clones, "the splitters are found"
    for clone in clones:
        assert clone.recommendation.action == "leave" or clone.saving >= 6, clone
    assert any("under the minimum clone size" in c.recommendation.reason for c in clones)


#: pylint's extension modules (pylint 4.1.5, ``pylint/extensions/``) open with one header.
CHECKER_HEADER = '''
"""Checker for {name}."""

from __future__ import annotations

from typing import TYPE_CHECKING

from astroid import nodes

from pylint.checkers import BaseChecker
from pylint.checkers.utils import only_required_for_messages

if TYPE_CHECKING:
    from pylint.lint import PyLinter
'''

#: networkx's modules (networkx 3.6.1) open with an import and their export list.
EXPORTS = '''
import networkx as nx

__all__ = [
    "boundary_expansion",
    "conductance",
    "cut_size",
    "edge_expansion",
    "mixing_expansion",
    "node_expansion",
    "normalized_cut_size",
    "volume",
]
'''


def test_module_headers_are_left(project: Path) -> None:
    """Identical import headers (one import under ``if TYPE_CHECKING:``) and ``__all__`` lists
    were told "keep one copy and call it" and "write one helper taking 8 parameters"."""
    for n, name in enumerate(("bad builtins", "elif", "set membership", "while")):
        write(project, f"ext/m{n}.py", CHECKER_HEADER.format(name=name),
              f"def check_{n}(node):\n    return node.name == {name!r}")
    for n in range(3):
        write(project, f"algos/a{n}/cuts.py", EXPORTS.replace("volume", f"volume_{n}"),
              f"def volume_{n}(G):\n    return len(G) + {n}")
    clones = run(project, min_lines=5).clones
    assert len(clones) >= 2, "both headers are found"
    assert all(c.recommendation.action == "leave" for c in clones), [c.recommendation for c in clones]
    assert all("import" in c.recommendation.reason for c in clones)


#: rich's panel (rich 15.0.0, ``rich/panel.py``): the top and bottom rows, one block twice in a
#: protocol method.
PANEL = '''
class Panel:
    def __rich_console__(self, console, options):
        title_text = self._title
        if title_text is None or width <= 4:
            yield Segment(box.get_top([width - 2]), border_style)
        else:
            title_text = align_text(
                title_text,
                width - 4,
                self.title_align,
                box.top,
                border_style,
            )
            yield Segment(box.top_left + box.top, border_style)
            yield from console.render(title_text, child_options.update_width(width - 4))
            yield Segment(box.top + box.top_right, border_style)
        yield new_line
        for line in lines:
            yield line_start
            yield from line
            yield line_end
        subtitle_text = self._subtitle
        if subtitle_text is None or width <= 4:
            yield Segment(box.get_bottom([width - 2]), border_style)
        else:
            subtitle_text = align_text(
                subtitle_text,
                width - 4,
                self.subtitle_align,
                box.bottom,
                border_style,
            )
            yield Segment(box.bottom_left + box.bottom, border_style)
            yield from console.render(subtitle_text, child_options.update_width(width - 4))
            yield Segment(box.bottom + box.bottom_right, border_style)
        yield new_line
'''


def test_a_block_repeated_inside_a_protocol_method_is_not_the_protocol(project: Path) -> None:
    """Each class must define ``__rich_console__``, but a block written twice inside one is code
    to share: it was left as "Protocol method"."""
    write(project, "panel.py", PANEL)
    clones = run(project, min_lines=5).clones
    assert clones, "the two rows are found"
    assert clones[0].recommendation.action == "consolidate", clones[0].recommendation


#: rich's command-line demos (rich 15.0.0, ``rich/json.py``, ``rich/markdown.py``): argparse set-up
#: under the ``__main__`` guard.
DEMO = '''
if __name__ == "__main__":
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Render {what} to the console")
    parser.add_argument("path", metavar="PATH", help="path to file, or - for stdin")
    parser.add_argument("-i", "--indent", metavar="SPACES", type=int, default=2, help="indentation")
    parser.add_argument("-w", "--width", type=int, dest="width", default=None, help="width of output")
    args = parser.parse_args()
    console = Console(width=args.width)
    if args.path == "-":
        text = sys.stdin.read()
    else:
        with open(args.path, "rt") as handle:
            text = handle.read()
    console.print({what}(text, indent=args.indent))
'''


def test_demo_code_under_the_main_guard_is_left(project: Path) -> None:
    """A ``__main__`` block cannot be imported: it was told "keep one copy in rich/live.py and
    call it"."""
    write(project, "pkg/json.py", "class JSON:\n    def __init__(self, text, indent):\n"
                                  "        self.data = loads(text)\n        self.indent = indent", DEMO.format(what="JSON"))
    write(project, "pkg/markdown.py", "class Markdown:\n    def __init__(self, text, indent):\n        if not text:\n"
                                      "            raise ValueError(text)\n        self.blocks = parse(text)",
          DEMO.format(what="Markdown"))
    clones = run(project).clones
    assert clones, "the demos are found"
    assert all(c.recommendation.action == "leave" and "__main__" in c.recommendation.reason for c in clones), \
        [c.recommendation for c in clones]


#: twisted's two ``Connection._closeWriteConnection`` (twisted 26.10.0, ``internet/tcp.py`` and
#: ``internet/iocpreactor/tcp.py``): one calls the interface through its module, one imports it.
CLOSE_WRITE = '''
class Connection:
    def _closeWriteConnection(self):
        try:
            self.socket.shutdown(1)
        except OSError:
            pass
        p = {interface}(self.protocol, None)
        if p:
            try:
                p.writeConnectionLost()
            except BaseException:
                f = failure.Failure()
                log.err()
                self.connectionLost(f)
'''


def test_a_name_reached_through_its_module_is_no_difference(project: Path) -> None:
    """``interfaces.IHalfCloseableProtocol(...)`` against the imported ``IHalfCloseableProtocol(...)``,
    and a signature annotated in one copy only, were "2 statements differ"."""
    for package in ("internet", "internet/iocp"):
        write(project, f"{package}/__init__.py", "")
    write(project, "internet/interfaces.py", "class IHalfCloseableProtocol:\n    pass")
    write(project, "internet/tcp.py", "from internet.interfaces import IHalfCloseableProtocol",
          CLOSE_WRITE.format(interface="IHalfCloseableProtocol").replace("(self):", "(self) -> None:"))
    write(project, "internet/iocp/tcp.py", "from internet import interfaces",
          CLOSE_WRITE.format(interface="interfaces.IHalfCloseableProtocol"))
    clones = run(project).clones
    assert clones, "the copies are found"
    assert clones[0].differences == [] and not clones[0].changes_behaviour, clones[0].differences


#: twisted's reactors (twisted 26.10.0, ``epollreactor.py``, ``kqreactor.py``) name the caught
#: error ``err`` in one and ``e`` in the other.
POLL = '''
def do_poll(self, timeout):
    try:
        events = self._poller.poll(timeout, len(self._selectables))
    except OSError as {name}:
        if {name}.errno == errno.EINTR:
            return
        raise
    for fd, event in events:
        selectable = self._selectables[fd]
        log.callWithLogger(selectable, self._doReadOrWrite, selectable, fd, event)
'''


def test_the_name_of_a_caught_error_is_not_an_exception_type(project: Path) -> None:
    """``except OSError as err`` against ``as e`` was listed as an ``exception`` difference."""
    write(project, "reactors/epoll.py", POLL.format(name="err"))
    write(project, "reactors/kqueue.py", POLL.format(name="e"))
    clones = run(project).clones
    assert clones, "the copies are found"
    assert [d.kind for d in clones[0].differences] == ["name"] and not clones[0].changes_behaviour, \
        clones[0].differences


#: rich's ``Text.pad`` and ``Text.pad_left`` (rich 15.0.0, ``rich/text.py``): the padding itself
#: differs, the assert and the span shift are shared.
PADS = '''
class Text:
    def pad(self, count: int, character: str = " ") -> None:
        """Pad left and right with a given number of characters."""
        assert len(character) == 1, "Character must be a string of length 1"
        if count:
            pad_characters = character * count
            self.plain = f"{pad_characters}{self.plain}{pad_characters}"
            _Span = Span
            self._spans[:] = [
                _Span(start + count, end + count, style)
                for start, end, style in self._spans
            ]

    def pad_left(self, count: int, character: str = " ") -> None:
        """Pad the left with a given character."""
        assert len(character) == 1, "Character must be a string of length 1"
        if count:
            self.plain = f"{character * count}{self.plain}"
            _Span = Span
            self._spans[:] = [
                _Span(start + count, end + count, style)
                for start, end, style in self._spans
            ]
'''


def test_body_statements_that_differ_are_not_counted_as_saved(project: Path) -> None:
    """Statements that differ stay at the call sites: pad/pad_left were told to consolidate,
    saving ~6.6, where a helper removes about four lines."""
    write(project, "text.py", PADS)
    clones = run(project, min_similarity=0.6).clones
    assert clones, "the two methods are found"
    assert all(c.recommendation.action == "leave" for c in clones), [c.recommendation for c in clones]
    assert "under the minimum clone size" in clones[0].recommendation.reason


#: networkx's small named graphs (networkx 3.6.1, ``generators/small.py``): each is its own
#: adjacency table handed to one constructor.
NAMED_GRAPH = '''
def {name}_graph(create_using=None):
    """Returns the {title}."""
    G = nx.from_dict_of_lists(
        {table},
        create_using=create_using,
    )
    G.name = "{title}"
    return G
'''
TABLES = {
    "chvatal": "{0: [1, 4, 6, 9], 1: [2, 5, 7], 2: [3, 6, 8], 3: [4, 7, 9], 4: [5, 8], 5: [10, 11], "
               "6: [10, 11], 7: [8, 11], 8: [10], 9: [10, 11]}",
    "cubical": "{0: [1, 3, 4], 1: [0, 2, 7], 2: [1, 3, 6], 3: [0, 2, 5], 4: [0, 5, 7], 5: [3, 4, 6], "
               "6: [2, 5, 7], 7: [1, 4, 6]}",
    "petersen": "{0: [1, 4, 5], 1: [0, 2, 6], 2: [1, 3, 7], 3: [2, 4, 8], 4: [3, 0, 9], 5: [0, 7, 8], "
                "6: [1, 8, 9], 7: [2, 5, 9], 8: [3, 5, 6], 9: [4, 6, 7]}",
}


def test_tables_of_literal_data_are_left_and_one_table_copied_is_not(project: Path) -> None:
    """Named graphs, each its own adjacency table, were told "merge into one helper, removes
    ~50 lines"; a table copied byte for byte is still a copy to share."""
    write(project, "generators/small.py", *(NAMED_GRAPH.format(
        name=name, title=f"{name.title()} Graph", table="{\n" + ",\n".join(
            f"            {row}" for row in table.strip("{}").replace("], ", "]\n").splitlines()) + "\n        }")
        for name, table in TABLES.items()))
    clones = run(project, min_lines=5).clones
    assert clones and all(c.recommendation.action == "leave" for c in clones), [c.recommendation for c in clones]
    assert "data tables" in clones[0].recommendation.reason
    copied = project.parent / "copied"
    table = NAMED_GRAPH.format(name="petersen", title="Petersen Graph", table=TABLES["petersen"].replace(", ", ",\n"))
    write(copied, "generators/small.py", table)
    write(copied, "generators/famous.py", table.replace("petersen_graph", "famous_petersen_graph"))
    clones = run(copied, min_lines=5).clones
    assert clones and clones[0].recommendation.action != "leave", clones[0].recommendation


#: pylint's version checker (pylint 4.1.5, ``checkers/unsupported_version.py``): one visitor per
#: node type, each reporting when a version flag is off.
VISITOR = '''
    @only_required_for_messages("using-generic-type-syntax-in-unsupported-version")
    def visit_{name}(self, node: nodes.{node}) -> None:
        if not self._py312_plus:
            self.add_message(
                "using-generic-type-syntax-in-unsupported-version",
                node=node,
                confidence=HIGH,
            )
'''


def test_guarded_one_call_methods_are_left(project: Path) -> None:
    """Five visitors, each ``if not flag: self.add_message(...)``, were told to consolidate,
    saving ~20 lines."""
    write(project, "checkers/unsupported.py", "class UnsupportedVersionChecker(BaseChecker):\n" + "\n".join(
        textwrap.indent(textwrap.dedent(VISITOR.format(name=n.lower(), node=n)), "    ")
        for n in ("TypeAlias", "TypeVar", "TypeVarTuple", "ParamSpec", "TryStar")))
    clones = run(project, min_lines=5).clones
    assert clones and all(c.recommendation.action == "leave" for c in clones), [c.recommendation for c in clones]
    assert "guarded one-call" in clones[0].recommendation.reason


#: twisted's conch client (twisted 26.10.0, ``conch/scripts/conch.py``): two terminal flag words
#: masked in raw mode, each with its own flags.
RAW_MODE = '''
def _enterRawMode():
    new = tty.tcgetattr(fd)
    new[0] = new[0] & ~(
        tty.ISTRIP
        | tty.INLCR
        | tty.IGNCR
        | tty.ICRNL
        | tty.IXON
        | tty.IXANY
        | tty.IXOFF
    )
    if hasattr(tty, "IUCLC"):
        new[0] = new[0] & ~tty.IUCLC

    new[3] = new[3] & ~(
        tty.ISIG
        | tty.ICANON
        | tty.ECHO
        | tty.ECHO
        | tty.ECHOE
        | tty.ECHOK
        | tty.ECHONL
    )
    if hasattr(tty, "IEXTEN"):
        new[3] = new[3] & ~tty.IEXTEN
    tty.tcsetattr(fd, tty.TCSANOW, new)
'''


def test_a_helper_taking_more_parameters_than_it_saves_is_not_advised(project: Path) -> None:
    """Two flag masks were told "write one helper taking 10 parameters" to remove 8 lines."""
    write(project, "conch.py", RAW_MODE)
    clones = run(project, min_lines=5).clones
    assert clones and all(c.recommendation.action == "leave" for c in clones), [c.recommendation for c in clones]
    assert "parameters to remove" in clones[0].recommendation.reason


#: networkx's multigraph constructors (networkx 3.6.1, ``classes/multigraph.py`` and
#: ``classes/multidigraph.py``): the same steps, each through its own base class.
MULTI_INIT = '''
class {name}({bases}):
    def __init__(self, incoming_graph_data=None, multigraph_input=None, **attr):
        attr.pop("backend", None)
        if isinstance(incoming_graph_data, dict) and multigraph_input is not False:
            {base}.__init__(self)
            try:
                convert.from_dict_of_dicts(incoming_graph_data, create_using=self, multigraph_input=True)
                self.graph.update(attr)
            except Exception as err:
                if multigraph_input is True:
                    raise nx.NetworkXError(f"converting multigraph_input raised: {{err}}")
                {base}.__init__(self, incoming_graph_data, **attr)
        else:
            {base}.__init__(self, incoming_graph_data, **attr)
'''


def test_another_base_class_called_is_other_behaviour(project: Path) -> None:
    """``DiGraph.__init__`` against ``Graph.__init__`` was a rename, so the advice said "keep one
    copy and call it"; a local name renamed stays a rename."""
    write(project, "classes/__init__.py", "")
    write(project, "classes/graph.py", "class Graph:\n    def __init__(self, data=None, **attr):\n        self.data = data")
    write(project, "classes/digraph.py", "from classes.graph import Graph",
          "class DiGraph(Graph):\n    def __init__(self, data=None, **attr):\n        self.pred = data")
    write(project, "classes/multigraph.py", "from classes.graph import Graph",
          MULTI_INIT.format(name="MultiGraph", bases="Graph", base="Graph"))
    write(project, "classes/multidigraph.py", "from classes.digraph import DiGraph",
          "from classes.multigraph import MultiGraph",
          MULTI_INIT.format(name="MultiDiGraph", bases="MultiGraph, DiGraph", base="DiGraph"))
    clones = run(project).clones
    assert clones, "the constructors are found"
    callee = [d for d in clones[0].differences if d.kind == "callee"]
    assert callee and callee[0].examples[0] == "digraph.DiGraph|graph.Graph", clones[0].differences
    assert "keep one copy and call it" not in clones[0].recommendation.reason
    write(project, "classes/multidigraph.py", "from classes.graph import Graph", "from classes.multigraph import MultiGraph",
          MULTI_INIT.format(name="MultiDiGraph", bases="MultiGraph", base="Graph").replace("err", "error"))
    clones = run(project).clones
    assert clones and [d.kind for d in clones[0].differences] == ["name"], clones[0].differences


#: rich's Win32 wrapper (rich 15.0.0, ``rich/_win32_console.py``): each function is followed by
#: the ctypes declaration of the next one.
WIN32 = '''
def {previous}


_{name} = windll.kernel32.{name}
_{name}.argtypes = [
    wintypes.HANDLE,
    {kind},
    wintypes.DWORD,
    cast(Type[COORD], WindowsCoordinates),
    ctypes.POINTER(wintypes.DWORD),
]
_{name}.restype = wintypes.BOOL
'''


def test_declarations_after_the_end_of_a_function_are_left(project: Path) -> None:
    """ctypes ``argtypes``/``restype`` declarations, the run starting at the previous function's
    ``return``, were told "write one helper taking 2 parameters"."""
    mode = ('get_console_mode(std_handle):\n    console_mode = wintypes.DWORD()\n'
            '    success = bool(_GetConsoleMode(std_handle, console_mode))\n    if not success:\n'
            '        raise LegacyWindowsError("Unable to get legacy Windows Console Mode")\n    return console_mode.value')
    fill = ('fill_character(std_handle, char, length, start):\n    character = ctypes.c_char(char.encode())\n'
            '    num_written = wintypes.DWORD(0)\n    _FillConsoleOutputCharacterW(std_handle, character, length, start,'
            ' byref(num_written))\n    return num_written.value')
    write(project, "win32.py", WIN32.format(previous=mode, name="FillConsoleOutputCharacterW", kind="ctypes.c_char"),
          WIN32.format(previous=fill, name="FillConsoleOutputAttribute", kind="wintypes.WORD"))
    clones = [c for c in run(project, min_lines=5).clones if c.locations[0].function is None]
    assert clones and all(c.recommendation.action == "leave" for c in clones), [c.recommendation for c in clones]
    assert "declarations" in clones[0].recommendation.reason


#: networkx's XML writers (networkx 3.6.1, ``readwrite/gexf.py`` and ``readwrite/graphml.py``):
#: one pretty-printer, the repeat of the indent written ``"  " * level`` in one and
#: ``level * "  "`` in the other.
INDENT = '''
class {name}Writer:
    def indent(self, elem, level=0):
        i = "\\\\n" + {pad}
        if len(elem):
            if not elem.text or not elem.text.strip():
                elem.text = i + "  "
            if not elem.tail or not elem.tail.strip():
                elem.tail = i
            for elem in elem:
                self.indent(elem, level + 1)
            if not elem.tail or not elem.tail.strip():
                elem.tail = i
        else:
            if level and (not elem.tail or not elem.tail.strip()):
                elem.tail = i
'''


def test_operands_of_a_symmetric_operator_written_the_other_way_round_are_no_difference(project: Path) -> None:
    """``"  " * level`` against ``level * "  "`` was "write one helper taking 1 parameter (the
    differing literals)"; ``level + 1`` against ``1 + level`` still differs."""
    write(project, "readwrite/gexf.py", INDENT.format(name="GEXF", pad='"  " * level'))
    write(project, "readwrite/graphml.py", INDENT.format(name="GraphML", pad='level * "  "'))
    clones = run(project).clones
    assert clones and clones[0].differences == [], clones[0].differences if clones else None
    assert "keep one copy" in clones[0].recommendation.reason
    write(project, "readwrite/graphml.py", INDENT.format(name="GraphML", pad='"  " * level').replace(
        "level + 1", "1 + level"))
    clones = run(project).clones
    assert clones and clones[0].differences, "+ joins strings too: its operands are not interchangeable"


def test_generated_and_vendored_copies_are_left_with_the_reason(project: Path) -> None:
    """A generator's output is fixed in the generator, and an old major version kept inside the
    library (a snapshot subpackage: the package's own module names, importing only itself) stays
    as upstream ships it: neither is told to merge, however alike the copies."""
    shortcut = LOADER.replace("    total = 0\n", "    # DO NOT EDIT MANUALLY!!!\n    # This method was auto-generated\n"
                              "    total = 0\n")
    write(project, "api/types/chat.py", "class Chat:\n" + textwrap.indent(shortcut, "    "))
    write(project, "api/types/member.py", "import os", "class Member:\n" + textwrap.indent(shortcut, "    "))
    advice = run(project).clones[0].recommendation
    assert advice.action == "leave" and advice.reason.startswith("Generated code (api/types/chat.py:")
    writer = LOADER.replace("    total = 0\n", '    header = """\\\n# This file was generated. DO NOT EDIT.\n"""\n'
                                              "    total = 0\n")  # a generator writing its output's header
    write(project, "api/types/chat.py", "class Chat:\n" + textwrap.indent(writer, "    "))
    write(project, "api/types/member.py", "import os", "class Member:\n" + textwrap.indent(writer, "    "))
    assert run(project).clones[0].recommendation.action != "leave"

    other = project.parent / "vendored"
    modules = ("color", "fields", "types", "utils", "errors")
    for name in modules:
        write(other, f"lib/{name}.py", f"from lib.utils import helper_{name}" if name != "utils" else "x = 1")
        write(other, f"lib/v1/{name}.py", f"from lib.v1.errors import E_{name}")
    write(other, "lib/__init__.py", "from lib.fields import Field")
    write(other, "lib/v1/__init__.py", "from lib.v1.fields import Field")
    write(other, "lib/color.py", "from lib.utils import helper", LOADER)
    write(other, "lib/v1/color.py", "from lib.v1.utils import helper", LOADER)
    advice = run(other).clones[0].recommendation
    assert advice.action == "leave" and advice.reason.startswith("Vendored code (lib/v1 is a copy of upstream's")
    write(other, "lib/v1/color.py", "from lib.v1.utils import helper", "from lib.types import T", LOADER)
    write(other, "lib/v1/fields.py", "from lib.fields import Field")  # two of five lean on the package: its own part
    assert run(other).clones[0].recommendation.action == "extract"


def test_methods_that_build_one_request_and_hand_it_on_are_boilerplate(project: Path) -> None:
    delegator = '''
    async def {name}(self, chat_id, user_id, until_date=None, revoke=None, request_timeout=None):
        """Ban a user."""
        call = {cls}(
            chat_id=chat_id,
            user_id=user_id,
            until_date=until_date,
            revoke=revoke,
        )
        return await self(call, request_timeout=request_timeout)
    '''
    methods = "".join(delegator.format(name=n, cls=n.title()) for n in ("ban", "unban", "restrict"))
    write(project, "client/bot.py", "class Bot:\n" + textwrap.indent(textwrap.dedent(methods), "    "))
    clones = run(project).clones
    assert clones and all(c.recommendation.action == "leave" for c in clones), [c.recommendation for c in clones]
    assert "builds one request from its own arguments" in clones[0].recommendation.reason


def test_homes_follow_imports_from_a_package_root_and_the_helpers_module_beside_the_copies(project: Path) -> None:
    """The closest module every copy imports or shares: imports written ``pkg.x`` resolve when
    the root is the package folder itself; copies in one folder that both import a sibling are
    not homed in one of them; a ``utils`` module one package up holds helpers for copies below
    it, and a copy already in a ``utils`` module is the home."""
    def body(name: str) -> str:
        return LOADER.replace("load_totals", name).replace("total += len(line)", "total += weigh(line)")

    pkg = project / "pkg"
    write(pkg, "__init__.py", "")
    write(pkg, "series/db.py", "def weigh(line):\n    return len(line)\n")
    write(pkg, "series/episodes.py", "from pkg.series.db import weigh", body("episodes"))
    write(pkg, "series/seasons.py", "from pkg.series.db import weigh", "import os", body("seasons"))
    advice = run(pkg).clones[0].recommendation
    assert advice.home == "series/db.py" and "already imports and uses" in advice.reason

    other = project.parent / "helpers"
    write(other, "app/sites/utils.py", "def weigh(line):\n    return len(line)\n")
    write(other, "app/sites/plugins/alpha.py", "from app.weights import weigh", body("alpha"))
    write(other, "app/sites/plugins/beta.py", "from app.weights import weigh", "import os", body("beta"))
    advice = run(other).clones[0].recommendation
    assert advice.home == "app/sites/utils.py" and "shared helpers" in advice.reason
    write(other, "app/utils.py", "X = 1")  # two packages up: the framework's helpers, no home for these
    (other / "app/sites/utils.py").unlink()
    assert run(other).clones[0].recommendation.home in ("app/sites/plugins/alpha.py", "app/sites/plugins/beta.py")
    write(other, "app/sites/plugins/utils.py", "import os", body("gamma"))
    assert run(other).clones[0].recommendation.home == "app/sites/plugins/utils.py"
    backends = project.parent / "backends"  # a sibling backend's utils is no home for the other backend
    write(backends, "db/oracle/utils.py", body("oracle"))
    write(backends, "db/postgres/operations.py", "import os", body("postgres"))
    assert "shared helpers" not in run(backends).clones[0].recommendation.reason


def test_a_base_class_reached_through_an_imported_package_is_the_home(project: Path) -> None:
    """``class Window(base.Window)`` after ``from app.backend import base``, where ``base`` is a
    package whose ``__init__`` re-exports the class, and other classes named Window elsewhere."""
    method = textwrap.indent(textwrap.dedent(LOADER).replace("def load_totals(path, limit)",
                                                             "def load_totals(self, path, limit)"), "    ")
    write(project, "app/backend/__init__.py", "")
    write(project, "app/backend/base/__init__.py", "from app.backend.base.window import Window")
    write(project, "app/backend/base/window.py", "class Window:\n    pass\n")
    write(project, "app/layout/tree.py", "class Window:\n    pass\n")
    for name in ("wayland", "x11"):
        write(project, f"app/backend/{name}/window.py",
              f"import {name}\nfrom app.backend import base\n\n\nclass Window(base.Window):\n{method}\n")
    advice = run(project).clones[0].recommendation
    assert advice.home == "app/backend/base/window.py" and "shared base class" in advice.reason


def test_declarations_that_differ_in_value_are_no_saving(project: Path) -> None:
    """Class bodies that declare their own values (ID, SUMMARY, HELP ...), then a registration:
    a helper could take over the call, never the declarations, so the merge removes nothing."""
    migration = '''
    from tool.base import Migration


    class {name}(Migration):
        ID = "{name}"
        SUMMARY = "Changes {name}"
        HELP = """
        Moves the {name} option to its new place.

        The old option is read once more and written under its new name, so that
        a configuration written for the last release keeps working with this one.
        """
        AFTER_VERSION = "0.{n}.0"
        REQUIRES = ["{name}-core", "{name}-extra"]
        TESTS = [("old {name}", "new {name}"), ("keep {name}", "keep {name}")]
        ORDER = {n}
        visitor = {name}Visitor


    register({name})
    '''
    for n, name in enumerate(("alpha", "beta", "gamma")):
        write(project, f"tool/migrations/{name}.py", migration.format(name=name, n=n))
    write(project, "tool/base.py", "class Migration:\n    pass\n")
    advice = run(project).clones[0].recommendation
    assert advice.action == "leave" and "remove 0 lines" in advice.reason, advice
