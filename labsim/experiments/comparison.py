"""Replications and paired comparisons of scenarios.

Both run replications with the same seed for every scenario, so replication ``r``
of each scenario shares its random numbers: paired differences isolate the policy.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis.catalog import CATALOG, censored_flag, is_flag
from ..analysis.kpis import check_level, late_stages, overloaded_stages, summarise, t_interval
from ..errors import InputError
from ..scenario.io import scenario_to_dict
from ..scenario.parameters import Scenario
from ..scenario.presets import ScenarioLike, as_scenario
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

    def late(self) -> dict[str, dict[str, float]]:
        """Per scenario, the staffed stages whose own handling misses their legal deadline
        (not for waiting), with the share of their cases."""
        return {name: late_stages(summary) for name, summary in self.summaries().items()}

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

    >>> import labsim
    >>> pair = labsim.compare(["prevention_first", "resolution_first"],
    ...                       settings=labsim.RunSettings(years=1, replications=3))
    >>> row = pair.differences().set_index("kpi").loc["strike_days_per_year"]
    >>> row["scenario"], row["reference"]
    ('resolution_first', 'prevention_first')
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
