"""Plots: each function takes results and returns a matplotlib Figure with labelled axes.

Colours come from one palette that people with any colour vision tell apart; where a colour
says better or worse, a pattern or a word says it too. Names are the participants' words.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import permutations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path
from matplotlib.textpath import text_to_path
from matplotlib.ticker import PercentFormatter, StrMethodFormatter

from ..analysis.catalog import (
    CATALOG,
    COST_KPIS,
    PLOT_KPIS,
    label_of,
    short_label_of,
    unit_of,
)
from ..analysis.kpis import outcome_curve, outcome_day, overloaded_stages, stage_entry_exit
from ..analysis.results import Results
from ..analysis.verdict_map import VerdictMap
from ..experiments.calibration import CalibrationResult
from ..experiments.comparison import Comparison
from ..experiments.search import StaffingResult
from ..i18n import N_, _, display_name
from ..scenario.stages import STAFFED_STAGES, STAGES, active_stages, stage_entry, stage_kpi
from .shaping import use_khmer_font_in_figures

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442",
             "#999999")
"""Every colour the plots use (Okabe and Ito's palette: blue, orange, bluish green,
vermillion, sky blue, reddish purple, yellow, grey), told apart with any colour vision."""
BLUE, ORANGE, GREEN, VERMILLION, GREY = (OKABE_ITO[i] for i in (0, 1, 2, 3, 7))
STATUS_COLOURS = {"resolved": GREEN, "dropped": ORANGE, "unresolved": VERMILLION, "open": GREY}
STATUS_HATCHES = {"resolved": "", "dropped": "..", "unresolved": "//", "open": "xx"}
"""The second cue of a status in bar charts, for those who cannot tell its colour."""
STATUS_WORDS = {"resolved": N_("resolved"), "dropped": N_("dropped"),
                "unresolved": N_("unresolved"), "open": N_("still open")}
"""How a final status reads (through ``_()``)."""
KIND_WORDS = {"individual": N_("individual"), "collective": N_("collective")}
"""A dispute's kind inside a phrase (through ``_()``)."""
use_khmer_font_in_figures()  # Khmer text measured right; the browser shapes it (shaping.py)


def _fitted(text: str, width_in: float, size_pt: float = 12) -> str:
    """``text`` wrapped into lines no wider than ``width_in`` inches, so no title is cut off."""
    return textwrap.fill(text, max(16, int(width_in * 72 / (0.6 * size_pt))))


def _axes(height: float = 4.2) -> tuple[Figure, Axes]:
    """A figure 8 inches wide with one axes, its colours cycling through the palette."""
    fig = Figure(figsize=(8, height), layout="constrained")
    ax = fig.subplots()
    ax.set_prop_cycle(color=OKABE_ITO)
    return fig, ax


def _title(ax: Axes, text: str) -> None:
    """A title wrapped to the figure's width (less room for the y-axis labels)."""
    ax.set_title(_fitted(text, ax.figure.get_figwidth() - 1.2))


def _stage(name: str, short: bool = False) -> str:
    """A stage in plain words: 'Court', 'Collective conciliation (ministry)'."""
    entry = stage_entry(name)
    return _(entry.short_label if short else entry.label)


def _parameter(path: str) -> str:
    """A dotted parameter path in plain words: 'arbitration.arbitrators' -> 'Arbitration:
    arbitrators'."""
    section, _dot, name = path.rpartition(".")
    if not section:
        return display_name(name)
    return _("{section}: {name}").format(section=display_name(section.replace(".", " ")),
                                         name=name.replace("_", " "))


def _counted(results: Results) -> tuple[pd.DataFrame, float]:
    """Cases arriving after warm-up, and the replication-years they span."""
    start, end = results.window
    counted = results.cases[results.cases["arrival_day"] >= start]
    return counted, (end - start) / 365.0 * results.replications


def backlog_over_time(results: Results) -> Figure:
    """Open cases in each formal stage by day: mean over replications with a 5-95% band."""
    fig, ax = _axes()
    backlog = results.backlog
    for stage, colour in zip(active_stages(results.scenario)[1:], OKABE_ITO, strict=False):
        by_day = backlog.groupby("day")[stage]
        days = by_day.mean().index.to_numpy() / 365.0
        ax.plot(days, by_day.mean().to_numpy(), color=colour, label=_stage(stage))
        ax.fill_between(days, by_day.quantile(0.05).to_numpy(), by_day.quantile(0.95).to_numpy(),
                        color=colour, alpha=0.2)
    ax.set_xlabel(_("Time since start of run (years)"))
    ax.set_ylabel(_("Open cases in stage (cases)"))
    _title(ax, _("Backlog by stage: {scenario} ({runs} runs, band = 5-95%)").format(
        scenario=display_name(results.scenario.name), runs=results.replications))
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return fig


