"""Plain-text rendering of KPI summaries, comparisons and verdicts (words from the catalog)."""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from collections.abc import Mapping, Sequence

import pandas as pd

from ..analysis.catalog import (
    BRIEF_KPIS,
    CATALOG,
    COST_KPIS,
    KEY_KPIS,
    RESOLVED_A_YEAR,
    RESOLVED_A_YEAR_LABEL,
    VERDICT_KPIS,
    YEARLY_KPIS,
    label_of,
    unit_of,
)
from ..analysis.kpis import t_interval
from ..analysis.robustness import MIN_WORLDS_FOR_DRIVERS
from ..analysis.verdict_map import VerdictMap
from ..experiments.calibration import Target
from ..experiments.comparison import Comparison
from ..i18n import N_, _, display_name, in_sentence, ngettext
from ..scenario.items import BOUGHT
from ..scenario.stages import staff_noun, stage_entry


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(name: str, value: float | None) -> str:
    """A KPI value as the catalog says to show it: 95%, 1,234, 12 days, US$ 1,081."""
    return format_as(CATALOG[name].format, value)


def format_as(style: str, value: float | None) -> str:
    """A number in one of the catalog's FORMATS (percent, count, days, usd, number)."""
    if _missing(value):
        return "-"
    if math.isinf(value):
        return "unbounded"
    if value == 0 or (style != "percent" and abs(value) < 0.05):
        value = 0.0  # never "-0" or "-0.0"
    if style == "percent":
        return f"{value * 100:.0f}%" if abs(value) >= 0.1 or value == 0 else (
            f"{value * 100:.1f}%")
    if style in ("count", "days", "number") and abs(value) < 10:
        return f"{value:.1f}"
    return f"{value:,.0f}".replace("-0", "0") if round(value) == 0 else f"{value:,.0f}"


def format_estimate(name: str, row: Mapping) -> tuple[str, str]:
    """The mean and its confidence interval as text; a curve that did not reach the
    quantile within the run reads "> N" (a lower bound) with no interval."""
    beyond = row.get("beyond_run")
    if not _missing(beyond) and beyond > 0:
        return f"> {format_value(name, row['mean'])}", _("(beyond the run)")
    if _missing(row["mean"]):
        return "-", _("(not measured: run too short)")
    if _missing(row["ci_low"]):
        return format_value(name, row["mean"]), _("(one replication: no CI)")
    low, high = row["ci_low"], row["ci_high"]  # summarise keeps them to possible values
    if low == high:
        return format_value(name, row["mean"]), _("(the same in every run)")
    return (format_value(name, row["mean"]),
            f"[{format_value(name, low)}, {format_value(name, high)}]")



COENG = "\u17d2"
"""Khmer's sign that puts the next consonant below the one before it (no column of its own)."""


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: combining marks (Khmer vowel signs included) and
    subscript consonants take none."""
    width, below = 0, False
    for ch in text:
        takes = not (below or ch == COENG or unicodedata.category(ch) in ("Mn", "Mc", "Me",
                                                                        "Cf"))
        width += takes
        below = ch == COENG
    return width


def _table(header: Sequence[str], rows: list[Sequence[str]], right: set[int]) -> str:
    width = [max(display_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def pad(cell: str, columns: int, to_right: bool) -> str:
        space = " " * (columns - display_width(cell))
        return space + cell if to_right else cell + space

    def line(cells: Sequence[str]) -> str:
        return "  ".join(pad(str(c), w, i in right)
                         for i, (c, w) in enumerate(zip(cells, width, strict=True))).rstrip()

    return "\n".join([line(header), "-" * (sum(width) + 2 * (len(width) - 1))]
                     + [line(r) for r in rows])


def format_summary(summary: pd.DataFrame, full: bool = False) -> str:
    """A fixed-width table: KPI, mean, 95% CI and unit, one line per KPI."""
    names = list(summary.index) if full else [k for k in KEY_KPIS if k in summary.index]
    rows = []
    for name in names:
        mean, ci = format_estimate(name, summary.loc[name])
        rows.append((label_of(name), mean, ci, unit_of(name)))
    return _table((_("KPI"), _("mean"), _("95% CI"), _("unit")), rows, right={1})


STAFFING_COLUMNS = (
    ("budget_level", N_("Budget level"), None),
    ("policy", N_("Policy"), None),
    (COST_KPIS[0], N_("Budget (US$ a year)"), "usd"),  # the yearly budget, as the KPI names it
    *((entry.column, entry.label, entry.style) for entry in BOUGHT),
    ("unspent_usd_per_year", N_("Left unspent (US$ a year)"), "usd"),
)
"""``policy.staffing_table``'s columns as a table shows them, and how each value reads."""


