"""The library's TypeScript examples: type-checked with tsc, then run under node.

Each ``<!-- run: node -->`` block becomes ``example.ts`` next to the harness of its document
(``node/<doc-id>/``): the harness imports what the example exports and drives it against an HTTP
server on 127.0.0.1 that returns the failures the document is about (a 404, a 409). The types
come from the harness's ``openapi.json`` through openapi-typescript, as in a real frontend.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.example_blocks import Block, blocks_run_by
from tests.test_pattern_library import LIBRARY

pytestmark = pytest.mark.examples
HARNESSES = Path(__file__).parent / "node"
NODE_MODULES = Path(os.environ.get("WARDEN_NODE_MODULES", Path.home() / ".cache/pattern-warden-examples/node/node_modules"))
BLOCKS = blocks_run_by("run: node", LIBRARY)
STEP_TIMEOUT = 180


class _OrdersApi(BaseHTTPRequestHandler):
    """Order 1 exists; any other is 404; every rename conflicts (409), as after a concurrent edit."""

    def _answer(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
        if self.path == "/orders/1":
            self._answer(200, {"order_id": 1, "name": "first"})
        else:
            self._answer(404, {"detail": "no such order"})

    def do_PATCH(self) -> None:  # noqa: N802 - the http.server protocol
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer(409, {"detail": "the order was changed by someone else"})

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep test output clean
        pass


@pytest.fixture
def api_base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OrdersApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def node_toolchain() -> Path:
    """The npm packages .ci/examples installs (typescript, openapi-fetch, react-query, ...)."""
    if shutil.which("node") is None:
        pytest.skip("node not found: apt-get install nodejs npm")
    if not (NODE_MODULES / ".bin" / "tsc").exists():
        pytest.skip(f"tsc not in {NODE_MODULES}: run .ci/examples (npm install into that folder) "
                    "or set WARDEN_NODE_MODULES")
    return NODE_MODULES


def _step(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT)
    assert done.returncode == 0, f"{' '.join(command[:2])}: {done.stdout[-3000:]}{done.stderr[-3000:]}"


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.name)
def test_typescript_example_type_checks_and_survives_its_failures(
    block: Block, node_toolchain: Path, api_base: str, tmp_path: Path
) -> None:
    harness = HARNESSES / block.doc
    assert (harness / "harness.ts").exists(), f"{block.name} runs under node, so {harness}/harness.ts must drive it"
    for name in ("harness.ts", "tsconfig.json"):
        shutil.copy(harness / name, tmp_path / name)
    (tmp_path / "package.json").write_text('{"private": true}\n', encoding="utf-8")  # CommonJS output
    (tmp_path / "node_modules").symlink_to(node_toolchain)
    (tmp_path / "example.ts").write_text(block.code, encoding="utf-8")
    bin_dir = node_toolchain / ".bin"
    _step([str(bin_dir / "openapi-typescript"), str(harness / "openapi.json"), "-o", "schema.d.ts"], tmp_path)
    _step([str(bin_dir / "tsc"), "-p", "."], tmp_path)
    _step(["node", "dist/harness.js"], tmp_path, env={**os.environ, "API_BASE": api_base})
