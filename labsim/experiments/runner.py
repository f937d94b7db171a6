"""Replications: run a scenario several times with independent seeds, on any executor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis.kpis import replication_kpis, summarise
from ..analysis.outputs import TableWriter, backlog_table, csv_chunk
from ..analysis.provenance import stamp
from ..analysis.results import Results
from ..model.system import ReplicationOutput, simulate
from ..scenario.capacity import staff_capacity
from ..scenario.parameters import Scenario
from ..scenario.presets import ScenarioLike, as_scenario
from ..scenario.settings import DEFAULT_SETTINGS, RunSettings, as_settings
from .executors import ExecutorLike, run_tasks, workers_of
from .run_size import check_size


def run(scenario: ScenarioLike, settings: RunSettings = DEFAULT_SETTINGS,
        executor: ExecutorLike = "processes", progress: bool = False) -> Results:
    """Simulate ``settings.years`` after a warm-up of ``settings.warmup_days``,
    ``settings.replications`` times, and keep every case and staff visit.

    Replication ``r`` uses the random streams of (seed, ``r``) whatever the executor, so
    serial and parallel runs give identical tables, and two scenarios run with the same
    settings share their random numbers.

    >>> import labsim
    >>> results = labsim.run("cambodia_baseline", labsim.RunSettings(years=1, replications=2))
    >>> int(results.summary().loc["grievances_per_year", "replications"])
    2
    >>> sorted(results.cases["status"].unique())
    ['dropped', 'open', 'resolved', 'unresolved']
    """
    scenario, settings = as_scenario(scenario), as_settings(settings)
    check_size([scenario], settings, workers_of(executor), keep_cases=True)
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


EMPTY_RUN_DAYS = 1e-6
"""A run too short for any grievance to arrive."""


def kpi_names(scenario: Scenario, settings: RunSettings) -> list[str]:
    """The KPIs a replication of ``scenario`` gives, in order: they depend on the scenario
    (its stages, routes and costs), never on the cases, so a replication without any case
    tells them at once."""
    empty = simulate(scenario, settings.seed, 0, EMPTY_RUN_DAYS)
    return list(replication_kpis(empty.cases.iloc[:0], empty.visits.iloc[:0],
                                 staff_capacity(scenario), scenario, settings.window))


def replication_tables_task(scenario: Scenario, settings: RunSettings,
                            replication: int) -> dict[str, Any]:
    """Simulate one replication: its cases, visits and backlog tables as CSV text, and its
    KPIs."""
    out = simulate(scenario, settings.seed, replication, settings.horizon_days)
    backlog = backlog_table(out.cases, replication, scenario, settings)
    return {"cases": csv_chunk(out.cases), "visits": csv_chunk(out.visits),
            "backlog": csv_chunk(backlog),
            "kpis": replication_kpis(out.cases, out.visits, staff_capacity(scenario), scenario,
                                     settings.window)}


def run_to_directory(scenario: ScenarioLike, directory: str | Path,
                     settings: RunSettings = DEFAULT_SETTINGS,
                     executor: ExecutorLike = "processes",
                     progress: bool = False) -> pd.DataFrame:
    """``run(...).to_csv(directory)`` for runs of any size: each replication's tables are
    written as soon as it is done and then dropped, so memory holds only the replications
    in flight. The files are the same, byte for byte; returns the KPIs per replication."""
    scenario, settings = as_scenario(scenario), as_settings(settings)
    with TableWriter(directory, stamp(scenario, settings)) as writer:
        check_size([scenario], settings, workers_of(executor), keep_cases=False)
        rows: dict[int, dict[str, float]] = {}
        waiting: dict[int, dict[str, Any]] = {}

        def write_in_order(replication: int, tables: dict[str, Any]) -> None:
            waiting[replication] = tables
            while len(rows) in waiting:  # replications reach the files in order
                ready = waiting.pop(len(rows))
                writer.add(ready)
                rows[len(rows)] = ready["kpis"]

        run_tasks(replication_tables_task,
                  [(scenario, settings, rep) for rep in range(settings.replications)],
                  executor=executor, progress=progress, desc="replications",
                  on_result=write_in_order, keep=False)
        kpis = pd.DataFrame.from_dict(rows, orient="index").rename_axis("replication")
        writer.finish(kpis, summarise(kpis))
    return kpis


def _combine(scenario: Scenario, settings: RunSettings,
             outputs: list[ReplicationOutput]) -> Results:
    return Results(
        scenario=scenario,
        settings=settings,
        cases=pd.concat([o.cases for o in outputs], ignore_index=True),
        visits=pd.concat([o.visits for o in outputs], ignore_index=True),
        capacity=staff_capacity(scenario),
    )
