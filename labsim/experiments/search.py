"""Searches over many runs: parameter sweeps, the smallest staff or budget that meets a
target, and one-at-a-time sensitivity. Every point runs with the same seed (common random
numbers), so differences between points are the parameters' effects."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.catalog import CATALOG
from ..analysis.kpis import summarise
from ..errors import InputError, is_number, is_whole
from ..scenario.dotted import get_path
from ..scenario.parameters import Scenario
from ..scenario.policy import apply_policy, policy_with_increment
from ..scenario.presets import ScenarioLike, as_scenario, with_overrides
from ..scenario.settings import DEFAULT_SETTINGS, RunSettings
from .comparison import replicate
from .executors import ExecutorLike


def grid_points(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, as override mappings."""
    if not grid:
        raise InputError("grid", grid, "at least one parameter with a list of values")
    for path, values in grid.items():
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
            raise InputError(f"grid.{path}", values, "a non-empty list of values")
    names = list(grid)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grid.values())]


def sweep(base: ScenarioLike, points: Sequence[Mapping[str, Any]] | None = None,
          grid: Mapping[str, Sequence[Any]] | None = None,
          settings: RunSettings = DEFAULT_SETTINGS, executor: ExecutorLike = "processes",
          cache_dir: str | Path | None = None, progress: bool = True) -> pd.DataFrame:
    """KPIs of ``base`` under many overrides: one row per point and replication.

    Give ``points`` (a list of override mappings) or ``grid`` (parameter path -> values,
    all combinations). Every point is validated before anything runs. With ``cache_dir``,
    finished replications are stored by scenario content and not recomputed.
    """
    base = as_scenario(base)
    if (points is None) == (grid is None):
        raise InputError("points/grid", None, "exactly one of points or grid")
    if points is not None and (isinstance(points, str | Mapping) or not all(
            isinstance(point, Mapping) for point in points) or not points):
        raise InputError("points", points, "a non-empty list of override mappings, e.g. "
                         "[{'arbitration.arbitrators': 30}]")
    points = list(points) if points is not None else grid_points(grid)
    scenarios = [with_overrides(base, point) for point in points]
    tables = replicate(scenarios, settings, executor, progress, cache_dir)
    frames = []
    for number, (point, table) in enumerate(zip(points, tables, strict=True)):
        frame = table.reset_index()
        for column, (path, value) in enumerate(point.items()):
            frame.insert(column, path, value if np.isscalar(value) else str(value))
        frame.insert(0, "point", number)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def summarise_sweep(rows: pd.DataFrame, kpi: str, level: float = 0.95) -> pd.DataFrame:
    """Mean and confidence interval of one KPI at each point of a sweep."""
    params = [c for c in rows.columns[1:rows.columns.get_loc("replication")]]
    out = []
    for (point, *values), group in rows.groupby(["point", *params], sort=True):
        row = summarise(group[[kpi]], level).iloc[0]
        out.append({"point": point, **dict(zip(params, values, strict=True)),
                    "mean": row["mean"], "ci_low": row["ci_low"], "ci_high": row["ci_high"]})
    return pd.DataFrame(out)


@dataclass
class StaffingResult:
    """The smallest level meeting a target: on the mean, and with 95% confidence."""

    parameter: str
    kpi: str
    target: float
    lower_is_better: bool
    level_for_mean: float | None
    """Smallest level whose mean meets the target (None: not within the range searched)."""
    level_for_confidence: float | None
    """Smallest level whose whole confidence interval meets the target."""
    curve: pd.DataFrame
    """Every level evaluated: mean, ci_low, ci_high."""

    def describe(self) -> str:
        goal = "at most" if self.lower_is_better else "at least"
        def said(value):
            return (f"{value:g}" if value is not None
                    else "not reached in the range searched")
        return (f"{self.kpi} {goal} {self.target:g}: {self.parameter} = "
                f"{said(self.level_for_mean)} on average, "
                f"{said(self.level_for_confidence)} with 95% confidence")


