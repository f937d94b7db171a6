"""Key performance indicators: pure functions from one replication's tables to numbers.

Every KPI counts every case of its population (``catalog.POPULATIONS``), open ones included:
- shares follow a cohort that arose at least the KPI's look-ahead before the end of the run
  (a year for outcomes, the deadline for deadlines), so a case still open counts as not
  resolved or as late, and run length does not change the share;
- times to an outcome are Kaplan-Meier quantiles with open cases censored (a claimant who
  gave up waiting had no outcome: censored too); when the curve does not reach the quantile
  within the run, the value is the longest time observed (a lower bound) and a
  ``__beyond_run`` flag says so;
- counts per year are events inside the observed window (entries, resolutions, strike starts).
``summarise`` turns replications into means with Student-t confidence intervals.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError, is_number
from ..i18n import _
from ..scenario.calendar import Calendar, calendar_for
from ..scenario.costs import annual_budget_usd, resolution_budget_usd
from ..scenario.parameters import YEAR_DAYS, Scenario
from ..scenario.stages import STAFFED_STAGES, active_stages, staffing, stage_kpi
from ..scenario.strike_flows import GARMENT_SECTOR
from .catalog import CATALOG, RESOLUTION_LOOKAHEAD_DAYS, censored_flag, is_flag
from .columns import Columns

Table = pd.DataFrame | Columns
"""A case or visit table, or its columns already read (``Columns``)."""

H = RESOLUTION_LOOKAHEAD_DAYS
AC_LOOKAHEAD_DAYS = 60.0
"""Cases registered at the Council this long before the end are old enough to have been
decided within 20 working days (at most about 35 calendar days, over Khmer New Year) if they
were going to be."""


def stage_entry_exit(cases: Table, stage: str) -> tuple[np.ndarray, np.ndarray]:
    """Entry and exit days of every case at ``stage`` (NaN entry: never there; NaN exit: still)."""
    cases = Columns.of(cases)
    if stage == "workplace":  # migrant complaints go straight to a resource centre
        return (np.where(cases["kind"] != "migrant", cases["arrival_day"], np.nan),
                cases["workplace_exit_day"])
    return cases[f"{stage}_entry_day"], cases[f"{stage}_exit_day"]


def open_cases_at(cases: Table, stage: str, days: np.ndarray) -> np.ndarray:
    """Cases inside ``stage`` at each of ``days`` (entered at or before, not yet left)."""
    entry, exit_ = stage_entry_exit(cases, stage)
    entry = np.sort(entry[~np.isnan(entry)])
    exit_ = np.sort(exit_[~np.isnan(exit_)])
    return np.searchsorted(entry, days, side="right") - np.searchsorted(exit_, days, side="right")


def busy_share(visits: Table, capacity: int, start: float, end: float) -> float:
    """Share of ``capacity`` busy over [start, end], from visit start and end days."""
    visits = Columns.of(visits)
    started = ~np.isnan(visits["start_day"])
    begun = visits["start_day"][started]
    finished = visits["end_day"][started]
    finished = np.where(np.isnan(finished), end, finished)
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


def backlog_trend_per_year(cases: Table, stage: str,
                           window: tuple[float, float]) -> float:
    """Least-squares slope of the daily backlog at ``stage``, cases per year.

    Near zero when the stage keeps up with its arrivals; clearly positive when it does not.
    """
    days = np.arange(np.ceil(window[0]), np.floor(window[1]) + 1)
    if len(days) < 2:
        return np.nan
    backlog = open_cases_at(cases, stage, days)
    return float(np.polyfit(days, backlog, 1)[0] * YEAR_DAYS)


def legal_procedure_days(scenario: Scenario, calendar: Calendar) -> float:
    """Calendar days the longest lawful collective procedure may take on ``calendar``: two
    conciliation rounds, the Council's award deadline and the objection window."""
    arb, ministry = scenario.arbitration, calendar.ministry
    objection = (ministry.longest(arb.objection_window_days)
                 if arb.objection_window_in_working_days else arb.objection_window_days)
    return (calendar.conciliation_days(scenario.collective_conciliation, 2)
            + ministry.longest(arb.award_deadline_working_days) + objection)


