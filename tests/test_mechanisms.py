"""Honest mechanisms: staff effort that can bind, strikes as they happen, the Arbitration
Council in working days, claimants who give up, binding awards by type, fair presets."""

import numpy as np
import pytest

import labsim
from labsim import RunSettings
from labsim.model.system import simulate
from labsim.scenario.allocation import spend, units
from labsim.scenario.calendar import calendar_for
from labsim.scenario.capacity import expected_utilisation, staff_capacity
from labsim.scenario.items import BOUGHT
from labsim.scenario.policy import policy_with_increment
from labsim.scenario.presets import load_policy, load_scenario, standard_increment
from labsim.scenario.strike_flows import (
    expected_strike_days_per_year,
    expected_strike_record,
    expected_strikes_per_year,
)

PAIRED = RunSettings(years=3, replications=10, seed=6)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_simulated_utilisation_is_the_effort_the_cases_need(baseline):
    """Little's law: busy share of the slots = expected cases x effort / staff hours, up to
    rounding the slots to whole cases."""
    summary = labsim.run(baseline, RunSettings(years=5, replications=10, seed=2)).summary()
    for stage, expected in expected_utilisation(baseline).items():
        rounding = 0.5 / staff_capacity(baseline)[stage]
        assert summary.loc[f"utilisation_{stage}", "mean"] == pytest.approx(
            expected, rel=0.03 + rounding, abs=0.005), stage


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_halving_labour_inspectors_clearly_worsens_hearings_and_time(baseline):
    half = labsim.with_overrides(baseline, {"individual_conciliation.labour_inspectors": 4})
    rows = labsim.compare({"today": baseline, "half": half}, settings=PAIRED
                          ).differences().set_index("kpi")
    for kpi in ("share_individual_heard_within_deadline",
                "days_to_outcome_median_individual_filed"):
        assert rows.loc[kpi, "clear"] and rows.loc[kpi, "better"] is False, kpi


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_the_council_reads_its_time_in_working_days(baseline):
    arb = baseline.arbitration
    assert arb.service.working_days
    in_calendar = baseline.duration(arb.service)
    assert in_calendar.mean == pytest.approx(arb.service.mean * 365 / (365 * 5 / 7 - 16))
    summary = labsim.run(baseline, RunSettings(years=5, replications=10, seed=2)).summary()
    assert summary.loc["arbitration_mean_working_days", "mean"] == pytest.approx(
        arb.service.mean, rel=0.1)


def test_a_claimant_who_gives_up_is_recorded_as_abandoned_not_resolved(baseline):
    scarce = labsim.with_overrides(baseline, {
        "individual_conciliation.labour_inspectors": 2,
        "individual_conciliation.abandonment_hazard_per_day_overdue": 0.1})
    cases = simulate(scarce, seed=3, replication=0, horizon_days=2 * 365).cases
    gave_up = cases[cases["outcome"] == "abandoned"]
    assert len(gave_up) > 100
    assert (gave_up["status"] == "dropped").all()
    assert gave_up["individual_conciliation_start_day"].isna().all()
    waited = gave_up["end_day"] - gave_up["individual_conciliation_entry_day"]
    assert (waited >= baseline.individual_conciliation.hearing_deadline_days - 1e-9).all()


def _keen(baseline, compliance: float):
    """Every interest award objected to and followed by a strike, a share of strikes called
    with a ballot and notice."""
    return labsim.with_overrides(baseline, {"strikes.strike_share_after_objection": 1.0,
                                            "strikes.notice_compliance_share": compliance,
                                            "arbitration.objection_share": 1.0,
                                            "arbitration.binding_award_share_interest": 0.0})


