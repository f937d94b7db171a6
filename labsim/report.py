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


def format_number(value: float) -> str:
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
        ci = (f"[{format_number(row['ci_low'])}, {format_number(row['ci_high'])}]"
              if not math.isnan(row["ci_low"]) else "(one replication: no CI)")
        lines.append((str(name), format_number(row["mean"]), ci, str(row["unit"])))
    width = [max(len(line[i]) for line in lines + [("KPI", "mean", "95% CI", "unit")])
             for i in range(4)]
    header = ("KPI", "mean", "95% CI", "unit")
    def line(a: str, b: str, c: str, d: str) -> str:
        return f"{a:<{width[0]}}  {b:>{width[1]}}  {c:<{width[2]}}  {d}"

    out = [line(*header), "-" * (sum(width) + 10)]
    out += [line(*row) for row in lines]
    return "\n".join(out)


VERDICT_KPIS = (
    ("strike_days_per_year", "strike days"),
    ("days_to_resolution_mean_collective", "time to resolve a collective dispute"),
    ("days_to_resolution_mean_individual", "time to resolve an individual dispute"),
    ("cost_usd_per_resolved_case", "cost per resolved case"),
    ("share_collective_settled_within_deadlines", "collective disputes settled within deadlines"),
    ("grievances_per_year", "grievances"),
)
"""What a workshop verdict speaks of, in plain words."""


def _percent(value: float) -> str:
    return f"{abs(value) * 100:.0f}%"


def verdict(differences: pd.DataFrame) -> list[str]:
    """Plain-language lines: e.g. 'prevention_first: 35% fewer strike days (95% CI 20-48%)'."""
    lines = []
    for name, rows in differences.groupby("scenario", sort=False):
        rows = rows.set_index("kpi")
        for kpi, words in VERDICT_KPIS:
            if kpi not in rows.index:
                continue
            r = rows.loc[kpi]
            ref = r["reference"]
            if not r["clear"]:
                lines.append(f"{name} vs {ref}: no clear difference in {words} "
                             f"(95% CI {r['relative_ci_low'] * 100:+.0f}% to "
                             f"{r['relative_ci_high'] * 100:+.0f}%)")
                continue
            more = "higher" if r["difference"] > 0 else "lower"
            if kpi in ("strike_days_per_year", "grievances_per_year"):
                more = "more" if r["difference"] > 0 else "fewer"
            low, high = sorted((abs(r["relative_ci_low"]), abs(r["relative_ci_high"])))
            tag = "better" if r["better"] else "worse"
            lines.append(f"{name} vs {ref}: {_percent(r['relative'])} {more} {words} "
                         f"(95% CI {low * 100:.0f}-{high * 100:.0f}%; {tag})")
    return lines


def format_comparison(kpis: pd.DataFrame, differences: pd.DataFrame, full: bool = False) -> str:
    """Each scenario's mean [95% CI] side by side, then the paired difference to the reference."""
    names = list(dict.fromkeys(kpis["scenario"]))
    wanted = list(dict.fromkeys(kpis["kpi"])) if full else [
        k for k in KEY_KPIS + ("budget_usd_per_year", "cost_usd_per_resolved_case")
        if k in set(kpis["kpi"])]
    cell = {(r.scenario, r.kpi): f"{format_number(r.mean)} [{format_number(r.ci_low)}, "
            f"{format_number(r.ci_high)}]" for r in kpis.itertuples()}
    change = {}
    for r in differences.itertuples():
        mark = (" better" if r.better else " worse") if r.better is not None else ""
        text = (f"{r.relative * 100:+.0f}% [{r.relative_ci_low * 100:+.0f}, "
                f"{r.relative_ci_high * 100:+.0f}]" if not math.isnan(r.relative) else "-")
        change[(r.scenario, r.kpi)] = text + (mark if r.clear else " (not clear)")
    others = [n for n in names if n != differences["reference"].iloc[0]] if len(differences) else []
    header = ["KPI"] + names + [f"{n} vs {differences['reference'].iloc[0]}" for n in others]
    rows = [[k] + [cell.get((n, k), "-") for n in names] + [change.get((n, k), "-")
                                                           for n in others] for k in wanted]
    width = [max(len(str(row[i])) for row in rows + [header]) for i in range(len(header))]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, width, strict=True)),
           "-" * (sum(width) + 2 * (len(width) - 1))]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(row, width, strict=True)) for row in rows]
    return "\n".join(out)
