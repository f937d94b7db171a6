"""Assumption ranges, drawn worlds, re-fitting and the robustness of a comparison: checked
against what must hold by construction (strata, the record reproduced, the officers'
grievance effect vanishing with its assumption), not against the code's own output."""

import tomllib

import numpy as np
import pandas as pd
import pytest
import tomli_w
from scipy import stats

from labsim.analysis.catalog import CATALOG
from labsim.analysis.robustness import rank_correlations
from labsim.errors import InputError, ScenarioError
from labsim.experiments.calibration import fit_surrogate, load_targets
from labsim.experiments.worlds import (
    STRIKE_FREE,
    Record,
    calibrated_paths,
    draw_worlds,
    evaluate_worlds,
    robustness,
    world_scenario,
)
from labsim.scenario.assumptions import Assumption
from labsim.scenario.dotted import get_path
from labsim.scenario.flows import expected_flows
from labsim.scenario.presets import (
    SCENARIO_DIR,
    load_assumptions,
    load_scenario,
    preset_names,
    read,
    with_overrides,
)
from labsim.scenario.settings import RunSettings
from labsim.version import code_fingerprint
from labsim.views.cli import main

QUICK = RunSettings(years=1.0, replications=2, seed=3, warmup_days=60.0)
POLICIES = ["prevention_first", "resolution_first"]


def _baseline_with(tmp_path, table_changes: dict, name: str = "edited.toml"):
    data = tomllib.loads((SCENARIO_DIR / "cambodia_baseline.toml").read_text(encoding="utf-8"))
    for path, entry in table_changes.items():
        if entry is None:
            data["assumptions"].pop(path)
        else:
            data["assumptions"][path] = entry
    out = tmp_path / name
    out.write_text(tomli_w.dumps(data), encoding="utf-8")
    return out


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_assumption_has_a_valid_range_and_none_is_calibrated(name):
    made = read(name)
    base = made.scenario if made.base_path is None else load_scenario(made.base_path)
    fitted = calibrated_paths(base)
    for a in load_assumptions(name):
        assert a.low <= get_path(base, a.path) <= a.high and a.low < a.high, a
        assert a.path not in fitted, a.path
        assert a.label and a.reason


def test_baseline_and_its_policies_share_their_assumptions():
    mine = load_assumptions("cambodia_baseline")
    assert len(mine) >= 10
    assert load_assumptions("prevention_first") == mine == load_assumptions("resolution_first")
    effects = {a.path: a for a in mine}
    assert effects["prevention.max_grievance_reduction"].low == 0.0  # no causal estimate


def test_a_range_without_a_reason_is_wide_by_rule(tmp_path):
    path = _baseline_with(tmp_path, {
        "strikes.strike_share_after_objection": {"effect_size": True, "label": "gain"},
        "courts.dropout_share": {"label": "drop"}})
    by_path = {a.path: a for a in load_assumptions(path)}
    gain = by_path["strikes.strike_share_after_objection"]
    drop = by_path["courts.dropout_share"]
    assert (gain.low, gain.high, gain.cited) == (0.0, 2 * gain.central, False)
    assert (drop.low, drop.high) == pytest.approx((0.5 * drop.central, 1.5 * drop.central))
    assert "no source" in drop.reason


