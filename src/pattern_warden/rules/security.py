"""Security: SQL built from strings, and secrets written into the code."""

from __future__ import annotations

import ast
import posixpath
import re
from collections import Counter

from pattern_warden import codekind
from pattern_warden.rules.base import Context, Invalid, Options, Rule, ScopeNames, Severity, is_str, walk_local
from pattern_warden.rules.mock_data import is_placeholder

_EXECUTE = frozenset({"execute", "executemany", "executescript"})
_TEXT = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"})


def is_built_string(node: ast.expr | None) -> bool:
    """An f-string with a field, `"..." % x`, `"...".format(...)`, or `+` with a string literal."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Mod):
            return is_str(node.left) or isinstance(node.left, ast.JoinedStr)
        if isinstance(node.op, ast.Add):
            sides = (node.left, node.right)
            has_text = any(is_str(s) or isinstance(s, ast.JoinedStr) or is_built_string(s) for s in sides)
            return has_text and not all(is_str(s) for s in sides)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return is_str(node.func.value)
    return False


#: Bound-parameter markers: `?`, `%s`, `%(name)s`, `:name`, `$1` and `$name` (SurrealDB, asyncpg-style).
_PLACEHOLDER = re.compile(r"\?|%s|%\(\w+\)s|(?<![:\w]):\w+|\$\d+|(?<![\w$])\$[A-Za-z_]\w*")


def _passes_parameters(node: ast.Call) -> bool:
    """`execute(sql, params)` or `execute(sql, parameters=...)`: the driver binds the values."""
    return len(node.args) > 1 or any(kw.arg in ("params", "parameters", "args", "vars") for kw in node.keywords)


def _local(ctx: Context) -> list[ast.AST]:
    """The nodes of the function being checked (the module's, at top level), nested scopes left out."""
    body = getattr(ctx.function, "body", None) or ctx.tree.body
    return list(walk_local(body if isinstance(body, list) else [body]))


def _query_texts(query: ast.expr, ctx: Context) -> list[str]:
    """The literal text of the query: its own string parts, or those of the values its variable
    is given, and the fragments of a list it joins (``" AND ".join(clauses)`` after
    ``clauses.append("created_at >= ?")``): a dynamic WHERE made of constant conditions."""
    local = _local(ctx)
    sources: list[ast.AST] = [query]
    if isinstance(query, ast.Name):
        sources = _given(query.id, local)
    else:  # `sql + " GROUP BY ..."`: the texts the variables in it were given count too
        sources += [value for n in ast.walk(query) if isinstance(n, ast.Name) for value in _given(n.id, local)]
    joined = {n.args[0].id for s in sources for n in ast.walk(s) if isinstance(n, ast.Call)
              and isinstance(n.func, ast.Attribute) and n.func.attr == "join" and len(n.args) == 1
              and isinstance(n.args[0], ast.Name)}
    fragments = [value for name in joined for value in _given(name, local)]
    if not any(is_built_string(n) for f in fragments for n in ast.walk(f) if isinstance(n, ast.expr)):  # all constant
        sources += fragments
    return [n.value for s in sources for n in ast.walk(s) if is_str(n)]  # type: ignore[attr-defined]


def _identifiers_only(query: ast.expr, ctx: Context) -> bool:
    """Whether every value an f-string pastes into the query sits inside SQL's identifier quotes
    (``FROM public."{table}"``, ``TRUNCATE TABLE "{name}"``): a table or column name, which no
    placeholder can carry. Values pasted anywhere else, or a query built another way, say no."""
    local = _local(ctx)
    sources = _given(query.id, local) if isinstance(query, ast.Name) else [query]
    strings = [n for s in sources for n in ast.walk(s) if isinstance(n, ast.JoinedStr)]
    if not strings or any(isinstance(n, ast.BinOp) or (isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "format")
                          for s in sources for n in ast.walk(s)):
        return False
    for joined in strings:
        parts = joined.values
        for i, part in enumerate(parts):
            if not isinstance(part, ast.FormattedValue):
                continue
            before = parts[i - 1] if i > 0 else None
            after = parts[i + 1] if i + 1 < len(parts) else None
            if not (is_str(before) and before.value.endswith('"') and is_str(after)  # type: ignore[union-attr]
                    and after.value.startswith('"')):  # type: ignore[union-attr]
                return False
    return True


def _constants_only(query: ast.expr, ctx: Context, module_constants: set[str]) -> bool:
    """Whether every value an f-string pastes into the query is a module constant: a name the
    module binds once, at top level, to a string or number literal, and the function never
    rebinds (``f"select count(*) from {_SCHEMA}.dim_drg"``, ``f"SET LOCAL ef_search = {_EF}"``).
    Nothing from outside the code can reach such a query, so there is nothing to inject."""
    local = _local(ctx)
    sources = _given(query.id, local) if isinstance(query, ast.Name) else [query]
    if not sources or not all(isinstance(s, ast.JoinedStr) for s in sources):
        return False
    pasted = [part.value for s in sources for part in s.values if isinstance(part, ast.FormattedValue)]  # type: ignore[attr-defined]
    constants = module_constants - _parameters(ctx)
    return bool(pasted) and all(isinstance(v, ast.Name) and v.id in constants and not _given(v.id, local)
                                for v in pasted)


def _parameters(ctx: Context) -> set[str]:
    """The parameter names of the functions around the checked node: they shadow module names."""
    return {a.arg for f in ctx.functions if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            for a in (*f.args.posonlyargs, *f.args.args, *f.args.kwonlyargs, f.args.vararg, f.args.kwarg) if a}


def _module_constants(tree: ast.Module) -> set[str]:
    """Names the module binds exactly once, at top level, to a string or number literal."""
    bound: Counter[str] = Counter()
    literal: set[str] = set()
    for stmt in ast.walk(tree):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] \
            if isinstance(stmt, (ast.AnnAssign, ast.AugAssign, ast.For)) else []
        for target in targets:
            for name in (n.id for n in ast.walk(target) if isinstance(n, ast.Name)):
                bound[name] += 1
                value = getattr(stmt, "value", None)
                if stmt in tree.body and isinstance(target, ast.Name) and isinstance(value, ast.Constant) \
                        and isinstance(value.value, (str, int, float)) and not isinstance(value.value, bool):
                    literal.add(name)
    return {name for name in literal if bound[name] == 1}