def test_strikes_after_an_objected_award_with_notice_are_lawful_and_wildcats_never(baseline):
    cases = labsim.run(_keen(baseline, 1.0), RunSettings(years=3, replications=4, seed=1)).cases
    objected = cases[cases["outcome"] == "award_objected"]
    assert len(objected) > 10 and (objected["strike_days"] > 0).all()
    only_there = objected[objected["strike_start_day"] >= objected["arbitration_exit_day"]]
    assert len(only_there) > 10 and only_there["strike_lawful"].all()
    assert only_there["strike_after_procedure"].all()
    wildcat = cases[(cases["strike_days"] > 0)
                    & (cases["strike_start_day"] < cases["workplace_exit_day"])]
    assert len(wildcat) > 0 and not wildcat["strike_lawful"].any()
    assert not wildcat["strike_after_procedure"].any()


def test_a_strike_with_notice_starts_seven_working_days_after_the_objection(baseline):
    """The notice (Labour Law art. 324) is a delay on the ministry's calendar; without it a
    strike starts at once and is unlawful, even after the procedure (BFC 2014: every strike)."""
    settings = RunSettings(years=3, replications=2, seed=5)
    scenario = _keen(baseline, 1.0)
    run = labsim.run(scenario, settings)
    calendar = calendar_for(scenario.calendar, settings.horizon_days)
    noticed = run.cases[(run.cases["outcome"] == "award_objected")
                        & (run.cases["strike_start_day"] >= run.cases["arbitration_exit_day"])]
    assert len(noticed) > 10
    working = calendar.ministry.between(noticed["arbitration_exit_day"].to_numpy(),
                                        noticed["strike_start_day"].to_numpy())
    assert working == pytest.approx(np.full(len(noticed), 7.0))
    without = labsim.run(_keen(baseline, 0.0), settings).cases
    at_once = without[(without["outcome"] == "award_objected")
                      & (without["strike_start_day"] >= without["arbitration_exit_day"])]
    assert len(at_once) > 10
    assert (at_once["strike_start_day"] == at_once["arbitration_exit_day"]).all()
    assert at_once["strike_after_procedure"].all() and not at_once["strike_lawful"].any()


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_lawful_strikes_never_outnumber_those_after_the_procedure():
    """Lawful needs the procedure exhausted and a ballot with notice: with half the strikes
    called that way, some are lawful, and never more than began after the procedure."""
    half = labsim.with_overrides("cambodia_2014", {"strikes.notice_compliance_share": 0.5})
    kpis = labsim.replicate([half], RunSettings(years=2, replications=3, seed=2))[0]
    assert (kpis["share_strikes_lawful"] > 0).all()
    assert (kpis["share_strikes_lawful"] < kpis["share_strikes_after_procedure"]).all()


def test_strike_days_count_the_factories_working_days(baseline):
    cases = labsim.run(baseline, RunSettings(years=2, replications=2, seed=3)).cases
    struck = cases[cases["strike_days"] > 0]
    assert len(struck) > 20
    assert (struck["strike_working_days"] <= struck["strike_days"] + 1e-9).all()
    assert (struck["workdays_lost"] == struck["strike_working_days"] * struck["workers"]).all()
    ratio = struck["strike_working_days"].sum() / struck["strike_days"].sum()
    assert 0.75 < ratio < 6 / 7  # Monday to Saturday, less public holidays


def test_rights_awards_bind_by_the_mou_and_interest_awards_by_agreement(baseline):
    split = labsim.with_overrides(baseline, {"arbitration.binding_award_share_rights": 1.0,
                                             "arbitration.binding_award_share_interest": 0.0})
    cases = labsim.run(split, RunSettings(years=3, replications=6, seed=2)).cases
    awarded = cases[cases["outcome"].isin(["binding_award", "award_accepted",
                                           "award_objected"])
                    | (cases["court_entry_day"].notna()
                       & cases["arbitration_entry_day"].notna())]
    rights = awarded[awarded["dispute_type"] == "rights"]
    interest = awarded[awarded["dispute_type"] == "interest"]
    assert len(rights) > 5 and (rights["outcome"] == "binding_award").all()
    assert len(interest) > 5 and not (interest["outcome"] == "binding_award").any()


@pytest.mark.parametrize(("name", "share"), [("prevention_first", 1.0),
                                             ("resolution_first", 0.0), ("balanced", 0.5)])
