"""No verdict KPI flatters a starved or swamped system (metamorphic relations): cutting staff
or doubling the grievances never makes any indicator the verdict speaks of clearly better,
and a stage that cannot keep up is said so, whatever its claimants do."""

import pytest

import labsim
from labsim.analysis.catalog import VERDICT_KPIS
from labsim.analysis.kpis import overloaded_stages
from labsim.scenario.rates import rate_scaling_overrides
from labsim.scenario.stages import staffing

SETTINGS = labsim.RunSettings(years=3, replications=10, seed=2, warmup_days=180)

STARVED = {
    "inspectors 8 -> 4": lambda s: {staffing("individual_conciliation").count_path: 4},
    "conciliators -> 1": lambda s: {staffing("collective_conciliation").count_path: 1},
    "arbitrators -> one panel": lambda s: {staffing("arbitration").count_path: 3},
    "grievance rates x 2": lambda s: rate_scaling_overrides(s, 2.0),
}


@pytest.mark.slow
@pytest.mark.parametrize("relation", STARVED)
def test_no_verdict_kpi_is_clearly_better_for_a_starved_or_swamped_system(baseline, relation):
    starved = labsim.with_overrides(baseline, STARVED[relation](baseline))
    pair = labsim.compare({"today": baseline, "starved": starved}, settings=SETTINGS)
    rows = pair.differences().set_index("kpi").loc[list(VERDICT_KPIS)]
    flattering = rows[rows["better"].fillna(False).astype(bool)]
    assert flattering.empty, flattering[["difference", "ci_low", "ci_high"]]
    assert rows["better"].eq(False).any()  # and some KPI is clearly worse


def test_cost_per_case_is_no_verdict_kpi():
    assert not [k for k in VERDICT_KPIS if k.startswith("cost_")]


def test_five_inspectors_with_claimants_who_give_up_are_said_not_to_keep_up(baseline):
    """Claimants who give up are a failure of service: they never hide an overloaded stage
    (with 5 inspectors and a 2% daily give-up, 0.7.0 showed no warning)."""
    few = labsim.with_overrides(baseline, {
        staffing("individual_conciliation").count_path: 5,
        "individual_conciliation.abandonment_hazard_per_day_overdue": 0.02})
    summary = labsim.run(few, labsim.RunSettings(years=2, replications=4, seed=1,
                                                 warmup_days=180)).summary()
    assert "individual_conciliation" in overloaded_stages(summary)
