"""Expected yearly flows through the core routing: exact means, no simulation.

How many cases reach each stage, and the outcome shares there, depend only on arrival
rates and routing shares, not on queues, so they can be written down in closed form.
They serve as the calibration surrogate and as a check on the simulation's routing.
"""

from __future__ import annotations

import dataclasses

from ..errors import InputError
from .parameters import Scenario
from .rates import (
    KINDS_AT_WORKPLACE,
    filed_per_year,
    grievances_per_year,
    resolved_award_share,
    share_to_arbitration,
)
from .settlement import effective_outcomes


def expected_flows(s: Scenario) -> dict[str, float]:
    """Expected cases per year at each core stage and the Arbitration Council's shares."""
    if s.migrant_on or s.korea_on:
        raise InputError("scenario", s.name, "the core path only (migrant and Korea-inspired "
                         "routes switched off)")
    individual, collective = (grievances_per_year(s, kind) for kind in KINDS_AT_WORKPLACE)
    to_conciliation = filed_per_year(s, "collective")
    conciliation = dataclasses.replace(
        s.collective_conciliation, outcomes=effective_outcomes(s, "collective_conciliation"))
    o = effective_outcomes(s, "arbitration")
    return {
        "grievances_per_year": individual + collective,
        "individual_cases_per_year": individual,
        "collective_cases_per_year": collective,
        "individual_conciliation_cases_per_year": filed_per_year(s, "individual"),
        "collective_conciliation_cases_per_year": to_conciliation,
        "arbitration_cases_per_year": to_conciliation * share_to_arbitration(conciliation),
        "arbitration_settled_share": o.settled,
        "resolved_share_at_arbitration": o.settled + o.award * resolved_award_share(s),
    }
