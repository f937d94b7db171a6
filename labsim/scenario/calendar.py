"""Cambodia's calendar by date: weekends, public holidays, and working days on a named week.

Day 0 of a run is 1 January of the scenario's ``calendar.start_year``; day ``d`` is that date
plus ``d`` days. The public holidays are those of ``datasets/calendar/``, year by year; a
later year keeps the last listed year's holidays, fixed dates on the same day and the lunar
festivals on the dates they had 8 years before (8 solar years are 99 lunar months, 1.6 days
apart). A week is named by its working days from Monday: the ministry works Monday to Friday,
garment factories Monday to Saturday, and neither on a public holiday.

Working time runs at one working day per day on a working day and stands still otherwise, so
"``n`` working days after ``t``" is a date, found by a binary search in precomputed arrays:
no date arithmetic while a model runs.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..files import read_csv_rows
from .parameters import CollectiveConciliation, WorkingCalendar

HOLIDAYS_FILE = (Path(__file__).resolve().parents[2] / "datasets" / "calendar"
                 / "cambodia_public_holidays.csv")
CYCLE_YEARS = 8
"""Lunar festivals of a year beyond the table fall on their dates of this many years before."""
FIXED_KINDS = ("fixed", "khmer_new_year")
"""Holidays that keep their day of the year (Khmer New Year is solar)."""
MARGIN_DAYS = 4 * 366
"""Days the calendar runs past the end of a run, for deadlines that end after it."""


@lru_cache(maxsize=1)
def _listed() -> dict[int, tuple[tuple[dt.date, str, str], ...]]:
    """The holiday table by year: (date, holiday, kind) rows."""
    years: dict[int, list[tuple[dt.date, str, str]]] = {}
    for row in read_csv_rows(HOLIDAYS_FILE, "public holidays", ("date", "holiday", "kind")):
        day = dt.date.fromisoformat(row["date"])
        years.setdefault(day.year, []).append((day, row["holiday"], row["kind"]))
    return {year: tuple(rows) for year, rows in years.items()}


def listed_years() -> range:
    """The years the holiday table lists."""
    years = _listed()
    return range(min(years), max(years) + 1)


@lru_cache(maxsize=256)
def public_holidays(year: int) -> frozenset[dt.date]:
    """Cambodia's public holidays of ``year``: the table's, or by its rule for later years."""
    listed = _listed()
    if year in listed:
        return frozenset(day for day, _, _ in listed[year])
    last = listed_years()[-1]
    if year < listed_years()[0]:
        raise ValueError(f"no public holidays before {listed_years()[0]} (asked for {year})")
    source = year - CYCLE_YEARS * math.ceil((year - last) / CYCLE_YEARS)
    lunar = {name for _, name, kind in listed[last] if kind == "lunar"}
    return frozenset(
        [day.replace(year=year) for day, _, kind in listed[last] if kind in FIXED_KINDS]
        + [day.replace(year=year) for day, name, kind in listed[source]
           if kind == "lunar" and name in lunar])


class WorkingDays:
    """Working time on one week of the calendar, from day 0 for ``len(open_days)`` days, and
    at the table's average rate beyond."""

    def __init__(self, open_days: np.ndarray):
        self.open = open_days.astype(float)
        self.before = np.concatenate(([0.0], np.cumsum(self.open)))
        """Working days before each day (and, last, in the whole table)."""
        self._before, self._open = self.before.tolist(), self.open.tolist()
        self.days = len(open_days)
        self.rate = float(self.before[-1] / self.days)
        """Working days per calendar day beyond the table."""

    def elapsed(self, day: np.ndarray | float) -> np.ndarray | float:
        """Working days from day 0 to ``day`` (a fraction of a working day counts)."""
        day = np.asarray(day, dtype=float)
        inside = np.clip(np.nan_to_num(day), 0.0, self.days)
        whole = np.minimum(np.floor(inside).astype(np.int64), self.days - 1)
        worked = self.before[whole] + self.open[whole] * (inside - whole)
        beyond = np.maximum(day - self.days, 0.0) * self.rate
        result = np.where(np.isnan(day), np.nan, worked + beyond)
        return float(result) if result.ndim == 0 else result

    def _elapsed_at(self, day: float) -> float:
        """``elapsed`` of one day in plain floats, the same arithmetic: a case's deadline asks
        for one day at a time, and numpy's call costs 20 us."""
        if math.isnan(day):
            return math.nan
        inside = min(max(day, 0.0), self.days)
        whole = min(math.floor(inside), self.days - 1)
        beyond = max(day - self.days, 0.0) * self.rate
        return self._before[whole] + self._open[whole] * (inside - whole) + beyond

    def between(self, start: np.ndarray | float, end: np.ndarray | float) -> np.ndarray | float:
        """Working days from ``start`` to ``end``."""
        return self.elapsed(end) - self.elapsed(start)

    def day_after(self, day: float, working_days: float) -> float:
        """The first moment ``working_days`` working days have passed since ``day``."""
        target = self._elapsed_at(day) + working_days
        if target > self._before[-1]:
            return self.days + (target - self._before[-1]) / self.rate
        index = bisect.bisect_left(self._before, target)
        if self._before[index] == target:
            return float(index)
        return index - 1 + (target - self._before[index - 1])

    @functools.cache  # noqa: B019 - a run's calendars live as long as the process anyway
    def longest(self, working_days: float) -> float:
        """The most calendar days ``working_days`` working days take from a day's start, over
        the days whose deadline the table holds."""
        targets = self.before[:-1] + working_days
        inside = targets <= self.before[-1]
        targets = targets[inside]
        index = np.searchsorted(self.before, targets, side="left")
        ends = np.where(self.before[index] == targets, index,
                        index - 1 + targets - self.before[np.maximum(index - 1, 0)])
        return float(np.max(ends - np.flatnonzero(inside)))


