"""Small idioms multiplied by their copies (issue 24, round 8): a helper is judged by what it removes
from each copy, not by that figure times the number of copies. python-docx's 26 None-guarded XML
properties were told "extract, removes ~75 lines"; a few short event handlers of one class, or a
five-line lookup in three methods, stay worth a local helper. Real files in tmp trees, run through
the public clones API."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.test_clones import run, write

#: python-docx's read-only accessors: a documented property over an optional child element.
GETTER = '''
@property
def {name}(self):
    """Value of the `{name}` attribute of the child element, or None when it is absent.

    The child is optional in the schema.
    """
    {child} = self.{child}
    if {child} is None:
        return None
    return {child}.{name}
'''

#: mutagen's module-level ``delete()``: a documented entry point whose body is three calls.
DELETE = '''
@convert_error(IOError, error)
@loadfile(method=False, writable=True)
def delete(filething):
    """Remove tags from a file.

    Args:
        filething (filething)
    Raises:
        MutagenError
    """

    f = {cls}(filething)
    filething.fileobj.seek(0)
    f.delete(filething)
'''

#: pyglet's mouse handlers: one class, the same four lines, only the event name differs.
HANDLER = '''
    @PygletView.method("v@")
    def {name}(self, nsevent):
        x, y = getMousePosition(self, nsevent)
        buttons = mouse.LEFT
        modifiers = getModifiers(nsevent)
        self._window.dispatch_event("{event}", x, y, buttons, modifiers)
'''

#: pyelftools' get_pubtypes/get_pubnames/get_aranges: five body lines a helper takes over.
LOOKUP = '''
    def {name}(self):
        """The {name} table, or None when the file has no such section."""
        if self.{section} is None:
            return None
        stream = self.{section}.stream
        size = self.{section}.size
        table = NameLUT(stream, size, self.structs)
        return table
'''


#: What stands between the properties in python-docx: each element's own, different code.
OTHER = [
    "def _new_{name}(self):\n    return self._add_child('{name}', successors=self._order)\n",
    "def _insert_{name}(self, child):\n    self.insert_element_before(child, *self._order[1:])\n    return child\n",
    "def _remove_{name}(self):\n    for old in self.findall('{name}'):\n        self.remove(old)\n",
]


def _properties(cls: str, names: list[tuple[str, str]], start: int) -> str:
    body = "".join(GETTER.format(name=name, child=child) + "\n" + OTHER[(start + i) % len(OTHER)].format(name=name)
                   for i, (name, child) in enumerate(names))
    return f"class {cls}:\n" + textwrap.indent(textwrap.dedent(body), "    ")


def test_a_none_guarded_property_in_many_packages_is_an_idiom_however_many_copies(project: Path) -> None:
    write(project, "docx/oxml/section.py", _properties("CT_SectPr", [("bottom", "pgMar"), ("top", "pgMar"),
                                                                     ("gutter", "pgMar"), ("start_type", "type")], 0))
    write(project, "docx/oxml/table.py", _properties("CT_TblPr", [("alignment", "jc"), ("style", "tblStyle"),
                                                                  ("layout", "tblLayout"), ("width", "tblW")], 1))
    write(project, "docx/text/font.py", _properties("CT_RPr", [("size", "sz"), ("color", "clr"), ("kern", "kern")], 2))
    clones = run(project).clones
    family = max(clones, key=lambda c: len(c.locations) + len(c.related))
    assert len(family.locations) >= 8, [c.locations for c in clones]
    advice = family.recommendation
    assert advice.action == "leave", advice.reason
    assert "A small idiom: a helper would remove 3 line(s) per copy" in advice.reason
    assert "different packages" in advice.reason


def test_a_three_line_body_copied_into_seven_modules_is_an_idiom(project: Path) -> None:
    for i, name in enumerate(("flac", "ogg", "opus", "speex", "theora", "vorbis", "aiff")):
        write(project, f"tags/{name}.py", "from tags._util import convert_error, loadfile",
              f"class {name.title()}:\n    kind = {i}\n", DELETE.format(cls=name.title()))
    write(project, "tags/_util.py", "def loadfile(method, writable):\n    return lambda f: f\n")
    clones = run(project).clones
    assert clones, "the seven delete() functions are one family"
    advice = clones[0].recommendation
    assert len(clones[0].locations) == 7
    assert advice.action == "leave", advice.reason
    assert "remove 2 line(s) per copy" in advice.reason and "under half the minimum clone size" in advice.reason


def test_short_handlers_of_one_class_with_simple_calls_are_still_merged(project: Path) -> None:
    events = [("mouseDown_", "on_mouse_press"), ("mouseUp_", "on_mouse_release"), ("otherMouseDown_", "on_press"),
              ("otherMouseUp_", "on_release"), ("rightMouseDown_", "on_right_press"),
              ("rightMouseUp_", "on_right_release")]
    write(project, "window/view.py", "from window.lib import PygletView, getModifiers, getMousePosition, mouse",
          "class PygletView_Implementation:\n" + "".join(HANDLER.format(name=n, event=e) for n, e in events))
    write(project, "window/lib.py", "class PygletView:\n    pass\n")
    clones = run(project).clones
    assert clones, "the six handlers are one family"
    advice = clones[0].recommendation
    assert advice.action == "consolidate" and advice.home == "window/view.py", advice.reason


def test_five_lines_removed_from_each_of_three_copies_is_no_idiom(project: Path) -> None:
    sections = [("get_pubtypes", "pubtypes_sec"), ("get_pubnames", "pubnames_sec"), ("get_aranges", "aranges_sec")]
    write(project, "elf/dwarfinfo.py", "from elf.lut import NameLUT",
          "class DWARFInfo:\n" + "".join(LOOKUP.format(name=n, section=s) for n, s in sections))
    write(project, "elf/lut.py", "class NameLUT:\n    def __init__(self, stream, size, structs):\n"
          "        self.stream = stream\n")
    clones = run(project).clones
    assert clones, "the three lookups are one family"
    advice = clones[0].recommendation
    assert advice.action == "consolidate", advice.reason


#: hikari's gateway handlers: four lines each, every one naming its own event's parts.
HANDLER_HOOK = '''
    @filtered(events.{event}Event)
    async def on_{name}(self, shard, payload):
        event = self._factory.deserialize_{name}_event(shard, payload)
        self._cache.set_{name}(event.{part})
        self._stats.count("{name}")
        await self.dispatch(event)
'''


def test_short_handlers_whose_calls_pass_three_values_each_are_an_idiom(project: Path) -> None:
    names = [("ready", "Ready", "my_user"), ("channel_create", "ChannelCreate", "channel"),
             ("thread_delete", "ThreadDelete", "thread"), ("role_update", "RoleUpdate", "role"),
             ("emoji_add", "EmojiAdd", "emoji")]
    write(project, "impl/event_manager.py", "from impl.base import events, filtered",
          "class EventManagerImpl:\n" + "".join(HANDLER_HOOK.format(name=n, event=e, part=p) for n, e, p in names))
    write(project, "impl/base.py", "events = None\n\n\ndef filtered(kind):\n    return lambda f: f\n")
    clones = run(project).clones
    assert clones and len(clones[0].locations) == 5, "the five handlers are one family"
    advice = clones[0].recommendation
    assert advice.action == "leave", advice.reason
    assert "each call would pass" in advice.reason
