"""Key performance indicators: pure functions from result tables to numbers.

Each replication gives one value per KPI; ``summarise`` turns the replications into a
mean with a 95% confidence interval (Student t across replications). Only cases that
arrive after the warm-up count; times to resolution are those of cases closed by the
end of the run (long cases still open are not in them: the runs must be long enough).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .arrivals import YEAR_DAYS
from .policy import annual_budget_usd
from .records import STAGES
from .scenario import Scenario
from .stages import active_stages

UNITS = {
    "per_year": "cases/year",
    "share": "share",
    "days": "days",
    "utilisation": "share of staff time",
    "backlog": "open cases",
}


def better_when_lower(name: str) -> bool | None:
    """Whether a lower value of KPI ``name`` is better (None: neither, e.g. a count)."""
    if name.startswith(("days_to_resolution", "backlog", "strike", "workdays_lost",
                        "cost_usd", "share_dropped", "share_unresolved",
                        "share_migrant_aband")):
        return True
    if name.startswith(("share_resolved", "share_collective_settled", "share_individual_heard",
                        "share_migrant_acted", "share_migrant_resolved", "resolved_share",
                        "compensation", "mediation_success")):
        return False
    if name in ("grievances_per_year", "collective_cases_per_year", "individual_cases_per_year"):
        return True
    return None


def kpi_unit(name: str) -> str:
    if name == "budget_usd_per_year":
        return "US$/year"
    if name == "cost_usd_per_resolved_case":
        return "US$/case"
    if name.startswith("backlog_trend"):
        return "cases/year"
    if name.startswith("compensation"):
        return "US$/year" if name.endswith("per_year") else "US$"
    if name == "migrant_workers_per_year":
        return "workers/year"
    if name.startswith(("share", "resolved_share")) or "_share" in name:
        return UNITS["share"]
    if name.startswith("utilisation"):
        return UNITS["utilisation"]
    if name.startswith("backlog"):
        return UNITS["backlog"]
    if name.startswith("days"):
        return UNITS["days"]
    if name == "strike_days_per_year":
        return "strike days/year"
    if name == "workdays_lost_per_year":
        return "worker-days/year"
    if name == "strikes_per_year":
        return "strikes/year"
    return UNITS["per_year"]


def stage_entry_exit(cases: pd.DataFrame, stage: str) -> tuple[np.ndarray, np.ndarray]:
    """Entry and exit days of every case at ``stage`` (NaN entry: never there; NaN exit: still)."""
    if stage == "workplace":
        return cases["arrival_day"].to_numpy(), cases["workplace_exit_day"].to_numpy()
    return (cases[f"{stage}_entry_day"].to_numpy(), cases[f"{stage}_exit_day"].to_numpy())


def open_cases_at(cases: pd.DataFrame, stage: str, days: np.ndarray) -> np.ndarray:
    """Cases inside ``stage`` at each of ``days`` (entered at or before, not yet left)."""
    entry, exit_ = stage_entry_exit(cases, stage)
    entry = np.sort(entry[~np.isnan(entry)])
    exit_ = np.sort(exit_[~np.isnan(exit_)])
    return np.searchsorted(entry, days, side="right") - np.searchsorted(exit_, days, side="right")


def busy_share(visits: pd.DataFrame, capacity: int, start: float, end: float) -> float:
    """Share of ``capacity`` busy over [start, end], from visit start and end days."""
    begun = visits["start_day"].to_numpy()
    begun = begun[~np.isnan(begun)]
    finished = visits.loc[visits["start_day"].notna(), "end_day"].fillna(end).to_numpy()
    busy = np.clip(np.minimum(finished, end) - np.maximum(begun, start), 0, None).sum()
    return float(busy / (capacity * (end - start)))


def stage_statistics(cases: pd.DataFrame, visits: pd.DataFrame, capacity: dict[str, int],
                     window: tuple[float, float]) -> pd.DataFrame:
    """Observed queueing metrics of each staffed stage in one replication.

    Columns as in ``queueing.textbook_predictions``, plus ``case_rate_per_day`` (cases
    entering the stage), so that Little's law and Erlang C can be checked against them.
    """
    start, end = window
    rows = {}
    for stage in capacity:
        here = visits[visits["stage"] == stage]
        requested = here[(here["request_day"] >= start) & (here["request_day"] < end)]
        served = requested[requested["start_day"].notna()]
        entry, exit_ = stage_entry_exit(cases, stage)
        entered = (entry >= start) & (entry < end)
        finished = entered & ~np.isnan(exit_)
        overlap = np.clip(np.minimum(np.nan_to_num(exit_, nan=end), end)
                          - np.maximum(entry, start), 0, None)
        rows[stage] = {
            "arrival_rate_per_day": len(requested) / (end - start),
            "servers": capacity[stage],
            "utilisation": busy_share(here, capacity[stage], start, end),
            "mean_wait_days": float((served["start_day"] - served["request_day"]).mean()),
            "mean_days_in_stage": float((exit_[finished] - entry[finished]).mean()),
            "mean_in_stage": float(np.nansum(overlap) / (end - start)),
            "case_rate_per_day": float(entered.sum() / (end - start)),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def backlog_trend_per_year(cases: pd.DataFrame, stage: str,
                           window: tuple[float, float]) -> float:
    """Least-squares slope of the daily backlog at ``stage``, cases per year.

    Near zero when the stage keeps up with its arrivals; clearly positive when it does not.
    """
    days = np.arange(np.ceil(window[0]), np.floor(window[1]) + 1)
    if len(days) < 2:
        return np.nan
    backlog = open_cases_at(cases, stage, days)
    return float(np.polyfit(days, backlog, 1)[0] * YEAR_DAYS)


def legal_deadline_met(cases: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """Whether each collective case met the conciliation and award deadlines it was under."""
    cc = scenario.collective_conciliation
    per_round = cc.appointment_deadline_days + cc.conciliation_deadline_days
    conciliation_ok = (cases["collective_conciliation_exit_day"]
                       - cases["collective_conciliation_entry_day"]
                       <= cases["conciliation_rounds"] * per_round)
    award_limit = scenario.calendar.calendar_days(scenario.arbitration.award_deadline_working_days)
    award_ok = (cases["arbitration_entry_day"].isna()
                | (cases["decision_day"] - cases["arbitration_entry_day"] <= award_limit))
    return conciliation_ok & award_ok


def _share(mask: pd.Series) -> float:
    return float(mask.mean()) if len(mask) else np.nan


def _resolution_days(closed: pd.DataFrame, kind: str) -> dict[str, float]:
    resolved = closed[(closed["kind"] == kind) & (closed["status"] == "resolved")]
    days = (resolved["end_day"] - resolved["arrival_day"]).to_numpy()
    if not len(days):
        return dict.fromkeys(
            (f"days_to_resolution_{s}_{kind}" for s in ("mean", "median", "p90")), np.nan)
    return {f"days_to_resolution_mean_{kind}": float(days.mean()),
            f"days_to_resolution_median_{kind}": float(np.median(days)),
            f"days_to_resolution_p90_{kind}": float(np.quantile(days, 0.9))}


def _stage_kpis(counted: pd.DataFrame, closed: pd.DataFrame, stage: str,
                years: float) -> dict[str, float]:
    ended_here = closed["stage"] == stage
    entry, exit_ = stage_entry_exit(counted, stage)
    left = ~np.isnan(entry) & (~np.isnan(exit_) | (counted["status"] != "open").to_numpy())
    resolved_here = (ended_here & (closed["status"] == "resolved")).sum()
    resolved_share = float(resolved_here / left.sum()) if left.any() else np.nan
    kpi = {"share_ended_at_" + stage: _share(ended_here),
           "resolved_share_at_" + stage: resolved_share}
    if stage != "workplace":
        kpi[f"{stage}_cases_per_year"] = float(np.count_nonzero(~np.isnan(entry))) / years
    return kpi


def _migrant_kpis(counted: pd.DataFrame, closed: pd.DataFrame, scenario: Scenario,
                  years: float) -> dict[str, float]:
    migrant = counted[counted["kind"] == "migrant"]
    done = closed[closed["kind"] == "migrant"]
    acted = migrant[migrant["migrant_resource_centre_start_day"].notna()]
    waited = acted["migrant_resource_centre_start_day"] - acted["migrant_resource_centre_entry_day"]
    settled = done[done["outcome"] == "settled_at_mrc"]
    return {
        "migrant_complaints_per_year": len(migrant) / years,
        "migrant_workers_per_year": float(migrant["workers"].sum()) / years,
        "share_migrant_resolved_at_mrc": _share(done["outcome"] == "settled_at_mrc"),
        "share_migrant_abandoned": _share(done["outcome"] == "abandoned"),
        "share_migrant_resolved": _share(done["status"] == "resolved"),
        "share_migrant_acted_on_within_deadline": _share(
            waited <= scenario.migrant_route.action_deadline_days),
        "compensation_usd_per_year": float(settled["compensation_usd"].sum()) / years,
        "compensation_usd_per_settled_complaint": (
            float(settled["compensation_usd"].mean()) if len(settled) else np.nan),
    }


def _korea_kpis(counted: pd.DataFrame) -> dict[str, float]:
    adjudicated = counted[counted["adjudication_exit_day"].notna()]
    mediated = counted[counted["mediation_exit_day"].notna()]
    outcome = adjudicated["outcome"]
    return {
        "share_settled_at_adjudication": _share(outcome == "settled_at_adjudication"),
        "share_withdrawn_at_adjudication": _share(outcome == "withdrawn_at_adjudication"),
        "share_decided_at_adjudication": _share(
            ~outcome.isin(["settled_at_adjudication", "withdrawn_at_adjudication"])),
        "share_adjudication_reviewed": _share(adjudicated["national_review_entry_day"].notna()),
        "share_adjudication_to_court": _share(adjudicated["court_entry_day"].notna()),
        "mediation_success_share": _share(mediated["outcome"] == "mediated"),
    }


_NOT_KPI_INPUTS = {"replication", "case_id", "sector", "dispute_type", "lodged_by",
                   "migrant_case_type"}


def _kpi_columns(columns: pd.Index, stages: tuple[str, ...]) -> list[str]:
    """The case-table columns KPIs read: not identifiers, not stages the scenario lacks."""
    unused = [stage for stage in STAGES if stage not in stages]
    return [c for c in columns if c not in _NOT_KPI_INPUTS
            and not any(c.startswith(stage + "_") for stage in unused)]


def replication_kpis(cases: pd.DataFrame, visits: pd.DataFrame, capacity: dict[str, int],
                     scenario: Scenario, window: tuple[float, float]) -> dict[str, float]:
    """All KPIs of one replication; ``window`` is (end of warm-up, end of run) in days."""
    start, end = window
    years = (end - start) / YEAR_DAYS
    stages = active_stages(scenario)
    cases = cases[_kpi_columns(cases.columns, stages)]  # narrow first: filtering copies
    counted = cases[cases["arrival_day"] >= start]
    closed = counted[counted["status"] != "open"]
    kinds = ("individual", "collective") + (("migrant",) if scenario.migrant_on else ())
    kpi: dict[str, float] = {"grievances_per_year": len(counted) / years}
    for kind in kinds:
        kpi[f"{kind}_cases_per_year"] = float((counted["kind"] == kind).sum()) / years
    for status in ("resolved", "dropped", "unresolved"):
        kpi[f"share_{status}"] = _share(closed["status"] == status)
    for stage in stages:
        kpi.update(_stage_kpis(counted, closed, stage, years))
    for kind in kinds:
        kpi.update(_resolution_days(closed, kind))
    if "collective_conciliation" in stages:
        formal = closed[closed["collective_conciliation_entry_day"].notna()]
        met = legal_deadline_met(formal, scenario) & (formal["status"] == "resolved")
        kpi["share_collective_settled_within_deadlines"] = _share(met)
    heard = counted[counted["individual_conciliation_start_day"].notna()]
    waited = heard["individual_conciliation_start_day"] - heard["individual_conciliation_entry_day"]
    kpi["share_individual_heard_within_deadline"] = _share(
        waited <= scenario.individual_conciliation.hearing_deadline_days)
    if "arbitration" in stages:
        decided = counted[counted["decision_day"].notna()]
        kpi["arbitration_settled_share"] = _share(decided["outcome"] == "settled_at_arbitration")
    if scenario.migrant_on:
        kpi.update(_migrant_kpis(counted, closed, scenario, years))
    if scenario.korea_on:
        kpi.update(_korea_kpis(counted))
    for stage in stages:
        if stage in capacity:
            kpi[f"utilisation_{stage}"] = busy_share(visits[visits["stage"] == stage],
                                                     capacity[stage], start, end)
    for stage in stages:
        kpi[f"backlog_end_{stage}"] = float(open_cases_at(cases, stage, np.array([end]))[0])
    for stage in stages:
        if stage in capacity:
            kpi[f"backlog_trend_{stage}"] = backlog_trend_per_year(cases, stage, window)
    if scenario.costs is not None:
        budget = annual_budget_usd(scenario)
        resolved = float((closed["status"] == "resolved").sum()) / years
        kpi["budget_usd_per_year"] = budget
        kpi["cost_usd_per_resolved_case"] = budget / resolved if resolved else np.nan
    kpi["strikes_per_year"] = float((counted["strike_days"] > 0).sum()) / years
    kpi["strike_days_per_year"] = float(counted["strike_days"].sum()) / years
    kpi["workdays_lost_per_year"] = float(counted["workdays_lost"].sum()) / years
    return kpi


def summarise(per_replication: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean and confidence interval of each KPI column across replications (rows).

    Intervals of shares are clipped to [0, 1], where a t interval can spill over.
    """
    n = per_replication.notna().sum()
    mean = per_replication.mean()
    sem = per_replication.std(ddof=1) / np.sqrt(n)
    half = pd.Series(stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)), index=n.index) * sem
    half[n < 2] = np.nan
    units = pd.Series([kpi_unit(name) for name in per_replication.columns], index=n.index)
    bounded = units.isin([UNITS["share"], UNITS["utilisation"]])
    low, high = mean - half, mean + half
    low[bounded], high[bounded] = low[bounded].clip(0, 1), high[bounded].clip(0, 1)
    return pd.DataFrame({"mean": mean, "ci_low": low, "ci_high": high, "unit": units,
                         "replications": n})