@pytest.mark.parametrize("entry, words", [
    ({"low": 0.5, "high": 0.6, "label": "x", "reason": "r"}, "contains the central value"),
    ({"low": 0.1, "label": "x", "reason": "r"}, "both low and high"),
    ({"low": 0.1, "high": 0.6, "label": "x"}, "the source or argument"),
    ({"low": 0.1, "high": 0.6, "label": "x", "reason": "r", "spread": 2}, "one of low"),
    ({"low": 0.0, "high": 1.5, "label": "x", "reason": "r"}, "a value the parameter allows"),
    ({"low": 0.1, "high": float("inf"), "label": "x", "reason": "r"}, "a finite number"),
    ({"reason": "r", "label": "x"}, "only together with low and high"),
    ({"low": 0.1, "high": 0.6}, "plain words"),
    ("wide", "a table such as"),
])
def test_a_bad_range_is_one_error_naming_its_path(tmp_path, entry, words):
    path = _baseline_with(tmp_path, {"prevention.max_grievance_reduction": entry})
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert "assumptions.prevention.max_grievance_reduction" in str(err.value)
    assert words in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("path, words", [
    ("strikes.enabled", "a number or a count"),
    ("prevention.no_such_thing", "an existing key"),
    ("prevention.workplace_delay", "a number or a count"),
])
@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_an_assumption_must_be_a_number_or_a_count(tmp_path, path, words):
    edited = _baseline_with(tmp_path, {path: {"label": "x"}})
    with pytest.raises(ScenarioError, match=words):
        load_assumptions(edited)


def test_a_calibrated_parameter_takes_no_range(tmp_path):
    edited = _baseline_with(tmp_path, {"arbitration.objection_share": {"label": "objections"}})
    base = load_scenario(edited)
    with pytest.raises(InputError, match="calibration re-fits"):
        evaluate_worlds(base, lambda w: {"a": w, "b": w}, load_assumptions(edited), draws=2,
                        settings=QUICK, executor="serial", progress=False)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_latin_hypercube_worlds_fill_every_stratum_and_repeat_by_seed(baseline):
    assumptions = [a for a in load_assumptions("cambodia_baseline")  # no joint rule among
                   if not a.path.startswith("prevention.") and not a.whole]  # these; no count
    worlds, refused = draw_worlds(baseline, assumptions, 12, seed=5)
    assert refused == 0 and len(worlds) == 12
    for a in assumptions:
        strata = np.floor((worlds[a.path] - a.low) / (a.high - a.low) * 12).astype(int)
        assert sorted(strata) == list(range(12)), a.path
    again, _ = draw_worlds(baseline, assumptions, 12, seed=5)
    pd.testing.assert_frame_equal(worlds, again)
    assert not draw_worlds(baseline, assumptions, 12, seed=6)[0].equals(worlds)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_worlds_the_model_forbids_are_redrawn_and_counted(baseline):
    wide = [Assumption("prevention.workplace_resolution_share_individual", "share", 0.5, 0.3,
                       0.6, "test", True),
            Assumption("prevention.officer_resolution_gain", "gain", 0.2, 0.0, 0.4, "test", True),
            Assumption("prevention.training_resolution_gain", "gain", 0.2, 0.0, 0.4, "test",
                       True)]
    worlds, refused = draw_worlds(baseline, wide, 40, seed=1)
    assert len(worlds) == 40
    top = np.maximum(worlds["prevention.workplace_resolution_share_individual"],
                     baseline.prevention.workplace_resolution_share_collective)
    reach = (top + worlds["prevention.officer_resolution_gain"]
             + worlds["prevention.training_resolution_gain"])
    assert (reach <= 1 + 1e-9).all()
    assert refused > 0  # about a quarter of the box lies above 1


@pytest.mark.parametrize("bad", [1, 0, 2.5, "64", 10**6])
def test_draws_must_be_a_sensible_whole_number(baseline, bad):
    with pytest.raises(InputError, match="draws"):
        draw_worlds(baseline, load_assumptions("cambodia_baseline"), bad, seed=1)


@pytest.mark.parametrize("reduction", [0.0, 0.2, 0.6])
def test_each_world_is_refitted_to_the_record_and_officers_effect_is_absorbed(baseline,
                                                                             reduction):
    """Theory: the record fixes grievances after prevention, so the fitted rate before it
    scales by 1 / (1 - reduction x officer capacity)."""
    from labsim.scenario.presets import with_overrides
    world = with_overrides(baseline, {"prevention.max_grievance_reduction": reduction})
    fit = fit_surrogate(world)
    assert fit.worst_miss < 0.01
    flows = expected_flows(fit.scenario)
    for target in load_targets():
        assert abs(flows[target.kpi] - target.observed) < 0.01 * target.tolerance
    capacity = baseline.prevention.officer_capacity()
    as_shipped = fit_surrogate(baseline).fitted["individual_grievance_scale"]
    expected = as_shipped * (1 - baseline.prevention.max_grievance_reduction * capacity) / (
        1 - reduction * capacity)
    assert fit.fitted["individual_grievance_scale"] == pytest.approx(expected, rel=1e-3)


