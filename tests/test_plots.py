"""Every plot returns a Figure with a title and labelled axes, in plain words and colours anyone
can tell apart; the flow diagram conserves cases and no label in it is hidden by another."""

import re
from itertools import combinations
from unittest import mock

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.markers import MarkerStyle
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import labsim
from labsim import RunSettings
from labsim.experiments.comparison import compare
from labsim.experiments.search import smallest_staff
from labsim.i18n import display_name
from labsim.views import plots

QUICK = RunSettings(years=1.0, replications=3, seed=1, warmup_days=90.0)
SHORT = RunSettings(years=2, replications=2, seed=1)
PRESETS = ("cambodia_baseline", "cambodia_2014", "migrant_grievances", "korea_inspired",
           "textbook_network")


@pytest.fixture(scope="module")
def results():
    return labsim.run("cambodia_baseline", QUICK)


@pytest.fixture(scope="module")
def comparison():
    return compare(["prevention_first", "resolution_first"], settings=QUICK, executor="serial")


def _labelled(fig: Figure) -> None:
    axes = [ax for ax in fig.axes if ax.axison]
    assert axes
    for ax in axes:
        assert ax.get_title() or fig.get_suptitle()
        assert ax.get_ylabel()


def _labels(fig: Figure) -> list[tuple[Text, Bbox]]:
    """Every text drawn (no tick left outside the view), with where it lands in pixels."""
    drawn: list[Text] = []
    draw = Text.draw

    def recording(text: Text, renderer) -> None:
        drawn.append(text)
        draw(text, renderer)

    canvas = FigureCanvasAgg(fig)
    with mock.patch.object(Text, "draw", recording):
        canvas.draw()
    renderer = canvas.get_renderer()
    return [(text, text.get_window_extent(renderer)) for text in dict.fromkeys(drawn)
            if text.get_visible() and text.get_text().strip()]


def _inside(inner: Bbox, outer: Bbox) -> bool:
    return (outer.x0 <= inner.x0 and inner.x1 <= outer.x1
            and outer.y0 <= inner.y0 and inner.y1 <= outer.y1)


def _covers(patch, extent: Bbox, dpi: float) -> bool:
    """Whether ``patch`` (its fill, or its stroke of half its line width) touches ``extent``;
    a box does not cover a label lying wholly inside it: it is the label's own."""
    path = patch.get_transform().transform_path(patch.get_path())
    if isinstance(patch, Rectangle) and _inside(extent, path.get_extents()):
        return False
    stroke = patch.get_linewidth() * dpi / 72 / 2
    return path.intersects_bbox(extent.padded(stroke), filled=patch.get_fill())


def _clashes(fig: Figure) -> list[str]:
    """Labels that overlap one another, and labels a band, arrow or box other than their own
    box runs through."""
    labels = _labels(fig)
    shapes = [shape for ax in fig.axes for shape in ax.patches]
    return ([f"{a.get_text()!r} overlaps {b.get_text()!r}"
             for (a, at), (b, bt) in combinations(labels, 2) if at.overlaps(bt)]
            + [f"{text.get_text()!r} lies on a {type(shape).__name__}"
               for text, extent in labels for shape in shapes
               if _covers(shape, extent, fig.dpi)])


def _outside(fig: Figure) -> list[str]:
    """Texts reaching beyond the figure's edges (cut off when shown)."""
    return [text.get_text() for text, extent in _labels(fig) if not _inside(extent, fig.bbox)]


def _number(text: str) -> int:
    """The whole number a label prints: '1,114 cases a year' -> 1114; '<1' -> 0."""
    return 0 if text.startswith("<1") else int(re.search(r"\d[\d,]*", text)[0].replace(",", ""))


