"""Clone advice on the shapes rounds 6 and 7 of issue 24 got wrong: homes that hold no code, API methods
whose helper call would spell out every argument again, protocol methods with a differing line,
a decorator that only renames arguments taken for a deprecation. Real files in tmp trees, run
through the public clones API."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.test_clones import LOADER, run, write

#: A driver's function both copies of a vendor driver hold (python-can's ixxat pair).
HWIDS = '''
def list_hardware(limit):
    """Every device the vendor library sees."""
    found = []
    handle = structures.open_list(constants.FIRST)
    while True:
        info = structures.next_device(handle)
        if info is None or len(found) >= limit:
            break
        if info.kind != constants.CAN_KIND:
            continue
        found.append(info.name)
        structures.log_device(info.name, constants.LEVEL)
    structures.close_list(handle)
    return found
'''


def test_a_module_of_constants_both_copies_import_is_no_home_for_a_function(project: Path) -> None:
    write(project, "can/acme/constants.py", "FIRST = 0\nCAN_KIND = 1\nLEVEL = 2\n")
    write(project, "can/acme/structures.py", "import ctypes\n\n\nclass Device(ctypes.Structure):\n"
          "    _fields_ = []\n\n    def __str__(self):\n        return 'device'\n")
    write(project, "can/acme/__init__.py", "from can.acme.driver_one import list_hardware\n")
    write(project, "can/acme/driver_one.py", "from can.acme import constants, structures", HWIDS,
          "def version():\n    return constants.FIRST\n")
    write(project, "can/acme/driver_two.py", "from can.acme import constants, structures", HWIDS,
          "def channels(bus):\n    return [c for c in bus if c.kind == constants.CAN_KIND]\n")
    advice = run(project).clones[0].recommendation
    assert advice.action == "consolidate"
    assert advice.home == "can/acme/driver_one.py", advice.reason


def test_a_package_init_that_only_re_exports_stands_for_the_module_it_re_exports(project: Path) -> None:
    write(project, "io/requests/__init__.py", "from .state import ConnectionState\nfrom .other import Other\n")
    write(project, "io/requests/state.py", "class ConnectionState:\n    def send(self, channel):\n"
          "        return channel\n")
    write(project, "io/requests/other.py", "class Other:\n    def send(self, channel):\n        return channel\n")
    body = LOADER.replace("    total = 0\n", "    total = 0\n    ConnectionState().send(path)\n")
    write(project, "io/tunnel.py", "from io.requests import ConnectionState", body)
    write(project, "io/management.py", "from io.requests import ConnectionState",
          body.replace("load_totals", "load_counts"))
    advice = run(project).clones[0].recommendation
    assert advice.home == "io/requests/state.py", advice.reason


def test_a_decorator_that_renames_old_arguments_is_no_deprecation(project: Path) -> None:
    renamed = '@deprecated_args_alias(deprecation_start="4.0", old_name="new_name")\n' + LOADER.strip("\n")
    write(project, "pkg/util.py", "def deprecated_args_alias(**renames):\n    return lambda f: f\n")
    write(project, "pkg/a.py", "from pkg.util import deprecated_args_alias", renamed)
    write(project, "pkg/b.py", "from pkg.util import deprecated_args_alias\nimport os",
          renamed.replace("load_totals", "load_counts"))
    advice = run(project).clones[0].recommendation
    assert advice.action == "consolidate", advice.reason


#: twitchio's PartialUser.fetch_*_analytics: check the arguments, then hand every one of them on.
ANALYTICS = """
    async def fetch_{kind}_analytics(self, *, token_for, {kind}_id=None, started_at=None, ended_at=None,
                                     first=20, max_results=None, analytics_type=None, broadcaster_id=None):
        \"\"\"Fetch the analytics of one {kind}.\"\"\"
        if first > 100:
            raise ValueError("You may only set first to at most 100.")
        if bool(started_at) != bool(ended_at):
            raise ValueError("Both started_at and ended_at must be provided together.")
        if started_at is not None:
            started_at = started_at.isoformat()
            ended_at = ended_at.isoformat()
        return await self._http.get_{kind}_analytics(
            first=first,
            token_for=token_for,
            {kind}_id={kind}_id,
            started_at=started_at,
            ended_at=ended_at,
            max_results=max_results,
            analytics_type=analytics_type,
            broadcaster_id=broadcaster_id,
        )
