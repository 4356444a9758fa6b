"""What differs between copies, by meaning (issue 24, round 6): ports over different backends,
one class imported two ways, module handles on other libraries, strings that differ in one
pattern. Real packages in tmp trees, through the public clone API."""

from __future__ import annotations

from pathlib import Path

from pattern_warden.clones.models import CloneClass
from tests.test_clones import run, write

#: A public function copied into a port: the same text calls each backend's own ``concatenate``.
REPEAT = '''
def repeat(a, repeats, axis=None):
    """Repeat each element of an array after itself."""
    if axis is None:
        if a.ndim == 1:
            axis = 0
        else:
            raise NotImplementedError("Must supply an integer axis value")
    if not isinstance(repeats, int):
        raise NotImplementedError("Only integer valued repeats supported")
    if -a.ndim <= axis < 0:
        axis += a.ndim
    elif not 0 <= axis <= a.ndim - 1:
        raise ValueError("axis(=%d) out of bounds" % axis)
    if repeats == 0:
        return a[tuple(slice(None) if d != axis else slice(0) for d in range(a.ndim))]
    elif repeats == 1:
        return a
    out = []
    for piece in a.blocks(axis):
        out.append(piece.map(lambda x: x * repeats))
    return concatenate(out, axis=axis)
'''


#: Something only one module holds, so two modules are not reported as one whole-file copy.
OTHER = "\ndef version():\n    return {'major': 1, 'minor': 4}\n"


def _backends(project: Path, old: str, new: str) -> None:
    """Two backends, each with its own ``concatenate`` (other code) and a copy of ``repeat``."""
    write(project, f"{old}/__init__.py", "")
    write(project, f"{new}/__init__.py", "")
    write(project, f"{old}/core.py", "def concatenate(seq, axis=0):\n    return Graph(seq, axis).build()\n")
    write(project, f"{new}/core.py", "def concatenate(seq, axis=0):\n    return Expr('concat', seq, axis)\n")
    for package in (old, new):
        dotted = package.replace("/", ".")
        write(project, f"{package}/creation.py", f"from {dotted}.core import concatenate\n", REPEAT)


def _kinds(clone: CloneClass) -> dict[str, list[str]]:
    return {d.kind: d.examples for d in clone.differences}


def test_a_port_over_another_backend_is_kept_and_changed_together(project: Path) -> None:
    _backends(project, "arrays", "arrays/expr")
    clone = next(c for c in run(project).clones if c.locations[0].function == "repeat")
    advice = clone.recommendation
    assert advice.action == "leave", advice
    assert "Ports over different backends" in advice.reason and "concatenate" in advice.reason
    assert "change them together" in advice.reason
    assert _kinds(clone)["callee"] == ["core.concatenate|expr.core.concatenate"]


def test_copies_in_sibling_packages_each_naming_its_own_class_are_peers(project: Path) -> None:
    """``kafka`` and ``confluent`` brokers, one plugin per list: no port, a helper takes the class."""
    _backends(project, "brokers/kafka", "brokers/confluent")
    clone = next(c for c in run(project).clones if c.locations[0].function == "repeat")
    assert clone.recommendation.action == "extract", clone.recommendation
    assert "Ports" not in clone.recommendation.reason and "do not keep one copy" in clone.recommendation.reason
    assert _kinds(clone)["callee"] == ["confluent.core.concatenate|kafka.core.concatenate"]


def test_a_port_beside_its_legacy_package_is_removed_once_unused(project: Path) -> None:
    write(project, "arrays/__init__.py", "")
    _backends(project, "arrays/legacy", "arrays/expr")
    advice = next(c for c in run(project).clones if c.locations[0].function == "repeat").recommendation
    assert advice.action == "leave"
    assert "legacy" in advice.reason and "remove the legacy one once nothing uses it" in advice.reason


def test_a_port_importing_its_backend_inside_the_function_is_a_port(project: Path) -> None:
    """dask imports ``Array`` inside ``normalize_index`` (an import cycle): each copy's own."""
    _backends(project, "arrays", "arrays/expr")
    docstring = '    """Repeat each element of an array after itself."""\n'
    local = REPEAT.replace(docstring, docstring + "    from {}core import concatenate\n")
    write(project, "arrays/creation.py", local.format("arrays."))
    write(project, "arrays/expr/creation.py", local.format("."))  # relative: arrays.expr.core
    clone = next(c for c in run(project).clones if c.locations[0].function == "repeat")
    assert "Ports over different backends" in clone.recommendation.reason, clone.recommendation


def test_a_helper_copied_into_both_packages_is_no_difference(project: Path) -> None:
    """dask's ``convert_key``: each package's own, but one text calling nothing of its package."""
    _backends(project, "arrays", "arrays/expr")
    helper = "\n\ndef concatenate(seq, axis=0):\n    seq = list(seq)\n" \
             "    return seq[axis:] + seq[:axis]\n"
    write(project, "arrays/core.py", helper)
    write(project, "arrays/expr/core.py", helper)
    clone = next(c for c in run(project).clones if c.locations[0].function == "repeat")
    assert "callee" not in _kinds(clone) and "keep one copy" in clone.recommendation.reason, clone


