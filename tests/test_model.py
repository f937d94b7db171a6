"""The dispute-flow model: conservation, Little's law, reproducibility and common random numbers."""

import numpy as np
import pandas as pd
import pytest

import labsim
from labsim import RunSettings
from labsim.model.strikes import strike_onset, workplace_onsets
from labsim.model.system import simulate
from labsim.scenario.stages import active_staffed_stages

YEARS = 3


@pytest.fixture(scope="module")
def baseline_run(baseline):
    return labsim.run(baseline, RunSettings(years=YEARS, replications=4, seed=5, warmup_days=120))


def test_every_case_entering_a_stage_leaves_it_or_is_still_there(baseline_run,
                                                                  no_case_is_lost):
    no_case_is_lost(baseline_run.cases)


def test_a_lost_case_is_caught_by_the_conservation_check(baseline):
    from labsim.model.records import ConservationError, check_conservation
    from labsim.model.system import DisputeSystem
    system = DisputeSystem(baseline, seed=1, replication=0, horizon_days=400)
    cases = system.run().cases
    with pytest.raises(ConservationError, match="arrivals"):
        check_conservation(cases.iloc[1:], system.records.closed, system.records.n, 400)
    reopened = cases.copy()
    reopened.loc[reopened["status"] == "resolved", "status"] = "open"
    with pytest.raises(ConservationError):
        check_conservation(reopened, system.records.closed, system.records.n, 400)
    check_conservation(cases, system.records.closed, system.records.n, 400)  # as it ran
    unended = cases.copy()
    unended.loc[unended.index[unended["status"] == "resolved"][0], "end_day"] = float("nan")
    with pytest.raises(ConservationError, match="no end day inside the run"):
        check_conservation(unended, system.records.closed, system.records.n, 400)
    left = cases.copy()
    waiting = left.index[(left["status"] == "open") & (left["stage"] == "court")][0]
    left.loc[waiting, "court_exit_day"] = 399.0
    with pytest.raises(ConservationError, match="open cases marked at court without being"):
        check_conservation(left, system.records.closed, system.records.n, 400)
    never_entered = cases.copy()
    never_entered.loc[waiting, "court_entry_day"] = float("nan")
    with pytest.raises(ConservationError, match="open cases marked at court without being"):
        check_conservation(never_entered, system.records.closed, system.records.n, 400)
    late = cases.copy()
    late.loc[late.index[late["status"] == "resolved"][0], "end_day"] = 401.0
    with pytest.raises(ConservationError, match="no end day inside the run"):
        check_conservation(late, system.records.closed, system.records.n, 400)


def test_case_paths_are_ordered_in_time(baseline_run):
    c = baseline_run.cases
    order = ["arrival_day", "workplace_exit_day", "collective_conciliation_entry_day",
             "collective_conciliation_start_day", "collective_conciliation_exit_day",
             "arbitration_entry_day", "arbitration_start_day", "decision_day",
             "arbitration_exit_day", "court_entry_day", "court_exit_day", "end_day"]
    for earlier, later in zip(order, order[1:], strict=False):
        both = c[earlier].notna() & c[later].notna()
        assert (c.loc[both, earlier] <= c.loc[both, later] + 1e-9).all(), (earlier, later)


def test_littles_law_holds_at_every_staffed_stage(baseline_run):
    stats = baseline_run.stage_statistics().groupby("stage").mean()
    for stage in active_staffed_stages(baseline_run.scenario):
        row = stats.loc[stage]
        assert row["mean_in_stage"] == pytest.approx(
            row["case_rate_per_day"] * row["mean_days_in_stage"], rel=0.05), stage


def test_littles_law_holds_for_the_daily_backlog(baseline_run):
    """The daily backlog table, averaged, equals entry rate x mean time in stage."""
    backlog = baseline_run.backlog.groupby("replication").mean()
    stats = baseline_run.stage_statistics()
    for stage in active_staffed_stages(baseline_run.scenario):
        per_rep = stats[stats["stage"] == stage].set_index("replication")
        assert backlog[stage].mean() == pytest.approx(
            (per_rep["case_rate_per_day"] * per_rep["mean_days_in_stage"]).mean(), rel=0.06)


def test_same_seed_gives_identical_tables(baseline):
    a = labsim.run(baseline, RunSettings(years=1, replications=2, seed=3))
    b = labsim.run(baseline, RunSettings(years=1, replications=2, seed=3))
    pd.testing.assert_frame_equal(a.cases, b.cases)
    pd.testing.assert_frame_equal(a.visits, b.visits)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_serial_and_parallel_runs_are_identical(baseline):
    serial = labsim.run(baseline, RunSettings(years=1, replications=3, seed=9), executor="serial")
    parallel = labsim.run(baseline, RunSettings(years=1, replications=3, seed=9))
    pd.testing.assert_frame_equal(serial.cases, parallel.cases)
    pd.testing.assert_frame_equal(serial.kpis, parallel.kpis)


def test_other_seeds_and_replications_differ(baseline):
    a = simulate(baseline, seed=1, replication=0, horizon_days=365).cases
    b = simulate(baseline, seed=2, replication=0, horizon_days=365).cases
    c = simulate(baseline, seed=1, replication=1, horizon_days=365).cases
    assert not np.array_equal(a["arrival_day"].to_numpy()[:50], b["arrival_day"].to_numpy()[:50])
    assert not np.array_equal(a["arrival_day"].to_numpy()[:50], c["arrival_day"].to_numpy()[:50])


