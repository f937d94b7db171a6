"""Dashboards update in place and export a self-contained brief (no browser needed)."""

import html
import re

import pytest

import labsim
from labsim import widgets
from labsim.catalog import CATALOG
from labsim.costs import annual_budget_usd
from labsim.policy import apply_policy, policy_with_increment
from labsim.workshop import PolicyControls, policy_pair


def _find(widget, kind, description_start=""):
    found = []
    stack = [widget]
    while stack:
        node = stack.pop()
        if isinstance(node, kind) and getattr(node, "description", "").startswith(
                description_start):
            found.append(node)
        stack.extend(getattr(node, "children", ()))
    return found


@pytest.fixture(scope="module")
def dashboard():
    return widgets.prevention_vs_resolution()


def test_dashboard_shows_both_policies_with_confidence_intervals(dashboard):
    assert "prevention_first" in dashboard.report and "resolution_first" in dashboard.report
    assert CATALOG["strike_days_per_year"].label in dashboard.report
    table = [h for h in _find(dashboard, widgets.w.HTML) if "labsim-kpi-table" in h.value][0]
    assert re.search(r"\[\d", table.value)
    image = _find(dashboard, widgets.w.Image)[0]
    assert image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_moving_a_slider_updates_table_report_and_plot(dashboard):
    table = [h for h in _find(dashboard, widgets.w.HTML) if "labsim-kpi-table" in h.value][0]
    before_table, before_report = table.value, dashboard.report
    slider = _find(dashboard, widgets.w.IntSlider, "Extra budget")[0]
    slider.value = 600_000
    assert table.value != before_table and dashboard.report != before_report
    status = [h for h in _find(dashboard, widgets.w.HTML) if "labsim-status" in h.value][0]
    assert "Updated" in status.value
    assert not slider.disabled


def test_dropdown_changes_only_the_plot(dashboard):
    image = _find(dashboard, widgets.w.Image)[0]
    before_image, before_report = image.value, dashboard.report
    _find(dashboard, widgets.w.Dropdown, "Plot")[0].value = "grievances_per_year"
    assert image.value != before_image
    assert dashboard.report == before_report


