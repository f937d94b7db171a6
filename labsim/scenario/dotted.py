"""Dotted paths into scenarios: ``"arbitration.arbitrators"``, ``"arrivals.sectors.other.workers"``.

One home for reading a value by path (from a Scenario or from its plain data) and for setting
one (in plain data, which is then validated as a whole). Items of a list, such as sectors, are
addressed by their ``name`` or by index.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ScenarioError


def _keys(node: Any) -> Sequence[str]:
    if dataclasses.is_dataclass(node):
        return _field_names(node if isinstance(node, type) else type(node))
    if isinstance(node, Mapping):
        return [str(k) for k in node]
    return []


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's field names, read once per class: the allocation rules read thousands of
    paths for each setting of the dashboard."""
    return tuple(f.name for f in dataclasses.fields(kind))


def _item_names(node: list | tuple) -> list[str]:
    return [item.get("name") if isinstance(item, Mapping) else getattr(item, "name", None)
            for item in node]


def _hint(key: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _where(here: str, key: str, dotted: str) -> str:
    """' at ...' naming the part of ``dotted`` that is wrong, or nothing when it is all of it."""
    where = f"{here}.{key}" if here else key
    return f" at '{where}'" if where != dotted else ""


def _step(node: Any, key: str, here: str, value: Any, dotted: str) -> tuple[Any, Any]:
    """The child ``key`` of ``node`` and how to address it: (child, index or key). Errors
    name the whole path ``dotted`` and the part of it that is wrong."""
    if isinstance(node, list | tuple):
        names = _item_names(node)
        if key.isdigit() and int(key) < len(node):
            return node[int(key)], int(key)
        if key in names:
            return node[names.index(key)], names.index(key)
        raise ScenarioError(dotted, value, f"an index below {len(node)} or one of {names}"
                            f"{_where(here, key, dotted)}")
    keys = _keys(node)
    if key not in keys:
        part = _where(here, key, dotted)
        if not keys:
            raise ScenarioError(dotted, value, f"a path into a table, but {here or 'it'} is "
                                f"{node!r}, which has no parts")
        raise ScenarioError(dotted, value, f"an existing key{part}{_hint(key, keys)}")
    child = node[key] if isinstance(node, Mapping) else getattr(node, key)
    return child, key


def get_path(root: Any, dotted: str) -> Any:
    """The value at ``dotted`` in a Scenario (or any dataclass) or in its plain data."""
    node, here = root, ""
    for key in dotted.split("."):
        node, _ = _step(node, key, here, "<read>", dotted)
        here = f"{here}.{key}" if here else key
    return node


def set_path(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``dotted`` to ``value`` in plain scenario data (dicts and lists), in place.

    The last key may be new only where the data allows it: validation of the whole then
    names it if the table does not know it.
    """
    parts = dotted.split(".")
    node, here = data, ""
    for key in parts[:-1]:
        node, _ = _step(node, key, here, value, dotted)
        here = f"{here}.{key}" if here else key
    last = parts[-1]
    if isinstance(node, list):
        _, index = _step(node, last, here, value, dotted)
        node[index] = value
    elif isinstance(node, dict):
        node[last] = list(value) if isinstance(value, tuple) else value
    else:
        raise ScenarioError(dotted, value, f"a path into a table, but {here} is {node!r}")


def replaced(root: Any, dotted: str, value: Any) -> Any:
    """A copy of a frozen dataclass tree with ``dotted`` set to ``value``, unchecked: for
    trying a change on trusted data (validation is the caller's, at the edge)."""
    key, _, rest = dotted.partition(".")
    if not rest:
        return dataclasses.replace(root, **{key: value})
    return dataclasses.replace(root, **{key: replaced(getattr(root, key), rest, value)})
