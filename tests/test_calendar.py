"""The real calendar: weekends and Cambodia's public holidays by date, named weeks, deadlines
in working days that land on the right date."""

import csv
import dataclasses
import datetime as dt

import numpy as np
import pytest

import labsim
from labsim.scenario.calendar import (
    CYCLE_YEARS,
    HOLIDAYS_FILE,
    calendar_for,
    listed_years,
    public_holidays,
)
from labsim.scenario.parameters import START_YEAR
from labsim.scenario.presets import preset_names

BASELINE = labsim.load_scenario("cambodia_baseline")


def _calendar(start_year: int):
    return calendar_for(dataclasses.replace(BASELINE.calendar, start_year=start_year), 3 * 365.0)


def _rows() -> list[dict[str, str]]:
    with open(HOLIDAYS_FILE, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _last_date(cal, start: float, working_days: float) -> dt.date:
    """The last date of a deadline of ``working_days`` ministry working days from ``start``
    (one that ends at midnight ends on the day before)."""
    return cal.date(cal.deadline(start, working_days) - 1e-9)


def _deadline_date(date: dt.date, working_days: float) -> dt.date:
    """The last date of a deadline of ``working_days`` working days from noon on ``date``."""
    cal = _calendar(date.year)
    return _last_date(cal, cal.day(date) + 0.5, working_days)


def test_fifteen_working_days_from_a_date_land_on_the_right_date():
    # 3 June 2024, a Monday: 18 June is the Queen Mother's birthday, so the 15th working day
    # after it is Tuesday 25 June.
    assert _deadline_date(dt.date(2024, 6, 3), 15) == dt.date(2024, 6, 25)


def test_a_deadline_spanning_khmer_new_year_ends_later_than_the_same_deadline_in_june():
    april, june = dt.date(2024, 4, 5), dt.date(2024, 6, 21)  # two Fridays
    assert _deadline_date(april, 15) == dt.date(2024, 4, 30)  # 13-16 April 2024 closed
    assert _deadline_date(june, 15) == dt.date(2024, 7, 12)
    assert (_deadline_date(april, 15) - april).days > (_deadline_date(june, 15) - june).days


def test_working_days_agree_with_counting_dates_one_by_one():
    cal = _calendar(2013)
    rng = np.random.default_rng(4)
    for start in rng.integers(0, 5 * 365, 40):
        n = int(rng.integers(1, 30))
        date, counted = cal.date(start), 0
        while counted < n:
            date += dt.timedelta(days=1)
            counted += date.weekday() < 5 and date not in public_holidays(date.year)
        assert _last_date(cal, start + 0.5, n) == date


def test_factories_work_saturdays_and_neither_works_a_holiday():
    cal = _calendar(2024)
    monday = cal.day(dt.date(2024, 6, 24))
    assert cal.factories.between(monday, monday + 7) == 6
    assert cal.ministry.between(monday, monday + 7) == 5
    new_year = cal.day(dt.date(2024, 4, 13))
    assert cal.factories.between(new_year, new_year + 4) == 0


def test_calendar_days_hold_the_working_days_of_a_deadline_in_working_days():
    cal = _calendar(2022)
    for start in (10.3, 100.0, 287.9, 1000.5):
        end = cal.deadline(start, 15)
        assert cal.ministry.between(start, end) == pytest.approx(15)
        assert cal.deadline(start, 8, working_days=False) == start + 8


def test_every_year_from_2011_to_2026_is_listed_with_a_source_on_every_row():
    assert listed_years()[0] == 2011 and listed_years()[-1] >= 2026
    rows = _rows()
    assert {int(r["date"][:4]) for r in rows} == set(listed_years())
    for row in rows:
        assert row["source_title"] and row["publisher"] and row["url"].startswith("http"), row
        assert row["kind"] in ("fixed", "khmer_new_year", "lunar", "in_lieu", "special"), row


def test_later_years_keep_the_last_years_holidays_with_lunar_festivals_of_eight_years_before():
    last = listed_years()[-1]
    year = last + 1
    of = {y: [r for r in _rows() if r["date"].startswith(str(y))]
          for y in (last, year - CYCLE_YEARS)}
    fixed = {r["date"][4:] for r in of[last] if r["kind"] in ("fixed", "khmer_new_year")}
    festivals = {r["holiday"] for r in of[last] if r["kind"] == "lunar"}
    lunar = {r["date"][4:] for r in of[year - CYCLE_YEARS]
             if r["kind"] == "lunar" and r["holiday"] in festivals}
    expected = {dt.date.fromisoformat(f"{year}{day}") for day in fixed | lunar}
    assert public_holidays(year) == expected
    assert "Meak Bochea Day" not in festivals  # dropped in 2020: not brought back from 2019


def test_the_start_year_rule_begins_with_the_holiday_table():
    assert START_YEAR["rule"].low == listed_years()[0]


@pytest.mark.parametrize("name", [n for n in preset_names()
                                  if labsim.load_scenario(n).calendar.holidays_by_date])
def test_a_presets_yearly_holiday_average_matches_the_table_over_its_run(name):
    calendar = labsim.load_scenario(name).calendar
    years = range(calendar.start_year, calendar.start_year + 6)
    weekdays = np.mean([sum(d.weekday() < calendar.working_days_per_week
                            for d in public_holidays(y)) for y in years])
    assert abs(calendar.public_holidays_per_year - weekdays) <= 1.5


def test_one_days_working_time_in_plain_floats_is_the_numpy_arithmetic_to_the_last_bit():
    """``day_after`` reads one day at a time through ``_elapsed_at``; ``elapsed`` does the
    same arithmetic on arrays. Days inside the table, beyond it, before it, and not a number."""
    week = calendar_for(labsim.load_scenario("cambodia_baseline").calendar, 800.0).ministry
    rng = np.random.default_rng(2)
    days = np.concatenate([rng.uniform(-5.0, week.days + 400.0, 20_000),
                           np.arange(-2.0, week.days + 3.0, 0.5),
                           [0.0, week.days - 1e-9, float(week.days), np.nan]])
    expected = week.elapsed(days)
    got = np.array([week._elapsed_at(float(day)) for day in days])
    assert np.array_equal(got, expected, equal_nan=True)
    assert all(type(week._elapsed_at(float(day))) is float for day in days[:100])
