"""Settings: the root, the limits, and ``[tool.pattern-warden]`` from pyproject.toml.

Both front doors build one ``Config`` and hand it to the engines, so a setting means the same
thing in the server and in the CLI. The table is validated strictly (unknown keys are
errors) because a misspelt key that is silently ignored is worse than no setting at all.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from pathlib import Path
from typing import Literal

from pathspec import GitIgnoreSpec
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pattern_warden import codekind, ruffconfig
from pattern_warden.errors import WardenError

TABLE = "tool.pattern-warden"


class _Section(BaseModel):
    """Base for config tables: kebab-case keys in TOML, snake_case in Python, nothing unknown."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        alias_generator=lambda name: name.replace("_", "-"),
    )


class Limits(_Section):
    """Ceilings that keep one call from reading, holding or printing without bound."""

    max_file_bytes: int = Field(2_000_000, ge=1, description="A larger file is skipped with a note.")
    max_files: int = Field(50_000, ge=1, description="Most files one call may read.")
    max_total_bytes: int = Field(512 * 1024 * 1024, ge=1, description="Most bytes one call may read.")
    max_output_chars: int = Field(30_000, ge=1_000, description="A larger answer is paginated.")
    call_timeout_s: float = Field(120.0, gt=0, description="Time one call may take.")
    cache_entries: int = Field(20_000, ge=16, description="Parsed files kept in memory.")
    cache_bytes: int = Field(64 * 1024 * 1024, ge=1024, description="Source bytes of parsed files kept in memory.")


#: Non-product code (tests, test support, fixtures, benchmarks, docs, examples, generated files):
#: exempt from rules about production code. The one definition is ``codekind``.
DEFAULT_EXEMPT_PATHS = codekind.patterns(codekind.NON_PRODUCT)
#: Scripts, command-line modules and benchmarks: they own their stdout and their sys.path.
DEFAULT_SCRIPT_PATHS = codekind.patterns(codekind.SCRIPT_KINDS)


#: Rules that stay opt-in for an audit of a whole tree (their precision on old code is below our
#: bar) but hold for code an agent just wrote: bare and silent excepts, mock data, blocking calls,
#: locks, missing timeouts, swallowed cancellation and dropped tasks in async code, sys.path
#: edits, SQL built from strings, hard-coded secrets and unbounded caches and containers.
#: ``review`` and the hooks apply them to new findings ("clean as you code").
NEW_CODE_RULES = ("ERR002", "ERR003", "ERR005", "ASY001", "ASY002", "ASY003", "ASY004", "ASY005", "DES006", "SEC001",
                  "SEC002", "RES001", "RES002")


class RuleSettings(_Section):
    """The ``[tool.pattern-warden.rules]`` table: which rules run where, and their thresholds."""

    select: list[str] = Field(default_factory=lambda: ["ALL"], description="Codes, prefixes or families to run.")
    ignore: list[str] = Field(default_factory=list, description="Codes, prefixes or families to skip.")
    per_file_ignores: dict[str, list[str]] = Field(
        default_factory=dict, description="Gitignore-style glob -> codes not reported in matching files."
    )
    profile: Literal["default", "strict"] = Field("default", description="strict: 20 statements per function.")
    max_complexity: int = Field(10, ge=1, description="DES002: complexity above this is reported.")
    max_statements: int | None = Field(None, ge=1, description="DES003 limit (default 50, strict 20).")
    max_file_lines: int = Field(600, ge=1, description="DES001: info above this many lines.")
    max_file_lines_error: int = Field(800, ge=1, description="DES001: a warning above this many lines.")
    exempt_paths: list[str] = Field(
        default_factory=lambda: list(DEFAULT_EXEMPT_PATHS), description="Test/doc/example code (mock data, print, docs)."
    )
    script_paths: list[str] = Field(
        default_factory=lambda: list(DEFAULT_SCRIPT_PATHS), description="Scripts and CLIs (print, sys.path)."
    )
    content_kinds: bool = Field(
        True, description="Also tell non-product code by content: generated headers, data catalogues, "
                          "modules that import pytest or define its hooks."
    )
    fail_on: Literal["info", "warning", "error"] = Field("warning", description="CLI exits 1 at this severity.")
    new_code: list[str] = Field(
        default_factory=lambda: list(NEW_CODE_RULES),
        description="Rules review and the hooks apply to new code even when `check` leaves them opt-in; [] for none.",
    )

    @property
    def statement_limit(self) -> int:
        """DES003's limit: ``max-statements`` when set, else 20 (strict profile) or 50."""
        if self.max_statements is not None:
            return self.max_statements
        return 20 if self.profile == "strict" else 50


