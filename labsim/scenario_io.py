"""Scenario files: load and validate TOML, write it back, and apply overrides.

Validation happens here, at the edge, so that the model can trust its input.
Every failure is one ``ScenarioError`` naming the field path, the value and what
is allowed.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from .errors import ScenarioError
from .policy import Policy, apply_policy
from .scenario import Scenario

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "datasets" / "scenarios"

_RULES = {
    "probability": (lambda v: 0.0 <= v <= 1.0, "a probability in [0, 1]"),
    "nonnegative": (lambda v: v >= 0, "a number >= 0"),
    "positive": (lambda v: v > 0, "a number > 0"),
    "count": (lambda v: v >= 0, "a whole number >= 0"),
    "positive_count": (lambda v: v >= 1, "a whole number >= 1"),
}


def _type_name(tp: Any) -> str:
    if tp is float:
        return "a number"
    if tp is int:
        return "a whole number"
    if tp is bool:
        return "true or false"
    if tp is str:
        return "a text string"
    if dataclasses.is_dataclass(tp):
        return f"a table ({tp.__name__})"
    if typing.get_origin(tp) is tuple:
        return f"a list of {_type_name(typing.get_args(tp)[0])}s"
    return str(tp)


def _join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


def _item_key(item: Any, index: int) -> str | int:
    """How an error names a list item: by its ``name`` when it has one, else its index."""
    name = item.get("name") if isinstance(item, Mapping) else None
    return name if isinstance(name, str) and name else index


def _convert(tp: Any, value: Any, path: str) -> Any:
    """Check ``value`` against annotation ``tp`` and build the typed value."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        tp = next(arg for arg in typing.get_args(tp) if arg is not type(None))
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, Mapping):
            raise ScenarioError(path, value, _type_name(tp))
        return _build(tp, value, path)
    if typing.get_origin(tp) is tuple:
        if not isinstance(value, list | tuple):
            raise ScenarioError(path, value, _type_name(tp))
        item_type = typing.get_args(tp)[0]
        return tuple(_convert(item_type, v, _join(path, _item_key(v, i)))
                     for i, v in enumerate(value))
    if tp is bool:
        ok = isinstance(value, bool)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif tp is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif tp is str:
        ok = isinstance(value, str)
    else:  # pragma: no cover - guards against a new annotation the loader does not know
        raise TypeError(f"unsupported annotation {tp} at {path}")
    if not ok:
        raise ScenarioError(path, value, _type_name(tp))
    return value


def _build(cls: type, data: Mapping[str, Any], path: str) -> Any:
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
            has_default = f.default is not dataclasses.MISSING
            if has_default:
                continue
            raise ScenarioError(field_path, "<missing>", f"{_type_name(hints[name])} (required)")
        value = _convert(hints[name], data[name], field_path)
        rule = f.metadata.get("rule")
        if rule is not None:
            check, allowed = _RULES[rule]
            if not check(value):
                raise ScenarioError(field_path, value, allowed)
        values[name] = value
    obj = cls(**values)
    for name, value, allowed in obj.problems() if hasattr(obj, "problems") else ():
        raise ScenarioError(_join(path, name), value, allowed)
    return obj