def test_export_writes_a_self_contained_brief(tmp_path):
    board = widgets.prevention_vs_resolution(brief_dir=tmp_path)
    _find(board, widgets.w.Button, "Export")[0].click()
    page = (tmp_path / "policy_brief.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "data:image/png;base64," in page
    assert "labsim-kpi-table" in page
    assert html.escape(CATALOG["cost_usd_per_resolved_filed_case"].label) in page
    assert "labour inspectors" in page and "budget (US$/year)" in page
    assert not re.search(r'src="http', page)
    made = r"Made with labsim [^,]+, code \w{12}, scenarios prevention_first \w{12}"
    assert re.search(made, page)
    link = [h for h in _find(board, widgets.w.HTML) if "download=" in h.value][0]
    assert "data:text/html;base64," in link.value


def test_staffing_explorer_follows_the_chosen_stage():
    board = widgets.staffing_explorer()
    assert "labour_inspectors = 8" in board.report
    stage = _find(board, widgets.w.Dropdown, "Who")[0]
    stage.value = "Arbitrators (Arbitration Council)"
    assert "arbitration.arbitrators = 25" in board.report
    _find(board, widgets.w.IntSlider, "How many")[0].value = 6
    assert "arbitration.arbitrators = 6" in board.report


def test_both_policies_spend_base_plus_the_same_increment(baseline):
    pair = policy_pair(baseline, PolicyControls(increment_usd_per_year=300_000))
    budgets = [annual_budget_usd(s) for s in pair.values()]
    for budget in budgets:
        assert annual_budget_usd(baseline) + 300_000 - 30_000 < budget <= (
            annual_budget_usd(baseline) + 300_000 + 1e-6)


def test_no_extra_money_means_todays_system(baseline):
    nothing = policy_with_increment(baseline, 0.0, 0.7, "x")
    same = apply_policy(nothing, baseline)
    assert same.individual_conciliation == baseline.individual_conciliation
    assert same.arbitration == baseline.arbitration
    assert same.prevention.prevention_officers == baseline.prevention.prevention_officers


def test_bad_policy_split_is_named(baseline):
    with pytest.raises(labsim.ScenarioError) as info:
        policy_with_increment(baseline, 1000.0, 1.5, "x")
    assert info.value.path == "prevention_share"


def _how_sure(board):
    return [c for c in _find(board, widgets.w.VBox) if isinstance(c, widgets.HowSure)][0]


def test_how_sure_shows_the_shipped_check_for_the_default_settings(dashboard):
    panel = _how_sure(widgets.prevention_vs_resolution(facilitator=False))
    assert "Computed ahead for the default settings" in panel.body.value
    assert "plausible worlds" in panel.body.value and "labsim-robustness" in panel.body.value
    assert "What this does and does not show" in html.unescape(
        "".join(c.value for c in panel.children if isinstance(c, widgets.w.HTML)))


def test_other_settings_are_not_called_checked_and_only_a_facilitator_may_run_one():
    board = widgets.prevention_vs_resolution(facilitator=False)
    panel = _how_sure(board)
    _find(board, widgets.w.FloatSlider, "Grievance rate")[0].value = 1.5
    assert "have not been checked" in panel.body.value
    assert "Ask the facilitator" in panel.body.value and panel.button.disabled
    open_board = widgets.prevention_vs_resolution(facilitator=True)
    _find(open_board, widgets.w.FloatSlider, "Grievance rate")[0].value = 1.5
    assert not _how_sure(open_board).button.disabled


def test_a_facilitators_check_runs_with_progress_and_lands_in_the_brief(tmp_path, monkeypatch):
    from labsim import workshop
    monkeypatch.setattr(workshop, "CHECK_DRAWS", 4)
    monkeypatch.setattr(workshop, "CHECK_SETTINGS", labsim.RunSettings(
        years=1.0, replications=2, seed=1, warmup_days=60.0))
    board = widgets.prevention_vs_resolution(brief_dir=tmp_path, facilitator=True)
    panel = _how_sure(board)
    _find(board, widgets.w.FloatSlider, "Grievance rate")[0].value = 1.5
    seen = []
    panel.bar.observe(lambda change: seen.append(change["new"]), names="value")
    panel.button.click()
    assert seen and seen[-1] == panel.bar.max == 5 * 2 * 2  # worlds (and central) x 2 x reps
    assert "Checked for these settings" in panel.body.value and panel.button.disabled
    _find(board, widgets.w.Button, "Export")[0].click()
    page = (tmp_path / "policy_brief.html").read_text()
    assert "Checked for these settings" in page
    assert "Key assumptions and their plausible ranges" in page
    assert html.escape("Largest share of grievances prevention officers can avert") in page


def test_the_shipped_check_is_shown_only_for_its_own_base_and_runnable_settings():
    other = _how_sure(widgets.prevention_vs_resolution(base="cambodia_2014", facilitator=False))
    assert "have not been checked" in other.body.value
    board = widgets.prevention_vs_resolution(facilitator=True)
    panel = _how_sure(board)
    workplace = _find(board, widgets.w.FloatSlider, "Settled at the workplace")[0]
    workplace.value = 0.7  # with both gains, more than every grievance: cannot run
    assert "cannot run" in panel.body.value and panel.button.disabled
    workplace.value = 0.5
    assert "Computed ahead" in panel.body.value


def test_a_check_leaves_out_what_the_settings_fix_and_worlds_they_break(monkeypatch):
    from labsim import workshop
    monkeypatch.setattr(workshop, "CHECK_DRAWS", 6)
    monkeypatch.setattr(workshop, "CHECK_SETTINGS", labsim.RunSettings(
        years=1.0, replications=2, seed=1, warmup_days=60.0))
    result = workshop.check_robustness(
        "cambodia_baseline", PolicyControls(workplace_resolution_share_individual=0.6),
        executor="serial")
    paths = {a.path for a in result.assumptions}
    assert "prevention.workplace_resolution_share_individual" not in paths
    assert len(result.worlds) + len(result.left_out) == 6
    assert all("rule of the model" in why for why in result.left_out.values())
