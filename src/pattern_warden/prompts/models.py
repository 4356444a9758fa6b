"""Result models of the prompt tools, kept apart from the engines that fill them.

The server needs these classes when it registers the tools (they become outputSchemas) and
imports them at start-up; the engines themselves are imported only when a tool is called.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class DocstringEdit(BaseModel):
    """What ``apply_docstring`` did or would do."""

    path: str
    symbol: str = Field(description="The definition's dotted name.")
    line: int = Field(description="Line of its def/class keyword.")
    action: str = Field(description="'inserted', 'replaced' or 'unchanged'.")
    dry_run: bool
    written: bool = Field(description="True only when the file on disk was changed.")
    content_hash: str = Field(description="Hash of the file as read; pass it as expected_hash to write.")
    new_hash: str = Field(description="Hash the file has (or would have) after the edit.")
    diff: str = Field(description="Unified diff of the edit.")


class HandoffWritten(BaseModel):
    """What ``write_handoff`` saved."""

    path: str = Field(description="Where it was written, relative to the root.")
    bytes: int
    content_hash: str
    content: str = Field(description="The text as written.")
