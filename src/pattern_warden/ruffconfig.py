"""The Ruff rules a project has switched off, read from its own Ruff configuration.

Read once, by ``load_config``, with the rest of the configuration.

Some of our rules report what a Ruff rule reports (``Rule.ruff``). A project whose Ruff
configuration ignores that rule has decided the question for its code: an f-string in a log
call is its house style, a `raise` without `from` its choice. Reporting it again would be
telling the maintainers they are wrong about their own style, so those rules defer. Only the
root's own files are read (nothing above the configured root), and a file Ruff itself could
not read is treated as saying nothing.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

#: Ruff's configuration files, in the order Ruff itself prefers them.
_FILES = (".ruff.toml", "ruff.toml", "pyproject.toml")
#: The keys that switch rules off, at the top of a Ruff table and under its ``lint`` table.
_KEYS = ("ignore", "extend-ignore")


def ignored_codes(root: Path) -> frozenset[str]:
    """The Ruff selectors (codes or prefixes such as ``G004``, ``G``, ``B9``) that the root's
    Ruff configuration ignores; empty when it has none."""
    for name in _FILES:
        table = _ruff_table(root / name, nested=name == "pyproject.toml")
        if table is not None:
            found: set[str] = set()
            for section in (table, table.get("lint")):
                if isinstance(section, dict):
                    for key in _KEYS:
                        values = section.get(key)
                        if isinstance(values, list):
                            found.update(v.strip().upper() for v in values if isinstance(v, str))
            return frozenset(found)
    return frozenset()


def _ruff_table(path: Path, nested: bool) -> dict | None:
    """The Ruff table of one file (``[tool.ruff]`` in pyproject.toml), None without one."""
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    table = data.get("tool", {}).get("ruff") if nested else data
    return table if isinstance(table, dict) else None


def ignores(ignored: frozenset[str], code: str) -> bool:
    """True when ``code`` (``G004``) falls under one of the ignored selectors (``G004``, ``G``,
    ``G00``); ``ALL`` is not a choice about this rule, so it does not count."""
    return any(code.startswith(selector) for selector in ignored if selector and selector != "ALL")
