"""The policy brief and the HTML tables the dashboards share, from one Jinja2 template set.

Templates live in ``labsim/views/templates``; autoescaping keeps user text (a group's name, its
recommendation) as text. The brief is one self-contained page (figures as SVG whose text the
browser shapes, the Khmer font inside its stylesheet) with an A4 print stylesheet, so it
opens, prints and travels as a single file, in the language in use: page 1 the group's
recommendation and the yearly differences for the same money, page 2 the verdicts and how
sure they are, then an annex of the numbers behind them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape
from matplotlib.figure import Figure

from ..analysis.catalog import BRIEF_KPIS, VERDICT_KPIS, label_of, unit_of
from ..analysis.robustness import Robustness
from ..analysis.verdict_map import VerdictMap
from ..experiments.comparison import Comparison
from ..files import write_atomically
from ..i18n import N_, _, date_words, display_name, in_sentence, khmer_digits, language
from ..scenario.assumptions import Assumption
from ..scenario.items import BOUGHT, items_on
from ..scenario.parameters import Scenario
from ..scenario.policy import purchases
from ..scenario.settings import RunSettings
from .plots import strike_day_verdict_map
from .report import (
    assumption_value,
    break_even_line,
    comparison_header,
    format_as,
    format_change,
    format_estimate,
    format_robustness_rows,
    format_setting,
    headline,
    judged,
    late_lines,
    overload_lines,
    robustness_lines,
    robustness_sentence,
    seen_from,
    verdict,
    yearly_differences,
)
from .shaping import figure_svg, font_face_css

TEMPLATES = Environment(loader=PackageLoader("labsim.views", "templates"), autoescape=True,
                        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
TEMPLATES.globals["_"] = _
TEMPLATES.globals["font_faces"] = lambda: Markup(font_face_css())
"""One template set for the brief and the dashboards' tables, escaping every value."""


def _macros():
    return TEMPLATES.get_template("tables.html.j2").module


def stylesheet(name: str) -> str:
    """A stylesheet of the template set (``brief.css``, ``dashboard.css``)."""
    return TEMPLATES.loader.get_source(TEMPLATES, name)[0]


CAVEATS = (
    N_("This is a simulation under stated assumptions, not a forecast of what will happen."),
    N_("Intervals in brackets show only the chance variation of the simulation; they do not "
       "include doubt about the assumptions. The robustness check repeats the comparison in "
       "many plausible worlds to show that doubt."),
    N_("The prevention effect, workplace settlement and staff effort are assumptions: no "
       "public figure measures them, and the record the model is fitted to cannot tell them "
       "apart."),
    N_("Unit costs are mostly assumptions; staff numbers follow from them."),
)
"""What the brief and the dashboard say a result does and does not show."""


def _kpi_table_parts(comparison: Comparison, kpis: Sequence[str],
                     ) -> tuple[list[str], list[dict]]:
    table = comparison.kpis().set_index(["kpi", "scenario"])
    diffs = comparison.differences().set_index(["kpi", "scenario"])
    names, reference = comparison.names, comparison.reference
    others = [n for n in names if n != reference]
    header = comparison_header(names, reference)
    rows = []
    for kpi in [k for k in kpis if (k, names[0]) in table.index]:
        changes = []
        for n in others:
            d = {**diffs.loc[(kpi, n)].to_dict(), "scenario": n, "kpi": kpi}
            said = judged(d)
            tag = "" if said is None else ("better" if said else "worse")
            changes.append({"text": format_change(kpi, d), "tag": tag})
        rows.append({"label": label_of(kpi), "unit": unit_of(kpi),
                     "cells": [" ".join(format_estimate(kpi, table.loc[(kpi, n)]))
                               for n in names], "changes": changes})
    return header, rows


def kpi_table_html(comparison: Comparison, kpis: Sequence[str] = BRIEF_KPIS) -> str:
    """KPIs of each policy (mean and 95% CI) and the paired change to the reference."""
    return str(_macros().kpi_table(*_kpi_table_parts(comparison, kpis)))


def summary_table_html(summary: pd.DataFrame) -> str:
    """A summary's KPIs: label, mean, 95% CI and unit, one row each."""
    rows = [(label_of(name), *format_estimate(name, row), unit_of(name))
            for name, row in summary.iterrows()]
    return str(_macros().table("labsim-kpi-table",
                               [_("Indicator"), _("mean"), _("95% CI"), _("unit")], rows))


