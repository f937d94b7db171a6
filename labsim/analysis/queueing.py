"""Queueing theory for the textbook network: Erlang C stations in an open Jackson network.

With Poisson arrivals, exponential durations and fixed routing shares, each staffed stage
is an M/M/c queue fed at the rate the routing gives it (Jackson's theorem), and each
unstaffed stage (workplace, appointment, court) an M/M/infinity delay. These formulas are
what the simulation is validated against.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..scenario.capacity import staff_capacity
from ..scenario.parameters import YEAR_DAYS, Scenario
from ..scenario.rates import (
    binding_share,
    conciliation_rounds,
    filed_per_year,
    share_to_arbitration,
)


@dataclass(frozen=True)
class StationMetrics:
    """Steady-state metrics of one M/M/c station."""

    arrival_rate_per_day: float
    servers: int
    utilisation: float
    probability_of_waiting: float
    mean_wait_days: float


def erlang_c(arrival_rate: float, service_rate: float, servers: int) -> StationMetrics:
    """M/M/c metrics; raises ValueError when the station is unstable (utilisation >= 1)."""
    offered = arrival_rate / service_rate
    rho = offered / servers
    if rho >= 1:
        raise ValueError(f"unstable station: utilisation {rho:.3f} >= 1 with {servers} servers")
    term, below = 1.0, 1.0  # a^k / k!, summed for k < c
    for k in range(1, servers):
        term *= offered / k
        below += term
    top = term * offered / servers / (1 - rho)  # a^c / c! / (1 - rho)
    p_wait = top / (below + top)
    wait = p_wait / (servers * service_rate - arrival_rate)
    return StationMetrics(arrival_rate, servers, rho, p_wait, wait)


def textbook_predictions(scenario: Scenario) -> pd.DataFrame:
    """Jackson-network predictions per stage for a textbook scenario.

    Columns: arrival_rate_per_day (visits), servers, utilisation, mean_wait_days (per
    visit), mean_days_in_stage (per case, all rounds) and mean_in_stage (time average).
    """
    s = scenario
    if not s.exponential_durations or any(m != 1.0 for m in s.arrivals.monthly_seasonality):
        raise ValueError("textbook predictions need exponential durations and no seasonality")
    if s.prevention.prevention_officers or s.prevention.trained_workplace_share:
        raise ValueError("textbook predictions need prevention effects switched off")
    ic, cc, arb = s.individual_conciliation, s.collective_conciliation, s.arbitration
    to_inspectors = filed_per_year(s, "individual") / YEAR_DAYS
    to_conciliation = filed_per_year(s, "collective") / YEAR_DAYS
    rounds = conciliation_rounds(cc)
    to_arbitration = to_conciliation * share_to_arbitration(cc)
    # A non-binding award keeps its case at the Council until the objection window closes.
    day = s.calendar.calendar_days(1.0)  # a working day, in calendar days on average
    objection_wait = (arb.outcomes.award * (1 - binding_share(s)) * arb.objection_window_days
                      * (day if arb.objection_window_in_working_days else 1.0))
    # A second round waits for the parties' joint request.
    request_wait = (rounds - 1) * cc.reconciliation_request_working_days * day
    servers = staff_capacity(s)
    stations = {  # metrics, service days, delay before each visit, visits per case, delay after
        "individual_conciliation": (
            erlang_c(to_inspectors, 1 / ic.service.mean, servers["individual_conciliation"]),
            ic.service.mean, 0.0, 1.0, 0.0),
        "collective_conciliation": (
            erlang_c(to_conciliation * rounds, 1 / cc.service.mean,
                     servers["collective_conciliation"]),
            cc.service.mean, cc.appointment_delay.mean, rounds, request_wait),
        "arbitration": (
            erlang_c(to_arbitration, 1 / arb.service.mean, servers["arbitration"]),
            arb.service.mean, 0.0, 1.0, objection_wait),
    }
    rows = {}
    for stage, (m, service, delay, visits, after) in stations.items():
        case_rate = m.arrival_rate_per_day / visits
        days = visits * (delay + m.mean_wait_days + service) + after
        rows[stage] = {
            "arrival_rate_per_day": m.arrival_rate_per_day,
            "servers": m.servers,
            "utilisation": m.utilisation,
            "mean_wait_days": m.mean_wait_days,
            "mean_days_in_stage": days,
            "mean_in_stage": case_rate * days,
        }
    return pd.DataFrame.from_dict(rows, orient="index")
