"""Shared fixtures: the presets, loaded once, and the check that no case is lost."""

import pytest

from labsim import load_scenario
from labsim.records import STAGES


@pytest.fixture(scope="session")
def baseline():
    return load_scenario("cambodia_baseline")


@pytest.fixture(scope="session")
def textbook():
    return load_scenario("textbook_network")


def _stages_balance(cases) -> None:
    """Every case that entered a stage left it or is still there (entry and exit days are
    recorded separately), each open case sits where its record says, and closed cases end
    after they arrive: no case is lost or closed twice."""
    for _, one in cases.groupby("replication"):
        for stage in STAGES[1:]:
            entered = one[f"{stage}_entry_day"].notna()
            left = one[f"{stage}_exit_day"].notna()
            inside = (one["status"] == "open") & (one["stage"] == stage)
            assert (left <= entered).all(), stage
            assert (entered & ~left).sum() == inside.sum(), stage
        closed = one["status"] != "open"
        assert (one.loc[closed, "end_day"] >= one.loc[closed, "arrival_day"] - 1e-9).all()
        assert one.loc[~closed, "end_day"].isna().all()


@pytest.fixture(scope="session")
def no_case_is_lost():
    return _stages_balance