def format_setting(style: str, value: float) -> str:
    """A staffing or setting value as text: whole staff ("count"), percentages, dollars,
    '2.0 times'; '-' when there is none."""
    if pd.isna(value):
        return "-"
    if style == "count":
        return f"{round(value):,d}"
    if style == "times":
        return _("{factor:.1f} times").format(factor=value)
    return format_as(style, value)


def format_staffing(table: pd.DataFrame) -> str:
    """What each policy buys at each budget level, in plain words: whole staff, shares as
    percentages, policies by their display names."""
    columns = [c for c in STAFFING_COLUMNS if c[0] in table.columns]
    rows = [[display_name(str(r[name])) if style is None else format_setting(style, r[name])
             for name, _label, style in columns]
            for r in table.to_dict("records")]
    return _table([_(label) for _name, label, _style in columns], rows,
                  right=set(range(2, len(columns))))


def overload_lines(overloaded: Mapping[str, Mapping[str, str]]) -> list[str]:
    """One warning per overloaded stage, e.g. 'Warning: with resolution first, the labour
    inspectors cannot keep up: their backlog grows by ...'."""
    return [_("Warning: with {policy}, the {staff} cannot keep up: {reason}. Figures that "
              "depend on them describe a system that cannot keep up.").format(
                policy=in_sentence(name), staff=staff_noun(stage), reason=reason)
            for name, stages in overloaded.items() for stage, reason in stages.items()]


CORNER_COLUMNS = (("corner_a", N_("World favouring {first}")),
                  ("corner_b", N_("World favouring {second}")),
                  ("corner_a_staff_central", N_("Favouring {first}, staff central")),
                  ("corner_b_staff_central", N_("Favouring {second}, staff central")))
"""The corners table's columns (``experiments.corners``) and their words."""


def format_corners(table: pd.DataFrame, names: Sequence[str]) -> str:
    """The verdict KPIs' differences (``names[1]`` against ``names[0]``) in the two extreme
    worlds, with intervals: '+145% [+118%, +171%]', '+2.9 pts [+2.5, +3.4]'."""
    rows = [[label_of(r["kpi"])] + [
        _cell(r["scale"], r[c], r[f"{c}_low"], r[f"{c}_high"]) for c, _words in CORNER_COLUMNS]
        for r in table.to_dict("records")]
    first, second = (display_name(name) for name in names)
    return _table([_("Indicator"), *(_(words).format(first=first, second=second)
                                     for _c, words in CORNER_COLUMNS)], rows, right=set())


def break_even_line(m: VerdictMap) -> str:
    """The verdict map in one sentence: who wins at the central assumptions, and how small
    (or large) prevention's effect must be for the other side to win, resolution's effects
    central."""
    first, second = (in_sentence(name) for name in m.names)
    centre = m.at_centre()
    change = (_("{share} more").format(share=f"{centre:.0%}") if centre > 0 else
              _("{share} fewer").format(share=f"{-centre:.0%}"))
    said = _("In expected values at the central assumptions, {second} has {change} strike "
             "days than {first}.").format(second=second, first=first, change=change)
    line = [x for x, y in m.break_even() if abs(y - m.central[1]) < 1e-9]
    if not line:
        return said + " " + _("With resolution's effects central, no prevention effect in "
                              "its range reverses that.")
    words = (_("With resolution's effects central, {winner} has fewer where prevention "
               "officers can avert at most {share} of grievances (central: {central}).")
             if line[0] < m.central[0] else
             _("With resolution's effects central, {winner} has fewer where prevention "
               "officers can avert at least {share} of grievances (central: {central})."))
    return said + " " + words.format(winner=second if centre > 0 else first,
                                     share=f"{line[0]:.0%}", central=f"{m.central[0]:.0%}")


def late_lines(late: Mapping[str, Mapping[str, float]]) -> list[str]:
    """One note per stage whose own handling takes longer than its legal deadline (not a
    stage that cannot keep up: waiting is not the cause), e.g. 'Note: with today's system,
    the Arbitration Council misses its legal deadline for 30% of its cases even without
    waiting for staff: its own handling takes longer.'"""
    return [_("Note: with {policy}, {stage} misses its legal deadline for {share} of its "
              "cases even without waiting for staff: its own handling takes longer.").format(
                policy=in_sentence(name), stage=_(stage_entry(stage).in_sentence),
                share=format_as("percent", share))
            for name, stages in late.items() for stage, share in stages.items()]


