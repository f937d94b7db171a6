"""Datasets: every number is traceable; the baseline reproduces the public record."""

import csv
from pathlib import Path

import numpy as np
import pytest

import labsim
from labsim import RunSettings
from labsim.experiments.calibration import Target, calibrate, fit_table, load_targets
from labsim.scenario.flows import expected_flows
from labsim.scenario.presets import SCENARIO_DIR
from labsim.scenario.settlement import as_today

OBSERVED = SCENARIO_DIR.parent / "observed"
SOURCE_COLUMNS = ("source_title", "publisher", "source_year", "url")


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_scenario_file_parses():
    for path in sorted(SCENARIO_DIR.glob("*.toml")):
        assert labsim.load_scenario(path).name == path.stem


@pytest.mark.parametrize("path", sorted(set(OBSERVED.glob("*.csv")) - {OBSERVED / "evidence.csv"}),
                         ids=lambda p: p.name)
def test_every_observed_row_has_a_source(path):
    rows = _rows(path)
    assert rows
    for number, row in enumerate(rows, 2):
        for column in SOURCE_COLUMNS:
            assert row[column].strip(), f"{path.name}:{number} has no {column}"
        assert row["url"].startswith("http"), f"{path.name}:{number}"
        assert row["source_year"] == "n.d." or row["source_year"].isdigit()


def test_observed_series_use_one_schema():
    for path in OBSERVED.glob("*.csv"):
        if path.name in ("calibration_targets.csv", "evidence.csv"):
            continue
        rows = _rows(path)
        assert list(rows[0]) == ["country", "series", "year", "value", "unit", "qualifier",
                                 "note", *SOURCE_COLUMNS], path.name
        assert {r["qualifier"] for r in rows} <= {"exact", "approximate", "derived"}
        for r in rows:
            float(r["value"])


@pytest.mark.parametrize("path", sorted(SCENARIO_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_every_number_in_a_scenario_file_says_where_it_comes_from(path):
    """Each value line carries a comment, or sits under one (textbook: a stated choice).
    The [assumptions] table is left to its loader, which refuses a range without a reason."""
    lines = path.read_text(encoding="utf-8").split("\n[assumptions]")[0].splitlines()
    if path.stem == "textbook_network":
        assert "choice for the test" in path.read_text()
        return
    bare = []
    for number, line in enumerate(lines):
        code = line.split("#")[0]
        is_text = "=" in code and code.split("=", 1)[1].strip().startswith('"')
        if "=" in code and not is_text and any(c.isdigit() for c in code) and "#" not in line:
            if not lines[number - 1].strip().startswith("#"):
                bare.append(f"{number + 1}: {line.strip()}")
    assert bare == []


def test_calibration_targets_point_at_the_observed_tables():
    targets = load_targets()
    observed = {(r["series"], r["year"]): float(r["value"])
                for p in OBSERVED.glob("*.csv")
                if p.name not in ("calibration_targets.csv", "evidence.csv") for r in _rows(p)}
    assert observed[("molvt_individual_disputes", "2023")] == targets[0].observed
    assert observed[("molvt_collective_disputes", "2023")] == targets[1].observed
    assert observed[("ac_cases_referred_by_ministry", "2023")] == targets[2].observed
    assert observed[("ac_settled_share_of_referrals", "2023")] == targets[3].observed


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_shipped_baseline_reproduces_the_observed_record(baseline):
    """Ministry caseload 2023, AC referrals and outcome shares, within stated tolerances."""
    table = fit_table(baseline, load_targets(),
                      RunSettings(years=5, replications=10, seed=11))
    assert table["within_tolerance"].all(), table.to_string()


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_simulated_flows_match_the_expected_flows(baseline):
    """Routing theory: cases reaching each stage equal rate x routing shares."""
    for scenario in (baseline, labsim.load_scenario("prevention_first")):
        kpis = labsim.run(scenario, RunSettings(years=5, replications=8, seed=3)).summary()
        for kpi, expected in expected_flows(scenario).items():
            row = kpis.loc[kpi]
            half = max(row["ci_high"] - row["mean"], 1e-9)
            assert abs(row["mean"] - expected) <= 4 * half + 0.01 * abs(expected), kpi


def test_calibration_recovers_known_parameters(baseline):
    truth = {"collective_grievance_scale": 1.4, "collective_non_conciliation": 0.25,
             "arbitration_settled": 0.4}
    from labsim.experiments.calibration import FREE_PARAMETERS
    changes = {}
    for name, value in truth.items():
        changes.update(FREE_PARAMETERS[name].apply(baseline, value))
    hidden = as_today(labsim.with_overrides(baseline, changes))  # a calibration describes today
    flows = expected_flows(hidden)
    targets = [Target(k, flows[k], 0.05 * flows[k]) for k in (
        "collective_conciliation_cases_per_year", "arbitration_cases_per_year",
        "arbitration_settled_share")]
    result = calibrate(baseline, targets, free=list(truth), executor="serial",
                       settings=RunSettings(years=1, replications=3, warmup_days=90))
    for name, value in truth.items():
        assert result.fitted[name] == pytest.approx(value, rel=1e-3), name
    assert list(result.table["kpi"]) == [t.kpi for t in targets]


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_simulation_refinement_keeps_a_good_fit(baseline):
    result = calibrate(baseline, free=["collective_non_conciliation"], method="simulation",
                       max_evaluations=6, executor="serial",
                       settings=RunSettings(years=2, replications=4, warmup_days=180))
    assert 0.02 < result.fitted["collective_non_conciliation"] < 0.3
    assert np.isfinite(result.objective) and result.evaluations > 6


def test_calibration_names_bad_input(baseline):
    with pytest.raises(labsim.InputError) as info:
        calibrate(baseline, free=["nonsense"])
    assert info.value.path == "free"
    with pytest.raises(labsim.InputError) as info:
        calibrate(baseline, [Target("strike_days_per_year", 10, 1)])
    assert info.value.path == "targets"
