"""Plain-text rendering of KPI summaries, comparisons and verdicts (words from the catalog)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from .catalog import BRIEF_KPIS, CATALOG, KEY_KPIS, SHORT_STAGE_LABELS, VERDICT_KPIS, kpi
from .robustness import MIN_WORLDS_FOR_DRIVERS


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
    if style == "percent":
        return f"{value * 100:.0f}%" if abs(value) >= 0.1 or value == 0 else (
            f"{value * 100:.1f}%")
    if style in ("count", "days", "number") and abs(value) < 10:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def format_estimate(name: str, row: Mapping) -> tuple[str, str]:
    """The mean and its confidence interval as text; a curve that did not reach the
    quantile within the run reads "> N" (a lower bound) with no interval."""
    beyond = row.get("beyond_run")
    if not _missing(beyond) and beyond > 0:
        return f"> {format_value(name, row['mean'])}", "(beyond the run)"
    if _missing(row["mean"]):
        return "-", "(not measured: run too short)"
    if _missing(row["ci_low"]):
        return format_value(name, row["mean"]), "(one replication: no CI)"
    return (format_value(name, row["mean"]),
            f"[{format_value(name, row['ci_low'])}, {format_value(name, row['ci_high'])}]")


def _table(header: Sequence[str], rows: list[Sequence[str]], right: set[int]) -> str:
    width = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, width, strict=True))).rstrip()

    return "\n".join([line(header), "-" * (sum(width) + 2 * (len(width) - 1))]
                     + [line(r) for r in rows])


def format_summary(summary: pd.DataFrame, full: bool = False) -> str:
    """A fixed-width table: KPI, mean, 95% CI and unit, one line per KPI."""
    names = list(summary.index) if full else [k for k in KEY_KPIS if k in summary.index]
    rows = []
    for name in names:
        mean, ci = format_estimate(name, summary.loc[name])
        rows.append((CATALOG[name].label, mean, ci, CATALOG[name].unit))
    return _table(("KPI", "mean", "95% CI", "unit"), rows, right={1})


def overload_lines(overloaded: Mapping[str, Mapping[str, str]]) -> list[str]:
    """One warning per overloaded stage: '<scenario>: <stage> is overloaded: <reason>'."""
    return [f"WARNING {name}: {SHORT_STAGE_LABELS[stage]} overloaded: {reason}; its "
            "figures describe a system that cannot keep up"
            for name, stages in overloaded.items() for stage, reason in stages.items()]


_CHANGE_WORDS = {"count": ("more", "fewer"), "days": ("longer", "shorter")}


def _points(share: float) -> str:
    points = abs(share) * 100  # one decimal below 10, as the intervals beside it show
    amount = f"{points:.1f}".removesuffix(".0") if points < 10 else f"{points:.0f}"
    return f"{amount} point{'' if amount == '1' else 's'}"


def _change(name: str, difference: float, relative: float) -> str:
    entry = CATALOG[name]
    more = difference > 0
    if entry.format == "percent":
        return f"{_points(difference)} {'higher' if more else 'lower'}"
    if entry.signed or _missing(relative) or math.isinf(relative):
        return f"{abs(difference):,.1f} {entry.unit} {'higher' if more else 'lower'}"
    up, down = _CHANGE_WORDS.get(entry.format, ("higher", "lower"))
    return f"{abs(relative) * 100:.0f}% {up if more else down}"


def _absolute(r: Mapping) -> bool:
    """Whether a difference is shown in the KPI's unit (no reference level to divide by)."""
    return _missing(r["relative"]) or math.isinf(r["relative"])


def _interval(name: str, r: Mapping) -> str:
    if CATALOG[name].format == "percent":
        return f"{r['ci_low'] * 100:+.1f} to {r['ci_high'] * 100:+.1f} points"
    if CATALOG[name].signed or _absolute(r):
        return f"{r['ci_low']:+,.1f} to {r['ci_high']:+,.1f} {CATALOG[name].unit}"
    return f"{r['relative_ci_low'] * 100:+.0f}% to {r['relative_ci_high'] * 100:+.0f}%"


