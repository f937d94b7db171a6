"""Bad input, broken files and faults: one line naming what, the value and what is allowed,
never a traceback, and nothing silently accepted (issue 13)."""

import numpy as np
import pytest

import labsim
from labsim.scenario.presets import SCENARIO_DIR
from labsim.views.cli import main

BASELINE_TOML = SCENARIO_DIR / "cambodia_baseline.toml"


@pytest.mark.parametrize(("path", "value"), [
    ("strikes.hazard_per_day", float("inf")),
    ("arbitration.service.mean_days", float("inf")),
    ("arrivals.monthly_seasonality", [float("nan")] * 12),
    ("arbitration.objection_share", float("nan")),
])
def test_non_finite_numbers_are_refused(baseline, path, value):
    with pytest.raises(labsim.ScenarioError) as info:
        labsim.with_overrides(baseline, {path: value})
    assert "finite" in info.value.allowed


@pytest.mark.parametrize(("service", "wrong"), [
    ({"family": "exponential"}, "mean_days"),
    ({"family": "lognormal", "mean_days": 5.0}, "cv"),
    ({"family": "exponential", "mean_days": 5.0, "cv": 0.5}, "cv"),
    ({"family": "triangular", "low_days": 5.0, "mode_days": 5.0, "high_days": 5.0},
     "low_days/mode_days/high_days"),
    ({"family": "triangular", "low_days": 1.0, "high_days": 5.0}, "mode_days"),
])
def test_a_duration_needs_exactly_its_familys_parameters(baseline, service, wrong):
    with pytest.raises(labsim.ScenarioError) as info:
        labsim.with_overrides(baseline, {"arbitration.service": service})
    assert info.value.path == f"arbitration.service.{wrong}"


def test_numpy_numbers_are_taken_as_numbers(baseline):
    s = labsim.with_overrides(baseline, {"arbitration.arbitrators": np.int64(30),
                                         "arbitration.objection_share": np.float64(0.3)})
    assert s.arbitration.arbitrators == 30 and type(s.arbitration.arbitrators) is int


def _bad_files(tmp_path):
    text = BASELINE_TOML.read_text(encoding="utf-8") + '\n# caf\u00e9\n'
    files = {"latin-1": text.encode("latin-1", errors="replace"),
             "utf-16": text.encode("utf-16"),
             "binary": bytes(range(256)) * 4}
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / f"{name}.toml"
        paths[name].write_bytes(data)
    paths["directory"] = tmp_path
    paths["missing"] = tmp_path / "nowhere.toml"
    return paths


@pytest.mark.parametrize("kind", ["latin-1", "utf-16", "binary", "directory", "missing"])
@pytest.mark.parametrize("command", ["validate", "grid", "targets"])
def test_unreadable_files_get_one_line_naming_the_file(tmp_path, capsys, kind, command):
    path = str(_bad_files(tmp_path)[kind])
    argv = {"validate": ["validate", path],
            "grid": ["sweep", "cambodia_baseline", "--grid", path, "--out",
                     str(tmp_path / "out")],
            "targets": ["calibrate", "cambodia_baseline", "--targets", path]}[command]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("labsim: error:") and path in err


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASELINE_TOML.read_bytes())
    assert labsim.load_scenario(path).name == "cambodia_baseline"


@pytest.mark.parametrize("argv", [
    ["run", "cambodia_baseline", "--out", ""],
    ["run", "cambodia_baseline", "--out", "/proc/labsim-out"],
    ["run", "cambodia_baseline", "--out", str(BASELINE_TOML)],  # an existing file
    ["calibrate", "cambodia_baseline", "--out", "/tmp"],  # a directory
    ["evidence", "cambodia_baseline", "--csv", "/proc/labsim/evidence.csv"],
    ["compare", "prevention_first", "resolution_first", "--processes", "-1"],
    ["sweep", "cambodia_baseline", "--grid", str(BASELINE_TOML), "--out", "/tmp/x",
     "--processes", "1000"],
    ["run", "cambodia_baseline", "--reps", "0"],
])
def test_bad_cli_arguments_are_one_line_before_any_simulation(argv, capsys, monkeypatch):
    import labsim.model.system
    monkeypatch.setattr(labsim.model.system, "simulate", None)  # any simulation would fail loudly
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("labsim: error:")


