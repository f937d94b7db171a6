"""Tables on disk, written one replication at a time so that memory holds only what is in
flight. Each file starts with a stamp line (``# labsim ...``: version, code fingerprint,
scenario hash, seed) and appears whole or not at all; read it with
``pd.read_csv(path, comment="#")``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..files import WholeFile, check_output_dir, write_atomically
from ..scenario.parameters import Scenario
from ..scenario.settings import RunSettings
from ..scenario.stages import active_stages
from .kpis import open_cases_at

STREAMED = ("cases", "visits", "backlog")
"""Tables written replication by replication; KPIs and the summary follow at the end."""


def backlog_table(cases: pd.DataFrame, replication: int, scenario: Scenario,
                  settings: RunSettings) -> pd.DataFrame:
    """Open cases in each stage at the end of every day after the warm-up, for one
    replication's cases."""
    days = np.arange(np.ceil(settings.warmup_days), np.floor(settings.horizon_days) + 1)
    frame = pd.DataFrame({stage: open_cases_at(cases, stage, days)
                          for stage in active_stages(scenario)})
    frame.insert(0, "day", days)
    frame.insert(0, "replication", replication)
    return frame


def csv_chunk(table: pd.DataFrame) -> tuple[str, str]:
    """A table as CSV text: (header line, rows). Formatting happens where the table is, in a
    worker for streamed runs, so the process writing the files only copies text."""
    header, _, rows = table.to_csv(index=False).partition("\n")
    return header, rows


class TableWriter:
    """Appends each replication's cases, visits and backlog (as ``csv_chunk`` text) to CSV
    files as they arrive, in replication order, then puts them in place with the KPI tables;
    on an error or Ctrl-C nothing half-written is left (``WholeFile``)."""

    def __init__(self, directory: str | Path, stamp: str):
        self.directory = check_output_dir(directory, "out")
        self.stamp = stamp
        self._open: dict[str, WholeFile] = {}

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *_) -> None:
        for table in self._open.values():  # left open only by an error or Ctrl-C
            table.discard()
        self._open.clear()

    def add(self, chunks: Mapping[str, tuple[str, str]]) -> None:
        """Append one replication's tables, each as (header, rows) from ``csv_chunk``."""
        for name in STREAMED:
            header, rows = chunks[name]
            if name not in self._open:
                self._open[name] = WholeFile(self.directory / f"{name}.csv")
                self._open[name].write(f"# {self.stamp}\n{header}\n")
            self._open[name].write(rows)

    def finish(self, kpis: pd.DataFrame, summary: pd.DataFrame) -> list[Path]:
        """Put every table in place; returns their paths."""
        paths = []
        for name in list(self._open):
            paths.append(self._open.pop(name).commit())
        for name, table in (("kpis_by_replication", kpis), ("summary", summary)):
            paths.append(write_atomically(self.directory / f"{name}.csv",
                                          f"# {self.stamp}\n" + table.to_csv()))
        return paths
