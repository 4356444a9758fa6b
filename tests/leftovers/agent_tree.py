"""A working tree as agents leave it: one of each leftover, and live code only unusual paths reach.

``EXPECTED`` is exactly what the leftovers engine must report down to confidence 40, (kind,
path, symbol or None); ``LEADS`` are the ones below the default of 60.
Everything else in the tree is live, reached by an import, an entry point, a decorator
registry, a framework hook or a string, and must not be reported.
"""

from __future__ import annotations

CLIENT = '''\
"""The users API client the service calls."""
import requests

BASE = "https://users.internal.test/api"


def fetch_user(user_id: int) -> dict:
    response = requests.get(f"{BASE}/users/{user_id}", timeout=5)
    response.raise_for_status()
    return response.json()
'''

TREE: dict[str, str] = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "1.0"\n\n[project.scripts]\nshop = "shop.cli:main"\n',
    "shop/__init__.py": '"""The shop."""\nfrom shop import exporters\n\n__all__ = ["exporters"]\n',
    "shop/client.py": CLIENT,
    # an attempt saved under a version marker; nothing imports it
    "shop/client_v2.py": CLIENT.replace("timeout=5", "timeout=10").replace("The users", "New users"),
    # a backup copy beside the live module
    "shop/pricing.py": '"""Prices."""\n\n\ndef total(items: list[float]) -> float:\n    return round(sum(items), 2)\n',
    "shop/pricing.py.bak": '"""Prices."""\n\n\ndef total(items):\n    return sum(items)\n',
    # an orphaned module: nothing imports it, no string names it
    "shop/legacy_report.py": (
        '"""The old monthly report."""\n\n\ndef build(rows: list[dict]) -> str:\n'
        '    return "\\n".join(str(r) for r in rows)\n'
    ),
    "shop/service.py": (
        '"""What the web layer calls."""\n'
        "from shop.client import fetch_user\n"
        "from shop.pricing import total\n\n\n"
        "def profile(user_id: int) -> dict:\n"
        "    user = fetch_user(user_id)\n"
        '    return {"name": user["name"], "spent": total(user["orders"])}\n\n\n'
        "def _format_old(user: dict) -> str:\n"
        '    return f"{user[\'name\']} <{user[\'email\']}>"\n\n\n'
        "# def profile(user_id: int) -> dict:\n"
        "#     user = fetch_user(user_id)\n"
        '#     return {"name": user["name"]}\n'
        "\n\n"
        "def greeting(name: str) -> str:\n"
        "    # Keep this short: it is shown in the header.\n"
        '    return f"Hello {name} ({_initials(name)})"\n\n\n'
        "def _initials(name: str) -> str:\n"
        '    return "".join(part[0] for part in name.split())\n'
    ),
    # two modules that each wrap the same payments API
    "shop/payments.py": (
        '"""Charges."""\nimport requests\n\nAPI = "https://api.payhub.test"\n\n\n'
        "def charge(customer: str, cents: int) -> dict:\n"
        '    return requests.post(API + "/v1/charges", json={"customer": customer, "amount": cents}, timeout=5).json()\n\n\n'
        "def customer(customer_id: str) -> dict:\n"
        '    path = "/v1/customers"\n'
        '    return requests.get(f"{API}{path}/{customer_id}", timeout=5).json()\n'
    ),
    "shop/billing.py": (
        '"""Invoices, with their own calls to the payments provider."""\nimport requests\n\n'
        'PAYHUB = "https://api.payhub.test"\n\n\n'
        "def invoice(customer: str, cents: int) -> dict:\n"
        '    charge = requests.post(PAYHUB + "/v1/charges", json={"customer": customer, "amount": cents}, timeout=5)\n'
        '    who = requests.get(PAYHUB + "/v1/customers" + "/" + customer, timeout=5)\n'
        '    return {"charge": charge.json(), "customer": who.json()}\n'
    ),
    # live code reached only by an entry point, a decorator registry, a framework hook, a string
    "shop/cli.py": (
        '"""The `shop` command (an entry point in pyproject.toml)."""\n'
        "import sys\n\nfrom shop.service import greeting\nfrom shop.billing import invoice\n"
        "from shop.payments import charge\nfrom shop.exporters import load_plugin\n\n\n"
        "def main() -> int:\n"
        '    print(greeting(sys.argv[1]), invoice, charge, load_plugin("Health"))\n'
        "    return 0\n"
    ),
    "shop/exporters.py": (
        '"""Exporters register themselves by decorator."""\nfrom collections.abc import Callable\n\n'
        "REGISTRY: dict[str, Callable[[list], str]] = {}\n\n\n"
        "def register(name: str) -> Callable:\n"
        "    def add(fn: Callable) -> Callable:\n"
        "        REGISTRY[name] = fn\n"
        "        return fn\n"
        "    return add\n\n\n"
        '@register("csv")\ndef export_csv(rows: list) -> str:\n    return ",".join(map(str, rows))\n\n\n'
        "def exporter(kind: str) -> Callable[[list], str]:\n"
        '    return REGISTRY[kind]\n\n\n'
        "def load_plugin(name: str) -> object:\n"
        '    return getattr(__import__("shop.handlers"), name)\n'
    ),
    "shop/handlers.py": (
        '"""HTTP handlers: the standard library calls do_GET."""\n'
        "from http.server import BaseHTTPRequestHandler\n\n\n"
        "class Health(BaseHTTPRequestHandler):\n"
        "    def do_GET(self) -> None:\n"
        "        self.send_response(200)\n"
        "        self.end_headers()\n"
    ),
    "tests/test_service.py": (
        "from shop.service import profile\nfrom shop.exporters import exporter\n\n\n"
        "def test_profile_needs_a_user() -> None:\n    assert callable(profile) and exporter\n"
    ),
}

#: Reported below the default confidence (a lead, not a verdict): plugin loaders and package
#: scans load modules no import names, so an orphan in an existing tree is only a hint.
LEADS = {("orphan-module", "shop/legacy_report.py", "shop.legacy_report")}
EXPECTED = {
    ("attempt", "shop/client_v2.py", "shop.client_v2"),
    ("attempt", "shop/pricing.py.bak", None),
    ("orphan-module", "shop/legacy_report.py", "shop.legacy_report"),
    ("dead", "shop/service.py", "_format_old"),
    ("commented-out", "shop/service.py", None),
    ("parallel-wrapper", "shop/payments.py", "shop.payments"),
}
