"""The baseline and the 2014 strike-record scenario against the public record they were not
fitted to (``labsim evidence``)."""

import csv

import pandas as pd
import pytest

import labsim
from labsim import RunSettings
from labsim.analysis.catalog import CATALOG
from labsim.experiments.calibration import TARGETS_FILE, load_targets
from labsim.experiments.evidence import (
    COLUMNS,
    EVIDENCE_FILE,
    evidence,
    load_figures,
    observed_series,
)
from labsim.views.cli import main


@pytest.fixture(scope="module", params=["cambodia_baseline", "cambodia_2014"])
def scenario_evidence(request):
    table = evidence(request.param, RunSettings(years=5, replications=10, seed=1))
    return request.param, table


def test_every_figure_points_at_an_observed_row_and_a_known_kpi():
    observed = observed_series()
    with open(EVIDENCE_FILE, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            assert (row["series"], row["year"]) in observed, row["figure"]
            assert row["kpi"] in CATALOG, row["kpi"]
            assert float(row["tolerance"]) > 0, row["figure"]


def test_parameters_a_figure_informed_exist_in_its_scenario():
    from labsim.experiments.calibration import FREE_PARAMETERS
    from labsim.scenario.dotted import get_path
    for figure in load_figures():
        scenario = labsim.load_scenario(figure.scenario)
        for path in figure.informs:
            if "." in path:
                get_path(scenario, path)
            else:
                assert path in FREE_PARAMETERS, path


def test_the_baseline_has_at_least_four_held_out_figures():
    held_out = [f for f in load_figures() if f.scenario == "cambodia_baseline" and f.held_out]
    assert len(held_out) >= 4
    assert len({f.source for f in held_out}) >= 3


def test_every_held_out_figure_is_met_or_an_expected_miss_with_a_reason(scenario_evidence):
    _, table = scenario_evidence
    held_out = table[~table["used_in_fit"]]
    assert len(held_out) >= 3
    unexplained = held_out[~held_out["within_tolerance"] & (held_out["expected_miss"] == "")]
    assert unexplained.empty, unexplained[["figure", "observed", "simulated"]].to_string()


def test_expected_misses_are_real_misses(scenario_evidence):
    """A row marked as an expected miss that the model now meets should lose its mark."""
    _, table = scenario_evidence
    marked = table[table["expected_miss"] != ""]
    assert not marked["within_tolerance"].any(), marked["figure"].tolist()


def test_fit_targets_are_listed_as_used_in_the_fit_and_met(scenario_evidence):
    name, table = scenario_evidence
    targets = {(t.kpi, t.observed) for t in load_targets(scenario=name)}
    fitted = table[[(kpi, observed) in targets
                    for kpi, observed in zip(table["kpi"], table["observed"], strict=True)]]
    assert len(fitted) == len(targets)  # every fit target is in the evidence table
    assert fitted["used_in_fit"].all()
    assert fitted["within_tolerance"].all(), fitted[["figure", "simulated"]].to_string()


def test_no_held_out_figure_shares_a_series_and_year_with_a_fit_target():
    """A figure of the same series and year as a fit target informed the fit. Another year
    of a fitted series is held out only by design (the strike-record preset is fitted to
    2014 and checked on 2013 and 2011), and its note says so."""
    with open(TARGETS_FILE, newline="", encoding="utf-8") as handle:
        fitted = {(row["scenario"], row["derivation"].split(";")[0].split(" ")[0]): row["year"]
                  for row in csv.DictReader(handle)}
    with open(EVIDENCE_FILE, newline="", encoding="utf-8") as handle:
        held_out = [row for row in csv.DictReader(handle) if not row["informs"]]
    wrong = [row["figure"] for row in held_out if (row["scenario"], row["series"]) in fitted
             and (fitted[(row["scenario"], row["series"])] == row["year"]
                  or "held out" not in row["note"])]
    assert wrong == []


def test_cli_evidence_writes_the_documented_columns(tmp_path, capsys):
    out = tmp_path / "evidence.csv"
    assert main(["evidence", "cambodia_baseline", "--years", "2", "--reps", "3",
                 "--processes", "1", "--csv", str(out)]) == 0
    table = pd.read_csv(out, keep_default_na=False, comment="#")
    assert tuple(table.columns) == COLUMNS
    assert "held out" in capsys.readouterr().out


def test_a_scenario_without_figures_is_refused_in_one_line(capsys):
    assert main(["evidence", "textbook_network", "--years", "1", "--reps", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "cambodia_baseline" in err
