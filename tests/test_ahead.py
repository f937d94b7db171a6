"""The answers a room computes ahead: the dashboard's own positions, one control at a time,
coarse to fine."""

import pytest

from labsim.workshop import ahead, dashboards
from labsim.workshop.controls import PolicyControls


def test_coarse_to_fine_gives_every_step_once_ends_first():
    for steps in (0, 1, 2, 7, 20, 100):
        order = ahead.coarse_to_fine(steps)
        assert sorted(order) == list(range(steps + 1))
        assert order[:2] == [0, steps][:len(order[:2])] or steps == 0


@pytest.fixture(scope="module")
def board():
    return dashboards.prevention_vs_resolution(facilitator=False)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_answers_ahead_are_the_dashboards_own_settings_one_control_moved(board):
    wanted = list(ahead.settings_ahead(board))
    assert len(wanted) == len(set(wanted))
    assert PolicyControls() not in wanted  # the defaults: every page computes them first
    steps = sum(round((c.high - c.low) / c.step) + 1 for c in board.controls)
    assert len(wanted) == steps - len(board.controls)  # every position but today's
    # coarse to fine: each control's two ends come before anything finer
    first = wanted[:2 * len(board.controls)]
    assert PolicyControls(increment_usd_per_year=1_000_000.0) in first
    assert PolicyControls(grievance_rate_factor=2.0) in first
