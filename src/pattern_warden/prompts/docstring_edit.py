"""``apply_docstring``: put one docstring into one definition, leaving every other byte alone.

The definition is found with stdlib ``ast`` (``symbols.find_symbol``) and the edit is a
splice of the file's text at the positions ``ast`` and ``tokenize`` give: the old docstring
literal is replaced where it stands, or a new line is put right after the header's colon.
Nothing else is regenerated, so comments, blank lines, decorators, odd spacing and CRLF
endings stay byte for byte. (libcst was the first choice, but its round trip is not exact
on real code: on the stdlib it rewrote ``except OSError :`` as ``except OSError:`` in
test_posix.py, a change outside the docstring.) The new text is checked before it may be
written: it must parse, and its docstring read back through ``ast`` must equal the request.

Writing is guarded against a file that changed under the agent's feet: the dry run returns
the file's content hash, and the real run refuses unless that hash still matches just before
the atomic replace (temporary file in the same folder, then ``os.replace``).
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import inspect
import io
import tokenize

from pattern_warden.errors import WardenError
from pattern_warden.prompts.models import DocstringEdit
from pattern_warden.prompts.symbols import find_symbol
from pattern_warden.source import SourceFile
from pattern_warden.workspace import Workspace

_BOM = b"\xef\xbb\xbf"
_MAX_DOCSTRING = 20_000


def apply_docstring(
    workspace: Workspace,
    path: str,
    symbol: str,
    docstring: str,
    dry_run: bool = True,
    expected_hash: str | None = None,
) -> DocstringEdit:
    """Insert or replace the docstring of ``symbol`` in ``path`` (see the module docstring)."""
    source = workspace.read_path(path)
    if not dry_run and not expected_hash:
        raise WardenError(
            "A real run needs expected_hash.",
            "Run with dry_run=true first, check the diff, then pass its content_hash as expected_hash.",
        )
    if expected_hash and expected_hash != source.digest:
        raise WardenError(
            f"{source.path} changed since the dry run (hash {source.digest}, expected {expected_hash}).",
            "Run the dry run again on the current file and review the new diff.",
        )
    tree = _tree(source)
    target = find_symbol(tree, symbol, source.path)
    text = _clean(docstring)
    _encode(source, source.text)  # refuse a file we could not write back byte for byte
    lines = io.StringIO(source.text, newline="").readlines()
    new_code = _splice(lines, target.node, text)
    _check(new_code, target.name, target.node.lineno, text, source.path)
    encoded = _encode(source, new_code)
    old_doc = ast.get_docstring(target.node)
    action = "unchanged" if new_code == source.text else ("replaced" if old_doc is not None else "inserted")
    diff = "".join(
        difflib.unified_diff(
            lines, io.StringIO(new_code, newline="").readlines(),
            f"a/{source.path}", f"b/{source.path}",
        )
    )
    edit = DocstringEdit(
        path=source.path, symbol=target.name, line=target.node.lineno, action=action, dry_run=dry_run,
        written=False, content_hash=source.digest, new_hash=hashlib.blake2b(encoded, digest_size=16).hexdigest(),
        diff=diff,
    )
    if dry_run or action == "unchanged":
        return edit
    _replace_if_unchanged(workspace, path, source.digest, encoded)
    return edit.model_copy(update={"written": True})


def _tree(source: SourceFile) -> ast.Module:
    if not source.is_python:
        raise WardenError(f"{source.path} is not a Python file.", "Name a .py or .pyi file.")
    if source.tree is None:
        failure = source.parse_failure
        where = f" (line {failure.line}: {failure.message})" if failure else ""
        raise WardenError(f"{source.path} does not parse{where}.", "Fix the syntax first.")
    return source.tree


def _clean(docstring: str) -> str:
    """The docstring's text as ``ast.get_docstring`` would return it; quotes are refused."""
    if not isinstance(docstring, str) or not docstring.strip():
        raise WardenError("The docstring is empty.", "Pass the docstring's text, without the quotes.")
    if len(docstring) > _MAX_DOCSTRING:
        raise WardenError(f"The docstring is {len(docstring):,} characters long.", f"Keep it under {_MAX_DOCSTRING:,}.")
    text = inspect.cleandoc(docstring.replace("\r\n", "\n").replace("\r", "\n"))
    if '"""' in text:
        raise WardenError('The docstring contains """.', "Pass the text only, without the surrounding quotes.")
    return text


