"""Bad arguments explained from the tool's own input schema: the name, what it takes, an example.

Pydantic's own message is written for programmers (error types, a link to its website); an
agent needs to know which argument to change and to what, in one line per argument.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError


def explain(tool: str, error: ValidationError, schema: dict[str, Any]) -> str:
    """One line per rejected argument: its name, the expected type and an example of a right value."""
    properties = schema.get("properties", {})
    lines = [f"{tool} did not accept its arguments:"]
    for problem in error.errors(include_url=False):
        name = str(problem["loc"][0]) if problem["loc"] else "arguments"
        where = ".".join(str(part) for part in problem["loc"]) or name
        prop = properties.get(name, {})
        expected, example = expects(prop), json.dumps(example_of(prop, name))
        if problem["type"] == "missing":
            lines.append(f"- `{where}` is required: {expected}. Example: {name}={example}")
        else:
            got = json.dumps(problem.get("input"), default=str)
            got = got if len(got) <= 60 else got[:57] + "..."
            lines.append(f"- `{where}` must be {expected}; got {got}. Example: {name}={example}")
    return "\n".join(lines)


def expects(prop: dict[str, Any]) -> str:
    """``an integer from 1 to 500``, ``one of "info", "warning"``, ``a list of strings``..."""
    if "enum" in prop:
        return "one of " + ", ".join(json.dumps(v) for v in prop["enum"] if v is not None)
    kinds = prop.get("type")
    if kinds is None and "anyOf" in prop:  # null is left out: an optional argument can be omitted
        return " or ".join(expects(option) for option in prop["anyOf"] if option.get("type") != "null")
    if isinstance(kinds, list):
        return " or ".join(expects({**prop, "type": kind}) for kind in kinds if kind != "null")
    if kinds == "array":
        items = prop.get("items", {})
        if "enum" in items:
            return "a list of values from " + ", ".join(json.dumps(v) for v in items["enum"])
        inner = expects(items)
        return "a list of " + (inner.split(" ", 1)[1] + "s" if inner.startswith(("a ", "an ")) else inner)
    text = {"integer": "an integer", "number": "a number", "boolean": "a boolean (true or false)",
            "string": "a string", "object": "an object"}.get(str(kinds), "a value")
    low, high = prop.get("minimum"), prop.get("maximum")
    if low is not None and high is not None:
        text += f" from {low} to {high}"
    elif low is not None:
        text += f" of at least {low}"
    elif high is not None:
        text += f" of at most {high}"
    return text


def example_of(prop: dict[str, Any], name: str) -> object:
    """A value the schema accepts: its example, else the first enum value, else one built from the type."""
    if prop.get("examples"):
        return prop["examples"][0]
    if "enum" in prop:
        return prop["enum"][0]
    kinds = prop.get("type")
    if kinds is None and "anyOf" in prop:
        return example_of(next((o for o in prop["anyOf"] if o.get("type") != "null"), {}), name)
    kind = next((k for k in kinds if k != "null"), None) if isinstance(kinds, list) else kinds
    if kind == "array":
        return [example_of(prop.get("items", {}), name)]
    if kind in ("integer", "number"):
        default = prop.get("default")
        return default if isinstance(default, int | float) and not isinstance(default, bool) else prop.get("minimum", 1)
    if kind == "boolean":
        return True
    return "src/app.py" if "path" in name else "text"
