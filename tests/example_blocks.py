"""Every fenced block of the pattern library, with the marker that says how the suite checks it.

Agents copy these blocks, so each one is either executed or compiled by a test, or it carries a
stated reason why not. The marker is the HTML comment on the line just before the fence:

- ``<!-- run -->``: a Python block the fast suite runs in a fresh interpreter.
- ``<!-- run: extras -->``: a Python block that needs the ``[examples]`` extra (argon2-cffi, httpx),
  run by the example tests, against local servers where it talks to one.
- ``<!-- run: postgres -->``: a Python or SQL block run against a PostgreSQL server the tests start.
- ``<!-- run: node -->``: a TypeScript block type-checked with tsc and run under node against a
  local HTTP server that returns the error cases of its document.
- ``<!-- run: cargo -->``: a Rust block compiled with cargo, offline, against Debian's crates.
- ``<!-- generated: ... -->``: text a test compares with what our own code produces.
- ``<!-- example: KIND[: note] -->``: not run, for the stated reason; KIND is one of ``REASONS``.
- ``<!-- needs: ... -->``: a Python block that needs a service or package the suite does not
  start; it is still compiled and its imports are checked.

A Python block in "Not this" needs no marker: it is compiled (an anti-pattern is shown to be
avoided, not run), and so is every other Python block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pattern_warden.patterns.library import PatternLibrary

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
MARKER = re.compile(r"<!-- (run|run: [a-z]+|generated: .+?|example: [a-z-]+(?:: .+?)?|needs: .+?) -->")
RUNNERS = {"run": {"python"}, "run: extras": {"python"}, "run: postgres": {"python", "sql"}, "run: node": {"typescript"}, "run: cargo": {"rust"}}
# Why a block may stay unrun; each kind is checked by test_example_inventory in its own way.
REASONS = {
    "transcript": "shell commands shown to a reader; parsed with bash -n",
    "config": "a configuration fragment; parsed (TOML, YAML) and checked against its tool's keys",
    "dockerfile": "a Dockerfile; checked for its instructions, not built (no container engine in CI)",
    "anti-pattern": "shown in 'Not this' to be avoided; parsed where a parser is at hand",
    "sketch": "an outline that needs crates, services or code the suite cannot provide; the note says which",
}


@dataclass(frozen=True)
class Block:
    """One fenced block of a document and the marker in front of it."""

    doc: str
    line: int
    lang: str
    code: str
    marker: str | None
    section: str

    @property
    def name(self) -> str:
        return f"{self.doc}:{self.line}:{self.lang}"

    @property
    def reason(self) -> str | None:
        """The kind after ``example:`` (``transcript``, ``config``, ...), if the marker is one."""
        if self.marker and self.marker.startswith("example: "):
            return self.marker.removeprefix("example: ").split(":", 1)[0]
        return None


def document_blocks(doc_id: str, body: str) -> list[Block]:
    """The fenced blocks of one document body, in order."""
    found = []
    for match in FENCE.finditer(body):
        before = body[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        marker = MARKER.fullmatch(before)
        found.append(
            Block(
                doc=doc_id,
                line=body[: match.start()].count("\n") + 1,
                lang=match.group(1).strip().split(" ")[0],
                code=match.group(2),
                marker=marker.group(1) if marker else None,
                section=(re.findall(r"^## (.+)$", body[: match.start()], re.MULTILINE) or [""])[-1],
            )
        )
    return found


def library_blocks(library: PatternLibrary) -> list[Block]:
    """Every block of the bundled library, document by document."""
    return [block for doc in library.docs.values() for block in document_blocks(doc.meta.id, doc.body)]


def blocks_run_by(runner: str, library: PatternLibrary) -> list[Block]:
    """The blocks a runner (``run: postgres``, ``run: node``, ...) executes."""
    return [block for block in library_blocks(library) if block.marker == runner]