def test_policy_presets_are_what_the_allocation_rules_buy(baseline, name, share):
    rule = policy_with_increment(baseline, standard_increment(), share, name)
    preset = load_policy(name)
    for item in (entry.name for entry in BOUGHT):
        assert getattr(preset.allocation_usd_per_year, item) == pytest.approx(
            getattr(rule.allocation_usd_per_year, item), abs=1.0), item
    assert preset.budget_usd_per_year == pytest.approx(rule.budget_usd_per_year)


@pytest.mark.parametrize("lever", ["prevention", "resolution"])
def test_each_lever_buys_first_the_unit_that_most_lowers_expected_strike_days(baseline,
                                                                              lever):
    """One rule for both levers (docs/allocation_rules.md, version 2): the first unit bought
    is the one with the largest fall in expected strike days per dollar."""
    now = expected_strike_days_per_year(baseline)
    gains = [((now - expected_strike_days_per_year(unit.bought(baseline))) / unit.cost_usd,
              unit) for unit in units(baseline, lever)]
    assert len(gains) >= 2
    best = max(gains, key=lambda pair: pair[0])[1]
    spent = spend(baseline, best.cost_usd, lever)
    assert spent == pytest.approx(best.dollars)


def test_korea_inspired_differs_from_the_baseline_in_structure_only(baseline):
    korea = labsim.load_scenario("korea_inspired")
    assert korea.prevention == baseline.prevention
    assert korea.arrivals == baseline.arrivals


def test_an_effort_that_cannot_fit_in_the_handling_time_is_refused(baseline):
    with pytest.raises(labsim.ScenarioError) as info:
        labsim.with_overrides(baseline, {
            "collective_conciliation.effort.effort_hours_per_case": 1000.0})
    assert info.value.path == "collective_conciliation.effort"
    assert info.value.value["effort_hours_per_case"] == 1000.0  # what the user wrote
    assert "0 cases at once" in info.value.allowed


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_more_conciliators_never_raise_strikes(baseline):
    """Faster procedures mean less waiting, so no more strikes (paired)."""
    scarce = labsim.with_overrides(baseline, {"collective_conciliation.conciliators": 2})
    a, b = (labsim.replicate([s], PAIRED)[0]["strikes_per_year"] for s in (baseline, scarce))
    assert (b - a).mean() > 0


@pytest.mark.slow  # four presets simulated for 5 years x 10 replications
@pytest.mark.parametrize("name", ["cambodia_baseline", "cambodia_2014", "korea_inspired",
                                  "migrant_grievances"])
def test_expected_strikes_are_within_a_quarter_of_the_simulated_ones(name):
    """The means (scenario/strike_flows.py) price what money buys and re-fit worlds to the
    2014 record: they must stay near what the model simulates."""
    scenario = load_scenario(name)
    summary = labsim.run(scenario, RunSettings(years=5, replications=10, seed=1)).summary()
    expected = {"strikes_per_year": expected_strikes_per_year(scenario),
                "strike_days_per_year": expected_strike_days_per_year(scenario),
                **expected_strike_record(scenario)}
    for kpi, value in expected.items():
        assert value == pytest.approx(summary.loc[kpi, "mean"], rel=0.25), kpi


def test_more_staff_never_empty_a_stage_that_rarely_fails(baseline):
    """Settlement responds on the log-odds scale: at the top of both responses' ranges,
    resolution first's 26 trained conciliators still send some collective disputes on to the
    Council (a gain in points took non-conciliation from 12.9% to none)."""
    from labsim.scenario.settlement import effective_outcomes
    strongest = labsim.with_overrides(baseline, {"settlement.log_odds_per_doubling": 0.513,
                                                 "settlement.training_log_odds": 0.226})
    world = labsim.apply_policy(load_policy("resolution_first"), strongest)
    today = baseline.collective_conciliation.outcomes.non_conciliation
    failing = effective_outcomes(world, "collective_conciliation").non_conciliation
    assert 0.02 < failing < today / 2
