"""How a result model becomes an MCP tool answer: compact text, lean structured content, a budget.

The text content is the model's text rendering (summary first, one line per item), never its
JSON. The structured content is the model itself without the fields that say nothing (null,
empty lists and maps, empty strings) where the schema lets them be left out. Both stay within
a character budget: lists beside the page are cut to half the budget (largest first), the page
is cut to what remains (its cursor then points at the first item left out), and last the
text's tail; every cut is said in the text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel

from pattern_warden.models import Page
from pattern_warden.render.paging import cut_page
from pattern_warden.render.text import render_text, view_of

#: Claude Code warns above 10k tokens of tool output; a default answer stays well below.
DEFAULT_TEXT = 10_000
DEFAULT_STRUCTURED = 12_000


@dataclass(frozen=True)
class Budget:
    """Most characters of text and of structured content (compact JSON) in one answer."""

    text: int = DEFAULT_TEXT
    structured: int = DEFAULT_STRUCTURED

    @classmethod
    def of(cls, max_output_chars: int, more: bool = False) -> Budget:
        """The default budget, or ``max_output_chars`` for both when the caller asked for more."""
        if more:
            return cls(max_output_chars, max_output_chars)
        return cls(min(DEFAULT_TEXT, max_output_chars), min(DEFAULT_STRUCTURED, max_output_chars))


def answer(model: BaseModel, budget: Budget) -> CallToolResult:
    """The tool answer for ``model`` within ``budget``."""
    items = view_of(model).items
    if items and isinstance(getattr(model, "page", None), Page) and not _fits(model, items, budget):
        model = cut_page(model, items, lambda m: _fits(m, items, budget))
    text = render_text(model)
    data, cuts = structured(model, items, budget.structured)
    if cuts:
        text += "Cut to fit the output budget: " + "; ".join(cuts) + ".\n"
    return CallToolResult(content=[TextContent(type="text", text=clip(text, budget.text))], structured_content=data)


def structured(model: BaseModel, items: str | None, limit: int) -> tuple[dict[str, Any], list[str]]:
    """The lean model within ``limit``: lists beside the page are cut to half of it, so the page keeps room."""
    data = lean(model)
    if not items or items not in data:
        return trim(data, limit)
    rest = {key: value for key, value in data.items() if key != items}
    rest, cuts = trim(rest, limit // 2)
    # Still over only when the page is down to one item: then that item's own lists are cut too.
    whole, more = trim({**rest, items: data[items]}, limit, keep=items)
    return whole, cuts + more


def _fits(model: BaseModel, items: str, budget: Budget) -> bool:
    return len(render_text(model)) <= budget.text and size(structured(model, items, budget.structured)[0]) <= budget.structured


def size(data: object) -> int:
    """Characters of ``data`` as compact JSON, as it travels."""
    return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def lean(model: BaseModel) -> dict[str, Any]:
    """The model as JSON data without optional fields that say nothing (null, empty, ``""``)."""
    out: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if not field.is_required() and value in (None, "", [], {}):
            continue
        out[field.alias or name] = _lean_value(value)
    return out


def _lean_value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return lean(value)
    if isinstance(value, list | tuple):
        return [_lean_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _lean_value(v) for k, v in value.items()}
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(value)


def trim(data: dict[str, Any], limit: int, keep: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """Halve the largest lists, then the longest strings, until ``data`` fits ``limit``.

    The top-level list ``keep`` (the page) keeps its length: only the lists inside its items
    are cut, since its length is what the cursor counts.
    Returns the data and one ``where: N of M`` line per cut; lists and strings only get shorter,
    so the data still matches its schema. A mapping with a ``truncated`` key whose list is cut
    gets ``truncated: true``, so a client passing one item on still knows it is partial.
    """
    cuts: dict[str, tuple[int, int, str]] = {}
    while size(data) > limit:
        # With a page to keep, only the lists inside its items give way: the summary beside it
        # was already fitted to its half, and an agent reads it first.
        lists = [hit for hit in _lists(data, "", None) if len(hit[1]) > 1 and hit[0] != keep
                 and (keep is None or hit[0].startswith(keep + "[]"))]
        if lists:
            where, items, holder = max(lists, key=lambda hit: size(hit[1]))
            total = cuts.get(where, (0, len(items), ""))[1]
            del items[len(items) // 2:]
            cuts[where] = (len(items), total, "items")
            if holder is not None and "truncated" in holder:  # the item says so itself (a clone family)
                holder["truncated"] = True
            continue
        strings = [hit for hit in _strings(data) if len(hit[2]) > 200]
        if not strings:
            break
        holder, where, text = max(strings, key=lambda hit: len(hit[2]))
        total = cuts.get(where, (0, len(text), ""))[1]
        holder[where] = text[: len(text) // 2]
        cuts[where] = (len(holder[where]), total, "characters")
    return data, [f"{where} shows {shown} of {total} {unit}" for where, (shown, total, unit) in cuts.items()]


def _strings(data: Any) -> list[tuple[dict[str, Any], str, str]]:
    """(holder, key, text) for every string value of a mapping inside ``data``."""
    found: list[tuple[dict[str, Any], str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str):
                found.append((data, key, value))
            else:
                found += _strings(value)
    elif isinstance(data, list):
        for value in data:
            found += _strings(value)
    return found


def _lists(data: Any, where: str, holder: dict[str, Any] | None) -> list[tuple[str, list[Any], dict[str, Any] | None]]:
    """(where, list, the mapping holding it) for every non-empty list inside ``data``."""
    found: list[tuple[str, list[Any], dict[str, Any] | None]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _lists(value, f"{where}.{key}" if where else key, data)
    elif isinstance(data, list) and data:
        found.append((where, data, holder))
        for value in data:
            if isinstance(value, dict | list):
                found += _lists(value, where + "[]", None)
    return found


def clip(text: str, limit: int) -> str:
    """``text`` cut at a line end so that it and the closing note stay within ``limit``."""
    if len(text) <= limit:
        return text
    tail = "... {} more characters cut by the output budget: narrow the call or pass a smaller limit.\n"
    room = limit - len(tail) - 8
    head = text[:room].rsplit("\n", 1)[0] + "\n"
    return head + tail.format(len(text) - len(head))
