"""What staff can carry: cases each staffed stage handles at once, and how busy it would be.

A case occupies a slot for its whole handling time, but takes only some hours of one staff
member (``StaffEffort``); staff give only part of their time to disputes. By Little's law a
stage carries ``servers x share x working hours per calendar day x mean handling days /
effort hours`` cases at once, so its utilisation is the share of its staff hours in use.
Which stages are staffed, and where their staff and effort sit, is the stage registry's.
"""

from __future__ import annotations

from .parameters import Scenario, StaffEffort, WorkingCalendar
from .stages import (
    effort,
    handling_days,
    servers,
    staff_count,
    staff_per_server,
    staffed_stages_on,
    staffing,
)


def cases_at_once(staff: float, effort: StaffEffort, handling_days: float,
                  calendar: WorkingCalendar) -> int:
    """Cases ``staff`` can carry at the same time (rounded to whole cases)."""
    return round(staff * effort.share_of_time_on_disputes
                 * calendar.working_hours_per_calendar_day * handling_days
                 / effort.effort_hours_per_case)


def slot_days(s: Scenario, stage: str) -> float:
    """Mean calendar days a case holds a slot at ``stage``: its handling time, less today's
    wait for a first hearing where the handling was measured from entry (the model
    simulates that wait apart)."""
    return handling_days(s, stage) - booking_days_today(s, stage)


def staff_capacity(s: Scenario) -> dict[str, int]:
    """Cases each staffed stage of the scenario's routes can carry at once."""
    return {name: cases_at_once(servers(s, name), effort(s, name), slot_days(s, name),
                                s.calendar) for name in staffed_stages_on(s)}


def booking_days_per_case(s: Scenario, stage: str) -> float:
    """Calendar days each case already in a server's hands adds to a new case's wait for its
    first hearing: the share of a case's effort hours it claims, over the hours a server
    gives disputes in a calendar day (``StaffEffort.booking_share_of_effort``)."""
    work = effort(s, stage)
    return (work.booking_share_of_effort * work.effort_hours_per_case
            / (work.share_of_time_on_disputes * s.calendar.working_hours_per_calendar_day)
            / servers(s, stage)) if work.share_of_time_on_disputes > 0 else 0.0


def booking_days_today(s: Scenario, stage: str) -> float:
    """Today's mean wait for a first hearing at ``stage``, held in handling durations
    measured from entry (``StaffEffort.booking_days_today``; 0 where none is held), taken
    as at most half the handling time (an override may have shortened the handling)."""
    return min(effort(s, stage).booking_days_today or 0.0, handling_days(s, stage) / 2)


def expected_utilisation(s: Scenario) -> dict[str, float]:
    """Share of the staff hours of each staffed stage its expected cases need: expected
    yearly cases x effort hours / staff hours given to disputes per year (stages whose
    yearly cases the registry writes down)."""
    cal = s.calendar
    hours = cal.working_hours_per_day * cal.working_days_per_year
    busy = {}
    for name in staffed_stages_on(s):
        staff = staffing(name)
        if staff.workload is None:
            continue
        cases, work = staff.workload(s) * staff_per_server(s, name), effort(s, name)
        offered = staff_count(s, name) * work.share_of_time_on_disputes * hours
        busy[name] = cases * work.effort_hours_per_case / offered if offered else float("inf")
    return busy