def where_cases_end(results: Results) -> Figure:
    """Cases per year ending at each stage, split by resolved, dropped, unresolved, open."""
    counted, years = _counted(results)
    stages = list(active_stages(results.scenario))
    table = (counted.groupby(["stage", "status"], observed=False).size().unstack("status")
             .reindex(index=stages, columns=list(STATUS_COLOURS), fill_value=0) / years)
    fig, ax = _axes()
    left = np.zeros(len(table))
    labels = [_stage(s) for s in table.index]
    for status, colour in STATUS_COLOURS.items():
        ax.barh(labels, table[status].to_numpy(), left=left, color=colour, edgecolor="white",
                hatch=STATUS_HATCHES[status], label=_(STATUS_WORDS[status]))
        left += table[status].to_numpy()
    ax.invert_yaxis()
    ax.set_xlabel(_("Cases per year (mean over runs)"))
    _title(ax, _("Where cases end: {scenario}").format(
        scenario=display_name(results.scenario.name)))
    ax.legend(title=_("Status"), fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    return fig


def _curve_of(cases: pd.DataFrame, origin: pd.Series, window: tuple[float, float],
              ) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier curve pooled over replications (they share the window)."""
    inside = ((origin >= window[0]) & (origin < window[1])).to_numpy()
    return outcome_curve(origin.to_numpy()[inside], outcome_day(cases)[inside], window[1])




def time_to_outcome(results: Results) -> Figure:
    """Share of grievances with an outcome by each number of days, individual vs collective;
    cases still open are counted (censored), so an overloaded stage shows as a flat curve."""
    fig, ax = _axes()
    cases = results.cases
    for kind in ("individual", "collective"):
        origin = cases["arrival_day"].where(cases["kind"] == kind)
        days, share = _curve_of(cases, origin, results.window)
        ax.step(days, share, where="post", label=_("{kind} grievances").format(
            kind=_(KIND_WORDS[kind])))
    ax.set_xscale("symlog", linthresh=30)
    ax.set_ylim(0, 1)
    ax.set_xlabel(_("Days since the grievance (calendar days; log scale beyond 30)"))
    ax.set_ylabel(_("Share with an outcome (Kaplan-Meier)"))
    _title(ax, _("How soon grievances end: {scenario}").format(
        scenario=display_name(results.scenario.name)))
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def case_flows(results: Results) -> pd.DataFrame:
    """Cases per year moving between stages and into final statuses (source, target, cases)."""
    counted, years = _counted(results)
    stages = active_stages(results.scenario)
    entered = pd.DataFrame({s: ~np.isnan(stage_entry_exit(counted, s)[0]) for s in stages},
                           index=counted.index)
    flows: dict[tuple[str, str], int] = {}
    previous = pd.Series("", index=counted.index)
    for stage in stages:
        here = entered[stage]
        for source, n in previous[here & (previous != "")].value_counts().items():
            flows[(source, stage)] = flows.get((source, stage), 0) + int(n)
        previous = previous.where(~here, stage)
    for (source, status), n in pd.DataFrame({"s": previous, "t": counted["status"].astype(str)}
                                             ).value_counts().items():
        flows[(source, status)] = flows.get((source, status), 0) + int(n)
    return pd.DataFrame([(s, t, n / years) for (s, t), n in flows.items()],
                        columns=["source", "target", "cases_per_year"])


# The flow diagram is laid out in inches (a data unit is an inch, y points down), so text in
# points, arrow widths and gaps add up exactly and no label lands on an arrow by chance.
_PT = 1 / 72
_NAME_PT, _COUNT_PT, _STATUS_PT, _ARROW_PT, _NOTE_PT, _TITLE_PT = 10, 10, 9, 9, 9, 12
_LINE_SPACING = 1.45
_PAD = 0.1
_MARGIN = 0.25
_BAND_GAP = 0.35
_MARKER, _MARKER_ROOM = 7 * _PT, 11 * _PT
_HEAD, _LABEL_GAP = 9 * _PT, 3 * _PT
_WIDEST_PT, _THINNEST_PT = 8.0, 1.2
_IN_PITCH, _OUT_PITCH, _TURN_PITCH, _CHANNEL = 17 * _PT, 12 * _PT, 12 * _PT, 0.08
_BAND_OF_STAGE = {entry.name: entry.diagram_row for entry in STAGES
                  if entry.diagram_row is not None}
"""Rows of the flow diagram, top down (the stage registry's): an arrow skipping a column
runs where no box is. The court sits level with its highest source, the workplace beside the
middle of its stages."""


@dataclass(frozen=True)
class _Line:
    """One line of words in a stage's box; a final status has a marker of its colour."""

    text: str
    size: float
    bold: bool = False
    status: str | None = None
    gid: str | None = None

    @property
    def height(self) -> float:
        return self.size * _LINE_SPACING * _PT

    @property
    def width(self) -> float:
        return _text_width(self.text, self.size, self.bold) + (_MARKER_ROOM if self.status else 0)


@dataclass
class _Box:
    """A stage's box: its lines and where it sits (inches from the top left)."""

    stage: str
    lines: list[_Line]
    column: int = 0
    left: float = 0.0
    top: float = 0.0
    width: float = 0.0
    height: float = 0.0

    @property
    def middle(self) -> float:
        return self.top + self.height / 2

    @property
    def right(self) -> float:
        return self.left + self.width


@dataclass
class _Move:
    """Cases a year from one stage to another, and the route of their arrow: out of the source
    at height ``leaves``, down or up at ``turn`` (in the gap before the target's column), into
    the target at height ``arrives``."""

    source: str
    target: str
    cases: float
    leaves: float = 0.0
    turn: float = 0.0
    arrives: float = 0.0


KHMER_ROOM = 1.15
"""Khmer text is drawn by the browser, in whichever Khmer font it has (Khmer OS is wider than
the Noto Sans Khmer it is measured with): room to spare for it."""


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in inches of one line of text as matplotlib draws it (Khmer with room)."""
    font = FontProperties(size=size, weight="bold" if bold else "normal")
    room = KHMER_ROOM if any("\u1780" <= ch <= "\u17ff" for ch in text) else 1.0
    return text_to_path.get_text_width_height_descent(text, font, ismath=False)[0] * _PT * room


def _whole(cases: float) -> str:
    """Cases a year as a participant reads them: '1,114'; '<1' rather than '0'."""
    return f"{cases:,.0f}" if round(cases) >= 1 else _("<1")


def _box_lines(stage: str, flows: pd.DataFrame) -> list[_Line]:
    """A box's words: the stage, the cases a year reaching it, and those ending there by status."""
    out = flows[flows["source"] == stage].groupby("target")["cases_per_year"].sum()
    reaching = _("1 case a year") if round(out.sum()) == 1 else _("{count} cases a year")
    return [_Line(_stage(stage, short=True), _NAME_PT, bold=True),
            _Line(reaching.format(count=_whole(out.sum())), _COUNT_PT, gid=f"{stage}-count"),
            *[_Line(_("{count} {status}").format(count=_whole(out[status]),
                                                 status=_(STATUS_WORDS[status])),
                    _STATUS_PT, status=status)
              for status in STATUS_COLOURS if round(out.get(status, 0)) >= 1]]


def _set_columns(boxes: dict[str, _Box], moves: list[_Move]) -> None:
    """A stage's column: one right of the furthest stage sending it cases (cases move on in
    stage order, so each source is placed before its targets)."""
    order = list(boxes)
    for move in sorted(moves, key=lambda m: order.index(m.source)):
        target = boxes[move.target]
        target.column = max(target.column, boxes[move.source].column + 1)


def _size_boxes(boxes: dict[str, _Box], moves: list[_Move]) -> None:
    """Boxes as wide as their column's widest line, as tall as their lines or arrows need."""
    for box in boxes.values():
        arrows = max(sum(m.target == box.stage for m in moves) * _IN_PITCH,
                     sum(m.source == box.stage for m in moves) * _OUT_PITCH)
        box.height = max(sum(line.height for line in box.lines), arrows) + 2 * _PAD
    for column in {box.column for box in boxes.values()}:
        members = [box for box in boxes.values() if box.column == column]
        width = max(line.width for box in members for line in box.lines) + 2 * _PAD
        for box in members:
            box.width = width


def _label_room(moves: list[_Move]) -> float:
    """Width before a column taken by the arrows' labels and heads."""
    return (max(_text_width(_whole(m.cases), _ARROW_PT) for m in moves) + 2 * _LABEL_GAP + _HEAD
            + _WIDEST_PT / 2 * _PT)


def _place_columns(boxes: dict[str, _Box], moves: list[_Move]) -> float:
    """Left edges of the columns, a gap before each for the arrows' turns and labels; returns
    the right edge of the last column."""
    x = _MARGIN
    for column in range(max(box.column for box in boxes.values()) + 1):
        arriving = [m for m in moves if boxes[m.target].column == column]
        if arriving:
            x += 2 * _CHANNEL + len(arriving) * _TURN_PITCH + _label_room(arriving)
        members = [box for box in boxes.values() if box.column == column]
        for box in members:
            box.left = x
        x += members[0].width
    return x


def _band(stage: str, moves: list[_Move]) -> int | None:
    """The row of a stage's box; None for one placed beside the stages it sends cases to."""
    if stage in _BAND_OF_STAGE:
        return _BAND_OF_STAGE[stage]
    return min((_BAND_OF_STAGE[m.source] for m in moves
                if m.target == stage and m.source in _BAND_OF_STAGE), default=None)


def _place_rows(boxes: dict[str, _Box], moves: list[_Move], top: float) -> float:
    """Box tops: a band's boxes level, bands stacked down; a box without a band level with the
    middle of the stages it sends cases to. Returns the bottom of the lowest box."""
    bands = {stage: _band(stage, moves) for stage in boxes}
    y = top
    for band in sorted({b for b in bands.values() if b is not None}):
        members = [boxes[stage] for stage, b in bands.items() if b == band]
        for box in members:
            box.top = y
        y += max(box.height for box in members) + _BAND_GAP
    for stage in [stage for stage, band in bands.items() if band is None]:
        near = [boxes[m.target].middle for m in moves if m.source == stage] or [top]
        boxes[stage].top = float(np.mean(near)) - boxes[stage].height / 2
    for column in {box.column for box in boxes.values()}:
        y = top
        for box in sorted((b for b in boxes.values() if b.column == column), key=lambda b: b.top):
            box.top = max(box.top, y)  # below the title and clear of the box above
            y = box.top + box.height + _BAND_GAP
    return max(box.top + box.height for box in boxes.values())


def _spread(wanted: list[float], box: _Box, pitch: float) -> list[float]:
    """Heights on a box's side for arrows in this order: ``pitch`` apart, inside the box, each
    as near its wish as that allows (level with the other end: a straight arrow)."""
    low, high = box.top + pitch / 2, box.top + box.height - pitch / 2
    heights: list[float] = []
    for y in wanted:
        floor = heights[-1] + pitch if heights else low
        heights.append(max(min(max(y, low), high), floor))
    ceiling = high
    for i in reversed(range(len(heights))):
        heights[i] = min(heights[i], ceiling)
        ceiling = heights[i] - pitch
    return heights


def _place_ports(boxes: dict[str, _Box], moves: list[_Move]) -> None:
    """Where arrows meet boxes: arriving in the order of their sources, leaving in the order of
    their targets, so arrows at one box never cross."""
    for box in boxes.values():
        arriving = sorted((m for m in moves if m.target == box.stage),
                          key=lambda m: (boxes[m.source].middle, -boxes[m.source].column))
        wanted = [boxes[m.source].middle for m in arriving]
        for move, y in zip(arriving, _spread(wanted, box, _IN_PITCH), strict=True):
            move.arrives = y
    for box in boxes.values():
        leaving = sorted((m for m in moves if m.source == box.stage), key=lambda m: m.arrives)
        wanted = [m.arrives for m in leaving]
        for move, y in zip(leaving, _spread(wanted, box, _OUT_PITCH), strict=True):
            move.leaves = y


def _between(y: float, a: float, b: float) -> bool:
    """Whether ``y`` lies strictly between ``a`` and ``b``."""
    return min(a, b) + 1e-9 < y < max(a, b) - 1e-9


def _crossings(order: Sequence[_Move]) -> int:
    """How often arrows cross in one gap when they turn in this order, left to right: a
    turn crosses the way in of any arrow turning right of it, and the way out of any arrow
    turning left of it, where those lie within its rise."""
    return sum(_between(right.leaves, left.leaves, left.arrives)
               + _between(left.arrives, right.leaves, right.arrives)
               for i, left in enumerate(order) for right in order[i + 1:])


def _place_turns(boxes: dict[str, _Box], moves: list[_Move]) -> None:
    """Where each arrow turns: in the gap before its target's column, in the order with the
    fewest crossings."""
    for column in {boxes[m.target].column for m in moves}:
        arriving = sorted((m for m in moves if boxes[m.target].column == column),
                          key=lambda m: (m.leaves, m.arrives))
        start = max(b.right for b in boxes.values() if b.column == column - 1) + _CHANNEL
        for i, move in enumerate(min(permutations(arriving), key=_crossings)):
            move.turn = start + (i + 0.5) * _TURN_PITCH


def _draw_move(ax: Axes, move: _Move, boxes: dict[str, _Box], widest: float) -> None:
    """An arrow as wide as its cases: out of the source, along its turn, broken by its label
    just before the target, then its head."""
    target = boxes[move.target]
    label = _whole(move.cases)
    label_right = target.left - _HEAD - _LABEL_GAP
    width = max(_THINNEST_PT, _WIDEST_PT * move.cases / widest)
    end = label_right - _text_width(label, _ARROW_PT) - _LABEL_GAP - width / 2 * _PT
    route = [(boxes[move.source].right, move.leaves), (move.turn, move.leaves),
             (move.turn, move.arrives), (end, move.arrives)]
    if abs(move.leaves - move.arrives) < 1e-9:
        route = [route[0], route[-1]]
    ax.add_patch(PathPatch(Path(route), fill=False, edgecolor=BLUE, linewidth=width,
                           joinstyle="miter", capstyle="butt"))
    half = (width + 6) * _PT / 2
    ax.add_patch(Polygon([(target.left - _HEAD, move.arrives - half), (target.left, move.arrives),
                          (target.left - _HEAD, move.arrives + half)],
                         facecolor=BLUE, edgecolor="none", linewidth=0))
    ax.text(label_right, move.arrives, label, fontsize=_ARROW_PT, ha="right", va="center",
            gid=f"{move.source}-to-{move.target}")


def _draw_box(ax: Axes, box: _Box) -> None:
    """A stage's box with its lines centred in it, a coloured marker before each status."""
    ax.add_patch(Rectangle((box.left, box.top), box.width, box.height, facecolor="white",
                           edgecolor=BLUE, linewidth=1.2))
    y = box.middle - sum(line.height for line in box.lines) / 2
    for line in box.lines:
        x = box.left + _PAD
        if line.status:
            ax.add_patch(Rectangle((x, y + (line.height - _MARKER) / 2), _MARKER, _MARKER,
                                   facecolor=STATUS_COLOURS[line.status], linewidth=0))
            x += _MARKER_ROOM
        ax.text(x, y + line.height / 2, line.text, fontsize=line.size, va="center",
                fontweight="bold" if line.bold else "normal", gid=line.gid)
        y += line.height


def _lines_height(text: str, size: float) -> float:
    """Height in inches of a (wrapped) text of ``size`` points."""
    return (text.count("\n") + 1) * size * 1.3 * _PT


def flow_diagram(results: Results) -> Figure:
    """Where a year's cases go: a box per stage, left to right, with the cases a year reaching
    it and how those stopping there end; arrows, labelled and as wide as their cases, between."""
    flows = case_flows(results)
    moves = [_Move(*row) for row in flows[~flows["target"].isin(list(STATUS_COLOURS))]
             .itertuples(index=False)]
    boxes = {stage: _Box(stage, _box_lines(stage, flows))
             for stage in active_stages(results.scenario) if stage in set(flows["source"])}
    _set_columns(boxes, moves)
    _size_boxes(boxes, moves)
    width = _place_columns(boxes, moves) + _MARGIN
    title = _fitted(_("Where cases go: {scenario}").format(
        scenario=display_name(results.scenario.name)), width - 2 * _MARGIN, _TITLE_PT)
    note = _fitted(_("Cases a year, mean of {runs} runs. Arrows: cases moving on to the next "
                     "stage (wider: more). Boxes: cases reaching the stage, and how those that "
                     "stop there end.").format(runs=results.replications),
                   width - 2 * _MARGIN, _NOTE_PT)
    below_title = _MARGIN + _lines_height(title, _TITLE_PT)
    height = _place_rows(boxes, moves, below_title + _lines_height(note, _NOTE_PT) + 0.2)
    height += _MARGIN
    _place_ports(boxes, moves)
    _place_turns(boxes, moves)
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, width), ylim=(height, 0))
    ax.axis("off")
    ax.set_title(title, fontsize=_TITLE_PT, fontweight="bold", y=1 - _MARGIN / height, pad=0,
                 va="top")
    ax.text(width / 2, below_title + 0.05, note, fontsize=_NOTE_PT, ha="center", va="top")
    widest = max((m.cases for m in moves), default=1.0)
    for move in moves:
        _draw_move(ax, move, boxes, widest)
    for box in boxes.values():
        _draw_box(ax, box)
    return fig


