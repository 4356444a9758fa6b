"""Placeholder data: stand-ins that make unfinished code look finished (ERR005, family errors).

Agents asked for a feature whose data layer is not ready write plausible fiction (John Doe at
john@example.com, a key to fill in, "TODO replace with real API") and the code runs, returns
data and passes review. This rule finds the stand-ins in production code; tests, fixtures and
modules whose purpose is stand-ins are exempt.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

from pattern_warden.rules.base import Context, Invalid, Rule, Severity, docstring_node, is_str, walk_local

_PLACEHOLDER = re.compile(
    r"^(?:mock[_\- ]\w.*|(?:dummy|fake)(?:[_\- ]\w.*)?|change[_\- ]?me|placeholder|lorem ipsum.*)$",
    re.IGNORECASE | re.DOTALL,
)
#: Stand-ins that are never real data wherever they appear in a literal: the textbook people,
#: reserved e-mail domains, lorem ipsum, fictional streets and phone numbers, keys to fill in.
_STAND_INS = (
    ("placeholder person", re.compile(
        r"^(?:(?:john|jane|joe|richard|baby)\s+(?:q\.?\s+)?(?:doe|roe|bloggs|smith|public)|max\s+mustermann|"
        r"(?:test|sample|demo|example)\s+user)$", re.IGNORECASE)),
    ("placeholder record", re.compile(
        r"^(?:test|sample|demo|example|dummy|fake)\s+(?:product|item|customer|company|order|account|article)$",
        re.IGNORECASE)),
    ("placeholder e-mail", re.compile(
        r"^[^@\s]+@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|[\w-]+\.(?:test|example))$", re.IGNORECASE)),
    ("lorem ipsum", re.compile(r"\blorem ipsum\b", re.IGNORECASE)),
    ("placeholder address", re.compile(
        r"^\d{1,5}\s+(?:main|elm|oak|maple|fake|example)\s+(?:st|street|ave|avenue|rd|road|ln|lane|blvd)\b|\banytown\b",
        re.IGNORECASE)),
    ("placeholder phone number", re.compile(r"^(?:\+?1[-. ]?)?\(?555\)?[-. ]?\d{3}[-. ]\d{4}$")),
    # the reserved documentation domains of RFC 2606 (api.example.com, shop.example): no service
    # answers there, so a URL on one is a value still to be filled in; localhost is real, and
    # `.invalid` is the name chosen to fail on purpose (a redirect never followed, a stand-in a
    # library's settings demand), a sentinel rather than data
    ("placeholder URL", re.compile(
        r"^(?:https?|wss?)://(?:[\w-]+\.)*(?:example\.(?:com|org|net)|[\w-]+\.example)(?::\d+)?(?:[/?#]|$)",
        re.IGNORECASE)),
    ("placeholder key", re.compile(
        r"^(?:sk|pk|rk|api|key|token)[-_](?:test[-_]|live[-_]|proj[-_])?(?:x{3,}|X{3,}|\.{3}|\*{3,})$|"
        r"^(?:(?:sk|pk|rk|api|key|token)[-_](?:test[-_]|live[-_])?)?(?:x{6,}|X{6,}|1234567890?|abc123\w*)$|"
        r"^(?:your|my|insert|enter|put|replace)[-_ ](?:[\w-]+[-_ ])*(?:key|token|secret|password)(?:[-_ ]here)?$|"
        r"^<[^>]*(?:key|token|secret|password)[^>]*>$", re.IGNORECASE)),
)
#: Keywords and dict keys whose value documents a shape (OpenAPI examples, a form's hint), not data.
_DOC_KEYS = frozenset({"example", "examples", "json_schema_extra", "openapi_examples", "schema_extra", "placeholder",
                       "help", "help_text", "description", "doc", "docs"})
#: A note saying the code beside it is a stand-in: "TODO replace with real API", "FIXME: mock data".
_STAND_IN_NOTE = re.compile(
    r"\b(?:TODO|FIXME|XXX|HACK)\b.*(?:\b(?:replace|swap|substitute)\b.*\b(?:real|actual|live|production)\s+"
    r"(?:api|data|database|db|service|endpoint|backend|implementation|call|query|request|response|values?|records?|"
    r"users?|credentials|keys?|client|integration|source|lookup)\b|"
    r"\b(?:mock|fake|dummy|placeholder|stub|hard-?coded|canned|sample)\s+(?:data|values?|responses?|users?|"
    r"records?|results?|implementation)\b)", re.IGNORECASE)
#: The looser note, "TODO replace with real pricing": a stand-in only on a line of literal data.
_DATA_NOTE = re.compile(r"\b(?:TODO|FIXME|XXX)\b.*\b(?:replace|swap)\b.*\b(?:real|actual|live|production)\b",
                        re.IGNORECASE)
#: Names of a credential that a service requires (api_key, OPENAI_API_KEY, access_token).
_CREDENTIAL = re.compile(r"(?:^|_)(?:api_?key|api_?token|access_?token|auth_?token|bearer_?token|secret_?key)$",
                         re.IGNORECASE)
#: A parameter's `""` is mostly "none given" (yt-dlp's `token=''` query string); only an API key's
#: is the client's stand-in for the key it needs.
_KEY_PARAMETER = re.compile(r"(?:^|_)api_?key$", re.IGNORECASE)
_ENV_LOOKUPS = frozenset({"os.getenv", "os.environ.get"})
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
#: "dummy" is left out of names on purpose: in real code a Dummy class is nearly always a
#: deliberate null object (DummyLock, DummyProcess), while Mock/Fake in a name means a stand-in.
_MOCK_NAME_WORDS = frozenset({"mock", "fake"})
#: Modules whose purpose is stand-ins: mocks, fakes, test helpers, factories, fixtures, demos.
_MOCK_MODULE_WORDS = frozenset({"mock", "fake", "dummy", "lorem", "mocks", "fakes", "testing", "testutils", "fixture",
                                "fixtures", "factory", "factories", "faker", "stub", "stubs", "demo", "seed", "seeds"})


#: A library whose product is test doubles names itself so (fakeredis, faker, mock, mockito): its
#: distribution or its package starts with fake or mock.
_DOUBLES_LIBRARY = re.compile(r"^(?:fake|mock)", re.IGNORECASE)

_ADAPTER = re.compile(r"\b(?:mimic|emulat|imitat|adapt|wraps?\b|compatib)", re.IGNORECASE)


def is_placeholder(value: str) -> bool:
    """True for a stand-in value such as 'mock_user', 'dummy', 'changeme', 'lorem ipsum' or 'your-api-key'."""
    return bool(_PLACEHOLDER.match(value.strip())) or stand_in(value) is not None


def stand_in(value: str) -> str | None:
    """What kind of stand-in ``value`` is ("placeholder e-mail", ...), or None for real-looking data."""
    text = value.strip()
    return next((kind for kind, pattern in _STAND_INS if pattern.search(text)), None)


def _names_its_class(value: str, ctx: Context) -> bool:
    """``name = "fake"`` in the body of ``class FakePayGate``: the class's own identifier (a
    registry key, a backend name), not data; the class itself is what is reported."""
    return bool(ctx.classes) and not ctx.functions and _words(value) <= _words(ctx.classes[-1].name)


def _words(name: str) -> set[str]:
    return {word.lower() for word in _WORDS.findall(name)}


def _data_literals(node: ast.expr | None) -> list[ast.Constant]:
    """String constants that *are* the data: the value itself or the values of a dict literal.

    Items of a list or tuple are left alone: there they are mostly names (`__all__`, choices).
    """
    if is_str(node):
        return [node]  # type: ignore[list-item]
    if isinstance(node, ast.Dict):
        return [value for value in node.values if is_str(value)]  # type: ignore[misc]
    if isinstance(node, ast.BoolOp):  # `os.getenv("KEY") or "mock_key"`: the default is the data
        return [c for value in node.values for c in _data_literals(value)]
    if isinstance(node, ast.IfExp):
        return [*_data_literals(node.body), *_data_literals(node.orelse)]
    return []


def _all_literals(node: ast.expr | None) -> list[ast.Constant]:
    """Every string constant of a value built from literals and calls: list, tuple and set items,
    dict values and call arguments too (a stand-in person is never a name), except what documents
    a shape (``_DOC_KEYS``)."""
    if node is None:
        return []
    if is_str(node):
        return [node]  # type: ignore[list-item]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [c for elt in node.elts for c in _all_literals(elt)]
    if isinstance(node, ast.Dict):
        return [c for k, v in zip(node.keys, node.values) if not (is_str(k) and k.value in _DOC_KEYS)  # type: ignore[union-attr]
                for c in _all_literals(v)]
    if isinstance(node, ast.BoolOp):
        return [c for value in node.values for c in _all_literals(value)]
    if isinstance(node, ast.IfExp):
        return [*_all_literals(node.body), *_all_literals(node.orelse)]
    if isinstance(node, ast.Call):
        return [*(c for arg in node.args for c in _all_literals(arg)),
                *(c for kw in node.keywords if kw.arg not in _DOC_KEYS for c in _all_literals(kw.value))]
    return []


def _literal_data(node: ast.expr | None) -> bool:
    """A value written out in full: a string or number, or a container of them (no names, no calls)."""
    if isinstance(node, ast.Constant):
        return node.value is not None
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return bool(node.elts) and all(_literal_data(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.values) and all(_literal_data(v) for v in node.values)
    return isinstance(node, ast.UnaryOp) and _literal_data(node.operand)


def _empty_credentials(names: list[str], value: ast.expr | None, ctx: Context) -> list[tuple[str, ast.Constant]]:
    """(credential name, its `""`) for each empty-string default a credential gets from ``value``:
    `""` itself, `os.getenv("OPENAI_API_KEY", "")`, `key or ""`; named by the target or the variable."""
    if is_str(value) and value.value == "":  # type: ignore[union-attr]
        return [(name, value) for name in names if _CREDENTIAL.search(name)]  # type: ignore[misc]
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        # `client.api_key or ""` only turns None into a string; `os.getenv("API_KEY") or ""` is a default
        looked_up = any(isinstance(v, ast.Call) and ctx.qualname(v.func) in _ENV_LOOKUPS for v in value.values)
        return [f for v in value.values if looked_up or not is_str(v) for f in _empty_credentials(names, v, ctx)]
    if isinstance(value, ast.Call) and ctx.qualname(value.func) in _ENV_LOOKUPS and len(value.args) == 2:
        variable, default = value.args
        spelled = [variable.value] if is_str(variable) else []  # type: ignore[union-attr]
        return _empty_credentials([*names, *spelled], default, ctx)
    return []


def _tested_names(tree: ast.Module) -> set[str]:
    """Names and attributes read in a test anywhere in the module (`if not self.api_key:`,
    `assert token`, `x if key else y`): a credential tested there is checked, not trusted blindly."""
    tests = [n.test for n in ast.walk(tree) if isinstance(n, (ast.If, ast.While, ast.IfExp, ast.Assert))]
    return {n.id if isinstance(n, ast.Name) else n.attr for test in tests for n in ast.walk(test)
            if isinstance(n, (ast.Name, ast.Attribute))}


def _names_an_example(node: ast.Return | ast.Assign | ast.AnnAssign) -> bool:
    """An assignment to a name such as `EXAMPLE_USER`: documentation of a shape, not data."""
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return any(isinstance(t, ast.Name) and _words(t.id) & {"example", "examples"} for t in targets)


def _in_fixture(ctx: Context) -> bool:
    """Inside a function decorated as a fixture (`@pytest.fixture`, `@fixture(...)`)."""
    for func in ctx.functions:
        for deco in getattr(func, "decorator_list", ()):
            target = deco.func if isinstance(deco, ast.Call) else deco
            if (target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")) == "fixture":
                return True
    return False


class PlaceholderData(Rule):
    """Finds placeholder data in production code: stand-in people, e-mails, addresses, phone
    numbers, keys and URLs on a reserved documentation domain anywhere in a returned or assigned
    literal or a parameter default (`"John Doe"`, `"john@example.com"`, lorem ipsum, `"123 Main St"`,
    `"555-0100"`, `"your-api-key-here"`, `"sk-xxx"`, `"https://api.example.com"`; `localhost` is a
    real place), a credential (`api_key`, `OPENAI_API_KEY`) whose default is `""` and that no test in
    the module checks (`if not api_key: raise ...`), string values such as
    `"mock_user"`, `"dummy"`, `"fake"`, `"changeme"` or `"placeholder"` that are returned or
    assigned (as the value or a dict value), notes that mark code as a stand-in (`# TODO replace
    with real API`, `# FIXME: mock data`, or on a line of literal data any "TODO replace with real
    ..."), and public module- or class-level functions or classes
    named mock or fake. Test, doc, example and fixture paths, modules whose purpose is stand-ins
    (`mock.py`, `testing.py`, `factories.py`, `dummy/`, `lorem_ipsum.py`), test-double libraries
    (a distribution in pyproject.toml or setup.cfg, or a package, named fake... or mock...: fakeredis's
    `FakeTransport` is its product), fixture functions,
    schema examples (`example=`, `json_schema_extra`) and a package's `__main__.py` (its demo) are
    exempt. Opt-in for `check`; review and the hooks apply it to new code."""

    code = "ERR005"
    name = "mock-data"  # warden: ignore[ERR005] - the rule's own name
    family = "errors"
    #: Stand-in data is an error on new code: the gates stop the agent for it. An empty credential
    #: nothing checks is a warning: it fails loudly (a 401) rather than passing fiction along, and
    #: the check is often in another module (bench/labels/gates_issue22_agent5.md, final engine).
    severity = Severity.ERROR
    message = "Placeholder data in production code."
    fix_hint = "Load the real value (config, database, caller) or fail loudly; keep fakes in tests."
    pattern = "no-mock-data"
    default_on = False
    why = ("Stand-in values that reach production look like success: the code runs, returns data and "
           "passes review, while callers act on fiction.")
    instead = "Compute or load the real value; if it is not available yet, raise `NotImplementedError`."
    exempt_in = frozenset({"tests"})
    VALID = (
        "def user():\n    return load_user()\n",
        "LABEL = 'placeholder text for the search box'\n",
        "def mocked():\n    return {'kind': 'real'}\n",
        "class DummyLock:\n    def acquire(self):\n        return True\n",
        "__all__ = ['mock_open', 'fake']\n",
        "class MockRequest:\n    \"\"\"Wraps a PreparedRequest to mimic a urllib Request for cookielib.\"\"\"\n",
        "from pydantic import Field\nclass User:\n    email: str = Field(example='jane@example.com')\n",
        "EXAMPLE_USER = {'name': 'John Doe', 'email': 'john@example.com'}\n",
        "import pytest\n@pytest.fixture\ndef user():\n    return {'name': 'John Doe'}\n",
        "# TODO: handle pagination\nusers = api.list_users()\n",
        "# a redirect the headless flow never follows\nMANUAL_REDIRECT = 'https://example.invalid/callback'\n",
        "# TODO: replace this regex with a real parser\nNAME = re.compile('[a-z]+')\n",
        "def greet(name):\n    return f'Hello, {name}'\n",
        "class DummyCache:\n    \"\"\"Stores nothing, for callers with caching off.\"\"\"\n    name = 'dummy'\n",
        # None made a string: where the key comes from is decided elsewhere
        "def headers(client):\n    current_api_key = client.api_key or ''\n    return {'key': current_api_key}\n",
        # an optional token for a query string: "none given"
        "def formats(slug, token=''):\n    return [f'{slug}.m3u8?{token}']\n",
        # a local service in development settings is real
        "def connect(base_url: str = 'http://localhost:8000'):\n    return Session(base_url)\n",
        # an empty key that is checked: a missing key fails at once, with a clear message
        "import os\nAPI_KEY = os.environ.get('SHIP_API_KEY', '')\nif not API_KEY:\n    raise SystemExit('SHIP_API_KEY is not set')\n",
        "class Client:\n    def __init__(self, token: str = ''):\n        self.token = token\n    def headers(self):\n"
        "        return {'Authorization': f'Bearer {self.token}'} if self.token else {}\n",
        # the key falls back to a lookup that raises when it is missing
        "import os\ndef client(api_key: str = ''):\n    return Session(key=api_key or os.environ['SHIP_API_KEY'])\n",
    )
    INVALID = (
        Invalid("def user():\n    return {'name': 'mock_user', 'id': 1}\n", 2, 21),
        Invalid("class FakePaymentGateway:\n    pass\n", 1, 1),
        Invalid("API_KEY = 'changeme'\n", 1, 11),
        Invalid("def get_fake_orders():\n    return []\n", 1, 1),
        # the seed's own form: a list of made-up people, marked as a stand-in
        Invalid("users = [{'name': 'John Doe', 'email': 'john@example.com'}]  # TODO replace with real API\n", 1, 19),
        Invalid("def list_users():\n    return [User(name='Jane Smith', email='jane@example.org')]\n", 2, 23),
        Invalid("def profile():\n    return {'bio': 'Lorem ipsum dolor sit amet'}\n", 2, 20),
        Invalid("STRIPE_KEY = 'sk_test_xxxxxxxx'\n", 1, 14),
        Invalid("def orders():\n    # TODO: replace with the real database query\n    return []\n", 2, 1),
        Invalid("import os\ndef api_key():\n    return os.getenv('API_KEY') or 'mock_key_12345'\n", 3, 36),
        Invalid("def products():\n    return [{'id': 1, 'name': 'Sample product', 'price': 9.99}]\n", 2, 31),
        # a URL on a reserved documentation domain: no service answers there
        Invalid("class Client:\n    def __init__(self, base_url: str = 'https://api.example.com'):\n"
                "        self.base_url = base_url\n", 2, 40),
        Invalid("import os\nBASE_URL = os.environ.get('NEWS_BASE_URL', 'https://news.example.com')\n", 2, 44),
        Invalid("OPENAI_KEY = 'sk-xxx'\n", 1, 14),
        # an empty key nothing checks: the first request fails as a 401, far from the cause
        Invalid("import os\nclass Rates:\n    def __init__(self, api_key=None):\n"
                "        self.api_key = api_key or os.environ.get('FX_API_KEY', '')\n"
                "    def headers(self):\n        return {'Authorization': f'Bearer {self.api_key}'}\n", 4, 64),
        Invalid("def client(api_key: str = ''):\n    return Session(headers={'X-Key': api_key})\n", 1, 27),
        Invalid("import os\nOPENAI_API_KEY = os.getenv('OPENAI_API_KEY') or ''\n", 2, 49),
        # loosely worded, but on a line of data
        Invalid("RATES = {'EUR': 1.08, 'GBP': 1.27}  # TODO: replace with real exchange rates\n", 1, 1),
    )

    def begin(self, ctx: Context) -> None:
        """Reset per-file state (rule instances are reused across files)."""
        path = PurePosixPath(ctx.source.path)
        words = set().union(*(_words(part) for part in (*path.parts[:-1], path.stem)))
        # A module about mocks may say "mock" freely; a package's __main__ is its demo; a test-double
        # library (by its metadata's name, or its package's) ships fakes as its product.
        self._about_mocks = (bool(words & _MOCK_MODULE_WORDS) or path.name == "__main__.py"
                             or bool(_DOUBLES_LIBRARY.match(ctx.distribution or ""))
                             or any(_DOUBLES_LIBRARY.match(part) for part in path.parts[:-1]))
        self._lines: set[int] = set()
        self._data_lines: set[int] = set()
        self._credentials: list[tuple[str, ast.Constant]] = []

    def _check_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        """The name, and the parameter defaults: `base_url="https://api.example.com"`, `api_key=""`."""
        self._check_name(node, ctx)
        if self._about_mocks:
            return
        args = node.args
        positional = args.posonlyargs + args.args
        pairs = [*zip(positional[len(positional) - len(args.defaults):], args.defaults),
                 *((a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)]
        chained = {v.id for n in walk_local(node.body) if isinstance(n, ast.BoolOp) and isinstance(n.op, ast.Or)
                   for v in n.values[:-1] if isinstance(v, ast.Name)}
        for arg, default in pairs:
            # `api_key or os.environ[...]`: the chain's end is the default, not the parameter's
            if arg.arg not in chained and _KEY_PARAMETER.search(arg.arg):
                self._credentials += _empty_credentials([arg.arg], default, ctx)
            found = [(literal, kind) for literal in _all_literals(default) if (kind := stand_in(literal.value))]
            if found:
                literal, kind = found[0]
                ctx.report(self, literal, message=f"{kind[0].upper() + kind[1:]} {literal.value!r} as the default of "
                                                  f"`{arg.arg}` in production code.")
                self._lines.add(literal.lineno)

    def _check_name(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, ctx: Context) -> None:
        if self._about_mocks or node.name.startswith("_") or ctx.functions:
            return
        doc = docstring_node(node)
        if doc is not None and _ADAPTER.search(doc.value.value):  # type: ignore[attr-defined]
            return  # an adapter that imitates another API (requests' MockRequest), not fake data
        if _words(node.name) & _MOCK_NAME_WORDS:
            ctx.report(self, node, message=f"`{node.name}` is named as a mock/fake/dummy in production code.",
                       end=node)
            self._lines.add(node.lineno)

    visit_FunctionDef = visit_AsyncFunctionDef = _check_function
    visit_ClassDef = _check_name

    def _check_value(self, node: ast.Return | ast.Assign | ast.AnnAssign, ctx: Context) -> None:
        if self._about_mocks or _names_an_example(node) or _in_fixture(ctx):
            return
        if _literal_data(node.value):
            self._data_lines.update(range(node.lineno - 1, (node.end_lineno or node.lineno) + 1))
        if not isinstance(node, ast.Return):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id if isinstance(t, ast.Name) else t.attr for t in targets if isinstance(t, (ast.Name, ast.Attribute))]
            self._credentials += _empty_credentials(names, node.value, ctx)
        found = [(literal, kind) for literal in _all_literals(node.value) if (kind := stand_in(literal.value))]
        if found:  # one finding per statement: a list of made-up people is one problem
            literal, kind = found[0]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            ctx.report(self, literal, message=f"{kind[0].upper() + kind[1:]} {literal.value!r}{more} in production code.")
            self._lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
            return
        for literal in _data_literals(node.value):
            if is_placeholder(literal.value) and not _names_its_class(literal.value, ctx):
                ctx.report(self, literal, message=f"Placeholder value {literal.value!r} in production code.")
                self._lines.add(literal.lineno)

    visit_Return = visit_Assign = visit_AnnAssign = _check_value

    def visit_keyword(self, node: ast.keyword, ctx: Context) -> None:
        """`Client(api_key=os.getenv("SHIP_API_KEY", ""))`: the keyword names the credential."""
        if not self._about_mocks and node.arg and not _in_fixture(ctx):
            self._credentials += _empty_credentials([node.arg], node.value, ctx)

    def end(self, ctx: Context) -> None:
        """Empty credentials nothing checks, and notes that mark code (or, loosely worded, a line
        of literal data) as a stand-in, where no finding of this rule is on the same line."""
        if self._about_mocks:
            return
        if self._credentials:
            tested = _tested_names(ctx.tree)
            named: dict[int, tuple[ast.Constant, list[str]]] = {}
            for name, literal in self._credentials:  # one default may be named twice: `key = getenv("API_KEY", "")`
                named.setdefault(id(literal), (literal, []))[1].append(name)
            for literal, names in named.values():
                if not set(names) & tested and literal.lineno not in self._lines:
                    ctx.report(self, literal, severity=Severity.WARNING, message=(
                        f"Credential `{names[0]}` defaults to an empty string and nothing in this module checks it: "
                        "a missing key fails far away, as a 401. Warning only: it fails loudly, and may be checked "
                        "elsewhere."))
                    self._lines.add(literal.lineno)
        if not (_STAND_IN_NOTE.search(ctx.source.text) or _DATA_NOTE.search(ctx.source.text)):
            return  # the usual case: no such note anywhere, so no need to tokenize for comments
        for line, text in sorted(ctx.comments.items()):
            if line not in self._lines and (_STAND_IN_NOTE.search(text)
                                            or (line in self._data_lines and _DATA_NOTE.search(text))):
                ctx.report_at(self, line, f"Stand-in marked by a note ({text.strip()[:60]!r}): the real code is missing.")


RULES: tuple[type[Rule], ...] = (PlaceholderData,)