def council_working_days(cases: Table, calendar: Calendar,
                         until: float = np.nan) -> np.ndarray:
    """Working days of the ministry's calendar from registration at the Arbitration Council
    to its decision (or to ``until`` for a case not decided)."""
    cases = Columns.of(cases)
    decided = cases["decision_day"]
    return calendar.ministry.between(cases["arbitration_entry_day"],
                                     np.where(np.isnan(decided), until, decided))


def legal_deadline_met(cases: Table, scenario: Scenario, calendar: Calendar) -> np.ndarray:
    """Whether each collective case met the conciliation and award deadlines it was under,
    the award's in working days on ``calendar`` (a case still in a stage has not met that
    stage's deadline)."""
    cases = Columns.of(cases)
    conciliation_ok = (cases["collective_conciliation_exit_day"]
                       - cases["collective_conciliation_entry_day"]
                       <= calendar.conciliation_days(scenario.collective_conciliation,
                                                     cases["conciliation_rounds"]))
    award_ok = (np.isnan(cases["arbitration_entry_day"])
                | (council_working_days(cases, calendar)
                   <= scenario.arbitration.award_deadline_working_days))
    return conciliation_ok & award_ok


LATE_SHARE = 0.20
"""A stage cannot keep up when more than this share of its cases miss their deadline
because they waited for staff (one definition for warnings and plots alike)."""


def waiting_days(visits: Table, stage: str, cases: int, end: float) -> np.ndarray:
    """Days each case waited for staff at ``stage`` (its first hearing booked, then a free
    slot), over all its visits; still waiting at ``end``: until then."""
    visits = Columns.of(visits)
    here = visits.rows(visits["stage"] == stage)
    began, ended = here["start_day"], here["end_day"]
    stopped = np.where(np.isnan(began), np.fmin(np.where(np.isnan(ended), end, ended), end),
                       began)
    waited = np.zeros(cases)
    np.add.at(waited, here["case_id"], stopped - here["request_day"])
    return waited


def _late_kpis(cases: Columns, visits: Columns, scenario: Scenario, stage: str,
               window: tuple[float, float]) -> dict[str, float]:
    """The shares of a staffed stage's cases past its legal deadline because they waited for
    staff (they would have met it without the wait), and past it even without waiting; a
    case still open past its deadline counts as late."""
    deadline = staffing(stage).deadline
    limit = deadline.days(scenario)
    entry = cases[f"{stage}_entry_day"]
    rounds = cases["conciliation_rounds"] if deadline.per_round else 1
    allowed = limit * np.maximum(rounds, 1)
    took = np.where(np.isnan(cases[deadline.until]), window[1] - entry,
                    cases[deadline.until] - entry)
    waited = waiting_days(visits, stage, len(cases), window[1])
    late = took > allowed
    cohort = _cohort(entry, window, limit)
    return {stage_kpi("late_waiting", stage): _share((late & (took - waited <= allowed))[cohort]),
            stage_kpi("late_handling", stage): _share((late & (took - waited > allowed))[cohort])}


def _share(mask: np.ndarray) -> float:
    return float(np.mean(mask)) if len(mask) else np.nan


def _cohort(origin: np.ndarray | pd.Series, window: tuple[float, float],
            lookahead: float) -> np.ndarray:
    """Cases whose clock started after the warm-up and at least ``lookahead`` days before
    the end of the run (old enough for the KPI to be decided)."""
    origin = np.asarray(origin)
    return (origin >= window[0]) & (origin <= window[1] - lookahead)


