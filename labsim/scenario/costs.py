"""What a scenario's staff and training cost per year, at the unit costs in its ``[costs]``."""

from __future__ import annotations

from .items import cost_usd, items_on
from .parameters import Scenario


def staffing_cost_usd(s: Scenario) -> dict[str, float]:
    """Yearly cost of each item of a scenario's capacity, US dollars (the optional routes'
    staff only where the scenario runs them)."""
    return {entry.name: cost_usd(s, entry) for entry in items_on(s)}


def annual_budget_usd(s: Scenario) -> float:
    """What a scenario's staff and training cost per year, US dollars."""
    return float(sum(staffing_cost_usd(s).values()))


def resolution_budget_usd(s: Scenario) -> float:
    """What the staff who resolve filed disputes cost per year, US dollars."""
    return float(sum(cost_usd(s, entry) for entry in items_on(s)
                     if entry.counts_as_resolution_budget))