def time_to_outcome_compared(results: Mapping[str, Results],
                             kind: str = "collective") -> Figure:
    """Share of ``kind`` disputes filed with the ministry that have an outcome by each number
    of days since filing, per scenario (Kaplan-Meier: open cases counted as censored)."""
    fig, ax = _axes()
    for name, r in results.items():
        cases = r.cases
        filed = (cases["kind"] == kind) & (cases["outcome"] != "settled_at_workplace")
        days, share = _curve_of(cases, cases["workplace_exit_day"].where(filed), r.window)
        ax.step(days, share, where="post", label=display_name(name))
    ax.set_xscale("symlog", linthresh=30)
    ax.set_ylim(0, 1)
    ax.set_xlabel(_("Days since filing with the ministry (calendar days; log scale beyond 30)"))
    ax.set_ylabel(_("Share of {kind} disputes with an outcome").format(
        kind=_(KIND_WORDS[kind])))
    _title(ax, _("How soon {kind} disputes filed with the ministry end").format(
        kind=_(KIND_WORDS[kind])))
    ax.legend(title=_("Scenario"))
    ax.grid(alpha=0.3)
    return fig


def kpi_comparison(comparison: Comparison, kpis: Sequence[str] = PLOT_KPIS[:6]) -> Figure:
    """One panel per KPI: each scenario's mean with its 95% confidence interval."""
    table = comparison.kpis().set_index(["kpi", "scenario"])
    kpis = [k for k in kpis if k in table.index.get_level_values(0)]
    cols = min(3, len(kpis))
    rows = int(np.ceil(len(kpis) / cols))
    width = max(4 * cols, 6)
    fig = Figure(figsize=(width, 3.2 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    names = comparison.names
    colours = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(names))]
    for ax, kpi in zip(axes, kpis, strict=False):
        part = table.loc[kpi].reindex(names)
        means = part["mean"].to_numpy()
        errors = np.abs(np.vstack([means - part["ci_low"], part["ci_high"] - means]))
        bars = ax.bar([display_name(n) for n in names], means, yerr=np.nan_to_num(errors),
                      capsize=6, color=colours, alpha=0.8)
        for bar, beyond in zip(bars, part["beyond_run"].fillna(0), strict=True):
            if beyond > 0:  # a lower bound: the curve went beyond the simulated period
                ax.annotate(_("more than\nthe run shows"), (bar.get_x() + bar.get_width() / 2,
                            bar.get_height()), ha="center", va="bottom", fontsize=7)
        ax.set_title(_fitted(label_of(kpi), width / cols - 0.8, 9), fontsize=9)
        if CATALOG[kpi].format == "percent":  # shares read as 0-100%
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.set_ylabel("%")
        else:
            ax.set_ylabel(unit_of(kpi))
        if np.nanmax(np.abs(means), initial=0) >= 10_000:  # 500,000 rather than 500000
            ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.tick_params(axis="x", labelrotation=20, labelsize=8)
        ax.grid(axis="y", alpha=0.3)
    for ax in axes[len(kpis):]:
        ax.axis("off")
    fig.suptitle(_fitted(_("The policies compared (mean and {level} confidence interval)").format(
        level=f"{comparison.level:.0%}"), width - 0.4))
    return fig


