"""The only place that runs git.

git is a powerful program to hand user input to: a reference such as ``--output=/tmp/x`` is
an option, ``GIT_DIR`` in the environment points it at another repository, and a hook or an
external diff driver runs arbitrary code. So every call here is an argument list (no shell),
references are validated before git sees them, paths follow ``--``, the ``GIT_*`` variables
that redirect git are removed, external helpers are switched off, only read-only commands
are allowed, and each call has a timeout.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pattern_warden.errors import WardenError

#: Subcommands that only read. Anything else is refused before git runs.
READ_ONLY = frozenset(
    {"rev-parse", "diff", "log", "show", "ls-files", "merge-base", "symbolic-ref", "rev-list",
     "cat-file", "status", "for-each-ref", "branch", "ls-tree", "check-ignore", "config", "grep"}
)
_FORBIDDEN_REF = re.compile(r"(^-)|(\.\.)|[\x00-\x20\x7f~^:?*\[\\]|(@\{)|(//)|(\.lock$)|(/\.)|(^\.)")
_SHA = re.compile(r"^[0-9a-f]{40}$|^[0-9a-f]{64}$")
_SCRUBBED = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE",
             "GIT_CEILING_DIRECTORIES", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR",
             "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_EXTERNAL_DIFF",
             "GIT_DIFF_OPTS", "GIT_PAGER", "GIT_EDITOR", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS",
             "GIT_EXEC_PATH", "GIT_TEMPLATE_DIR", "GIT_REPLACE_REF_BASE", "GIT_SHALLOW_FILE")
#: Options that keep git from running anything of the repository's choosing.
_SAFE_CONFIG = ("-c", "core.fsmonitor=false", "-c", "diff.external=", "-c", "core.pager=cat",
                "-c", "core.hooksPath=/dev/null", "-c", "color.ui=false", "-c", "core.quotePath=false",
                "--no-pager", "--literal-pathspecs")
DEFAULT_TIMEOUT_S = 30.0


class GitError(WardenError):
    """git refused, failed or timed out; the message says which and what to do."""


@dataclass(frozen=True)
class GitResult:
    """What one git call printed, and its exit status."""

    stdout: str
    returncode: int


def validate_ref(ref: str) -> str:
    """Refuse a reference that git could take as an option or that git itself forbids.

    The rules follow ``git check-ref-format`` plus a leading dash. Trailing ``~N`` and ``^N``
    ancestry suffixes are allowed (``HEAD~2``); a range such as ``a..b`` is refused.
    """
    if not isinstance(ref, str) or not ref or len(ref) > 255:
        raise GitError(f"The git reference {ref!r} is empty or too long.", "Pass a branch, tag or commit.")
    base = re.sub(r"([~^]\d*)+$", "", ref)
    if not base or base == "@" and ref != "@":
        raise GitError(f"The git reference {ref!r} is not valid.", "Pass a branch, tag or commit.")
    if base != "@" and _FORBIDDEN_REF.search(base):
        raise GitError(
            f"The git reference {ref!r} is not a valid reference name.",
            "Pass a branch, tag or commit hash; references may not start with '-' or hold spaces or :?*[\\.",
        )
    return ref


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED and not k.startswith("GIT_TRACE")}
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["LC_ALL"] = "C"
    return env


def run(cwd: Path, *args: str, timeout: float = DEFAULT_TIMEOUT_S, check: bool = True) -> GitResult:
    """Run one read-only git command in ``cwd`` and return its output."""
    done = _execute(cwd, args, None, timeout)
    stdout = done.stdout.decode("utf-8", errors="replace")
    if check and done.returncode != 0:
        raise _failure(args, done)
    return GitResult(stdout=stdout, returncode=done.returncode)


def _execute(cwd: Path, args: tuple[str, ...], data: bytes | None, timeout: float) -> subprocess.CompletedProcess[bytes]:
    if not args or args[0] not in READ_ONLY:
        raise GitError(f"git {args[0] if args else ''} is not a read-only command.", "This is a bug; report it.")
    if args[0] == "config" and not (len(args) > 1 and args[1] == "--get"):
        raise GitError("git config may only be read here.", "This is a bug; report it.")
    if not Path(cwd).is_dir():  # else subprocess reports the missing folder as a missing git
        raise GitError(
            f"The folder {cwd} no longer exists or is not a directory.",
            "Restart the server with --root pointing at an existing directory.",
        )
    try:
        return subprocess.run(
            ["git", *_SAFE_CONFIG, *args],
            cwd=cwd, env=_env(), capture_output=True, timeout=timeout, check=False, input=data or b"",
        )
    except FileNotFoundError:
        raise GitError("git is not installed.", "Install git, or run outside a repository.") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than {timeout:.0f} s.", "Narrow the range or paths.") from None


def _failure(args: tuple[str, ...], done: subprocess.CompletedProcess[bytes]) -> GitError:
    message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
    return GitError(f"git {args[0]} failed: {message[-1] if message else done.returncode}.", "")


def read_blobs(root: Path, shas: list[str], timeout: float = DEFAULT_TIMEOUT_S) -> dict[str, bytes]:
    """The contents of many blobs in one ``git cat-file --batch`` call (one process, not one per file).

    Only object ids go to git's stdin, never paths or references, so nothing in a file name
    can be read as a command; ids that are not 40/64-hex digits are refused.
    """
    wanted = list(dict.fromkeys(shas))
    if not wanted:
        return {}
    for sha in wanted:
        if not _SHA.match(sha):
            raise GitError(f"{sha!r} is not a git object id.", "This is a bug; report it.")
    done = _execute(root, ("cat-file", "--batch"), ("\n".join(wanted) + "\n").encode(), timeout)
    if done.returncode != 0:
        raise _failure(("cat-file",), done)
    out, pos, blobs = done.stdout, 0, {}
    for sha in wanted:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            blobs[sha] = out[pos : pos + size]
            pos += size + 1
    return blobs


def toplevel(root: Path) -> Path | None:
    """The work tree that contains ``root``, or None when it is not in a git repository."""
    result = run(root, "rev-parse", "--show-toplevel", check=False)
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None


def tracks(root: Path, path: str) -> bool:
    """True when ``root``'s repository tracks anything at or below ``path`` (relative to ``root``);
    False outside a repository or without git (nothing can be tracked there)."""
    try:
        result = run(root, "ls-files", "-z", "--", path, check=False)
    except GitError:
        return False
    return result.returncode == 0 and bool(result.stdout.strip("\x00"))


def rev_parse(root: Path, ref: str) -> str:
    """The commit hash ``ref`` names; a missing reference gets a clear error."""
    validate_ref(ref)
    result = run(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False)
    if result.returncode != 0:
        raise GitError(f"The git reference {ref!r} does not exist in this repository.", "Check `git log` or `git branch`.")
    return result.stdout.strip()


def has_commits(root: Path) -> bool:
    """False in a repository before its first commit."""
    return run(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode == 0


def current_branch(root: Path) -> str | None:
    """The branch HEAD is on, or None for a detached HEAD."""
    result = run(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    return result.stdout.strip() or None if result.returncode == 0 else None


def is_shallow(root: Path) -> bool:
    """True in a clone made with --depth, whose older history is missing."""
    return run(root, "rev-parse", "--is-shallow-repository", check=False).stdout.strip() == "true"


def default_branch(root: Path) -> str | None:
    """origin's HEAD if known, else main or master if they exist."""
    result = run(root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", check=False)
    if result.returncode == 0 and result.stdout.strip():
        return result.stdout.strip()
    for name in ("main", "master"):
        if run(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{name}", check=False).returncode == 0:
            return name
    return None


def merge_base(root: Path, a: str, b: str) -> str | None:
    """The best common ancestor of ``a`` and ``b``, or None when they share no history here."""
    validate_ref(a)
    validate_ref(b)
    result = run(root, "merge-base", "--end-of-options", a, b, check=False)
    return result.stdout.strip() or None if result.returncode == 0 else None


def tree_blobs(root: Path, rev: str) -> list[tuple[str, str]]:
    """``(object id, path)`` of every file at ``rev`` below ``root`` (paths relative to it)."""
    listed = run(root, "ls-tree", "-r", "-z", "--end-of-options", validate_ref(rev)).stdout
    blobs = []
    for entry in listed.split("\0"):
        meta, _, path = entry.partition("\t")
        parts = meta.split(" ")
        if len(parts) == 3 and parts[1] == "blob":
            blobs.append((parts[2], path))
    return blobs


def grep(root: Path, pattern: str, rev: str, perl: bool = False) -> list[tuple[str, str]]:
    """``(path, matched text)`` for a regex (extended, or Perl's) in the files at ``rev`` below
    ``root``; paths are relative to ``root``."""
    flavour = "-P" if perl else "-E"
    # The revision is validated, so it cannot start with "-" (grep takes no --end-of-options here).
    result = run(root, "grep", "-I", flavour, "-o", "--null", "--no-color", "-e", pattern, validate_ref(rev),
                 check=False)
    if result.returncode not in (0, 1):
        raise GitError(f"git grep failed with status {result.returncode}.", "")
    prefix = f"{rev}:"
    found = []
    for line in result.stdout.splitlines():
        path, _, text = line.partition("\0")
        found.append((path.removeprefix(prefix), text))
    return found


# -- facts about the change, for prompts that describe it -------------------------------------

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,\d+)? @@")


def head_commit(root: Path) -> tuple[str, str] | None:
    """HEAD's full hash and subject line, or None before the first commit."""
    result = run(root, "log", "-1", "--format=%H%x00%s", check=False)
    if result.returncode != 0 or "\x00" not in result.stdout:
        return None
    commit, _, subject = result.stdout.strip("\n").partition("\x00")
    return commit, subject


def commits_between(root: Path, base: str, head: str = "HEAD", limit: int = 50) -> list[tuple[str, str]]:
    """Short hash and subject of the commits in ``base..head``, newest first, at most ``limit``."""
    validate_ref(base)
    validate_ref(head)
    result = run(root, "log", f"--max-count={int(limit)}", "--format=%h%x00%s", "--end-of-options", f"{base}..{head}")
    return [tuple(line.split("\x00", 1)) for line in result.stdout.splitlines() if "\x00" in line]  # type: ignore[misc]


def changed_files(root: Path, base: str) -> list[tuple[str, str]]:
    """(status, path) of every file the work tree changes against ``base``; '?' marks untracked files.

    Paths are relative to the repository's top level, as git prints them.
    """
    validate_ref(base)
    tracked = run(root, "diff", "--name-status", "-z", "--no-renames", "--end-of-options", base, "--").stdout
    parts = tracked.split("\x00")
    found = [(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2) if parts[i]]
    return found + [("?", path) for path in untracked_files(root)]


def untracked_files(root: Path) -> list[str]:
    """Files below ``root`` that git does not track and does not ignore, from the top level."""
    listed = run(root, "ls-files", "--others", "--exclude-standard", "-z", "--full-name").stdout
    return [path for path in listed.split("\x00") if path]


def added_lines(root: Path, base: str) -> dict[str, list[tuple[int, str]]]:
    """For each tracked file changed against ``base``: the (line number, text) of every added line."""
    validate_ref(base)
    diff = run(root, "diff", "-U0", "--no-renames", "--no-textconv", "--no-ext-diff", "--end-of-options",
               base, "--").stdout
    added: dict[str, list[tuple[int, str]]] = {}
    path: str | None = None
    line = 0
    for text in diff.splitlines():
        if text.startswith("+++ "):
            name = text[4:].strip('"')
            path = name[2:] if name.startswith("b/") else None
        elif (match := _HUNK.match(text)) is not None:
            line = int(match["start"])
        elif text.startswith("+") and path is not None:
            added.setdefault(path, []).append((line, text[1:]))
            line += 1
    return added