def _given(name: str, local: list[ast.AST]) -> list[ast.AST]:
    """What a local name is given: assigned, added to (``+=``), appended or extended with."""
    out: list[ast.AST] = []
    for n in local:
        if isinstance(n, (ast.Assign, ast.AugAssign)) and any(
                isinstance(t, ast.Name) and t.id == name for t in (n.targets if isinstance(n, ast.Assign) else [n.target])):
            out.append(n.value)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("append", "extend") \
                and isinstance(n.func.value, ast.Name) and n.func.value.id == name:
            out += n.args
    return out


def _has_placeholder(texts: list[str]) -> bool:
    return any(_PLACEHOLDER.search(text) for text in texts)


class SqlInjection(Rule):
    """Finds SQL assembled with f-strings, `%`, `+` or `.format` and passed to `execute`,
    `executemany`, `executescript` or SQLAlchemy's `text()`, directly or through a local variable.
    A warning, not an error, when parameters are passed as well: the values are bound and what
    is pasted in is likely a table or record name."""

    code = "SEC001"
    name = "sql-string-building"
    family = "security"
    severity = Severity.ERROR
    message = "SQL built from strings and executed: values can rewrite the query (SQL injection)."
    fix_hint = "Pass values as parameters: `cursor.execute('... WHERE id = %s', (user_id,))`."
    pattern = "sql-injection"
    default_on = False
    #: Tests and fixtures build SQL to set up their own throwaway databases; no user value reaches it.
    exempt_in = frozenset({"tests"})
    ruff = ("S608",)
    why = ("When data is pasted into SQL text, a crafted value ends the string and adds its own SQL; "
           "parameters keep data and code apart, and let the database cache the plan.")
    instead = "Placeholders plus a parameter tuple; identifiers from a fixed allow-list, quoted by the driver."
    VALID = (
        "def f(cur, uid):\n    cur.execute('SELECT * FROM t WHERE id = %s', (uid,))\n",
        "def f(cur):\n    cur.execute('SELECT 1 ' + 'FROM t')\n",
        "SORTABLE = {'new': 'created DESC'}\ndef f(db, email, order):\n    order_by = SORTABLE[order]\n"
        "    sql = f'SELECT id FROM users WHERE email = ? ORDER BY {order_by}'\n    return db.execute(sql, (email,))\n",
        "def f(cur, table, uid):\n    cur.execute('SELECT * FROM ' + table + ' WHERE id = %s', (uid,))\n",
        "def f(db, start):\n    sql, where, params = 'SELECT * FROM t', [], []\n    if start:\n"
        "        where.append('at >= ?')\n        params.append(start)\n    if where:\n"
        "        sql += ' WHERE ' + ' AND '.join(where)\n    return db.execute(sql, params)\n",
        "_SCHEMA = 'rcm'\ndef f(conn):\n    return conn.execute(f'select count(*) from {_SCHEMA}.claims')\n",
    )
    INVALID = (
        Invalid("def f(cur, uid):\n    cur.execute(f'SELECT * FROM t WHERE id = {uid}')\n", 2, 17),
        Invalid("def f(cur, name):\n    sql = 'DELETE FROM t WHERE n = \\'%s\\'' % name\n    cur.execute(sql)\n", 3, 17),
        Invalid("from sqlalchemy import text\ndef f(t):\n    return text('SELECT * FROM {}'.format(t))\n", 3, 17),
        Invalid("def f(db, name, start):\n    sql = 'SELECT * FROM t'\n    where = [f\"n = '{name}'\"]\n"
                "    where.append('at >= ?')\n    sql += ' WHERE ' + ' AND '.join(where)\n"
                "    return db.execute(sql, (start,))\n", 6, 23),
        Invalid("TABLE = 'claims'\ndef f(cur, TABLE):\n    cur.execute(f'SELECT * FROM {TABLE}')\n", 3, 17),
    )

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self._built = ScopeNames(is_built_string, augmented=True)
        self._constants: set[str] | None = None

    def begin(self, ctx: Context) -> None:
        """Reset per-file state (rule instances are reused across files)."""
        self._built.reset()
        self._constants = None  # the module's constants, read once per file when a query needs them

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        is_execute = isinstance(func, ast.Attribute) and func.attr in _EXECUTE
        if not (is_execute or ctx.qualname(func) in _TEXT) or not node.args:
            return
        query = node.args[0]
        built = is_built_string(query)
        if not built and not (isinstance(query, ast.Name) and query.id in self._built.get(ctx)):
            return
        parameters = _passes_parameters(node)
        if parameters and _has_placeholder(_query_texts(query, ctx)):
            return  # values travel as parameters; what was built is the statement's shape (an allow-listed name)
        message = self.message if built else f"`{query.id}` holds SQL built from strings and is executed."  # type: ignore[attr-defined]
        if not parameters:
            if self._constants is None:
                self._constants = _module_constants(ctx.tree)
            if _constants_only(query, ctx, self._constants):
                return  # only the module's own literals are pasted in: no value from outside reaches the query
        identifiers = not parameters and _identifiers_only(query, ctx)
        if parameters:  # values are bound; what is pasted in is likely a name: worth a look, not a stop
            message += " Warning only: parameters are passed too; make sure only names from an allow-list are pasted."
        elif identifiers:
            message += (" Warning only: what is pasted in sits in identifier quotes (a table or column name, which "
                        "no placeholder can carry); make sure it comes from an allow-list or the catalog.")
        ctx.report(self, query, message=message, severity=Severity.WARNING if parameters or identifiers else None)


