"""Dashboards: one function per dashboard, each returning an ipywidgets container.

Widgets only wire controls to ``workshop`` / ``experiments`` and ``plots``; they update
their views in place (an Image fed from ``savefig``, HTML for tables), never through
``Output`` capture or ``interact``, so that nbval and Voila handle them reliably.
"""

from __future__ import annotations

import base64
import math
import re
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import ipywidgets as w
import traitlets
from markupsafe import escape as _escape

from ..analysis.catalog import (
    DEADLINE_KPI_OF_STAGE,
    PLOT_KPIS,
    STAFFING_COST_KPIS,
    label_of,
)
from ..analysis.kpis import late_stages, overloaded_stages, summarise
from ..analysis.provenance import stamp
from ..analysis.robustness import Robustness
from ..errors import RunError
from ..experiments.comparison import Comparison, replicate
from ..i18n import LANGUAGES, _, display_name, language, use_language
from ..scenario.flows import first_estimate
from ..scenario.parameters import Scenario
from ..scenario.presets import as_scenario, with_overrides
from ..scenario.stages import staff_count, staff_words, staffing, stage_entry, stage_kpi
from ..views import plots
from ..views.brief import (
    BriefPage,
    brief_file_name,
    caveats_html,
    kpi_table_html,
    policy_brief_html,
    purchases_html,
    robustness_html,
    save_brief,
    stylesheet,
    summary_table_html,
    warnings_html,
)
from ..views.report import (
    FIRST_ESTIMATE,
    first_estimate_lines,
    format_comparison,
    format_summary,
    headline,
    late_lines,
    overload_lines,
    seen_from,
    verdict,
)
from ..views.shaping import figure_svg, font_face_css
from .controls import (
    CHECK_DRAWS,
    CONTROLLED_STAGES,
    POLICY_NAMES,
    PREVIEW,
    SETTING_WORDS,
    SHIPPED_BASE,
    PolicyControls,
    adjusted_base,
    assumptions_used,
    check_robustness,
    compare_policies,
    facilitator_mode,
    pair_on,
    setting_changes,
    shipped_robustness,
    shipped_verdict_map,
    workplace_share_limit,
)

WIDE = {"description_width": "initial"}


def escape(text: object) -> str:
    """Text made safe for an HTML widget, as a plain string (so that joining it to markup
    does not escape the markup)."""
    return str(_escape(text))


FULL = w.Layout(width="100%")
"""The full width, one layout shared by many widgets: never changed (a widget to hide gets a
layout of its own, or every widget sharing this one hides with it)."""


def _style() -> w.HTML:
    """The dashboards' stylesheet, with the Khmer font itself (nothing fetched elsewhere)."""
    return w.HTML(f"<style>{font_face_css()}\n{stylesheet('dashboard.css')}</style>")


def figure_html(fig) -> str:
    """A figure for an HTML widget: SVG whose text the browser shapes (Khmer included)."""
    return f'<div class="labsim-figure">{figure_svg(fig)}</div>'


