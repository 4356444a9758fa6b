"""The real code the rule benchmarks run on: Django 5.2's package sources and the standard library.

Django comes from its PyPI sdist, unpacked under bench/.data/ (git-ignored):
    pip download --no-deps --no-binary :all: Django==5.2 -d bench/.data/ && tar xzf bench/.data/Django-5.2.tar.gz -C bench/.data
Peer tools live in their own venv, never in our dependencies:
    python3 -m venv bench/.data/venv && bench/.data/venv/bin/pip install ruff fixit pylint
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

from pattern_warden.config import Config, RuleSettings, Settings

BENCH = Path(__file__).resolve().parent
DATA = BENCH / ".data"
VENV_BIN = DATA / "venv" / "bin"
DJANGO = DATA / "Django-5.2" / "django"
STDLIB = Path(sysconfig.get_paths()["stdlib"])
#: Not part of the standard library proper: installed packages and the interpreter's config data.
STDLIB_EXCLUDES = ["site-packages/", "config-3*/"]


def corpora() -> dict[str, tuple[Path, list[str]]]:
    """Name -> (root, extra excludes), for the corpora that are present."""
    found = {"django": (DJANGO, []), "stdlib": (STDLIB, STDLIB_EXCLUDES)}
    missing = [name for name, (root, _) in found.items() if not root.is_dir()]
    if missing:
        raise SystemExit(f"missing corpus {missing}: see bench/corpora.py for the download command")
    return found


def bench_config(root: Path, excludes: list[str], exempt: bool = True) -> Config:
    """Our settings for a corpus; ``exempt=False`` turns off the test/script exemptions so a rule's
    detection logic can be compared with a peer that has no such exemptions."""
    rules = RuleSettings() if exempt else RuleSettings(exempt_paths=[], script_paths=[], content_kinds=False)
    return Config(root=root.resolve(), settings=Settings(exclude=excludes, rules=rules))