def _smallest(meets: Callable[[int], bool], low: int, high: int) -> int | None:
    """Smallest integer in [low, high] where ``meets`` holds, assuming it is monotone."""
    if not meets(high):
        return None
    while low < high:
        middle = (low + high) // 2
        if meets(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _search(make: Callable[[int], Scenario], parameter: str, kpi: str, target: float,
            low: int, high: int, scale: float, settings: RunSettings,
            executor: ExecutorLike) -> StaffingResult:
    """Bisection for the smallest ``level`` meeting the target; reported as level x scale."""
    if kpi not in CATALOG:
        raise InputError("kpi", kpi, "a KPI of the catalog (labsim.catalog.CATALOG)")
    if not is_number(target):
        raise InputError("target", target, f"a finite number in the unit of {kpi} "
                         f"({CATALOG[kpi].unit})")
    lower = CATALOG[kpi].lower_is_better
    if lower is None:
        raise InputError("kpi", kpi, "a KPI with a better direction (e.g. a share, days, cost)")
    if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high):
        raise InputError("low/high", (low, high), "whole numbers with 0 <= low <= high")
    seen: dict[int, pd.Series] = {}

    def summary(level: int) -> pd.Series:
        if level not in seen:
            table = replicate([make(level)], settings, executor)[0]
            if kpi not in table.columns:
                raise InputError("kpi", kpi, f"one of {', '.join(table.columns)}")
            seen[level] = summarise(table[[kpi]]).iloc[0]
        return seen[level]

    def ok(value: float) -> bool:
        return value <= target if lower else value >= target

    for_mean = _smallest(lambda n: ok(summary(n)["mean"]), low, high)
    bound = "ci_high" if lower else "ci_low"
    for_ci = _smallest(lambda n: ok(summary(n)[bound]), for_mean or low, high)
    curve = (pd.DataFrame([s[["mean", "ci_low", "ci_high"]].astype(float) for s in seen.values()],
                          index=pd.Index([n * scale for n in seen], name=parameter))
             .sort_index().reset_index())
    return StaffingResult(parameter, kpi, target, lower,
                          None if for_mean is None else for_mean * scale,
                          None if for_ci is None else for_ci * scale, curve)


def smallest_staff(scenario: ScenarioLike, parameter: str, kpi: str, target: float,
                   low: int = 1, high: int = 100, settings: RunSettings = DEFAULT_SETTINGS,
                   executor: ExecutorLike = "processes") -> StaffingResult:
    """Smallest whole value of ``parameter`` (a dotted path, e.g.
    ``"arbitration.arbitrators"``) at which ``kpi`` meets ``target``.

    Bisection over [low, high]; assumes more staff never makes the KPI worse.
    """
    base = as_scenario(scenario)
    if not is_whole(get_path(base, parameter)):
        raise InputError("parameter", parameter, "a whole-number parameter such as a count "
                         f"of staff (it is {get_path(base, parameter)!r} in {base.name})")
    return _search(lambda n: with_overrides(base, {parameter: n}), parameter, kpi, target,
                   low, high, 1, settings, executor)


def smallest_budget(base: ScenarioLike, prevention_share: float, kpi: str, target: float,
                    step_usd: float = 25_000.0, low_usd: float = 0.0,
                    high_usd: float = 2_000_000.0, settings: RunSettings = DEFAULT_SETTINGS,
                    executor: ExecutorLike = "processes") -> StaffingResult:
    """Smallest extra yearly budget, in steps of ``step_usd``, at which spending it by the
    allocation rules (``prevention_share`` of it on prevention) makes ``kpi`` meet ``target``.
    """
    base = as_scenario(base)
    if not (is_number(step_usd) and step_usd > 0):
        raise InputError("step_usd", step_usd, "US dollars a year, finite and > 0")
    for name, value in (("low_usd", low_usd), ("high_usd", high_usd)):
        if not (is_number(value) and value >= 0):
            raise InputError(name, value, "US dollars a year, finite and >= 0")

    def make(steps: int) -> Scenario:
        policy = policy_with_increment(base, steps * step_usd, prevention_share,
                                       f"{base.name} + US${steps * step_usd:,.0f}")
        return apply_policy(policy, base)

    make(0)  # a bad prevention_share is reported before any simulation
    low, high = int(np.ceil(low_usd / step_usd)), int(high_usd // step_usd)
    return _search(make, "extra_budget_usd_per_year", kpi, target, low, high, step_usd,
                   settings, executor)


def sensitivity(base: ScenarioLike, parameters: Sequence[str], kpi: str, change: float = 0.2,
                settings: RunSettings = DEFAULT_SETTINGS,
                executor: ExecutorLike = "processes") -> pd.DataFrame:
    """One-at-a-time sensitivity: ``kpi`` with each parameter lowered and raised by ``change``.

    Whole-number parameters are rounded (at least 1 apart from the base); shares are capped
    to [0, 1] by validation, which names any parameter that cannot move. All runs share
    random numbers, so the differences are the parameter's effect.
    """
    base = as_scenario(base)
    scenarios, rows = [base], []
    for path in parameters:
        value = get_path(base, path)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError("parameters", path, "paths of numeric parameters")
        low, high = value * (1 - change), value * (1 + change)
        if isinstance(value, int):
            low, high = min(round(low), value - 1), max(round(high), value + 1)
        scenarios += [with_overrides(base, {path: low}), with_overrides(base, {path: high})]
        rows.append({"parameter": path, "value": value, "low_value": low, "high_value": high})
    means = [table[kpi].mean() for table in replicate(scenarios, settings, executor)]
    for number, row in enumerate(rows):
        row.update({"kpi": kpi, "base": means[0], "low": means[1 + 2 * number],
                    "high": means[2 + 2 * number], "change": change})
    return pd.DataFrame(rows)
