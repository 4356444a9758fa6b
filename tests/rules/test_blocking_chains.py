"""Blocking one call away, found through the project model in a real project on disk.

The project mirrors the three cases of issue 23: an async connect that calls the project's own
sync helper reading a password file; an async static-file route that calls its sync parent
class, which stats and opens the file; an async handler that reads a template from disk on
every request. Each is reported at the call in the coroutine with the chain that blocks.
"""

from __future__ import annotations

from pathlib import Path

from pattern_warden.config import load_config
from pattern_warden.model import ModelBuilder
from pattern_warden.rules.engine import CheckOptions, MemoryStore, check_paths
from pattern_warden.workspace import Workspace
from tests.conftest import write_tree

PROJECT = {
    "pkg/__init__.py": "",
    "pkg/db/__init__.py": "from .connection import connect\n",
    "pkg/db/passfile.py": (
        '"""Password files."""\nimport os\n\n\ndef _read_passfile(path):\n    """Read the first line."""\n'
        "    with open(os.path.expanduser(path)) as fh:\n        return fh.readline().strip()\n"
    ),
    "pkg/db/connection.py": (
        '"""Connections."""\nimport asyncio\nfrom collections import defaultdict\n\n'
        "from pkg.db.passfile import _read_passfile\n\n\n"
        "async def connect(host, passfile='~/.pgpass'):\n    \"\"\"Open a connection.\"\"\"\n"
        "    password = _read_passfile(passfile)\n"
        "    requests = defaultdict(list)\n    requests.get(host)\n"
        "    cached = await asyncio.to_thread(_read_passfile, passfile)\n"
        "    return await asyncio.open_connection(host, 5432), password, cached\n"
    ),
    "pkg/web/__init__.py": "",
    "pkg/web/files.py": (
        '"""Static files."""\nimport os\n\n\nclass Files:\n    """Files below a folder."""\n\n'
        "    def __init__(self, folder):\n        self.folder = folder\n\n"
        "    def lookup(self, name):\n        \"\"\"Stat and read one file.\"\"\"\n"
        "        path = os.path.join(self.folder, name)\n        os.stat(path)\n"
        "        with open(path, 'rb') as fh:\n            return fh.read()\n"
    ),
    "pkg/web/static.py": (
        '"""The async route."""\nfrom .files import Files\n\n\nclass StaticRoute(Files):\n'
        '    """Serves files."""\n\n    async def __call__(self, name):\n        return self.lookup(name)\n'
    ),
    "pkg/web/templates.py": (
        '"""Templates."""\nfrom pathlib import Path\n\nROOT = Path("templates")\n\n\n'
        "def load_template(name):\n    \"\"\"The template's text.\"\"\"\n    return (ROOT / name).read_text()\n\n\n"
        "def render(name, **values):\n    \"\"\"Fill a template in.\"\"\"\n    return load_template(name).format(**values)\n"
    ),
    "pkg/web/handlers.py": (
        '"""Handlers."""\nfrom pkg.web import templates\n\n\n'
        "async def home(request):\n    \"\"\"The home page.\"\"\"\n    return templates.render('home.html', user=request)\n"
    ),
}


def _blocking(project: Path, options: CheckOptions | None = None) -> dict[tuple[str, int], str]:
    result = check_paths(Workspace(load_config(project)), None, options or CheckOptions(select=("ASY001",)))
    return {(f.path, f.line): f.message for f in result.findings if f.code == "ASY001"}


def test_blocking_one_call_away_is_found_with_its_chain(project: Path) -> None:
    write_tree(project, PROJECT)
    found = _blocking(project)
    assert set(found) == {("pkg/db/connection.py", 10), ("pkg/web/static.py", 9), ("pkg/web/handlers.py", 7)}
    assert "connect -> _read_passfile -> open" in found[("pkg/db/connection.py", 10)]
    assert "pkg/db/passfile.py:7" in found[("pkg/db/connection.py", 10)]
    assert "__call__ -> lookup -> open" in found[("pkg/web/static.py", 9)]
    assert "home -> render -> load_template -> read_text" in found[("pkg/web/handlers.py", 7)]


def test_a_helper_edited_elsewhere_changes_the_cached_answer(project: Path) -> None:
    write_tree(project, PROJECT)
    options = CheckOptions(select=("ASY001",), store=MemoryStore(), models=ModelBuilder())
    assert ("pkg/web/handlers.py", 7) in _blocking(project, options)
    templates = project / "pkg/web/templates.py"
    templates.write_text(PROJECT["pkg/web/templates.py"] + "# a comment changes no module's interface\n")
    again = check_paths(Workspace(load_config(project)), None, options)
    assert again.summary.files_from_cache == again.summary.files_checked - 1  # only templates.py is checked
    templates.write_text(PROJECT["pkg/web/templates.py"].replace("(ROOT / name).read_text()", "CACHE[name]"))
    assert ("pkg/web/handlers.py", 7) not in _blocking(project, options)  # handlers.py itself is unchanged


def test_a_cold_parallel_check_finds_the_same_as_one_process(project: Path) -> None:
    """Large enough for the lanes (the model summarised in the workers that then check the files)."""
    filler = {f"pkg/gen/m{i}.py": f'"""Module {i}."""\n\n\ndef f{i}(x):\n    """Twice."""\n    return x * 2\n'
              for i in range(320)}
    write_tree(project, {**PROJECT, "pkg/gen/__init__.py": "", **filler})
    one = _blocking(project, CheckOptions(select=("ASY001",), workers=1))
    two = _blocking(project, CheckOptions(select=("ASY001",), workers=2))
    assert one == two and len(two) == 3
