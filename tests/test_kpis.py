"""KPIs that count every case: estimators against theory, and metamorphic tests of the model.

Metamorphic tests compare paired replications (common random numbers, 10 replications):
cases keep their own draws whatever the staffing, so a change that can only delay cases
must never make any KPI look better.
"""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import labsim
import labsim.views.report
from labsim import RunSettings
from labsim.analysis.catalog import CATALOG, COST_KPIS
from labsim.analysis.columns import Columns
from labsim.analysis.kpis import kaplan_meier, outcome_quantiles, t_interval
from labsim.model.system import simulate
from labsim.scenario.parameters import LONGEST_DAYS

PAIRED = RunSettings(years=3.0, replications=10, seed=4, warmup_days=365.0)


def _product_limit(times: np.ndarray, event: np.ndarray, p: float) -> float | None:
    """Kaplan-Meier by hand: the first event time at which 1 - S(t) reaches p."""
    survival = 1.0
    for t in np.unique(times[event]):
        at_risk = np.sum(times >= t)
        survival *= 1 - np.sum((times == t) & event) / at_risk
        if 1 - survival >= p - 1e-12:
            return float(t)
    return None


def test_kaplan_meier_quantiles_match_the_product_limit_by_hand():
    rng = np.random.default_rng(3)
    origin = np.zeros(40)
    times = np.round(rng.exponential(10, 40), 1)
    end = np.where(rng.random(40) < 0.7, times, np.nan)
    run_end = 25.0
    end[end > run_end] = np.nan
    censored_at = np.where(np.isnan(end), run_end, end)
    for p, (value, beyond) in zip((0.5, 0.9), outcome_quantiles(origin, end, run_end),
                                  strict=True):
        expected = _product_limit(censored_at, ~np.isnan(end), p)
        if expected is None:
            assert beyond and value == censored_at.max()
        else:
            assert not beyond and value == pytest.approx(expected)


def test_kaplan_meier_median_recovers_an_exponential_under_heavy_censoring():
    """Half the cases are still open, yet the median is ln 2 x mean, not the closed ones'."""
    rng = np.random.default_rng(11)
    origin = rng.uniform(0, 100, 20_000)
    end = origin + rng.exponential(30.0, origin.size)
    end[end > 100] = np.nan
    (median, beyond), _ = outcome_quantiles(origin, end, 100.0)
    assert not beyond
    assert median == pytest.approx(30.0 * np.log(2), rel=0.05)
    closed_only = np.median((end - origin)[~np.isnan(end)])
    assert closed_only < 0.8 * median


def test_the_kaplan_meier_curve_is_scipys_to_the_last_bit():
    """Ties, all orders of closed and censored at a tie, censoring from none to most."""
    rng = np.random.default_rng(8)
    for _ in range(200):
        n = int(rng.integers(2, 300))
        times = np.round(rng.exponential(40.0, n), int(rng.integers(0, 3)))
        closed = rng.random(n) < rng.uniform(0.05, 0.95)
        closed[:2] = [True, False]
        expected = stats.ecdf(stats.CensoredData(uncensored=times[closed],
                                                 right=times[~closed])).cdf
        days, share = kaplan_meier(times, closed)
        assert np.array_equal(days, expected.quantiles)
        assert np.array_equal(share, expected.probabilities)


def test_columns_read_a_table_once_and_compare_categories_as_text():
    table = pd.DataFrame({"stage": pd.Categorical.from_codes([0, -1, 1], ["court", "workplace"]),
                          "end_day": [1.0, np.nan, 3.0]})
    columns = Columns.of(table)
    assert Columns.of(columns) is columns
    assert columns["stage"].tolist() == ["court", "", "workplace"]  # missing: no stage's name
    assert columns["stage"] is columns["stage"]
    kept = columns.rows(columns["stage"] != "court")
    assert len(kept) == 2 and "end_day" in kept and "kind" not in kept
    assert np.array_equal(kept["end_day"], [np.nan, 3.0], equal_nan=True)
    with pytest.raises(ValueError):
        kept["end_day"][0] = 1.0  # read-only: a KPI cannot spoil what the others read
    mask = np.array([True, False, True])
    first = columns.rows(mask)
    mask[:] = False  # the caller's mask, reused
    assert first["end_day"].tolist() == [1.0, 3.0]
    with pytest.raises(ValueError):
        columns.rows([True, False])


