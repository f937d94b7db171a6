"""How much a staffed stage settles, given the time its staff can give each case.

A scenario's outcome shares are today's, measured with today's staff and caseload. Staff
hours available per expected case (``hours_per_case``: staff x share of their time on
disputes x working hours a year / expected cases a year) change when a policy adds staff,
an override cuts them or grievances rise. A stage's odds of settling a case then move by
``settlement.log_odds_per_doubling`` for each doubling (or halving) of those hours against
today's (at most three either way), plus, at collective conciliation, the training log-odds
for the share of conciliators trained: on the log-odds scale a share near 100% moves little
and none reaches 0 or 1 (a fixed gain in points would empty a stage that rarely fails). What
a stage gains comes from the cases that would have failed (the registry's ``settles``
pair). Staff hours today are kept in each stage's effort (``StaffEffort.hours_per_case_today``),
derived when a file is read (``as_today``).

>>> from labsim.scenario.presets import load_scenario
>>> today = load_scenario("cambodia_baseline")
>>> round(settlement_shift(today, "individual_conciliation"), 9)
0.0
"""

from __future__ import annotations

import dataclasses
import math

from .dotted import get_path, replaced
from .parameters import Scenario
from .stages import effort, handling_days, servers, staffed_stages_on, staffing

MOST_DOUBLINGS = 3.0
"""The response is taken no further than eight times or an eighth of today's hours."""


def hours_per_case(s: Scenario, stage: str) -> float | None:
    """Staff hours a year available per expected case at ``stage`` (None: the registry
    writes down no expected cases for it; infinite with no cases)."""
    workload = staffing(stage).workload
    if workload is None:
        return None
    cases = workload(s)
    work = effort(s, stage)
    hours = (servers(s, stage) * work.share_of_time_on_disputes
             * s.calendar.working_hours_per_day * s.calendar.working_days_per_year)
    return hours / cases if cases > 0 else math.inf


def settlement_shift(s: Scenario, stage: str) -> float:
    """How far ``stage``'s settled share moves from its measured value: up with more staff
    hours per case than today, down with fewer, up with trained conciliators, by the log-odds
    of settling against failing (withdrawals stay as measured)."""
    staff = staffing(stage)
    if staff.settles is None:
        return 0.0
    log_odds = 0.0
    today, now = effort(s, stage).hours_per_case_today, hours_per_case(s, stage)
    if today is not None and now is not None and today > 0:
        doublings = math.log2(now / today) if now > 0 else -MOST_DOUBLINGS
        log_odds += s.settlement.log_odds_per_doubling * min(max(doublings, -MOST_DOUBLINGS),
                                                             MOST_DOUBLINGS)
    if staff.training is not None:
        log_odds += s.settlement.training_log_odds * get_path(s, staff.training.path)
    settled, failed = (get_path(s, path) for path in staff.settles)
    if log_odds == 0.0 or settled <= 0.0 or failed <= 0.0:
        return 0.0
    odds = settled / failed * math.exp(log_odds)
    return (settled + failed) * odds / (1.0 + odds) - settled


def effective_outcomes(s: Scenario, stage: str) -> object:
    """``stage``'s outcome shares as the model draws them: today's, with the settled share
    moved by ``settlement_shift`` (taken from, or given back to, the failed share)."""
    settled_path, failed_path = staffing(stage).settles
    outcomes = get_path(s, settled_path.rsplit(".", 1)[0])
    shift = settlement_shift(s, stage)
    if shift == 0.0:
        return outcomes
    settled, failed = settled_path.rsplit(".", 1)[1], failed_path.rsplit(".", 1)[1]
    return dataclasses.replace(outcomes, **{settled: getattr(outcomes, settled) + shift,
                                            failed: getattr(outcomes, failed) - shift})


def expected_booking_days(s: Scenario, stage: str) -> float:
    """The mean wait for a first hearing at ``stage`` its staffing and caseload give: the
    booking share of the handling time, times the staff's utilisation (a diary holds on
    average utilisation x handling time of work per server); 0 where the stage's handling
    durations start at the first hearing, or its caseload is not written down."""
    hours = hours_per_case(s, stage)
    if not staffing(stage).handling_from_entry or not hours:
        return 0.0
    work = effort(s, stage)
    utilisation = min(work.effort_hours_per_case / hours, 1.0)
    return work.booking_share_of_effort * utilisation * handling_days(s, stage)


def as_today(s: Scenario) -> Scenario:
    """The scenario with its own staffing taken as today's: each staffed stage's hours per
    case and wait for a first hearing today set to what they are now (in stage order). A
    file read, a world drawn and a calibration describe today; a policy and an override
    change a scenario against its today."""
    for stage in staffed_stages_on(s):
        hours = hours_per_case(s, stage)
        if hours is None or not math.isfinite(hours):
            continue
        work = effort(s, stage)
        s = replaced(s, staffing(stage).effort_path, dataclasses.replace(
            work, hours_per_case_today=hours, booking_days_today=expected_booking_days(s, stage)))
    return s
