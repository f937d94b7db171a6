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

from .catalog import BRIEF_KPIS, CATALOG
from .costs import annual_budget_usd
from .experiments import Comparison
from .paths import get_path
from .report import format_as, format_change, format_estimate, overload_lines, verdict
from .scenario import Scenario

STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
table { border-collapse: collapse; font-size: 0.85em; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.note { color: #666; font-size: 0.8em; }
"""


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
                      settings: str = "", stamp: str = "") -> str:
    """The whole brief as one HTML string; ``stamp`` (``provenance.stamp``) says which code,
    scenarios and seed made it."""
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
<h2>Key indicators</h2>{kpi_table_html(comparison)}
<h2>Figures</h2>{images}
<h2>Scenario parameters</h2>{_scenario_rows(scenarios)}
<p class="note">Sources of every default: datasets/README.md and the comments in the
scenario files. Unit costs are mostly assumptions.</p>
<p class="note">Made with {html.escape(stamp or "labsim")}.</p>
</body></html>"""