def kaplan_meier(times: np.ndarray, closed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The product-limit (Kaplan-Meier) curve of ``times``, those not ``closed`` censored: the
    distinct times, and the share of cases with an outcome by each. In numpy, as
    ``scipy.stats.ecdf`` computes it for right-censored data, without its input checks (a
    third of the KPIs' time).

    >>> kaplan_meier(np.array([2.0, 1.0, 3.0, 2.0]), np.array([True, True, False, False]))
    (array([1., 2., 3.]), array([0.25, 0.5 , 0.5 ]))
    """
    if not np.isfinite(times).all():
        raise ValueError("Kaplan-Meier needs finite times")
    order = np.argsort(times)
    times, closed = times[order], closed[order].astype(np.int64)
    first = np.flatnonzero(np.diff(times, prepend=-np.inf) > 0)
    at_risk = len(times) - first
    outcomes = np.add.reduceat(closed, first)
    return times[first], 1 - np.cumprod((at_risk - outcomes) / at_risk)


def outcome_curve(origin: np.ndarray, end_day: np.ndarray,
                  run_end: float) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier curve of days from ``origin`` to an outcome: (days, share of cases with
    an outcome by then); cases with no ``end_day`` are censored at ``run_end``."""
    closed = ~np.isnan(end_day)
    if not len(origin) or not closed.any():
        return np.zeros(1), np.zeros(1)
    times = np.where(closed, end_day, run_end) - origin
    if closed.all():
        curve = stats.ecdf(times).cdf
        return curve.quantiles, curve.probabilities
    return kaplan_meier(times, closed)


def outcome_quantiles(origin: np.ndarray, end_day: np.ndarray, run_end: float,
                      probabilities: tuple[float, ...] = (0.5, 0.9),
                      ) -> list[tuple[float, bool]]:
    """Days from ``origin`` until a case has an outcome, read off the Kaplan-Meier curve.

    Cases with no ``end_day`` are censored at ``run_end``. For each probability p: the
    smallest time by which a share p of cases had an outcome, and False; or, when the
    curve stays below p within the run, the longest time observed (a lower bound) and True.
    """
    if len(origin) == 0:
        return [(np.nan, False)] * len(probabilities)
    closed = ~np.isnan(end_day)
    times = np.where(closed, end_day, run_end) - origin
    if closed.all():
        return [(float(np.quantile(times, p, method="inverted_cdf")), False)
                for p in probabilities]
    days, share = kaplan_meier(times, closed)
    found = []
    for p in probabilities:
        reached = np.flatnonzero(share >= p - 1e-12)
        found.append((float(days[reached[0]]), False) if len(reached)
                     else (float(times.max()), True))
    return found


def outcome_day(cases: Table) -> np.ndarray:
    """The day each case had an outcome; NaN while open, and for a claimant who gave up
    waiting (abandoned): that is no outcome, so staff cuts that discourage claimants can
    never make times to an outcome look shorter."""
    cases = Columns.of(cases)
    return np.where(cases["outcome"] == "abandoned", np.nan, cases["end_day"])


def days_to_outcome_by(cases: pd.DataFrame, origin: pd.Series, window: tuple[float, float],
                       by: list[str]) -> pd.DataFrame:
    """Median and 9-in-10 days to an outcome (Kaplan-Meier, open cases censored) per group of
    ``by`` columns, for cases whose clock (``origin``) started inside ``window``.

    Pools replications, which share the window. ``beyond_run`` marks a quantile the curve did
    not reach within the run (the value is then the longest time observed).
    """
    inside = (origin >= window[0]) & (origin < window[1])
    rows = []
    for key, group in cases[inside].groupby(by, observed=True):
        (median, m_beyond), (p90, p_beyond) = outcome_quantiles(
            origin[group.index].to_numpy(), outcome_day(group), window[1])
        rows.append({**dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)),
                     "cases": len(group), "median_days": median, "p90_days": p90,
                     "beyond_run": m_beyond or p_beyond})
    return pd.DataFrame(rows)


def _outcome_times(kpi: dict[str, float], population: str, origin: np.ndarray,
                   end_day: np.ndarray, window: tuple[float, float]) -> None:
    inside = (origin >= window[0]) & (origin < window[1])
    results = outcome_quantiles(origin[inside], end_day[inside], window[1])
    for stat, (value, beyond) in zip(("median", "p90"), results, strict=True):
        name = f"days_to_outcome_{stat}_{population}"
        kpi[name] = value
        kpi[censored_flag(name)] = float(beyond)


def _closed_within(cases: Columns, origin: np.ndarray, days: float) -> np.ndarray:
    """Cases closed no later than ``days`` after ``origin``."""
    return (cases["end_day"] - origin) <= days


