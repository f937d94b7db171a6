"""What the record pins down: the fitted rates are identified, the prevention effect is not
(the record counts disputes after prevention, whatever prevention does)."""

import pandas as pd
import pytest

from labsim.errors import InputError
from labsim.experiments.calibration import DEFAULT_FREE, FREE_PARAMETERS, load_targets
from labsim.experiments.identification import consistent_set, identifiability
from labsim.experiments.worlds import world_scenario
from labsim.scenario.flows import expected_flows
from labsim.scenario.presets import load_assumptions, with_overrides
from labsim.scenario.settlement import as_today
from labsim.views.cli import main

EFFECT = "prevention.max_grievance_reduction"


@pytest.fixture(scope="module")
def profile(baseline):
    wanted = [a for a in load_assumptions("cambodia_baseline")
              if a.path in (EFFECT, "collective_conciliation.reconciliation_share")]
    return identifiability(baseline, assumptions=wanted).set_index("parameter")


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_the_record_pins_the_fitted_rates(profile):
    for name in ("individual_grievance_scale", "collective_grievance_scale"):
        row = profile.loc[name]
        assert row["verdict"] == "pinned by the record"
        assert row["consistent_low"] < row["value"] < row["consistent_high"]
        # the 2023 counts have tolerances of 5% (41 of 818) and 7.5% (14 of 187):
        assert row["consistent_high"] / row["value"] == pytest.approx(1.05, abs=0.03)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_the_record_cannot_tell_the_prevention_effect(profile):
    row = profile.loc[EFFECT]
    assert row["verdict"] == "not constrained by the record"
    assert (row["consistent_low"], row["consistent_high"]) == (row["low"], row["high"])


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_a_consistent_set_reproduces_the_record_in_every_row(baseline):
    assumptions = load_assumptions("cambodia_baseline")
    table = consistent_set(baseline, assumptions, draws=12, seed=2)
    assert len(table) == 12
    assert table[EFFECT].max() - table[EFFECT].min() > 0.4  # of a range of 0.6
    targets = load_targets()
    for row in table.head(4).to_dict("records"):
        world = world_scenario(baseline, assumptions, [row[a.path] for a in assumptions])
        changes = {}
        for name in DEFAULT_FREE:
            changes.update(FREE_PARAMETERS[name].apply(world, row[name]))
        flows = expected_flows(as_today(with_overrides(world, changes)))
        for t in targets:
            assert abs(flows[t.kpi] - t.observed) <= t.tolerance, t.kpi


@pytest.mark.slow
def test_cli_calibrate_says_what_the_record_does_not_constrain(tmp_path, capsys):
    sets = tmp_path / "sets.csv"
    code = main(["calibrate", "cambodia_baseline", "--years", "1", "--reps", "2",
                 "--warmup-days", "60", "--consistent-set", str(sets)])
    out = capsys.readouterr().out
    assert code == 0
    assert "What the record pins down" in out and "not constrained by the record" in out
    assert EFFECT in out
    assert len(pd.read_csv(sets, comment="#")) > 50


def test_a_single_fitted_parameter_is_profiled_against_the_record_itself(baseline):
    row = identifiability(baseline, free=["individual_grievance_scale"]).iloc[0]
    assert row["verdict"] == "pinned by the record"


@pytest.mark.parametrize("free", ["objection_share", ["objection_share", "objection_share"],
                                  [], ["no_such"]])
def test_bad_free_lists_are_refused(baseline, free):
    with pytest.raises(InputError, match="free"):
        identifiability(baseline, free=free)


def test_assumptions_must_be_assumption_objects(baseline):
    with pytest.raises(InputError, match="Assumption objects"):
        identifiability(baseline, assumptions=[EFFECT])
    with pytest.raises(InputError, match="at least one assumption"):
        consistent_set(baseline, (), draws=3)


@pytest.mark.slow
def test_calibrating_strikes_by_simulation_still_writes_its_result(tmp_path, capsys):
    out = tmp_path / "fitted.toml"
    code = main(["calibrate", "cambodia_2014", "--method", "simulation", "--free",
                 "strike_hazard", "--years", "0.5", "--reps", "2", "--warmup-days", "30",
                 "--executor", "serial", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0 and out.exists()
    assert "not profiled" in printed
