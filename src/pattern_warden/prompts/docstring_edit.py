"""``apply_docstring``: put one docstring into one definition, leaving every other byte alone.

The definition is found with stdlib ``ast`` (``symbols.find_symbol``), then its libcst node
by the same start position, and only that node's first statement is replaced or a new one
put before it. libcst reproduces the rest of the file exactly: comments, blank lines,
decorators, CRLF endings. The new text is checked twice before it may be written: it must
parse, and its docstring read back through ``ast`` must equal what was asked for.

Writing is guarded against a file that changed under the agent's feet: the dry run returns
the file's content hash, and the real run refuses unless that hash still matches just before
the atomic replace (temporary file in the same folder, then ``os.replace``).
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import inspect

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider
from pattern_warden.errors import WardenError
from pattern_warden.prompts.models import DocstringEdit
from pattern_warden.prompts.symbols import Symbol, find_symbol
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
    module = cst.parse_module(source.text)
    new_code = _rewrite(module, target, text, _body_indent(source, target, module.default_indent))
    _check(new_code, target.name, target.node.lineno, text, source.path)
    encoded = _encode(source, new_code)
    old_doc = ast.get_docstring(target.node)
    action = "unchanged" if new_code == source.text else ("replaced" if old_doc is not None else "inserted")
    diff = "".join(
        difflib.unified_diff(
            source.text.splitlines(keepends=True), new_code.splitlines(keepends=True),
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


def _body_indent(source: SourceFile, target: Symbol, default_indent: str) -> str:
    """The indentation of the definition's body, as the file writes it."""
    first = target.node.body[0]
    line = source.lines[first.lineno - 1]
    if first.lineno > target.node.lineno:  # an indented block: copy its first line
        return line[: len(line) - len(line.lstrip())]
    header = source.lines[target.node.lineno - 1]
    return header[: len(header) - len(header.lstrip())] + default_indent


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


def _rewrite(module: cst.Module, target: Symbol, text: str, indent: str) -> str:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    where = (target.node.lineno, target.node.col_offset)
    nodes = [
        node for node, pos in positions.items()
        if isinstance(node, cst.FunctionDef | cst.ClassDef) and (pos.start.line, pos.start.column) == where
    ]
    if len(nodes) != 1:
        raise WardenError(f"Could not place {target.name!r} in the concrete syntax tree.", "This is a bug; report it.")
    literal = cst.SimpleString(_literal(text, indent, module.default_newline))
    new_node = _with_docstring(nodes[0], literal, ast.get_docstring(target.node) is not None)
    return module.deep_replace(nodes[0], new_node).code


def _with_docstring(
    node: cst.FunctionDef | cst.ClassDef, literal: cst.SimpleString, has_doc: bool
) -> cst.CSTNode:
    """``node`` with ``literal`` as its first statement, replacing the old docstring if any."""
    docline = cst.SimpleStatementLine(body=[cst.Expr(literal)])
    body = node.body
    if isinstance(body, cst.SimpleStatementSuite):  # `class E(Exception): pass` becomes a block
        rest = body.body[1:] if has_doc else body.body
        statements = [docline, *([cst.SimpleStatementLine(body=rest)] if rest else [])]
        return node.with_changes(body=cst.IndentedBlock(body=statements, header=body.trailing_whitespace))
    first = body.body[0]
    if has_doc and isinstance(first, cst.SimpleStatementLine):
        new_first = first.with_changes(body=[cst.Expr(literal, semicolon=first.body[0].semicolon), *first.body[1:]])
        return node.with_changes(body=body.with_changes(body=[new_first, *body.body[1:]]))
    return node.with_changes(body=body.with_changes(body=[docline, *body.body]))


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