def _literal(text: str, indent: str, newline: str) -> str:
    """A triple-quoted literal whose value, once cleaned, is ``text``.

    Backslashes make it a raw string, unless the text ends in one (a raw string cannot);
    then they are escaped. A closing quote on a one-line docstring is escaped so that it
    does not merge with the three that close the literal.
    """
    lines = text.split("\n")
    single = len(lines) == 1
    raw = "\\" in text and not text.endswith("\\") and not (single and text.endswith('"'))
    if "\\" in text and not raw:
        lines = [line.replace("\\", "\\\\") for line in lines]
    if single and lines[0].endswith('"'):
        lines[0] = lines[0][:-1] + '\\"'
    if single:
        body = lines[0]
    else:
        rest = [indent + line if line.strip() else "" for line in lines[1:]]
        body = newline.join([lines[0], *rest, indent])
    return ("r" if raw else "") + '"""' + body + '"""'


def _splice(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, text: str) -> str:
    """The file with ``text`` as the docstring of ``node``; every other character kept."""
    header = lines[node.lineno - 1]
    newline = header[len(header.rstrip("\r\n")):] or "\n"
    header_indent = _indent(header)
    step = "\t" if "\t" in header_indent else "    "
    first = node.body[0]
    if ast.get_docstring(node) is not None:  # replace the literal where it stands
        value = first.value  # type: ignore[attr-defined]
        row = lines[value.lineno - 1]
        start = _char_col(row, value.col_offset)
        indent = _indent(row) if not row[:start].strip() else header_indent + step
        literal = _literal(text, indent, newline)
        begin = _offset(lines, value.lineno, value.col_offset)
        end = _offset(lines, value.end_lineno, value.end_col_offset)
        joined = "".join(lines)
        return joined[:begin] + literal + joined[end:]
    row, col, body_col = _header_colon(lines, node.lineno)
    if body_col is None:  # an indented block: a new first line, indented like the body
        indent = _indent(lines[first.lineno - 1])
        return "".join([*lines[: row + 1], indent + _literal(text, indent, newline) + newline, *lines[row + 1 :]])
    indent = header_indent + step  # `def f(): return 1` becomes a block
    line = lines[row]
    rest = line[body_col:]
    reshaped = line[: col + 1] + newline + indent + _literal(text, indent, newline) + newline + indent + rest
    return "".join([*lines[:row], reshaped, *lines[row + 1 :]])


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _char_col(line: str, byte_col: int) -> int:
    """``ast`` columns count UTF-8 bytes; string indexes count characters."""
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))


def _offset(lines: list[str], lineno: int, byte_col: int) -> int:
    return sum(len(line) for line in lines[: lineno - 1]) + _char_col(lines[lineno - 1], byte_col)


def _header_colon(lines: list[str], lineno: int) -> tuple[int, int, int | None]:
    """Row and column of the colon that ends the header starting at ``lineno``, and the column
    where the body starts on that row (None when the body is an indented block)."""
    depth = 0
    tokens = tokenize.generate_tokens(io.StringIO("".join(lines[lineno - 1 :])).readline)
    try:
        for tok in tokens:
            if tok.type == tokenize.OP and tok.string in "([{":
                depth += 1
            elif tok.type == tokenize.OP and tok.string in ")]}":
                depth -= 1
            elif tok.type == tokenize.OP and tok.string == ":" and depth == 0:
                following = next(tokens)
                row = lineno - 1 + tok.start[0] - 1
                if following.type in (tokenize.COMMENT, tokenize.NEWLINE, tokenize.NL):
                    return row, tok.start[1], None
                return row, tok.start[1], following.start[1]
    except (tokenize.TokenError, SyntaxError) as exc:
        raise WardenError(f"Could not read the header at line {lineno}: {exc}.", "This is a bug; report it.") from exc
    raise WardenError(f"No colon ends the header at line {lineno}.", "This is a bug; report it.")


def _check(code: str, name: str, line: int, text: str, path: str) -> None:
    """The edit must parse and carry exactly the docstring asked for."""
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise WardenError(f"The edit of {path} would not parse ({exc.msg}).", "This is a bug; report it.") from exc
    got = ast.get_docstring(find_symbol(tree, f"{name}@{line}", path).node)
    if got != text:
        raise WardenError(f"The edit of {path} would not yield the docstring asked for.", "This is a bug; report it.")


def _encode(source: SourceFile, text: str) -> bytes:
    """The new bytes, in the file's own encoding (UTF-8, with its BOM if it had one)."""
    for prefix in (b"", _BOM):
        if hashlib.blake2b(prefix + source.text.encode("utf-8"), digest_size=16).hexdigest() == source.digest:
            return prefix + text.encode("utf-8")
    raise WardenError(f"{source.path} is not plain UTF-8.", "Only UTF-8 files (with or without a BOM) are edited.")


def _replace_if_unchanged(workspace: Workspace, path: str, digest: str, data: bytes) -> None:
    """Write ``data`` over ``path`` atomically, unless the file changed since it was read."""
    real = workspace.writable(path)
    current = workspace.read_path(path)
    if current.digest != digest:
        raise WardenError(f"{current.path} changed while the edit was prepared.", "Run the dry run again.")
    workspace.write_atomic(real, data)
