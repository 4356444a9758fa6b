"""Boilerplate: repetition that is clearer than any abstraction over it, ranked last and left.

Import lists, test scaffolding, assign-only ``__init__`` methods and one-statement accessors,
declarations (settings, class attributes, annotated names) and runs of statements of one
shape (registrations, argument definitions, generated tables) repeat by nature; a helper over
them would hide what each copy declares.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from keyword import iskeyword

from pattern_warden.clones.normalize import (
    FLAG_DECLARATION,
    FLAG_HEADER,
    FLAG_IMPORT,
    FLAG_SCAFFOLD,
    FLAG_TRIVIAL,
    Shape,
)
from pattern_warden.clones.variation import tokens

#: Share of a fragment's lines that, all of one shape, make it a list of declarations.
REPETITIVE = 0.6


def boilerplate_reason(shape: Shape, first: int, last: int) -> str | None:
    """Why logical lines ``first..last`` are boilerplate, or None: each reason names what
    repeating is clearer than abstracting."""
    first = _outer_start(shape, first, last)
    flags = [f for f in shape.flags[first : last + 1] if f != FLAG_HEADER]
    if not flags:
        return None
    if all(f & FLAG_IMPORT for f in flags):
        return "import lists"
    if all(f & (FLAG_IMPORT | FLAG_SCAFFOLD | FLAG_TRIVIAL) for f in flags):
        if any(f & FLAG_SCAFFOLD for f in flags):
            return "test scaffolding"
        return "assign-only __init__ methods and one-statement accessors"
    if all(f & (FLAG_DECLARATION | FLAG_IMPORT) or _annotation(line)
           for f, line in zip(shape.flags[first : last + 1], shape.exact[first : last + 1]) if f != FLAG_HEADER):
        if any(f & FLAG_IMPORT for f in flags):
            return "module headers (imports, __all__ and settings): each module states what it uses and exports"
        return "declarations (settings, class attributes, annotated names)"
    lines = shape.renamed[first : last + 1]
    if len(lines) >= 3 and Counter(lines).most_common(1)[0][1] >= REPETITIVE * len(lines):
        return "a list of statements of one shape (registrations, argument definitions)"
    return None


def _outer_start(shape: Shape, first: int, last: int) -> int:
    """The first line at the fragment's outermost level: a fragment that starts with the last
    lines of a function and goes on at module level (a ``return`` then declarations) is judged
    by what follows the function."""
    depth, lowest, at = 0, 0, first
    for i in range(first + 1, last + 1):
        depth += shape.deltas[i]
        if depth < lowest:
            lowest, at = depth, i
    return at


def _annotation(exact: str) -> bool:
    """True for ``name : type`` (with or without a value): a declaration wherever it stands."""
    tokens = exact.split(" ", 2)
    return len(tokens) > 2 and tokens[1] == ":" and tokens[0].isidentifier() and not iskeyword(tokens[0])


#: Module-level functions a framework calls by name: each extension or plugin must define its own.
ENTRY_POINTS = frozenset({"setup", "teardown", "register", "includeme", "setup_module", "teardown_module",
                          "load_ipython_extension", "unload_ipython_extension", "pytest_configure"})
_STUB_BODIES = ("pass", "...", "raise NotImplementedError", "return NotImplemented")
#: Words in a function's name that say it is the old version kept beside a new one.
LEGACY_WORDS = ("legacy", "deprecated")


def _docstring(exact: str) -> bool:
    """A statement that is one string literal: a docstring (or a comment written as a string)."""
    found = tokens(exact)
    return len(found) == 1 and found[0].lstrip("rRbBuUfF")[:1] in ("'", '"')


def body_statements(lines: Sequence[str]) -> list[str]:
    """A member's statements a shared helper could take over: not its decorators, its def or class
    lines, nor its docstrings."""
    return [line for line in lines if not line.startswith(("def ", "async def ", "class ", "@")) and not _docstring(line)]


def idiom_reason(members: Sequence[tuple[str | None, Sequence[str]]]) -> str | None:
    """Why every member is an idiom that each place must spell out (entry points, overload
    signatures, protocol stubs, assert-and-assign constructors, thin delegators, guarded
    one-call methods, tables of
    literal data that differ from copy to copy), or None.

    ``members`` are (enclosing function as ``Class.method``, exact logical lines)."""
    reasons = {_idiom(function, lines) for function, lines in members}
    if reasons == {None} and all(_data(body_statements(lines)) for _, lines in members) \
            and len({tuple(body_statements(lines)) for _, lines in members}) > 1:  # one table copied is a copy
        return "data tables: each copy spells out its own literal data; a helper would take the table as its argument"
    return reasons.pop() if len(reasons) == 1 else None


def _idiom(function: str | None, lines: Sequence[str]) -> str | None:
    name = (function or "").rsplit(".", 1)[-1]
    if any(line.startswith("@") and line.split("(")[0].replace(" ", "").endswith("overload") for line in lines):
        return "@overload signatures: each declares one calling convention for the type checker"
    body = body_statements(lines)
    if function and "." not in function and name in ENTRY_POINTS:
        return f"an entry point ({name}()) the framework calls in each module; each must register its own parts"
    if body and all(line.startswith(_STUB_BODIES) for line in body):
        return "protocol stubs: bodies that only declare an interface (pass, ..., raise NotImplementedError)"
    if name == "__init__" and body and all(line.startswith(("assert ", "self . ", "super ( ) . __init__"))
                                           for line in body):
        return "assert-and-assign constructors: each class checks and stores its own arguments"
    if function and len(body) == 2 and body[0].startswith("if ") and body[0].endswith(":") \
            and body[1].endswith(")") and any(line.startswith(("def ", "async def ")) for line in lines):
        return "guarded one-call methods (if a condition holds, make one call): a helper would only move the condition"
    if len(body) == 1 and "(" in body[0] and body[0].startswith(("return ", "self . ", "await ", "yield ")):
        return "thin delegators: one call handed on to another object is the interface, not logic to share"
    if len(body) == 2 and (built := _forwarded(body[0])) and body[1].startswith(("return ", "await ")) \
            and (f"( {built} )" in body[1] or f"( {built} ," in body[1]):
        return ("thin delegators: each builds one request from its own arguments and hands it on; the "
                "signatures are the interface, not logic to share")
    if function and _forwarding(lines, body):
        return ("thin delegators: each hands its own arguments on, by name, to a callee that already holds the "
                "shared work; a helper's call would spell out the same arguments again")
    return None


#: Statements that make a body more than a hand-off.
_CONTROL = ("if ", "elif ", "else", "for ", "async for ", "while ", "with ", "async with ", "try", "except",
            "finally", "raise ", "def ", "class ")
#: An argument passed on as it came: ``name = name`` by keyword, or a bare name by position.
_ARGUMENT = re.compile(r"[(,] (?:(\w+) = )?(\w+) (?=[,)])")
#: A parameter's name on a def line (tokens joined by spaces).
_PARAMETER = re.compile(r"[(,] \**(\w+) (?=[:=,)])")
#: Parameters a forwarding body passes on as they came, at least.
MIN_PASSED_ON = 3
#: Statements of a forwarding body, at most: checks of the arguments, then the hand-off.
MAX_FORWARDING = 5


def _forwarding(lines: Sequence[str], body: Sequence[str]) -> bool:
    """True when a whole function's body (a few statements after its guards, no other control
    flow) ends by returning or awaiting and passes at least ``MIN_PASSED_ON`` of its parameters on
    as they came, more than the keywords it sets otherwise: the work sits in the callee, and what
    repeats is the signature."""
    header = next((line for line in lines if line.startswith(("def ", "async def "))), None)
    body = _unguarded(body)
    if not (header and 1 <= len(body) <= MAX_FORWARDING and body[-1].startswith(("return ", "await "))
            and sum("(" in line for line in body) >= len(body) - 1
            and not any(line.startswith(_CONTROL) for line in body)):
        return False
    parameters = _parameters(header)
    arguments = [found for line in body for found in _ARGUMENT.findall(line)]
    passed = sum(value in parameters and key in ("", value) for key, value in arguments)
    return passed >= MIN_PASSED_ON and passed > sum(bool(key) for key, _ in arguments) - passed


def _parameters(header: str) -> set[str]:
    """The parameter names of a def line, ``self`` and ``cls`` aside."""
    return set(_PARAMETER.findall(header.split(")", 1)[0] + " )")) - {"self", "cls"}


def handed_on(header: str | None, body: Sequence[str]) -> set[str]:
    """The parameters of the enclosing function (its def line ``header``) that the last of the
    statements ``body`` passes on as they came (``name=name``, or a bare name as an argument):
    a helper over statements that end by handing the arguments on must take each of them, so
    every call spells them out again (an API method that checks its arguments and passes seven
    keywords on to another object saves nothing by moving the checks into a helper taking the
    same seven). Arguments handed on first, to build what shared statements then use, stay at
    the call sites with that statement."""
    if header is None or not body:
        return set()
    parameters = _parameters(header)
    return {value for key, value in _ARGUMENT.findall(body[-1]) if value in parameters and key in ("", value)}


def _unguarded(body: Sequence[str]) -> list[str]:
    """The body without its leading guards (``if cond:`` then a ``return`` or ``raise``): an
    early exit on a missing argument is part of handing the rest on."""
    rest = list(body)
    while len(rest) > 2 and rest[0].startswith("if ") and rest[0].endswith(":") \
            and rest[1].startswith(("return", "raise ")) and not rest[2].startswith(("elif ", "else")):
        rest = rest[2:]
    return rest


def _forwarded(exact: str) -> str | None:
    """The name ``exact`` binds when it is ``name = Callee(a=a, b, *c, **d)``: a call that only
    passes the function's arguments on, by the same names. None otherwise."""
    target, equals, call = exact.partition(" = ")
    callee, paren, args = call.partition(" ( ")
    if not (equals and paren and target.isidentifier() and args.endswith(")")
            and callee.replace(" . ", "").isidentifier()):
        return None
    for arg in filter(None, (a.strip() for a in args[:-1].split(","))):
        name, _, value = arg.lstrip("* ").partition(" = ")
        if not name.isidentifier() or value not in ("", name):
            return None
    return target


