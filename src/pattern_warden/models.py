"""Result pieces shared by every engine: notes about skipped input, and pagination.

An agent's context window is the scarce resource, so every list we return is paginated with
an opaque cursor, and whatever was passed over is said in a note instead of silently dropped.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, Field

from pattern_warden.errors import WardenError

T = TypeVar("T")


class Note(BaseModel):
    """Something the caller should know about the input: a skipped file, a truncated walk."""

    path: str | None = Field(None, description="The file or folder concerned, relative to the root.")
    message: str


class Page(BaseModel):
    """Where this page sits in the whole answer."""

    total: int = Field(description="Items in the whole answer.")
    offset: int = Field(description="Index of this page's first item.")
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page; null at the end.")
    note: str | None = Field(None, description="Why the page holds fewer items than `limit` asked for.")


def encode_cursor(offset: int) -> str:
    """An opaque cursor for ``offset``; opaque so that callers do not build their own."""
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The offset a cursor stands for; a cursor we did not issue is refused clearly."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        offset = int(value)
        if kind != "o" or offset < 0:
            raise ValueError(raw)
    except (ValueError, UnicodeDecodeError):
        raise WardenError(
            f"The cursor {cursor!r} is not one this server issued.", "Omit it to start from the first page."
        ) from None
    return offset


def paginate(items: Sequence[T], cursor: str | None, limit: int) -> tuple[list[T], Page]:
    """One page of ``items``: exactly min(limit, remaining) of them, and its ``Page`` record.

    A page that must be smaller to fit an output budget is cut where the answer is made
    (``render.paging.cut_page``), so engines page by count alone.
    """
    offset = decode_cursor(cursor)
    window = list(items[offset : offset + limit])
    end = offset + len(window)
    return window, Page(total=len(items), offset=offset, next_cursor=encode_cursor(end) if end < len(items) else None)


def check_range(name: str, value: int, low: int, high: int) -> int:
    """Refuse a numeric argument outside ``[low, high]`` with a message naming both ends."""
    if not low <= value <= high:
        raise WardenError(f"{name} must be between {low} and {high}; got {value}.", f"Pass a {name} in that range.")
    return value


def quantity(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` with its noun in the right number: "1 finding", "2 findings", "1 file"."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