def test_each_world_keeps_the_strike_record_of_2014(baseline):
    """A world re-fits its 2014 year (hazard, natural strike length, collective rates) to what
    the calibrated 2014 preset gives in means and carries the hazard and length: where
    conciliation cuts strikes more, their natural length must be longer."""
    from labsim.scenario.strike_flows import expected_strike_record
    record = Record.of(baseline)
    assert record.paths == {"strikes.hazard_per_day", "strikes.duration.mean_days"}
    assumptions = load_assumptions("cambodia_baseline")
    cut = next(a for a in assumptions if a.path == "strikes.conciliation_cut")
    lengths = []
    for value in (cut.low, cut.high):
        values = [value if a is cut else a.central for a in assumptions]
        world, worst = record.refit(world_scenario(baseline, assumptions, values),
                                    assumptions, values)
        assert worst < 1.0
        year = with_overrides(world_scenario(record.strike_year, [cut], [value]),
                              {p: get_path(world, p) for p in record.paths})
        fit = fit_surrogate(year, record.strike_targets, STRIKE_FREE)
        for path in record.paths:
            assert get_path(world, path) == pytest.approx(get_path(fit.scenario, path),
                                                          rel=0.02)
        kept = {**expected_flows(fit.scenario), **expected_strike_record(fit.scenario)}
        for target in record.strike_targets:
            assert abs(kept[target.kpi] - target.observed) < target.tolerance, target.kpi
        lengths.append(get_path(world, "strikes.duration.mean_days"))
    assert lengths[1] > lengths[0] * 1.05


def test_a_world_that_cannot_keep_the_strike_record_misses_it(baseline):
    """A record no hazard and length can meet is a miss above one tolerance: the world is
    left out and counted, not kept."""
    import dataclasses
    record = Record.of(baseline)
    impossible = dataclasses.replace(record, strike_targets=tuple(
        dataclasses.replace(t, observed=t.observed * 1000, tolerance=t.tolerance)
        for t in record.strike_targets))
    assumptions = load_assumptions("cambodia_baseline")
    central = [a.central for a in assumptions]
    _, worst = impossible.refit(world_scenario(baseline, assumptions, central),
                                assumptions, central)
    assert worst > 1.0


def test_rank_correlations_match_spearman_and_the_residual_definition():
    rng = np.random.default_rng(2)
    x = rng.uniform(size=(80, 4))
    y = np.exp(3 * x[:, 0]) + x[:, 1] + rng.normal(0, 0.1, 80)
    plain = rank_correlations(x, y, partial=False)
    for j in range(4):
        assert plain[j] == pytest.approx(stats.spearmanr(x[:, j], y).statistic)
    partial = rank_correlations(x, y, partial=True)
    rx, ry = stats.rankdata(x, axis=0), stats.rankdata(y)
    for j in range(4):
        others = np.column_stack([np.ones(80), np.delete(rx, j, axis=1)])
        a = rx[:, j] - others @ np.linalg.lstsq(others, rx[:, j], rcond=None)[0]
        b = ry - others @ np.linalg.lstsq(others, ry, rcond=None)[0]
        assert partial[j] == pytest.approx(np.corrcoef(a, b)[0, 1])
    assert partial[0] > 0.9 and abs(partial[2]) < 0.3 and abs(partial[3]) < 0.3
    assert np.isnan(rank_correlations(x, np.ones(80), partial=True)).all()


