"""The model against the public record: every observed figure, simulated, with its tolerance.

``datasets/observed/evidence.csv`` names, for each figure, its series and year in the observed
tables (which hold the value and the source), the KPI it is compared with, the tolerance
fixed before the model was compared with it, and the parameters it could have informed; the
calibration targets (``calibration_targets.csv``) join as figures used in the fit. A figure
is held out only when it informed no parameter (nor did another figure of the same breakdown
in the same publication); a held-out figure the model misses is marked ``expected_miss`` with
the reason, never given a wider tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..analysis.catalog import CATALOG
from ..analysis.kpis import summarise
from ..errors import InputError
from ..files import read_csv_rows
from ..scenario.presets import ScenarioLike, as_scenario
from ..scenario.settings import DEFAULT_SETTINGS, RunSettings
from .calibration import DEFAULT_FREE, OBSERVED_DIR, load_targets
from .comparison import replicate
from .executors import ExecutorLike

EVIDENCE_FILE = OBSERVED_DIR / "evidence.csv"
CALIBRATED = {
    "cambodia_baseline": DEFAULT_FREE,
    "cambodia_2014": ("collective_grievance_scale", "strike_hazard", "strike_duration"),
}
"""Scenarios fitted to calibration targets, and the parameters the fit set."""
COLUMNS = ("figure", "observed", "simulated", "ci_low", "ci_high", "used_in_fit", "tolerance",
           "within_tolerance", "expected_miss")
"""Columns of ``labsim evidence --csv``."""


@dataclass(frozen=True)
class Figure:
    """One observed figure and what it may be compared with."""

    scenario: str
    figure: str
    kpi: str
    observed: float
    tolerance: float
    year: str
    informs: tuple[str, ...]
    """Parameters set from this figure or from its breakdown; empty when held out."""
    expected_miss: str
    source: str

    @property
    def held_out(self) -> bool:
        return not self.informs


def _rows(path: Path) -> list[dict[str, str]]:
    return read_csv_rows(path, "observed table", ("series", "year"))


def observed_series() -> dict[tuple[str, str], dict[str, str]]:
    """Every row of the observed tables, by (series, year)."""
    return {(row["series"], row["year"]): row for path in sorted(OBSERVED_DIR.glob("*.csv"))
            if path.name not in (EVIDENCE_FILE.name, "calibration_targets.csv")
            for row in _rows(path)}


def load_figures(path: Path = EVIDENCE_FILE) -> list[Figure]:
    """Every figure of the evidence file and, for the calibrated scenario, the fit targets."""
    observed = observed_series()
    figures = []
    for row in _rows(path):
        source = observed[(row["series"], row["year"])]
        figures.append(Figure(row["scenario"], row["figure"], row["kpi"],
                              float(source["value"]), float(row["tolerance"]), row["year"],
                              tuple(p for p in row["informs"].split(";") if p),
                              row["expected_miss"],
                              f"{source['source_title']} ({source['publisher']})"))
    for scenario in CALIBRATED:
        figures += [Figure(scenario, f"{CATALOG[t.kpi].label} ({t.year})", t.kpi,
                           t.observed, t.tolerance, t.year, CALIBRATED[scenario], "",
                           t.source) for t in load_targets(scenario=scenario)]
    return figures


def evidence(scenario: ScenarioLike, settings: RunSettings = DEFAULT_SETTINGS,
             executor: ExecutorLike = "processes") -> pd.DataFrame:
    """Observed against simulated (mean and 95% CI) for every figure recorded for the
    scenario: one row per figure, held-out figures first."""
    scenario = as_scenario(scenario)
    figures = [f for f in load_figures() if f.scenario == scenario.name]
    if not figures:
        known = sorted({f.scenario for f in load_figures()})
        raise InputError("scenario", scenario.name,
                         f"a scenario with observed figures in {EVIDENCE_FILE.name} "
                         f"({', '.join(known)})")
    per_replication = replicate([scenario], settings, executor)[0]
    summary = summarise(per_replication)
    rows = []
    for f in sorted(figures, key=lambda f: not f.held_out):
        s = summary.loc[f.kpi]
        rows.append({
            "figure": f.figure, "observed": f.observed,
            "simulated": s["mean"], "ci_low": s["ci_low"], "ci_high": s["ci_high"],
            "used_in_fit": not f.held_out, "tolerance": f.tolerance,
            "within_tolerance": bool(abs(s["mean"] - f.observed) <= f.tolerance),
            "expected_miss": f.expected_miss, "kpi": f.kpi, "source": f.source,
            "informs": "; ".join(f.informs),
        })
    return pd.DataFrame(rows)
