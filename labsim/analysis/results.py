"""Results of a run: the per-case and staff-visit tables, and the KPIs derived from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..scenario.parameters import Scenario
from ..scenario.settings import RunSettings
from .kpis import (
    overloaded_stages,
    replication_kpis,
    stage_statistics,
    summarise,
)
from .outputs import TableWriter, backlog_table, csv_chunk
from .provenance import stamp


@dataclass
class Results:
    """Everything a run produced; tables are pandas DataFrames, one row per case or visit."""

    scenario: Scenario
    settings: RunSettings
    cases: pd.DataFrame
    """One row per case per replication: its path, outcome and strike days."""
    visits: pd.DataFrame
    """One row per visit to a staffed stage: request, start and end of service."""
    capacity: dict[str, int] = field(default_factory=dict)
    """Cases each staffed stage can handle at once."""

    @property
    def window(self) -> tuple[float, float]:
        """The observed period: from the end of the warm-up to the end of the run (days)."""
        return self.settings.window

    @property
    def replications(self) -> int:
        return self.settings.replications

    @property
    def warmup_days(self) -> float:
        return self.settings.warmup_days

    @property
    def horizon_days(self) -> float:
        return self.settings.horizon_days

    @cached_property
    def backlog(self) -> pd.DataFrame:
        """Open cases in each stage at the end of every day after warm-up, per replication."""
        return pd.concat([backlog_table(cases, rep, self.scenario, self.settings)
                          for rep, cases in self.cases.groupby("replication", sort=True)],
                         ignore_index=True)

    @cached_property
    def kpis(self) -> pd.DataFrame:
        """One row of KPIs per replication (the raw material of every comparison)."""
        rows = {}
        visits_by_rep = dict(tuple(self.visits.groupby("replication", sort=True)))
        for rep, cases in self.cases.groupby("replication", sort=True):
            rows[rep] = replication_kpis(cases, visits_by_rep.get(rep, self.visits.iloc[:0]),
                                         self.capacity, self.scenario, self.window)
        table = pd.DataFrame.from_dict(rows, orient="index")
        table.index.name = "replication"
        return table

    def stage_statistics(self) -> pd.DataFrame:
        """Observed waits, utilisation and occupancy per staffed stage and replication."""
        frames = []
        visits_by_rep = dict(tuple(self.visits.groupby("replication", sort=True)))
        for rep, cases in self.cases.groupby("replication", sort=True):
            frame = stage_statistics(cases, visits_by_rep[rep], self.capacity, self.window)
            frames.append(frame.rename_axis("stage").reset_index().assign(replication=rep))
        return pd.concat(frames, ignore_index=True)

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """KPIs with their mean and confidence interval across replications."""
        return summarise(self.kpis, level)

    def overloaded(self) -> dict[str, str]:
        """Staffed stages that cannot keep up with their cases, each with the reason."""
        return overloaded_stages(self.summary())

    def to_csv(self, directory: str | Path) -> list[Path]:
        """Write cases, visits, backlog, per-replication KPIs and the summary as CSV files,
        each stamped on its first line (``outputs``)."""
        visits = dict(tuple(self.visits.groupby("replication", sort=True)))
        with TableWriter(directory, stamp(self.scenario, self.settings)) as writer:
            for rep, cases in self.cases.groupby("replication", sort=True):
                tables = {"cases": cases, "visits": visits.get(rep, self.visits.iloc[:0]),
                          "backlog": backlog_table(cases, rep, self.scenario, self.settings)}
                writer.add({name: csv_chunk(table) for name, table in tables.items()})
            return writer.finish(self.kpis, self.summary())
