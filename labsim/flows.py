"""Expected yearly flows through the core routing: exact means, no simulation.

How many cases reach each stage, and the outcome shares there, depend only on arrival
rates and routing shares, not on queues, so they can be written down in closed form.
They serve as the calibration surrogate and as a check on the simulation's routing.
"""

from __future__ import annotations

from .errors import InputError
from .scenario import Scenario


def expected_flows(s: Scenario) -> dict[str, float]:
    """Expected cases per year at each core stage and the Arbitration Council's shares."""
    if s.migrant_on or s.korea_on:
        raise InputError("scenario", s.name, "the core path only (migrant and Korea-inspired "
                         "routes switched off)")
    p = s.prevention
    multiplier = p.grievance_multiplier()
    individual = multiplier * sum(
        x.workers / 1000 * x.individual_grievances_per_1000_workers_per_year
        for x in s.arrivals.sectors)
    collective = multiplier * sum(
        x.enterprises / 100 * x.collective_grievances_per_100_enterprises_per_year
        for x in s.arrivals.sectors)
    to_inspectors = individual * (1 - p.workplace_resolution_share(
        p.workplace_resolution_share_individual))
    to_conciliation = collective * (1 - p.workplace_resolution_share(
        p.workplace_resolution_share_collective))
    cc, arb = s.collective_conciliation, s.arbitration
    fail, again = cc.outcomes.non_conciliation, cc.reconciliation_share
    to_arbitration = to_conciliation * fail * ((1 - again) + again * fail)
    o = arb.outcomes
    award_resolved = arb.binding_award_share + (1 - arb.binding_award_share) * (
        1 - arb.objection_share)
    return {
        "grievances_per_year": individual + collective,
        "individual_cases_per_year": individual,
        "collective_cases_per_year": collective,
        "individual_conciliation_cases_per_year": to_inspectors,
        "collective_conciliation_cases_per_year": to_conciliation,
        "arbitration_cases_per_year": to_arbitration,
        "arbitration_settled_share": o.settled,
        "resolved_share_at_arbitration": o.settled + o.award * award_resolved,
    }