#: Share of a body's names and literals that are literals before the body is a data table.
DATA_SHARE = 0.6


def _data(body: Sequence[str]) -> bool:
    """True when a body is mostly literal data (an adjacency table, a list of codes): each copy
    spells out its own table, and a helper over them would take the table as its argument."""
    words = [t for line in body for t in tokens(line) if t.isidentifier() or _literal(t)]
    return len(words) >= 20 and sum(map(_literal, words)) >= DATA_SHARE * len(words)


def _literal(token: str) -> bool:
    return token[:1].isdigit() or token.lstrip("rRbBuUfF")[:1] in ("'", '"') or token in ("True", "False", "None")


#: A path part's async or sync marker (``asynchronous``/``synchronous``, ``_async``/``_sync``, ``aio``):
#: parallel trees spell the same module with one marker each.
_TREE_MARK = re.compile(r"(?i)a?synchronous|a?sync|aio")


def _tree_twins(paths: Sequence[str]) -> bool:
    """True when the members sit at one relative path in an async tree and its sync mirror
    (``pkg/asynchronous/x.py`` and ``pkg/synchronous/x.py``): such a mirror is kept in step with its
    source (often generated from it by a tool the package does not mark), and a helper across the
    two trees would have to be callable both awaited and not, whatever the bodies' ``await``s say."""
    return len(set(paths)) > 1 and len({_TREE_MARK.sub("SYNC", p) for p in paths}) == 1 and \
        any(_TREE_MARK.search(p) for p in paths)