def test_common_random_numbers_keep_other_stages_draws(baseline):
    """More arbitrators change arbitration only: arrivals and conciliation stay identical."""
    more_panels = labsim.with_overrides(baseline, {"arbitration.arbitrators": 60})
    a = simulate(baseline, seed=4, replication=0, horizon_days=730).cases
    b = simulate(more_panels, seed=4, replication=0, horizon_days=730).cases
    same = ["arrival_day", "kind", "workers", "workplace_exit_day",
            "individual_conciliation_exit_day", "collective_conciliation_exit_day"]
    pd.testing.assert_frame_equal(a[same], b[same])
    waited_a = (a["arbitration_start_day"] - a["arbitration_entry_day"]).sum()
    waited_b = (b["arbitration_start_day"] - b["arbitration_entry_day"]).sum()
    assert waited_b <= waited_a


def test_fewer_grievances_keep_the_same_underlying_draws(baseline):
    """A lower grievance rate stretches the same arrival stream: arrivals are a time-change."""
    fewer = labsim.with_overrides(baseline, {"prevention.prevention_officers": 100})
    a = simulate(baseline, seed=4, replication=0, horizon_days=365).cases
    b = simulate(fewer, seed=4, replication=0, horizon_days=365).cases
    assert len(b) < len(a)
    ratio = baseline.prevention.grievance_multiplier() / fewer.prevention.grievance_multiplier()
    first_a = a.loc[(a["sector"] == "other") & (a["kind"] == "individual"), "arrival_day"].iloc[0]
    first_b = b.loc[(b["sector"] == "other") & (b["kind"] == "individual"), "arrival_day"].iloc[0]
    assert first_b == pytest.approx(first_a * ratio)


def test_exponential_switch_keeps_means_and_changes_shapes(baseline):
    exp = labsim.with_overrides(baseline, {"exponential_durations": True})
    d = exp.duration(baseline.collective_conciliation.service)
    assert d.family == "exponential"
    assert d.mean == pytest.approx(baseline.collective_conciliation.service.mean)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_fewer_inspectors_busier_inspectors(baseline):
    """Utilisation = arrival rate x mean service / capacity: 8 -> 7 inspectors raises it by 8/7."""
    understaffed = labsim.with_overrides(baseline,
                                         {"individual_conciliation.labour_inspectors": 7})
    slow = labsim.run(understaffed, RunSettings(years=2, replications=3, seed=2)).summary()
    fast = labsim.run(baseline, RunSettings(years=2, replications=3, seed=2)).summary()
    kpi = "utilisation_individual_conciliation"
    assert slow.loc[kpi, "mean"] == pytest.approx(fast.loc[kpi, "mean"] * 8 / 7, rel=0.03)


def test_strikes_switched_off_leave_no_strike_days(textbook):
    results = labsim.run(textbook, RunSettings(years=1, replications=2, seed=1))
    assert results.cases["strike_days"].sum() == 0


def test_strike_hazard_grows_after_the_deadline():
    assert strike_onset(0.5, [(0, 10, 0.1, False)]) == pytest.approx((5.0, False))
    assert strike_onset(1.5, [(0, 10, 0.1, False), (10, 20, 0.5, True)]) == pytest.approx(
        (11.0, True))
    assert strike_onset(9.0, [(0, 10, 0.1, False), (10, 20, 0.5, True)]) is None


def test_wildcat_onsets_agree_with_the_general_rule():
    rng = np.random.default_rng(2)
    draws, arrival = rng.exponential(1, 200), rng.uniform(0, 100, 200)
    left = arrival + rng.exponential(14, 200)
    vectorised = workplace_onsets(draws, arrival, left, 0.05)
    for i in range(200):
        one = strike_onset(draws[i], [(arrival[i], left[i], 0.05, False)])
        assert (one is None and np.isnan(vectorised[i])) or one[0] == pytest.approx(
            vectorised[i])


def test_strike_counts_match_the_hazard(baseline):
    """Waiting strikes, at the workplace and in the procedure, with one flat hazard:
    expected number = sum of 1 - exp(-hazard x time waited) (Poisson thinning)."""
    flat = labsim.with_overrides(baseline, {"strikes.overdue_hazard_multiplier": 1.0,
                                            "strikes.refrain_factor": 1.0,
                                            "strikes.strike_share_after_objection": 0.0,
                                            "strikes.hazard_per_day": 0.01})
    results = labsim.run(flat, RunSettings(years=3, replications=4, seed=8))
    c = results.cases
    closed = c[(c["kind"] == "collective") & (c["status"] != "open")]
    finish = (closed["decision_day"].fillna(closed["collective_conciliation_exit_day"])
              .fillna(closed["workplace_exit_day"]))
    exposure = (finish - closed["arrival_day"]).to_numpy()
    expected = (1 - np.exp(-0.01 * exposure)).sum()
    observed = (closed["strike_days"] > 0).sum()
    assert observed > 300
    assert abs(observed - expected) < 4 * np.sqrt(expected)
    unlawful = closed[(closed["strike_days"] > 0) & ~closed["strike_lawful"]]
    assert len(unlawful) > 0.9 * observed  # nearly all before any award is overdue


def test_bad_run_settings_are_named(baseline):
    for kwargs, name in [({"years": 0}, "years"), ({"replications": 0}, "replications"),
                         ({"seed": -1}, "seed"), ({"warmup_days": -3}, "warmup_days"),
                         ({"years": float("nan")}, "years"), ({"replications": 2.0},
                                                               "replications")]:
        with pytest.raises(labsim.InputError) as info:
            RunSettings(**kwargs)
        assert info.value.path == name
    with pytest.raises(labsim.InputError) as info:
        labsim.run(baseline, executor="threads")
    assert info.value.path == "executor"


def test_numpy_numbers_are_accepted_as_settings():
    settings = RunSettings(years=np.float64(2.0), replications=np.int64(3),
                                  seed=np.int32(4))
    assert (settings.years, settings.replications, settings.seed) == (2.0, 3, 4)
    assert type(settings.replications) is int