_SECRET_WORDS = re.compile(
    r"(?:^|_)(?:pas+wo?r?d|passwd|passphrase|pwd|secret|token|api_?key|private_?key|access_?key|credentials?)(?:$|_)",
    re.IGNORECASE,
)
_NOT_SECRET_SUFFIX = frozenset(
    {"url", "uri", "name", "field", "type", "header", "prefix", "suffix", "env", "var", "path", "file", "dir",
     "label", "help", "text", "template", "message", "msg", "format", "fmt", "pattern", "regex", "endpoint",
     "kind", "param", "attr", "column", "length", "len", "count", "max", "min", "timeout", "mode", "class",
     "id", "policy", "scheme", "location", "storage", "backend", "generator", "method", "hasher", "cookie",
     "session", "validator", "validators", "char", "chars", "sep", "separator", "encoding", "algorithm"}
)
_LEXER_WORDS = re.compile(r"token", re.IGNORECASE)
#: Real passwords that look like plain words: the top of every leaked-password list.
_WEAK_PASSWORDS = frozenset(
    {"admin", "administrator", "letmein", "qwerty", "welcome", "root", "toor", "guest", "changeit", "secret",
     "monkey", "dragon", "master", "iloveyou", "trustno", "sunshine", "hunter", "pass", "passw0rd", "p@ssw0rd"}
)
_KEY_FORMATS = re.compile(
    r"AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|xox[abposr]-[A-Za-z0-9-]{10,}"
    r"|-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"
)


