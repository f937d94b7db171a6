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
from .strike_flows import expected_strike_days_per_year, expected_strikes_per_year

FIRST_ESTIMATE_KPIS = ("strike_days_per_year", "strikes_per_year", "grievances_per_year")
"""What ``first_estimate`` gives, as the catalog names the simulated figures."""


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


def first_estimate(s: Scenario) -> dict[str, float]:
    """Strike days, strikes and grievances a year in means (``FIRST_ESTIMATE_KPIS``): the
    dashboard's first answer to a move, in a millisecond, while the simulation runs. Any
    route counts (unlike ``expected_flows``); means stand in for distributions, so it is an
    approximation (strikes within a quarter of the simulated figure at the presets).

    >>> from labsim.scenario.presets import load_scenario
    >>> figures = first_estimate(load_scenario("cambodia_baseline"))
    >>> list(figures) == list(FIRST_ESTIMATE_KPIS), figures["grievances_per_year"] > 0
    (True, True)
    """
    return dict(zip(FIRST_ESTIMATE_KPIS, (
        expected_strike_days_per_year(s), expected_strikes_per_year(s),
        sum(grievances_per_year(s, kind) for kind in KINDS_AT_WORKPLACE)), strict=True))