def _outcome_shares(counted: Columns, stages: tuple[str, ...],
                    window: tuple[float, float]) -> dict[str, float]:
    """What became of grievances within a year: resolved, dropped, unresolved, still open,
    and at which stage they ended."""
    cohort = counted.rows(_cohort(counted["arrival_day"], window, H))
    within = _closed_within(cohort, cohort["arrival_day"], H)
    status = cohort["status"]
    kpi = {f"share_{s}": _share(within & (status == s))
           for s in ("resolved", "dropped", "unresolved")}
    kpi["share_open_after_a_year"] = _share(~within)
    stage = cohort["stage"]
    for name in stages:
        kpi[stage_kpi("share_ended", name)] = _share(within & (stage == name))
    return kpi


def _stage_kpis(cases: Columns, stage: str, window: tuple[float, float],
                years: float) -> dict[str, float]:
    entry, _ = stage_entry_exit(cases, stage)
    cohort = _cohort(entry, window, H)
    here = cases.rows(cohort)
    resolved = (here["status"] == "resolved") & (here["stage"] == stage)
    within = _closed_within(here, entry[cohort], H)
    kpi = {stage_kpi("resolved_share", stage): _share(resolved & within)}
    if stage != "workplace":
        entered = (entry >= window[0]) & (entry < window[1])
        kpi[stage_kpi("cases_per_year", stage)] = float(entered.sum()) / years
    return kpi


def _filed(cases: Columns, kind: str) -> np.ndarray:
    """Day each case of ``kind`` left the workplace unresolved and was filed (else NaN)."""
    filed = (cases["kind"] == kind) & (cases["outcome"] != "settled_at_workplace")
    return np.where(filed, cases["workplace_exit_day"], np.nan)


def _deadline_kpis(cases: Columns, scenario: Scenario, stages: tuple[str, ...],
                   window: tuple[float, float]) -> dict[str, float]:
    kpi: dict[str, float] = {}
    calendar = calendar_for(scenario.calendar, window[1])
    deadline = scenario.individual_conciliation.hearing_deadline_days
    entry = cases["individual_conciliation_entry_day"]
    heard = cases["individual_conciliation_start_day"] - entry <= deadline
    kpi["share_individual_heard_within_deadline"] = _share(
        heard[_cohort(entry, window, deadline)])
    year = _cohort(entry, window, H)
    abandoned = (cases["outcome"] == "abandoned") & (cases["stage"] == "individual_conciliation")
    kpi["share_individual_abandoned"] = _share(abandoned[year])
    if "collective_conciliation" in stages:
        entry = cases["collective_conciliation_entry_day"]
        formal = cases.rows(_cohort(entry, window, legal_procedure_days(scenario, calendar)))
        met = (legal_deadline_met(formal, scenario, calendar) & (formal["status"] == "resolved")
               & np.isnan(formal["court_entry_day"]))
        kpi["share_collective_settled_within_deadlines"] = _share(met)
        year = _cohort(entry, window, H)
        cohort = cases.rows(year)
        within = _closed_within(cohort, entry[year], H)
        resolved = within & (cohort["status"] == "resolved")
        ended = cohort["stage"]
        kpi["share_collective_solved_at_ministry"] = _share(
            resolved & (ended == "collective_conciliation"))
        if "arbitration" in stages:
            kpi["share_collective_resolved_at_arbitration"] = _share(
                resolved & (ended == "arbitration"))
    if "arbitration" in stages:
        entry = cases["arbitration_entry_day"]
        working = council_working_days(cases, calendar, until=window[1])
        undecided = np.isnan(cases["decision_day"])
        recent = _cohort(entry, window, AC_LOOKAHEAD_DAYS)
        year = _cohort(entry, window, H)  # a year is enough for any case a Council decides
        kpi["arbitration_mean_working_days"] = (float(working[year].mean()) if year.any()
                                                else np.nan)
        kpi[censored_flag("arbitration_mean_working_days")] = float(undecided[year].any())
        for working_days in (15, 20):
            kpi[f"arbitration_share_within_{working_days}_working_days"] = _share(
                ~undecided[recent] & (working[recent] <= working_days))
        registered = (entry >= window[0]) & (entry < window[1])
        kpi["workers_per_arbitration_case"] = (
            float(cases["workers"][registered].mean()) if registered.any() else np.nan)
        year = _cohort(entry, window, H)
        kpi["arbitration_settled_share"] = _share(
            cases["outcome"][year] == "settled_at_arbitration")
    return kpi