def test_copies_calling_one_definition_are_not_ports(project: Path) -> None:
    """Both copies import the same ``concatenate``: a copy to merge, as before."""
    write(project, "arrays/__init__.py", "")
    write(project, "arrays/expr/__init__.py", "")
    write(project, "arrays/core.py", "def concatenate(seq, axis=0):\n    return list(seq)\n")
    write(project, "arrays/creation.py", "from arrays.core import concatenate\n", REPEAT)
    write(project, "arrays/expr/creation.py", "from arrays.core import concatenate\n", OTHER, REPEAT)
    clone = next(c for c in run(project).clones if c.locations[0].function == "repeat")
    assert clone.recommendation.action == "extract" and "keep one copy" in clone.recommendation.reason
    assert "callee" not in _kinds(clone)


#: A device query copied between two drivers, each calling its own module's library handle.
HWIDS = '''
def get_hwids():
    """The hardware ids of every attached device."""
    handle = make_handle()
    found = []
    _lib.openDeviceList(handle)
    try:
        while True:
            info = make_info()
            try:
                _lib.nextDevice(handle, info)
            except StopIteration:
                break
            found.append(info.serial)
            if len(found) > 64:
                break
    finally:
        _lib.closeDeviceList(handle)
    return found
'''


def test_module_handles_on_other_libraries_are_different_objects(project: Path) -> None:
    write(project, "drivers/__init__.py", "")
    for name, dll in (("vci3", "vcinpl.dll"), ("vci4", "vcinpl2.dll")):
        write(project, f"drivers/{name}.py", "import sys\nfrom ctypes import CDLL\n\n_lib = None\n"
              f"if sys.platform == 'win32':\n    _lib = CDLL({dll!r})\n", HWIDS)
    clone = next(c for c in run(project).clones if c.locations[0].function == "get_hwids")
    assert clone.kind == "exact" and clone.changes_behaviour
    assert any("vcinpl.dll" in e and "vcinpl2.dll" in e for e in _kinds(clone)["callee"]), clone.differences
    assert "do not keep one copy" in clone.recommendation.reason


def test_one_module_handle_assigned_alike_is_no_difference(project: Path) -> None:
    write(project, "drivers/__init__.py", "")
    for name, other in (("vci3", ""), ("vci4", OTHER)):
        write(project, f"drivers/{name}.py", "from ctypes import CDLL\n\n_lib = CDLL('vcinpl.dll')\n", other, HWIDS)
    clone = next(c for c in run(project).clones if c.locations[0].function == "get_hwids")
    assert not clone.differences and "keep one copy" in clone.recommendation.reason


def test_one_exception_imported_two_ways_is_one_exception(project: Path) -> None:
    """``from can import Oops`` (re-exported by the package) and ``from can.errors import Oops``
    import one class: the model follows the re-export."""
    write(project, "can/__init__.py", "from can.errors import Oops\n")
    write(project, "can/errors.py", "class Oops(Exception):\n    pass\n")
    body = '''
def fileno(self):
    try:
        return self.port.fileno()
    except io.UnsupportedOperation:
        raise NotImplementedError("fileno is not implemented using current CAN bus on this platform")
    except Exception as exception:
        raise Oops("Cannot fetch fileno") from exception
    finally:
        self.calls += 1
        self.log.debug("fileno asked")
'''
    write(project, "can/serial.py", "import io\nfrom can import Oops\n", body)
    write(project, "can/interfaces/__init__.py", "")
    write(project, "can/interfaces/slcan.py", "import io\nfrom can.errors import Oops\n", body)
    clone = run(project).clones[0]
    assert "exception" not in _kinds(clone), clone.differences


#: Two frames written field by field, the keys differing only in their prefix.
FRAMES = '''
def write_{kind}(self, msg, buffer):
    buffer["{prefix}.BusChannel"] = msg.channel
    buffer["{prefix}.ID"] = msg.arbitration_id
    buffer["{prefix}.IDE"] = int(msg.is_extended_id)
    buffer["{prefix}.DLC"] = msg.dlc
    buffer["{prefix}.DataLength"] = len(msg.data)
    buffer["{prefix}.Dir"] = int(not msg.is_rx)
    buffer["{prefix}.EDL"] = int(msg.is_fd)
    buffer["{prefix}.BRS"] = int(msg.bitrate_switch)
    buffer["{prefix}.ESI"] = int(msg.error_state_indicator)
    buffer["{prefix}.DataBytes"] = bytes(msg.data)
    buffer["{prefix}.Comment"] = "a frame the logger wrote for {prefix} channels, as {prefix} asks"
    self.count += 1
'''


