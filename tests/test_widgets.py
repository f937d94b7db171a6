"""Dashboards update in place and export a self-contained brief (no browser needed)."""

import html
import re

import pytest

import labsim
from labsim.analysis.catalog import CATALOG
from labsim.scenario.costs import annual_budget_usd
from labsim.scenario.policy import apply_policy, policy_with_increment
from labsim.workshop import dashboards
from labsim.workshop.controls import PolicyControls, policy_pair


def _find(widget, kind, description_start=""):
    found = []
    stack = [widget]
    while stack:
        node = stack.pop()
        words = (node.label if isinstance(node, dashboards.NumberControl)
                 else getattr(node, "description", ""))
        if isinstance(node, kind) and words.startswith(description_start):
            found.append(node)
        stack.extend(getattr(node, "children", ()))
    return found


def _control(board, label_start):
    return _find(board, dashboards.NumberControl, label_start)[0]


@pytest.fixture(scope="module")
def dashboard():
    return dashboards.prevention_vs_resolution()


def test_dashboard_shows_both_policies_with_confidence_intervals(dashboard):
    assert "Prevention first" in dashboard.report and "Resolution first" in dashboard.report
    assert "_first" not in dashboard.report
    assert CATALOG["strike_days_per_year"].label in dashboard.report
    table = [h for h in _find(dashboard, dashboards.w.HTML) if "labsim-kpi-table" in h.value][0]
    assert re.search(r"\[\d", table.value)
    figure = _figure(dashboard)
    assert "<svg" in figure.value and "<text" in figure.value  # text the browser shapes


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_moving_a_slider_updates_table_report_and_plot(dashboard):
    table = [h for h in _find(dashboard, dashboards.w.HTML) if "labsim-kpi-table" in h.value][0]
    before_table, before_report = table.value, dashboard.report
    control = _control(dashboard, "Extra money")
    control.slider.value = 600_000
    assert table.value != before_table and dashboard.report != before_report
    assert control.box.value == "600,000"
    status = [h for h in _find(dashboard, dashboards.w.HTML) if "labsim-status" in h.value][0]
    assert "Updated" in status.value
    assert not control.disabled


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_a_typed_percentage_is_a_percentage_and_a_clamped_value_is_said(dashboard):
    share = _control(dashboard, "Resolution first: share")
    share.box.value = "30"
    assert share.value == 30 and share.slider.value == 30 and share.note.value == ""
    assert "Resolution first puts 30%" not in dashboard.report  # the report is the table
    share.box.value = "35%"
    assert share.value == 35 and share.note.value == ""
    share.box.value = "0.3"
    assert share.value == 0 and "steps of 5" in share.note.value
    share.box.value = "1,5"
    assert share.value == 0 and "use a dot for a decimal" in share.note.value
    share.box.value = ""
    assert "The box is empty" in share.note.value
    inspectors = _control(dashboard, "Labour inspectors")
    inspectors.box.value = "0"
    assert inspectors.value == 1 and "the least allowed is 1" in inspectors.note.value
    extra = _control(dashboard, "Extra money")
    extra.box.value = "50,000,000"
    assert extra.value == 1_000_000 and "the most allowed is 1,000,000" in extra.note.value
    extra.box.value = "lots"
    assert extra.value == 1_000_000 and "is not a number" in extra.note.value
    extra.box.value = "250.000"
    assert extra.value == 1_000_000 and "without dots" in extra.note.value
    assert extra.box.value == "1,000,000"
    extra.slider.value = 250_000
    share.box.value = "0"
    inspectors.box.value = "8"
    assert extra.note.value == ""


def test_large_text_switch_marks_the_dashboard(dashboard):
    dashboard.large_text.value = True
    assert "labsim-large" in dashboard._dom_classes
    dashboard.large_text.value = False
    assert "labsim-large" not in dashboard._dom_classes


def _figure(board):
    return [h for h in _find(board, dashboards.w.HTML) if "labsim-figure" in h.value][0]