def twins_reason(members: Sequence[tuple[str | None, Sequence[str]]], paths: Sequence[str] = ()) -> str | None:
    """Why the members are sync/async twins (one ``def``, one ``async def`` of one idea, or one
    module's copies in an async tree and its sync mirror), or None."""
    if _tree_twins(paths):
        return "the same module's code in an async tree and its sync mirror"
    kinds = set()
    for _, lines in members:
        header = next((line for line in lines if line.startswith(("def ", "async def "))), None)
        kinds.add(None if header is None else header.startswith("async "))
    names = {_plain((f or "").rsplit(".", 1)[-1]) for f, _ in members}
    if kinds == {True, False} or (len(kinds) == 1 and None not in kinds and len(names) == 1
                                  and len({f for f, _ in members}) > 1 and _async_named(members)):
        return "sync/async twins"
    return None


def _plain(name: str) -> str:
    for affix in ("async_", "a"):
        if name.startswith(affix) and len(name) > len(affix) + 2:
            return name[len(affix):]
    return name[: -len("_async")] if name.endswith("_async") else name


def _async_named(members: Sequence[tuple[str | None, Sequence[str]]]) -> bool:
    names = [(f or "").rsplit(".", 1)[-1] for f, _ in members]
    return any(n.startswith("async_") or n.endswith("_async") for n in names) and \
        any(not (n.startswith("async_") or n.endswith("_async")) for n in names)


