"""Build typed dataclasses from plain data, checking every field on the way in.

Types come from the annotations, field rules from the fields' metadata (``scenario.Rule``)
and rules that tie fields together from each class's ``problems()``. The first problem found
is one ``ScenarioError`` naming the field path, the value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import difflib
import numbers
import types
import typing
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import ScenarioError, is_number, is_whole

TYPE_WORDS = {float: ("a number", "numbers"), int: ("a whole number", "whole numbers"),
              bool: ("true or false", "true or false values"),
              str: ("a text string", "text strings")}
"""What a value of each plain type must be, in words: one, and a list of them."""


def type_name(tp: Any, plural: bool = False) -> str:
    """What a field of type ``tp`` must be, in words (``plural``: what a list's items are)."""
    if tp in TYPE_WORDS:
        return TYPE_WORDS[tp][plural]
    if dataclasses.is_dataclass(tp):
        return f"{'tables' if plural else 'a table'} ({tp.__name__})"
    if typing.get_origin(tp) is tuple:
        return f"a list of {type_name(typing.get_args(tp)[0], plural=True)}"
    return str(tp)


def _join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


def item_key(item: Any, index: int) -> str | int:
    """How an error names a list item: by its ``name`` when it has one, else its index."""
    name = item.get("name") if isinstance(item, Mapping) else None
    return name if isinstance(name, str) and name else index


def _convert(tp: Any, value: Any, path: str) -> Any:
    """Check ``value`` against annotation ``tp`` and build the typed value."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        tp = next(arg for arg in typing.get_args(tp) if arg is not type(None))
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, Mapping):
            raise ScenarioError(path, value, type_name(tp))
        return build(tp, value, path)
    if typing.get_origin(tp) is tuple:
        if not isinstance(value, list | tuple):
            raise ScenarioError(path, value, type_name(tp))
        item_type = typing.get_args(tp)[0]
        return tuple(_convert(item_type, v, _join(path, item_key(v, i)))
                     for i, v in enumerate(value))
    if tp is bool:
        ok = isinstance(value, bool | np.bool_)
        value = bool(value) if ok else value
    elif tp is int:
        ok = is_whole(value)
        value = int(value) if ok else value
    elif tp is float:
        ok = is_number(value)
        if not ok and isinstance(value, numbers.Real) and not isinstance(value, bool):
            raise ScenarioError(path, value, "a finite number (not infinity or NaN)")
        value = float(value) if ok else value
    elif tp is str:
        ok = isinstance(value, str)
    else:  # pragma: no cover - guards against a new annotation the loader does not know
        raise TypeError(f"unsupported annotation {tp} at {path}")
    if not ok:
        raise ScenarioError(path, value, type_name(tp))
    return value


def build(cls: type, data: Mapping[str, Any], path: str = "") -> Any:
    """An instance of dataclass ``cls`` from ``data``, or the first problem as ScenarioError."""
    if not isinstance(data, Mapping):  # a policy file's ``policy = "..."``, not a table
        raise ScenarioError(path, data, type_name(cls))
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key in data:
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ScenarioError(
                _join(path, key), data[key], f"one of the keys of {cls.__name__}{hint}"
            )
    values = {}
    for name, f in fields.items():
        field_path = _join(path, name)
        if name not in data:
            if f.default is not dataclasses.MISSING:
                continue
            raise ScenarioError(field_path, "<missing>", f"{type_name(hints[name])} (required)")
        value = _convert(hints[name], data[name], field_path)
        rule = f.metadata.get("rule")
        if rule is not None and not rule.check(value):
            raise ScenarioError(field_path, value, rule.allowed)
        values[name] = value
    obj = cls(**values)
    for name, value, allowed in obj.problems() if hasattr(obj, "problems") else ():
        raise ScenarioError(_join(path, name), value, allowed)
    return obj
