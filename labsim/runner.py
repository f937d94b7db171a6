"""Replications: run a scenario several times with independent seeds, serially or in processes."""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from .arrivals import YEAR_DAYS
from .errors import InputError
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


def run(scenario: Scenario | str | Path, years: float = 5.0, replications: int = 10,
        seed: int = 1, warmup_days: float = 365.0, processes: int = 1,
        progress: bool = False) -> Results:
    """Simulate ``years`` after a warm-up of ``warmup_days``, ``replications`` times.

    Replication ``r`` uses the random streams of (``seed``, ``r``) whatever the number of
    ``processes``, so serial and parallel runs give identical tables, and two scenarios
    run with the same seed share their random numbers.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    _check("years", years, _is_number(years) and years > 0, "a number of years > 0")
    _check("replications", replications, _is_int(replications) and replications >= 1,
           "a whole number >= 1")
    _check("seed", seed, _is_int(seed) and seed >= 0, "a whole number >= 0")
    _check("warmup_days", warmup_days, _is_number(warmup_days) and warmup_days >= 0,
           "a number of days >= 0")
    _check("processes", processes, _is_int(processes) and processes >= 1, "a whole number >= 1")
    horizon = warmup_days + years * YEAR_DAYS
    reps = range(replications)
    args = ([scenario] * replications, [seed] * replications, reps, [horizon] * replications)
    if processes > 1 and replications > 1:
        with ProcessPoolExecutor(max_workers=min(processes, replications)) as pool:
            outputs = list(_with_progress(pool.map(simulate, *args), replications, progress))
    else:
        outputs = list(_with_progress(map(simulate, *args), replications, progress))
    return _combine(scenario, seed, warmup_days, horizon, outputs)


def _with_progress(items, total: int, progress: bool):
    if not progress:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, total=total, desc="replications", unit="rep")


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
