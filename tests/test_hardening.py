"""Bad input, broken files and faults: one line naming what, the value and what is allowed,
never a traceback, and nothing silently accepted (issue 13)."""

import numpy as np
import pytest

import labsim
from labsim.cli import main
from labsim.presets import SCENARIO_DIR

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