def _said_of(name: str, r: Mapping) -> tuple[str, str]:
    """What can be said of one paired difference: (short text for a table cell, words for a
    verdict line). Never prints nan; a difference beyond the run is said as a lower bound."""
    tag = "" if r["better"] is None else (" better" if r["better"] else " worse")
    if _missing(r["difference"]):
        return "-", "not measured (the run is too short for it)"
    if _missing(r["ci_low"]):
        return "-", "cannot tell (one replication gives no interval)"
    if r["beyond_run"] and not r["clear"]:
        return ("beyond the run", "cannot compare: the time lies beyond the simulated period "
                "for at least one of them")
    if CATALOG[name].format == "percent":
        cell = (f"{r['difference'] * 100:+.1f} pts [{r['ci_low'] * 100:+.1f}, "
                f"{r['ci_high'] * 100:+.1f}]")
    elif CATALOG[name].signed or _absolute(r):
        cell = f"{r['difference']:+,.1f} [{r['ci_low']:+,.1f}, {r['ci_high']:+,.1f}]"
    else:
        cell = (f"{r['relative'] * 100:+.0f}% [{r['relative_ci_low'] * 100:+.0f}, "
                f"{r['relative_ci_high'] * 100:+.0f}]")
    if not r["clear"]:
        return cell + " (not clear)", f"no clear difference (95% CI {_interval(name, r)})"
    change = _change(name, r["difference"], r["relative"])
    if r["at_least"]:
        return (f"at least {cell}{tag}", f"at least {change}: longer than the simulated period "
                f"shows{';' if tag else ''}{tag}")
    return cell + tag, f"{change} (95% CI {_interval(name, r)}{';' if tag else ''}{tag})"


CENTRAL = "under the central assumptions"
"""Every verdict's condition: its interval reflects simulation noise, not the assumptions."""


def verdict(differences: pd.DataFrame, kpis: Sequence[str] = VERDICT_KPIS) -> list[str]:
    """Plain-language lines, e.g. 'resolution_first vs prevention_first: Strike days per year:
    39% more (95% CI +14% to +63%; worse), under the central assumptions'."""
    lines = []
    for name, rows in differences.groupby("scenario", sort=False):
        rows = rows.set_index("kpi")
        for k in kpis:
            if k in rows.index:
                r = rows.loc[k]
                measured = not (_missing(r["difference"]) or _missing(r["ci_low"]))
                lines.append(f"{name} vs {r['reference']}: {kpi(k).label}: "
                             f"{_said_of(k, r)[1]}{f', {CENTRAL}' if measured else ''}")
    return lines


def format_change(name: str, r: Mapping) -> str:
    """A paired difference as a table cell: '+39% [+14, +63] worse' or '(not clear)'."""
    return _said_of(name, r)[0]


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
    header = ["KPI", *names] + [f"{n} vs {reference}" for n in others if reference]
    rows = [[f"{CATALOG[k].label} ({CATALOG[k].unit})"]
            + [cell.get((n, k), "-") for n in names]
            + [change.get((n, k), "-") for n in others if reference] for k in wanted]
    return _table(header, rows, right=set())


def _tolerance(name: str, tolerance: float) -> str:
    if CATALOG[name].format == "percent":
        return _points(tolerance)
    return format_value(name, tolerance)


def format_evidence(table: pd.DataFrame) -> str:
    """The evidence table: figure | observed | simulated [95% CI] | used in fitting |
    tolerance | within tolerance | expected miss (reason)."""
    rows = []
    for r in table.to_dict("records"):
        k = r["kpi"]
        within = ("yes" if r["within_tolerance"] else "no, expected" if r["expected_miss"]
                  else "no" if r["used_in_fit"] else "NO")
        rows.append((r["figure"], format_value(k, r["observed"]),
                     f"{format_value(k, r['simulated'])} [{format_value(k, r['ci_low'])}, "
                     f"{format_value(k, r['ci_high'])}]",
                     "yes" if r["used_in_fit"] else "held out",
                     f"+/- {_tolerance(k, r['tolerance'])}", within, r["expected_miss"]))
    return _table(("figure", "observed", "simulated [95% CI]", "used in fitting", "tolerance",
                   "within tolerance", "expected miss (reason)"), rows, right={1})


def _share_range(r: Mapping) -> str:
    """The middle 90% of the worlds' differences, as the verdict lines show them."""
    name = r["kpi"]
    if CATALOG[name].format == "percent":
        low, high = r["difference_p05"] * 100, r["difference_p95"] * 100
        return f"{_signed(low, 1)} to {_signed(high, 1)} points"
    if CATALOG[name].signed or _missing(r["relative_p05"]):
        return (f"{_signed(r['difference_p05'], 1)} to {_signed(r['difference_p95'], 1)} "
                f"{CATALOG[name].unit}")
    return f"{_signed(r['relative_p05'] * 100, 0)}% to {_signed(r['relative_p95'] * 100, 0)}%"


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
    return f"{n} world{'' if n == 1 else 's'}"