def test_dropdown_changes_only_the_plot(dashboard):
    image = _figure(dashboard)
    before_image, before_report = image.value, dashboard.report
    _find(dashboard, dashboards.w.Dropdown, "Plot")[0].value = "grievances_per_year"
    assert image.value != before_image
    assert dashboard.report == before_report


def _export(board, tmp_path) -> str:
    _find(board, dashboards.w.Button, "Export")[0].click()
    written = sorted(tmp_path.glob("policy_brief_*.html"))
    return written[-1].read_text(encoding="utf-8")


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_export_writes_a_self_contained_brief_a_director_can_sign(tmp_path):
    board = dashboards.prevention_vs_resolution(brief_dir=tmp_path)
    _find(board, dashboards.w.Text, "Group name")[0].value = 'Group 3 <script>alert("x")</script>'
    _find(board, dashboards.w.Dropdown, "We recommend")[0].value = "prevention_first"
    _find(board, dashboards.w.Textarea, "Our reasons")[0].value = (
        "Fund prevention first.\n\nReview after a year & report.\n- then decide")
    _control(board, "Grievances arising").slider.value = 2.0
    _control(board, "Individual grievances settled").box.value = "0"
    page = _export(board, tmp_path)
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page and not re.search(r'(src|href)="http', page)
    assert "@font-face { font-family: 'Noto Sans Khmer'" in page  # travels with the brief
    assert "<script>" not in page and "Group 3 &lt;script&gt;" in page
    assert "<p>Fund prevention first.</p>" in page
    assert "<p>Review after a year &amp; report.<br>- then decide</p>" in page
    first_page = page.split('class="new-page"')[0]
    assert "Group 3 &lt;script&gt;&lt;/script&gt; recommends prevention first" in first_page or (
        "recommends prevention first" in first_page)
    assert re.search(r"Under the central assumptions, prevention first is clearly better than "
                     r"resolution first on \d of 7", page)
    yearly = first_page.split('class="labsim-yearly"')[1].split("</table>")[0]
    for said in ("Strike days per year", "Strikes per year", "Grievances arising per year",
                 "Grievances resolved within a year of arising"):
        assert re.search(re.escape(said) + r"</th><td>[\d.,]+ (more|fewer)</td><td>[^<]+ (more|"
                         r"fewer)</td>", yearly), said
    assert re.search(r"<b>Date:</b> \d{1,2} \w+ 20\d\d", page)
    settings = page.split('class="labsim-settings"')[1].split("</table>")[0]
    assert "Grievances arising (times today&#39;s rate)" in settings and "2.0 times" in settings
    assert "Individual grievances settled at the workplace" in settings and ">0%<" in settings
    assert "Extra money for each policy" not in settings  # left at its default
    assumptions = page.split('class="labsim-assumptions"')[1].split("</table>")[0]
    assert re.search(r"settled at the workplace</th><td>0%</td><td>[^<]*</td><td>set on the "
                     r"dashboard", assumptions)
    purchases = page.split('class="labsim-purchases"')[1].split("</table>")[0]
    assert "Labour inspectors" in purchases and not re.search(r"\d\.\d{3}<", purchases)
    assert "What this does and does not show" in page
    assert html.escape(CATALOG["cost_usd_per_resolved_filed_case"].label) in page
    words = re.sub(r'data:[^"]+|<svg.*?</svg>', "", page.split("<footer>")[0], flags=re.S)
    for jargon in ("p90", "common random numbers", "_first"):
        assert jargon not in words, jargon
    assert re.search(r"random seed 1", page.split("<footer>")[1])
    assert "@page { size: A4" in page
    made = r"Made with labsim [^,]+, code \w{12}, scenarios prevention_first \w{12}"
    assert re.search(made, page)
    link = [h for h in _find(board, dashboards.w.HTML) if "download=" in h.value][0]
    assert "data:text/html;charset=utf-8;base64," in link.value
    names = [p.name for p in tmp_path.glob("policy_brief_*.html")]
    assert (tmp_path / names[0]).stat().st_mode & 0o777 == 0o644
    assert len(names) == 1 and re.fullmatch(
        r"policy_brief_Group-3-script-alert-x-script_\d{4}-\d\d-\d\d_\d{6}\.html", names[0])
    _export(board, tmp_path)
    assert len(list(tmp_path.glob("policy_brief_*.html"))) == 2  # never overwritten


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_staffing_explorer_follows_the_chosen_stage():
    board = dashboards.staffing_explorer()
    assert "8 labour inspectors" in board.report
    stage = _find(board, dashboards.w.Dropdown, "Who")[0]
    stage.value = "arbitration"
    assert stage.label == "Arbitration Council"
    assert "25 arbitrators" in board.report
    _control(board, "How many").box.value = "6"
    assert "6 arbitrators" in board.report


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
    return [c for c in _find(board, dashboards.w.VBox) if isinstance(c, dashboards.HowSure)][0]


