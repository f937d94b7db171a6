"""Shared fixtures: the presets, loaded once, the check that no case is lost, edited presets;
and the ``slow`` mark on notebooks (``make test-fast`` leaves slow tests out)."""

import tomllib
from pathlib import Path

import pytest
import tomli_w

from labsim import ScenarioError, load_scenario
from labsim.scenario.dotted import get_path, set_path
from labsim.scenario.presets import SCENARIO_DIR
from labsim.scenario.stages import STAGE_NAMES


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
        for stage in STAGE_NAMES[1:]:
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


@pytest.fixture
def edited_preset(tmp_path):
    """Write a preset with some values changed (dotted paths on its parsed TOML) to a file.

    ``edited_preset("balanced", {"policy.allocation_usd_per_year.mrc_staff": 6000.0})``; a
    value given as a function (``lambda v: v - 6000.0``) is applied to the preset's own value,
    so a test keeps testing when the preset changes. A path the preset does not hold fails the
    test: a schema change must not leave an edit that tests nothing. Returns the new file's
    path.
    """
    def write(name: str, changes: dict, file_name: str = "edited.toml") -> Path:
        data = tomllib.loads((SCENARIO_DIR / f"{name}.toml").read_text(encoding="utf-8"))
        for path, value in changes.items():
            try:
                old = get_path(data, path)
            except ScenarioError:
                pytest.fail(f"{path} is not in {name}.toml: the schema changed, so this edit "
                            "would test nothing; edit the field that replaced it")
            set_path(data, path, value(old) if callable(value) else value)
        out = tmp_path / file_name
        out.write_text(tomli_w.dumps(data), encoding="utf-8")
        return out
    return write


def pytest_collection_modifyitems(items):
    """Notebooks and exercises run under nbval are slow tests."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium, headless, for a whole browser-test module (served_pages.py)."""
    from served_pages import launched_chromium

    with launched_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory):
    """The main dashboard served by Voila on a free local port, for a whole test module."""
    from served_pages import served_dashboard

    with served_dashboard(tmp_path_factory.mktemp("voila") / "voila.log") as url:
        yield url
