"""Policies as data: a yearly budget split across prevention and resolution capacity.

A policy file names a base scenario (whose ``[costs]`` give the unit costs), a total budget
and how many dollars go to each item; applying it buys whole staff and a trained share of
workplaces, and the rest of the base scenario stays as it is. Presets spend the same total,
so comparing them compares where the money goes, not how much there is; how extra money is
split is decided by the allocation rules (``allocation.py``), never by hand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, make_dataclass, replace

import pandas as pd

from ..errors import ScenarioError, is_number
from .allocation import extra_spending_usd
from .costs import annual_budget_usd, staffing_cost_usd
from .dotted import replaced
from .io import apply_overrides
from .items import BOUGHT, bought_with, items_on, quantity
from .parameters import NONNEGATIVE, POSITIVE, Scenario
from .stages import route_on

MAX_INCREMENT_USD_PER_YEAR = 100_000_000.0
"""The largest extra money the allocation rules spend (they buy one unit at a time), some
400 times the baseline's budget."""


def _total(allocation: object) -> float:
    return sum(getattr(allocation, entry.name) for entry in BOUGHT)


Allocation = make_dataclass(
    "Allocation",
    [(entry.name, float, field(default=0.0, metadata=NONNEGATIVE)) for entry in BOUGHT],
    frozen=True, namespace={"total": property(_total),
                            "__doc__": "US dollars per year given to each item a policy "
                                       "can buy (``items.BOUGHT``)."})


@dataclass(frozen=True)
class Policy:
    """A named budget split applied to a base scenario."""

    name: str
    description: str
    base_scenario: str
    """Preset name or path of the scenario whose staff the policy replaces."""
    budget_usd_per_year: float = field(metadata=POSITIVE)
    allocation_usd_per_year: Allocation

    def problems(self):
        total = self.allocation_usd_per_year.total
        if total > self.budget_usd_per_year + 1.0:
            yield ("allocation_usd_per_year", round(total, 2),
                   f"items adding up to at most budget_usd_per_year "
                   f"({self.budget_usd_per_year:,.0f}; what whole staff leave over is unspent)")


def apply_policy(policy: Policy, base: Scenario) -> Scenario:
    """The base scenario with the staff and training the policy's dollars buy."""
    a = policy.allocation_usd_per_year
    changes: dict[str, float] = {}
    staffed = base  # training is bought for the staff the policy has, so staff come first
    for entry in sorted(BOUGHT, key=lambda entry: entry.share_of is not None):
        dollars = getattr(a, entry.name)
        if route_on(base, entry.route):
            changes[entry.path] = bought_with(staffed, entry, dollars)
            if entry.share_of is None:
                staffed = replaced(staffed, entry.path, changes[entry.path])
        elif dollars > 0:
            raise ScenarioError(f"policy.allocation_usd_per_year.{entry.name}", dollars,
                                f"0, since base scenario '{base.name}' has no {entry.route} "
                                "route", policy.name)
    try:
        scenario = apply_overrides(base, changes)
    except ScenarioError as err:
        raise ScenarioError(err.path, err.value, err.allowed, f"policy {policy.name}") from None
    return replace(scenario, name=policy.name, description=policy.description)


def costed_in(policy: Policy, central: Scenario, world: Scenario) -> Policy:
    """The policy in a world with other unit costs: the base's own staff and training are
    kept (their dollars repriced at the world's costs) and the extra dollars stay as they
    are, so a unit cost changes what the extra money buys, never today's staff."""
    then, now = staffing_cost_usd(central), staffing_cost_usd(world)
    if then == now:
        return policy
    allocation = Allocation(**{
        entry.name: max(0.0, getattr(policy.allocation_usd_per_year, entry.name)
                        - then.get(entry.name, 0.0) + now.get(entry.name, 0.0))
        for entry in BOUGHT})
    budget = policy.budget_usd_per_year - sum(then.values()) + sum(now.values())
    return replace(policy, budget_usd_per_year=budget, allocation_usd_per_year=allocation)


def increment_usd_per_year(policy: Policy, base: Scenario) -> float:
    """What a policy spends beyond what the base scenario's staff and training cost."""
    return policy.budget_usd_per_year - annual_budget_usd(base)


