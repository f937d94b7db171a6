"""Property-based: any valid scenario runs and conserves its cases."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import labsim
from labsim import RunSettings
from labsim.analysis.catalog import CATALOG

share = st.floats(0.0, 1.0)



@st.composite
def outcome_shares(draw):
    a = draw(share)
    b = draw(st.floats(0.0, 1.0 - a))
    return {"agreement": a, "withdrawal": b, "non_conciliation": 1.0 - a - b}


@st.composite
def scenarios(draw, base):
    settled = draw(share)
    award = draw(st.floats(0.0, 1.0 - settled))
    family = draw(st.sampled_from(["lognormal", "gamma", "exponential", "fixed"]))
    service_days = draw(st.floats(0.5, 30.0))
    return labsim.with_overrides(base, {
        "arrivals.sectors.garment_footwear.individual_grievances_per_1000_workers_per_year":
            draw(st.floats(0.0, 4.0)),
        "arrivals.sectors.garment_footwear.collective_grievances_per_100_enterprises_per_year":
            draw(st.floats(0.0, 60.0)),
        "prevention.prevention_officers": draw(st.integers(0, 500)),
        "individual_conciliation.labour_inspectors": draw(st.integers(1, 20)),
        "individual_conciliation.outcomes": draw(outcome_shares()),
        "collective_conciliation.conciliators": draw(st.integers(1, 10)),
        "collective_conciliation.outcomes": draw(outcome_shares()),
        "collective_conciliation.reconciliation_share": draw(share),
        "collective_conciliation.service": {"family": family, "mean_days": service_days} | (
            {"cv": draw(st.floats(0.1, 2.0))} if family in ("lognormal", "gamma") else {}),
        # effort that a conciliator can give within the handling time (else: refused)
        "collective_conciliation.effort.effort_hours_per_case": 2.0 * service_days,
        "arbitration.arbitrators": draw(st.integers(3, 40)),
        "arbitration.outcomes": {"settled": settled, "award": award,
                                 "withdrawn": 1.0 - settled - award},
        "arbitration.binding_award_share_rights": draw(share),
        "arbitration.binding_award_share_interest": draw(share),
        "arbitration.objection_share": draw(share),
        "courts.dropout_share": draw(share),
        "strikes.hazard_per_day": draw(st.floats(0.0, 0.1)),
        "strikes.notice_compliance_share": draw(share),
        "strikes.strike_share_after_objection": draw(share),
        "exponential_durations": draw(st.booleans()),
    })


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_random_valid_scenarios_run_and_conserve_cases(baseline, no_case_is_lost, data, seed):
    scenario = data.draw(scenarios(baseline))
    results = labsim.run(scenario, RunSettings(years=0.5, replications=1, seed=seed, warmup_days=0))
    cases = results.cases
    closed = (cases["status"] != "open").to_numpy()
    assert (cases.loc[closed, "end_day"] >= cases.loc[closed, "arrival_day"]).all()
    assert cases.loc[~closed, "end_day"].isna().all()
    no_case_is_lost(cases)
    kpis = results.kpis.iloc[0]
    shares = [k for k in kpis.index if CATALOG.get(k) and CATALOG[k].format == "percent"]
    assert all(0.0 <= kpis[k] <= 1.0 for k in shares if not np.isnan(kpis[k]))
    # a strike is lawful only after the procedure is exhausted (Labour Law arts. 319-320)
    assert not (cases["strike_lawful"] & ~cases["strike_after_procedure"]).any()
    if not np.isnan(kpis["share_strikes_lawful"]):
        assert kpis["share_strikes_lawful"] <= kpis["share_strikes_after_procedure"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(preset=st.sampled_from(["migrant_grievances", "korea_inspired"]),
       staff=st.integers(1, 30), share=share, seed=st.integers(0, 2**32 - 1))
@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_optional_routes_run_and_conserve_cases(no_case_is_lost, preset, staff, share, seed):
    scenario = labsim.load_scenario(preset)
    if preset == "migrant_grievances":
        changes = {"migrant_route.mrc_staff": staff, "migrant_route.worker_abroad_share": share,
                   "migrant_route.referral_to_conciliation_share": share}
    else:
        changes = {"korea_system.adjudication_panels": staff,
                   "korea_system.unfair_dismissal_share": share,
                   "korea_system.arbitration_after_failed_mediation_share": share}
    results = labsim.run(labsim.with_overrides(scenario, changes),
                         RunSettings(years=1.5, replications=1, seed=seed, warmup_days=0),
                         executor="serial")
    no_case_is_lost(results.cases)
    assert 0.0 <= results.kpis.iloc[0]["share_resolved"] <= 1.0