class ReviewThresholds(_Section):
    """``[tool.pattern-warden.review]``: what makes `pattern-warden review` exit non-zero.

    Unset thresholds are not checked; a `fail` verdict (legacy code that grew) always fails.
    """

    max_net_code: int | None = Field(None, description="Most net code lines a change may add.")
    min_reuse_rate: float | None = Field(None, ge=0, le=1, description="Least share of called project units that existed.")
    max_duplicates_introduced: int | None = Field(None, ge=0, description="Most new clone classes a change may add.")
    max_findings: int | None = Field(None, ge=0, description="Most rule findings allowed in the changed files.")
    fail_on_severity: Literal["error", "warning", "info", "never"] = Field(
        "error", description="A rule finding of this severity or worse in the changed files fails the review."
    )
    fail_on_warning: bool = Field(False, description="Treat a 'warn' verdict as a failure.")
    fail_on_worse: bool = Field(False, description="A whole-scope finding the change made worse (a longer file, a "
                                                   "more complex function) counts as new: it fails and blocks.")
    max_leftovers: int | None = Field(
        0, ge=0, description="Most high-confidence leftovers (attempt files, dead or commented-out code, parallel "
                             "wrappers, functions the change orphaned) a change may add.")


class HookSettings(_Section):
    """``[tool.pattern-warden.hooks]``: the Claude Code hooks, per project.

    The stop hook blocks when ``pattern-warden review`` fails, so its floor is the review's own
    ``fail-on-severity``; only the edit hook needs a floor of its own. Below that floor an edit's
    new findings are still worth a word: ``edit-note-severity`` tells the agent of them without
    stopping it, so a finding too uncertain to block is seen once, where it was written.
    """

    edit: bool = Field(True, description="Check each Python file an agent writes or edits.")
    #: Both floors are "error": each new-code rule reports ERROR only for the forms an agent should
    #: stop for (a fallback that invents data or loses a write, `time.sleep` in a server's
    #: coroutine) and WARNING for the rest, which must not interrupt it.
    edit_severity: Literal["info", "warning", "error"] = Field(
        "error", description="The edit hook blocks on new findings at or above this severity."
    )
    edit_note_severity: Literal["info", "warning", "error", "never"] = Field(
        "warning", description="New findings of an edit below edit-severity but at or above this one reach the agent "
                               "as a note that does not block (never: no notes)."
    )
    stop: bool = Field(True, description="Review the change before the agent stops.")
    stop_severity: Literal["info", "warning", "error", "never"] = Field(
        "error", description="The stop hook also blocks on new findings of the session at or above this severity "
                               "(never: only when the review fails).",
    )


class CacheSettings(_Section):
    """``[tool.pattern-warden.cache]``: the persistent cache that the server and the CLI share."""

    enabled: bool = Field(True, description="Keep results in .pattern-warden-cache/ between processes.")
    max_bytes: int = Field(512 * 1024 * 1024, ge=1024 * 1024, description="Disk size; least recently used out.")
    similar_bytes: int = Field(
        64 * 1024 * 1024, ge=1024, description="Function texts the similar-function index keeps between calls."
    )


class Settings(_Section):
    """The ``[tool.pattern-warden]`` table."""

    patterns_dirs: list[str] = Field(default_factory=list, description="Project pattern folders.")
    exclude: list[str] = Field(default_factory=list, description="Extra gitignore-style excludes.")
    limits: Limits = Field(default_factory=Limits)
    rules: RuleSettings = Field(default_factory=RuleSettings)
    maturity: Literal["auto", "foundation", "growing", "mature", "legacy"] = Field(
        "auto", description="The LOC-delta tier; 'auto' measures the code size before the change."
    )
    review: ReviewThresholds = Field(default_factory=ReviewThresholds)
    hooks: HookSettings = Field(default_factory=HookSettings)
    baseline: str | None = Field(None, description="A baseline file (relative to the root) whose findings and "
                                                   "clones are not new; written by --write-baseline.")
    cache: CacheSettings = Field(default_factory=CacheSettings)

    @field_validator("exclude")
    @classmethod
    def _globs_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            compile_globs([pattern])
        return patterns


