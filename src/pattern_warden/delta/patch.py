"""The unified-diff input: a patch's text counted like a git range.

Line kinds need whole files, so each file's two versions are rebuilt where the diff allows:
an added or deleted file is entirely in the diff, and a modified one is rebuilt from the file
in the workspace when its rows match the diff's added lines. Otherwise its lines are judged
one by one (blank, ``#`` comment, else code) and its units are not named.
"""

from __future__ import annotations

from collections.abc import Sequence

from pattern_warden.delta.count import FileDelta, FileKind, LocDelta, PendingFile, Status, finish, path_filter, selected
from pattern_warden.delta.lines import parse_hunk_header, rows
from pattern_warden.errors import WardenError
from pattern_warden.models import Note
from pattern_warden.workspace import Workspace


def count_diff(workspace: Workspace, diff_text: str, paths: Sequence[str] | None = None) -> LocDelta:
    """Count a unified diff's text (``git diff`` output or any ``diff -u``), optionally filtered."""
    if len(diff_text) > workspace.config.limits.max_file_bytes * 4:
        raise WardenError("The diff is larger than the size limit.", "Pass a git range instead.")
    wanted = path_filter(workspace, paths)
    pending = [item for item in _files(diff_text.splitlines()) if selected(item.delta.path, wanted)]
    if not pending and diff_text.strip() and wanted is None:
        raise WardenError("No file sections were found in the diff.", "Pass a unified diff (git diff output).")
    result = LocDelta(source="diff")
    guessed = [item.delta.path for item in pending if item.delta.kind == "python" and not _rebuild(workspace, item)]
    if guessed:
        result.notes.append(Note(message=f"{len(guessed)} file(s) could not be rebuilt from the diff and the workspace "
                                         f"({', '.join(guessed[:5])}): their docstring lines count as code and their "
                                         "units are not named."))
    return finish(result, pending)


def _files(lines: list[str]) -> list[PendingFile]:
    """Every file section of the diff, with its hunks read."""
    found: list[PendingFile] = []
    current: PendingFile | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            current = _diff_file(_diff_path(line[4:]), _diff_path(lines[i + 1][4:]))
            found.append(current)
            i += 2
            continue
        if line.startswith("Binary files ") and line.endswith(" differ"):
            old_new = line[len("Binary files "):-len(" differ")].split(" and ", 1)
            if len(old_new) == 2:
                binary = _diff_file(_diff_path(old_new[0]), _diff_path(old_new[1]))
                binary.delta.kind, binary.delta.note = "binary", "binary file: not counted"
                found.append(binary)
        header = parse_hunk_header(line)
        if header and current is not None:
            i = _read_hunk(lines, i + 1, header, current)
            continue
        i += 1
    return found


def _diff_path(raw: str) -> str | None:
    name = raw.split("\t", 1)[0].strip()
    if name.startswith('"') and name.endswith('"'):
        name = name[1:-1]
    if name == "/dev/null":
        return None
    return name[2:] if name.startswith(("a/", "b/")) else name


def _diff_file(old: str | None, new: str | None) -> PendingFile:
    path = new or old or "?"
    status: Status = "added" if old is None else "deleted" if new is None else "renamed" if old != new else "modified"
    kind: FileKind = "python" if path.endswith((".py", ".pyi")) else "text"
    return PendingFile(FileDelta(path=path, old_path=old if status == "renamed" else None, status=status, kind=kind))


def _read_hunk(lines: list[str], i: int, header: tuple[int, int, int, int], item: PendingFile) -> int:
    """Consume one hunk's body, recording removed and added rows with their text."""
    old_row, old_left, new_row, new_left = header
    while i < len(lines) and (old_left > 0 or new_left > 0):
        line = lines[i]
        mark, body = line[:1], line[1:]
        if mark == "-":
            item.removed.rows.append(old_row)
            item.old_text[old_row] = body
            old_row, old_left = old_row + 1, old_left - 1
        elif mark == "+":
            item.added.rows.append(new_row)
            item.new_text[new_row] = body
            new_row, new_left = new_row + 1, new_left - 1
        elif mark in (" ", ""):
            item.old_text[old_row] = item.new_text[new_row] = body
            old_row, new_row, old_left, new_left = old_row + 1, new_row + 1, old_left - 1, new_left - 1
        elif mark != "\\":
            break
        i += 1
    return i


def _rebuild(workspace: Workspace, item: PendingFile) -> bool:
    """Give ``item`` both whole versions, or mark it for line-by-line guessing and return False."""
    path = item.delta.path
    if item.delta.status == "added":
        after_rows = _complete(item.new_text)
        before_rows: list[str] | None = []
    elif item.delta.status == "deleted":
        before_rows, after_rows = _complete(item.old_text), []
    else:
        after_rows = _workspace_rows(workspace, path)
        if after_rows is not None and any(r > len(after_rows) or after_rows[r - 1] != t
                                          for r, t in item.new_text.items()):
            after_rows = None  # the workspace holds another version than the diff's
        before_rows = _reverse(after_rows, item) if after_rows is not None else None
    if before_rows is None or after_rows is None:
        item.guess_kinds = True
        return False
    item.before = workspace.virtual("".join(r + "\n" for r in before_rows), path) if before_rows else None
    item.after = workspace.virtual("".join(r + "\n" for r in after_rows), path) if after_rows else None
    return True


def _complete(known: dict[int, str]) -> list[str] | None:
    """Rows 1..n when the diff holds every one of them (an added or deleted file), else None."""
    return [known[r] for r in range(1, len(known) + 1)] if all(r in known for r in range(1, len(known) + 1)) \
        else None


def _workspace_rows(workspace: Workspace, path: str) -> list[str] | None:
    try:
        return rows(workspace.read_path(path).text)
    except WardenError:
        return None


def _reverse(after_rows: list[str], item: PendingFile) -> list[str] | None:
    """The old file: its removed rows from the diff, the rest taken in order from the new file's
    rows that were not added."""
    added, removed = set(item.added.rows), set(item.removed.rows)
    kept = iter(row for n, row in enumerate(after_rows, 1) if n not in added)
    total = len(after_rows) - len(added) + len(removed)
    before: list[str] = []
    for n in range(1, total + 1):
        if n in removed:
            before.append(item.old_text[n])
        else:
            row = next(kept, None)
            if row is None:
                return None
            before.append(row)
    return before
