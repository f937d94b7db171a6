"""Replications: run a scenario several times with independent seeds, on any executor."""

from __future__ import annotations

import pandas as pd

from .capacity import staff_capacity
from .executors import ExecutorLike, run_tasks
from .kpis import replication_kpis
from .model import ReplicationOutput, simulate
from .presets import ScenarioLike, as_scenario
from .results import Results
from .scenario import Scenario
from .settings import DEFAULT_SETTINGS, RunSettings


def run(scenario: ScenarioLike, settings: RunSettings = DEFAULT_SETTINGS,
        executor: ExecutorLike = "processes", progress: bool = False) -> Results:
    """Simulate ``settings.years`` after a warm-up of ``settings.warmup_days``,
    ``settings.replications`` times, and keep every case and staff visit.

    Replication ``r`` uses the random streams of (seed, ``r``) whatever the executor, so
    serial and parallel runs give identical tables, and two scenarios run with the same
    settings share their random numbers.
    """
    scenario = as_scenario(scenario)
    tasks = [(scenario, settings.seed, rep, settings.horizon_days)
             for rep in range(settings.replications)]
    outputs = run_tasks(simulate, tasks, executor=executor, progress=progress,
                        desc="replications")
    return _combine(scenario, settings, outputs)


def replication_kpis_task(scenario: Scenario, settings: RunSettings,
                          replication: int) -> dict[str, float]:
    """Simulate one replication and return only its KPIs (small to send between processes)."""
    out = simulate(scenario, settings.seed, replication, settings.horizon_days)
    return replication_kpis(out.cases, out.visits, staff_capacity(scenario), scenario,
                            settings.window)


def _combine(scenario: Scenario, settings: RunSettings,
             outputs: list[ReplicationOutput]) -> Results:
    return Results(
        scenario=scenario,
        settings=settings,
        cases=pd.concat([o.cases for o in outputs], ignore_index=True),
        visits=pd.concat([o.visits for o in outputs], ignore_index=True),
        capacity=staff_capacity(scenario),
    )
