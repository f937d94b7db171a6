"""How a policy spends its extra money: the rules of ``docs/allocation_rules.md``.

Written before any policy they build was simulated. Decisions use only the base scenario's
expected flows and staff effort, never a simulation: resolution money buys one person at a
time for the busiest stage; prevention money buys, one unit at a time, the officer or the
training that averts the most disputes filed beyond the workplace.
"""

from __future__ import annotations

import dataclasses
import math

from .capacity import expected_utilisation
from .costs import enterprises, unit_costs
from .parameters import Scenario, StaffEffort
from .rates import KINDS_AT_WORKPLACE, filed_per_year

RESOLUTION_ITEMS = ("labour_inspectors", "conciliators", "arbitrators", "mrc_staff")
"""What resolution money buys, in the order ties are broken."""
_STAGE_OF = {"labour_inspectors": "individual_conciliation",
             "conciliators": "collective_conciliation", "arbitrators": "arbitration",
             "mrc_staff": "migrant_resource_centre"}


def _unit_cost(s: Scenario, item: str) -> float:
    c = unit_costs(s)
    return {"prevention_officers": c.prevention_officer_usd_per_year,
            "labour_inspectors": c.labour_inspector_usd_per_year,
            "conciliators": c.conciliator_usd_per_year,
            "arbitrators": c.arbitrator_usd_per_year,
            "mrc_staff": c.mrc_staff_usd_per_year}[item]


def _utilisation(s: Scenario) -> dict[str, tuple[float, int]]:
    """Per resolution item: expected utilisation of its stage, and its staff today."""
    busy = expected_utilisation(s)
    staff = {"labour_inspectors": s.individual_conciliation.labour_inspectors,
             "conciliators": s.collective_conciliation.conciliators,
             "arbitrators": s.arbitration.arbitrators}
    found = {item: (busy[_STAGE_OF[item]], staff[item]) for item in staff}
    if s.migrant_on:
        m = s.migrant_route
        hours = s.calendar.working_hours_per_day * s.calendar.working_days_per_year
        found["mrc_staff"] = (_busy(m.complaints_per_year, m.mrc_staff, m.effort, hours),
                              m.mrc_staff)
    return found


def _busy(cases: float, staff: int, effort: StaffEffort, hours: float) -> float:
    offered = staff * effort.share_of_time_on_disputes * hours
    return cases * effort.effort_hours_per_case / offered if offered else math.inf


def resolution_staff(s: Scenario, money_usd: float) -> dict[str, int]:
    """People each resolution item gets: one at a time, for the stage with the highest
    expected utilisation whose next person fits in the money left."""
    current = _utilisation(s)
    added = dict.fromkeys(current, 0)
    left = money_usd
    while True:
        affordable = [item for item in current if _unit_cost(s, item) <= left + 1e-9]
        if not affordable:
            return added
        busiest = max(affordable, key=lambda item: (
            current[item][0] * current[item][1] / (current[item][1] + added[item]),
            -RESOLUTION_ITEMS.index(item)))
        added[busiest] += 1
        left -= _unit_cost(s, busiest)


def _filed(s: Scenario, officers: int, trained_share: float) -> float:
    prevention = dataclasses.replace(s.prevention, prevention_officers=officers,
                                     trained_workplace_share=min(trained_share, 1.0))
    changed = dataclasses.replace(s, prevention=prevention)
    return sum(filed_per_year(changed, kind) for kind in KINDS_AT_WORKPLACE)


def prevention_spending(s: Scenario, money_usd: float) -> tuple[int, float]:
    """Officers and extra trained-workplace share prevention money buys: one unit at a time
    (an officer, or training for as many workplaces as an officer costs), the unit that
    lowers expected filed disputes most; what is left trains workplaces."""
    c = unit_costs(s)
    officer_cost, per_workplace = c.prevention_officer_usd_per_year, (
        c.training_usd_per_workplace_per_year)
    workplaces = enterprises(s)
    unit_share = officer_cost / per_workplace / workplaces if per_workplace else math.inf
    officers, share = s.prevention.prevention_officers, s.prevention.trained_workplace_share
    left = money_usd
    while left + 1e-9 >= officer_cost and officer_cost > 0:
        now = _filed(s, officers, share)
        by_officer = now - _filed(s, officers + 1, share)
        by_training = now - _filed(s, officers, share + unit_share) if share < 1 else -math.inf
        if by_officer >= by_training:
            officers += 1
        else:
            share += unit_share
        left -= officer_cost
    if per_workplace > 0 and share < 1:
        share += left / per_workplace / workplaces
    return officers - s.prevention.prevention_officers, min(share, 1.0) - (
        s.prevention.trained_workplace_share)


def extra_spending_usd(s: Scenario, increment_usd: float,
                       prevention_share: float) -> dict[str, float]:
    """US dollars per item that ``increment_usd`` adds, ``prevention_share`` of it spent by
    the prevention rule and the rest by the resolution rule."""
    c = unit_costs(s)
    officers, trained = prevention_spending(s, increment_usd * prevention_share)
    spend = {"prevention_officers": officers * c.prevention_officer_usd_per_year,
             "training": trained * enterprises(s) * c.training_usd_per_workplace_per_year}
    people = resolution_staff(s, increment_usd * (1 - prevention_share))
    spend.update({item: count * _unit_cost(s, item) for item, count in people.items()})
    return spend