@pytest.mark.parametrize("call", [
    lambda: labsim.run(123),
    lambda: labsim.run(None),
    lambda: labsim.load_scenario(b"cambodia_baseline"),
    lambda: labsim.run("cambodia_baseline", {"years": 1}),
    lambda: labsim.compare("prevention_first"),
    lambda: labsim.compare(["prevention_first", "resolution_first"], level=2),
    lambda: labsim.sweep("cambodia_baseline", points=[]),
    lambda: labsim.smallest_staff("cambodia_baseline", "arbitration.objection_share",
                                  "share_resolved", 0.9),
    lambda: labsim.with_overrides("cambodia_baseline", {"arbitration.arbitrators.x": 1}),
    lambda: labsim.RunSettings(years=float("nan")),
    lambda: labsim.experiments.executors.local_processes(0),
])
def test_bad_api_arguments_raise_input_errors(call):
    with pytest.raises(labsim.InputError) as info:
        call()
    assert "\n" not in str(info.value) and info.value.allowed


def test_a_policy_that_is_its_own_base_is_named(tmp_path):
    path = tmp_path / "loop.toml"
    text = (SCENARIO_DIR / "balanced.toml").read_text(encoding="utf-8")
    path.write_text(text.replace('base_scenario = "cambodia_baseline"',
                                 f'base_scenario = "{path}"'), encoding="utf-8")
    with pytest.raises(labsim.ScenarioError) as info:
        labsim.load_scenario(path)
    assert "loop.toml" in str(info.value)


def test_an_error_naming_a_key_with_a_newline_stays_on_one_line():
    """Found by the fuzz test: a TOML key "\\n" made a two-line error."""
    from labsim.errors import ScenarioError
    message = str(ScenarioError("arrivals.\n", float("inf"), "one of the keys of Arrivals",
                                "mutated.toml"))
    assert "\n" not in message and "arrivals.\\n" in message


def test_an_edit_of_a_field_the_preset_lacks_fails_loudly(edited_preset):
    with pytest.raises(pytest.fail.Exception, match="the schema changed"):
        edited_preset("cambodia_baseline", {"calendar.working_minutes_per_day": 25})


RUN = ["--years", "0.1", "--reps", "1", "--executor", "serial"]


@pytest.mark.parametrize(("preset", "changes", "command", "named", "because"), [
    ("prevention_first", {"policy": "prevention_first"}, ["validate"],
     "policy = 'prevention_first'", "expected a table (Policy)"),
    ("prevention_first", {"policy.base_scenario": ""}, ["validate"], "policy.base_scenario = ''",
     "expected an existing TOML file or a preset"),
    ("cambodia_baseline", {"calendar.working_hours_per_day": 25.0}, ["validate"],
     "calendar.working_hours_per_day = 25.0", "(the hours in a day)"),
    ("cambodia_baseline", {"calendar.working_hours_per_day": 25.0}, ["run", *RUN],
     "calendar.working_hours_per_day = 25.0", "(the hours in a day)"),
    ("cambodia_baseline", {"arrivals.sectors.garment_footwear.workers": 9 * 10**18}, ["run", *RUN],
     "arrivals.sectors.garment_footwear.workers = 9000000000000000000", "labour force"),
    ("cambodia_baseline", {"arrivals.sectors.other.workers": 10**23}, ["run", *RUN],
     "arrivals.sectors.other.workers = 100000000000000000000000", "labour force"),
    ("cambodia_baseline",
     {"arrivals.sectors.garment_footwear.individual_grievances_per_1000_workers_per_year": 1e300},
     ["run", *RUN],
     "arrivals.sectors.garment_footwear.individual_grievances_per_1000_workers_per_year = 1e+300",
     "every worker raising a grievance every day"),
    ("cambodia_baseline", {}, ["run", *RUN, "--warmup-days", "1e9"],
     "warmup_days = 1000000000.0", "(a shorter warm-up;"),
])
def test_the_inputs_that_slipped_get_one_line_naming_field_and_value(
        preset, changes, command, named, because, edited_preset, capsys, monkeypatch):
    """Issue 26: a traceback, an impossible day accepted, errors that blamed the wrong field;
    each refused by its own rule (``because``), not by some other error."""
    import labsim.model.system
    monkeypatch.setattr(labsim.model.system, "simulate", None)  # any simulation would fail loudly
    path = edited_preset(preset, changes)
    assert main([command[0], str(path), *command[1:]]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("labsim: error:")
    assert f"{named}: expected" in err and because in err