def test_single_run_plots_are_labelled(results):
    for make in (plots.backlog_over_time, plots.time_to_outcome):
        fig = make(results)
        _labelled(fig)
        assert fig.axes[0].get_xlabel()
    fig = plots.where_cases_end(results)
    assert "Cases per year" in fig.axes[0].get_xlabel()
    assert display_name("cambodia_baseline") in fig.axes[0].get_title()


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


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
@pytest.mark.parametrize("preset", PRESETS)
def test_flow_diagram_labels_are_clear_of_each_other_and_of_every_arrow(preset):
    fig = plots.flow_diagram(labsim.run(preset, SHORT))
    assert _clashes(fig) == []
    assert _outside(fig) == []


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
@pytest.mark.parametrize("preset", PRESETS)
def test_flow_diagram_prints_every_stage_and_arrow_count_legibly(preset):
    results = labsim.run(preset, SHORT)
    flows = plots.case_flows(results)
    fig = plots.flow_diagram(results)
    printed = {text.get_gid(): text for text in fig.findobj(Text) if text.get_gid()}
    for stage, cases in flows.groupby("source")["cases_per_year"].sum().items():
        assert _number(printed[f"{stage}-count"].get_text()) == round(cases), stage
    moves = flows[~flows["target"].isin(plots.STATUS_COLOURS)]
    for move in moves.itertuples():
        label = printed[f"{move.source}-to-{move.target}"]
        assert _number(label.get_text()) == round(move.cases_per_year), label.get_gid()
    assert min(text.get_fontsize() for text, _ in _labels(fig)) >= 9
    assert display_name(preset) in fig.axes[0].get_title()


def test_a_clash_is_found_where_a_label_lies_on_an_arrow_a_box_or_a_label():
    fig = Figure(figsize=(4, 3))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.add_patch(FancyArrowPatch((0.1, 0.5), (0.9, 0.5), arrowstyle="-|>"))
    ax.add_patch(Rectangle((0.1, 0.6), 0.3, 0.2))  # 'open' lies wholly inside: its own box
    ax.text(0.5, 0.5, "21/yr", ha="center", va="center")
    ax.text(0.3, 0.75, "open")
    ax.text(0.32, 0.76, "unresolved")
    assert sorted(_clashes(fig)) == ["'21/yr' lies on a FancyArrowPatch",
                                     "'open' overlaps 'unresolved'",
                                     "'unresolved' lies on a Rectangle"]


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_comparison_plots_are_labelled(results, comparison):
    for fig in (plots.kpi_comparison(comparison), plots.cost_per_resolved_case(comparison)):
        _labelled(fig)
    ticks = [t.get_text() for t in plots.kpi_comparison(comparison).axes[0].get_xticklabels()]
    assert ticks == ["Prevention first", "Resolution first"]
    other = labsim.run("prevention_first", QUICK)
    fig = plots.time_to_outcome_compared({"cambodia_baseline": results,
                                          "prevention_first": other})
    _labelled(fig)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == [display_name("cambodia_baseline"), "Prevention first"]


@pytest.mark.parametrize("kpis", [plots.PLOT_KPIS[:1], plots.PLOT_KPIS[:6]])
def test_kpi_comparison_titles_stay_inside_the_figure(comparison, kpis):
    fig = plots.kpi_comparison(comparison, kpis)
    assert fig.get_figwidth() >= 6
    assert _outside(fig) == []


def _colours(fig: Figure) -> set[str]:
    """The colours of what the axes draw: lines, markers, bands, bars, boxes and arrows."""
    found = set()
    for ax in fig.axes:
        for line in ax.lines:
            if line.get_linestyle() not in ("None", ""):
                found.add(to_hex(line.get_color()))
            marker = MarkerStyle(line.get_marker())
            if marker.get_marker() not in ("None", "", None):
                faces = [line.get_markerfacecolor()] if marker.is_filled() else []
                found |= {to_hex(c) for c in [*faces, line.get_markeredgecolor()] if c != "none"}
        found |= {to_hex(c) for shape in ax.collections for c in shape.get_facecolor()}
        found |= {to_hex(p.get_facecolor()) for p in ax.patches if p.get_fill()}
        found |= {to_hex(p.get_edgecolor()) for p in ax.patches
                  if p.get_linewidth() > 0 and p.get_edgecolor()[3] > 0}
    return found


def test_plots_draw_only_okabe_ito_colours(results, comparison):
    allowed = {c.lower() for c in plots.OKABE_ITO} | {"#000000", "#ffffff"}
    figures = [plots.backlog_over_time(results), plots.where_cases_end(results),
               plots.time_to_outcome(results), plots.flow_diagram(results),
               plots.time_in_stages(results), plots.kpi_comparison(comparison),
               plots.utilisation_bars(results.summary())]
    for fig in figures:
        assert _colours(fig) <= allowed, fig.axes[0].get_title()


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_staffing_curve_marks_the_target():
    result = smallest_staff("cambodia_baseline", "arbitration.arbitrators",
                            "share_collective_settled_within_deadlines", 0.5, low=3, high=30,
                            settings=QUICK, executor="serial")
    fig = plots.staffing_curve(result)
    _labelled(fig)
    assert "arbitrators" in fig.axes[0].get_xlabel()
    assert "_" not in fig.axes[0].get_xlabel()