def test_columns_read_pandas_nullable_types_as_the_kpis_compare_them():
    read_back = pd.DataFrame({"sector": pd.array(["garment", None], dtype="string"),
                              "workers": pd.array([3, None], dtype="Int64")})
    columns = Columns.of(read_back)
    assert (columns["sector"] == "garment").tolist() == [True, False]
    assert np.nansum(columns["workers"]) == 3


def test_kaplan_meier_refuses_a_time_that_is_not_a_number():
    with pytest.raises(ValueError):
        kaplan_meier(np.array([1.0, np.nan]), np.array([True, False]))


def test_a_curve_that_stops_short_reports_a_lower_bound():
    origin = np.array([0.0, 1.0, 2.0])
    (value, beyond), _ = outcome_quantiles(origin, np.full(3, np.nan), 10.0)
    assert beyond and value == 10.0


def test_t_interval_matches_scipy_and_covers_the_mean_95_percent_of_the_time():
    rng = np.random.default_rng(5)
    sample = rng.normal(3.0, 2.0, 12)
    mean, low, high = t_interval(sample, 0.95)
    assert (low, high) == pytest.approx(stats.t.interval(0.95, 11, loc=sample.mean(),
                                                         scale=stats.sem(sample)))
    covered = [(lambda m, lo, hi: lo <= 3.0 <= hi)(*t_interval(rng.normal(3.0, 2.0, 10), 0.95))
               for _ in range(2000)]
    assert 0.93 < np.mean(covered) < 0.97


@pytest.fixture(scope="module")
def baseline_kpis(baseline):
    return labsim.experiments.comparison.replicate([baseline], PAIRED)[0]


def _paired(scenario):
    return labsim.experiments.comparison.replicate([scenario], PAIRED)[0]


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_fewer_inspectors_delay_every_case_and_never_flatter_a_kpi(baseline, baseline_kpis):
    half = labsim.with_overrides(baseline, {"individual_conciliation.labour_inspectors": 4})
    a = simulate(baseline, seed=4, replication=0, horizon_days=3 * 365).cases
    b = simulate(half, seed=4, replication=0, horizon_days=3 * 365).cases
    heard = "individual_conciliation_start_day"
    both = a[heard].notna() & b[heard].notna()
    assert (b.loc[both, heard] >= a.loc[both, heard] - 1e-9).all()
    assert not (a[heard].isna() & b[heard].notna()).any()
    ended = both & a["end_day"].notna() & b["end_day"].notna()
    assert (b.loc[ended, "end_day"] >= a.loc[ended, "end_day"] - 1e-9).all()
    worse = _paired(half)
    for kpi in ("backlog_end_individual_conciliation", "days_to_outcome_median_individual_filed",
                "days_to_outcome_p90_individual_filed"):
        assert (worse[kpi] - baseline_kpis[kpi]).mean() > 0, kpi
    for kpi in ("share_resolved", "share_individual_heard_within_deadline"):
        assert (worse[kpi] - baseline_kpis[kpi]).mean() < 0, kpi


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_claimants_who_give_up_on_fewer_inspectors_never_flatter_a_kpi(baseline):
    """The give-up mechanism is off in the presets (no source supports it); switched on, a
    claimant who gives up is a failure of service: more of them, never a better KPI."""
    hazard = "individual_conciliation.abandonment_hazard_per_day_overdue"
    patient = labsim.with_overrides(baseline, {hazard: 0.02})
    half = labsim.with_overrides(patient, {"individual_conciliation.labour_inspectors": 4})
    a = simulate(patient, seed=4, replication=0, horizon_days=3 * 365).cases
    b = simulate(half, seed=4, replication=0, horizon_days=3 * 365).cases
    assert (b["outcome"] == "abandoned").sum() > (a["outcome"] == "abandoned").sum()
    before, after = _paired(patient), _paired(half)
    assert (after["share_individual_abandoned"] - before["share_individual_abandoned"]
            ).mean() > 0
    for kpi in ("share_resolved", "share_individual_heard_within_deadline"):
        assert (after[kpi] - before[kpi]).mean() < 0, kpi
    assert (after["days_to_outcome_median_individual_filed"]
            - before["days_to_outcome_median_individual_filed"]).mean() > 0


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_more_grievances_on_top_of_the_same_cases_never_shrink_a_backlog(baseline):
    extra = dataclasses.replace(baseline.arrivals.sectors[0], name="extra", workers=300_000,
                                enterprises=300)
    busier = dataclasses.replace(baseline, arrivals=dataclasses.replace(
        baseline.arrivals, sectors=(*baseline.arrivals.sectors, extra)))
    a = simulate(baseline, seed=4, replication=0, horizon_days=3 * 365).cases
    b = simulate(busier, seed=4, replication=0, horizon_days=3 * 365).cases
    key = ["sector", "kind", "arrival_day"]
    same = a.merge(b[b["sector"] != "extra"], on=key, suffixes=("", "_busier"))
    assert len(same) == len(a)
    both = same["end_day"].notna() & same["end_day_busier"].notna()
    assert (same.loc[both, "end_day_busier"] >= same.loc[both, "end_day"] - 1e-9).all()
    daily = {name: labsim.run(s, PAIRED).backlog.groupby("replication").mean()
             for name, s in (("today", baseline), ("busier", busier))}
    for stage in ("individual_conciliation", "collective_conciliation", "arbitration"):
        paired = daily["busier"][stage] - daily["today"][stage]
        assert (paired >= -1e-9).all(), stage
        assert paired.mean() > 0, stage