def legacy_member(members: Sequence[tuple[str | None, Sequence[str]]]) -> int | None:
    """The index of the one member kept as the old version of another (named legacy or deprecated,
    or warning that it is deprecated), when exactly one is; else None. "old" is no such word: an
    ``_old`` parser often serves the old form of a message that is still supported."""
    found = [i for i, (function, lines) in enumerate(members) if _legacy(function, lines)]
    return found[0] if len(found) == 1 and len(members) == 2 else None


def all_deprecated(members: Sequence[tuple[str | None, Sequence[str]]]) -> bool:
    """True when every member is on its way out (named so, or warning that it is deprecated)."""
    return all(_legacy(function, lines) for function, lines in members)


def _legacy(function: str | None, lines: Sequence[str]) -> bool:
    """Named legacy or deprecated itself (an inner ``wrapper`` of ``_make_legacy_input_wrapper`` is
    what the factory makes, not an old version of anything), or warning that it is deprecated."""
    if any(word in (function or "").rpartition(".")[2].lower().split("_") for word in LEGACY_WORDS):
        return True
    return any(_decorator(line) == "deprecated" or ("warn" in line and "deprecat" in line.lower()) for line in lines)


def _decorator(line: str) -> str | None:
    """The last name of a decorator line (``@ typing . deprecated ( "x" )`` -> ``deprecated``): a
    decorator named ``deprecated_args_alias`` only renames old arguments, nothing is going."""
    if not line.startswith("@ "):
        return None
    return line[2:].split(" ( ", 1)[0].replace(" ", "").rpartition(".")[2]


_MAIN_GUARDS = frozenset({'if __name__ == "__main__" :', "if __name__ == '__main__' :"})


def in_script_block(shape: Shape, first: int) -> bool:
    """True when logical line ``first`` lies under ``if __name__ == "__main__":``: demo or
    command-line code that nothing can import, so it cannot call a shared helper either (a
    member may start at the guard itself)."""
    if shape.exact[first] in _MAIN_GUARDS:
        return True
    depths = [0]
    for delta in shape.deltas[1 : first + 1]:
        depths.append(depths[-1] + delta)
    target = depths[first]
    for i in range(first - 1, -1, -1):
        if target <= 0:
            return False
        if depths[i] < target:  # the header of the block around the line
            if shape.exact[i] in _MAIN_GUARDS:
                return True
            target = depths[i]
    return False


#: Classes of a corpus that define one method name before it counts as a hook each overrides.
HOOK_DEFINERS = 5


def hook_reason(functions: Sequence[str | None], definers: int, differences: Sequence[str]) -> str | None:
    """Why the members are overrides of one framework hook that differ only in data (each
    lexer's ``analyse_text`` weights): one method name in different classes, defined by many
    classes of the tree, the copies differing in strings, numbers, local names and statements
    only. Copies
    that call other functions or read other attributes are left to the other rules: a mirror or
    a shared skeleton there is worth a helper."""
    names = {(f or "").rpartition(".")[2] for f in functions}
    owners = {(f or "").rpartition(".")[0] for f in functions}
    name = next(iter(names))
    if len(names) != 1 or "" in owners or len(owners) < len(functions) or name.startswith("__"):
        return None
    if definers < HOOK_DEFINERS or not set(differences) & {"string", "literal"} \
            or set(differences) - {"string", "literal", "name", "statements"}:
        return None
    return f"overrides of one hook ({name}, defined by {definers} classes) that differ only in their data"