def robustness_html(result: Robustness, kpis: Sequence[str] = VERDICT_KPIS,
                    note: str = "", subject: str | None = None) -> str:
    """How sure the verdicts are, from ``subject``'s side (default: the policy the result
    compares): one plain sentence, a table (central result, middle 90% of worlds, worlds
    won) and the same for each indicator in words."""
    result = result.seen_from(subject) if subject else result
    summary = result.summary()
    header, rows = format_robustness_rows(summary, kpis)
    settings = result.settings
    said = _("{worlds} plausible worlds, each drawn from the ranges of {assumptions} "
             "assumptions{fitted}; {runs} simulated runs of {years:g} years per world.").format(
        worlds=len(result.worlds), assumptions=len(result.assumptions),
        fitted=_(" and re-fitted to the observed record") if result.refit else "",
        runs=settings.replications, years=settings.years)
    if result.left_out:
        said += " " + _("{n} drawn worlds were left out: {reason}.").format(
            n=len(result.left_out), reason=next(iter(result.left_out.values())))
    return str(_macros().robustness(robustness_sentence(summary, kpis), note + said, header,
                                    rows, robustness_lines(summary, kpis)))


def _assumption_rows(assumptions: Sequence[Assumption]) -> list[tuple[str, ...]]:
    return [(_(a.label), assumption_value(a.central, a.label, a.path),
             _("{low} to {high}").format(low=assumption_value(a.low, a.label, a.path),
                                         high=assumption_value(a.high, a.label, a.path)),
             _(a.reason)) for a in assumptions]


ASSUMPTIONS_HEADER = (N_("assumption"), N_("value used"), N_("plausible range"),
                      N_("why this range"))


def caveats_html() -> str:
    """The "what this does and does not show" box."""
    return str(_macros().caveats(_("What this does and does not show"),
                                 [_(c) for c in CAVEATS]))


def warnings_html(lines: Sequence[str]) -> str:
    """Overload warnings, each in a box of its own."""
    return str(_macros().warnings(lines))


ITEM_WORDS = {
    **{entry.column: (entry.label, entry.style) for entry in BOUGHT},
    "spent_usd_per_year": (N_("Budget for staff and training (US$ a year)"), "usd"),
    "extra_spent_usd_per_year": (N_("Extra money spent (US$ a year)"), "usd"),
    "unspent_usd_per_year": (N_("Extra money left unspent (US$ a year)"), "usd"),
}
"""How each row of ``policy.purchases`` reads, and how its values are shown."""


def purchases_parts(base: Scenario, scenarios: Mapping[str, Scenario],
                    increment_usd_per_year: float) -> tuple[list[str], list[tuple], str]:
    """What each policy buys: header, rows (whole staff) and a note on unspent money."""
    table = purchases(base, scenarios, increment_usd_per_year)
    header = [_("What"), _("Today"), *map(display_name, scenarios)]
    rows = [(_(ITEM_WORDS[item][0]), *(format_setting(ITEM_WORDS[item][1], v) for v in row))
            for item, row in table.iterrows()]
    unspent = table.loc["unspent_usd_per_year", list(scenarios)]
    left = [_("{policy} leaves US$ {dollars:,.0f}").format(policy=in_sentence(n), dollars=v)
            for n, v in unspent.items() if v >= 0.5]
    note = _("Both policies get the same extra money: US$ {extra:,.0f} a year.").format(
        extra=increment_usd_per_year)
    note += " " + (_("Money that cannot buy one more whole person, or that the allocation "
                     "rules find nothing more to spend on, stays unspent: {left}.").format(
                         left="; ".join(left)) if left else _("Both spend all of it."))
    return header, rows, note


def purchases_html(base: Scenario, scenarios: Mapping[str, Scenario],
                   increment_usd_per_year: float) -> str:
    """What each policy buys (staff and training by item) and what it spends."""
    header, rows, note = purchases_parts(base, scenarios, increment_usd_per_year)
    return (str(_macros().table("labsim-purchases", header, rows))
            + f'<p class="note">{escape(note)}</p>')