@dataclass(frozen=True)
class Calendar:
    """The real calendar of a run: its first date and the working days of each named week."""

    start: dt.date
    ministry: WorkingDays
    """The ministry and the Arbitration Council: Monday to Friday, no public holidays."""
    factories: WorkingDays
    """Garment factories: Monday to Saturday, no public holidays."""

    def date(self, day: float) -> dt.date:
        """The date of simulation day ``day``."""
        return self.start + dt.timedelta(days=math.floor(day))

    def day(self, date: dt.date) -> float:
        """The simulation day a date begins."""
        return float((date - self.start).days)

    def deadline(self, day: float, days: float, working_days: bool = True) -> float:
        """When a deadline of ``days`` from ``day`` ends: working days of the ministry's
        week, or calendar days."""
        return self.ministry.day_after(day, days) if working_days else day + days

    def conciliation_days(self, cc: CollectiveConciliation,
                          rounds: np.ndarray | float) -> np.ndarray | float:
        """Calendar days collective conciliation may take in ``rounds`` rounds: the
        appointment and conciliation deadlines of each (Prakas 074/25) and, between two, the
        parties' window to request the second on the ministry's calendar (at its longest)."""
        window = self.ministry.longest(cc.reconciliation_request_working_days)
        return (rounds * (cc.appointment_deadline_days + cc.conciliation_deadline_days)
                + (rounds - 1) * window)


def _open_days(start: dt.date, days: int, weekdays: int, holidays: bool) -> np.ndarray:
    """Whether each of ``days`` days from ``start`` is a working day of a week whose first
    ``weekdays`` days from Monday are worked."""
    dates = np.arange(np.datetime64(start), np.datetime64(start) + days)
    monday_based = (dates.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 1970-01-01: Thu
    open_ = monday_based < weekdays
    if holidays:
        years = range(start.year, (start + dt.timedelta(days=days)).year + 1)
        off = np.array(sorted(d for y in years for d in public_holidays(y)), dtype="datetime64[D]")
        open_ &= ~np.isin(dates, off)
    return open_


@lru_cache(maxsize=32)
def _calendar(start_year: int, ministry_week: int, factory_week: int, holidays: bool,
              days: int) -> Calendar:
    start = dt.date(start_year, 1, 1)
    return Calendar(start, WorkingDays(_open_days(start, days, ministry_week, holidays)),
                    WorkingDays(_open_days(start, days, factory_week, holidays)))


def calendar_for(calendar: WorkingCalendar, horizon_days: float) -> Calendar:
    """The real calendar of a run of ``horizon_days`` days under ``calendar``'s rules."""
    days = math.ceil(max(horizon_days, 0.0)) + MARGIN_DAYS
    return _calendar(calendar.start_year, calendar.working_days_per_week,
                     calendar.factory_working_days_per_week, calendar.holidays_by_date, days)