"""
USER = "class PartialUser:\n    def __init__(self, http):\n        self._http = http\n" + \
    "".join(ANALYTICS.format(kind=kind) for kind in ("extension", "game"))


def test_api_methods_whose_helper_call_would_pass_every_argument_again_are_left(project: Path) -> None:
    write(project, "twitch/user.py", USER)
    clones = run(project).clones
    assert clones, "the two methods are one family"
    advice = clones[0].recommendation
    assert advice.action == "leave", advice.reason
    assert "each call takes" in advice.reason and "lines to pass its arguments" in advice.reason
    assert clones[0].saving <= 6


def test_a_shared_body_that_hands_nothing_on_is_still_merged(project: Path) -> None:
    kept = ANALYTICS.split("        return await")[0] + "        return await self._http.get(started_at)\n"
    write(project, "twitch/user.py", "class PartialUser:\n    _http = None\n" +
          "".join(kept.format(kind=kind) for kind in ("extension", "game")))
    clones = run(project).clones
    assert clones and clones[0].recommendation.action == "consolidate", clones[0].recommendation.reason if clones else ""


def test_copies_whose_home_is_a_new_helper_elsewhere_all_become_calls(project: Path) -> None:
    """twitchio's three ``image`` properties: a helper in the helpers module above them is written
    anew and every copy calls it, so no copy is kept and the merge removes too little. (The
    package above is below the top-level one: the top-level package's helpers are no home for
    copies in a sub-package, see ``test_clones_homes``.)"""
    prop = '''
        @property
        def image(self):
            """The image's URLs, if any."""
            if self._image is None:
                return None
            urls = {key: str(value) for key, value in self._image.items()}
            return urls
    '''
    write(project, "twitch/api/utils.py", "def clamp(value, top):\n    return min(value, top)\n")
    for name in ("bits", "points", "events"):
        write(project, f"twitch/api/models/{name}.py",
              f"class {name.title()}:\n    _image = None\n\n" + textwrap.indent(textwrap.dedent(prop), "    "))
    clones = run(project).clones
    assert clones, "the three properties are one family"
    assert clones[0].recommendation.action == "leave", clones[0].recommendation.reason


#: reportlab's ArrowOne/ArrowTwo.draw: one widget set-up around two different polygons.
ARROW = '''
    def draw(self):
        """Draw the arrow."""
        size = self.size
        group = Group()
        x, y = self.x, self.y
        points = [
            {points}
        ]
        group.add(Polygon(points=points, fillColor=self.fillColor, strokeColor=self.strokeColor,
                          strokeWidth=self.strokeWidth))
        return group
'''


def test_statements_that_differ_take_all_their_rows_out_of_the_saving(project: Path) -> None:
    one = ",\n            ".join(f"x + size * {n / 10}, y + size * {n / 20}" for n in range(9))
    two = ",\n            ".join(f"x - size * {n / 7}, y + size * {n / 3}, x, y" for n in range(6))
    write(project, "widgets/arrows.py",
          *(f"class Arrow{name}:\n" + ARROW.replace("{points}", points) for name, points in (("One", one), ("Two", two))))
    clones = run(project, min_similarity=0.6).clones
    assert clones, "the two draw methods are one family"
    assert clones[0].recommendation.action == "leave", clones[0].recommendation.reason


#: twitchio's two web adapters' set-up: long shared calls, short framework lines between.
CHECKS = (("host", "normalise_host", 'default="localhost"'), ("port", "check_port", "lowest=1"),
          ("secret", "check_secret", "minimum=10"), ("domain", "normalise_domain", 'scheme="https"'),
          ("paths", "normalise_paths", 'prefix="/"'), ("callback", "join_url", '"callback"'))
ADAPTER = "class {name}Adapter:\n    def configure(self, host, port, secret, domain, paths, callback):\n" + "".join(
    f"        self.{field} = {check}(\n            {field},\n            {option},\n            strict=True,\n        )\n"
    for field, check, option in CHECKS) + "        {extra}\n"


def test_a_few_short_differing_lines_among_long_shared_ones_are_no_different_work(project: Path) -> None:
    aio = ADAPTER.format(name="Aiohttp", extra="assert self.port\n        self.runner = self.site = None\n"
                                               "        del self.paths[0]\n        self.tasks += []")
    star = ADAPTER.format(name="Starlette", extra="global SERVER\n        SERVER = None\n"
                                                  "        self.app.state.ready = yield_later(self.server)\n"
                                                  "        raise_if_closed(self.app)")
    write(project, "web/aio_adapter.py", aio)
    write(project, "web/starlette_adapter.py", star)
    clones = run(project, min_similarity=0.6).clones
    assert clones, "the two set-ups are one family"
    assert clones[0].recommendation.action == "consolidate", clones[0].recommendation.reason


def test_an_inner_function_of_a_legacy_named_factory_is_no_legacy_version(project: Path) -> None:
    # urwid's `_make_legacy_input_wrapper` returns a `wrapper`: what the factory makes, not an old
    # version of another screen's reader (round 7 of issue 24)
    inner = textwrap.indent(LOADER.replace("def load_totals(path, limit)", "def wrapper(path, limit)"), "    ")
    write(project, "screens/raw.py", "def _make_legacy_reader(screen):\n" + inner + "    return wrapper\n")
    write(project, "screens/lcd.py", LOADER.replace("load_totals", "read_device"))
    clone = run(project).clones[0]
    assert "legacy version" not in clone.recommendation.reason, clone.recommendation


#: Five body lines: a legacy copy this small saves less than the minimum clone size when removed.
SMALL = '''
def {name}(path, limit):
    """Count the characters of the first lines."""
    total = 0
    with open(path) as handle:
        for line in handle:
            total += len(line) if total <= limit else 0
    return total
'''


def test_a_legacy_copy_under_the_minimum_is_not_advised_to_go(project: Path) -> None:
    write(project, "pkg/parse.py", SMALL.format(name="count_legacy"))
    write(project, "pkg/parse2.py", "import os", SMALL.format(name="count"))
    clones = run(project).clones
    assert clones, "the pair is found"
    assert clones[0].saving < 6 and clones[0].recommendation.action == "leave", clones[0]
