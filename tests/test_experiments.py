"""Policies, paired comparisons, sweeps on every executor, staffing searches."""

import concurrent.futures as cf

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import labsim
from labsim.analysis.catalog import CATALOG
from labsim.experiments import comparison as replications
from labsim.experiments.comparison import compare
from labsim.experiments.executors import local_processes
from labsim.experiments.search import smallest_budget, smallest_staff, sweep
from labsim.scenario.costs import annual_budget_usd
from labsim.scenario.items import BOUGHT
from labsim.scenario.policy import apply_policy, policy_with_increment, staffing_table
from labsim.scenario.presets import SCENARIO_DIR, load_policy
from labsim.views.cli import main

POLICIES = ("prevention_first", "resolution_first", "balanced")
QUICK = labsim.RunSettings(years=1.0, replications=4, seed=2, warmup_days=90.0)


def _max_unit_cost(base):
    c = base.costs
    return max(c.prevention_officer_usd_per_year, c.labour_inspector_usd_per_year,
               c.conciliator_usd_per_year, c.arbitrator_usd_per_year)


def test_policy_presets_spend_the_same_total(baseline):
    policies = [load_policy(name) for name in POLICIES]
    assert len({p.budget_usd_per_year for p in policies}) == 1
    for policy in policies:
        spent = annual_budget_usd(labsim.load_scenario(policy.name))
        assert 0 <= policy.budget_usd_per_year - spent < _max_unit_cost(baseline)
    increment = policies[0].budget_usd_per_year - annual_budget_usd(baseline)
    assert increment == pytest.approx(250_000)


def test_policies_differ_only_in_where_the_money_goes(baseline):
    prevention = labsim.load_scenario("prevention_first")
    resolution = labsim.load_scenario("resolution_first")
    assert prevention.prevention.prevention_officers > resolution.prevention.prevention_officers
    assert (resolution.collective_conciliation.conciliators
            > prevention.collective_conciliation.conciliators)
    assert prevention.arrivals == resolution.arrivals == baseline.arrivals
    assert prevention.courts == baseline.courts