class Dashboard(w.VBox):
    """A dashboard container that also keeps a plain-text report of what it shows; a
    language switch (``switch=True``) rebuilds it in the language chosen."""

    def __init__(self, title: str, children: list[w.Widget], switch: bool = False):
        super().__init__(layout=FULL)
        self.style, self.report, self.switch = _style(), "", switch
        self.add_class("labsim-dashboard")
        self.show(title, children)

    def show(self, title: str, children: list[w.Widget]) -> None:
        """Show ``children`` under the language switch and the large-text button, their
        words in the language in use (the large-text choice is kept)."""
        large = w.ToggleButton(value="labsim-large" in self._dom_classes,
                               description=_("Large text (projector)"), icon="search-plus",
                               layout=w.Layout(width="auto"))
        large.observe(self._large_text, names="value")
        top = [large]
        if self.switch:
            chooser = w.ToggleButtons(options=[(name, code) for code, name in LANGUAGES.items()],
                                      value=language(), tooltips=["English", "ភាសាខ្មែរ"],
                                      style={"button_width": "auto"})
            chooser.add_class("labsim-language")
            chooser.observe(self._language_chosen, names="value")
            top.insert(0, chooser)
        bar = w.Box(top, layout=w.Layout(width="100%", flex_flow="row wrap",
                                         justify_content="space-between"))
        self.title, self.large_text = title, large
        self.children = [self.style, bar, *children]
        (self.add_class if language() == "km" else self.remove_class)("labsim-lang-km")

    def _large_text(self, change) -> None:
        (self.add_class if change["new"] else self.remove_class)("labsim-large")

    def _language_chosen(self, change) -> None:
        use_language(change["new"])
        self.rebuild()

    def rebuild(self) -> None:
        """Show the dashboard again in the language in use (a dashboard with a language
        switch says how)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<labsim dashboard: {self.title}. Run this cell (Shift+Enter) to use it>"


THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
DOTTED_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


def _number(text: str, whole: bool) -> float | str:
    """A typed number ('30', '30%', '1,000,000', '2.5', Khmer digits), or why it is not one:
    a comma is read only between thousands, and '250.000' in a whole-number box is refused
    rather than guessed."""
    shown = text.strip()[:20]
    cleaned = text.strip().replace(" ", "").removesuffix("%")
    if not cleaned:
        return _("The box is empty")
    if THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        return _("\u201c{text}\u201d is not clear: use a dot for a decimal (1.5) and commas "
                 "only between thousands (250,000)").format(text=shown)
    elif whole and DOTTED_THOUSANDS.fullmatch(cleaned):
        return _("\u201c{text}\u201d is not clear: type it without dots (250000) or with "
                 "commas (250,000)").format(text=shown)
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    return value if math.isfinite(value) else _("\u201c{text}\u201d is not a number").format(
        text=shown)


class NumberControl(w.VBox):
    """A plain label, a slider and a box to type a number in. A typed value outside the
    range, or between steps, is set to the nearest allowed value and the note beside the
    box says so; text that is not a number is refused there. ``value`` is what is shown
    (percent controls show 0-100)."""

    value = traitlets.Float()

    def __init__(self, label: str, value: float, low: float, high: float, step: float,
                 unit: str = "", decimals: int = 0):
        self.label = label
        self.low, self.high, self.step, self.unit, self.decimals = low, high, step, unit, decimals
        kind = w.IntSlider if decimals == 0 else w.FloatSlider
        self.slider = kind(value=value, min=low, max=high, step=step, readout=False,
                           continuous_update=False, description="",
                           layout=w.Layout(flex="1 1 10em", min_width="6em"))
        self.box = w.Text(value=self._text(value), continuous_update=False,
                          layout=w.Layout(width="9em"))
        self.note = w.HTML()
        self.note.add_class("labsim-control-note")
        title = w.HTML(f'<span class="labsim-control-label">{escape(label)}</span>')
        unit_label = w.HTML(escape(unit), layout=w.Layout(width="5.5em"))
        super().__init__([title, w.HBox([self.slider, self.box, unit_label],
                                        layout=w.Layout(width="100%", align_items="center")),
                          self.note], layout=w.Layout(width="100%", margin="0 0 0.4em 0"))
        self.value = float(value)
        self.slider.observe(self._slid, names="value")
        self.box.observe(self._typed, names="value")

    def _text(self, value: float) -> str:
        return f"{value:,.{self.decimals}f}"

    def _slid(self, change) -> None:
        self.note.value = ""
        self.box.value = self._text(change["new"])
        self.value = float(change["new"])

    def _typed(self, change) -> None:
        typed = _number(change["new"], whole=self.decimals == 0 and self.step >= 1)
        if isinstance(typed, str):
            note = _("{why}: type a number from {low} to {high}.").format(
                why=typed, low=self._text(self.low), high=self._text(self.high))
            kept = self.slider.value
        else:
            kept = min(max(typed, self.low), self.high)
            steps = math.floor((kept - self.low) / self.step + 0.5)  # halves round up
            kept = round(min(self.low + steps * self.step, self.high), self.decimals)
            note = "" if math.isclose(kept, typed, abs_tol=1e-9) else _(
                "You typed {typed}; {why}, so {kept} is used.").format(
                typed=f"{typed:,.10g}", kept=self._text(kept), why=(
                    _("the most allowed is {high}") if typed > self.high else
                    _("the least allowed is {low}") if typed < self.low else
                    _("it moves in steps of {step}")).format(
                    high=self._text(self.high), low=self._text(self.low),
                    step=self._text(self.step)))
        self.slider.value = kept  # clears the note and rewrites the box when it moves
        self.box.value = self._text(kept)
        self.note.value = escape(note)

    @property
    def disabled(self) -> bool:
        return self.slider.disabled

    @disabled.setter
    def disabled(self, busy: bool) -> None:
        self.slider.disabled = self.box.disabled = busy


def _busy(status: w.HTML, controls: list[w.Widget], busy: bool, text: str) -> None:
    status.value = (f'<span class="labsim-status" style="color:#8a4b00">&#9203; {escape(text)}'
                    "</span>" if busy else
                    f'<span class="labsim-status" style="color:#005a8c">{escape(text)}</span>')
    for control in controls:
        control.disabled = busy


class HowSure(w.VBox):
    """The "How sure are we?" panel: the shipped robustness result for the default settings,
    and for other settings a check a facilitator can let participants run (queued)."""

    def __init__(self, base: str, facilitator: bool,
                 results: dict[PolicyControls, Robustness] | None = None):
        self.base, self.facilitator = base, facilitator
        self.results: dict[PolicyControls, Robustness] = {} if results is None else results
        """Checks run in this visit, kept when the dashboard changes language."""
        self.controls: PolicyControls | None = PolicyControls()
        self.subject: str | None = None
        self.body, self.status = w.HTML(), w.HTML()
        self.button = w.Button(description=_("Check these settings (about 20 s)"),
                               icon="question-circle", disabled=True,
                               layout=w.Layout(width="auto",
                                               display=None if facilitator else "none"))
        self.bar = w.IntProgress(min=0, max=1, value=0, layout=w.Layout(
            width="100%", max_width="30em", visibility="hidden"))
        self.button.on_click(self.run_check)
        body = w.Box([self.body], layout=FULL)
        super().__init__([w.HTML("<h4>" + escape(_("How sure are we?")) + "</h4>"), body,
                          w.HTML(caveats_html()),
                          w.Box([self.button, self.bar], layout=w.Layout(
                              width="100%", flex_flow="row wrap")), self.status], layout=FULL)

    def current(self) -> tuple[Robustness | None, str]:
        """The result that fits the dashboard's settings, and a note on where it comes from."""
        if self.controls is None:
            return None, ""
        if self.controls in self.results:
            return self.results[self.controls], _("Checked for these settings: ")
        if self.controls == PolicyControls() and self.base == SHIPPED_BASE:
            result, is_current = shipped_robustness()
            return result, (_("Computed ahead for the default settings: ") if is_current
                            else _("Computed ahead with an earlier version of the model (the "
                                   "facilitator can update it: make robustness-result): "))
        return None, ""

    def cannot_run(self) -> None:
        """The dashboard's settings cannot run: nothing to be sure about."""
        self.controls = None
        self.body.value = ("<p>" + escape(_("These settings cannot run, so there is nothing "
                                            "to check.")) + "</p>")
        self.button.disabled, self.status.value = True, ""

    def show(self, controls: PolicyControls, subject: str | None = None) -> None:
        """Show how sure the verdicts at ``controls`` are, from ``subject``'s side."""
        self.controls, self.subject = controls, subject
        result, note = self.current()
        if result is not None:
            self.body.value = robustness_html(result, note=note, subject=subject)
            self.button.disabled = True
        else:
            what = (_("Press the button to check them: about 20 seconds, while the other "
                      "groups wait.") if self.facilitator else
                    _("The facilitator can let groups check other settings on this server "
                      "(the facilitator guide says how, before the day); until then, compare "
                      "your settings with the default ones, which are checked."))
            self.body.value = ('<p class="labsim-sure">' + escape(_(
                "Not checked yet: these settings differ from the default ones, so the "
                "verdicts above hold under the central assumptions only.")) + "</p><p>"
                + escape(what) + "</p>")
            self.button.disabled = not self.facilitator
        self.status.value = ""

    def report(self, done: int, total: int) -> None:
        self.bar.max, self.bar.value = max(total, 1), done
        self.status.value = escape(_("Checking {worlds} plausible worlds: {done} of {total} "
                                     "runs").format(worlds=CHECK_DRAWS, done=done, total=total))

    def waiting(self) -> None:
        self.status.value = escape(_("Waiting for another group's check to finish..."))

    def run_check(self, _button: w.Button | None = None) -> None:
        controls = self.controls
        if controls is None:
            return
        self.button.disabled, self.bar.layout.visibility = True, "visible"
        try:
            self.results[controls] = check_robustness(self.base, controls, self.report,
                                                      self.waiting)
        except (ValueError, RunError) as err:
            self.status.value = escape(_("Cannot check these settings: {reason}").format(
                reason=err))
            self.button.disabled = False
            return
        finally:
            self.bar.layout.visibility = "hidden"
        if controls == self.controls:
            self.show(controls, self.subject)

    def brief_parts(self) -> dict:
        result, note = self.current()
        shipped = self.controls == PolicyControls() and self.base == SHIPPED_BASE
        return {"robustness": result, "robustness_note": note,
                "verdict_map": shipped_verdict_map() if shipped else None,
                "assumptions": assumptions_used(self.base, self.controls or PolicyControls())}