def _migrant_kpis(cases: Columns, counted: Columns, scenario: Scenario,
                  window: tuple[float, float], years: float) -> dict[str, float]:
    migrant = counted.rows(counted["kind"] == "migrant")
    arrival = migrant["arrival_day"]
    year = _cohort(arrival, window, H)
    cohort = migrant.rows(year)
    within = _closed_within(cohort, arrival[year], H)
    outcome = cohort["outcome"]
    entry = cases["migrant_resource_centre_entry_day"]
    deadline = scenario.migrant_route.action_deadline_days
    acted = cases["migrant_resource_centre_start_day"] - entry <= deadline
    end = cases["end_day"]
    compensation = cases["compensation_usd"][(cases["outcome"] == "settled_at_mrc")
                                             & (end >= window[0]) & (end < window[1])]
    # a missing value (in a table read back from a file) is skipped, as pandas' sums skip it
    return {
        "migrant_workers_per_year": float(np.nansum(migrant["workers"])) / years,
        "share_migrant_resolved_at_mrc": _share(within & (outcome == "settled_at_mrc")),
        "share_migrant_abandoned": _share(within & (outcome == "abandoned")),
        "share_migrant_resolved": _share(within & (cohort["status"] == "resolved")),
        "share_migrant_acted_on_within_deadline": _share(
            acted[_cohort(entry, window, deadline)]),
        "compensation_usd_per_year": float(np.nansum(compensation)) / years,
        "compensation_usd_per_settled_complaint": (
            float(np.nanmean(compensation)) if len(compensation) else np.nan),
    }


def _korea_kpis(cases: Columns, window: tuple[float, float]) -> dict[str, float]:
    entry = cases["adjudication_entry_day"]
    year = _cohort(entry, window, H)
    adjudicated = cases.rows(year)
    left = (adjudicated["adjudication_exit_day"] - entry[year]) <= H
    outcome = adjudicated["outcome"]
    kpi = {
        "share_settled_at_adjudication": _share(left & (outcome == "settled_at_adjudication")),
        "share_withdrawn_at_adjudication": _share(
            left & (outcome == "withdrawn_at_adjudication")),
        "share_decided_at_adjudication": _share(
            left & ~np.isin(outcome, ["settled_at_adjudication", "withdrawn_at_adjudication"])),
        "share_adjudication_reviewed": _share(
            ~np.isnan(adjudicated["national_review_entry_day"])),
        "share_adjudication_to_court": _share(~np.isnan(adjudicated["court_entry_day"])),
    }
    entry = cases["mediation_entry_day"]
    year = _cohort(entry, window, H)
    kpi["mediation_success_share"] = _share(cases["outcome"][year] == "mediated")
    return kpi


def _cost_kpis(cases: Columns, scenario: Scenario, window: tuple[float, float],
               years: float) -> dict[str, float]:
    """Budget of staff and training, and what each resolution costs, the Arbitration
    Council's cost per case included (it is paid per case, not by the year)."""
    costs = scenario.costs
    entry = cases["arbitration_entry_day"] if "arbitration_entry_day" in cases else np.empty(0)
    council_cases = float(((entry >= window[0]) & (entry < window[1])).sum()) / years
    council_cost = council_cases * costs.arbitration_usd_per_case
    budget = annual_budget_usd(scenario)
    end = cases["end_day"]
    resolved = (cases["status"] == "resolved") & (end >= window[0]) & (end < window[1])
    filed = (cases["kind"] != "migrant") & (cases["outcome"] != "settled_at_workplace")
    per_year = resolved.sum() / years
    per_year_filed = (resolved & filed).sum() / years
    roster = scenario.arbitration.arbitrators * costs.arbitrator_usd_per_year
    return {
        "budget_usd_per_year": budget,
        "cost_usd_per_resolved_grievance": ((budget + council_cost) / per_year if per_year
                                            else np.nan),
        "cost_usd_per_resolved_filed_case": (
            (resolution_budget_usd(scenario) + council_cost) / per_year_filed
            if per_year_filed else np.nan),
        "cost_usd_per_arbitration_case": ((roster + council_cost) / council_cases
                                          if council_cases else np.nan),
    }