def test_how_sure_shows_the_shipped_check_for_the_default_settings(dashboard):
    board = dashboards.prevention_vs_resolution(facilitator=False)
    panel = _how_sure(board)
    assert "Computed ahead for the default settings" in panel.body.value
    assert "plausible worlds" in panel.body.value and "labsim-robustness" in panel.body.value
    opening = re.search(r'<p class="labsim-sure">([^<]+)</p>', panel.body.value).group(1)
    assert re.fullmatch(r"In \d+ of \d+ plausible worlds \(each a different guess at what "
                        r"nobody has measured\), prevention first does better than resolution "
                        r"first on strike days per year; in \d+, worse\.", opening)
    _find(board, dashboards.w.Dropdown, "We recommend")[0].value = "resolution_first"
    assert "resolution first does better than prevention first" in panel.body.value
    assert "What this does and does not show" in html.unescape(
        "".join(c.value for c in panel.children if isinstance(c, dashboards.w.HTML)))


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_other_settings_are_not_called_checked_and_only_a_facilitator_may_run_one():
    board = dashboards.prevention_vs_resolution(facilitator=False)
    panel = _how_sure(board)
    _control(board, "Grievances arising").slider.value = 1.5
    assert "Not checked yet" in panel.body.value
    assert "The facilitator can let groups check other settings" in panel.body.value
    assert panel.button.disabled and panel.button.layout.display == "none"
    open_board = dashboards.prevention_vs_resolution(facilitator=True)
    _control(open_board, "Grievances arising").slider.value = 1.5
    assert not _how_sure(open_board).button.disabled
    assert "Press the button to check them" in _how_sure(open_board).body.value


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_a_facilitators_check_runs_with_progress_and_lands_in_the_brief(tmp_path, monkeypatch):
    from labsim.workshop import controls
    monkeypatch.setattr(controls, "CHECK_DRAWS", 4)
    monkeypatch.setattr(controls, "CHECK_SETTINGS", labsim.RunSettings(
        years=1.0, replications=2, seed=1, warmup_days=60.0))
    board = dashboards.prevention_vs_resolution(brief_dir=tmp_path, facilitator=True)
    panel = _how_sure(board)
    _control(board, "Grievances arising").slider.value = 1.5
    seen = []
    panel.bar.observe(lambda change: seen.append(change["new"]), names="value")
    panel.button.click()
    assert seen and seen[-1] == panel.bar.max == 5 * 2 * 2  # worlds (and central) x 2 x reps
    assert "Checked for these settings" in panel.body.value and panel.button.disabled
    page = _export(board, tmp_path)
    assert "Checked for these settings" in page
    assert "Key assumptions and their plausible ranges" in page
    assert html.escape("Largest share of grievances prevention officers can avert") in page


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_the_shipped_check_is_shown_only_for_its_own_base_and_runnable_settings():
    other = _how_sure(dashboards.prevention_vs_resolution(base="cambodia_2014", facilitator=False))
    assert "Not checked yet" in other.body.value
    board = dashboards.prevention_vs_resolution(facilitator=True)
    panel = _how_sure(board)
    workplace = _control(board, "Individual grievances settled")
    workplace.box.value = "70"  # with both gains, more than every grievance: not offered
    assert workplace.value == 60 and "the most allowed is 60" in workplace.note.value
    workplace.box.value = "50"
    assert "Computed ahead" in panel.body.value


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_a_move_shows_a_marked_first_estimate_while_it_simulates(dashboard, monkeypatch):
    seen = {}
    simulate = dashboards.compare_policies

    def watched(pair):
        seen["verdict"], seen["status"] = dashboard.verdict_html.value, dashboard.status.value
        seen["stale"] = "labsim-stale" in dashboard.results._dom_classes
        seen["means"] = {name: labsim.scenario.flows.first_estimate(s) for name, s in pair.items()}
        return simulate(pair)

    monkeypatch.setattr(dashboards, "compare_policies", watched)
    _control(dashboard, "Extra money").box.value = "470,000"
    assert "labsim-first-estimate" in seen["verdict"] and "First estimate" in seen["status"]
    days = {name: f"{figures['strike_days_per_year']:,.0f}"
            for name, figures in seen["means"].items()}
    assert (f"Strike days per year: prevention first about {days['prevention_first']}, "
            f"resolution first about {days['resolution_first']}") in html.unescape(
        seen["verdict"])
    assert seen["stale"], "the last results were not greyed while simulating"
    assert "labsim-first-estimate" not in dashboard.verdict_html.value
    assert "labsim-stale" not in dashboard.results._dom_classes
    assert "Updated" in dashboard.status.value


