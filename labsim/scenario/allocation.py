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
from .items import (
    BOUGHT,
    STAGE_OF_ITEM,
    Item,
    enterprises,
    item,
    items_on,
    unit_cost_usd,
    unit_costs,
)
from .parameters import Scenario
from .rates import KINDS_AT_WORKPLACE, filed_per_year
from .stages import staff_count


def _resolution_items(s: Scenario) -> list[Item]:
    """What resolution money can buy in this scenario, in the order ties are broken."""
    return [entry for entry in items_on(s) if entry in BOUGHT and entry.lever == "resolution"]


def resolution_staff(s: Scenario, money_usd: float) -> dict[str, int]:
    """People each resolution item gets: one at a time, for the stage with the highest
    expected utilisation whose next person fits in the money left."""
    items = _resolution_items(s)
    busy = expected_utilisation(s)
    current = {entry.name: (busy[STAGE_OF_ITEM[entry.name]],
                            staff_count(s, STAGE_OF_ITEM[entry.name])) for entry in items}
    cost = {entry.name: unit_cost_usd(s, entry) for entry in items}
    order = [entry.name for entry in items]
    added = dict.fromkeys(current, 0)
    left = money_usd
    while True:
        affordable = [name for name in current if cost[name] <= left + 1e-9]
        if not affordable:
            return added
        busiest = max(affordable, key=lambda name: (
            current[name][0] * current[name][1] / (current[name][1] + added[name]),
            -order.index(name)))
        added[busiest] += 1
        left -= cost[busiest]


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
    spend.update({name: count * unit_cost_usd(s, item(name))
                  for name, count in people.items()})
    return spend