def _directions(name: str) -> tuple[str, str]:
    """The words for up and down of a KPI: more/fewer cases, longer/shorter times."""
    style = CATALOG[name].format
    if style == "count" and not CATALOG[name].signed:
        return _("more"), _("fewer")
    if style == "days":
        return _("longer"), _("shorter")
    return _("higher"), _("lower")


def _percent(share: float) -> str:
    """A size of change in percent: 39%, 0.4%, less than 0.1% (never a bare 0%)."""
    percent = abs(share) * 100
    if percent >= 1:
        return f"{percent:,.0f}%"
    return f"{percent:.1f}%" if percent >= 0.05 else _("less than 0.1%")


def _points(share: float) -> str:
    points = abs(share) * 100  # one decimal below 10, as the intervals beside it show
    amount = f"{points:.1f}".removesuffix(".0") if points < 10 else f"{points:.0f}"
    if amount == "0":
        return _("less than 0.1 points")
    return (_("1 point") if amount == "1" else _("{amount} points").format(amount=amount))


def _absolute(r: Mapping) -> bool:
    """Whether a difference is shown in the KPI's unit (no reference level to divide by)."""
    return any(_missing(r[c]) or math.isinf(r[c])
               for c in ("relative", "relative_ci_low", "relative_ci_high"))


def _scale(name: str, r: Mapping) -> str:
    """How a KPI's difference is said: 'points' (shares), 'unit' (signed or no reference
    level) or 'relative' (percent of the reference)."""
    if CATALOG[name].format == "percent":
        return "points"
    return "unit" if CATALOG[name].signed or _absolute(r) else "relative"


def _size(name: str, scale: str, value: float) -> str:
    """The size of a difference without its direction: '39%', '1.1 points', '3.2 cases/year'."""
    if scale == "points":
        return _points(value)
    if scale == "relative":
        return _percent(value)
    return f"{format_value(name, abs(value))} {unit_of(name)}"


def _ends(name: str, r: Mapping) -> tuple[str, float, float, float]:
    """The scale of a difference, and its value and interval ends on that scale."""
    scale = _scale(name, r)
    relative = ("relative", "relative_ci_low", "relative_ci_high")
    if scale == "relative" and max(abs(float(r[c])) for c in relative) < 0.0005:
        scale = "unit"  # below 0.1%, the amount itself says more
    columns = relative if scale == "relative" else ("difference", "ci_low", "ci_high")
    return (scale, *(float(r[c]) for c in columns))


def _change(name: str, scale: str, value: float) -> str:
    """'39% more', '1.1 points lower', '3.2 cases/year higher'."""
    up, down = _directions(name)
    return _("{amount} {direction}").format(amount=_size(name, scale, value),
                                            direction=up if value > 0 else down)


def _interval_words(name: str, scale: str, low: float, high: float) -> str:
    """An interval in words: '14% to 63% more', '28% shorter to 3% longer'."""
    up, down = _directions(name)
    if low >= 0 or high <= 0:
        word = up if low >= 0 and high > 0 else down
        near, far = (_size(name, scale, v) for v in sorted((low, high), key=abs))
        if near == far:  # both ends round alike: show a decimal more
            near, far = (_finer(name, scale, v) for v in sorted((low, high), key=abs))
        if scale != "relative" and near[:1].isdigit():  # '0.9 to 1.2 points lower'
            near = near.split(" ")[0]
        return _("{near} to {far} {direction}").format(near=near, far=far, direction=word)
    return _("{low} {down} to {high} {up}").format(low=_size(name, scale, low), down=down,
                                                   high=_size(name, scale, high), up=up)


def _finer(name: str, scale: str, value: float) -> str:
    """A size with one more decimal, for interval ends that round to the same text."""
    if scale == "relative":
        return f"{abs(value) * 100:.1f}%"
    if scale == "points":
        return _("{amount} points").format(amount=f"{abs(value) * 100:.1f}")
    return f"{abs(value):,.1f} {unit_of(name)}"


def _cell_number(scale: str, value: float, finer: int = 0) -> str:
    if scale == "points":
        return _signed(value * 100, 1 + finer)
    if scale == "relative":
        return _signed(value * 100, (0 if abs(value) >= 0.005 else 1) + finer) + "%"
    return _signed(value, 1 + finer)


