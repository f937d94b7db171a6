"""What participants read: display names, plain intervals, every string through _()."""

import math

import pandas as pd
import pytest

from labsim import i18n
from labsim.analysis.kpis import summarise
from labsim.experiments.calibration import Target
from labsim.i18n import display_name, in_sentence
from labsim.views.report import (
    first_estimate_lines,
    format_estimate,
    format_targets,
    headline,
    overload_lines,
    verdict,
)


def _row(kpi, difference, low, high, reference_mean=1.0, clear=None, better=None, **extra):
    relative = [v / reference_mean if reference_mean else math.nan
                for v in (difference, low, high)]
    clear = (low > 0 or high < 0) if clear is None else clear
    return {"scenario": "resolution_first", "reference": "prevention_first", "kpi": kpi,
            "difference": difference, "ci_low": low, "ci_high": high,
            "mean": reference_mean + difference, "reference_mean": reference_mean,
            "relative": relative[0], "relative_ci_low": relative[1],
            "relative_ci_high": relative[2], "clear": clear, "better": better,
            "beyond_run": False, "at_least": False, **extra}


def _said(**row) -> str:
    return verdict(pd.DataFrame([_row(**row)]), [row["kpi"]])[0]


def test_policies_read_as_display_names():
    assert display_name("resolution_first") == "Resolution first"
    assert in_sentence("prevention_first") == "prevention first"
    assert display_name("my_own_plan") == "My own plan"
    line = _said(kpi="strike_days_per_year", difference=39.0, low=14.0, high=63.0,
                 reference_mean=100.0, better=False)
    assert line.startswith("Strike days per year: Resolution first has 39% more than "
                           "prevention first (95% CI 14% to 63% more); worse")
    assert "_" not in line


def test_a_zero_width_interval_says_there_is_no_difference():
    line = _said(kpi="share_individual_heard_within_deadline", difference=0.0, low=0.0,
                 high=0.0, clear=False)
    assert "no difference (both are 100%)" in line
    assert "+0.0" not in line and "points" not in line


@pytest.mark.parametrize("difference, low, high", [(-0.0001, -0.0004, 0.0002),
                                                   (0.003, 0.001, 0.005)])
def test_no_minus_zero_nan_or_bare_zero_percent(difference, low, high):
    line = _said(kpi="strike_days_per_year", difference=difference * 100, low=low * 100,
                 high=high * 100, reference_mean=100.0, better=None)
    for bad in ("-0%", "nan", " 0% ", "+0%"):
        assert bad not in line, line


def test_an_interval_from_less_than_a_tenth_keeps_its_words():
    line = _said(kpi="share_individual_heard_within_deadline", difference=0.0005,
                 low=0.0002, high=0.001, better=True)
    assert "less than 0.1 points to 0.1 points higher" in line, line


def test_a_missing_relative_interval_falls_back_to_the_unit_not_nan():
    row = _row("strike_days_per_year", 5.0, 2.0, 8.0, reference_mean=0.0, better=False)
    line = verdict(pd.DataFrame([row]), ["strike_days_per_year"])[0]
    assert "nan" not in line and "factory working days/year" in line


def test_a_count_shows_no_negative_bound_and_a_share_none_above_100():
    """Runs whose t interval spills below 0 or above 100%, as the tables show them."""
    summary = summarise(pd.DataFrame({"strike_days_per_year": [0.0, 0.0, 0.0, 40.0],
                                      "share_resolved": [0.95, 1.0, 1.0, 1.0]}))
    low, high = format_estimate("strike_days_per_year", summary.loc["strike_days_per_year"])[
        1].strip("[]").split(", ")
    assert float(low) == 0.0 and float(high) > 0
    assert format_estimate("share_resolved", summary.loc["share_resolved"])[1].endswith(
        ", 100%]")


def test_headline_counts_clear_wins_of_each_policy():
    rows = pd.DataFrame([
        _row("strike_days_per_year", 39.0, 14.0, 63.0, 100.0, better=False),
        _row("grievances_per_year", 20.0, 10.0, 30.0, 100.0, better=False),
        _row("share_resolved", 0.03, 0.02, 0.04, 0.9, better=True),
        _row("days_to_outcome_median_individual_filed", 1.0, -1.0, 3.0, 10.0, clear=False)])
    assert headline(rows) == ("Under the central assumptions, resolution first is clearly "
                              "better than prevention first on 1 of 4 indicators and clearly "
                              "worse on 2; on 1, the two are about the same or not clearly "
                              "different.")


def test_a_clear_difference_too_small_to_matter_reads_about_the_same():
    """0.8% fewer strike days with an interval that excludes zero is not 'clearly better'."""
    rows = pd.DataFrame([
        _row("strike_days_per_year", -0.8, -1.2, -0.4, 100.0, better=True),
        _row("share_resolved", 0.008, 0.005, 0.011, 0.9, better=True),
        _row("grievances_per_year", -20.0, -30.0, -10.0, 100.0, better=True)])
    lines = verdict(rows)
    assert lines[0].startswith("Strike days per year: about the same: resolution first has "
                               "0.8% fewer than prevention first"), lines[0]
    assert "less than the 5% that would matter" in lines[0]
    assert "about the same" in lines[1] and "2 points that would matter" in lines[1]
    assert "better" not in lines[0].split("(")[0] and lines[2].endswith("; better")
    assert headline(rows).startswith("Under the central assumptions, resolution first is "
                                     "clearly better than prevention first on 1 of 3")


def test_every_sentence_goes_through_the_translation_function(monkeypatch):
    class Marked:
        """A stand-in catalogue that marks every message it translates."""

        def gettext(self, message):
            return f"«{message}»"

    monkeypatch.setattr(i18n, "_translation", Marked())
    rows = pd.DataFrame([_row("strike_days_per_year", 39.0, 14.0, 63.0, 100.0, better=False)])
    fitted = pd.DataFrame({"mean": [110.0], "ci_low": [100.0], "ci_high": [120.0]},
                          index=["strikes_per_year"])
    target = Target("strikes_per_year", 108.0, 20.0, "GMAC", "2014")
    for line in [*verdict(rows), headline(rows),
                 *overload_lines({"resolution_first": {"arbitration": "busy"}}),
                 *first_estimate_lines({"prevention_first": {"strike_days_per_year": 89.0},
                                        "resolution_first": {"strike_days_per_year": 105.0}}),
                 *format_targets(fitted, [target])]:
        assert line.startswith("«"), line
    assert "«Strike days per year»" in verdict(rows)[0]  # catalog labels too
    assert display_name("resolution_first") == "«Resolution first»"


def test_use_language_switches_to_khmer_and_back():
    with i18n.in_language("km"):
        assert i18n._("Strike days per year") == "ថ្ងៃកូដកម្មក្នុងមួយឆ្នាំ"
        assert display_name("prevention_first") == "អាទិភាពលើការបង្ការ"
    assert i18n._("Strike days per year") == "Strike days per year"
    with pytest.raises(ValueError, match="expected one of en, km"):
        i18n.use_language("fr")
