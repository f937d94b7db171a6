"""Assumptions: the parameters nobody has measured, each with a plausible range and its reason.

A scenario file lists them in an ``[assumptions]`` table of dotted paths::

    [assumptions]
    "prevention.max_grievance_reduction" = { low = 0.2, high = 0.6, label = "...",
                                             reason = "domain.md: 20-60% in other countries" }
    "prevention.officer_resolution_gain" = { effect_size = true, label = "..." }

A range needs a cited reason; without one the range is wide by rule: 0 to 2x the central
value for an effect size, the central value +-50% otherwise. Robustness checks
(``robustness.py``) draw worlds from these ranges.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ScenarioError, is_number
from .dotted import get_path
from .io import apply_overrides
from .parameters import Scenario

DEFAULT_EFFECT_RANGE = (0.0, 2.0)
"""An effect size without a cited range: 0 to twice the central value."""
DEFAULT_OTHER_RANGE = (0.5, 1.5)
"""Any other assumption without a cited range: the central value +-50%."""
KEYS = ("low", "high", "reason", "label", "effect_size")


@dataclass(frozen=True)
class Assumption:
    """One unmeasured parameter: its central value and the range it plausibly lies in."""

    path: str
    """Dotted path of the parameter in the scenario."""
    label: str
    """Plain words for participants, with the unit."""
    central: float
    low: float
    high: float
    reason: str
    """Source or argument for the range; for a default range, the rule that made it."""
    cited: bool
    """True when the range comes with a reason; False for a default wide range."""
    whole: bool = False
    """True for a count (staff): a drawn value is rounded to the nearest whole number."""

    def value(self, drawn: float) -> float | int:
        """A value drawn from the range as the parameter takes it (counts rounded)."""
        return round(drawn) if self.whole else float(drawn)


def assumption_values(assumptions: Sequence[Assumption],
                      drawn: Sequence[float]) -> dict[str, float | int]:
    """Dotted path -> value of one drawn world (counts rounded), ready for overrides."""
    return {a.path: a.value(x) for a, x in zip(assumptions, drawn, strict=True)}


def _default_range(central: float, effect_size: bool) -> tuple[float, float, str]:
    low, high = DEFAULT_EFFECT_RANGE if effect_size else DEFAULT_OTHER_RANGE
    rule = ("an effect size: 0 to 2x the central value" if effect_size
            else "the central value +-50%")
    return (float(f"{central * low:.12g}"), float(f"{central * high:.12g}"),
            f"no source gives a range; default wide range ({rule})")


def _assumption(path: str, entry: Any, scenario: Scenario, where: str) -> Assumption:
    if not isinstance(entry, Mapping):
        raise ScenarioError(where, entry, "a table such as { low = 0.2, high = 0.6, "
                            "reason = \"...\", label = \"...\" }")
    for key in entry:
        if key not in KEYS:
            nested = isinstance(entry[key], Mapping)
            hint = (f' (write the whole path in quotes: "{path}.{key}" = {{ ... }})'
                    if nested else "")
            raise ScenarioError(f"{where}.{key}", "<table>" if nested else entry[key],
                                f"one of {', '.join(KEYS)}{hint}")
    central = get_path(scenario, path)
    if isinstance(central, bool) or not isinstance(central, float | int):
        shown = central if isinstance(central, str) else type(central).__name__
        raise ScenarioError(where, shown, "the path of a parameter that is a number or a "
                            "count (not a switch, a text or a table)")
    whole = isinstance(central, int)
    label = entry.get("label", "")
    if not isinstance(label, str) or not label.strip():
        raise ScenarioError(f"{where}.label", label, "plain words for participants, with the unit")
    effect_size = entry.get("effect_size", False)
    if not isinstance(effect_size, bool):
        raise ScenarioError(f"{where}.effect_size", effect_size, "true or false")
    given = [key for key in ("low", "high") if key in entry]
    if not given:
        if "reason" in entry:
            raise ScenarioError(f"{where}.reason", entry["reason"],
                                "a reason only together with low and high")
        if central == 0:
            raise ScenarioError(where, dict(entry), "low and high with a reason: the value "
                                "used is 0, so no default range can be scaled from it")
        low, high, reason = _default_range(central, effect_size)
        if whole:  # a count keeps at least one (no staffed stage runs without staff)
            low, high = max(math.floor(low), 1), math.ceil(high)
        return Assumption(path, label, central, low, high, reason, cited=False, whole=whole)
    if len(given) == 1:
        raise ScenarioError(where, dict(entry), "both low and high, or neither (a default range)")
    for key in ("low", "high"):
        if not is_number(entry[key]) or isinstance(entry[key], bool):
            raise ScenarioError(f"{where}.{key}", entry[key], "a finite number")
    low, high = float(entry["low"]), float(entry["high"])
    if not low <= central <= high or low == high:
        raise ScenarioError(where, {"low": low, "high": high},
                            f"a range with low < high that contains the central value {central:g}")
    reason = entry.get("reason", "")
    if not isinstance(reason, str) or not reason.strip():
        raise ScenarioError(f"{where}.reason", reason, "the source or argument for the range "
                            "(leave out low and high for a default wide range)")
    return Assumption(path, label, central, low, high, reason, cited=True, whole=whole)


def assumptions_from_table(table: Any, scenario: Scenario,
                           source: str = "") -> tuple[Assumption, ...]:
    """Validated assumptions of ``scenario`` from its file's ``[assumptions]`` table: every
    path a decimal parameter, every range containing the central value, both ends values
    the scenario accepts."""
    if not isinstance(table, Mapping):
        raise ScenarioError("assumptions", table, "a table of dotted paths", source)
    out = []
    for path, entry in table.items():
        where = f"assumptions.{path}"
        try:
            assumption = _assumption(path, entry, scenario, where)
            for end in ("low", "high"):
                try:
                    apply_overrides(scenario, {path: assumption.value(getattr(assumption,
                                                                                 end))})
                except ScenarioError as err:
                    raise ScenarioError(f"{where}.{end}", getattr(assumption, end),
                                        f"a value the parameter allows ({err.allowed})") from None
        except ScenarioError as err:
            raise ScenarioError(err.path if err.path.startswith("assumptions") else where,
                                err.value, err.allowed, source) from None
        out.append(assumption)
    return tuple(out)
