"""How a policy spends its extra money: the rules of ``docs/allocation_rules.md`` (version 2).

Written before any policy they build was simulated. Both levers buy by one rule: one unit
at a time, the unit of the lever that most lowers the expected strike days a year
(``strike_flows``) per dollar, on the base scenario's expected flows, never a simulation.
Prevention's units are a prevention officer or training for as many workplaces as an officer
costs; resolution's, one more person at a staffed stage a policy can buy, or training for as
many conciliators as one conciliator costs. Money left after the last whole unit trains
workplaces (prevention) or conciliators (resolution).

>>> from labsim.scenario.presets import load_scenario
>>> spent = extra_spending_usd(load_scenario("cambodia_baseline"), 100_000, 1.0)
>>> round(sum(spent.values()))
100000
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .dotted import replaced
from .items import BOUGHT, Item, items_on, quantity, unit_cost_usd
from .parameters import Scenario
from .stages import staffing
from .strike_flows import expected_strike_days_per_year

TOLERANCE_USD = 1e-9


@dataclass(frozen=True)
class Unit:
    """One unit a lever can buy: the dollars it costs per item, and the scenario with it."""

    dollars: dict[str, float]
    bought: Callable[[Scenario], Scenario]

    @property
    def cost_usd(self) -> float:
        return sum(self.dollars.values())


def _training_chunk(s: Scenario, entry: Item, chunk_usd: float) -> Unit | None:
    """Training for as many trainees as ``chunk_usd`` pays (at most everyone left)."""
    unit, share = unit_cost_usd(s, entry), quantity(s, entry)
    if unit <= 0 or share >= 1:
        return None
    more = min(chunk_usd / unit, 1 - share)
    return Unit({entry.name: more * unit},
                lambda t: replaced(t, entry.path, quantity(t, entry) + more))


def _person(s: Scenario, entry: Item, items: list[Item]) -> Unit:
    """One more person of ``entry``; where their colleagues are trained in a share, the
    newcomer is trained as well, so the trained share (and its price) stays."""
    dollars = {entry.name: unit_cost_usd(s, entry)}
    for training in items:
        if training.share_of is not None and training.share_of != "workplaces" and (
                staffing(training.share_of).count_path == entry.path):
            dollars[training.name] = quantity(s, training) * (
                unit_cost_usd(s, training) / max(quantity(s, entry), 1))
    return Unit(dollars, lambda t: replaced(t, entry.path, quantity(t, entry) + 1))


def units(s: Scenario, lever: str) -> Iterator[Unit]:
    """The units ``lever`` can buy in ``s``, in the order ties are broken: staff (or
    officers) first, then training sized like one of them."""
    items = [entry for entry in items_on(s) if entry in BOUGHT and entry.lever == lever]
    people = [entry for entry in items if entry.share_of is None]
    for entry in people:
        yield _person(s, entry, items)
    chunk = min((unit_cost_usd(s, entry) for entry in people), default=0.0)
    for entry in items:
        if entry.share_of is not None:
            found = _training_chunk(s, entry, _chunk_for(s, entry, people, chunk))
            if found is not None:
                yield found


def _chunk_for(s: Scenario, entry: Item, people: list[Item], cheapest: float) -> float:
    """The dollars of one training unit: as many trainees as one of them costs (an officer
    for workplaces, a person of the stage it trains for staff)."""
    matching = [p for p in people if entry.share_of == "workplaces"
                or p.path == staffing(entry.share_of).count_path]
    return unit_cost_usd(s, matching[0]) if matching else cheapest


def spend(s: Scenario, money_usd: float, lever: str) -> dict[str, float]:
    """US dollars per item that ``money_usd`` of ``lever`` buys: one unit at a time, the
    unit that most lowers expected strike days a year per dollar; the rest trains."""
    dollars: dict[str, float] = {}
    left, now = money_usd, s
    while True:
        base = expected_strike_days_per_year(now)
        best, best_gain = None, 0.0
        for unit in units(now, lever):
            if unit.cost_usd <= 0 or unit.cost_usd > left + TOLERANCE_USD:
                continue
            gain = (base - expected_strike_days_per_year(unit.bought(now))) / unit.cost_usd
            if gain > best_gain:
                best, best_gain = unit, gain
        if best is None:
            break
        now, left = _buy(best, now, left, dollars)
    for entry in items_on(now):
        if entry in BOUGHT and entry.lever == lever and entry.share_of is not None and left > 0:
            more = _training_chunk(now, entry, left)
            if more is not None:
                now, left = _buy(more, now, left, dollars)
    return dollars


def _buy(unit: Unit, s: Scenario, left: float, dollars: dict[str, float],
         ) -> tuple[Scenario, float]:
    """The scenario with ``unit`` bought and the money left; its dollars added up."""
    for name, amount in unit.dollars.items():
        dollars[name] = dollars.get(name, 0.0) + amount
    return unit.bought(s), left - unit.cost_usd


def extra_spending_usd(s: Scenario, increment_usd: float,
                       prevention_share: float) -> dict[str, float]:
    """US dollars per item that ``increment_usd`` adds, ``prevention_share`` of it spent by
    the prevention rule and the rest by the resolution rule, each on the base scenario."""
    return {**spend(s, increment_usd * prevention_share, "prevention"),
            **spend(s, increment_usd * (1 - prevention_share), "resolution")}
