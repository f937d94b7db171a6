"""The migrant-worker route and the Korea-inspired system, as scenarios of the same model."""

import dataclasses

import pandas as pd
import pytest

import labsim
from labsim import RunSettings
from labsim.scenario.capacity import booking_days_today
from labsim.views.cli import main


@pytest.fixture(scope="module")
def migrant():
    return labsim.load_scenario("migrant_grievances")


@pytest.fixture(scope="module")
def korea():
    return labsim.load_scenario("korea_inspired")


@pytest.fixture(scope="module")
def korea_run(korea):
    return labsim.run(korea, RunSettings(years=4, replications=10, seed=3))


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_each_route_conserves_cases(migrant, korea_run, no_case_is_lost):
    migrant_run = labsim.run(migrant, RunSettings(years=3, replications=3, seed=2))
    for results, kind in ((migrant_run, "migrant"), (korea_run, "collective")):
        assert (results.cases["kind"] == kind).any()
        no_case_is_lost(results.cases)


def test_switching_the_migrant_route_off_restores_the_core_model(baseline, migrant):
    off = labsim.with_overrides(migrant, {"migrant_route.enabled": False})
    a = labsim.run(baseline, RunSettings(years=1, replications=2, seed=4))
    b = labsim.run(off, RunSettings(years=1, replications=2, seed=4))
    pd.testing.assert_frame_equal(a.cases, b.cases)
    pd.testing.assert_frame_equal(a.kpis, b.kpis)


def test_switching_the_korea_system_off_restores_the_core_model(korea):
    off = labsim.with_overrides(korea, {"korea_system.enabled": False})
    core = dataclasses.replace(korea, korea_system=None)
    a = labsim.run(core, RunSettings(years=1, replications=2, seed=4))
    b = labsim.run(off, RunSettings(years=1, replications=2, seed=4))
    pd.testing.assert_frame_equal(a.cases, b.cases)
    pd.testing.assert_frame_equal(a.kpis, b.kpis)


def test_migrant_route_tends_to_no_queue_with_many_staff(migrant):
    """With ample MRC staff nobody waits, not even for a diary: time at the MRC = intake +
    mediation + delays, less today's wait for a first meeting (intake is measured from
    entry, and today's staff have a diary that ample staff do not)."""
    ample = labsim.with_overrides(migrant, {"migrant_route.mrc_staff": 10_000})
    results = labsim.run(ample, RunSettings(years=3, replications=4, seed=6))
    visits = results.visits[results.visits["stage"] == "migrant_resource_centre"]
    waits = (visits["start_day"] - visits["request_day"]).dropna()
    assert waits.max() < 0.01
    m = ample.migrant_route
    c = results.cases
    done = c[(c["kind"] == "migrant") & c["migrant_resource_centre_exit_day"].notna()]
    stay = done["migrant_resource_centre_exit_day"] - done["migrant_resource_centre_entry_day"]
    abroad_trips = done["worker_abroad"] * (1 + (done["lodged_by"] == "worker"))
    expected = (m.intake.mean + m.mediation.mean + abroad_trips.mean() * m.abroad_delay.mean
                - booking_days_today(ample, "migrant_resource_centre"))
    assert stay.mean() == pytest.approx(expected, rel=0.08)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_scarce_mrc_staff_make_complaints_wait(migrant):
    scarce = labsim.with_overrides(migrant, {"migrant_route.mrc_staff": 1})
    ample = labsim.run(migrant, RunSettings(years=2, replications=3, seed=1)).summary()
    short = labsim.run(scarce, RunSettings(years=2, replications=3, seed=1)).summary()
    kpi = "share_migrant_acted_on_within_deadline"
    assert short.loc[kpi, "mean"] < ample.loc[kpi, "mean"]


def test_migrant_route_reports_its_kpis(migrant):
    summary = labsim.run(migrant, RunSettings(years=3, replications=4, seed=2)).summary()
    m = migrant.migrant_route
    assert summary.loc["migrant_cases_per_year", "mean"] == pytest.approx(
        m.complaints_per_year, rel=0.15)
    assert summary.loc["share_migrant_resolved_at_mrc", "mean"] == pytest.approx(
        m.outcomes.settled, abs=0.08)
    assert summary.loc["compensation_usd_per_settled_complaint", "unit"] == "US$"
    assert summary.loc["share_migrant_abandoned", "mean"] > 0


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_korea_routing_sends_the_expected_flows_to_mediation_and_adjudication(korea,
                                                                               korea_run):
    """Routing theory: interest disputes leaving the workplace go to mediation; rights disputes
    and the unfair-dismissal share of individual ones go to adjudication."""
    p, a, k = korea.prevention, korea.arrivals, korea.korea_system
    m = p.grievance_multiplier()
    individual = m * sum(x.workers / 1000 * x.individual_grievances_per_1000_workers_per_year
                         for x in a.sectors)
    collective = m * sum(x.enterprises / 100 * x.collective_grievances_per_100_enterprises_per_year
                         for x in a.sectors)
    individual *= 1 - p.workplace_resolution_share(p.workplace_resolution_share_individual)
    collective *= 1 - p.workplace_resolution_share(p.workplace_resolution_share_collective)
    expected = {"mediation_cases_per_year": collective * (1 - a.rights_dispute_share),
                "adjudication_cases_per_year": collective * a.rights_dispute_share
                + individual * k.unfair_dismissal_share}
    summary = korea_run.summary(level=0.999)  # as the theory tests: two KPIs, one seed
    for kpi, value in expected.items():
        row = summary.loc[kpi]
        assert row["ci_low"] <= value <= row["ci_high"], (kpi, value, row.to_dict())


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_korea_mediation_never_runs_past_its_window(korea, korea_run):
    c = korea_run.cases
    mediated = c[c["mediation_exit_day"].notna()]
    spent = mediated["mediation_exit_day"] - mediated["mediation_start_day"]
    assert spent.max() <= korea.korea_system.public_mediation_window_days + 1e-9
    assert (c.loc[c["kind"] == "collective", "collective_conciliation_entry_day"].isna()).all()


@pytest.mark.parametrize("preset", ["migrant_grievances", "korea_inspired"])
def test_presets_run_from_the_command_line(preset, capsys):
    assert main(["run", preset, "--years", "1", "--reps", "2", "--processes", "1"]) == 0
    out = capsys.readouterr().out
    assert preset in out and "95% CI" in out