def _cell(scale: str, value: float, low: float, high: float) -> str:
    """'+39% [+14%, +63%]', '-2.5 pts [-2.7, -2.2]'; a decimal more when the ends round
    alike."""
    finer = int(_cell_number(scale, low) == _cell_number(scale, high))
    unit = " " + _("pts") if scale == "points" else ""
    if _cell_number(scale, low, finer) == _cell_number(scale, high, finer):
        same = _("the same in every run")
        return f"{_cell_number(scale, value, finer)}{unit} ({same})"
    return (f"{_cell_number(scale, value, finer)}{unit} [{_cell_number(scale, low, finer)}, "
            f"{_cell_number(scale, high, finer)}]")


def _same(name: str, r: Mapping) -> str | None:
    """'both are 100%' when every run gives both sides the same value, else None."""
    if r["difference"] == 0 and r["ci_low"] == 0 and r["ci_high"] == 0:
        mean = r.get("reference_mean")
        unit = "" if CATALOG[name].format == "percent" else f" {unit_of(name)}"
        return (_("no difference (both are {value})").format(
            value=format_value(name, mean) + unit) if not _missing(mean)
                else _("no difference in any run"))
    return None


def about_the_same(name: str, r: Mapping) -> bool:
    """Whether a clear difference is smaller than the least the catalog says matters for
    KPI ``name`` (``KPI.matters``): then it reads "about the same"."""
    if not r["clear"] or _missing(r["difference"]) or _missing(r["ci_low"]):
        return False
    scale, value, _low, _high = _ends(name, r)
    return scale in ("points", "relative") and abs(value) < CATALOG[name].matters


def _threshold(name: str) -> str:
    """The least difference that matters for KPI ``name``, in words: '5%', '2 points'."""
    matters = CATALOG[name].matters
    return _points(matters) if CATALOG[name].format == "percent" else _percent(matters)


def _said_of(name: str, r: Mapping) -> tuple[str, str]:
    """What can be said of one paired difference: (short text for a table cell, words for a
    verdict line, after the KPI's label). Never prints nan, -0 or a zero-width interval."""
    tag = "" if r["better"] is None else (_("better") if r["better"] else _("worse"))
    reference = in_sentence(r["reference"])
    policy = display_name(r["scenario"])
    if _missing(r["difference"]):
        return "-", _("{policy}: not measured (the run is too short for it)").format(
            policy=policy)
    if _missing(r["ci_low"]):
        return "-", _("{policy}: cannot tell (one replication gives no interval)").format(
            policy=policy)
    if r["beyond_run"] and not r["clear"]:
        return (_("beyond the run"), _("{policy} cannot be compared with {reference}: the "
                                       "time lies beyond the simulated period for at least "
                                       "one of them").format(policy=policy,
                                                             reference=reference))
    same = _same(name, r)
    if same is not None:
        return same, same
    scale, value, low, high = _ends(name, r)
    change = _change(name, scale, value)
    verb = _("has") if CATALOG[name].format == "count" and not CATALOG[name].signed else _("is")
    words = {"policy": policy, "verb": verb, "change": change, "reference": reference,
             "subject": in_sentence(r["scenario"])}
    if low == high:  # every run differs by the same amount (whole staff, fixed budgets)
        said = _("{policy} {verb} {change} than {reference} in every run").format(**words)
        return _("{change} in every run").format(change=change), said + (f"; {tag}" if tag
                                                                           else "")
    cell = _cell(scale, value, low, high)
    words["interval"] = _interval_words(name, scale, low, high)
    if not r["clear"]:
        return (cell + " (" + _("not clear") + ")",
                _("{policy} shows no clear difference from {reference} (95% CI "
                  "{interval})").format(**words))
    if about_the_same(name, r):
        return (cell + " (" + _("about the same") + ")",
                _("about the same: {subject} {verb} {change} than {reference} (95% CI "
                  "{interval}), less than the {threshold} that would matter").format(
                    threshold=_threshold(name), **words))
    if r["at_least"]:
        return (_("at least {cell}").format(cell=cell) + (f" {tag}" if tag else ""),
                _("{policy} {verb} at least {change} than {reference} (a time beyond the "
                  "simulated period)").format(**words) + (f"; {tag}" if tag else ""))
    return f"{cell} {tag}".rstrip(), _("{policy} {verb} {change} than {reference} (95% CI "
                                       "{interval}){tag}").format(
        tag=f"; {tag}" if tag else "", **words)


