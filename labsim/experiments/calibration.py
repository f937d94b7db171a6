"""Calibration: fit free parameters so a scenario reproduces observed yearly figures.

The objective is the sum of squared (model - observed) / tolerance over the targets. The
model is first the exact expected-flow surrogate (``flows.py``, least squares), optionally
refined on seeded simulations that share random numbers across evaluations. Parameters
are searched on a logistic scale inside their bounds; the fit is always reported against
a fresh simulation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from ..analysis.catalog import CATALOG
from ..analysis.kpis import summarise
from ..errors import InputError, is_number
from ..files import read_csv_rows
from ..scenario.dotted import get_path
from ..scenario.flows import expected_flows
from ..scenario.parameters import Scenario
from ..scenario.presets import SCENARIO_DIR, ScenarioLike, as_scenario, with_overrides
from ..scenario.rates import rate_scaling_overrides
from ..scenario.settings import DEFAULT_SETTINGS, RunSettings
from ..scenario.settlement import as_today
from ..scenario.strike_flows import STRIKE_RECORD_KPIS, expected_strike_record
from .comparison import replicate
from .executors import ExecutorLike

OBSERVED_DIR = SCENARIO_DIR.parent / "observed"


@dataclass(frozen=True)
class Target:
    """An observed figure the model should reproduce, within ``tolerance`` (same unit)."""

    kpi: str
    observed: float
    tolerance: float
    source: str = ""
    year: str = ""


TARGETS_FILE = OBSERVED_DIR / "calibration_targets.csv"
TARGET_COLUMNS = ("kpi", "observed", "tolerance", "year", "source_title", "publisher")


def load_targets(path: str | Path = TARGETS_FILE,
                 scenario: str = "cambodia_baseline") -> list[Target]:
    """The calibration targets of ``scenario``, from a CSV with columns scenario, kpi,
    observed, tolerance, year, source_title, publisher (a file without a scenario column
    holds one scenario's targets)."""
    rows = read_csv_rows(path, "targets", TARGET_COLUMNS)
    targets = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        if row.get("scenario", scenario) != scenario:
            continue
        where = f"targets ({Path(path).name}, line {number})"
        if row["kpi"] not in CATALOG:
            raise InputError(f"{where}.kpi", row["kpi"], "a KPI of the catalog")
        values = {}
        for column in ("observed", "tolerance"):
            try:
                values[column] = float(row[column])
            except (TypeError, ValueError):
                values[column] = None
            if values[column] is None or not is_number(values[column]) or (
                    column == "tolerance" and values[column] <= 0):
                raise InputError(f"{where}.{column}", row[column],
                                 "a finite number" + (" > 0" if column == "tolerance" else ""))
        targets.append(Target(row["kpi"], values["observed"], values["tolerance"],
                              f"{row['source_title']} ({row['publisher']})", row["year"]))
    return targets


def _scale_rates(kind: str) -> Callable[[Scenario, float], dict[str, Any]]:
    return lambda s, factor: rate_scaling_overrides(s, factor, (kind,))


def _share_against(path: str, field_name: str, balance: str,
                   ) -> Callable[[Scenario, float], dict[str, Any]]:
    """Set one outcome share and let ``balance`` take up the difference (they sum to 1)."""
    def apply(s: Scenario, value: float) -> dict[str, Any]:
        section = get_path(s, path)
        others = sum(getattr(section, f.name) for f in fields(section)
                     if f.name not in (field_name, balance))
        return {f"{path}.{field_name}": value, f"{path}.{balance}": 1.0 - others - value}
    return apply


@dataclass(frozen=True)
class FreeParameter:
    """A parameter calibration may move, inside [low, high]."""

    name: str
    low: float
    high: float
    apply: Callable[[Scenario, float], dict[str, Any]] = field(repr=False)
    """Overrides that set the parameter to a value."""
    path: str | None = None
    """The dotted path the value sits at; None for scales of grievance rates (start at 1)."""


FREE_PARAMETERS = {
    "individual_grievance_scale": FreeParameter(
        "individual_grievance_scale", 0.1, 10.0, _scale_rates("individual")),
    "collective_grievance_scale": FreeParameter(
        "collective_grievance_scale", 0.1, 10.0, _scale_rates("collective")),
    "collective_non_conciliation": FreeParameter(
        "collective_non_conciliation", 0.02, 0.6,
        _share_against("collective_conciliation.outcomes", "non_conciliation", "agreement"),
        "collective_conciliation.outcomes.non_conciliation"),
    "arbitration_settled": FreeParameter(
        "arbitration_settled", 0.05, 0.85,
        _share_against("arbitration.outcomes", "settled", "award"),
        "arbitration.outcomes.settled"),
    "objection_share": FreeParameter(
        "objection_share", 0.0, 0.8,
        lambda s, v: {"arbitration.objection_share": v}, "arbitration.objection_share"),
    "strike_hazard": FreeParameter(
        "strike_hazard", 1e-5, 0.05, lambda s, v: {"strikes.hazard_per_day": v},
        "strikes.hazard_per_day"),
    "strike_duration": FreeParameter(
        "strike_duration", 1.0, 60.0, lambda s, v: {"strikes.duration.mean_days": v},
        "strikes.duration.mean_days"),
}
"""Parameters a calibration can fit: grievance rates (as scales) and escalation shares."""

DEFAULT_FREE = ("individual_grievance_scale", "collective_grievance_scale",
                "collective_non_conciliation", "arbitration_settled", "objection_share")


def _starting_value(base: Scenario, p: FreeParameter) -> float:
    return 1.0 if p.path is None else float(get_path(base, p.path))


def _to_unit(value: float, p: FreeParameter) -> float:
    u = np.clip((value - p.low) / (p.high - p.low), 1e-6, 1 - 1e-6)
    return float(np.log(u / (1 - u)))


def _from_unit(z: float, p: FreeParameter) -> float:
    return float(p.low + (p.high - p.low) / (1 + np.exp(-z)))


@dataclass
class CalibrationResult:
    """Fitted values, fit error and the observed-vs-simulated table."""

    scenario: Scenario
    """The base scenario with the fitted values."""
    fitted: dict[str, float]
    objective: float
    """Sum of squared (simulated - observed) / tolerance, from the final simulation."""
    table: pd.DataFrame
    """kpi, observed, tolerance, simulated, ci_low, ci_high, within_tolerance, source."""
    evaluations: int


def fit_table(scenario: Scenario, targets: Sequence[Target],
              settings: RunSettings = DEFAULT_SETTINGS,
              executor: ExecutorLike = "processes") -> pd.DataFrame:
    """Observed against simulated (mean and 95% CI) for each target."""
    kpis = replicate([scenario], settings, executor)[0]
    missing = [t.kpi for t in targets if t.kpi not in kpis.columns]
    if missing:
        raise InputError("targets", missing, f"KPIs of this scenario ({', '.join(kpis.columns)})")
    summary = summarise(kpis[[t.kpi for t in targets]])
    rows = []
    for t in targets:
        s = summary.loc[t.kpi]
        rows.append({"kpi": t.kpi, "observed": t.observed, "tolerance": t.tolerance,
                     "simulated": s["mean"], "ci_low": s["ci_low"], "ci_high": s["ci_high"],
                     "within_tolerance": abs(s["mean"] - t.observed) <= t.tolerance,
                     "source": t.source})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class SurrogateFit:
    """A fit on the expected flows alone (no simulation): seconds, not minutes."""

    scenario: Scenario
    fitted: dict[str, float]
    objective: float
    """Sum of squared (expected - observed) / tolerance over the targets."""
    worst_miss: float
    """Largest |expected - observed| / tolerance: above 1, the record is not reproduced."""
    evaluations: int


def _parameters(free: Sequence[str]) -> list[FreeParameter]:
    if isinstance(free, str) or not all(isinstance(name, str) for name in free):
        raise InputError("free", free, f"a list of names among {', '.join(FREE_PARAMETERS)}")
    unknown = [name for name in free if name not in FREE_PARAMETERS]
    if unknown:
        raise InputError("free", unknown, f"names among {', '.join(FREE_PARAMETERS)}")
    return [FREE_PARAMETERS[name] for name in free]


def _builder(base: Scenario, params: Sequence[FreeParameter]) -> Callable[[np.ndarray], Scenario]:
    def build(z: np.ndarray) -> Scenario:
        changes: dict[str, Any] = {}
        for value, p in zip(z, params, strict=True):
            changes.update(p.apply(base, _from_unit(value, p)))
        return as_today(with_overrides(base, changes))  # a calibration describes today
    return build


def surrogate_kpis(s: Scenario, wanted: Iterable[str] = ()) -> dict[str, float]:
    """What the surrogate gives: the expected flows, and the expected strike record when a
    ``wanted`` KPI is one of its figures (``strike_flows.expected_strike_record``)."""
    kpis = expected_flows(s)
    if set(wanted) & set(STRIKE_RECORD_KPIS):
        kpis |= expected_strike_record(s)
    return kpis


def _residuals(kpis: Mapping[str, float], targets: Sequence[Target]) -> np.ndarray:
    return np.array([(kpis[t.kpi] - t.observed) / t.tolerance for t in targets])


def record_miss(scenario: Scenario, targets: Sequence[Target]) -> float:
    """The largest |expected - observed| / tolerance over the targets: above 1, the
    scenario's expected flows do not reproduce the record."""
    kpis = surrogate_kpis(scenario, [t.kpi for t in targets])
    return float(np.max(np.abs(_residuals(kpis, targets))))


def _fit_flows(base: Scenario, params: Sequence[FreeParameter],
               targets: Sequence[Target]) -> tuple[np.ndarray, int]:
    """Least squares on the expected flows, from the base's own values."""
    build = _builder(base, params)
    z = np.array([_to_unit(_starting_value(base, p), p) for p in params])
    wanted = [t.kpi for t in targets]
    found = optimize.least_squares(
        lambda z: _residuals(surrogate_kpis(build(z), wanted), targets), z, x_scale=1.0,
        xtol=1e-10, ftol=1e-12)
    return found.x, int(found.nfev)


def fit_surrogate(base: ScenarioLike, targets: Sequence[Target] | None = None,
                  free: Sequence[str] = DEFAULT_FREE) -> SurrogateFit:
    """Re-fit ``free`` to ``targets`` on the expected flows only (strike figures in means,
    ``surrogate_kpis``): what robustness checks do in every drawn world so that each still
    reproduces the observed record."""
    base = as_scenario(base)
    targets = _targets_for(base, targets)
    params = _parameters(free)
    wanted = [t.kpi for t in targets]
    known = surrogate_kpis(base, wanted)
    unknown = [kpi for kpi in wanted if kpi not in known]
    if unknown:
        raise InputError("targets", unknown, f"KPIs the expected flows give ({', '.join(known)})")
    z, evaluations = _fit_flows(base, params, targets)
    scenario = _builder(base, params)(z)
    misses = _residuals(surrogate_kpis(scenario, wanted), targets)
    fitted = {p.name: _from_unit(v, p) for v, p in zip(z, params, strict=True)}
    return SurrogateFit(scenario, fitted, float(np.sum(misses ** 2)),
                        float(np.max(np.abs(misses))), evaluations)


def _targets_for(base: Scenario, targets: Sequence[Target] | None) -> list[Target]:
    targets = list(targets) if targets is not None else load_targets(scenario=base.name)
    if not targets:
        raise InputError("targets", [], f"calibration targets for {base.name} "
                         f"(in {TARGETS_FILE.name}, or given)")
    return targets


def calibrate(base: ScenarioLike, targets: Sequence[Target] | None = None,
              free: Sequence[str] = DEFAULT_FREE, method: str = "surrogate",
              settings: RunSettings = DEFAULT_SETTINGS, max_evaluations: int = 60,
              executor: ExecutorLike = "processes") -> CalibrationResult:
    """Fit ``free`` parameters of ``base`` to ``targets`` (default: the shipped targets of
    the scenario of that name).

    ``method="surrogate"`` (default) fits the exact expected flows (``flows.py``) by least
    squares in seconds; ``"simulation"`` then refines with Nelder-Mead on seeded
    simulations (slow: each evaluation runs all replications), and is needed for targets
    the flows do not give (strikes). Either way the reported table compares the
    observations with a fresh simulation of the fitted scenario.
    """
    base = as_scenario(base)
    targets = _targets_for(base, targets)
    params = _parameters(free)
    if method not in ("surrogate", "simulation"):
        raise InputError("method", method, "'surrogate' or 'simulation'")
    build = _builder(base, params)
    flows = expected_flows(base)  # strike figures in means are biased: simulation fits them
    known = [t for t in targets if t.kpi in flows]
    if method == "surrogate" and len(known) < len(targets):
        raise InputError("targets", [t.kpi for t in targets if t not in known],
                         f"KPIs the surrogate knows ({', '.join(flows)}), or "
                         "method='simulation'")
    z = np.array([_to_unit(_starting_value(base, p), p) for p in params])
    evaluations = 0
    if known:
        z, evaluations = _fit_flows(base, params, known)
    if method == "simulation":
        def objective(z: np.ndarray) -> float:
            kpis = replicate([build(z)], settings, executor)[0].mean()
            return float(np.sum(_residuals(kpis, targets) ** 2))

        refined = optimize.minimize(objective, z, method="Nelder-Mead",
                                    options={"maxfev": max_evaluations, "xatol": 0.02,
                                             "fatol": 0.01})
        z, evaluations = refined.x, evaluations + int(refined.nfev)
    fitted = {p.name: _from_unit(value, p) for value, p in zip(z, params, strict=True)}
    scenario = build(z)
    table = fit_table(scenario, targets, settings, executor)
    objective = float(np.sum(((table["simulated"] - table["observed"]) / table["tolerance"])
                             ** 2))
    return CalibrationResult(scenario, fitted, objective, table, evaluations)
