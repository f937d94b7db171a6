"""Dashboards: one function per dashboard, each returning an ipywidgets container.

Widgets only wire controls to ``workshop`` / ``experiments`` and ``plots``; they update
their views in place (an Image fed from ``savefig``, HTML for tables), never through
``Output`` capture or ``interact``, so that nbval and Voila handle them reliably.
"""

from __future__ import annotations

import base64
import html
import time
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w

from . import plots
from .brief import (
    caveats_html,
    figure_png,
    kpi_table_html,
    policy_brief_html,
    robustness_html,
    summary_table_html,
)
from .catalog import CATALOG, DEADLINE_KPI_OF_STAGE, PLOT_KPIS, STAFFING_COST_KPIS
from .errors import RunError
from .experiments import replicate
from .kpis import overloaded_stages, summarise
from .paths import get_path
from .presets import as_scenario, load_assumptions, with_overrides
from .provenance import stamp
from .report import format_comparison, format_summary, overload_lines, verdict
from .robustness import Robustness
from .workshop import (
    CHECK_DRAWS,
    PREVIEW,
    SHIPPED_BASE,
    PolicyControls,
    check_robustness,
    compare_policies,
    facilitator_mode,
    policy_pair,
    shipped_robustness,
)

WIDE = {"description_width": "20em"}
SLIDER_LAYOUT = w.Layout(width="38em")


class Dashboard(w.VBox):
    """A dashboard container that also keeps a plain-text report of what it shows."""

    def __init__(self, title: str, children: list[w.Widget]):
        super().__init__(children)
        self.title = title
        self.report = ""
        self.add_class("labsim-dashboard")

    def __repr__(self) -> str:
        return f"<labsim dashboard: {self.title}>"


def _slider(kind: Callable, value, low, high, step, description: str, **extra) -> w.Widget:
    return kind(value=value, min=low, max=high, step=step, description=description,
                continuous_update=False, style=WIDE, layout=SLIDER_LAYOUT, **extra)


def _busy(status: w.HTML, controls: list[w.Widget], busy: bool, text: str) -> None:
    status.value = (f'<span class="labsim-status" style="color:#b36b00">&#9203; {text}</span>'
                    if busy else f'<span class="labsim-status" style="color:#1b7f5b">{text}</span>')
    for control in controls:
        control.disabled = busy


class HowSure(w.VBox):
    """The "How sure are we?" panel: the shipped robustness result for the default settings,
    and for other settings a check a facilitator can let participants run (queued)."""

    def __init__(self, base: str, facilitator: bool):
        self.base, self.facilitator = base, facilitator
        self.results: dict[PolicyControls, Robustness] = {}
        self.controls: PolicyControls | None = PolicyControls()
        self.body, self.status = w.HTML(), w.HTML()
        self.button = w.Button(description="Check these settings (about 20 s)",
                               icon="question-circle", disabled=True,
                               layout=w.Layout(width="auto"))
        self.bar = w.IntProgress(min=0, max=1, value=0, layout=w.Layout(
            width="30em", visibility="hidden"))
        self.button.on_click(self.run_check)
        super().__init__([w.HTML("<h4>How sure are we?</h4>"), w.HTML(caveats_html()),
                          self.body, w.HBox([self.button, self.bar]), self.status])

    def current(self) -> tuple[Robustness | None, str]:
        """The result that fits the dashboard's settings, and a note on where it comes from."""
        if self.controls is None:
            return None, ""
        if self.controls in self.results:
            return self.results[self.controls], "Checked for these settings: "
        if self.controls == PolicyControls() and self.base == SHIPPED_BASE:
            result, is_current = shipped_robustness()
            return result, ("Computed ahead for the default settings: " if is_current else
                            "Computed ahead with an older model version (run make "
                            "robustness-result): ")
        return None, ""

    def cannot_run(self) -> None:
        """The dashboard's settings cannot run: nothing to be sure about."""
        self.controls = None
        self.body.value = "<p>These settings cannot run, so there is nothing to check.</p>"
        self.button.disabled, self.status.value = True, ""

    def show(self, controls: PolicyControls) -> None:
        self.controls = controls
        result, note = self.current()
        if result is not None:
            self.body.value = robustness_html(result, note=note)
            self.button.disabled = True
        else:
            ask = ("Press the button to check them." if self.facilitator else
                   "Ask the facilitator to check them.")
            self.body.value = ("<p>These settings differ from the default and have not been "
                               "checked: the verdicts above hold under the central assumptions "
                               f"only. {ask}</p>")
            self.button.disabled = not self.facilitator
        self.status.value = ""

    def report(self, done: int, total: int) -> None:
        self.bar.max, self.bar.value = max(total, 1), done
        self.status.value = f"Checking {CHECK_DRAWS} plausible worlds: {done} of {total} runs"

    def waiting(self) -> None:
        self.status.value = "Waiting for another group's check to finish..."

    def run_check(self, _=None) -> None:
        controls = self.controls
        if controls is None:
            return
        self.button.disabled, self.bar.layout.visibility = True, "visible"
        try:
            self.results[controls] = check_robustness(self.base, controls, self.report,
                                                      self.waiting)
        except (ValueError, RunError) as err:
            self.status.value = f"Cannot check these settings: {html.escape(str(err))}"
            self.button.disabled = False
            return
        finally:
            self.bar.layout.visibility = "hidden"
        if controls == self.controls:
            self.show(controls)

    def brief_parts(self) -> dict:
        result, note = self.current()
        return {"robustness": result, "robustness_note": note,
                "assumptions": load_assumptions(self.base)}