def scenario_from_dict(data: Mapping[str, Any], source: str = "") -> Scenario:
    """Build a validated Scenario from plain data (as read from TOML)."""
    try:
        return _build(Scenario, data, "")
    except ScenarioError as err:
        raise ScenarioError(err.path, err.value, err.allowed, source) from None


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Plain data of a scenario, ready for TOML (tuples become lists)."""

    def plain(value: Any) -> Any:
        if dataclasses.is_dataclass(value):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                    if getattr(value, f.name) is not None}
        if isinstance(value, tuple):
            return [plain(v) for v in value]
        return value

    return plain(scenario)


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A path as given, or the preset of that name in ``datasets/scenarios``."""
    path = Path(name_or_path)
    if path.suffix != ".toml" and not path.exists():
        path = SCENARIO_DIR / f"{path.name}.toml"
    return path


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate a scenario file, or a preset by name (e.g. ``"cambodia_baseline"``)."""
    path = resolve_scenario_path(name_or_path)
    if not path.is_file():
        presets = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
        raise ScenarioError(
            "file", str(path), f"an existing TOML file or a preset ({', '.join(presets)})"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError("file", str(path), f"valid TOML ({err})") from None
    if "policy" in data:
        return _policy_scenario(data, path)
    return scenario_from_dict(data, source=path.name)


def load_policy(name_or_path: str | Path) -> Policy:
    """Load and validate a policy file (a ``[policy]`` table), or a preset by name."""
    path = resolve_scenario_path(name_or_path)
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if "policy" not in data:
        raise ScenarioError("policy", str(path), "a TOML file with a [policy] table")
    return _parse_policy(data, path)


def _parse_policy(data: Mapping[str, Any], path: Path) -> Policy:
    extra = sorted(set(data) - {"policy"})
    if extra:
        raise ScenarioError(extra[0], data[extra[0]], "only a [policy] table in a policy file",
                            path.name)
    try:
        return _build(Policy, data["policy"], "policy")
    except ScenarioError as err:
        raise ScenarioError(err.path, err.value, err.allowed, path.name) from None


def _policy_scenario(data: Mapping[str, Any], path: Path) -> Scenario:
    policy = _parse_policy(data, path)
    base_path = Path(policy.base_scenario)
    if base_path.suffix == ".toml" and not base_path.is_absolute():
        base_path = path.parent / base_path
    return apply_policy(policy, load_scenario(base_path))


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario as TOML (sources in comments are not kept: they live in the presets)."""
    path = Path(path)
    path.write_text(tomli_w.dumps(scenario_to_dict(scenario)), encoding="utf-8")
    return path


def _set_path(data: dict[str, Any], dotted: str, value: Any) -> None:
    node: Any = data
    parts = dotted.split(".")
    for depth, key in enumerate(parts):
        here = ".".join(parts[:depth]) or "<scenario>"
        last = depth == len(parts) - 1
        if isinstance(node, list):
            names = [item.get("name") for item in node if isinstance(item, dict)]
            if key.isdigit() and int(key) < len(node):
                index = int(key)
            elif key in names:
                index = names.index(key)
            else:
                raise ScenarioError(
                    _join(here, key), value, f"an index below {len(node)} or one of {names}"
                )
            if last:
                node[index] = value
            node = node[index]
            continue
        if key not in node and not last:
            close = difflib.get_close_matches(key, list(node), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ScenarioError(_join(here if depth else "", key), value,
                                f"an existing key{hint}")
        if last:
            node[key] = list(value) if isinstance(value, tuple) else value
        else:
            node = node[key]


def with_overrides(scenario: Scenario | str | Path, overrides: Mapping[str, Any] | None = None,
                   **kwargs: Any) -> Scenario:
    """A validated copy of ``scenario`` (or a preset name or file) with dotted paths changed.

    ``with_overrides(s, {"arbitration.arbitrators": 30})`` or, with ``__`` for dots,
    ``with_overrides(s, arbitration__arbitrators=30)``. Sectors are addressed by index
    or name: ``"arrivals.sectors.garment_footwear.workers"``.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    changes = dict(overrides or {})
    changes.update({key.replace("__", "."): v for key, v in kwargs.items()})
    data = scenario_to_dict(scenario)
    for dotted, value in changes.items():
        if dataclasses.is_dataclass(value):
            value = scenario_to_dict(value)
        _set_path(data, dotted, value)
    return scenario_from_dict(data, source="override")


GRIEVANCE_RATE_FIELDS = {
    "individual": "individual_grievances_per_1000_workers_per_year",
    "collective": "collective_grievances_per_100_enterprises_per_year",
}


def grievance_rate_overrides(scenario: Scenario, factor: float,
                             kinds: tuple[str, ...] = ("individual", "collective"),
                             ) -> dict[str, float]:
    """Overrides multiplying every sector's grievance rates of ``kinds`` by ``factor``."""
    return {f"arrivals.sectors.{sector.name}.{GRIEVANCE_RATE_FIELDS[kind]}":
            getattr(sector, GRIEVANCE_RATE_FIELDS[kind]) * factor
            for sector in scenario.arrivals.sectors for kind in kinds}


__all__ = [
    "ScenarioError",
    "grievance_rate_overrides",
    "load_policy",
    "load_scenario",
    "save_scenario",
    "scenario_from_dict",
    "scenario_to_dict",
    "with_overrides",
    "resolve_scenario_path",
    "SCENARIO_DIR",
]
