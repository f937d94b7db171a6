"""What a scenario's staff and training cost per year, at the unit costs in its ``[costs]``."""

from __future__ import annotations

from ..errors import ScenarioError
from .parameters import Scenario, UnitCosts

RESOLUTION_ITEMS = ("labour_inspectors", "conciliators", "arbitrators", "mediation_committees",
                    "adjudication_panels")
"""Items that resolve disputes once filed; the others prevent them or serve migrants."""


def unit_costs(s: Scenario) -> UnitCosts:
    """The scenario's unit costs, or a ScenarioError saying it has none."""
    if s.costs is None:
        raise ScenarioError("costs", None, "a [costs] section in the scenario", s.name)
    return s.costs


def enterprises(s: Scenario) -> int:
    """Enterprises in all sectors: the workplaces training can reach."""
    return sum(sector.enterprises for sector in s.arrivals.sectors)


def staffing_cost_usd(s: Scenario) -> dict[str, float]:
    """Yearly cost of each item of a scenario's capacity, US dollars."""
    c = unit_costs(s)
    cost = {
        "prevention_officers": s.prevention.prevention_officers
        * c.prevention_officer_usd_per_year,
        "training": s.prevention.trained_workplace_share * enterprises(s)
        * c.training_usd_per_workplace_per_year,
        "labour_inspectors": s.individual_conciliation.labour_inspectors
        * c.labour_inspector_usd_per_year,
        "conciliators": s.collective_conciliation.conciliators * c.conciliator_usd_per_year,
        "arbitrators": s.arbitration.arbitrators * c.arbitrator_usd_per_year,
        "mrc_staff": (s.migrant_route.mrc_staff * c.mrc_staff_usd_per_year
                      if s.migrant_on else 0.0),
    }
    if s.korea_on:
        cost["mediation_committees"] = (s.korea_system.mediation_committees
                                        * c.mediation_committee_usd_per_year)
        cost["adjudication_panels"] = (s.korea_system.adjudication_panels
                                       * c.adjudication_panel_usd_per_year)
    return cost


def annual_budget_usd(s: Scenario) -> float:
    """What a scenario's staff and training cost per year, US dollars."""
    return float(sum(staffing_cost_usd(s).values()))


def resolution_budget_usd(s: Scenario) -> float:
    """What the staff who resolve filed disputes cost per year, US dollars."""
    return float(sum(cost for item, cost in staffing_cost_usd(s).items()
                     if item in RESOLUTION_ITEMS))