def compile_globs(patterns: list[str]) -> GitIgnoreSpec:
    """Gitignore-style patterns as one spec; a pattern that cannot compile is named in the error."""
    try:
        return GitIgnoreSpec.from_lines(patterns)
    except (ValueError, re.error) as exc:  # GitIgnorePatternError is a ValueError
        raise ValueError(f"{patterns!r} holds an invalid gitignore-style pattern ({exc})") from None


class Config(BaseModel):
    """Everything an engine needs to know about where it runs and how far it may go."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    root: Path
    settings: Settings = Field(default_factory=Settings)
    source: Path | None = None
    extra_pattern_dirs: tuple[Path, ...] = ()
    #: The distribution name the root's metadata declares (pyproject.toml or setup.cfg), if any:
    #: what the project *is* (a test-double library such as fakeredis) can change what is a finding.
    distribution: str | None = None
    #: The Ruff selectors the root's own Ruff configuration ignores (``ruffconfig``): rules that
    #: mirror them defer to the project's choice. Read once, with the rest of the configuration.
    ruff_ignored: frozenset[str] = frozenset()

    @property
    def limits(self) -> Limits:
        """The ``[tool.pattern-warden.limits]`` table, the ceilings every call runs under."""
        return self.settings.limits

    def pattern_dirs(self) -> list[Path]:
        """Project pattern folders: the config's (relative to its file), then the CLI's."""
        base = self.source.parent if self.source else self.root
        return [(base / d).resolve() for d in self.settings.patterns_dirs] + list(self.extra_pattern_dirs)


def find_pyproject(root: Path) -> Path | None:
    """The nearest pyproject.toml with our table, walking up from the root."""
    for folder in (root, *root.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if "pattern-warden" in data.get("tool", {}):
                return candidate
    return None


def distribution_name(root: Path) -> str | None:
    """The project's distribution name: `[project] name` or `[tool.poetry] name` of the root's
    pyproject.toml, else `[metadata] name` of its setup.cfg; None when neither says (or parses)."""
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}
    name = data.get("project", {}).get("name") or data.get("tool", {}).get("poetry", {}).get("name")
    if isinstance(name, str):
        return name
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(root / "setup.cfg", encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    return parser.get("metadata", "name", fallback=None)


def load_settings(path: Path) -> Settings:
    """Parse and validate the table in ``path``; errors name the file and the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise WardenError(f"Cannot read config file {path}: {exc}.", "Fix or remove the file.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise WardenError(f"{path} is not valid TOML: {exc}.", "Fix the syntax.") from exc
    table = data.get("tool", {}).get("pattern-warden", {})
    try:
        return Settings.model_validate(table)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise WardenError(
            f"{path}: [{TABLE}] key '{key}': {first['msg']}.",
            "Correct or remove that key (see docs/configuration.md).",
        ) from exc


def load_config(root: str | Path, extra_pattern_dirs: list[str] | None = None) -> Config:
    """Build the config for ``root``: it must be an existing directory."""
    root_path = Path(root).expanduser()
    if not root_path.exists():
        raise WardenError(f"The root {str(root)!r} does not exist.", "Pass --root with an existing directory.")
    if not root_path.is_dir():
        raise WardenError(f"The root {str(root)!r} is not a directory.", "Pass --root with a directory.")
    resolved = root_path.resolve()
    source = find_pyproject(resolved)
    settings = load_settings(source) if source else Settings()
    extras = tuple(Path(d).expanduser().resolve() for d in (extra_pattern_dirs or []))
    return Config(root=resolved, settings=settings, source=source, extra_pattern_dirs=extras,
                  distribution=distribution_name(resolved), ruff_ignored=ruffconfig.ignored_codes(resolved))