@dataclass(frozen=True)
class BriefPage:
    """Everything the brief says besides the comparison: who made it, when, with what."""

    base: Scenario
    increment_usd_per_year: float
    settings: RunSettings
    changes: Sequence = ()
    """``workshop.SettingChange`` of every control a group moved."""
    prevention_shares: Mapping[str, float] = field(default_factory=dict)
    group: str = ""
    recommendation: str = ""
    recommended: str | None = None
    """The policy the group recommends (None: not chosen): the subject of every verdict;
    without one, the first compared policy is."""
    made_at: datetime = field(default_factory=datetime.now)
    stamp: str = ""
    robustness: Robustness | None = None
    robustness_note: str = ""
    verdict_map: VerdictMap | None = None
    """The strike-day verdict over the two levers' effects, for the annex (the shipped one
    goes with the shipped robustness result)."""
    assumptions: Sequence[Assumption] = ()
    title: str = N_("Policy brief: more money for preventing or for resolving labour disputes")
    western_digits: bool = False
    """Keep 0-9 in a Khmer brief (by default it uses Khmer digits, as official documents do)."""


def _setup_sentence(page: BriefPage) -> str:
    levers = {lever: ", ".join(_(entry.label) for entry in items_on(page.base)
                               if entry in BOUGHT and entry.lever == lever)
              for lever in ("prevention", "resolution")}
    shares = "; ".join(
        _("{policy} puts {share} of it into prevention ({prevention}) and {rest} into "
          "resolution ({resolution})").format(
            policy=display_name(name) if i == 0 else in_sentence(name),
            share=format_as("percent", share), rest=format_as("percent", 1 - share),
            **levers)
        for i, (name, share) in enumerate(page.prevention_shares.items()))
    return _("Both policies start from today's system and get the same extra money, US$ "
             "{extra:,.0f} a year. {shares}.").format(extra=page.increment_usd_per_year,
                                                      shares=shares)


SOURCES = N_("Sources of the defaults: Labour Law (1997) and Trade Union Law (2016); Prakas "
             "073/25 and 074/25 on labour dispute resolution (2025) and Prakas 098/26 on the "
             "Arbitration Council (2026); the Arbitration Council's annual reports; the "
             "Ministry of Labour and Vocational Training's annual report 2023; Better "
             "Factories Cambodia's synthesis reports; press reports cited with each "
             "assumption above.")
"""Where the defaults come from, as publications and laws a reader can look up."""


def _footnotes(page: BriefPage) -> list[str]:
    s = page.settings
    return [_("How the numbers were made: each policy was simulated {runs} times over "
              "{years:g} years (random seed {seed}, so the same settings give the same "
              "numbers). In each run both policies faced the same grievances, so a "
              "difference is the policy, not chance. Brackets give 95% confidence "
              "intervals: the range the simulation's chance variation allows.").format(
                  runs=s.replications, years=s.years, seed=s.seed),
            _(SOURCES)]


def _recommendation_headline(page: BriefPage, subject: str) -> str:
    """The brief's headline: the policy the group recommends, in its name."""
    if page.recommended is None:
        return _("Recommendation: not yet chosen")
    group = page.group.strip()
    return (_("{group} recommends {policy}").format(group=group, policy=in_sentence(subject))
            if group else _("We recommend {policy}").format(policy=in_sentence(subject)))


class _Digits(HTMLParser):
    """Rewrites the digits of a page's text as Khmer digits, leaving markup, styles, scripts,
    figures' numbers in attributes and text marked ``class="stamp"`` as they are."""

    KEEP = ("style", "script")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.kept: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag in self.KEEP or ("class", "stamp") in attrs:
            self.kept.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        if self.kept and self.kept[-1] == tag:
            self.kept.pop()

    def handle_data(self, data):
        self.out.append(data if self.kept else khmer_digits(data))

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")


def khmer_digits_html(page: str) -> str:
    """An HTML page with Khmer digits in its text (see ``_Digits``)."""
    parser = _Digits()
    parser.feed(page)
    parser.close()
    return "".join(parser.out)


