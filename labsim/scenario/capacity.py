"""What staff can carry: cases each staffed stage handles at once, and how busy it would be.

A case occupies a slot for its whole handling time, but takes only some hours of one staff
member (``StaffEffort``); staff give only part of their time to disputes. By Little's law a
stage carries ``staff x share x working hours per calendar day x mean handling days /
effort hours`` cases at once, so its utilisation is the share of its staff hours in use.
"""

from __future__ import annotations

from .parameters import Scenario, StaffEffort, WorkingCalendar
from .rates import arbitration_cases_per_year, filed_per_year

EFFORT_PATHS = {
    "individual_conciliation": "individual_conciliation.effort",
    "collective_conciliation": "collective_conciliation.effort",
    "arbitration": "arbitration.effort",
    "migrant_resource_centre": "migrant_route.effort",
    "mediation": "korea_system.mediation_effort",
    "adjudication": "korea_system.adjudication_effort",
}
"""Where each staffed stage's effort parameters sit in a scenario."""


def cases_at_once(staff: float, effort: StaffEffort, handling_days: float,
                  calendar: WorkingCalendar) -> int:
    """Cases ``staff`` can carry at the same time (rounded to whole cases)."""
    return round(staff * effort.share_of_time_on_disputes
                 * calendar.working_hours_per_calendar_day * handling_days
                 / effort.effort_hours_per_case)


def staff_capacity(s: Scenario) -> dict[str, int]:
    """Cases each staffed stage of the scenario can carry at once."""
    ic, cc, arb, cal = (s.individual_conciliation, s.collective_conciliation, s.arbitration,
                        s.calendar)
    capacity = {
        "individual_conciliation": cases_at_once(ic.labour_inspectors, ic.effort,
                                                 s.duration(ic.service).mean, cal),
        "collective_conciliation": cases_at_once(cc.conciliators, cc.effort,
                                                 s.duration(cc.service).mean, cal),
        "arbitration": cases_at_once(arb.arbitrators / arb.panel_size, arb.effort,
                                     s.duration(arb.service).mean, cal),
    }
    if s.migrant_on:
        m = s.migrant_route
        handling = s.duration(m.intake).mean + s.duration(m.mediation).mean
        capacity["migrant_resource_centre"] = cases_at_once(m.mrc_staff, m.effort, handling, cal)
    if s.korea_on:
        k = s.korea_system
        capacity["mediation"] = cases_at_once(k.mediation_committees, k.mediation_effort,
                                              s.duration(k.mediation).mean, cal)
        capacity["adjudication"] = cases_at_once(k.adjudication_panels, k.adjudication_effort,
                                                 s.duration(k.regional_adjudication).mean, cal)
    return capacity


def expected_utilisation(s: Scenario) -> dict[str, float]:
    """Share of the staff hours of each core resolution stage its expected cases need:
    expected yearly cases x effort hours / staff hours given to disputes per year."""
    ic, cc, arb, cal = (s.individual_conciliation, s.collective_conciliation, s.arbitration,
                        s.calendar)
    hours = cal.working_hours_per_day * cal.working_days_per_year

    def busy(cases: float, staff: float, effort: StaffEffort) -> float:
        offered = staff * effort.share_of_time_on_disputes * hours
        return cases * effort.effort_hours_per_case / offered if offered else float("inf")

    rounds = 1 + cc.outcomes.non_conciliation * cc.reconciliation_share
    return {
        "individual_conciliation": busy(filed_per_year(s, "individual"), ic.labour_inspectors,
                                        ic.effort),
        "collective_conciliation": busy(filed_per_year(s, "collective") * rounds,
                                        cc.conciliators, cc.effort),
        "arbitration": busy(arbitration_cases_per_year(s) * arb.panel_size, arb.arbitrators,
                            arb.effort),
    }