@pytest.mark.parametrize("stage", ["individual_conciliation", "collective_conciliation",
                                   "arbitration"])
@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_a_service_time_of_a_century_never_raises_share_resolved(baseline, baseline_kpis,
                                                                   stage):
    stuck = labsim.with_overrides(baseline, {f"{stage}.service": {"family": "exponential",
                                                                  "mean_days": LONGEST_DAYS}})
    never = _paired(stuck)
    assert (never["share_resolved"] <= baseline_kpis["share_resolved"] + 1e-12).all()
    assert never["share_resolved"].mean() < baseline_kpis["share_resolved"].mean()


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_an_overloaded_stage_is_flagged_and_never_looks_healthy(baseline, baseline_kpis):
    one = labsim.with_overrides(baseline, {"individual_conciliation.labour_inspectors": 1})
    results = labsim.run(one, RunSettings(years=3, replications=10, seed=4))
    assert list(results.overloaded()) == ["individual_conciliation"]
    assert labsim.run(baseline, RunSettings(years=3, replications=10, seed=4)).overloaded() == {}
    summary = results.summary()
    assert summary.loc["share_resolved", "mean"] < baseline_kpis["share_resolved"].mean() - 0.2
    assert summary.loc["share_individual_heard_within_deadline", "mean"] < 0.05
    assert summary.loc["days_to_outcome_median_individual_filed", "beyond_run"] == 1.0


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_comparison_names_the_overloaded_policy(baseline):
    one = labsim.with_overrides(baseline, {"collective_conciliation.conciliators": 1})
    comparison = labsim.compare({"today": baseline, "one conciliator": one},
                                settings=RunSettings(years=2, replications=4, seed=2))
    overloaded = comparison.overloaded()
    assert overloaded["today"] == {}
    assert list(overloaded["one conciliator"]) == ["collective_conciliation"]
    row = comparison.differences().set_index("kpi").loc[
        "days_to_outcome_median_collective_filed"]
    assert row["clear"] and row["better"] is False
    said = [x for x in labsim.views.report.verdict(comparison.differences())
            if "collective disputes filed" in x and "half" in x]
    assert said and "worse" in said[0]


def test_disputes_still_waiting_at_the_end_strike_as_the_hazard_says(baseline):
    """Strike exposure counts time still open. With conciliation stuck, disputes wait to the
    end: expected strikes = sum of 1 - exp(-cumulative hazard) over the workplace (full
    hazard), conciliation within its 17-day deadline (parties refrain) and after it
    (overdue multiplier): Poisson thinning."""
    stuck = labsim.with_overrides(baseline, {"collective_conciliation.service": {
        "family": "fixed", "mean_days": LONGEST_DAYS}})
    horizon = 3 * 365
    st, cc = baseline.strikes, baseline.collective_conciliation
    deadline = cc.appointment_deadline_days + cc.conciliation_deadline_days
    observed, expected = 0, 0.0
    for replication in range(4):
        cases = simulate(stuck, seed=4, replication=replication, horizon_days=horizon).cases
        waiting = cases[cases["collective_conciliation_entry_day"].notna()]
        assert (waiting["status"] == "open").all()
        at_work = (waiting["workplace_exit_day"] - waiting["arrival_day"]).to_numpy()
        exposure = horizon - waiting["collective_conciliation_entry_day"].to_numpy()
        cumulative = st.hazard_per_day * (
            at_work + st.refrain_factor * np.minimum(exposure, deadline)
            + st.overdue_hazard_multiplier * np.maximum(exposure - deadline, 0))
        expected += np.sum(1 - np.exp(-cumulative))
        observed += int((waiting["strike_days"] > 0).sum())
    assert observed > 100
    assert abs(observed - expected) < 4 * np.sqrt(expected)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_share_resolved_does_not_depend_on_run_length(baseline):
    """Independent seeds, so the two runs' means differ only by chance."""
    short, long = (labsim.replicate([baseline], RunSettings(years=years, replications=10,
                                                            seed=seed))[0]["share_resolved"]
                   for years, seed in ((3, 8), (6, 9)))
    spread = np.sqrt(short.var() / 10 + long.var() / 10)
    assert abs(short.mean() - long.mean()) < 3 * spread


