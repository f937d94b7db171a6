"""Expected strikes and strike days a year from the expected flows: no simulation.

The model's strike mechanism (``model/strikes.py``) in means: a collective dispute's strike
hazard acts over its expected waiting time at the workplace, in conciliation and at the
Arbitration Council (lowered within the legal deadlines, raised past them), a share of
objected interest awards is followed by a strike, and a strike lasts its natural length,
shortened once conciliation reaches it, counted in the factories' working days. Means stand
in for distributions, so this is an approximation (within a quarter of the simulated figure
at the presets: ``tests/test_mechanisms.py``); it prices what money buys
(``allocation.py``) and re-fits
plausible worlds to the strike record.

>>> from labsim.scenario.presets import load_scenario
>>> 100 < expected_strike_days_per_year(load_scenario("cambodia_baseline")) < 400
True
"""

from __future__ import annotations

import dataclasses
import math

from scipy.special import ndtr

from .calendar import calendar_for
from .capacity import slot_days
from .parameters import YEAR_DAYS, Duration, Scenario
from .rates import (
    conciliation_rounds,
    filed_per_year,
    grievances_per_year,
    sector_grievances_per_year,
    share_to_arbitration,
)
from .settlement import effective_outcomes, expected_booking_days

CONCILIATION, COUNCIL = "collective_conciliation", "arbitration"
GARMENT_SECTOR = "garment_footwear"
"""The sector whose strikes the public record counts (GMAC)."""
STRIKE_RECORD_KPIS = ("garment_strikes_per_year", "workdays_per_strike")
"""The strike figures of the public record that ``expected_strike_record`` gives."""


def _overdue(spent: float, deadline: float) -> tuple[float, float]:
    """Days of a wait of ``spent`` days within ``deadline``, and past it."""
    return min(spent, deadline), max(spent - deadline, 0.0)


def reach_days(s: Scenario) -> float:
    """Days until ministry conciliation reaches a strike: a conciliator's appointment, then
    the first meeting booked behind the disputes in hand."""
    cc = s.collective_conciliation
    return s.duration(cc.appointment_delay).mean + expected_booking_days(s, CONCILIATION)


def strike_length_days(s: Scenario) -> float:
    """Mean length of a strike: its natural length, ``conciliation_cut`` of what remains once
    conciliation reaches it removed (exact for a lognormal length)."""
    length = s.duration(s.strikes.duration)
    cut, reach = s.strikes.conciliation_cut, reach_days(s)
    if cut == 0:
        return length.mean
    within = _mean_below(length, reach)
    return within + (1 - cut) * (length.mean - within)


def _mean_below(d: Duration, t: float) -> float:
    """E[min(D, t)] of a duration D (lognormal exactly, any other family by its mean)."""
    if d.family != "lognormal" or t <= 0:
        return min(d.mean, max(t, 0.0))
    sigma = math.sqrt(math.log1p(d.cv ** 2))
    mu = math.log(d.mean) - sigma ** 2 / 2
    z = (math.log(t) - mu) / sigma
    # ndtr is what scipy.stats.norm.cdf computes (sf(z) = cdf(-z)), without its 30 us a call
    return d.mean * float(ndtr(z - sigma)) + t * float(ndtr(-z))


def expected_strikes(s: Scenario) -> tuple[float, float]:
    """Expected strikes a year while disputes wait, and after objected awards."""
    if not s.strikes.enabled:
        return 0.0, 0.0
    st, cc, arb = s.strikes, s.collective_conciliation, s.arbitration
    h, refrain, overdue = (st.hazard_per_day, st.hazard_per_day * st.refrain_factor,
                           st.hazard_per_day * st.overdue_hazard_multiplier)
    grievances = grievances_per_year(s, "collective")
    filed = filed_per_year(s, "collective")
    conciliation = dataclasses.replace(cc, outcomes=effective_outcomes(s, CONCILIATION))
    rounds = conciliation_rounds(conciliation)
    in_conciliation = rounds * (s.duration(cc.appointment_delay).mean
                                + expected_booking_days(s, CONCILIATION)
                                + slot_days(s, CONCILIATION))
    calm, late = _overdue(in_conciliation,
                          rounds * (cc.appointment_deadline_days + cc.conciliation_deadline_days))
    at_council = expected_booking_days(s, COUNCIL) + slot_days(s, COUNCIL)
    calm_c, late_c = _overdue(at_council, s.calendar.calendar_days(arb.award_deadline_working_days))
    to_council = share_to_arbitration(conciliation)
    workplace = h * s.duration(s.prevention.workplace_delay).mean
    procedure = (refrain * calm + overdue * late
                 + to_council * (refrain * calm_c + overdue * late_c))
    waiting = ((grievances - filed) * -math.expm1(-workplace)
               + filed * -math.expm1(-(workplace + procedure)))
    award = effective_outcomes(s, COUNCIL).award
    interest = 1 - s.arrivals.rights_dispute_share
    objected = (filed * to_council * award * interest * (1 - arb.binding_award_share_interest)
                * arb.objection_share)
    return waiting, objected * st.strike_share_after_objection


def expected_strikes_per_year(s: Scenario) -> float:
    """Expected strikes a year (a dispute that strikes twice counts twice here; rarely)."""
    return sum(expected_strikes(s))


def strike_working_days(s: Scenario) -> float:
    """Mean length of a strike in factory working days (as the KPIs count strike days)."""
    return strike_length_days(s) * calendar_for(s.calendar, YEAR_DAYS).factories.rate


def expected_strike_days_per_year(s: Scenario) -> float:
    """Expected strike days a year, in factory working days: expected strikes times their
    mean length."""
    return expected_strikes_per_year(s) * strike_working_days(s)


def expected_strike_record(s: Scenario) -> dict[str, float]:
    """The strike figures the public record counts, in means (KPI names of the catalog):
    strikes a year in garment and footwear (their share of collective grievances), and
    working days lost per strike (workers per dispute x its factory working days)."""
    garment = sum(sector_grievances_per_year(sector, "collective")
                  for sector in s.arrivals.sectors if sector.name == GARMENT_SECTOR)
    every = sum(sector_grievances_per_year(sector, "collective") for sector in s.arrivals.sectors)
    strikes = expected_strikes_per_year(s)
    return {"garment_strikes_per_year": strikes * garment / every if every else 0.0,
            "workdays_per_strike": s.arrivals.workers_per_collective_case_mean
            * strike_working_days(s)}
