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
from dataclasses import dataclass, field, replace

import pandas as pd

from ..errors import ScenarioError, is_number
from .allocation import extra_spending_usd
from .costs import annual_budget_usd, enterprises, staffing_cost_usd, unit_costs
from .io import apply_overrides
from .parameters import NONNEGATIVE, POSITIVE, Scenario

MAX_INCREMENT_USD_PER_YEAR = 100_000_000.0
"""The largest extra money the allocation rules spend (they buy one unit at a time), some
400 times the baseline's budget."""

STAFF_COLUMNS = ("prevention_officers", "trained_workplace_share", "labour_inspectors",
                 "conciliators", "arbitrators")
"""The items every scenario has (MRC staff only with the migrant route), as tables show them."""
ITEMS = ("prevention_officers", "training", "labour_inspectors", "conciliators", "arbitrators",
         "mrc_staff")
"""What a budget can buy, in the order tables show them."""


@dataclass(frozen=True)
class Allocation:
    """US dollars per year given to each item."""

    prevention_officers: float = field(default=0.0, metadata=NONNEGATIVE)
    training: float = field(default=0.0, metadata=NONNEGATIVE)
    labour_inspectors: float = field(default=0.0, metadata=NONNEGATIVE)
    conciliators: float = field(default=0.0, metadata=NONNEGATIVE)
    arbitrators: float = field(default=0.0, metadata=NONNEGATIVE)
    mrc_staff: float = field(default=0.0, metadata=NONNEGATIVE)

    @property
    def total(self) -> float:
        return sum(getattr(self, item) for item in ITEMS)

    def problems(self):
        return iter(())


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


def _whole(dollars: float, unit_cost: float) -> int:
    # the small epsilon keeps an exact multiple from flooring one short
    return math.floor(dollars / unit_cost + 1e-9) if unit_cost > 0 else 0


def apply_policy(policy: Policy, base: Scenario) -> Scenario:
    """The base scenario with the staff and training the policy's dollars buy."""
    c, a = unit_costs(base), policy.allocation_usd_per_year
    if a.mrc_staff > 0 and not base.migrant_on:
        raise ScenarioError("policy.allocation_usd_per_year.mrc_staff", a.mrc_staff,
                            f"0, since base scenario '{base.name}' has no migrant route",
                            policy.name)
    workplaces = enterprises(base) * c.training_usd_per_workplace_per_year
    changes = {
        "prevention.prevention_officers": _whole(a.prevention_officers,
                                                 c.prevention_officer_usd_per_year),
        "prevention.trained_workplace_share": min(1.0, a.training / workplaces)
        if workplaces > 0 else 0.0,
        "individual_conciliation.labour_inspectors": _whole(a.labour_inspectors,
                                                            c.labour_inspector_usd_per_year),
        "collective_conciliation.conciliators": _whole(a.conciliators,
                                                       c.conciliator_usd_per_year),
        "arbitration.arbitrators": _whole(a.arbitrators, c.arbitrator_usd_per_year),
    }
    if base.migrant_on:
        changes["migrant_route.mrc_staff"] = _whole(a.mrc_staff, c.mrc_staff_usd_per_year)
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
        item: max(0.0, getattr(policy.allocation_usd_per_year, item) - then.get(item, 0.0)
                  + now.get(item, 0.0)) for item in ITEMS})
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
    spend = staffing_cost_usd(base)
    extra = extra_spending_usd(base, increment_usd_per_year, prevention_share)
    allocation = Allocation(**{item: spend.get(item, 0.0) + extra.get(item, 0.0)
                               for item in ITEMS})
    return Policy(name, description or f"{prevention_share:.0%} of US${increment_usd_per_year:,.0f}"
                  " extra on prevention", base.name, sum(spend.values()) + increment_usd_per_year,
                  allocation)


def staff_by_item(s: Scenario) -> dict[str, float]:
    """What a scenario has of each item a budget buys: staff (whole people) and the trained
    workplace share; MRC staff only when it has the migrant route."""
    staff = {
        "prevention_officers": s.prevention.prevention_officers,
        "trained_workplace_share": s.prevention.trained_workplace_share,
        "labour_inspectors": s.individual_conciliation.labour_inspectors,
        "conciliators": s.collective_conciliation.conciliators,
        "arbitrators": s.arbitration.arbitrators,
    }
    if s.migrant_on:
        staff["mrc_staff"] = s.migrant_route.mrc_staff
    return staff


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
            staff = {"mrc_staff": 0, **staff_by_item(s)}
            staff["trained_workplace_share"] = round(staff["trained_workplace_share"], 3)
            rows.append({"budget_level": level, "policy": name, "budget_usd_per_year": budget,
                         **{item: staff[item] for item in (*STAFF_COLUMNS, "mrc_staff")},
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