def cost_per_resolved_case(comparison: Comparison) -> Figure:
    """Yearly budget and cost per resolved case of each scenario, with 95% CIs."""
    return kpi_comparison(comparison, COST_KPIS)


def staffing_curve(result: StaffingResult) -> Figure:
    """A KPI against a staffing or budget level, the target, and the levels that meet it."""
    fig, ax = _axes()
    curve = result.curve
    x = curve[result.parameter].to_numpy()
    ax.fill_between(x, curve["ci_low"], curve["ci_high"], color=BLUE, alpha=0.25,
                    label=_("95% CI"))
    ax.plot(x, curve["mean"], marker="o", color=BLUE, label=_("mean"))
    ax.axhline(result.target, color="black", linestyle="--",
               label=_("target {target:g}").format(target=result.target))
    if result.level_for_mean is not None:
        ax.axvline(result.level_for_mean, color=GREEN, label=_("meets on average: {level:g}")
                   .format(level=result.level_for_mean))
    if result.level_for_confidence is not None:
        ax.axvline(result.level_for_confidence, color=VERMILLION, linestyle=":",
                   label=_("meets with 95% confidence: {level:g}")
                   .format(level=result.level_for_confidence))
    ax.set_xlabel(_parameter(result.parameter))
    ax.set_ylabel(f"{label_of(result.kpi)} ({unit_of(result.kpi)})")
    _title(ax, _("Staffing against performance (levels evaluated by the search)"))
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return fig


