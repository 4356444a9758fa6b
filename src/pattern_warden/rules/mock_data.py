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

from pattern_warden.rules.base import Context, Invalid, Rule, Severity, docstring_node, is_str

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
        r"^[^@\s]+@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|[\w-]+\.(?:test|example|invalid))$", re.IGNORECASE)),
    ("lorem ipsum", re.compile(r"\blorem ipsum\b", re.IGNORECASE)),
    ("placeholder address", re.compile(
        r"^\d{1,5}\s+(?:main|elm|oak|maple|fake|example)\s+(?:st|street|ave|avenue|rd|road|ln|lane|blvd)\b|\banytown\b",
        re.IGNORECASE)),
    ("placeholder phone number", re.compile(r"^(?:\+?1[-. ]?)?\(?555\)?[-. ]?\d{3}[-. ]\d{4}$")),
    ("placeholder key", re.compile(
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
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
#: "dummy" is left out of names on purpose: in real code a Dummy class is nearly always a
#: deliberate null object (DummyLock, DummyProcess), while Mock/Fake in a name means a stand-in.
_MOCK_NAME_WORDS = frozenset({"mock", "fake"})
#: Modules whose purpose is stand-ins: mocks, fakes, test helpers, factories, fixtures, demos.
_MOCK_MODULE_WORDS = frozenset({"mock", "fake", "dummy", "lorem", "mocks", "fakes", "testing", "testutils", "fixture",
                                "fixtures", "factory", "factories", "faker", "stub", "stubs", "demo", "seed", "seeds"})


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
    numbers and keys anywhere in a returned or assigned literal (`"John Doe"`, `"john@example.com"`,
    lorem ipsum, `"123 Main St"`, `"555-0100"`, `"your-api-key-here"`), string values such as
    `"mock_user"`, `"dummy"`, `"fake"`, `"changeme"` or `"placeholder"` that are returned or
    assigned (as the value or a dict value), notes that mark code as a stand-in (`# TODO replace
    with real API`, `# FIXME: mock data`), and public module- or class-level functions or classes
    named mock or fake. Test, doc, example and fixture paths, modules whose purpose is stand-ins
    (`mock.py`, `testing.py`, `factories.py`, `dummy/`, `lorem_ipsum.py`), fixture functions,
    schema examples (`example=`, `json_schema_extra`) and a package's `__main__.py` (its demo) are
    exempt. Opt-in for `check`; review and the hooks apply it to new code."""

    code = "ERR005"
    name = "mock-data"  # warden: ignore[ERR005] - the rule's own name
    family = "errors"
    severity = Severity.WARNING
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
        "# TODO: replace this regex with a real parser\nNAME = re.compile('[a-z]+')\n",
        "def greet(name):\n    return f'Hello, {name}'\n",
        "class DummyCache:\n    \"\"\"Stores nothing, for callers with caching off.\"\"\"\n    name = 'dummy'\n",
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
    )

    def begin(self, ctx: Context) -> None:
        """Reset per-file state (rule instances are reused across files)."""
        path = PurePosixPath(ctx.source.path)
        words = set().union(*(_words(part) for part in (*path.parts[:-1], path.stem)))
        # A module about mocks may say "mock" freely; a package's __main__ is its demo.
        self._about_mocks = bool(words & _MOCK_MODULE_WORDS) or path.name == "__main__.py"
        self._lines: set[int] = set()

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

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _check_name

    def _check_value(self, node: ast.Return | ast.Assign | ast.AnnAssign, ctx: Context) -> None:
        if self._about_mocks or _names_an_example(node) or _in_fixture(ctx):
            return
        found = [(literal, kind) for literal in _all_literals(node.value) if (kind := stand_in(literal.value))]
        if found:  # one finding per statement: a list of made-up people is one problem
            literal, kind = found[0]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            ctx.report(self, literal, message=f"{kind.capitalize()} {literal.value!r}{more} in production code.")
            self._lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
            return
        for literal in _data_literals(node.value):
            if is_placeholder(literal.value) and not _names_its_class(literal.value, ctx):
                ctx.report(self, literal, message=f"Placeholder value {literal.value!r} in production code.")
                self._lines.add(literal.lineno)

    visit_Return = visit_Assign = visit_AnnAssign = _check_value

    def end(self, ctx: Context) -> None:
        """Notes that mark code as a stand-in, where no finding of this rule is on the same line."""
        if self._about_mocks or not _STAND_IN_NOTE.search(ctx.source.text):
            return  # the usual case: no such note anywhere, so no need to tokenize for comments
        for line, text in sorted(ctx.comments.items()):
            if line not in self._lines and _STAND_IN_NOTE.search(text):
                ctx.report_at(self, line, f"Stand-in marked by a note ({text.strip()[:60]!r}): the real code is missing.")


RULES: tuple[type[Rule], ...] = (PlaceholderData,)