def seen_from(comparison: Comparison, subject: str | None) -> Comparison:
    """A comparison of two policies read from ``subject``'s side (the other becomes the
    reference), so every verdict line speaks of it; unchanged otherwise."""
    names = comparison.names
    if subject not in names or len(names) != 2 or comparison.reference != subject:
        return comparison
    return dataclasses.replace(comparison, reference=next(n for n in names if n != subject))


def _amount_words(up: str, down: str, value: float) -> str:
    """'42 fewer', '4.2 more', 'no difference'."""
    amount = format_as("count", abs(value))
    if amount in ("0", "0.0"):
        return _("no difference")
    return (up if value > 0 else down).format(amount=amount)


def yearly_differences(comparison: Comparison) -> list[tuple[str, str, str]]:
    """What the compared policy changes each year against the other, in whole numbers with
    their 95% intervals: strike days, strikes, grievances and grievances resolved within a
    year, e.g. ('Strike days per year', '42 fewer', '30 to 55 fewer')."""
    (name,) = [n for n in comparison.names if n != comparison.reference][:1]
    table, other = comparison.per_replication[name], comparison.per_replication[
        comparison.reference]
    wanted = [(label_of(k), table[k] - other[k]) for k in YEARLY_KPIS if k in table]
    share, count = RESOLVED_A_YEAR
    if {share, count} <= set(table.columns):
        resolved = [t[share] * t[count] for t in (table, other)]
        wanted.append((_(RESOLVED_A_YEAR_LABEL), resolved[0] - resolved[1]))
    up, down = _("{amount} more"), _("{amount} fewer")
    rows = []
    for label, differences in wanted:
        mean, low, high = t_interval(differences.to_numpy(dtype=float), comparison.level)
        if _missing(low):
            interval = _("(one replication: no CI)")
        elif (low >= 0) == (high >= 0) or low == 0 or high == 0:
            near, far = sorted((low, high), key=abs)
            interval = _("{near} to {far}").format(
                near=format_as("count", abs(near)),
                far=_amount_words(up, down, far if far else near))
        else:
            interval = _("{low} to {high}").format(low=_amount_words(up, down, low),
                                                   high=_amount_words(up, down, high))
        rows.append((label, _amount_words(up, down, mean), interval))
    return rows


def verdict(differences: pd.DataFrame, kpis: Sequence[str] = VERDICT_KPIS) -> list[str]:
    """Plain-language lines, the compared policy their subject, e.g. 'Strike days per year:
    Resolution first has 39% more than prevention first (95% CI 14% to 63% more); worse'.
    All hold under the central assumptions, which the headline above them says once."""
    lines = []
    for _name, rows in differences.groupby("scenario", sort=False):
        rows = rows.set_index("kpi")
        for k in kpis:
            if k in rows.index:
                lines.append(_("{kpi}: {said}").format(kpi=label_of(k),
                                                       said=_said_of(k, rows.loc[k])[1]))
    return lines


def judged(r: Mapping) -> bool | None:
    """Whether a verdict line calls the policy better (True), worse (False) or neither."""
    if r["better"] is None or (isinstance(r["better"], float) and math.isnan(r["better"])):
        return None
    return None if about_the_same(r["kpi"], r) else bool(r["better"])


FIRST_ESTIMATE = N_("First estimate from average flows, while both policies are simulated "
                    "(the simulation's answer replaces it):")


def first_estimate_lines(estimates: Mapping[str, Mapping[str, float]]) -> list[str]:
    """One line per figure of the policies' first estimates (``scenario.flows.first_estimate``),
    e.g. 'Strike days per year: prevention first about 89, resolution first about 105'."""
    names = list(estimates)
    kpis = list(estimates[names[0]]) if names else []
    return [_("{kpi}: {values}").format(kpi=label_of(k), values=", ".join(
        _("{policy} about {value}").format(policy=in_sentence(name),
                                           value=format_value(k, estimates[name][k]))
        for name in names)) for k in kpis]


def headline(differences: pd.DataFrame, kpis: Sequence[str] = VERDICT_KPIS) -> str:
    """One sentence above the verdict lines, from the compared policy's side: on how many
    indicators it is clearly better and worse than the other, under the central assumptions
    (said here once for every line below). A clear difference too small to matter
    (``about_the_same``) counts as neither."""
    rows = differences[differences["kpi"].isin(kpis)]
    if rows.empty:
        return _("Nothing was compared.")
    name, reference = rows["scenario"].iloc[0], rows["reference"].iloc[0]
    compared = rows[(rows["scenario"] == name)
                    & rows["kpi"].map(lambda k: CATALOG[k].better != "neither")]
    said = [judged(r) for r in compared.to_dict("records")]
    if (rows.loc[rows["scenario"] == name, ["difference", "ci_low", "ci_high"]] == 0
            ).all(axis=None):
        return _("The two policies give the same result on every indicator: they buy the "
                 "same.")
    return _("Under the central assumptions, {policy} is clearly better than {reference} on "
             "{better} of {total} indicators and clearly worse on {worse}; on {rest}, the two "
             "are about the same or not clearly different.").format(
        policy=in_sentence(name), reference=in_sentence(reference), total=len(compared),
        better=said.count(True), worse=said.count(False), rest=said.count(None))


