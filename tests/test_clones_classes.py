"""Whole classes as one family (issue 24, item 6): a class copied into another module with its
names changed, three neighbouring classes of one shape, and, against them, two unrelated classes
that share one method. Real files in tmp trees, run through the public clones API and the CLI."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from pattern_warden.clones.models import CloneClass
from tests.test_clones import write

#: pyelftools' CompileUnit, cut down: TypeUnit is this class with ``cu_`` renamed ``tu_``.
UNIT = '''
from pkg.die import DIE


class CompileUnit:
    """A unit of debugging information."""

    def __init__(self, header, dwarfinfo, structs, cu_offset, cu_die_offset):
        self.header = header
        self.dwarfinfo = dwarfinfo
        self.structs = structs
        self.cu_offset = cu_offset
        self.cu_die_offset = cu_die_offset
        self._dielist = []
        self._diemap = []

    def dwarf_format(self):
        return self.structs.dwarf_format

    def get_top_DIE(self):
        """The first DIE of the unit, read once."""
        if self._dielist:
            return self._dielist[0]
        top = DIE(cu=self, stream=self.dwarfinfo.debug_info_sec.stream, offset=self.cu_die_offset)
        self._dielist.insert(0, top)
        self._diemap.insert(0, self.cu_die_offset)
        top._terminator = self._get_cached_DIE(top.offset + top.size)
        if top.has_children:
            top._terminator = None
        return top

    def iter_DIE_children(self, die):
        """The children of ``die``, each read once."""
        if not die.has_children:
            return
        cur_offset = die.offset + die.size
        while True:
            child = self._get_cached_DIE(cur_offset)
            child.set_parent(die)
            if child.is_null():
                die._terminator = child
                return
            yield child
            if not child.has_children:
                cur_offset += child.size
            elif "DW_AT_sibling" in child.attributes:
                cur_offset = self.cu_offset + child.attributes["DW_AT_sibling"].value
            else:
                for _ in self.iter_DIE_children(child):
                    pass
                cur_offset = child._terminator.offset + child._terminator.size

    def _get_cached_DIE(self, offset):
        """The DIE at ``offset``, from the cache when it was read before."""
        i = len(self._diemap)
        while i > 0 and self._diemap[i - 1] > offset:
            i -= 1
        if i > 0 and self._diemap[i - 1] == offset:
            return self._dielist[i - 1]
        die = DIE(cu=self, stream=self.dwarfinfo.debug_info_sec.stream, offset=offset)
        self._dielist.insert(i, die)
        self._diemap.insert(i, offset)
        return die
'''

#: A class of its own beside the copies: it shares nothing with them.
DIE_MODULE = '''
class DIE:
    def __init__(self, cu, stream, offset):
        self.cu = cu
        self.stream = stream
        self.offset = offset
        self.size = 1
        self.has_children = False
        self.attributes = {}
        self._terminator = None

    def set_parent(self, die):
        self._parent = die

    def is_null(self):
        return self.stream is None
'''


def _copied(project: Path) -> None:
    write(project, "pkg/__init__.py", "")
    write(project, "pkg/die.py", DIE_MODULE)
    write(project, "pkg/compileunit.py", UNIT)
    own = ("    def get_type_signature(self):\n        return self.header['signature']\n\n"
           "    def get_top_DIE(self):")
    write(project, "pkg/typeunit.py", UNIT.replace("CompileUnit", "TypeUnit").replace("cu_", "tu_")
          .replace("debug_info_sec", "debug_types_sec").replace("    def get_top_DIE(self):", own))
    write(project, "pkg/dwarfinfo.py", "from pkg.compileunit import CompileUnit\nfrom pkg.typeunit import TypeUnit\n")


def _rows(clone: CloneClass) -> set[tuple[str, int]]:
    return {(loc.path, n) for loc in [*clone.locations, *clone.related] for n in range(loc.start_line, loc.end_line + 1)}


def test_a_class_copied_with_renames_into_another_module_is_one_family(project: Path) -> None:
    from tests.test_clones import run

    _copied(project)
    clones = run(project).clones
    whole = [c for c in clones if c.detail]
    assert len(whole) == 1, [c.id for c in clones]
    family = whole[0]
    assert [(loc.path, loc.function) for loc in family.locations] == [
        ("pkg/compileunit.py", "CompileUnit"), ("pkg/typeunit.py", "TypeUnit")]
    assert family.detail == \
        "class CompileUnit (pkg/compileunit.py) and class TypeUnit (pkg/typeunit.py): 5 of 5 methods the same or renamed"
    assert any(m.startswith("iter_DIE_children ") for m in family.methods)
    assert "dwarf_format exact (too small to report alone)" in family.methods
    assert family.recommendation.action == "consolidate"
    # the module the home logic picks for the copies: one both import and use (or the original's)
    assert family.recommendation.home in ("pkg/die.py", "pkg/compileunit.py"), family.recommendation.reason
    assert "base class" in family.recommendation.reason or "subclass" in family.recommendation.reason
    # the methods it covers are not reported again, each as a family of its own
    for other in clones:
        if other is not family:
            assert not any(loc.function and loc.function.startswith(("CompileUnit.", "TypeUnit."))
                           for loc in other.locations), other


def test_an_unrelated_pair_of_classes_sharing_one_method_stays_a_method_family(project: Path) -> None:
    from tests.test_clones import LOADER, run

    method = textwrap.indent(LOADER.replace("(path", "(self, path"), "    ")
    write(project, "pkg/reports.py", "class Report:\n    def title(self):\n        return self.name.upper()\n"
          + method + "\n    def pages(self, book):\n        return [p for p in book if p.visible and p.number > 0]\n")
    write(project, "pkg/stock.py", "class Stock:\n    def count(self, shelf):\n        return sum(shelf.items.values())\n"
          + method + "\n    def reorder(self, supplier):\n        supplier.send(self.missing, urgent=True)\n")
    clones = run(project).clones
    assert len(clones) == 1, [c.id for c in clones]
    assert clones[0].detail is None
    assert [loc.function for loc in clones[0].locations] == ["Report.load_totals", "Stock.load_totals"]


#: mutagen's ASF attributes: classes in a row that differ only in their literals.
ATTRIBUTE = '''
@register
class ASF{name}Attribute(BaseAttribute):
    """{name} attribute."""

    TYPE = {type}

    def parse(self, data):
        return struct.unpack("<{code}", data)[0]

    def _render(self):
        return struct.pack("<{code}", self.value)

    def _validate(self, value):
        value = int(value)
        if not 0 <= value <= 2 ** {bits} - 1:
            raise ValueError("Out of range")
        return value

    def data_size(self):
        return {size}
'''


def test_neighbouring_classes_of_one_shape_are_one_family_of_all_of_them(project: Path) -> None:
    from tests.test_clones import run

    write(project, "attrs.py", "import struct\nfrom base import BaseAttribute, register",
          *(ATTRIBUTE.format(name=name, type=n, code=code, bits=bits, size=size)
            for n, (name, code, bits, size) in enumerate((("DWord", "L", 32, 4), ("QWord", "Q", 64, 8),
                                                          ("Word", "H", 16, 2)), 3)))
    clones = run(project).clones
    assert len(clones) == 1, [c.id for c in clones]
    family = clones[0]
    assert [loc.function for loc in family.locations] == ["ASFDWordAttribute", "ASFQWordAttribute", "ASFWordAttribute"]
    assert family.detail and family.detail.endswith("4 of 4 methods the same or renamed")
    assert family.recommendation.action == "consolidate", family.recommendation.reason
    assert "one base class" in family.recommendation.reason


def test_the_cli_text_names_the_classes_and_their_method_pairs(project: Path) -> None:
    _copied(project)
    out = subprocess.run([sys.executable, "-m", "pattern_warden", "dupes", "--no-cache", "."], cwd=project,
                         capture_output=True, text=True, check=True).stdout
    head = out.splitlines()[1:4]
    assert head[0].startswith("#1 consolidate -> pkg/"), out
    assert head[1].startswith("  classes: class CompileUnit (pkg/compileunit.py) and class TypeUnit"), out
    assert head[2].startswith("  methods: ") and "_get_cached_DIE" in head[2], out


def _derived(project: Path, base: str, module: str = "base") -> None:
    """The copied pair of ``_copied``, both deriving from ``UnitBase`` in pkg/<module>.py."""
    _copied(project)
    write(project, f"pkg/{module}.py", base)
    for name, path in (("CompileUnit", "pkg/compileunit.py"), ("TypeUnit", "pkg/typeunit.py")):
        text = (project / path).read_text()
        (project / path).write_text(text.replace(f"class {name}:", f"class {name}(UnitBase):")
                                    .replace("from pkg.die import DIE", f"from pkg.{module} import UnitBase\nfrom pkg.die import DIE"))


def test_a_shared_base_holding_code_is_where_the_copied_methods_go(project: Path) -> None:
    from tests.test_clones import run

    _derived(project, "class UnitBase:\n    def offsets(self, dies):\n        return [die.offset for die in dies if die]\n")
    family = next(c for c in run(project).clones if c.detail)
    assert family.recommendation.home == "pkg/base.py", family.recommendation.reason
    assert "UnitBase (pkg/base.py), the base class they share" in family.recommendation.reason


def test_an_interface_both_implement_is_no_home_for_their_copied_methods(project: Path) -> None:
    from tests.test_clones import run

    # nltk's StemmerI: the interface's module is the one the home logic picks for the copies
    _derived(project, "class UnitBase:\n    def get_top_DIE(self):\n        raise NotImplementedError\n", "api")
    family = next(c for c in run(project).clones if c.detail)
    assert family.recommendation.home in ("pkg/compileunit.py", "pkg/typeunit.py"), family.recommendation.reason
    assert "subclass" in family.recommendation.reason


def test_like_bodies_under_other_names_link_no_classes(project: Path) -> None:
    """sqlglot's Parser and MySQLParser: binary-operator parsers of one shape under other names
    are one idiom written twice, not a class copied."""
    from tests.test_clones import LOADER, LOADER_RENAMED, run
    from tests.test_clones_decisions import HWIDS

    def methods(*functions: str) -> str:
        return "".join(textwrap.indent(f.replace("(path", "(self, path").replace("(filename", "(self, filename")
                                       .replace("(limit)", "(self, limit)"), "    ") for f in functions)

    write(project, "pkg/a.py", "from pkg import structures, constants\n\n\nclass Reader:\n"
          + methods(LOADER, HWIDS))
    write(project, "pkg/b.py", "from pkg import structures, constants\n\n\nclass Scanner:\n"
          + methods(LOADER_RENAMED, "\ndef describe(self):\n    return f'{self.vendor} scanner'\n",
                    HWIDS.replace("list_hardware", "enumerate_devices")))
    clones = run(project).clones
    assert len(clones) == 2, [c.id for c in clones]
    assert all(c.detail is None for c in clones)


def test_classes_copied_into_another_package_are_not_told_to_subclass_each_other(project: Path) -> None:
    """scapy's ASN.1 field and its CBOR port, ezdxf's two browser add-ons: a class of one package
    copied into another is kept, and changed together, not made a subclass across packages."""
    from tests.test_clones import run

    write(project, "pkg/__init__.py", "")
    for package, unit in (("dwarf", UNIT), ("types", UNIT.replace("CompileUnit", "TypeUnit").replace("cu_", "tu_"))):
        write(project, f"pkg/{package}/__init__.py", "")
        write(project, f"pkg/{package}/die.py", DIE_MODULE.replace("class DIE", f"class DIE:\n    KIND = '{package}'\n\n\nclass _{package.title()}DIE"))
        write(project, f"pkg/{package}/unit.py", unit.replace("from pkg.die import", f"from pkg.{package}.die import"))
    family = next(c for c in run(project).clones if c.detail)
    reason = family.recommendation.reason
    assert family.recommendation.action == "leave", family.recommendation
    assert "different packages (pkg/dwarf, pkg/types) that do not import each other" in reason
    assert "let " not in reason, reason


def test_classes_in_packages_that_import_each_other_may_subclass(project: Path) -> None:
    """TypeUnit's module already imports CompileUnit's: subclassing ties nothing new together."""
    from tests.test_clones import run

    write(project, "pkg/__init__.py", "")
    write(project, "pkg/dwarf/__init__.py", "")
    write(project, "pkg/dwarf/compileunit.py", UNIT.replace("from pkg.die import DIE", "from pkg.dwarf.die import DIE"))
    write(project, "pkg/dwarf/die.py", DIE_MODULE)
    write(project, "pkg/types/__init__.py", "")
    write(project, "pkg/types/typeunit.py", UNIT.replace("CompileUnit", "TypeUnit").replace("cu_", "tu_").replace(
        "from pkg.die import DIE", "from pkg.dwarf.compileunit import CompileUnit\nfrom pkg.dwarf.die import DIE"))
    family = next(c for c in run(project).clones if c.detail)
    assert family.recommendation.action != "leave", family.recommendation