def _verdict_block(kind: str, heading: str, lines: list[str]) -> str:
    """A heading of class ``kind`` over the verdict's lines, as the page shows them."""
    return (f'<p class="{kind}">{escape(heading)}</p><ul class="labsim-verdict">'
            + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>")


def _staff_control(scenario: Scenario, stage: str, label: str = "") -> NumberControl:
    """A control of a staffed stage's staff, in the registry's range and words, set to the
    scenario's staff."""
    low, high = staffing(stage).control
    return NumberControl(label or _(staffing(stage).control_label),
                         staff_count(scenario, stage), low, high, 1, unit=_("people"))


def _percent_control(label: str, share: float, most: float = 1.0) -> NumberControl:
    """A share typed and shown as 0-100 (at most ``most``, in steps of 5)."""
    return NumberControl(label, round(share * 100), 0, math.floor(most * 20 + 1e-9) * 5, 5,
                         unit="%")


def _brief_fields(kept: dict) -> tuple[w.Text, w.Textarea, w.Dropdown, w.Dropdown]:
    """The brief's fields: group name, the policy it recommends, its reasons and, in Khmer,
    the digits of the brief."""
    group = w.Text(value=kept.get("group", ""), placeholder=_("e.g. Group 3, Phnom Penh "
                                                             "workshop"),
                   description=_("Group name"), style=WIDE)
    recommended = w.Dropdown(options=[(_("(not chosen yet)"), ""), *(
        (display_name(name), name) for name in POLICY_NAMES)],
        value=kept.get("recommended", ""), description=_("We recommend"), style=WIDE)
    recommendation = w.Textarea(
        value=kept.get("recommendation", ""),
        placeholder=_("What your group recommends, and why (printed in the brief)"),
        description=_("Our reasons"), style=WIDE, layout=w.Layout(height="7em"))
    digits = w.Dropdown(options=[(_("Khmer digits (១២៣)"), "khmer"),
                                 (_("Western digits (123)"), "western")],
                        value=kept.get("digits", "khmer"), description=_("Numbers in the brief"),
                        style=WIDE, layout=w.Layout(display=None if language() == "km"
                                                    else "none"))
    for field in (group, recommended, recommendation, digits):
        field.add_class("labsim-full")
    return group, recommended, recommendation, digits


def _download_link(page: str, path: Path) -> str:
    """A link that carries the brief itself (a data link), so it downloads on any device
    that shows the dashboard, not only on the machine that serves it."""
    encoded = base64.b64encode(page.encode("utf-8")).decode("ascii")
    return (f'<a class="labsim-download" download="{escape(path.name)}" '
            f'href="data:text/html;charset=utf-8;base64,{encoded}">&#11015; '
            + escape(_("Download the brief")) + '</a> <span class="note">('
            # the file's name only: where the server keeps it is none of a participant's concern
            + escape(_("also saved on the serving laptop as {path}").format(path=path.name)) + ")"
            "</span>")


def _group_box(title: str, children: list[w.Widget]) -> w.VBox:
    box = w.VBox([w.HTML(f"<h4>{escape(title)}</h4>"), *children])
    box.add_class("labsim-group")
    return box


@dataclass(frozen=True)
class Shown:
    """What the main dashboard last simulated: the controls, the base they adjusted, the two
    policies and their comparison."""

    controls: PolicyControls
    adjusted: Scenario
    pair: dict[str, Scenario]
    comparison: Comparison


class PolicyDashboard(Dashboard):
    """The main dashboard: two ways of spending the same extra money, side by side, with a
    verdict, what each buys, how sure the verdict is, all indicators, a plot and a brief, in
    English or Khmer (a switch at the top rebuilds it in the other language, every setting
    and text typed kept).

    Every control move simulates both policies again (``recompute``); the last results are
    hidden when the settings cannot run, never left looking current. Verdicts speak of the
    policy the group recommends, or prevention first until it chooses."""

    def __init__(self, base: str, brief_dir: str | Path, facilitator: bool):
        self.scenario, self.brief_dir = as_scenario(base), Path(brief_dir)
        self.base, self.facilitator, self.checked = base, facilitator, {}
        self.shown: Shown | None = None
        self.defaults = PolicyControls()
        super().__init__(_("Prevention first or resolution first?"), [], switch=True)
        self.build({})

    def kept(self) -> dict:
        """What a rebuild keeps: every control's value, the plot chosen and the brief's text."""
        return {"values": [control.value for control in self.controls],
                "plotted": self.plotted.value, "group": self.group.value,
                "recommended": self.recommended.value,
                "recommendation": self.recommendation.value, "digits": self.digits.value}

    def rebuild(self) -> None:
        self.build(self.kept())

    def build(self, kept: dict) -> None:
        """Make every widget in the language in use, at the values ``kept`` (else today's)."""
        scenario = self.scenario
        self.increment = NumberControl(_("Extra money for each policy"),
                                       round(self.defaults.increment_usd_per_year), 0,
                                       1_000_000, 10_000, unit=_("US$ a year"))
        self.share_a = _percent_control(_(SETTING_WORDS["prevention_first_share"]),
                                        self.defaults.prevention_first_share)
        self.share_b = _percent_control(_(SETTING_WORDS["resolution_first_share"]),
                                        self.defaults.resolution_first_share)
        self.staff = {name: _staff_control(scenario, name) for name in CONTROLLED_STAGES}
        self.grievances = NumberControl(_(SETTING_WORDS["grievance_rate_factor"]), 1.0, 0.5,
                                        2.0, 0.1, unit=_("times"), decimals=1)
        self.workplace = _percent_control(
            _(SETTING_WORDS["workplace_resolution_share_individual"]),
            scenario.prevention.workplace_resolution_share_individual,
            workplace_share_limit(scenario))
        self.controls = [self.increment, self.share_a, self.share_b, *self.staff.values(),
                         self.grievances, self.workplace]
        for control, value in zip(self.controls, kept.get("values", ()), strict=False):
            control.slider.value = value
        self.plotted = w.Dropdown(options=[(label_of(k), k) for k in PLOT_KPIS],
                                  value=kept.get("plotted", PLOT_KPIS[0]),
                                  description=_("Plot"), style=WIDE)
        self.plotted.add_class("labsim-full")
        self.status, self.warnings, self.verdict_html = w.HTML(), w.HTML(), w.HTML()
        self.buys_html, self.table_html = w.HTML(layout=FULL), w.HTML(layout=FULL)
        self.image = w.HTML(layout=w.Layout(width="100%", max_width="46em"))
        self.group, self.recommended, self.recommendation, self.digits = _brief_fields(kept)
        self.export = w.Button(description=_("Export policy brief"), icon="download",
                               button_style="success", layout=w.Layout(width="auto"))
        self.download = w.HTML()
        self.how_sure = HowSure(self.base, self.facilitator, self.checked)
        self.inputs = [*self.controls, self.plotted, self.export]
        all_indicators = w.Accordion(
            [self.table_html], titles=(_("All indicators, with 95% confidence intervals"),),
            selected_index=None, layout=FULL)
        self.results = w.VBox([
            self.verdict_html, w.HTML("<h4>" + escape(_("What each policy buys")) + "</h4>"),
            self.buys_html, self.how_sure, all_indicators, self.plotted, self.image,
            w.HTML("<h4>" + escape(_("Your policy brief")) + "</h4>"), self.group,
            self.recommended, self.recommendation, self.digits,
            w.HBox([self.export], layout=FULL), self.download], layout=w.Layout(width="100%"))
        row = w.Box([_group_box(_("The extra money"),
                                [self.increment, self.share_a, self.share_b]),
                     _group_box(_("Today's system (both policies)"),
                                [*self.staff.values(), self.grievances, self.workplace])],
                    layout=FULL)
        row.add_class("labsim-row")
        self.show(_("Prevention first or resolution first?"), [
            w.HTML("<h3>" + escape(_("Prevention first or resolution first?")) + "</h3><p>"
                   + escape(_("Both policies get the same extra money. Move a slider or type "
                              "a number, and both are simulated again with the same "
                              "grievances (10 runs of 3 years).")) + "</p>"),
            row, self.status, self.warnings, self.results])
        for control in self.controls:
            control.observe(self.recompute, names="value")
        self.plotted.observe(self.replot, names="value")
        self.recommended.observe(self.recompute, names="value")
        self.export.on_click(self.export_once)
        self.recompute()

    def subject(self) -> str:
        """The policy every verdict speaks of: the one the group recommends, or the first."""
        return self.recommended.value or POLICY_NAMES[0]

    def current_controls(self) -> PolicyControls:
        """The controls as PolicyControls; one left at today's value counts as unchanged."""
        scenario = self.scenario
        chosen_staff = {name: int(control.value) for name, control in self.staff.items()
                        if int(control.value) != staff_count(scenario, name)}
        share = self.workplace.value / 100
        today_share = round(scenario.prevention.workplace_resolution_share_individual * 100) / 100
        default_extra = self.defaults.increment_usd_per_year
        extra = (default_extra if self.increment.value == round(default_extra)
                 else self.increment.value)
        return PolicyControls(
            extra, self.share_a.value / 100, self.share_b.value / 100, staff=chosen_staff,
            grievance_rate_factor=self.grievances.value,
            workplace_resolution_share_individual=None if share == today_share else share)

    def recompute(self, _change: dict | None = None) -> None:
        """Simulate both policies at the controls' settings and show the results."""
        _busy(self.status, self.inputs, True, _("Simulating both policies..."))
        started = time.perf_counter()
        chosen = self.current_controls()
        try:
            adjusted = adjusted_base(self.scenario, chosen)
            pair = pair_on(adjusted, chosen)
            self._first_estimate(pair)
            self.shown = shown = Shown(chosen, adjusted, pair, compare_policies(pair))
        except ValueError as err:  # an InputError from an impossible combination
            self.shown = None
            _busy(self.status, self.inputs, False, _("Not simulated"))
            self.warnings.value = warnings_html([_("These settings cannot run, so no results "
                                                   "are shown: {reason}").format(reason=err)])
            self.results.layout.display = "none"  # never leave the last results looking current
            self.how_sure.cannot_run()
            return
        self.results.layout.display = None
        self.results.remove_class("labsim-stale")
        comparison = seen_from(shown.comparison, self.subject())
        differences = comparison.differences()
        alarms = overload_lines(comparison.overloaded()) + late_lines(comparison.late())
        if chosen.prevention_first_share < chosen.resolution_first_share:
            alarms.append(_("Note: the policy called prevention first now puts less of the "
                            "extra money into prevention than resolution first does."))
        lines = verdict(differences)
        self.warnings.value = warnings_html(alarms)
        self.verdict_html.value = _verdict_block("labsim-headline", headline(differences), lines)
        self.buys_html.value = purchases_html(adjusted, pair, chosen.increment_usd_per_year)
        self.table_html.value = kpi_table_html(comparison)
        self.how_sure.show(chosen, self.subject())
        self._draw_plot()
        self.report = "\n".join([format_comparison(comparison.kpis(), differences), "",
                                 headline(differences), *alarms, *lines])
        _busy(self.status, self.inputs, False, _("Updated in {seconds:.1f} s").format(
            seconds=time.perf_counter() - started))

    def _first_estimate(self, pair: dict[str, Scenario]) -> None:
        """Show the policies' yearly figures in means at once, marked as a first estimate,
        and grey the last results while the simulation runs (a move answered from the cache
        replaces it within a blink); the policy the verdicts speak of comes first."""
        names = sorted(POLICY_NAMES, key=lambda name: name != self.subject())
        lines = first_estimate_lines({name: first_estimate(pair[name]) for name in names})
        self.verdict_html.value = _verdict_block("labsim-first-estimate", _(FIRST_ESTIMATE), lines)
        self.results.add_class("labsim-stale")
        _busy(self.status, self.inputs, True, _("First estimate shown; simulating both "
                                                "policies..."))

    def _draw_plot(self) -> None:
        self.image.value = figure_html(plots.kpi_comparison(self.shown.comparison,
                                                            [self.plotted.value]))

    def replot(self, _change: dict | None = None) -> None:
        """Draw the KPI the dropdown names, for the results shown."""
        if self.shown is not None:
            self._draw_plot()

    def write_brief(self) -> Path:
        """Write the policy brief of the results shown, in the language shown, and offer it
        for download."""
        shown, made_at = self.shown, datetime.now()
        chosen = shown.controls
        page = policy_brief_html(
            shown.comparison, shown.pair, [plots.kpi_comparison(seen_from(
                shown.comparison, self.subject()))],
            BriefPage(base=shown.adjusted, increment_usd_per_year=chosen.increment_usd_per_year,
                      settings=PREVIEW, changes=setting_changes(self.scenario, chosen),
                      prevention_shares=dict(zip(POLICY_NAMES, (
                          chosen.prevention_first_share, chosen.resolution_first_share),
                          strict=True)),
                      group=self.group.value, recommendation=self.recommendation.value,
                      recommended=self.recommended.value or None, made_at=made_at,
                      stamp=stamp(shown.pair, PREVIEW),
                      western_digits=self.digits.value == "western",
                      **self.how_sure.brief_parts()))
        path = save_brief(self.brief_dir, brief_file_name(self.group.value, made_at), page)
        self.download.value = _download_link(page, path)
        return path

    def export_once(self, _button: w.Button | None = None) -> None:
        """One brief per press: the button waits until the file is written."""
        self.export.disabled = True
        try:
            self.write_brief()
        finally:
            self.export.disabled = False


def prevention_vs_resolution(base: str = "cambodia_baseline", brief_dir: str | Path = ".",
                             facilitator: bool | None = None) -> PolicyDashboard:
    """The main dashboard: two ways of spending the same extra money, side by side.
    ``facilitator`` (default: LABSIM_FACILITATOR=1) lets participants run robustness checks.

    >>> board = prevention_vs_resolution()  # doctest: +SKIP
    >>> print(board.report)  # doctest: +SKIP
    """
    return PolicyDashboard(base, brief_dir,
                           facilitator_mode() if facilitator is None else facilitator)


def staffing_explorer(base: str = "cambodia_baseline") -> Dashboard:
    """Staff one stage and see deadlines, backlog growth, utilisation and cost."""
    scenario = as_scenario(base)
    stage = w.Dropdown(options=[(_(stage_entry(name).label), name) for name in CONTROLLED_STAGES],
                       description=_("Who"), style=WIDE, layout=FULL)
    holder = w.VBox(layout=FULL)
    status, table_html = w.HTML(), w.HTML()
    image = w.HTML(layout=w.Layout(width="100%", max_width="46em"))
    dashboard = Dashboard(_("Staffing and deadlines"), [
        w.HTML("<h3>" + escape(_("Staffing and deadlines")) + "</h3><p>" + escape(_(
            "Choose who to staff and how many; 10 runs of 3 years show whether the legal "
            "deadlines are met and whether the backlog keeps growing.")) + "</p>"),
        stage, holder, status, table_html, image])

    def recompute(_change=None) -> None:
        staffed, staff = stage.value, holder.children[0]
        _busy(status, [stage, staff], True, _("Simulating..."))
        try:
            changed = with_overrides(scenario, {staffing(staffed).count_path: int(staff.value)})
        except ValueError as err:
            _busy(status, [stage, staff], False, str(err))
            return
        kpis = replicate([changed], PREVIEW)[0]
        wanted = [DEADLINE_KPI_OF_STAGE[staffed], stage_kpi("utilisation", staffed),
                  stage_kpi("backlog_trend", staffed), *STAFFING_COST_KPIS]
        full = summarise(kpis)
        summary = full.loc[wanted]
        warnings = (overload_lines({changed.name: overloaded_stages(full)})
                    + late_lines({changed.name: late_stages(full)}))
        table_html.value = warnings_html(warnings) + summary_table_html(summary)
        image.value = figure_html(plots.utilisation_bars(full))
        dashboard.report = "\n".join([staff_words(staffed, int(staff.value)), *warnings,
                                      format_summary(summary, full=True)])
        _busy(status, [stage, staff], False, _("Updated"))

    def new_stage(_change=None) -> None:
        staff = _staff_control(scenario, stage.value, label=_("How many"))
        staff.observe(recompute, names="value")
        holder.children = [staff]
        recompute()

    stage.observe(new_stage, names="value")
    new_stage()
    return dashboard