def _strike_kpis(cases: Columns, window: tuple[float, float],
                 years: float) -> dict[str, float]:
    start = cases["strike_start_day"]
    began = (start >= window[0]) & (start < window[1])
    strikes = float(began.sum())
    lost = float(cases["workdays_lost"][began].sum())

    def share(column: str) -> float:
        return float(np.mean(cases[column][began])) if strikes else np.nan

    return {
        "strikes_per_year": strikes / years,
        "strike_days_per_year": float(cases["strike_working_days"][began].sum()) / years,
        "workdays_lost_per_year": lost / years,
        "workdays_per_strike": lost / strikes if strikes else np.nan,
        "workers_per_strike": float(cases["workers"][began].mean()) if strikes else np.nan,
        "share_strikes_lawful": share("strike_lawful"),
        "share_strikes_after_procedure": share("strike_after_procedure"),
        "garment_strikes_per_year": float(
            (began & (cases["sector"] == GARMENT_SECTOR)).sum()) / years,
    }


def replication_kpis(cases: pd.DataFrame, visits: pd.DataFrame, capacity: dict[str, int],
                     scenario: Scenario, window: tuple[float, float]) -> dict[str, float]:
    """All KPIs of one replication; ``window`` is (end of warm-up, end of run) in days."""
    start, end = window
    years = (end - start) / YEAR_DAYS
    stages = active_stages(scenario)
    cases, visits = Columns.of(cases), Columns.of(visits)
    counted = cases.rows(cases["arrival_day"] >= start)
    kinds = ("individual", "collective") + (("migrant",) if scenario.migrant_on else ())
    kpi: dict[str, float] = {"grievances_per_year": len(counted) / years}
    for kind in kinds:
        kpi[f"{kind}_cases_per_year"] = float((counted["kind"] == kind).sum()) / years
    kpi.update(_outcome_shares(counted, stages, window))
    for stage in stages:
        kpi.update(_stage_kpis(cases, stage, window, years))
    end_day = outcome_day(cases)
    for kind in kinds:
        _outcome_times(kpi, kind, np.where(cases["kind"] == kind, cases["arrival_day"], np.nan),
                       end_day, window)
    for kind in ("individual", "collective"):
        _outcome_times(kpi, f"{kind}_filed", _filed(cases, kind), end_day, window)
    kpi.update(_deadline_kpis(cases, scenario, stages, window))
    if scenario.migrant_on:
        kpi.update(_migrant_kpis(cases, counted, scenario, window, years))
    if scenario.korea_on:
        kpi.update(_korea_kpis(cases, window))
    at = {stage: visits.rows(visits["stage"] == stage) for stage in stages if stage in capacity}
    for stage, here in at.items():
        kpi[stage_kpi("utilisation", stage)] = busy_share(here, capacity[stage], start, end)
    for stage in stages:
        kpi[stage_kpi("backlog_end", stage)] = float(
            open_cases_at(cases, stage, np.array([end]))[0])
    for stage in stages:
        if stage in capacity and staffing(stage).deadline is not None:
            kpi.update(_late_kpis(cases, visits, scenario, stage, window))
    for stage, here in at.items():
        kpi[stage_kpi("backlog_trend", stage)] = backlog_trend_per_year(cases, stage, window)
        kpi[stage_kpi("waiting_end", stage)] = float(
            (np.isnan(here["start_day"]) & np.isnan(here["end_day"])).sum())
    if scenario.costs is not None:
        kpi.update(_cost_kpis(cases, scenario, window, years))
    kpi.update(_strike_kpis(cases, window, years))
    return kpi


def check_level(level: float) -> float:
    """A confidence level strictly between 0 and 1, or an InputError."""
    if not (is_number(level) and 0 < level < 1):
        raise InputError("level", level, "a confidence level between 0 and 1, e.g. 0.95")
    return float(level)