def calibration_fit(result: CalibrationResult) -> Figure:
    """Observed against simulated for each calibration target: tolerance band and 95% CI; a
    miss is a vermillion cross, a fit a blue dot."""
    table = result.table
    width = max(4 * len(table), 6)
    fig = Figure(figsize=(width, 3.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(table)))
    for ax, row in zip(axes, table.itertuples(), strict=True):
        ax.axhspan(row.observed - row.tolerance, row.observed + row.tolerance, color=GREY,
                   alpha=0.3, label=_("observed ± tolerance"))
        ax.axhline(row.observed, color="black", label=_("observed"))
        ax.errorbar([0], [row.simulated], yerr=[[row.simulated - row.ci_low],
                                                [row.ci_high - row.simulated]],
                    fmt="o" if row.within_tolerance else "X", markersize=8, capsize=6,
                    color=BLUE if row.within_tolerance else VERMILLION,
                    label=_("simulated (95% CI)") if row.within_tolerance
                    else _("simulated (95% CI): outside the tolerance"))
        ax.set_xticks([])
        ax.set_title(_fitted(short_label_of(row.kpi), 3.2, 9), fontsize=9)
        ax.set_ylabel(unit_of(row.kpi))
    axes[0].legend(fontsize="x-small")
    fig.suptitle(_fitted(_("Calibration of {scenario}: observed vs simulated (fit error "
                           "{error:.2f})").format(scenario=display_name(result.scenario.name),
                                                  error=result.objective), width - 0.4))
    return fig


