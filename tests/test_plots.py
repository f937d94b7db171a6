"""Every plot returns a Figure with a title and labelled axes; the flow diagram conserves cases."""

import pytest
from matplotlib.figure import Figure

import labsim
from labsim import RunSettings, plots
from labsim.experiments import compare, smallest_staff

QUICK = RunSettings(years=1.0, replications=3, seed=1, warmup_days=90.0)


@pytest.fixture(scope="module")
def results():
    return labsim.run("cambodia_baseline", QUICK)


def _labelled(fig: Figure) -> None:
    axes = [ax for ax in fig.axes if ax.axison]
    assert axes
    for ax in axes:
        assert ax.get_title() or fig.get_suptitle()
        assert ax.get_ylabel()


def test_single_run_plots_are_labelled(results):
    for make in (plots.backlog_over_time, plots.time_to_outcome):
        fig = make(results)
        _labelled(fig)
        assert fig.axes[0].get_xlabel()
    fig = plots.where_cases_end(results)
    assert "Cases per year" in fig.axes[0].get_xlabel()


def test_flow_diagram_conserves_cases(results):
    flows = plots.case_flows(results)
    counted = results.cases[results.cases["arrival_day"] >= results.warmup_days]
    years = results.replications * (results.horizon_days - results.warmup_days) / 365
    ends = flows[flows["target"].isin(["resolved", "dropped", "unresolved", "open"])]
    assert ends["cases_per_year"].sum() == pytest.approx(len(counted) / years)
    into_conciliation = flows[flows["target"] == "collective_conciliation"]["cases_per_year"].sum()
    out_of = flows[flows["source"] == "collective_conciliation"]["cases_per_year"].sum()
    assert into_conciliation == pytest.approx(out_of)
    assert plots.flow_diagram(results).axes[0].get_title().startswith("Where cases go")


def test_comparison_plots_are_labelled(results):
    comparison = compare(["prevention_first", "resolution_first"], settings=QUICK,
                         executor="serial")
    for fig in (plots.kpi_comparison(comparison), plots.cost_per_resolved_case(comparison)):
        _labelled(fig)
    other = labsim.run("prevention_first", QUICK)
    fig = plots.time_to_outcome_compared({"baseline": results, "prevention": other})
    _labelled(fig)
    assert len(fig.axes[0].get_legend().get_texts()) == 2


def test_staffing_curve_marks_the_target():
    result = smallest_staff("cambodia_baseline", "arbitration.arbitrators",
                            "share_collective_settled_within_deadlines", 0.5, low=3, high=30,
                            settings=QUICK, executor="serial")
    fig = plots.staffing_curve(result)
    _labelled(fig)
    assert "arbitrators" in fig.axes[0].get_xlabel()