def t_interval(values: np.ndarray, level: float) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval of ``values`` (NaN ignored; no interval
    from fewer than two values). The one home of confidence intervals in labsim."""
    check_level(level)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return np.nan, np.nan, np.nan
    mean = float(values.mean())
    if len(values) < 2:
        return mean, np.nan, np.nan
    # scipy.stats.sem's own arithmetic, without its 0.4 ms of argument checks a call
    sem = float(np.std(values, ddof=1) / len(values) ** 0.5)
    if sem == 0:
        return mean, mean, mean
    low, high = _t_quantiles(level, len(values) - 1)  # as scipy does: quantile * scale + loc
    return mean, float(low * sem + mean), float(high * sem + mean)


@lru_cache(maxsize=256)
def _t_quantiles(level: float, dof: int) -> tuple[float, float]:
    """Student-t quantiles of a central interval; cached, since every KPI of every summary
    asks for the same few (a dashboard move summarises hundreds of KPIs)."""
    low, high = stats.t.interval(level, dof)
    return float(low), float(high)


OVERLOAD_GROWTH_SHARE = 0.05
"""Where a stage has no legal deadline: overloaded when its backlog clearly grows by more than
this share of its yearly cases a year while cases wait for staff at the end."""


def overloaded_stages(summary: pd.DataFrame) -> dict[str, str]:
    """Staffed stages that cannot keep up with their cases, each with the reason: the one
    definition warnings and plots share.

    Reads a ``summarise`` table. A stage with a legal deadline cannot keep up when more than
    LATE_SHARE of its cases miss the deadline because they waited for staff (they would
    have met it without the wait); a stage with none, when its backlog clearly grows by more
    than OVERLOAD_GROWTH_SHARE of its yearly cases a year while cases are left waiting for
    staff at the end. A claimant who gives up waiting counts as late, never as relief.
    """
    found = {}
    for stage in STAFFED_STAGES:
        late = stage_kpi("late_waiting", stage)
        if late in summary.index:
            share = float(summary.loc[late, "mean"])
            if share > LATE_SHARE:
                found[stage] = _("{share:.0%} of their cases miss the legal deadline because "
                                 "they wait for staff").format(share=share)
        elif stage_kpi("backlog_trend", stage) in summary.index:
            trend = summary.loc[stage_kpi("backlog_trend", stage)]
            arrivals = max(float(summary.loc[stage_kpi("cases_per_year", stage), "mean"]), 1e-9)
            surely = trend["ci_low"] > 0 if not np.isnan(trend["ci_low"]) else trend["mean"] > 0
            waiting = float(summary.loc[stage_kpi("waiting_end", stage), "mean"]) > 0
            if surely and waiting and trend["mean"] > OVERLOAD_GROWTH_SHARE * arrivals:
                found[stage] = _("their backlog grows by about {growth:,.0f} cases a year "
                                 "({share:.0%} of the {cases:,.0f} cases they get a year)"
                                 ).format(growth=trend["mean"], share=trend["mean"] / arrivals,
                                          cases=arrivals)
    return found


def late_stages(summary: pd.DataFrame) -> dict[str, float]:
    """Staffed stages whose own handling takes longer than their legal deadline for more than
    LATE_SHARE of their cases, even without waiting for staff: the share of such cases."""
    return {stage: float(summary.loc[stage_kpi("late_handling", stage), "mean"])
            for stage in STAFFED_STAGES
            if stage_kpi("late_handling", stage) in summary.index
            and float(summary.loc[stage_kpi("late_handling", stage), "mean"]) > LATE_SHARE}


def summarise(per_replication: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean and confidence interval of each KPI column across replications (rows).

    Shares are clipped to [0, 1] and counts to >= 0, where a t interval can spill over.
    ``beyond_run`` is the share of replications whose Kaplan-Meier curve did not reach the
    quantile within the run (their value is a lower bound), NaN for other KPIs.
    """
    rows = {}
    for name in per_replication.columns:
        if is_flag(name):
            continue
        entry = CATALOG[name]
        mean, low, high = t_interval(per_replication[name].to_numpy(dtype=float), level)
        if entry.format == "percent":
            low, high = np.clip(low, 0, 1), np.clip(high, 0, 1)
        elif not entry.signed and not np.isnan(low):
            low = max(low, 0.0)
        flag = censored_flag(name)
        beyond = (float(per_replication[flag].mean()) if flag in per_replication.columns
                  else np.nan)
        rows[name] = {"mean": mean, "ci_low": low, "ci_high": high, "unit": entry.unit,
                      "replications": int(per_replication[name].notna().sum()),
                      "beyond_run": beyond}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("kpi")
