"""Clone advice on the shapes round 6 of issue 24 got wrong: homes that hold no code, API methods
whose helper call would spell out every argument again, protocol methods with a differing line,
a decorator that only renames arguments taken for a deprecation. Real files in tmp trees, run
through the public clones API."""

from __future__ import annotations

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
