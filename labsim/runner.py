"""Replications: run a scenario several times with independent seeds, serially or in processes."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .arrivals import YEAR_DAYS
from .errors import InputError
from .executors import run_tasks
from .kpis import replication_kpis
from .model import ReplicationOutput, simulate
from .results import Results
from .scenario import Scenario
from .scenario_io import load_scenario
from .stages import staff_capacity


def _check(name: str, value: object, ok: bool, allowed: str) -> None:
    if not ok:
        raise InputError(name, value, allowed)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def as_scenario(scenario: Scenario | str | Path) -> Scenario:
    """A scenario as given, or loaded from a preset name or file."""
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def check_run_settings(years: float, replications: int, seed: int, warmup_days: float) -> None:
    """Raise an InputError naming the first run setting that is out of range."""
    _check("years", years, _is_number(years) and years > 0, "a number of years > 0")
    _check("replications", replications, _is_int(replications) and replications >= 1,
           "a whole number >= 1")
    _check("seed", seed, _is_int(seed) and seed >= 0, "a whole number >= 0")
    _check("warmup_days", warmup_days, _is_number(warmup_days) and warmup_days >= 0,
           "a number of days >= 0")


def run(scenario: Scenario | str | Path, years: float = 5.0, replications: int = 10,
        seed: int = 1, warmup_days: float = 365.0, processes: int = 1,
        progress: bool = False) -> Results:
    """Simulate ``years`` after a warm-up of ``warmup_days``, ``replications`` times.

    Replication ``r`` uses the random streams of (``seed``, ``r``) whatever the number of
    ``processes``, so serial and parallel runs give identical tables, and two scenarios
    run with the same seed share their random numbers.
    """
    scenario = as_scenario(scenario)
    check_run_settings(years, replications, seed, warmup_days)
    _check("processes", processes, _is_int(processes) and processes >= 1, "a whole number >= 1")
    horizon = warmup_days + years * YEAR_DAYS
    tasks = [(scenario, seed, rep, horizon) for rep in range(replications)]
    outputs = run_tasks(simulate, tasks, executor="processes" if processes > 1 else "serial",
                        processes=processes, progress=progress, desc="replications")
    return _combine(scenario, seed, warmup_days, horizon, outputs)


def replication_kpis_task(scenario: Scenario, seed: int, replication: int, years: float,
                          warmup_days: float) -> dict[str, float]:
    """Simulate one replication and return only its KPIs (small to send between processes)."""
    horizon = warmup_days + years * YEAR_DAYS
    out = simulate(scenario, seed, replication, horizon)
    return replication_kpis(out.cases, out.visits, staff_capacity(scenario), scenario,
                            (warmup_days, horizon))


def _combine(scenario: Scenario, seed: int, warmup_days: float, horizon: float,
             outputs: list[ReplicationOutput]) -> Results:
    return Results(
        scenario=scenario,
        seed=seed,
        replications=len(outputs),
        warmup_days=warmup_days,
        horizon_days=horizon,
        cases=pd.concat([o.cases for o in outputs], ignore_index=True),
        visits=pd.concat([o.visits for o in outputs], ignore_index=True),
        capacity=staff_capacity(scenario),
    )
