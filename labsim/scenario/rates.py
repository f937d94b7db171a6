"""Grievance rates and routing shares: the one home of the formulas the model samples from,
the expected-flow surrogate adds up and the queueing predictions feed on."""

from __future__ import annotations

from .parameters import CollectiveConciliation, Scenario, Sector

KINDS_AT_WORKPLACE = ("individual", "collective")
RATE_FIELDS = {
    "individual": "individual_grievances_per_1000_workers_per_year",
    "collective": "collective_grievances_per_100_enterprises_per_year",
}
"""The sector field holding each kind's grievance rate."""
RATE_BASES = {"individual": "workers", "collective": "enterprises"}
"""The sector field each kind's grievance rate is per (per 1000 workers, per 100 enterprises)."""


def sector_grievances_per_year(sector: Sector, kind: str) -> float:
    """Grievances of ``kind`` a sector raises per year, before prevention."""
    if kind == "individual":
        return sector.workers / 1000 * sector.individual_grievances_per_1000_workers_per_year
    return sector.enterprises / 100 * sector.collective_grievances_per_100_enterprises_per_year


def grievances_per_year(s: Scenario, kind: str) -> float:
    """Grievances of ``kind`` per year in all sectors, after prevention officers' effect."""
    return s.prevention.grievance_multiplier() * sum(
        sector_grievances_per_year(sector, kind) for sector in s.arrivals.sectors)


def workplace_settled_share(s: Scenario, kind: str) -> float:
    """Share of ``kind`` grievances settled at the workplace (with officers and training)."""
    p = s.prevention
    base = (p.workplace_resolution_share_individual if kind == "individual"
            else p.workplace_resolution_share_collective)
    return p.workplace_resolution_share(base)


def filed_per_year(s: Scenario, kind: str) -> float:
    """Grievances of ``kind`` leaving the workplace unresolved per year."""
    return grievances_per_year(s, kind) * (1 - workplace_settled_share(s, kind))


def conciliation_rounds(cc: CollectiveConciliation) -> float:
    """Mean conciliation rounds per collective dispute (one joint re-conciliation at most)."""
    return 1 + cc.outcomes.non_conciliation * cc.reconciliation_share


def share_to_arbitration(cc: CollectiveConciliation) -> float:
    """Share of collective disputes in conciliation that end it unsettled (to the Council)."""
    fail, again = cc.outcomes.non_conciliation, cc.reconciliation_share
    return fail * ((1 - again) + again * fail)


def arbitration_cases_per_year(s: Scenario) -> float:
    """Collective disputes reaching the Arbitration Council per year (core routing)."""
    return filed_per_year(s, "collective") * share_to_arbitration(s.collective_conciliation)


def binding_share(s: Scenario) -> float:
    """Share of Council awards that bind, by dispute type: rights disputes (2010 garment MoU,
    prior agreement) and interest disputes (prior agreement or a CBA clause)."""
    arb, rights = s.arbitration, s.arrivals.rights_dispute_share
    return (rights * arb.binding_award_share_rights
            + (1 - rights) * arb.binding_award_share_interest)


def resolved_award_share(s: Scenario) -> float:
    """Share of awards that resolve the dispute: binding, or not objected to."""
    binding = binding_share(s)
    return binding + (1 - binding) * (1 - s.arbitration.objection_share)


def rate_scaling_overrides(s: Scenario, factor: float,
                           kinds: tuple[str, ...] = KINDS_AT_WORKPLACE) -> dict[str, float]:
    """Overrides multiplying every sector's grievance rates of ``kinds`` by ``factor``."""
    return {f"arrivals.sectors.{sector.name}.{RATE_FIELDS[kind]}":
            getattr(sector, RATE_FIELDS[kind]) * factor
            for sector in s.arrivals.sectors for kind in kinds}