@pytest.fixture(scope="module")
def small():
    return robustness(POLICIES, draws=24, settings=QUICK, executor="serial", progress=False)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_robustness_counts_every_world_and_finds_the_planted_mechanism(small):
    summary = small.summary().set_index("kpi")
    assert len(small.worlds) == 24 - len(small.left_out)
    strikes = small.differences.query("kpi == 'strike_days_per_year'")  # fewer is better
    row = summary.loc["strike_days_per_year"]
    assert row["worlds"] == strikes["difference"].notna().sum()
    assert row["worlds_policy_better"] == (strikes["difference"] < 0).sum()
    assert row["worlds_reference_better"] == (strikes["difference"] > 0).sum()
    assert row["median_difference"] == pytest.approx(strikes["difference"].median())
    assert summary[["worlds_clearly_policy_better", "worlds_not_clear"]].isna().all().all()
    grievances = summary.loc["grievances_per_year"]
    # Resolution first buys no officers: it has more grievances in every world...
    assert grievances["worlds_reference_better"] == grievances["worlds"]
    # ...driven by how much officers can avert, and the difference vanishes with that effect.
    top = small.drivers("grievances_per_year").iloc[0]
    assert top["assumption"] == "prevention.max_grievance_reduction" and top["drives"]
    # ...and shrinks towards no difference as that effect goes to 0, but never reverses.
    flip = small.break_even("grievances_per_year")
    assert flip["reversed"] == 0 and flip["value"] is None
    rows = small.differences.query("kpi == 'grievances_per_year'").set_index("world")
    effect = small.worlds.loc[rows.index, "prevention.max_grievance_reduction"]
    weakest = effect.nsmallest(3).index
    assert (rows.loc[weakest, "relative"] < rows["relative"].median()).all()