def test_policy_buys_whole_staff():
    policy = load_policy("balanced")
    s = apply_policy(policy, labsim.load_scenario(policy.base_scenario))
    a, c = policy.allocation_usd_per_year, s.costs
    assert s.individual_conciliation.labour_inspectors == int(
        a.labour_inspectors // c.labour_inspector_usd_per_year)
    assert s.arbitration.arbitrators == int(a.arbitrators // c.arbitrator_usd_per_year)


def test_policy_money_for_a_missing_route_is_an_error(edited_preset):
    """Money moved from officers to MRC staff, in a base scenario with no migrant route."""
    allocation = "policy.allocation_usd_per_year"
    path = edited_preset("balanced", {f"{allocation}.prevention_officers": lambda v: v - 6000.0,
                                      f"{allocation}.mrc_staff": 6000.0})
    with pytest.raises(labsim.ScenarioError) as info:
        labsim.load_scenario(path)
    assert info.value.path == "policy.allocation_usd_per_year.mrc_staff"


def test_allocation_must_not_spend_more_than_the_budget(edited_preset):
    path = edited_preset("balanced", {"policy.allocation_usd_per_year.training":
                                      lambda v: v + 5000.0})
    with pytest.raises(labsim.ScenarioError) as info:
        labsim.load_scenario(path)
    assert info.value.path == "policy.allocation_usd_per_year"
    assert "budget_usd_per_year" in info.value.allowed


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_staffing_table_spends_each_budget_level_by_the_rules(baseline):
    today = annual_budget_usd(baseline)
    shares = {"prevention_first": 1.0, "resolution_first": 0.0, "balanced": 0.5}
    table = staffing_table(shares, baseline, {"low": today, "medium": today + 250_000,
                                              "high": today + 500_000})
    assert len(table) == 9
    low = table[table["budget_level"] == "low"]  # no extra money: everyone has today's staff
    assert (low["labour_inspectors"] == baseline.individual_conciliation.labour_inspectors).all()
    assert (low["prevention_officers"] == baseline.prevention.prevention_officers).all()
    medium = table[table["budget_level"] == "medium"].set_index("policy")
    for name in shares:  # the presets are the rules' output for the standard increment
        preset = labsim.load_scenario(name)
        assert medium.loc[name, "labour_inspectors"] == (
            preset.individual_conciliation.labour_inspectors)
        assert medium.loc[name, "prevention_officers"] == preset.prevention.prevention_officers
    c = baseline.costs  # resolution spends to within one unit's cost: a trained conciliator
    most_unspent = max(c.labour_inspector_usd_per_year, c.conciliator_usd_per_year
                       + c.conciliator_training_usd_per_conciliator_per_year,
                       c.arbitrator_usd_per_year)
    assert (table["unspent_usd_per_year"] < most_unspent).all()
    assert (table["unspent_usd_per_year"] >= -1e-6).all()
    for _, rows in table.groupby("policy"):
        assert rows["labour_inspectors"].is_monotonic_increasing
        assert rows["prevention_officers"].is_monotonic_increasing


def test_staffing_table_names_a_budget_below_todays(baseline):
    with pytest.raises(labsim.ScenarioError) as info:
        staffing_table({"x": 1.0}, baseline, {"cut": 100_000})
    assert info.value.path == "budgets_usd_per_year.cut"


@pytest.fixture(scope="module")
def comparison():
    return compare(list(POLICIES[:2]), settings=QUICK)


def test_paired_differences_are_means_of_replication_differences(comparison):
    a = comparison.per_replication["prevention_first"]
    b = comparison.per_replication["resolution_first"]
    diff = comparison.differences().set_index("kpi")
    kpi = "utilisation_individual_conciliation"
    paired = (b[kpi] - a[kpi]).to_numpy()
    assert diff.loc[kpi, "difference"] == pytest.approx(paired.mean())
    expected = stats.t.interval(0.95, len(paired) - 1, loc=paired.mean(),
                                scale=stats.sem(paired))
    assert (diff.loc[kpi, "ci_low"], diff.loc[kpi, "ci_high"]) == pytest.approx(expected)
    assert diff.loc[kpi, "reference"] == "prevention_first"


def test_common_random_numbers_make_paired_differences_sharper(comparison):
    """Pairing replications cancels shared noise: the paired spread is the smaller one."""
    a = comparison.per_replication["prevention_first"]
    b = comparison.per_replication["resolution_first"]
    kpi = "grievances_per_year"
    paired = (b[kpi] - a[kpi]).std()
    unpaired = np.sqrt(a[kpi].var() + b[kpi].var())
    assert paired < 0.5 * unpaired


def test_a_scenario_compared_with_itself_shows_no_difference(baseline):
    same = compare({"a": baseline, "b": baseline}, settings=QUICK, executor="serial")
    diff = same.differences()
    assert np.allclose(diff["difference"].fillna(0), 0)
    assert not diff["clear"].any()


def test_prevention_lowers_grievances_and_resolution_shortens_queues(comparison):
    diff = comparison.differences().set_index("kpi")
    assert diff.loc["grievances_per_year", "clear"] and diff.loc["grievances_per_year",
                                                                    "difference"] > 0
    assert diff.loc["utilisation_collective_conciliation", "difference"] < 0


def test_compare_needs_two_scenarios_and_a_known_reference(baseline):
    with pytest.raises(labsim.InputError) as info:
        compare([baseline], settings=QUICK)
    assert info.value.path == "scenarios"
    with pytest.raises(labsim.InputError) as info:
        compare({"a": baseline, "b": baseline}, reference="c", settings=QUICK)
    assert info.value.path == "reference"


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_sweep_runs_every_grid_point_and_matches_compare(baseline):
    grid = {"arbitration.arbitrators": [9, 25], "collective_conciliation.conciliators": [2, 4]}
    rows = sweep(baseline, grid=grid, executor="serial", progress=False, settings=QUICK)
    assert rows["point"].nunique() == 4 and len(rows) == 4 * QUICK.replications
    base_point = rows[(rows["arbitration.arbitrators"] == 25)
                      & (rows["collective_conciliation.conciliators"] == 4)]
    direct = compare({"x": baseline, "y": baseline}, settings=QUICK, executor="serial")
    pd.testing.assert_series_equal(
        base_point["days_to_outcome_median_collective_filed"].reset_index(drop=True),
        direct.per_replication["x"]["days_to_outcome_median_collective_filed"].reset_index(
            drop=True), check_names=False)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_sweep_cache_skips_finished_points(baseline, tmp_path, monkeypatch):
    grid = {"arbitration.arbitrators": [9, 25]}
    first = sweep(baseline, grid=grid, executor="serial", cache_dir=tmp_path, progress=False,
                  settings=QUICK)
    calls = []
    real = replications.replication_kpis_task
    monkeypatch.setattr(replications, "replication_kpis_task",
                        lambda *a: calls.append(a) or real(*a))
    grid["arbitration.arbitrators"].append(40)
    second = sweep(baseline, grid=grid, executor="serial", cache_dir=tmp_path, progress=False,
                   settings=QUICK)
    assert len(calls) == QUICK.replications
    pd.testing.assert_frame_equal(first, second[second["point"] < 2].reset_index(drop=True))


def test_sweep_validates_every_point_before_running(baseline):
    with pytest.raises(labsim.ScenarioError) as info:
        sweep(baseline, grid={"arbitration.objection_share": [0.2, 1.5]}, executor="serial",
              progress=False, settings=QUICK)
    assert info.value.path == "arbitration.objection_share"


@pytest.mark.slow  # starts a Dask cluster
def test_sweep_on_a_dask_local_cluster_equals_the_serial_run(baseline):
    distributed = pytest.importorskip("distributed")
    dask = pytest.importorskip("dask")
    grid = {"individual_conciliation.labour_inspectors": [6, 10]}
    serial = sweep(baseline, grid=grid, executor="serial", progress=False, settings=QUICK)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = sweep(baseline, grid=grid, executor=client, progress=True, settings=QUICK)
        by_address = sweep(baseline, grid=grid, executor=cluster.scheduler_address,
                           progress=False, settings=QUICK)
        with dask.config.set({"scheduler-address": cluster.scheduler_address}):
            configured = sweep(baseline, grid=grid, executor="dask", progress=False,
                               settings=QUICK)
        with cf.ThreadPoolExecutor(2) as threads:
            any_executor = sweep(baseline, grid=grid, executor=threads, progress=False,
                                 settings=QUICK)
    for other in (on_dask, by_address, configured, any_executor):
        pd.testing.assert_frame_equal(serial, other)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_local_processes_equal_the_serial_run(baseline):
    grid = {"individual_conciliation.labour_inspectors": [6, 10]}
    serial = sweep(baseline, grid=grid, executor="serial", progress=False, settings=QUICK)
    local = sweep(baseline, grid=grid, executor=local_processes(2), progress=False,
                  settings=QUICK)
    pd.testing.assert_frame_equal(serial, local)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_smallest_staff_meets_the_target_and_one_less_does_not(baseline):
    result = smallest_staff(baseline, "individual_conciliation.labour_inspectors",
                            "share_individual_heard_within_deadline", 0.9, low=1, high=12,
                            settings=QUICK, executor="serial")
    n = result.level_for_mean
    assert n is not None and 1 < n <= 12
    curve = result.curve.set_index("individual_conciliation.labour_inspectors")
    assert curve.loc[n, "mean"] >= 0.9
    below = replications.replicate(
        [labsim.with_overrides(baseline, {"individual_conciliation.labour_inspectors": n - 1})],
        settings=QUICK, executor="serial")[0]["share_individual_heard_within_deadline"].mean()
    assert below < 0.9
    assert result.level_for_confidence is None or result.level_for_confidence >= n
    assert "labour_inspectors" in result.describe()


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_smallest_extra_budget_spent_by_the_resolution_rule(baseline):
    # half the conciliators today: the resolution rule's money buys (trained) conciliators
    short = labsim.with_overrides(baseline, {"collective_conciliation.conciliators": 2})
    result = smallest_budget(short, 0.0, "share_collective_settled_within_deadlines", 0.85,
                             step_usd=10_000, low_usd=0, high_usd=100_000,
                             settings=QUICK, executor="serial")
    assert result.level_for_mean is not None and result.level_for_mean > 0
    assert result.level_for_mean % 10_000 == 0
    curve = result.curve.set_index("extra_budget_usd_per_year")
    assert curve.loc[result.level_for_mean, "mean"] >= 0.85
    assert curve.loc[result.level_for_mean - 10_000, "mean"] < 0.85


def test_smallest_budget_names_a_bad_step(baseline):
    with pytest.raises(labsim.InputError) as info:
        smallest_budget(baseline, 0.0, "share_individual_heard_within_deadline", 0.95,
                        step_usd=0)
    assert info.value.path == "step_usd"


def test_an_allocation_has_a_field_for_every_item_a_policy_buys():
    from dataclasses import fields

    from labsim.scenario.policy import Allocation
    assert tuple(f.name for f in fields(Allocation)) == tuple(entry.name for entry in BOUGHT)
    assert [entry.name for entry in BOUGHT] == [
        "prevention_officers", "training", "labour_inspectors", "conciliators",
        "conciliator_training", "arbitrators", "mrc_staff"]


def test_cli_compare_prints_table_and_verdict(capsys):
    code = main(["compare", str(SCENARIO_DIR / "prevention_first.toml"),
                 str(SCENARIO_DIR / "resolution_first.toml"), "--years", "1", "--reps", "3",
                 "--warmup-days", "90"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Resolution first against prevention first" in out
    said = [line for line in out.splitlines() if line.startswith("Strike days per year: ")]
    assert said and "Resolution first" in said[0] and "_first" not in said[0]
    assert CATALOG["strike_days_per_year"].label in out
    assert CATALOG["cost_usd_per_resolved_filed_case"].label in out
    assert "95% CI" in out


def test_cli_sweep_writes_results(tmp_path, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text('[grid]\n"arbitration.arbitrators" = [9, 25]\n')
    code = main(["sweep", "cambodia_baseline", "--grid", str(grid), "--out", str(tmp_path),
                 "--years", "1", "--reps", "2", "--warmup-days", "30", "--executor", "serial"])
    assert code == 0
    written = list(tmp_path.glob("sweep-*.csv"))  # each sweep its own file
    assert len(written) == 1 and str(written[0]) in capsys.readouterr().out
    rows = pd.read_csv(written[0], comment="#")
    assert sorted(rows["arbitration.arbitrators"].unique()) == [9, 25]


def test_cli_sweep_bad_grid_is_one_line(tmp_path, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text('[grid]\n"arbitration.arbitratorz" = [9]\n')
    assert main(["sweep", "cambodia_baseline", "--grid", str(grid), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "did you mean 'arbitrators'" in err


@pytest.mark.parametrize(("call", "path"), [
    (lambda b: policy_with_increment(b, float("inf"), 0.5, "x"), "increment_usd_per_year"),
    (lambda b: policy_with_increment(b, float("nan"), 0.5, "x"), "increment_usd_per_year"),
    (lambda b: policy_with_increment(b, 1e12, 0.5, "x"), "increment_usd_per_year"),
    (lambda b: staffing_table({"p": "prevention_first"}, b, {"x": 300_000}), "prevention_share"),
    (lambda b: staffing_table({"p": 0.0}, b, [300_000]), "budgets_usd_per_year"),
    (lambda b: staffing_table({"p": 0.0}, b, {"x": float("inf")}), "budgets_usd_per_year.x"),
    (lambda b: smallest_budget(b, 0.0, "strike_days_per_year", "180"), "target"),
    (lambda b: smallest_budget(b, 0.0, "strike_days_per_year", float("nan")), "target"),
    (lambda b: smallest_budget(b, 0.0, "strike_days_per_year", 180, high_usd=float("inf")),
     "high_usd"),
])
def test_money_rules_name_bad_input_before_any_run(baseline, call, path):
    with pytest.raises(labsim.InputError) as info:
        call(baseline)
    assert info.value.path == path


@pytest.mark.slow
@pytest.mark.parametrize("function", ["run", "compare", "robustness"])
def test_the_public_entry_points_docstring_examples_run(function):
    import doctest

    finder = doctest.DocTestFinder()
    failures = []
    for test in finder.find(getattr(labsim, function)):
        result = doctest.DocTestRunner().run(test, out=failures.append)
        assert result.attempted > 0
    assert failures == []