def prevention_vs_resolution(base: str = "cambodia_baseline",
                             brief_dir: str | Path = ".",
                             facilitator: bool | None = None) -> Dashboard:
    """The main dashboard: two ways of spending the same extra money, side by side.
    ``facilitator`` (default: LABSIM_FACILITATOR=1) lets participants run robustness checks."""
    """The main dashboard: two ways of spending the same extra money, side by side."""
    scenario = as_scenario(base)
    increment = _slider(w.IntSlider, round(PolicyControls().increment_usd_per_year), 0,
                        1_000_000, 50_000,
                        "Extra budget (US$ per year)", readout_format=",d")
    share_a = _slider(w.FloatSlider, 1.0, 0.0, 1.0, 0.1,
                      "Prevention-first: % of extra to prevention", readout_format=".0%")
    share_b = _slider(w.FloatSlider, 0.0, 0.0, 1.0, 0.1,
                      "Resolution-first: % of extra to prevention", readout_format=".0%")
    inspectors = _slider(w.IntSlider, scenario.individual_conciliation.labour_inspectors, 1, 40,
                         1, "Labour inspectors today")
    conciliators = _slider(w.IntSlider, scenario.collective_conciliation.conciliators, 1, 20, 1,
                           "Ministry conciliators today")
    arbitrators = _slider(w.IntSlider, scenario.arbitration.arbitrators, 3, 60, 1,
                          "Arbitrators today")
    grievances = _slider(w.FloatSlider, 1.0, 0.5, 2.0, 0.1, "Grievance rate (x today)",
                         readout_format=".1f")
    workplace = _slider(w.FloatSlider,
                        scenario.prevention.workplace_resolution_share_individual, 0.0, 0.7,
                        0.05, "Settled at the workplace (individual)", readout_format=".0%")
    plotted = w.Dropdown(options=[(CATALOG[k].label, k) for k in PLOT_KPIS],
                         value=PLOT_KPIS[0],
                         description="Plot", style=WIDE, layout=SLIDER_LAYOUT)
    status, verdict_html, table_html = w.HTML(), w.HTML(), w.HTML()
    image = w.Image(format="png", layout=w.Layout(max_width="46em"))
    export = w.Button(description="Export policy brief", icon="download",
                      button_style="success")
    download = w.HTML()
    how_sure = HowSure(base, facilitator_mode() if facilitator is None else facilitator)
    inputs = [increment, share_a, share_b, inspectors, conciliators, arbitrators, grievances,
              workplace, plotted, export]
    state: dict = {}
    dashboard = Dashboard("Prevention first or resolution first?", [
        w.HTML("<h3>Prevention first or resolution first?</h3><p>Both policies get the same "
               "extra money. Move a slider and both are simulated again with the same "
               "grievances (10 runs of 3 years).</p>"),
        w.HBox([w.VBox([w.HTML("<b>The extra money</b>"), increment, share_a, share_b]),
                w.VBox([w.HTML("<b>Today's system (both policies)</b>"), inspectors,
                        conciliators, arbitrators, grievances, workplace])]),
        status, verdict_html, how_sure, table_html, plotted, image,
        w.HBox([export, download])])

    def current_controls() -> PolicyControls:
        """The sliders as controls; a slider left at today's value counts as unchanged."""
        today = PolicyControls()
        changed = {name: value for name, value, same in (
            ("labour_inspectors", inspectors.value,
             scenario.individual_conciliation.labour_inspectors),
            ("conciliators", conciliators.value, scenario.collective_conciliation.conciliators),
            ("arbitrators", arbitrators.value, scenario.arbitration.arbitrators),
            ("workplace_resolution_share_individual", workplace.value,
             scenario.prevention.workplace_resolution_share_individual)) if value != same}
        return PolicyControls(increment.value if increment.value != round(
            today.increment_usd_per_year) else today.increment_usd_per_year,
            share_a.value, share_b.value, grievance_rate_factor=grievances.value, **changed)

    def draw_plot() -> None:
        kpi = plotted.value
        fig = plots.kpi_comparison(state["comparison"], [kpi])
        image.value = figure_png(fig)
        state["figure"] = fig

    def recompute(_=None) -> None:
        _busy(status, inputs, True, "Simulating both policies...")
        started = time.perf_counter()
        controls = current_controls()
        try:
            state["pair"] = pair = policy_pair(scenario, controls)
            state["comparison"] = comparison = compare_policies(pair)
        except ValueError as err:  # an InputError from an impossible combination
            _busy(status, inputs, False, f"Cannot run this combination: {html.escape(str(err))}")
            how_sure.cannot_run()
            return
        differences = comparison.differences()
        lines = overload_lines(comparison.overloaded()) + verdict(differences)
        verdict_html.value = ('<ul class="labsim-verdict">'
                              + "".join(f"<li>{html.escape(x)}</li>" for x in lines) + "</ul>")
        table_html.value = kpi_table_html(comparison)
        how_sure.show(controls)
        draw_plot()
        dashboard.report = (format_comparison(comparison.kpis(), differences) + "\n\n"
                            + "\n".join(lines))
        _busy(status, inputs, False,
              f"Updated in {time.perf_counter() - started:.1f} s")

    def replot(_=None) -> None:
        if "comparison" in state:
            draw_plot()

    def write_brief(_=None) -> None:
        comparison = state["comparison"]
        figures = [plots.kpi_comparison(comparison)]
        settings = (f"{PREVIEW.replications} replications of {PREVIEW.years:g} years, "
                    f"seed {PREVIEW.seed}, extra budget US${increment.value:,}")
        page = policy_brief_html(comparison, state["pair"], figures,
                                 "Prevention first or resolution first?", settings,
                                 stamp(state["pair"], PREVIEW), **how_sure.brief_parts())
        path = Path(brief_dir) / "policy_brief.html"
        path.write_text(page, encoding="utf-8")
        encoded = base64.b64encode(page.encode("utf-8")).decode("ascii")
        download.value = (f'<a download="policy_brief.html" href="data:text/html;base64,'
                          f'{encoded}">Download the brief</a> (also saved as {path})')

    for control in inputs[:-2]:
        control.observe(recompute, names="value")
    plotted.observe(replot, names="value")
    export.on_click(write_brief)
    recompute()
    return dashboard


