"""The textbook network against queueing theory (Erlang C, Jackson), never against itself.

Tolerance: the theory must lie inside the simulation's 99.9% confidence interval across
replications, and that interval must be narrow (under 10% of the value), so the check
can fail: under 10% of the value, or for waits (tiny at light load) of the stage's
mean time in stage.
"""

import pytest
from scipy import stats

import labsim
from labsim import RunSettings
from labsim.analysis.queueing import erlang_c, textbook_predictions

pytestmark = pytest.mark.slow

LOADS = {"light": (0.45, 20, 20), "medium": (1.0, 20, 20), "heavy": (1.22, 25, 50)}
"""Multiplier on every service time (utilisations about 0.3, 0.68 and 0.78-0.85), then
simulated years and replications: heavy load needs more to pin its waits down."""
METRICS = ("utilisation", "mean_wait_days", "mean_days_in_stage", "mean_in_stage")


def test_erlang_c_matches_mm1_closed_form():
    m = erlang_c(arrival_rate=0.8, service_rate=1.0, servers=1)
    assert m.utilisation == pytest.approx(0.8)
    assert m.probability_of_waiting == pytest.approx(0.8)
    assert m.mean_wait_days == pytest.approx(0.8 / (1.0 - 0.8))


def test_erlang_c_matches_mm2_closed_form():
    lam, mu = 1.5, 1.0
    rho = lam / (2 * mu)
    m = erlang_c(lam, mu, 2)
    assert m.mean_wait_days == pytest.approx(rho**2 / (mu * (1 - rho**2)))


def test_erlang_c_refuses_an_unstable_station():
    with pytest.raises(ValueError, match="unstable"):
        erlang_c(2.0, 1.0, 2)


def _scaled(textbook, factor):
    """Every service time scaled by ``factor``; effort per case too, so that the number of
    servers (cases each stage carries at once) stays the same."""
    overrides = {}
    for stage in ("individual_conciliation", "collective_conciliation", "arbitration"):
        section = getattr(textbook, stage)
        overrides[f"{stage}.service"] = {"family": "exponential",
                                         "mean_days": section.service.mean_days * factor}
        overrides[f"{stage}.effort.effort_hours_per_case"] = (
            section.effort.effort_hours_per_case * factor)
    return labsim.with_overrides(textbook, overrides)


@pytest.fixture(scope="module", params=list(LOADS))
def load_case(request, textbook):
    factor, years, replications = LOADS[request.param]
    scenario = _scaled(textbook, factor)
    results = labsim.run(scenario, RunSettings(years=years, replications=replications, seed=7))
    return request.param, textbook_predictions(scenario), results.stage_statistics()


@pytest.mark.parametrize("metric", METRICS)
def test_stages_match_jackson_network(load_case, metric):
    load, theory, observed = load_case
    for stage, values in observed.groupby("stage"):
        sample = values[metric].to_numpy()
        mean, sem = sample.mean(), stats.sem(sample)
        half = stats.t.ppf(0.9995, len(sample) - 1) * sem
        expected = theory.loc[stage, metric]
        scale = theory.loc[stage, "mean_days_in_stage" if metric == "mean_wait_days" else metric]
        assert half < 0.10 * scale, f"{load} {stage} {metric}: CI too wide to test"
        assert abs(mean - expected) <= half, (
            f"{load} load, {stage}: {metric} simulated {mean:.4f} +/- {half:.4f}, "
            f"theory {expected:.4f}")


def test_heavy_load_really_is_heavy(textbook):
    theory = textbook_predictions(_scaled(textbook, LOADS["heavy"][0]))
    assert 0.75 < theory["utilisation"].min() and theory["utilisation"].max() < 0.9