def secret_name(name: str) -> bool:
    """True for a name that says it holds a secret (and is not, say, a `password_url`)."""
    if not _SECRET_WORDS.search(name):
        return False
    return name.lower().rsplit("_", 1)[-1] not in _NOT_SECRET_SUFFIX


def secret_value(value: str, name: str) -> bool:
    """A non-empty literal that could be a credential (not a sentence, template, key name or placeholder)."""
    text = value.strip()
    if len(text) < 4 or any(ch.isspace() for ch in text) or is_placeholder(text):
        return False
    if "{" in text or "%(" in text or text.startswith(("$", "<", "/", "http://", "https://")):
        return False
    if re.fullmatch(r"[A-Z][A-Z0-9_]*", text) or text.lower() in name.lower() or len(set(text)) == 1:
        return False  # an environment variable's name, the key's own name, or '****'
    if text.lower() in _WEAK_PASSWORDS:
        return True  # a word, but a password all the same (and the first one an attacker tries)
    if re.fullmatch(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+", text):
        return False  # a dotted name (an event, logger or setting: `oauth.token_expired`), not a passphrase
    return not re.fullmatch(r"[a-z]+(?:[_.-][a-z]+)*", text) or len(text) >= 16


#: Words by which a value says it is a sample: `demo-token-alice`, `sample_password`, `test-secret-1`.
_SAMPLE_WORDS = frozenset({"demo", "sample", "example", "seed", "test", "dev", "fake", "dummy", "local"})
#: Module names of seed, demo and fixture data: `seed_demo.py`, `demo_data.py`, `fixtures.py`.
_SAMPLE_MODULES = re.compile(r"(?:^|_)(?:seeds?|seeding|demos?|fixtures?|samples?)(?:_|$)")


def sample_credential(value: str, path: str) -> bool:
    """A value that says it is a sample (``demo-token-alice``) in a script or a seed, demo or
    fixture module: the known token a `make demo` seed gives its demo users so the demo can log
    in, not a leaked credential. The same value in product code, or a real-looking value in a
    seed script, is still a secret."""
    if not _SAMPLE_WORDS.intersection(re.findall(r"[a-z]+", value.lower())):
        return False
    stem = posixpath.splitext(posixpath.basename(path))[0].lower()
    return bool(_SAMPLE_MODULES.search(stem)) or codekind.path_kind(path) in codekind.SCRIPT_KINDS


def _target_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and is_str(node.slice):
        return node.slice.value  # type: ignore[attr-defined]
    return None


class HardcodedSecret(Rule):
    """Finds secrets in code: a name that looks like a secret (password, secret, token, api_key,
    private_key, access_key, credentials...) assigned or passed a real-looking string literal, and
    literals in well-known key formats (AWS `AKIA...`, GitHub `ghp_...`, Slack `xox...-`, PEM private keys)."""

    code = "SEC002"
    name = "hardcoded-secret"
    family = "security"
    severity = Severity.ERROR
    message = "Hard-coded secret: it is now in every clone, backup and log of this repository."
    fix_hint = "Read it from the environment or a secret store (`os.environ['API_TOKEN']`) and rotate this one."
    pattern = "secrets-and-config"
    default_on = False
    ruff = ("S105", "S106", "S107")
    why = "Source code is copied everywhere; a secret in it is leaked the moment the repository is."
    instead = "`token = os.environ['SERVICE_TOKEN']`, with the value injected at deploy time."
    exempt_in = frozenset({"tests"})
    VALID = (
        "import os\nAPI_TOKEN = os.environ['API_TOKEN']\n",
        "password = ''\n",
        "TOKEN_TYPE = 'bearer'\n",
        "password_help = 'Your password must contain 8 characters.'\n",
        "PASSWORD_ENV = 'DB_PASSWORD'\n",
        "def check(token_type):\n    return token_type == 'bearer'\n",
        "def f(password):\n    return password == ''\n",
        "def lex(token):\n    return token == '#bygroup'\n",
        "OAUTH_TOKEN_EXPIRED = 'oauth.token_expired'\n",
    )
    INVALID = (
        Invalid("DB_PASSWORD = 'hunter2-prod'\n", 1, 15),
        Invalid("connect(host='db', password='s3cr3t!x')\n", 1, 29),
        Invalid("KEY = 'AKIAABCDEFGHIJKLMNOP'\n", 1, 7),  # warden: ignore[SEC002] - a made-up example key
        Invalid("def login(user, api_key='k_29f8a7c6e1'):\n    pass\n", 1, 25),
        Invalid("def login(password):\n    return password == 's3cr3t'\n", 2, 24),
        Invalid("def login(user):\n    if 'letmein' != user.password:\n        raise PermissionError\n", 2, 8),
        Invalid("connect(host='db', user='root', password='admin')\n", 1, 42),
    )

    def _check(self, name: str | None, value: ast.expr | None, ctx: Context) -> None:
        if not (name and is_str(value)):
            return
        text = value.value  # type: ignore[union-attr]
        if secret_name(name) and secret_value(text, name) and not sample_credential(text, ctx.source.path):
            ctx.report(self, value, message=f"Hard-coded secret assigned to `{name}`.")  # type: ignore[arg-type]

    def visit_Assign(self, node: ast.Assign, ctx: Context) -> None:
        for target in node.targets:
            self._check(_target_name(target), node.value, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: Context) -> None:
        self._check(_target_name(node.target), node.value, ctx)

    def visit_keyword(self, node: ast.keyword, ctx: Context) -> None:
        self._check(node.arg, node.value, ctx)

    def visit_Dict(self, node: ast.Dict, ctx: Context) -> None:
        for key, value in zip(node.keys, node.values):
            if is_str(key):
                self._check(key.value, value, ctx)  # type: ignore[union-attr]

    def visit_arguments(self, node: ast.arguments, ctx: Context) -> None:
        positional = node.posonlyargs + node.args
        pairs = list(zip(positional[len(positional) - len(node.defaults):], node.defaults))
        pairs += [(a, d) for a, d in zip(node.kwonlyargs, node.kw_defaults) if d is not None]
        for arg, default in pairs:
            self._check(arg.arg, default, ctx)

    def visit_Compare(self, node: ast.Compare, ctx: Context) -> None:
        sides = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, sides, sides[1:]):
            if isinstance(op, (ast.Eq, ast.NotEq)):
                for name, value in ((_target_name(left), right), (_target_name(right), left)):
                    if name and not _LEXER_WORDS.search(name):  # a parser compares tokens, not secrets
                        self._check(name, value, ctx)

    def visit_Constant(self, node: ast.Constant, ctx: Context) -> None:
        if isinstance(node.value, str) and len(node.value) >= 20 and _KEY_FORMATS.search(node.value):
            if not isinstance(ctx.parent, ast.Expr):  # a docstring that shows a format is not a secret
                ctx.report(self, node, message="String literal in a well-known credential format.")


RULES: tuple[type[Rule], ...] = (SqlInjection, HardcodedSecret)