def format_change(name: str, r: Mapping) -> str:
    """A paired difference as a table cell: '+39% [+14, +63] worse', '+0.4% [-1.2%, +2.0%]
    (not clear)' or 'no difference: both are 100%'."""
    return _said_of(name, r)[0]


def comparison_header(names: Sequence[str], reference: str | None) -> list[str]:
    """A comparison table's header: the indicator, each scenario, then each other scenario
    against the reference ('Resolution first against prevention first')."""
    return [_("Indicator"), *map(display_name, names)] + [
        _("{policy} against {reference}").format(policy=display_name(n),
                                                  reference=in_sentence(reference))
        for n in names if reference and n != reference]


def format_comparison(kpis: pd.DataFrame, differences: pd.DataFrame, full: bool = False) -> str:
    """Each scenario's mean [95% CI] side by side, then the paired difference to the reference."""
    names = list(dict.fromkeys(kpis["scenario"]))
    present = set(kpis["kpi"])
    wanted = list(dict.fromkeys(kpis["kpi"])) if full else [
        k for k in BRIEF_KPIS if k in present]
    cell = {}
    for r in kpis.to_dict("records"):
        mean, ci = format_estimate(r["kpi"], r)
        cell[(r["scenario"], r["kpi"])] = f"{mean} {ci}"
    change = {(r["scenario"], r["kpi"]): format_change(r["kpi"], r)
              for r in differences.to_dict("records")}
    reference = differences["reference"].iloc[0] if len(differences) else None
    others = [n for n in names if n != reference]
    header = comparison_header(names, reference)
    rows = [[f"{label_of(k)} ({unit_of(k)})"]
            + [cell.get((n, k), "-") for n in names]
            + [change.get((n, k), "-") for n in others if reference] for k in wanted]
    return _table(header, rows, right=set())


def _tolerance(name: str, tolerance: float) -> str:
    if CATALOG[name].format == "percent":
        return _points(tolerance)
    return format_value(name, tolerance)


def format_evidence(table: pd.DataFrame) -> str:
    """The evidence table: figure | observed | simulated [95% CI] | seeds' means | role |
    tolerance | within tolerance | reason for a miss; then how many held-out figures are
    within tolerance, and why each is held out."""
    rows = []
    for r in table.to_dict("records"):
        k = r["kpi"]
        rows.append((r["figure"], format_value(k, r["observed"]),
                     f"{format_value(k, r['simulated'])} [{format_value(k, r['ci_low'])}, "
                     f"{format_value(k, r['ci_high'])}]",
                     f"{format_value(k, r['seed_means_low'])} to "
                     f"{format_value(k, r['seed_means_high'])}",
                     r["role"], f"+/- {_tolerance(k, r['tolerance'])}", r["within_tolerance"],
                     r["expected_miss"]))
    lines = [_table(("figure", "observed", "simulated [95% CI]", "seeds' means", "role",
                     "tolerance", "within tolerance", "reason for a miss"), rows, right={1})]
    held = table[table["role"] == "held out"]
    counts = held["within_tolerance"].value_counts()
    lines.append(f"\n{len(held)} held-out figures meet the independence rule "
                 "(datasets/README.md); within tolerance: "
                 + ", ".join(f"{counts.get(w, 0)} {w}" for w in ("yes", "no", "unclear")))
    lines += [f"- {r['figure']}: {r['independence']}" for r in held.to_dict("records")]
    return "\n".join(lines)


def format_targets(summary: pd.DataFrame, targets: Sequence[Target]) -> list[str]:
    """Each figure of the record a scenario was fitted to, beside the simulated KPI."""
    lines = []
    for t in targets:
        s = summary.loc[t.kpi]
        lines.append(_("{kpi}: {mean} [{low}, {high}] {unit}; observed {observed} ({year}, "
                       "{source})").format(
            kpi=label_of(t.kpi), mean=format_value(t.kpi, s["mean"]),
            low=format_value(t.kpi, s["ci_low"]), high=format_value(t.kpi, s["ci_high"]),
            unit=unit_of(t.kpi), observed=format_value(t.kpi, t.observed), year=t.year,
            source=t.source))
    return lines


