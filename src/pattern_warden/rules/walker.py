"""One traversal of a file's tree that serves every rule at once.

Each active rule's ``visit_<NodeType>`` methods are gathered into one table keyed by node
type, so a node costs one dictionary lookup however many rules there are. The walker keeps
the ``Context`` up to date (enclosing functions, classes, handlers, loop depth, imports) so
that rules read where they are instead of walking up or down the tree themselves.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

from pattern_warden.rules.base import Context, Rule

Visitor = Callable[[ast.AST, Context], None]

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def visitor_table(rules: Sequence[Rule]) -> dict[type, list[Visitor]]:
    """Node type -> the bound ``visit_*`` methods of every rule interested in it."""
    table: dict[type, list[Visitor]] = {}
    for rule in rules:
        for attr in dir(rule):
            if attr.startswith("visit_"):
                node_type = getattr(ast, attr[len("visit_"):])
                table.setdefault(node_type, []).append(getattr(rule, attr))
    return table


def _top_level_imports(tree: ast.Module, ctx: Context) -> None:
    """Imports at module level (also under if/try), known before any function body is read."""
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        stmt = todo.pop(0)
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            ctx.add_import(stmt)
        elif isinstance(stmt, (ast.If, ast.Try)):
            todo.extend(stmt.body + stmt.orelse)
            if isinstance(stmt, ast.Try):
                for handler in stmt.handlers:
                    todo.extend(handler.body)


class Walker:
    """Walks one tree, keeping ``ctx`` current and calling the table's visitors."""

    def __init__(self, table: dict[type, list[Visitor]], ctx: Context) -> None:
        self.table = table
        self.ctx = ctx

    def run(self) -> None:
        _top_level_imports(self.ctx.tree, self.ctx)
        self.visit(self.ctx.tree)

    def visit(self, node: ast.AST) -> None:
        ctx = self.ctx
        for visit in self.table.get(type(node), ()):
            visit(node, ctx)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            ctx.add_import(node)
            return
        ctx.stack.append(node)
        try:
            if isinstance(node, _FUNCS):
                self._function(node)
            elif isinstance(node, ast.ClassDef):
                ctx.classes.append(node)
                self._children(node)
                ctx.classes.pop()
            elif isinstance(node, ast.ExceptHandler):
                ctx.handlers.append(node)
                self._children(node)
                ctx.handlers.pop()
            elif isinstance(node, _LOOPS):
                self._loop(node)
            elif isinstance(node, _COMPREHENSIONS):
                ctx.loop_depths[-1] += 1
                self._children(node)
                ctx.loop_depths[-1] -= 1
            else:
                self._children(node)
        finally:
            ctx.stack.pop()

    def _children(self, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            self.visit(child)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        ctx = self.ctx
        # Decorators and defaults run in the enclosing scope, once.
        if not isinstance(node, ast.Lambda):
            for decorator in node.decorator_list:
                self.visit(decorator)
            if node.returns is not None:
                self.visit(node.returns)
        self.visit(node.args)
        ctx.functions.append(node)
        ctx.loop_depths.append(0)
        handlers, ctx.handlers = ctx.handlers, []
        try:
            if isinstance(node, ast.Lambda):
                self.visit(node.body)
            else:
                for stmt in node.body:
                    self.visit(stmt)
        finally:
            ctx.handlers = handlers
            ctx.loop_depths.pop()
            ctx.functions.pop()

    def _loop(self, node: ast.For | ast.AsyncFor | ast.While) -> None:
        ctx = self.ctx
        if isinstance(node, ast.While):
            ctx.loop_depths[-1] += 1
            self.visit(node.test)
        else:
            self.visit(node.target)
            self.visit(node.iter)
            ctx.loop_depths[-1] += 1
        for stmt in node.body:
            self.visit(stmt)
        ctx.loop_depths[-1] -= 1
        for stmt in node.orelse:
            self.visit(stmt)