def test_strings_that_differ_in_one_prefix_are_one_parameter(project: Path) -> None:
    write(project, "mf4.py", FRAMES.format(kind="error", prefix="CAN_ErrorFrame"),
          FRAMES.format(kind="data", prefix="CAN_DataFrame"))
    clone = run(project).clones[0]
    strings = next(d for d in clone.differences if d.kind == "string")
    assert strings.slots == 1 and strings.examples == ["ErrorFrame|DataFrame (in 12 strings)"]
    assert clone.recommendation.action == "consolidate", clone.recommendation


#: reportlab's ``Whiter``/``Blacker``: one body mixing with another module constant.
MIX = '''
def {name}(color, fraction):
    """Mix a colour with {name}."""
    color = to_color(color)
    if isinstance(color, CMYKColorSep):
        color = color.clone()
        color.__class__ = CMYKColor
    if isinstance(color, PCMYKColor):
        other = _PCMYK_{tone}
    elif isinstance(color, CMYKColor):
        other = _CMYK_{tone}
    else:
        other = {tone}
    return interpolate(other, color, 0, 1, fraction)
'''


def test_module_constants_of_other_names_are_other_behaviour_not_a_rename(project: Path) -> None:
    constants = "".join(f"_PCMYK_{t} = PCMYKColor({v})\n_CMYK_{t} = CMYKColor({v})\n{t} = Color({v})\n"
                        for t, v in (("white", 0), ("black", 1)))
    write(project, "colors.py", "from base import Color, CMYKColor, CMYKColorSep, PCMYKColor, interpolate, to_color\n",
          constants, MIX.format(name="whiter", tone="white"), MIX.format(name="blacker", tone="black"))
    clone = run(project).clones[0]
    # values taken, not called: other definitions, never "callees"
    assert _kinds(clone)["definition"] == ["_PCMYK_white|_PCMYK_black", "_CMYK_white|_CMYK_black", "white|black"]
    assert "callee" not in _kinds(clone), clone.differences
    assert "do not keep one copy" in clone.recommendation.reason, clone.recommendation


#: A serializer method that names its own class: ``super(Turtle, self)`` and ``Turtle.SPACE``.
SERIALIZE = '''
    def serialize(self, stream, base=None, encoding=None, **args):
        """Write the graph to the stream, with its prefixes first."""
        self.reset()
        self.stream = stream
        if base is not None:
            self.base = base
        super({cls}, self).serialize(stream, base, encoding, **args)
        subjects = self.order_subjects()
        self.pre_process(subjects)
        for subject in subjects:
            if self.is_done(subject):
                continue
            if not self.statement(subject):
                self.write({cls}.SPACE)
        self.write("\\n")
        self.end_document()
        stream.write(b"\\n")
        self.base = None
'''


def test_copies_naming_each_its_own_class_name_no_other_definition(project: Path) -> None:
    """``super(Turtle, self)`` in Turtle's copy and ``super(LongTurtle, self)`` in LongTurtle's
    mean one thing, as ``type(self)`` would in a shared base: no difference in behaviour."""
    write(project, "ser/__init__.py", "")
    write(project, "ser/base.py", "class Serializer:\n    def serialize(self, stream, base, encoding, **args):\n"
                                  "        self.stream = stream\n")
    for module, cls in (("turtle", "Turtle"), ("longturtle", "LongTurtle")):
        write(project, f"ser/{module}.py", "from ser.base import Serializer\n\n\n",
              f"class {cls}(Serializer):\n    SPACE = ' '\n" + SERIALIZE.format(cls=cls),
              f"\n\ndef {module}_version():\n    return {{'{module}': 1}}\n")
    clone = next(c for c in run(project).clones if (c.locations[0].function or "").endswith("serialize"))
    assert {"definition", "callee", "statements"}.isdisjoint(_kinds(clone)), clone.differences
    assert "keep one copy" in clone.recommendation.reason or "shared base" in clone.recommendation.reason, \
        clone.recommendation


def test_a_copy_naming_another_class_than_its_own_still_differs(project: Path) -> None:
    """Turtle's copy names Turtle, LongTurtle's names Turtle too: one definition, no difference;
    but a copy naming a third class is other behaviour."""
    write(project, "ser/__init__.py", "")
    write(project, "ser/base.py", "class Serializer:\n    def serialize(self, stream, base, encoding, **args):\n"
                                  "        self.stream = stream\n")
    write(project, "ser/other.py", "from ser.base import Serializer\n\n\nclass Other(Serializer):\n    SPACE = '\\t'\n")
    write(project, "ser/turtle.py", "from ser.base import Serializer\n\n\n",
          "class Turtle(Serializer):\n    SPACE = ' '\n" + SERIALIZE.format(cls="Turtle"), "def turtle_version():\n    return 1\n")
    write(project, "ser/longturtle.py", "from ser.base import Serializer\nfrom ser.other import Other\n\n\n",
          "class LongTurtle(Serializer):\n    SPACE = ' '\n" + SERIALIZE.format(cls="Other"),
          "def long_version():\n    return 2\n")
    clone = next(c for c in run(project).clones if (c.locations[0].function or "").endswith("serialize"))
    kinds = _kinds(clone)
    assert "definition" in kinds or "callee" in kinds, clone.differences
