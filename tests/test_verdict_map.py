"""The verdict map: its break-even line, its file, its mechanism's direction on the shipped
policies (stronger prevention never helps resolution first), its plot and its sentence."""

import math

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from labsim.analysis.verdict_map import VerdictMap, read_verdict_map
from labsim.errors import InputError
from labsim.experiments.expected_verdict import verdict_map
from labsim.views.cli import main
from labsim.views.plots import strike_day_verdict_map
from labsim.views.report import break_even_line

POLICIES = ["prevention_first", "resolution_first"]


def _map(rows, central=(0.5, 0.5)):
    return VerdictMap(("prevention_first", "resolution_first"), (0.0, 0.5, 1.0), (0.0, 0.5, 1.0),
                      rows, central, "test")


def test_break_even_is_where_each_row_changes_sign_between_grid_points():
    m = _map(((-0.2, 0.2, 0.4), (-0.4, -0.2, 0.2), (0.1, 0.3, 0.5)))
    assert m.break_even() == [(0.25, 0.0), (0.75, 0.5)]  # the last row never changes sign


def test_a_world_that_cannot_run_makes_no_break_even():
    m = _map(((-0.2, math.nan, 0.4), (0.1, 0.2, 0.3), (0.1, 0.2, 0.3)))
    assert m.break_even() == []


def test_a_saved_map_reads_back_the_same(tmp_path):
    m = _map(((-0.2, 0.2, 0.4), (-0.4, math.nan, 0.2), (0.1, 0.3, 0.5)))
    back = read_verdict_map(m.save(tmp_path / "map.csv"))
    assert back.names == m.names and back.central == m.central and back.stamp == "test"
    assert back.prevention == m.prevention and back.resolution == m.resolution
    assert np.array_equal(np.array(back.difference), np.array(m.difference), equal_nan=True)


def test_a_file_that_is_not_a_map_is_one_error(tmp_path):
    bad = tmp_path / "map.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="verdict map"):
        read_verdict_map(bad)


def test_the_sentence_names_the_winner_and_the_break_even():
    m = _map(((-0.2, 0.2, 0.4), (-0.4, -0.2, 0.2), (0.1, 0.3, 0.5)), central=(1.0, 0.5))
    line = break_even_line(m)
    assert "resolution first has 20% more strike days than prevention first" in line
    assert "resolution first has fewer where prevention officers can avert at most 75%" in line
    flat = _map(((0.1, 0.2, 0.3),) * 3)
    assert "no prevention effect in its range reverses that" in break_even_line(flat)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_stronger_prevention_never_favours_resolution_first():
    """By mechanism: officers avert more grievances, prevention first has fewer strikes to
    begin with, so resolution first's relative difference rises along every row."""
    m = verdict_map(POLICIES, points=3)
    rows = np.array(m.difference)
    assert not np.isnan(rows).any()
    assert (np.diff(rows, axis=1) > 0).all()
    assert m.prevention[0] == 0.0 and m.central == (0.4, 0.5)
    assert "expected flows, no simulation" in m.stamp


def test_the_map_plot_draws_the_break_even_and_the_centre():
    m = _map(((-0.2, 0.2, 0.4), (-0.4, -0.2, 0.2), (0.1, 0.3, 0.5)))
    fig = strike_day_verdict_map(m)
    FigureCanvasAgg(fig).draw()
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("central assumptions" in t for t in texts)
    assert any("Resolution first: fewer strike days" in t for t in texts)
    assert any("Prevention first: fewer strike days" in t for t in texts)
    assert "break-even" in texts


def test_the_map_needs_two_policies(capsys):
    code = main(["robustness", *POLICIES, "balanced", "--map", "x.csv"])
    err = capsys.readouterr().err
    assert code == 2 and "--map" in err and err.count("\n") == 1
