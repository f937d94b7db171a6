"""Experiments: paired policy comparisons, parameter sweeps and staffing searches.

All of them run replications with the same seed for every scenario, so replication ``r``
of each scenario shares its random numbers: paired differences isolate the policy.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.catalog import CATALOG, censored_flag, is_flag
from ..analysis.kpis import check_level, overloaded_stages, summarise, t_interval
from ..errors import InputError, is_number, is_whole
from ..scenario.dotted import get_path
from ..scenario.io import scenario_to_dict
from ..scenario.parameters import Scenario
from ..scenario.policy import apply_policy, policy_with_increment
from ..scenario.presets import ScenarioLike, as_scenario, with_overrides
from ..scenario.settings import DEFAULT_SETTINGS, RunSettings, as_settings
from .cache import ResultCache, cached_results
from .executors import ExecutorLike, Progress, run_tasks, workers_of
from .run_size import check_size
from .runner import kpi_names, replication_kpis_task


def replicate(scenarios: Sequence[Scenario], settings: RunSettings = DEFAULT_SETTINGS,
              executor: ExecutorLike = "processes", progress: Progress = False,
              cache_dir: str | Path | None = None) -> list[pd.DataFrame]:
    """Per-replication KPI tables (one per scenario), all tasks sent to one executor; with
    ``cache_dir``, each replication is read from the cache or put there as it finishes."""
    settings = as_settings(settings)
    if isinstance(scenarios, str | Path | Scenario) or not all(
            isinstance(s, Scenario) for s in scenarios):
        raise InputError("scenarios", scenarios, "a list of Scenario objects")
    replications = settings.replications
    check_size(scenarios, settings, workers_of(executor), keep_cases=False)
    tasks = [(s, settings, r) for s in scenarios for r in range(replications)]
    if cache_dir is None:
        rows = run_tasks(replication_kpis_task, tasks, executor=executor, progress=progress,
                         desc="replications")
    else:
        keys = [ResultCache.key(scenario_to_dict(s), settings.seed, r, settings.years,
                                settings.warmup_days) for s, settings, r in tasks]
        names = functools.cache(lambda n: kpi_names(scenarios[n], settings))
        rows = cached_results(ResultCache(cache_dir), keys, tasks, replication_kpis_task,
                              lambda i: names(i // replications), executor, progress)
    tables = []
    for n in range(len(scenarios)):
        chunk = rows[n * replications:(n + 1) * replications]
        table = pd.DataFrame(chunk, index=pd.RangeIndex(replications, name="replication"))
        tables.append(table)
    return tables


@dataclass
class Comparison:
    """KPIs of several scenarios and their paired differences to a reference."""

    reference: str
    per_replication: dict[str, pd.DataFrame]
    """Per scenario: one row of KPIs per replication (replication r shares random numbers)."""
    level: float = 0.95
    _tables: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    """Summaries and differences, computed once: a dashboard asks for each several times."""

    @property
    def names(self) -> list[str]:
        return list(self.per_replication)

    def _once(self, key: str, compute):
        if key not in self._tables:
            self._tables[key] = compute()
        return self._tables[key]

    def summaries(self) -> dict[str, pd.DataFrame]:
        """Per scenario, ``summarise`` of its replications."""
        return self._once("summaries", lambda: {
            name: summarise(table, self.level) for name, table in self.per_replication.items()})

    def kpis(self) -> pd.DataFrame:
        """Long table: scenario, kpi, mean, ci_low, ci_high, unit, beyond_run."""
        def table() -> pd.DataFrame:
            frames = [summary.rename_axis("kpi").reset_index().assign(scenario=name)
                      for name, summary in self.summaries().items()]
            out = pd.concat(frames, ignore_index=True)
            return out[["scenario", "kpi", "mean", "ci_low", "ci_high", "unit", "beyond_run"]]

        return self._once("kpis", table).copy()

    def overloaded(self) -> dict[str, dict[str, str]]:
        """Per scenario, the staffed stages that cannot keep up, with the reason."""
        return {name: overloaded_stages(summary) for name, summary in self.summaries().items()}

    def differences(self) -> pd.DataFrame:
        """Long table of paired differences (scenario - reference); see ``_differences``."""
        return self._once("differences", self._differences).copy()

    def _differences(self) -> pd.DataFrame:
        """Long table of paired differences (scenario - reference) with confidence intervals.

        ``mean`` and ``reference_mean`` are the two sides' means; ``relative`` columns divide
        by the reference mean; ``clear`` is True when the
        interval excludes zero; ``better`` says whether the difference is an improvement.
        ``beyond_run`` is True when a side's Kaplan-Meier curve did not reach the quantile
        within the run, so its values are lower bounds: the difference is then clear only
        when that side is clearly the longer one, and ``at_least`` says the difference may
        be larger still.
        """
        ref = self.per_replication[self.reference]
        rows = []
        for name, table in self.per_replication.items():
            if name == self.reference:
                continue
            for kpi in table.columns.intersection(ref.columns):
                if is_flag(kpi):
                    continue
                rows.append(self._difference(name, kpi, table, ref))
        return pd.DataFrame(rows)

    def _difference(self, name: str, kpi: str, table: pd.DataFrame,
                    ref: pd.DataFrame) -> dict[str, object]:
        flag = censored_flag(kpi)
        censored = (bool(table[flag].any()), bool(ref[flag].any())) if flag in table else (
            False, False)
        diff = (table[kpi] - ref[kpi]).to_numpy(dtype=float)
        mean, low, high = t_interval(diff, self.level)
        base = float(ref[kpi].mean())
        if censored == (True, False):  # the scenario's times are lower bounds
            clear = bool(low > 0)
        elif censored == (False, True):  # the reference's are
            clear = bool(high < 0)
        else:
            clear = bool(low > 0 or high < 0) and not any(censored)
        lower_better = CATALOG[kpi].lower_is_better
        better = None if lower_better is None or not clear else bool((mean < 0) == lower_better)
        relative = [v / base if base else np.nan for v in (mean, low, high)]
        if not CATALOG[kpi].signed:  # a count or a time cannot fall by more than all of it
            relative = [max(v, -1.0) if not np.isnan(v) else v for v in relative]
        return {
            "scenario": name, "reference": self.reference, "kpi": kpi,
            "difference": mean, "ci_low": low, "ci_high": high,
            "mean": float(table[kpi].mean()), "reference_mean": base,
            "relative": relative[0], "relative_ci_low": relative[1],
            "relative_ci_high": relative[2], "clear": clear, "better": better,
            "unit": CATALOG[kpi].unit, "beyond_run": any(censored),
            "at_least": any(censored) and clear,
        }


def compare(scenarios: Mapping[str, ScenarioLike] | Sequence[ScenarioLike],
            reference: str | None = None, settings: RunSettings = DEFAULT_SETTINGS,
            executor: ExecutorLike = "processes", progress: bool = False,
            level: float = 0.95) -> Comparison:
    """Run scenarios with common random numbers and compare each with ``reference``.

    ``scenarios`` maps names to scenarios (objects, preset names or files); a plain list
    uses each scenario's own name. The reference defaults to the first.
    """
    check_level(level)
    if isinstance(scenarios, str | Path | Scenario):
        raise InputError("scenarios", scenarios, "a list or mapping of at least two scenarios "
                         "(one name or file is one scenario)")
    if not isinstance(scenarios, Mapping):
        loaded = [as_scenario(s) for s in scenarios]
        scenarios = {s.name: s for s in loaded}
        if len(scenarios) < len(loaded):
            raise InputError("scenarios", [s.name for s in loaded], "scenarios with distinct names")
    named = {name: as_scenario(s) for name, s in scenarios.items()}
    if len(named) < 2:
        raise InputError("scenarios", list(named), "at least two scenarios to compare")
    reference = reference or next(iter(named))
    if reference not in named:
        raise InputError("reference", reference, f"one of {', '.join(named)}")
    tables = replicate(list(named.values()), settings, executor, progress)
    return Comparison(reference, dict(zip(named, tables, strict=True)), level)


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
