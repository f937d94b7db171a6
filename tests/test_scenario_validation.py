"""Scenario files: every rule gives one clear error naming the field, the value and the rule."""

import pytest

import labsim
from labsim import ScenarioError, load_scenario, save_scenario, with_overrides
from labsim.scenario.io import scenario_from_dict, scenario_to_dict
from labsim.scenario.presets import SCENARIO_DIR


def test_every_preset_loads():
    names = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
    assert {"cambodia_baseline", "textbook_network"} <= set(names)
    for name in names:
        assert load_scenario(name).name == name


def test_round_trip_through_toml(baseline, tmp_path):
    path = save_scenario(baseline, tmp_path / "copy.toml")
    assert load_scenario(path) == baseline


def test_override_returns_changed_copy(baseline):
    changed = with_overrides(baseline, {"arbitration.arbitrators": 40},
                             collective_conciliation__conciliators=9)
    assert changed.arbitration.arbitrators == 40
    assert changed.collective_conciliation.conciliators == 9
    assert baseline.arbitration.arbitrators == 25


def test_override_addresses_sector_by_name_and_index(baseline):
    by_name = with_overrides(baseline, {"arrivals.sectors.other.workers": 1})
    by_index = with_overrides(baseline, {"arrivals.sectors.1.workers": 1})
    assert by_name == by_index
    assert by_name.arrivals.sectors[1].workers == 1


def _error(baseline, path, value):
    with pytest.raises(ScenarioError) as info:
        with_overrides(baseline, {path: value})
    return info.value


@pytest.mark.parametrize("path, value, allowed", [
    ("arbitration.arbitrators", "many", "a whole number"),
    ("arbitration.arbitrators", 2.5, "a whole number"),
    ("strikes.enabled", 1, "true or false"),
    ("arrivals.sectors", 5, "a list of tables (Sector)"),
    ("arrivals.monthly_seasonality", "x", "a list of numbers"),
    ("collective_conciliation.conciliators", -1, "a whole number from 0"),
    ("collective_conciliation.conciliators", 10**400, "staff are workers too"),
    ("individual_conciliation.effort.effort_hours_per_case", 0.001, "at least 1/60 (a minute"),
    ("arbitration.objection_share", 1.2, "a probability in [0, 1]"),
    ("courts.dropout_share", -0.1, "a probability in [0, 1]"),
    ("individual_conciliation.hearing_deadline_days", 0, "a number of days > 0"),
    ("arrivals.sectors.garment_footwear.workers", -5, "a whole number from 0"),
    ("calendar.working_hours_per_day", 25.0, "at most 24 (the hours in a day)"),
    ("calendar.working_days_per_week", 8, "from 1 to 7 (the days in a week)"),
    ("arrivals.sectors.other.workers", 5_000_000_000, "more than the world's labour force"),
    ("arrivals.sectors.other.enterprises", 5_000_000_000, "each enterprise employs someone"),
    ("arrivals.sectors.other.individual_grievances_per_1000_workers_per_year", 4e5,
     "every worker raising a grievance every day"),
    ("arrivals.sectors.other.collective_grievances_per_100_enterprises_per_year", 4e4,
     "every enterprise raising a collective grievance every day"),
    ("arrivals.workers_per_collective_case_mean", 5e9, "more than the world's labour force"),
    ("courts.delay.cv", 1e200, "a number from 0 to 100"),
    ("individual_conciliation.hearing_deadline_days", 1e9, "at most 36,500 (100 years"),
    ("strikes.duration.mean_days", 40_000.0, "from 0 to 36,500 (100 years"),
])
def test_field_rule_names_field_value_and_rule(baseline, path, value, allowed):
    err = _error(baseline, path, value)
    assert err.path == path
    assert err.value == value
    assert allowed in str(err) and path in str(err)


def test_shares_that_do_not_sum_to_one(baseline):
    err = _error(baseline, "individual_conciliation.outcomes.agreement", 0.9)
    assert err.path.startswith("individual_conciliation.outcomes.")
    assert "sum to 1" in str(err) and "1.08" in str(err)


