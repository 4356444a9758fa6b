"""Cutting a page to an output budget without losing or repeating an item.

Engines page with ``models.paginate`` (``limit`` items from the cursor's offset). When the
rendered page is still over the budget, the page is cut here: the next cursor then points at
the first item left out, so walking the cursors still visits every item exactly once, and the
page says how many of the items asked for it holds and why.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from pattern_warden.models import Page, encode_cursor


def cut_page(model: BaseModel, items: str, fits: Callable[[BaseModel], bool]) -> BaseModel:
    """The largest prefix of ``model.<items>`` (at least one item) for which ``fits`` holds.

    ``model.page`` describes the page; the returned copy's page points past the last kept item
    and carries a note naming the cursor for the rest.
    """
    full = list(getattr(model, items))
    if not full:
        return model
    page: Page = model.page  # type: ignore[attr-defined]

    def with_items(count: int) -> BaseModel:
        end = page.offset + count
        more = end < page.total
        note = (f"{count} of {len(full)} items fit the output budget; pass cursor={encode_cursor(end)!r} for the rest."
                if count < len(full) else None)
        cut = page.model_copy(update={"next_cursor": encode_cursor(end) if more else None, "note": note})
        return model.model_copy(update={items: full[:count], "page": cut})

    low, high = 1, len(full)  # the answer lies in [low, high]; one item is always shown
    while low < high:
        middle = (low + high + 1) // 2
        if fits(with_items(middle)):
            low = middle
        else:
            high = middle - 1
    return with_items(low)