def utilisation_bars(summary: pd.DataFrame) -> Figure:
    """Share of staff time in use at each staffed stage (mean, 95% CI), from a KPI summary;
    a stage that cannot keep up (``kpis.overloaded_stages``, the warnings' definition) is
    hatched as well as coloured."""
    stages = [name for name in STAFFED_STAGES if stage_kpi("utilisation", name) in summary.index]
    rows = summary.loc[[stage_kpi("utilisation", name) for name in stages]]
    fig, ax = _axes(3.4)
    means = rows["mean"].to_numpy()
    errors = np.vstack([means - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - means])
    overloaded = overloaded_stages(summary)
    busy = np.array([name in overloaded for name in stages])
    ax.barh([_stage(s, short=True) for s in stages], means, xerr=np.nan_to_num(errors),
            capsize=5, color=[VERMILLION if b else BLUE for b in busy],
            hatch=["//" if b else "" for b in busy])
    handles = [Patch(facecolor=BLUE, label=_("keeps up"))]
    if busy.any():
        handles.append(Patch(facecolor=VERMILLION, hatch="//", label=_("cannot keep up")))
    ax.set_xlim(0, 1)
    ax.set_xlabel(_("Share of staff time in use (utilisation)"))
    _title(ax, _("How busy each stage's staff are (mean and 95% CI)"))
    ax.legend(handles=handles, fontsize="small", loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return fig


def time_in_stages(results: Results) -> Figure:
    """Where the time goes: mean days waiting for staff (hatched) and being served, per stage."""
    stats = results.stage_statistics().groupby("stage").mean(numeric_only=True)
    stats = stats.reindex([s for s in active_stages(results.scenario) if s in stats.index])
    service = stats["mean_days_in_stage"] - stats["mean_wait_days"]
    fig, ax = _axes(3.4)
    labels = [_stage(s, short=True) for s in stats.index]
    ax.barh(labels, stats["mean_wait_days"], color=VERMILLION, hatch="//",
            label=_("waiting for staff"))
    ax.barh(labels, service, left=stats["mean_wait_days"], color=BLUE,
            label=_("being handled (and legal waiting periods)"))
    ax.invert_yaxis()
    ax.set_xlabel(_("Mean days per case in the stage"))
    _title(ax, _("Where the time goes: {scenario}").format(
        scenario=display_name(results.scenario.name)))
    ax.legend(fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    return fig


def tornado(sensitivity: pd.DataFrame, kpi_label: str = "") -> Figure:
    """One-at-a-time sensitivity: the KPI's change when each parameter goes down or up."""
    table = sensitivity.assign(width=(sensitivity["high"] - sensitivity["low"]).abs())
    table = table.sort_values("width")
    fig, ax = _axes(0.5 * len(table) + 1.5)
    base = float(table["base"].iloc[0])
    labels = [_parameter(p) for p in table["parameter"]]
    ax.barh(labels, table["low"] - base, left=base, color=BLUE, label=_("parameter lowered"))
    ax.barh(labels, table["high"] - base, left=base, color=ORANGE, hatch="//",
            label=_("parameter raised"))
    ax.axvline(base, color="black")
    kpi = table["kpi"].iloc[0]
    ax.set_xlabel(kpi_label or f"{label_of(kpi)} ({unit_of(kpi)})")
    _title(ax, _("Sensitivity of {kpi} (each parameter -/+{change})").format(
        kpi=short_label_of(kpi).lower(), change=f"{table['change'].iloc[0]:.0%}"))
    ax.legend(fontsize="small")
    return fig


def strike_day_verdict_map(m: VerdictMap) -> Figure:
    """Which policy has fewer strike days, over how strong prevention's and resolution's
    effects are: colour and hatching by the winner, the break-even line between them, and
    the central assumptions marked."""
    fig, ax = _axes(5.2)
    x = 100 * np.asarray(m.prevention)
    y = 100 * np.asarray(m.resolution)
    z = 100 * np.asarray(m.difference, dtype=float)
    reach = 10 * np.ceil(max(np.nanmax(np.abs(z)), 1.0) / 10)
    shaded = ax.contourf(x, y, z, levels=np.linspace(-reach, reach, 21), cmap="PuOr_r")
    ax.contourf(x, y, z, levels=[-reach, 0.0], colors="none", hatches=["//"])
    line = ax.contour(x, y, z, levels=[0.0], colors="black", linewidths=2)
    ax.clabel(line, fmt={0.0: _("break-even")}, fontsize="small")
    ax.plot(*(100 * np.asarray(m.central)), "o", color="black", markersize=8)
    ax.annotate(_("central assumptions ({difference:+.0%})").format(difference=m.at_centre()),
                100 * np.asarray(m.central), textcoords="offset points", xytext=(8, 8),
                fontsize="small", backgroundcolor="white")
    first, second = (display_name(name) for name in m.names)
    for side, words in ((1, first), (-1, second)):  # each name where it wins most
        if (side * z > 0).any():
            row, column = np.unravel_index(np.nanargmax(side * z), z.shape)
            ax.annotate(_("{policy}: fewer strike days").format(policy=words),
                        (x[column], y[row]), textcoords="offset points", xytext=(0, 0),
                        ha="right" if x[column] > x.mean() else "left",
                        va="top" if y[row] > y.mean() else "bottom",
                        fontsize="small", backgroundcolor="white")
    bar = fig.colorbar(shaded, ax=ax, ticks=np.linspace(-reach, reach, 5),
                       format=StrMethodFormatter("{x:+.0f}%"))
    bar.set_label(_fitted(_("Strike days a year, {second} against {first}").format(
        second=second.lower(), first=first.lower()), 4.5, 10))
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_xlabel(_fitted(_("Prevention's effect: the largest share of grievances prevention "
                            "officers can avert"), 6.0, 10))
    ax.set_ylabel(_fitted(_("Resolution's effects (0% = none, 100% = each at the top of its "
                            "range)"), 4.0, 10))
    _title(ax, _("Which policy has fewer strike days, by how strong each lever's effects "
                 "are (expected values)"))
    return fig
