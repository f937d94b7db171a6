"""A one-page policy brief: a self-contained HTML file a participant can take home.

Figures are embedded as base64 PNG, so the file needs nothing else to open.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.figure import Figure

from .assumptions import Assumption
from .catalog import BRIEF_KPIS, CATALOG, VERDICT_KPIS
from .costs import annual_budget_usd
from .experiments import Comparison
from .paths import get_path
from .report import (
    format_as,
    format_change,
    format_estimate,
    format_number,
    format_robustness_rows,
    overload_lines,
    robustness_lines,
    verdict,
)
from .robustness import Robustness
from .scenario import Scenario

STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
table { border-collapse: collapse; font-size: 0.85em; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.note { color: #666; font-size: 0.8em; }
.labsim-assumptions td, .labsim-robustness td, .labsim-assumptions th, .labsim-robustness th {
  text-align: left; }
"""

CAVEATS = (
    "This is a simulation under stated assumptions, not a forecast of what will happen.",
    "Intervals in brackets show only the chance variation of the simulation; they do not "
    "include doubt about the assumptions. The robustness check repeats the comparison in "
    "many plausible worlds to show that doubt.",
    "The prevention effect, workplace settlement and staff effort are assumptions: no "
    "public figure measures them, and the record the model is fitted to cannot tell them "
    "apart.",
    "Unit costs are mostly assumptions; staff numbers follow from them.",
)
"""What the brief and the dashboard say a result does and does not show."""


def figure_png(fig: Figure, dpi: int = 90) -> bytes:
    """PNG bytes of a figure, without a timestamp, so the same figure gives the same bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


COLOURS = {"better": "#1b7f5b", "worse": "#b23a2b", "": "inherit"}


def kpi_table_html(comparison: Comparison, kpis: Sequence[str] = BRIEF_KPIS) -> str:
    """KPIs of each scenario (mean and 95% CI) and the paired change to the reference."""
    table = comparison.kpis().set_index(["kpi", "scenario"])
    diffs = comparison.differences().set_index(["kpi", "scenario"])
    names = comparison.names
    others = [n for n in names if n != comparison.reference]
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    head += "".join(f"<th>{html.escape(n)} vs {html.escape(comparison.reference)}</th>"
                    for n in others)
    rows = []
    for kpi in [k for k in kpis if (k, names[0]) in table.index]:
        cells = "".join(f"<td>{html.escape(' '.join(format_estimate(kpi, table.loc[(kpi, n)])))}"
                        "</td>" for n in names)
        for n in others:
            d = diffs.loc[(kpi, n)]
            tag = ("better" if d["better"] else "worse") if d["better"] is not None else ""
            cells += (f'<td style="color:{COLOURS[tag]}">'
                      f"{html.escape(format_change(kpi, d))}</td>")
        entry = CATALOG[kpi]
        rows.append(f"<tr><td>{html.escape(entry.label)} ({html.escape(entry.unit)})</td>"
                    f"{cells}</tr>")
    return (f'<table class="labsim-kpi-table"><tr><th>KPI (unit)</th>{head}</tr>'
            + "".join(rows) + "</table>")


def summary_table_html(summary: pd.DataFrame) -> str:
    """A summary's KPIs: label, mean, 95% CI and unit, one row each."""
    rows = []
    for name, row in summary.iterrows():
        mean, ci = format_estimate(name, row)
        entry = CATALOG[name]
        rows.append(f"<tr><td>{html.escape(entry.label)}</td><td>{html.escape(mean)}</td>"
                    f"<td>{html.escape(ci)}</td><td>{html.escape(entry.unit)}</td></tr>")
    return ('<table class="labsim-kpi-table"><tr><th>KPI</th><th>mean</th><th>95% CI</th>'
            f"<th>unit</th></tr>{''.join(rows)}</table>")


def robustness_html(result: Robustness, kpis: Sequence[str] = VERDICT_KPIS,
                    note: str = "") -> str:
    """How sure the verdicts are: a table (central result, middle 90% of worlds, worlds won)
    and the same in sentences."""
    summary = result.summary()
    header, rows = format_robustness_rows(summary, kpis)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    lines = "".join(f"<li>{html.escape(x)}</li>" for x in
                    robustness_lines(summary, kpis, result.counts_reliable))
    settings = result.settings
    fitted = " and re-fitted to the observed record" if result.refit else ""
    runs = "run" if settings.replications == 1 else "runs"
    said = (f"{len(result.worlds)} plausible worlds, each drawn from the ranges of "
            f"{len(result.assumptions)} assumptions{fitted}; {settings.replications} {runs} of "
            f"{settings.years:g} years per world.")
    if result.left_out:
        said += (f" {len(result.left_out)} drawn worlds were left out: "
                 f"{next(iter(result.left_out.values()))}.")
    return (f'<p class="note">{html.escape(note + said)}</p>'
            f'<table class="labsim-robustness"><tr>{head}</tr>{body}</table>'
            f'<ul class="labsim-robustness-lines">{lines}</ul>')