def staffing_explorer(base: str = "cambodia_baseline") -> Dashboard:
    """Staff one stage and see deadlines, backlog growth, utilisation and cost."""
    scenario = as_scenario(base)
    stages = {
        "Labour inspectors (individual disputes)": ("individual_conciliation",
                                                    "individual_conciliation.labour_inspectors"),
        "Ministry conciliators (collective disputes)": ("collective_conciliation",
                                                        "collective_conciliation.conciliators"),
        "Arbitrators (Arbitration Council)": ("arbitration", "arbitration.arbitrators"),
    }
    stage = w.Dropdown(options=list(stages), description="Who", style=WIDE,
                       layout=SLIDER_LAYOUT)
    staff = _slider(w.IntSlider, scenario.individual_conciliation.labour_inspectors, 1, 40, 1,
                    "How many")
    status, table_html = w.HTML(), w.HTML()
    image = w.Image(format="png", layout=w.Layout(max_width="46em"))
    dashboard = Dashboard("Staffing and deadlines", [
        w.HTML("<h3>Staffing and deadlines</h3><p>Choose who to staff and how many; 10 runs "
               "of 3 years show whether the legal deadlines are met and whether the backlog "
               "keeps growing.</p>"), stage, staff, status, table_html, image])

    def current_value() -> int:
        return int(get_path(scenario, stages[stage.value][1]))

    def recompute(_=None) -> None:
        staffed, path = stages[stage.value]
        _busy(status, [stage, staff], True, "Simulating...")
        try:
            changed = with_overrides(scenario, {path: staff.value})
        except ValueError as err:
            _busy(status, [stage, staff], False, html.escape(str(err)))
            return
        kpis = replicate([changed], PREVIEW)[0]
        wanted = [DEADLINE_KPI_OF_STAGE[staffed], f"utilisation_{staffed}",
                  f"backlog_trend_{staffed}", *STAFFING_COST_KPIS]
        full = summarise(kpis)
        summary = full.loc[wanted]
        warnings = overload_lines({changed.name: overloaded_stages(full)})
        table_html.value = ("".join(f'<p class="labsim-overload"><b>{html.escape(x)}</b></p>'
                                    for x in warnings) + summary_table_html(summary))
        image.value = figure_png(plots.utilisation_bars(full))
        dashboard.report = "\n".join([f"{path} = {staff.value}", *warnings,
                                      format_summary(summary, full=True)])
        _busy(status, [stage, staff], False, "Updated")

    def new_stage(_=None) -> None:
        with staff.hold_trait_notifications():
            staff.unobserve(recompute, names="value")
            staff.min, staff.max = (3, 60) if stages[stage.value][0] == "arbitration" else (1, 40)
            staff.value = current_value()
            staff.observe(recompute, names="value")
        recompute()

    stage.observe(new_stage, names="value")
    staff.observe(recompute, names="value")
    recompute()
    return dashboard
