"""One traversal of a file's tree that serves every rule at once.

Each active rule's ``visit_<NodeType>`` methods are gathered into one table keyed by node
type, so a node costs one dictionary lookup however many rules there are. The walker keeps
the ``Context`` up to date (enclosing functions, classes, handlers, loop depth, imports) so
that rules read where they are instead of walking up or down the tree themselves.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Callable, Sequence

from pattern_warden.astwalk import child_fields
from pattern_warden.rules.base import Context, Rule

Visitor = Callable[[ast.AST, Context], None]

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


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
    todo: deque[ast.stmt] = deque(tree.body)
    while todo:
        stmt = todo.popleft()
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            ctx.add_import(stmt)
        elif isinstance(stmt, (ast.If, ast.Try)):
            todo.extend(stmt.body + stmt.orelse)
            if isinstance(stmt, ast.Try):
                for handler in stmt.handlers:
                    todo.extend(handler.body)



class Walker:
    """Walks one tree, keeping ``ctx`` current and calling the table's visitors.

    Children are reached through each node type's own field list (cached), not the generic
    ``ast.iter_child_nodes``; that, and skipping marker fields, halves the cost of the walk.
    """

    def __init__(self, table: dict[type, list[Visitor]], ctx: Context) -> None:
        self.table = table
        self.ctx = ctx

    def run(self) -> None:
        """Walk the whole module once."""
        _top_level_imports(self.ctx.tree, self.ctx)
        self.visit(self.ctx.tree)

    def visit(self, node: ast.AST) -> None:
        """Call the visitors for one node, then walk its children."""
        node_type = type(node)
        visitors = self.table.get(node_type)
        if visitors:
            for visit in visitors:
                visit(node, self.ctx)
        special = _SPECIAL.get(node_type)
        stack = self.ctx.stack
        stack.append(node)
        if special is None:
            self._children(node)
        else:
            special(self, node)
        stack.pop()

    def _children(self, node: ast.AST) -> None:
        visit = self.visit
        for name in child_fields(type(node)):
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        visit(item)
            elif isinstance(value, ast.AST):
                visit(value)

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        self.ctx.add_import(node)

    def _class(self, node: ast.ClassDef) -> None:
        self.ctx.classes.append(node)
        self._children(node)
        self.ctx.classes.pop()

    def _handler(self, node: ast.ExceptHandler) -> None:
        self.ctx.handlers.append(node)
        self._children(node)
        self.ctx.handlers.pop()

    def _comprehension(self, node: ast.AST) -> None:
        self.ctx.loop_depths[-1] += 1
        self._children(node)
        self.ctx.loop_depths[-1] -= 1

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        ctx = self.ctx
        # Decorators, annotations and defaults run in the enclosing scope, once.
        if not isinstance(node, ast.Lambda):
            for decorator in node.decorator_list:
                self.visit(decorator)
            if node.returns is not None:
                self.visit(node.returns)
        self.visit(node.args)
        ctx.functions.append(node)
        ctx.loop_depths.append(0)
        handlers, ctx.handlers = ctx.handlers, []
        if isinstance(node, ast.Lambda):
            self.visit(node.body)
        else:
            for stmt in node.body:
                self.visit(stmt)
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


#: Node types whose walk updates the context. Plain functions, not bound methods: a walker that
#: held its own bound methods would be a reference cycle, keeping each file's tree alive until
#: the cyclic collector ran (which the worker processes turn off).
_SPECIAL: dict[type, Callable[[Walker, ast.AST], None]] = {
    ast.FunctionDef: Walker._function, ast.AsyncFunctionDef: Walker._function, ast.Lambda: Walker._function,
    ast.ClassDef: Walker._class, ast.ExceptHandler: Walker._handler,
    ast.For: Walker._loop, ast.AsyncFor: Walker._loop, ast.While: Walker._loop,
    ast.Import: Walker._import, ast.ImportFrom: Walker._import,
    **{kind: Walker._comprehension for kind in _COMPREHENSIONS},
}