def _share_range(r: Mapping) -> str:
    """The middle 90% of the worlds' differences, in words: '3% to 47% more'."""
    name = r["kpi"]
    relative = not (CATALOG[name].format == "percent" or CATALOG[name].signed
                    or _missing(r["relative_p05"]))
    low, high = ((r["relative_p05"], r["relative_p95"]) if relative
                 else (r["difference_p05"], r["difference_p95"]))
    scale = "relative" if relative else (
        "points" if CATALOG[name].format == "percent" else "unit")
    if low == high == 0:
        return _("no difference")
    return _interval_words(name, scale, low, high)


def _signed(value: float, decimals: int) -> str:
    """+1.5, -3, 0 (never '-0')."""
    text = f"{value:+,.{decimals}f}"
    return text[1:] if float(text.replace(",", "")) == 0 else text


def _in_sentence(label: str) -> str:
    return label[:1].lower() + label[1:]


def format_number(value: float) -> str:
    """A plain number: thousands separators from 100 up, three significant digits below."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _worlds(n: int) -> str:
    return ngettext("{count} world", "{count} worlds", n).format(count=n)


def _assumption_words(label: object) -> str:
    """An assumption's label (as a robustness summary keeps it, in English) inside a
    sentence, in the language in use."""
    return _in_sentence(_(str(label)))


def assumption_value(value: float, label: str, path: str = "") -> str:
    """An assumption's value as read: a share (its label or its parameter's name says so)
    in percent, any other number plainly.

    >>> assumption_value(0.113, "Largest share of grievances officers can avert")
    '11%'
    """
    if "share" in path.rsplit(".", 1)[-1] or "share" in label.lower():
        return format_as("percent", value)
    return format_number(value)


def _turns_words(r: Mapping) -> str:
    """Whether, and where, the worlds turn the verdict found under the central assumptions,
    in one sentence (empty when there was no clear verdict to turn)."""
    if _missing(r["worlds_reversed"]):
        return ""
    reversed_, worlds = int(r["worlds_reversed"]), int(r["worlds"])
    if reversed_ == 0:
        return _("The verdict holds in every world.")
    label = _assumption_words(r["depends_most_on"])
    if _missing(r["break_even_value"]):
        return _("The verdict turns in {worlds}, spread over the range of {label}.").format(
            worlds=_worlds(reversed_), label=label)
    beyond, inside = int(r["worlds_beyond"]), int(r["worlds_reversed_beyond"])
    said = str(r["depends_most_on"])
    words = {"inside": inside, "beyond": beyond, "label": label,
             "value": assumption_value(r["break_even_value"], said),
             "low": assumption_value(r["range_low"], said),
             "high": assumption_value(r["range_high"], said),
             "outside": reversed_ - inside, "rest": worlds - beyond}
    return (_("The verdict turns in {inside} of the {beyond} worlds where {label} is below "
              "{value} (its range: {low} to {high}), and in {outside} of the other {rest}.")
            if r["flips_when"] == "below" else
            _("The verdict turns in {inside} of the {beyond} worlds where {label} is above "
              "{value} (its range: {low} to {high}), and in {outside} of the other {rest}.")
            ).format(**words)


def robustness_lines(summary: pd.DataFrame, kpis: Sequence[str] = VERDICT_KPIS) -> list[str]:
    """How sure each verdict is, in plain words, the compared policy the subject: e.g.
    'Strike days per year: prevention first is better in 61 of 64 plausible worlds and
    worse in 3; in the middle 90% of them, 3% to 47% fewer. It depends most on ...'."""
    lines = []
    for r in summary.to_dict("records"):
        if r["kpi"] not in kpis:
            continue
        if not r["worlds"]:
            lines.append(_("{kpi}: not measured (the run is too short for it).").format(
                kpi=label_of(r["kpi"])))
            continue
        text = _("{kpi}: {policy} is better in {better} of {worlds} plausible worlds and "
                 "worse in {worse}; in the middle 90% of them, {range}.").format(
            kpi=label_of(r["kpi"]), policy=in_sentence(r["policy"]), worlds=r["worlds"],
            better=r["worlds_policy_better"], worse=r["worlds_reference_better"],
            range=_share_range(r))
        if r["worlds"] < MIN_WORLDS_FOR_DRIVERS:
            text += " " + _("With only {worlds}, too few to say which assumption drives "
                            "it.").format(worlds=_worlds(r["worlds"]))
        elif r["depends_most_on"]:
            text += " " + _("It depends most on {label}.").format(
                label=_assumption_words(r["depends_most_on"]))
        else:
            text += " " + _("No single assumption clearly drives it.")
        lines.append(" ".join(part for part in (text, _turns_words(r)) if part))
    return lines