def test_seasonality_must_have_twelve_months_averaging_one(baseline):
    assert "exactly 12" in str(_error(baseline, "arrivals.monthly_seasonality", [1.0] * 11))
    assert "averaging 1" in str(_error(baseline, "arrivals.monthly_seasonality", [2.0] * 12))


def test_unknown_duration_family(baseline):
    err = _error(baseline, "courts.delay", {"family": "weibull", "mean_days": 3.0})
    assert err.path == "courts.delay.family" and "lognormal" in err.allowed


def test_workplace_gains_cannot_push_share_above_one(baseline):
    err = _error(baseline, "prevention.training_resolution_gain", 0.9)
    assert err.path.startswith("prevention.") and "<= 1" in err.allowed


def test_too_few_arbitrators_for_a_panel(baseline):
    err = _error(baseline, "arbitration.arbitrators", 1)
    assert err.path == "arbitration.arbitrators" and "panel" in err.allowed


def test_unknown_key_suggests_the_nearest(baseline):
    data = scenario_to_dict(baseline)
    data["arbitration"]["arbitrator"] = 3
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, source="x.toml")
    assert info.value.path == "arbitration.arbitrator"
    assert "did you mean 'arbitrators'" in str(info.value)
    assert str(info.value).startswith("x.toml: ")


def test_unknown_override_path_suggests_the_nearest(baseline):
    err = _error(baseline, "arbitraton.arbitrators", 3)
    assert err.path == "arbitraton.arbitrators"  # the whole path, and which part is wrong
    assert "at 'arbitraton'" in str(err) and "did you mean 'arbitration'" in str(err)


def test_missing_field_is_named(baseline):
    data = scenario_to_dict(baseline)
    del data["courts"]["delay"]
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    assert info.value.path == "courts.delay" and "required" in str(info.value)


def test_missing_file_lists_presets(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "nowhere.toml")
    assert info.value.path == "file" and "cambodia_baseline" in info.value.allowed


def test_malformed_toml(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("name = 'x'\n[arrivals\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.path == "file" and "valid TOML" in str(info.value)


def test_errors_are_single_lines(baseline, tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("name = 'x'\n[arrivals\n")
    for call in (lambda: load_scenario(path),
                 lambda: with_overrides(baseline, {"arbitration.panel_size": 0})):
        with pytest.raises(ScenarioError) as info:
            call()
        assert "\n" not in str(info.value)


def test_a_policy_that_is_its_own_base_is_named(edited_preset):
    path = edited_preset("balanced", {"policy.base_scenario": "loop.toml"}, "loop.toml")
    with pytest.raises(labsim.ScenarioError) as info:
        labsim.load_scenario(path)
    assert info.value.path == "policy.base_scenario"
    assert "loop -> loop" in info.value.allowed


def test_two_policies_naming_each_other_are_named(edited_preset):
    edited_preset("balanced", {"policy.base_scenario": "second.toml"}, "first.toml")
    second = edited_preset("balanced", {"policy.base_scenario": "first.toml"}, "second.toml")
    with pytest.raises(labsim.ScenarioError) as info:
        labsim.load_scenario(second)
    assert "second -> first -> second" in info.value.allowed


def test_a_policy_on_a_policy_applies_both(edited_preset):
    """A policy may build on another policy's staff: the base is loaded as a scenario."""
    path = edited_preset("balanced", {"policy.base_scenario": "prevention_first"})
    scenario = labsim.load_scenario(path)
    assert scenario.name == "balanced"


def test_presets_are_told_apart_by_their_policy_table():
    from labsim.scenario.presets import load_policy, preset_names
    kinds = {}
    for name in preset_names():
        try:
            load_policy(name)
            kinds[name] = "policy"
        except labsim.ScenarioError:
            kinds[name] = "scenario"
    assert kinds["prevention_first"] == "policy" and kinds["cambodia_baseline"] == "scenario"
