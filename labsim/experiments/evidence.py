"""The model against the public record: every observed figure, simulated, with its tolerance.

``datasets/observed/evidence.csv`` names, for each figure, its series and year in the observed
tables (which hold the value and the source), the KPI it is compared with, the tolerance
fixed before the model was compared with it, its role and why it has it: ``fitted`` (it set
or was fitted into the parameters it ``informs``), ``held out`` (it meets the independence
rule of ``datasets/README.md``: not the publication of an input or fit target, not their
quantity, series and years, not met by construction) or ``check`` (it fails that rule: shown,
not evidence). The calibration targets join as fitted figures.

Each figure is judged on the 95% confidence interval of the simulated mean over the
replications of several seeds: within tolerance (``yes``) when the interval lies inside
observed +- tolerance, ``no`` when it lies wholly outside, ``unclear`` otherwise. A reason in
``expected_miss`` explains a miss; it never changes the judgement.
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
ROLES = ("held out", "fitted", "check")
"""What a figure is to the model: evidence, an input or fit target, or a comparison that
fails the independence rule."""
JUDGED_SEEDS = 4
"""Seeds (the run's and the next ones) whose replications the interval pools."""
COLUMNS = ("figure", "observed", "simulated", "ci_low", "ci_high", "seed_means_low",
           "seed_means_high", "role", "independence", "tolerance", "within_tolerance",
           "expected_miss")
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
    role: str
    """One of ROLES."""
    informs: tuple[str, ...]
    """Parameters set or fitted from this figure (a fitted figure's)."""
    independence: str
    """Why the figure meets the independence rule, or fails it."""
    expected_miss: str
    source: str

    @property
    def held_out(self) -> bool:
        return self.role == "held out"


def _rows(path: Path) -> list[dict[str, str]]:
    return read_csv_rows(path, "observed table", ("series", "year"))


def observed_series() -> dict[tuple[str, str], dict[str, str]]:
    """Every row of the observed tables, by (series, year)."""
    return {(row["series"], row["year"]): row for path in sorted(OBSERVED_DIR.glob("*.csv"))
            if path.name not in (EVIDENCE_FILE.name, "calibration_targets.csv")
            for row in _rows(path)}


def load_figures(path: Path = EVIDENCE_FILE) -> list[Figure]:
    """Every figure of the evidence file and, for the calibrated scenarios, the fit targets."""
    observed = observed_series()
    figures = []
    for row in _rows(path):
        source = observed[(row["series"], row["year"])]
        figures.append(Figure(row["scenario"], row["figure"], row["kpi"],
                              float(source["value"]), float(row["tolerance"]), row["year"],
                              row["role"], tuple(p for p in row["informs"].split(";") if p),
                              row["independence"], row["expected_miss"],
                              f"{source['source_title']} ({source['publisher']})"))
    for scenario in CALIBRATED:
        figures += [Figure(scenario, f"{CATALOG[t.kpi].label} ({t.year})", t.kpi,
                           t.observed, t.tolerance, t.year, "fitted", CALIBRATED[scenario],
                           "fails: a fit target", "", t.source)
                    for t in load_targets(scenario=scenario)]
    return figures


def within_tolerance(low: float, high: float, observed: float, tolerance: float) -> str:
    """'yes' when the interval [low, high] lies inside observed +- tolerance, 'no' when it
    lies wholly outside, 'unclear' when it crosses an edge."""
    if observed - tolerance <= low and high <= observed + tolerance:
        return "yes"
    if high < observed - tolerance or low > observed + tolerance:
        return "no"
    return "unclear"


def evidence(scenario: ScenarioLike, settings: RunSettings = DEFAULT_SETTINGS,
             executor: ExecutorLike = "processes", seeds: int = JUDGED_SEEDS) -> pd.DataFrame:
    """Observed against simulated for every figure recorded for the scenario: the mean and
    95% CI over the replications of ``seeds`` seeds (``settings.seed`` and the next), the
    range of the seeds' means and the judgement; one row per figure, held-out ones first."""
    scenario = as_scenario(scenario)
    figures = [f for f in load_figures() if f.scenario == scenario.name]
    if not figures:
        known = sorted({f.scenario for f in load_figures()})
        raise InputError("scenario", scenario.name,
                         f"a scenario with observed figures in {EVIDENCE_FILE.name} "
                         f"({', '.join(known)})")
    per_seed = [replicate([scenario], settings.replace(seed=settings.seed + i), executor)[0]
                for i in range(seeds)]
    summary = summarise(pd.concat(per_seed, ignore_index=True))
    seed_means = pd.DataFrame([frame.mean() for frame in per_seed])
    rows = []
    for f in sorted(figures, key=lambda f: ROLES.index(f.role)):
        s = summary.loc[f.kpi]
        rows.append({
            "figure": f.figure, "observed": f.observed,
            "simulated": s["mean"], "ci_low": s["ci_low"], "ci_high": s["ci_high"],
            "seed_means_low": seed_means[f.kpi].min(),
            "seed_means_high": seed_means[f.kpi].max(),
            "role": f.role, "independence": f.independence, "tolerance": f.tolerance,
            "within_tolerance": within_tolerance(s["ci_low"], s["ci_high"], f.observed,
                                                 f.tolerance),
            "expected_miss": f.expected_miss, "kpi": f.kpi, "source": f.source,
            "informs": "; ".join(f.informs),
        })
    return pd.DataFrame(rows)