def test_settings_that_cannot_run_hide_the_last_results(monkeypatch):
    board = dashboards.prevention_vs_resolution(facilitator=True)
    panel = _how_sure(board)

    def refuse(*_args):
        raise labsim.ScenarioError("prevention.workplace_resolution_share_individual", 0.9,
                                   "at most 0.6")

    def hidden():
        return [c for c in _find(board, dashboards.w.DOMWidget) if c.layout.display == "none"]

    hidden_before = hidden()  # the brief's Khmer digits, in English
    monkeypatch.setattr(dashboards, "pair_on", refuse)
    _control(board, "Labour inspectors").box.value = "9"
    assert [c for c in hidden() if c not in hidden_before] == [board.results]  # controls stay
    assert any("labsim-headline" in h.value for h in _find(board.results, dashboards.w.HTML))
    warning = [h for h in _find(board, dashboards.w.HTML) if "labsim-overload" in h.value][0]
    assert "cannot run, so no results are shown" in warning.value
    assert "cannot run" in panel.body.value and panel.button.disabled
    monkeypatch.undo()
    _control(board, "Labour inspectors").box.value = "8"
    assert not [c for c in _find(board, dashboards.w.VBox) if c.layout.display == "none"]


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_a_check_leaves_out_what_the_settings_fix_and_worlds_they_break(monkeypatch):
    from labsim.workshop import controls
    monkeypatch.setattr(controls, "CHECK_DRAWS", 6)
    monkeypatch.setattr(controls, "CHECK_SETTINGS", labsim.RunSettings(
        years=1.0, replications=2, seed=1, warmup_days=60.0))
    result = controls.check_robustness(
        "cambodia_baseline", PolicyControls(workplace_resolution_share_individual=0.6),
        executor="serial")
    paths = {a.path for a in result.assumptions}
    assert "prevention.workplace_resolution_share_individual" not in paths
    assert len(result.worlds) + len(result.left_out) == 6
    assert all("rule of the model" in why for why in result.left_out.values())


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_a_check_that_fails_says_why_on_the_panel(monkeypatch):
    """The button passes itself to its handler: the error branch must still show the reason
    (it once raised TypeError, the handler's argument shadowing the translation function)."""
    board = dashboards.prevention_vs_resolution(facilitator=True)
    panel = _how_sure(board)

    def refuse(*_args, **_kwargs):
        raise labsim.InputError("assumptions", None, "a base with assumptions")

    monkeypatch.setattr(dashboards, "check_robustness", refuse)
    _control(board, "Labour inspectors").box.value = "9"
    panel.button.click()
    assert "Cannot check these settings" in panel.status.value
    assert "a base with assumptions" in panel.status.value
    assert not panel.button.disabled
