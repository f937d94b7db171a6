"""Plain-text rendering of KPI summaries for terminals and notebooks."""

from __future__ import annotations

import math

import pandas as pd

KEY_KPIS = (
    "grievances_per_year",
    "individual_conciliation_cases_per_year",
    "collective_conciliation_cases_per_year",
    "arbitration_cases_per_year",
    "share_resolved",
    "share_ended_at_workplace",
    "days_to_resolution_mean_individual",
    "days_to_resolution_mean_collective",
    "days_to_resolution_p90_collective",
    "share_collective_settled_within_deadlines",
    "share_individual_heard_within_deadline",
    "utilisation_individual_conciliation",
    "utilisation_collective_conciliation",
    "utilisation_arbitration",
    "strikes_per_year",
    "strike_days_per_year",
    "workdays_lost_per_year",
)
"""The KPIs a workshop looks at first; ``format_summary(..., full=True)`` shows all."""


def _number(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def format_summary(summary: pd.DataFrame, full: bool = False) -> str:
    """A fixed-width table: KPI, mean, 95% CI and unit, one line per KPI."""
    rows = summary if full else summary.loc[[k for k in KEY_KPIS if k in summary.index]]
    lines = []
    for name, row in rows.iterrows():
        ci = (f"[{_number(row['ci_low'])}, {_number(row['ci_high'])}]"
              if not math.isnan(row["ci_low"]) else "(one replication: no CI)")
        lines.append((str(name), _number(row["mean"]), ci, str(row["unit"])))
    width = [max(len(line[i]) for line in lines + [("KPI", "mean", "95% CI", "unit")])
             for i in range(4)]
    header = ("KPI", "mean", "95% CI", "unit")
    def line(a: str, b: str, c: str, d: str) -> str:
        return f"{a:<{width[0]}}  {b:>{width[1]}}  {c:<{width[2]}}  {d}"

    out = [line(*header), "-" * (sum(width) + 10)]
    out += [line(*row) for row in lines]
    return "\n".join(out)