def policy_with_increment(base: Scenario, increment_usd_per_year: float,
                          prevention_share: float, name: str,
                          description: str = "") -> Policy:
    """The base scenario's own spending plus an increment, ``prevention_share`` of it spent
    by the prevention rule and the rest by the resolution rule (docs/allocation_rules.md)."""
    if not (is_number(prevention_share) and 0.0 <= prevention_share <= 1.0):
        raise ScenarioError("prevention_share", prevention_share, "a share in [0, 1]")
    if not (is_number(increment_usd_per_year)
            and 0 <= increment_usd_per_year <= MAX_INCREMENT_USD_PER_YEAR):
        raise ScenarioError("increment_usd_per_year", increment_usd_per_year,
                            f"US dollars a year from 0 to {MAX_INCREMENT_USD_PER_YEAR:,.0f}")
    extra = extra_spending_usd(base, increment_usd_per_year, prevention_share)
    return policy_adding(base, extra, name, description or (
        f"{prevention_share:.0%} of US${increment_usd_per_year:,.0f} extra on prevention"),
        budget_usd_per_year=annual_budget_usd(base) + increment_usd_per_year)


def policy_adding(base: Scenario, extra_usd_per_year: Mapping[str, float], name: str,
                  description: str = "", budget_usd_per_year: float | None = None) -> Policy:
    """The base scenario's own spending plus ``extra_usd_per_year`` dollars per item, as a
    policy (its budget: what it spends, unless given)."""
    spend = staffing_cost_usd(base)
    allocation = Allocation(**{entry.name: spend.get(entry.name, 0.0)
                               + extra_usd_per_year.get(entry.name, 0.0) for entry in BOUGHT})
    return Policy(name, description, base.name,
                  allocation.total if budget_usd_per_year is None else budget_usd_per_year,
                  allocation)


def staff_by_item(s: Scenario) -> dict[str, float]:
    """What a scenario has of each item a budget buys, by the name of what it sets: staff
    (whole people) and the trained workplace share; the optional routes' staff only where
    the scenario runs them."""
    return {entry.column: quantity(s, entry) for entry in items_on(s) if entry in BOUGHT}


def staffing_table(prevention_shares: Mapping[str, float], base: Scenario,
                   budgets_usd_per_year: Mapping[str, float]) -> pd.DataFrame:
    """Staff each policy buys at each budget level by the allocation rules.

    ``prevention_shares`` maps a policy name to the share of the extra money (budget level
    minus what the base scenario's staff cost) that the prevention rule spends; the rest goes
    to the resolution rule (docs/allocation_rules.md). One row per (budget level, policy):
    budget, staff per item, trained workplace share and dollars left unspent.
    """
    for name, value in (("prevention_shares", prevention_shares),
                        ("budgets_usd_per_year", budgets_usd_per_year)):
        if not isinstance(value, Mapping):
            raise ScenarioError(name, value, "a mapping of names to numbers, "
                                "e.g. {'prevention_first': 1.0, 'resolution_first': 0.0}")
    today = annual_budget_usd(base)
    rows = []
    for level, budget in budgets_usd_per_year.items():
        if not is_number(budget) or budget < today - 1.0:
            raise ScenarioError(f"budgets_usd_per_year.{level}", budget,
                                f"a finite budget, at least what {base.name}'s staff and "
                                "training cost "
                                f"today (US${today:,.0f} a year)")
        for name, share in prevention_shares.items():
            policy = policy_with_increment(base, max(budget - today, 0.0), share, name)
            s = apply_policy(policy, base)
            staff = staff_by_item(s)
            rows.append({"budget_level": level, "policy": name, "budget_usd_per_year": budget,
                         **{entry.column: round(staff.get(entry.column, 0), 3)
                            if entry.share_of is not None else staff.get(entry.column, 0)
                            for entry in BOUGHT},
                         "unspent_usd_per_year": round(budget - annual_budget_usd(s), 2)})
    return pd.DataFrame(rows)


def purchases(base: Scenario, scenarios: Mapping[str, Scenario],
              increment_usd_per_year: float) -> pd.DataFrame:
    """What each policy buys beyond the base: one row per item (staff as whole people, the
    trained workplace share, yearly budget, extra money spent and left unspent, because
    staff come as whole people), with today's value and each policy's."""
    today = annual_budget_usd(base)

    def column(s: Scenario | None) -> dict[str, float]:
        spent = annual_budget_usd(s or base)
        return {**staff_by_item(s or base), "spent_usd_per_year": spent,
                "extra_spent_usd_per_year": spent - today,
                "unspent_usd_per_year": math.nan if s is None else max(
                    0.0, today + increment_usd_per_year - spent)}

    table = pd.DataFrame({"today": column(None),
                          **{name: column(s) for name, s in scenarios.items()}})
    return table.rename_axis("item")