CUTS = [
    ("cambodia_baseline", "individual_conciliation.labour_inspectors", 4),
    ("cambodia_baseline", "individual_conciliation.labour_inspectors", 1),  # claimants give up
    ("cambodia_baseline", "collective_conciliation.conciliators", 2),
    ("cambodia_baseline", "arbitration.arbitrators", 6),
    ("migrant_grievances", "migrant_route.mrc_staff", 2),
    ("korea_inspired", "korea_system.mediation_committees", 1),
    ("korea_inspired", "korea_system.adjudication_panels", 3),
]


@pytest.mark.parametrize(("preset", "staff", "fewer"), CUTS,
                         ids=[f"{p}:{s.split('.')[-1]}={n}" for p, s, n in CUTS])
@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_cutting_staff_never_makes_a_judged_kpi_clearly_better(preset, staff, fewer):
    """Every KPI the catalog judges (better lower or higher), except what the staff cost,
    must not come out clearly better with fewer staff, paired over 10 replications. Some
    40 KPIs are tested at once, so "clearly" means a 99.9% interval (Bonferroni)."""
    today = labsim.load_scenario(preset)
    cut = labsim.with_overrides(today, {staff: fewer})
    differences = labsim.compare({"today": today, "cut": cut}, settings=PAIRED,
                                 level=0.999).differences()
    judged = differences[differences["kpi"].map(
        lambda k: CATALOG[k].better != "neither" and k not in COST_KPIS)]
    flattered = judged[judged["better"].eq(True)]
    assert flattered.empty, flattered[["kpi", "relative", "relative_ci_low"]].to_string()


def test_an_overloaded_stage_is_flagged_with_one_replication(baseline):
    one = labsim.with_overrides(baseline, {"individual_conciliation.labour_inspectors": 1})
    results = labsim.run(one, RunSettings(years=1, replications=1, warmup_days=0))
    assert "individual_conciliation" in results.overloaded()


def test_a_run_that_starts_empty_is_not_called_overloaded(baseline):
    results = labsim.run(baseline, RunSettings(years=1, replications=10, warmup_days=0))
    assert results.overloaded() == {}


def test_migrant_complaints_never_sit_at_the_workplace():
    results = labsim.run("migrant_grievances", RunSettings(years=2, replications=2))
    cases = results.cases
    at_work = cases[(cases["kind"] != "migrant") & (cases["status"] == "open")
                    & (cases["stage"] == "workplace")]
    counted = results.kpis["backlog_end_workplace"]
    assert (counted == at_work.groupby("replication").size().reindex(counted.index,
                                                                     fill_value=0)).all()


def test_worker_days_per_strike_follow_the_inputs(baseline):
    """Calendar worker-days per strike = mean workers per collective case x mean strike
    length, as the two are drawn independently (lognormal counts are rounded, so within 10%);
    working days lost count the strike's factory working days; conciliation does not shorten
    strikes here."""
    frequent = labsim.with_overrides(baseline, {"strikes.hazard_per_day": 0.05,
                                                "strikes.conciliation_cut": 0.0})
    cases = labsim.run(frequent, RunSettings(years=3, replications=6, seed=3)).cases
    struck = cases[cases["strike_days"] > 0]
    per_strike = (struck["strike_days"] * struck["workers"]).sum() / len(struck)
    a = baseline.arrivals
    expected = a.workers_per_collective_case_mean * baseline.strikes.duration.mean
    assert per_strike == pytest.approx(expected, rel=0.10)
    assert (struck["workdays_lost"] == struck["strike_working_days"] * struck["workers"]).all()