@pytest.mark.slow
def test_robustness_is_the_same_on_every_executor(small):
    distributed = pytest.importorskip("distributed")
    again = robustness(POLICIES, draws=24, settings=QUICK, executor="processes",
                       progress=False)
    pd.testing.assert_frame_equal(small.differences, again.differences)
    pd.testing.assert_frame_equal(small.summary(), again.summary())
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = robustness(POLICIES, draws=24, settings=QUICK, executor=client,
                             progress=False)
    pd.testing.assert_frame_equal(small.summary(), on_dask.summary())


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_robustness_keeps_its_replications_in_a_cache(tmp_path):
    def check(cache):
        return robustness(POLICIES, draws=6, settings=QUICK, executor="serial",
                          progress=False, cache_dir=cache)
    first = check(tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == 7 * 2 * QUICK.replications  # and central
    pd.testing.assert_frame_equal(check(tmp_path).differences, first.differences)
    pd.testing.assert_frame_equal(check(None).differences, first.differences)
    assert code_fingerprint() in first.stamp


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_where_a_policy_loses_is_a_box_of_assumption_ranges(small):
    pytest.importorskip("ema_workbench")
    box = small.where_it_loses("strike_days_per_year")
    paths = {a.path: a for a in small.assumptions}
    for row in box.to_dict("records"):
        a = paths[row["assumption"]]
        assert a.low - 1e-9 <= row["low"] <= row["high"] <= a.high + 1e-9


@pytest.mark.parametrize("policies, words", [
    (["prevention_first"], "at least two"),
    ("prevention_first", "at least two"),
    (["prevention_first", "korea_inspired"], "one base scenario"),
    (["prevention_first", "prevention_first"], "distinct names"),
])
def test_bad_policy_lists_are_refused(policies, words):
    with pytest.raises(InputError, match=words):
        robustness(policies, draws=4, settings=QUICK, executor="serial", progress=False)


@pytest.mark.slow
def test_cli_robustness_acceptance_run(tmp_path, capsys):
    out = tmp_path / "out.csv"
    code = main(["robustness", str(SCENARIO_DIR / "prevention_first.toml"),
                 str(SCENARIO_DIR / "resolution_first.toml"), "--draws", "16", "--years", "2",
                 "--reps", "3", "--csv", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "fewer than the 10 needed" in printed
    table = pd.read_csv(out, comment="#")
    assert table["kpi"].is_unique and len(table) >= 20
    for column in ("worlds_policy_better", "worlds_reference_better", "drivers",
                   "depends_most_on", "break_even_value"):
        assert column in table.columns
    assert table["drivers"].fillna("").str.contains("prevention.max_grievance_reduction").any()
    assert out.read_text().startswith("# labsim ")


@pytest.mark.parametrize("args, words", [
    (["--draws", "1"], "draws"),
    (["--csv", "/proc/x/y.csv"], "--csv"),
])
def test_cli_robustness_bad_arguments_are_one_line(capsys, args, words):
    code = main(["robustness", "prevention_first", "resolution_first", *args])
    err = capsys.readouterr().err
    assert code == 2 and words in err and err.count("\n") == 1



@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_research_packages_are_imported_only_on_demand():
    """The dashboard and the core run without the research extra."""
    import subprocess
    import sys
    code = ("import sys, labsim, labsim.workshop.dashboards, labsim.views.cli; "
            "print(sorted(m for m in ('SALib', 'ema_workbench') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_a_scenario_can_take_the_baselines_assumptions_and_add_its_own(tmp_path):
    own = {a.path for a in load_assumptions("migrant_grievances")}
    assert {a.path for a in load_assumptions("cambodia_baseline")} < own
    chained = tmp_path / "chained.toml"
    text = (SCENARIO_DIR / "cambodia_baseline.toml").read_text(encoding="utf-8")
    chained.write_text(text.split("\n[assumptions]")[0] + '\n[assumptions]\nfrom = '
                       '"korea_inspired"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="assumptions.from"):
        load_scenario(chained)


def test_the_shipped_dashboard_result_is_current():
    """Made by `make robustness-result`: its code, policies and assumptions are today's."""
    from labsim.analysis.provenance import scenario_hash
    from labsim.analysis.robustness import load_result
    from labsim.workshop.controls import SHIPPED_ROBUSTNESS
    result, code = load_result(SHIPPED_ROBUSTNESS)
    assert code == code_fingerprint(), "run `make robustness-result` and commit it"
    for name in POLICIES:
        assert f"{name} {scenario_hash(load_scenario(name))}" in result.stamp
    assert result.assumptions == load_assumptions("cambodia_baseline")
    assert len(result.worlds) + len(result.left_out) == 64 and result.counts_reliable
    from labsim.workshop.controls import SHIPPED_VERDICT_MAP, shipped_verdict_map
    assert SHIPPED_VERDICT_MAP.is_file() and shipped_verdict_map() is not None
    assert shipped_verdict_map().names == tuple(POLICIES)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_a_saved_result_reads_back_the_same(small, tmp_path):
    from labsim.analysis.robustness import load_result
    again, code = load_result(small.save(tmp_path / "saved"))
    assert code == code_fingerprint()
    pd.testing.assert_frame_equal(again.summary(), small.summary(), check_dtype=False)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_robustness_checks_queue_on_one_machine_wide_lock():
    import multiprocessing
    import time

    from labsim.workshop import controls
    ready = multiprocessing.Event()

    def hold():
        with controls.one_check_at_a_time():
            ready.set()
            time.sleep(1.5)

    other = multiprocessing.get_context("fork").Process(target=hold)
    other.start()
    ready.wait(10)
    waited = []
    started = time.monotonic()
    with controls.one_check_at_a_time(lambda: waited.append(True)):
        held_for = time.monotonic() - started
    other.join()
    assert waited == [True] and held_for > 0.5


def test_the_central_assumptions_are_said_once_above_the_verdicts():
    from labsim import compare
    from labsim.views.report import headline, verdict
    differences = compare(POLICIES, settings=QUICK, executor="serial").differences()
    assert headline(differences).startswith("Under the central assumptions, ")
    assert not any("central assumptions" in line for line in verdict(differences))


def _synthetic(values, differences, central_difference):
    """A Robustness over one assumption 'a' (range 0-1) with given per-world differences in
    strike days (lower is better) of 'b' against 'a0'."""
    from labsim.analysis.robustness import Robustness
    a = Assumption("x.a", "effect a", 0.5, 0.0, 1.0, "test", True)
    b = Assumption("x.b", "noise b", 0.5, 0.0, 1.0, "test", True)
    rng = np.random.default_rng(0)
    worlds = pd.DataFrame({"x.a": values, "x.b": rng.uniform(size=len(values))}).rename_axis(
        "world")
    rows = pd.DataFrame({"world": range(len(values)), "scenario": "b", "reference": "a0",
                         "kpi": "strike_days_per_year", "difference": differences,
                         "relative": np.asarray(differences) / 100, "clear": True})
    central = pd.DataFrame([{"scenario": "b", "reference": "a0",
                             "kpi": "strike_days_per_year", "difference": central_difference,
                             "relative": central_difference / 100, "clear": True}])
    return Robustness("a0", ["a0", "b"], (a, b), worlds, rows, central, QUICK, 0, {}, "test")


def test_break_even_is_where_the_worlds_reverse_the_verdict():
    """Planted: b is worse (more strike days) unless assumption a is below 0.3."""
    values = np.linspace(0.01, 0.99, 40)
    result = _synthetic(values, np.where(values < 0.3, -10.0, 10.0) + 20 * values, 15.0)
    flip = result.break_even("strike_days_per_year")
    assert flip["assumption"] == "x.a" and flip["flips_when"] == "below"
    assert flip["value"] == pytest.approx(0.3, abs=0.03)
    assert flip["reversed"] == flip["reversed_beyond"] == (values < 0.3).sum()


def test_no_break_even_is_claimed_for_scattered_reversals_or_a_tie():
    values = np.linspace(0.01, 0.99, 40)
    scattered = np.where(np.arange(40) % 5 == 0, -1.0, 1.0) + 5 * values
    flip = _synthetic(values, scattered, 2.0).break_even("strike_days_per_year")
    assert flip is None or flip["value"] is None
    assert _synthetic(values, 5 * values, 0.0).break_even("strike_days_per_year") is None


def test_too_few_worlds_name_no_driver():
    values = np.linspace(0.1, 0.9, 5)
    result = _synthetic(values, 10 * values, 5.0)
    assert result.drivers("strike_days_per_year").empty
    assert result.summary().iloc[0]["depends_most_on"] == ""


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_a_central_world_that_cannot_run_is_an_error_not_an_empty_result(baseline):
    def broken(world):
        raise ScenarioError("prevention.x", 1, "a test rule")
    with pytest.raises(InputError, match="central values"):
        evaluate_worlds(baseline, broken, load_assumptions("cambodia_baseline"), draws=3,
                        settings=QUICK, executor="serial", progress=False)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_worlds_that_break_a_rule_are_left_out_and_said(baseline):
    calls = []

    def sometimes(world):
        calls.append(world)
        if len(calls) == 3:
            raise ScenarioError("prevention.x", 1, "a test rule")
        return {"a": world, "b": world}
    result = evaluate_worlds(baseline, sometimes, load_assumptions("cambodia_baseline"),
                             draws=4, settings=QUICK, executor="serial", progress=False)
    assert list(result.left_out) == [1] and "a test rule" in result.left_out[1]
    assert len(result.worlds) == 3 and "3 of 4 worlds" in result.stamp


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_the_stamp_names_the_assumptions_and_the_presets(small):
    from labsim.analysis.provenance import scenario_hash
    for name in POLICIES:
        assert f"{name} {scenario_hash(load_scenario(name))}" in small.stamp
    assert "assumptions " in small.stamp and "re-fitted to the record" in small.stamp


def test_a_from_that_gives_nothing_is_refused(tmp_path):
    text = (SCENARIO_DIR / "cambodia_baseline.toml").read_text(encoding="utf-8")
    head = text.split("\n[assumptions]")[0]
    for source in ('"prevention_first"', '"textbook_network"', '"no_such_preset"', "3"):
        path = tmp_path / "x.toml"
        path.write_text(head + f"\n[assumptions]\nfrom = {source}\n", encoding="utf-8")
        with pytest.raises(ScenarioError, match="assumptions.from") as err:
            load_scenario(path)
        assert "x.toml" in str(err.value)


def test_a_calibrated_rate_is_refused_by_index_too(tmp_path):
    path = _baseline_with(tmp_path, {
        "arrivals.sectors.0.individual_grievances_per_1000_workers_per_year": {"label": "x"}})
    with pytest.raises(InputError, match="calibration re-fits"):
        evaluate_worlds(load_scenario(path), lambda w: {"a": w, "b": w},
                        load_assumptions(path), draws=2, settings=QUICK, executor="serial",
                        progress=False)


def test_robustness_without_a_record_to_refit_to_says_no_refit(tmp_path):
    policy = tmp_path / "more_officers_2014.toml"
    text = (SCENARIO_DIR / "prevention_first.toml").read_text(encoding="utf-8")
    policy.write_text(text.replace('base_scenario = "cambodia_baseline"',
                                   'base_scenario = "cambodia_2014"'), encoding="utf-8")
    with pytest.raises(InputError, match="--no-refit"):
        robustness(["cambodia_2014", str(policy)], draws=2, settings=QUICK,
                   executor="serial", progress=False)


def test_a_unit_cost_changes_what_the_extra_money_buys_never_todays_staff(baseline):
    """Policy files hold dollars; in a world where a conciliator costs 12,600 instead of
    8,400, prevention first keeps today's 4 and resolution first's extra US$184,800 buys
    14."""
    from labsim.scenario.policy import apply_policy, costed_in
    from labsim.scenario.presets import load_policy, with_overrides
    world = with_overrides(baseline, {"costs.conciliator_usd_per_year": 12_600.0})
    staff = {name: apply_policy(costed_in(load_policy(name), baseline, world), world)
             .collective_conciliation.conciliators for name in POLICIES}
    assert staff == {"prevention_first": 4, "resolution_first": 4 + 184_800 // 12_600}
    assert costed_in(load_policy("balanced"), baseline, baseline) == load_policy("balanced")


def test_a_count_is_drawn_as_a_whole_number(baseline):
    counts = [a for a in load_assumptions("cambodia_baseline") if a.whole]
    assert {a.path for a in counts} >= {"individual_conciliation.labour_inspectors",
                                       "collective_conciliation.conciliators"}
    worlds, _ = draw_worlds(baseline, counts, 12, seed=2)
    assert (worlds == worlds.round()).all().all()
    assert worlds.min().min() >= 2


def test_where_a_verdict_turns_reads_a_share_in_percent_and_a_count_plainly():
    """'below 11% (its range: 0% to 60%)', not 'below 0.113 (its range: 0 to 0.6)'."""
    from labsim.analysis.robustness import load_result
    from labsim.views.report import assumption_value, format_as, robustness_lines
    from labsim.workshop.controls import SHIPPED_ROBUSTNESS
    result, _ = load_result(SHIPPED_ROBUSTNESS)
    summary = result.summary()
    row = summary.set_index("kpi").loc["strike_days_per_year"]
    assert "share" in row["depends_most_on"].lower()  # the shipped result's strike driver
    strikes = next(line for line in robustness_lines(summary)
                   if line.startswith(CATALOG["strike_days_per_year"].label))
    value, low, high = (format_as("percent", row[end])
                        for end in ("break_even_value", "range_low", "range_high"))
    assert f"is below {value} (its range: {low} to {high})" in strikes and "%" in value
    assert assumption_value(5.0, "Labour inspectors who conciliate today (people)") == "5"
    assert assumption_value(1250.0, "Yearly cost of one labour inspector (US$)") == "1,250"
    assert assumption_value(0.2, "Extra share of grievances settled") == "20%"