def assumptions_html(assumptions: Sequence[Assumption]) -> str:
    """The assumptions with their central values, plausible ranges and reasons."""
    rows = "".join(
        f"<tr><td>{html.escape(a.label)}</td><td>{format_number(a.central)}</td>"
        f"<td>{format_number(a.low)} to {format_number(a.high)}</td>"
        f"<td>{html.escape(a.reason)}</td></tr>"
        for a in assumptions)
    return ('<table class="labsim-assumptions"><tr><th>assumption</th><th>value used</th>'
            f"<th>plausible range</th><th>why this range</th></tr>{rows}</table>")


def caveats_html() -> str:
    items = "".join(f"<li>{html.escape(c)}</li>" for c in CAVEATS)
    return ('<div class="caveat" style="border:2px solid #b36b00;padding:0.2em 1em;'
            'background:#fff8ec"><b>What this does and does not show</b>'
            f"<ul>{items}</ul></div>")


def _scenario_rows(scenarios: Mapping[str, Scenario]) -> str:
    items = ("prevention.prevention_officers", "prevention.trained_workplace_share",
             "individual_conciliation.labour_inspectors", "collective_conciliation.conciliators",
             "arbitration.arbitrators")
    rows = []
    for path in items:
        cells = ""
        for s in scenarios.values():
            cells += f"<td>{get_path(s, path):g}</td>"
        rows.append(f"<tr><td>{path.replace('_', ' ')}</td>{cells}</tr>")
    spent = {name: annual_budget_usd(s) if s.costs else None for name, s in scenarios.items()}
    budget = "".join(f"<td>{format_as('usd', v)}</td>" for v in spent.values())
    rows.append(f"<tr><td>budget (US$/year)</td>{budget}</tr>")
    head = "".join(f"<th>{html.escape(n)}</th>" for n in scenarios)
    return f"<table><tr><th>parameter</th>{head}</tr>{''.join(rows)}</table>"


def policy_brief_html(comparison: Comparison, scenarios: Mapping[str, Scenario],
                      figures: Sequence[Figure], title: str = "Policy brief",
                      settings: str = "", stamp: str = "",
                      robustness: Robustness | None = None, robustness_note: str = "",
                      assumptions: Sequence[Assumption] = ()) -> str:
    """The whole brief as one HTML string; ``stamp`` (``provenance.stamp``) says which code,
    scenarios and seed made it. With ``robustness``, it says how sure the verdicts are;
    without, that they were not checked."""
    images = "".join(
        f'<img alt="figure" style="max-width:100%" src="data:image/png;base64,'
        f'{base64.b64encode(figure_png(fig)).decode("ascii")}">' for fig in figures)
    said = overload_lines(comparison.overloaded()) + verdict(comparison.differences())
    lines = "".join(f"<li>{html.escape(line)}</li>" for line in said)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{STYLE}</style></head><body>
<h1>{html.escape(title)}</h1>
<p class="note">labsim simulation: {html.escape(settings)}. Every policy ran with the same
random grievances (common random numbers), so differences are the policy, not chance.
95% confidence intervals in brackets.</p>
<h2>What the simulation says</h2><ul>{lines}</ul>
{caveats_html()}
<h2>How sure is this?</h2>{robustness_html(robustness, note=robustness_note)
    if robustness is not None else '<p>Not checked for these settings: the verdicts above '
    'hold under the central assumptions only.</p>'}
<h2>Key indicators</h2>{kpi_table_html(comparison)}
<h2>Figures</h2>{images}
<h2>Scenario parameters</h2>{_scenario_rows(scenarios)}
<h2>Key assumptions and their plausible ranges</h2>{assumptions_html(assumptions)
    if assumptions else '<p>None listed.</p>'}
<p class="note">Sources of every default: datasets/README.md and the comments in the
scenario files. Unit costs are mostly assumptions.</p>
<p class="note">Made with {html.escape(stamp or "labsim")}.</p>
</body></html>"""
