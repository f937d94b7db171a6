"""Shared fixtures: the presets, loaded once."""

import pytest

from labsim import load_scenario


@pytest.fixture(scope="session")
def baseline():
    return load_scenario("cambodia_baseline")


@pytest.fixture(scope="session")
def textbook():
    return load_scenario("textbook_network")
