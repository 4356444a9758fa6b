"""Lean published schemas: what a client stores per tool, and what a model reads of it.

Pydantic's schemas carry a title on every property and every definition, ``anyOf`` pairs for
each optional field and, in output schemas, the long field descriptions that the model never
reads. Output schemas are kept to what a client validates against (types, required fields,
enums, shared ``$defs``); input schemas keep their descriptions and bounds and lose the titles.
"""

from __future__ import annotations

from typing import Any

_NOISE = {"title", "default"}


def lean_input(schema: dict[str, Any]) -> dict[str, Any]:
    """The input schema without titles or null defaults; descriptions, bounds, enums and defaults stay."""
    lean = _walk(schema, drop={"title"})
    for prop in lean.get("properties", {}).values():
        if isinstance(prop, dict) and "default" in prop and prop["default"] is None:
            del prop["default"]
    return lean


def lean_output(schema: dict[str, Any]) -> dict[str, Any]:
    """The output schema without titles, descriptions, defaults and enumerations: the root's
    fields, and the fields of what its lists hold and of its page. A kind's possible values are
    in the tool's description and text; listing them again in every definition cost more than
    one tool's whole description.

    Other nested records (totals, verdicts, settings) are said to be objects: a client still
    validates them, and the tool's text and the docs describe them. Keeping every record's
    fields cost more than the whole model-visible definitions of every tool.
    """
    lean = _walk(schema, drop=_NOISE | {"description", "enum"})
    defs = lean.get("$defs")
    if not defs:
        return lean
    root = lean.get("properties", {})
    direct = _refs([prop.get("items") for prop in root.values() if isinstance(prop, dict)]) | {"Page"}
    lean["$defs"] = {name: _fields(body) if name in direct else {"type": "object"} for name, body in defs.items()}
    kept = _refs(lean)
    lean["$defs"] = {name: body for name, body in lean["$defs"].items() if name in kept}
    return _inline_objects(lean, {name for name, body in lean["$defs"].items() if body == {"type": "object"}})


def _inline_objects(node: Any, names: set[str]) -> Any:
    """``$ref`` to a bare object definition replaced by the object itself, and the definition dropped."""
    if isinstance(node, list):
        return [_inline_objects(v, names) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.rsplit("/", 1)[1] in names:
        return {"type": "object"}
    out = {k: _inline_objects(v, names) for k, v in node.items()}
    if "$defs" in out:
        out["$defs"] = {k: v for k, v in out["$defs"].items() if k not in names} or None
        if out["$defs"] is None:
            del out["$defs"]
    return out


def _fields(definition: dict[str, Any]) -> dict[str, Any]:
    """A definition's field types, without its ``required`` list: the root's list says what must be there."""
    return {k: v for k, v in definition.items() if k != "required"}


def _refs(node: Any) -> set[str]:
    """Names of the definitions ``node`` refers to."""
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[1]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def _walk(node: Any, drop: set[str], key: str = "") -> Any:
    if isinstance(node, list):
        return [_walk(item, drop) for item in node]
    if not isinstance(node, dict):
        return node
    if key in ("properties", "$defs"):  # names of fields or definitions, not keywords
        return {name: _walk(value, drop) for name, value in node.items()}
    out = {k: _walk(v, drop, k) for k, v in node.items() if k not in drop or not _is_keyword(k, v)}
    return _nullable(out)


def _is_keyword(key: str, value: Any) -> bool:
    # "default" and "title" are keywords here; a property really named so lives under "properties".
    return not (key == "default" and isinstance(value, dict) and "type" in value)


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    """``anyOf: [{type: X, ...}, {type: null}]`` becomes ``type: [X, null], ...`` (same meaning, fewer characters)."""
    options = node.get("anyOf")
    if not (isinstance(options, list) and len(options) == 2 and {"type": "null"} in options):
        return node
    other = options[0] if options[1] == {"type": "null"} else options[1]
    if not isinstance(other.get("type"), str):
        return node
    merged = {**{k: v for k, v in node.items() if k != "anyOf"}, **other, "type": [other["type"], "null"]}
    if "enum" in merged:
        merged["enum"] = [*merged["enum"], None]
    return merged