def _flip_words(r: Mapping) -> str:
    """Whether, and where, the worlds reverse the central verdict."""
    if _missing(r["worlds_reversed"]):
        return ""
    reversed_, worlds = int(r["worlds_reversed"]), int(r["worlds"])
    if reversed_ == 0:
        return "; the central verdict holds in every world"
    label = _in_sentence(str(r["depends_most_on"]))
    if _missing(r["break_even_value"]):
        return (f"; the central verdict reverses in {_worlds(reversed_)}, not gathered at "
                f"either end of {label}")
    beyond, inside = int(r["worlds_beyond"]), int(r["worlds_reversed_beyond"])
    return (f"; the central verdict reverses in {inside} of the {_worlds(beyond)} where {label} "
            f"is {r['flips_when']} {format_number(r['break_even_value'])} (range "
            f"{format_number(r['range_low'])} to {format_number(r['range_high'])}), and in "
            f"{reversed_ - inside} of the other {worlds - beyond}")


def robustness_lines(summary: pd.DataFrame, kpis: Sequence[str] = VERDICT_KPIS,
                     counts_reliable: bool = True) -> list[str]:
    """How sure each verdict is, in words: e.g. 'Strike days per year (resolution_first vs
    prevention_first): across 64 plausible worlds it is better in 9 and worse in 55 ...'."""
    lines = []
    for r in summary.to_dict("records"):
        if r["kpi"] not in kpis:
            continue
        head = f"{CATALOG[r['kpi']].label} ({r['policy']} vs {r['reference']})"
        if not r["worlds"]:
            lines.append(f"{head}: not measured (the run is too short for it).")
            continue
        text = (f"{head}: across {r['worlds']} plausible worlds it is better in "
                f"{r['worlds_policy_better']} and worse in {r['worlds_reference_better']}")
        if counts_reliable:
            text += (f" (clearly better in {r['worlds_clearly_policy_better']:.0f}, clearly "
                     f"worse in {r['worlds_clearly_reference_better']:.0f}, not clearly "
                     f"different in {r['worlds_not_clear']:.0f})")
        text += f"; the middle 90% of worlds: {_share_range(r)}"
        if r["worlds"] < MIN_WORLDS_FOR_DRIVERS:
            text += (f"; with only {_worlds(r['worlds'])}, too few to say which assumption "
                     "drives it")
        elif r["depends_most_on"]:
            text += f"; it depends most on {_in_sentence(str(r['depends_most_on']))}"
        else:
            text += "; no single assumption clearly drives it"
        lines.append(f"{text}{_flip_words(r)}.")
    return lines


def _central_words(r: Mapping) -> str:
    if _missing(r["central_difference"]):
        return "not measured"
    if r["central_difference"] == 0:
        return "no difference"
    change = _change(r["kpi"], r["central_difference"], r["central_relative"])
    return change if r["central_clear"] else f"{change} (not clear)"


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
        compared = (f"{r['policy']} vs {r['reference']}",) if several else ()
        rows.append((CATALOG[r["kpi"]].label, *compared,
                     _central_words(r), _share_range(r) if measured else "-",
                     f"{r['worlds_policy_better']} of {r['worlds']}" if measured else "-",
                     f"{r['worlds_reference_better']} of {r['worlds']}" if measured else "-",
                     str(r["depends_most_on"]) or "-"))
    if several:
        return (("KPI", "compared", "central assumptions", "middle 90% of worlds",
                 "better in", "worse in", "depends most on"), rows)
    first = summary.iloc[0] if len(summary) else {"policy": "policy", "reference": "reference"}
    return (("KPI", "central assumptions", "middle 90% of worlds",
             f"{first['policy']} better than {first['reference']} in", "worse in",
             "depends most on"), rows)


def format_identifiability(profile: pd.DataFrame) -> str:
    """The profile table: parameter | searched | value | consistent with the record | verdict."""
    rows = [(r["parameter"], f"{format_number(r['low'])} to {format_number(r['high'])}",
             format_number(r["value"]),
             "-" if _missing(r["consistent_low"]) else
             f"{format_number(r['consistent_low'])} to {format_number(r['consistent_high'])}",
             r["verdict"]) for r in profile.to_dict("records")]
    return _table(("parameter", "range", "value", "consistent with the record", "verdict"),
                  rows, right=set())
