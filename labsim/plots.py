"""Plots: each function takes results and returns a matplotlib Figure with labelled axes."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .results import Results
from .stages import active_stages

STAGE_LABELS = {
    "workplace": "Workplace (bipartite)",
    "migrant_resource_centre": "Migrant Worker Resource Centre",
    "mediation": "Mediation (labour relations commission)",
    "adjudication": "Adjudication (regional commission)",
    "national_review": "National review",
    "individual_conciliation": "Individual conciliation (inspectors)",
    "collective_conciliation": "Collective conciliation (ministry)",
    "arbitration": "Arbitration Council",
    "court": "Court",
}
STATUS_COLOURS = {"resolved": "#2a9d8f", "dropped": "#e9c46a", "unresolved": "#e76f51",
                  "open": "#8d99ae"}


def backlog_over_time(results: Results) -> Figure:
    """Open cases in each formal stage by day: mean over replications with a 5-95% band."""
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.subplots()
    backlog = results.backlog
    for stage in active_stages(results.scenario)[1:]:
        by_day = backlog.groupby("day")[stage]
        days = by_day.mean().index.to_numpy() / 365.0
        ax.plot(days, by_day.mean().to_numpy(), label=STAGE_LABELS[stage])
        ax.fill_between(days, by_day.quantile(0.05).to_numpy(), by_day.quantile(0.95).to_numpy(),
                        alpha=0.2)
    ax.set_xlabel("Time since start of run (years)")
    ax.set_ylabel("Open cases in stage (cases)")
    ax.set_title(f"Backlog by stage: {results.scenario.name} "
                 f"({results.replications} replications, band = 5-95%)")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return fig


def where_cases_end(results: Results) -> Figure:
    """Cases per year ending at each stage, split by resolved, dropped, unresolved, open."""
    start, end = results.window
    counted = results.cases[results.cases["arrival_day"] >= start]
    years = (end - start) / 365.0 * results.replications
    stages = list(active_stages(results.scenario))
    table = (counted.groupby(["stage", "status"], observed=False).size().unstack("status")
             .reindex(index=stages, columns=list(STATUS_COLOURS), fill_value=0) / years)
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.subplots()
    left = np.zeros(len(table))
    labels = [STAGE_LABELS[s] for s in table.index]
    for status, colour in STATUS_COLOURS.items():
        ax.barh(labels, table[status].to_numpy(), left=left, color=colour, label=status)
        left += table[status].to_numpy()
    ax.invert_yaxis()
    ax.set_xlabel("Cases per year (mean over replications)")
    ax.set_title(f"Where cases end: {results.scenario.name}")
    ax.legend(title="Status", fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    return fig


def time_to_resolution(results: Results) -> Figure:
    """Distribution of days from grievance to resolution, individual vs collective cases."""
    start, _ = results.window
    c = results.cases
    resolved = c[(c["arrival_day"] >= start) & (c["status"] == "resolved")]
    days = resolved["end_day"] - resolved["arrival_day"]
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.subplots()
    top = float(np.quantile(days, 0.99)) if len(days) else 1.0
    bins = np.linspace(0, top, 50)
    for kind in ("individual", "collective"):
        ax.hist(days[resolved["kind"] == kind], bins=bins, alpha=0.6, density=True, label=kind)
    ax.set_xlabel("Days from grievance to resolution (calendar days; top 1% not shown)")
    ax.set_ylabel("Share of resolved cases per day")
    ax.set_title(f"Time to resolution: {results.scenario.name}")
    ax.legend(title="Case type")
    ax.grid(alpha=0.3)
    return fig