def policy_brief_html(comparison: Comparison, scenarios: Mapping[str, Scenario],
                      figures: Sequence[Figure], page: BriefPage) -> str:
    """The whole brief as one HTML string, in the language in use. Page 1: the group's
    recommendation as the headline, what the recommended policy (or the first) changes each
    year for the same money, what each policy buys, the caveats and how sure, in a sentence;
    page 2: the verdicts, the settings and how sure in full; annex: indicators, figures, the
    verdict map and the assumptions."""
    subject = page.recommended or comparison.names[0]
    comparison = seen_from(comparison, subject)
    kpi_header, kpi_rows = _kpi_table_parts(comparison, BRIEF_KPIS)
    purchases_header, purchase_rows, purchases_note = purchases_parts(
        page.base, scenarios, page.increment_usd_per_year)
    differences = comparison.differences()
    if page.robustness is not None:
        robustness = robustness_html(page.robustness, note=page.robustness_note,
                                     subject=subject)
        sure = robustness_sentence(page.robustness.seen_from(subject).summary())
    else:
        robustness = "<p>" + str(escape(_(
            "Not checked for these settings: the verdicts hold under the central assumptions "
            "only."))) + "</p>"
        sure = _("Not checked for these settings: the verdicts hold under the central "
                 "assumptions only.")
    other = next(n for n in comparison.names if n != subject)
    html = TEMPLATES.get_template("brief.html.j2").render(
        language=language(), title=_(page.title), group=page.group.strip(),
        date=date_words(page.made_at),
        recommended=_recommendation_headline(page, subject),
        recommendation=[[line.strip() for line in p.strip().splitlines()]
                        for p in page.recommendation.split("\n\n") if p.strip()],
        yearly_title=_("For the same extra US$ {extra:,.0f} a year: {policy} compared with "
                       "{reference}, each year").format(
            extra=page.increment_usd_per_year, policy=in_sentence(subject),
            reference=in_sentence(other)),
        yearly_header=[_("Indicator"), _("Difference a year"), _("95% CI")],
        yearly=yearly_differences(comparison), headline=headline(differences), sure=sure,
        warnings=overload_lines(comparison.overloaded()) + late_lines(comparison.late()),
        verdicts=verdict(differences), caveats_title=_("What this does and does not show"),
        caveats=[_(c) for c in CAVEATS], setup=_setup_sentence(page),
        changes_header=[_("Setting"), _("Today"), _("Used here")],
        changes=[(_(c.label), format_setting(c.style, c.today),
                  format_setting(c.style, c.chosen))
                 for c in page.changes],
        purchases_header=purchases_header, purchases=purchase_rows,
        purchases_note=purchases_note, robustness=Markup(robustness),
        kpi_header=kpi_header, kpi_rows=kpi_rows,
        figures=[Markup(figure_svg(f)) for f in figures],
        verdict_map=None if page.verdict_map is None else Markup(figure_svg(
            strike_day_verdict_map(page.verdict_map))),
        verdict_map_line="" if page.verdict_map is None else break_even_line(page.verdict_map),
        assumptions_header=[_(h) for h in ASSUMPTIONS_HEADER],
        assumptions=_assumption_rows(page.assumptions), footnotes=_footnotes(page),
        stamp=_("Made with {stamp}.").format(stamp=page.stamp or "labsim"))
    return html if language() != "km" or page.western_digits else khmer_digits_html(html)


def brief_file_name(group: str, made_at: datetime) -> str:
    """A file name for one export: 'policy_brief_<group>_<date>_<time>.html', the group's
    name cut to letters, digits and dashes (any script, Khmer too)."""
    text = unicodedata.normalize("NFC", group)
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNM" else "-" for ch in text)
    slug = re.sub(r"-+", "-", kept).strip("-")[:40].strip("-") or "group"
    return f"policy_brief_{slug}_{made_at:%Y-%m-%d_%H%M%S}.html"


def save_brief(folder: Path, name: str, page: str) -> Path:
    """Write ``page`` as ``folder / name``, or with '-2', '-3'... before the suffix when that
    name is taken: the name is claimed first (exclusive create), so two groups exporting in
    the same second never overwrite each other. Readable by every account on the laptop."""
    n = 1
    while True:
        path = folder / (name if n == 1 else f"{Path(name).stem}-{n}{Path(name).suffix}")
        try:
            with open(path, "x", encoding="utf-8"):
                break
        except FileExistsError:
            n += 1
    write_atomically(path, page)
    path.chmod(0o644)
    return path