def robustness_sentence(summary: pd.DataFrame, kpis: Sequence[str] = VERDICT_KPIS) -> str:
    """The "How sure are we?" panel (and the brief) in one plain sentence: in how many
    plausible worlds the compared policy does better on the first verdict KPI measured."""
    rows = summary[summary["kpi"].isin(kpis) & (summary["worlds"] > 0)]
    if rows.empty:
        return _("The plausible worlds measured none of the verdict's indicators.")
    r = rows.set_index("kpi").loc[[k for k in kpis if k in set(rows["kpi"])][0]]
    return _("In {better} of {worlds} plausible worlds (each a different guess at what nobody "
             "has measured), {policy} does better than {reference} on {what}; in {worse}, "
             "worse.").format(
        better=r["worlds_policy_better"], worlds=r["worlds"], worse=r["worlds_reference_better"],
        policy=in_sentence(r["policy"]), reference=in_sentence(r["reference"]),
        what=_in_sentence(label_of(r.name)))


def _central_words(r: Mapping) -> str:
    if _missing(r["central_difference"]):
        return _("not measured")
    if r["central_difference"] == 0:
        return _("no difference")
    name = r["kpi"]
    scale = _scale(name, {"relative": r["central_relative"], "relative_ci_low": 0.0,
                          "relative_ci_high": 0.0})
    value = r["central_relative"] if scale == "relative" else r["central_difference"]
    change = _change(name, scale, value)
    if not r["central_clear"]:
        return change + " (" + _("not clear") + ")"
    small = scale in ("points", "relative") and abs(value) < CATALOG[name].matters
    return change + " (" + _("about the same") + ")" if small else change


def format_robustness(summary: pd.DataFrame, kpis: Sequence[str] = VERDICT_KPIS) -> str:
    """A table: KPI | compared | under the central assumptions | middle 90% of worlds |
    better in | worse in | depends most on."""
    header, rows = format_robustness_rows(summary, kpis)
    return _table(header, rows, right=set())


def format_robustness_rows(summary: pd.DataFrame, kpis: Sequence[str] = VERDICT_KPIS,
                           ) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The robustness table's header and rows as text, for plain text and HTML alike."""
    several = summary["policy"].nunique() > 1 if len(summary) else False
    rows = []
    for r in summary.to_dict("records"):
        if r["kpi"] not in kpis:
            continue
        measured = bool(r["worlds"])
        compared = (_("{policy} against {reference}").format(
            policy=display_name(r["policy"]), reference=in_sentence(r["reference"])),
        ) if several else ()
        rows.append((label_of(r["kpi"]), *compared,
                     _central_words(r), _share_range(r) if measured else "-",
                     _("{count} of {worlds}").format(count=r["worlds_policy_better"],
                                                     worlds=r["worlds"]) if measured else "-",
                     _("{count} of {worlds}").format(count=r["worlds_reference_better"],
                                                     worlds=r["worlds"]) if measured else "-",
                     _(str(r["depends_most_on"])) if r["depends_most_on"] else "-"))
    if several:
        return ((_("Indicator"), _("compared"), _("under the central assumptions"),
                 _("middle 90% of worlds"), _("better in"), _("worse in"),
                 _("depends most on")), rows)
    first = summary.iloc[0] if len(summary) else {"policy": "policy", "reference": "reference"}
    return ((_("Indicator"), _("under the central assumptions"), _("middle 90% of worlds"),
             _("{policy} better than {reference} in").format(
                 policy=display_name(first["policy"]), reference=in_sentence(first["reference"])),
             _("worse in"), _("depends most on")), rows)


def format_identifiability(profile: pd.DataFrame) -> str:
    """The profile table: parameter | searched | value | consistent with the record | verdict."""
    rows = [(r["parameter"], f"{format_number(r['low'])} to {format_number(r['high'])}",
             format_number(r["value"]),
             "-" if _missing(r["consistent_low"]) else
             f"{format_number(r['consistent_low'])} to {format_number(r['consistent_high'])}",
             r["verdict"]) for r in profile.to_dict("records")]
    return _table(("parameter", "range", "value", "consistent with the record", "verdict"),
                  rows, right=set())
