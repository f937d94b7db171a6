"""Plots: each function takes results and returns a matplotlib Figure with labelled axes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.ticker import StrMethodFormatter

from .calibration import CalibrationResult
from .catalog import CATALOG, COST_KPIS, PLOT_KPIS, SHORT_STAGE_LABELS, STAGE_LABELS
from .experiments import Comparison, StaffingResult
from .kpis import outcome_curve, outcome_day
from .results import Results
from .stages import active_stages

STATUS_COLOURS = {"resolved": "#2a9d8f", "dropped": "#e9c46a", "unresolved": "#e76f51",
                  "open": "#8d99ae"}


def _counted(results: Results) -> tuple[pd.DataFrame, float]:
    """Cases arriving after warm-up, and the replication-years they span."""
    start, end = results.window
    counted = results.cases[results.cases["arrival_day"] >= start]
    return counted, (end - start) / 365.0 * results.replications


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
    counted, years = _counted(results)
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


def _curve_of(cases: pd.DataFrame, origin: pd.Series, window: tuple[float, float],
              ) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier curve pooled over replications (they share the window)."""
    inside = ((origin >= window[0]) & (origin < window[1])).to_numpy()
    return outcome_curve(origin.to_numpy()[inside], outcome_day(cases)[inside], window[1])


def time_to_outcome(results: Results) -> Figure:
    """Share of grievances with an outcome by each number of days, individual vs collective;
    cases still open are counted (censored), so an overloaded stage shows as a flat curve."""
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.subplots()
    cases = results.cases
    for kind in ("individual", "collective"):
        origin = cases["arrival_day"].where(cases["kind"] == kind)
        days, share = _curve_of(cases, origin, results.window)
        ax.step(days, share, where="post", label=f"{kind} grievances")
    ax.set_xscale("symlog", linthresh=30)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Days since the grievance (calendar days; log scale beyond 30)")
    ax.set_ylabel("Share with an outcome (Kaplan-Meier)")
    ax.set_title(f"How soon grievances end: {results.scenario.name}")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def case_flows(results: Results) -> pd.DataFrame:
    """Cases per year moving between stages and into final statuses (source, target, cases)."""
    counted, years = _counted(results)
    stages = active_stages(results.scenario)
    entered = pd.DataFrame({s: (counted["arrival_day"] if s == "workplace"
                                else counted[f"{s}_entry_day"]).notna() for s in stages})
    entered.loc[counted["kind"] == "migrant", "workplace"] = False
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


def flow_diagram(results: Results) -> Figure:
    """Sankey-style diagram: cases per year from the workplace through each stage to their end."""
    flows = case_flows(results)
    stages = [s for s in active_stages(results.scenario)
              if s in set(flows["source"]) | set(flows["target"])]
    columns = {s: i for i, s in enumerate(stages)}
    columns.update({status: len(stages) for status in STATUS_COLOURS})
    through = {n: max(flows.loc[flows["source"] == n, "cases_per_year"].sum(),
                      flows.loc[flows["target"] == n, "cases_per_year"].sum())
               for n in columns}
    nodes = [n for n in columns if through[n] > 0]
    scale = 0.8 / max(sum(through[n] for n in nodes if columns[n] == len(stages)),
                      max(through.values()))
    gap = 0.07
    y = {}
    for column in sorted({columns[n] for n in nodes}):
        top = 0.95
        for n in [n for n in nodes if columns[n] == column]:
            y[n] = top
            top -= through[n] * scale + gap
    fig = Figure(figsize=(10, 5.2), layout="constrained")
    ax = fig.subplots()
    out_used = dict.fromkeys(nodes, 0.0)
    in_used = dict.fromkeys(nodes, 0.0)
    palette = {s: f"C{i}" for i, s in enumerate(stages)}
    for row in flows.sort_values(["source", "target"]).itertuples():
        if row.cases_per_year <= 0:
            continue
        h = row.cases_per_year * scale
        x0, x1 = columns[row.source] + 0.05, columns[row.target] - 0.05
        y0 = y[row.source] - out_used[row.source]
        y1 = y[row.target] - in_used[row.target]
        out_used[row.source] += h
        in_used[row.target] += h
        mid = (x0 + x1) / 2
        verts = [(x0, y0), (mid, y0), (mid, y1), (x1, y1), (x1, y1 - h), (mid, y1 - h),
                 (mid, y0 - h), (x0, y0 - h), (x0, y0)]
        codes = [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.LINETO,
                 Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.CLOSEPOLY]
        ax.add_patch(PathPatch(Path(verts, codes), facecolor=palette[row.source], alpha=0.35,
                               edgecolor="none"))
    for n in nodes:
        colour = STATUS_COLOURS.get(n, palette.get(n))
        height = through[n] * scale
        ax.add_patch(Rectangle((columns[n] - 0.05, y[n] - height), 0.1, height, color=colour))
        label = f"{SHORT_STAGE_LABELS.get(n, n)}\n{through[n]:,.0f}/yr"
        if n in STATUS_COLOURS:
            ax.text(columns[n] + 0.08, y[n] - height / 2, label, fontsize=8, va="center")
        else:
            below = columns[n] % 2 == 1
            ax.text(columns[n], y[n] - height - 0.01 if below else y[n] + 0.01, label,
                    fontsize=8, ha="center", va="top" if below else "bottom")
    ax.set_xlim(-0.4, len(stages) + 0.9)
    ax.set_ylim(min(y[n] - through[n] * scale for n in nodes) - 0.05, 1.08)
    ax.axis("off")
    ax.set_title(f"Where cases go (cases per year, band width in proportion): "
                 f"{results.scenario.name}")
    return fig


def time_to_outcome_compared(results: Mapping[str, Results],
                             kind: str = "collective") -> Figure:
    """Share of ``kind`` disputes filed with the ministry that have an outcome by each number
    of days since filing, per scenario (Kaplan-Meier: open cases counted as censored)."""
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.subplots()
    for name, r in results.items():
        cases = r.cases
        filed = (cases["kind"] == kind) & (cases["outcome"] != "settled_at_workplace")
        days, share = _curve_of(cases, cases["workplace_exit_day"].where(filed), r.window)
        ax.step(days, share, where="post", label=name)
    ax.set_xscale("symlog", linthresh=30)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Days since filing with the ministry (calendar days; log scale beyond 30)")
    ax.set_ylabel(f"Share of {kind} disputes with an outcome")
    ax.set_title(f"How soon {kind} disputes filed with the ministry end")
    ax.legend(title="Scenario")
    ax.grid(alpha=0.3)
    return fig


def kpi_comparison(comparison: Comparison, kpis: Sequence[str] = PLOT_KPIS[:6]) -> Figure:
    """One panel per KPI: each scenario's mean with its 95% confidence interval."""
    table = comparison.kpis().set_index(["kpi", "scenario"])
    kpis = [k for k in kpis if k in table.index.get_level_values(0)]
    cols = min(3, len(kpis))
    rows = int(np.ceil(len(kpis) / cols))
    # at least 7 inches wide, so the title of a single panel is not cut off
    fig = Figure(figsize=(max(4 * cols, 7), 3.2 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    names = comparison.names
    for ax, kpi in zip(axes, kpis, strict=False):
        part = table.loc[kpi].reindex(names)
        means = part["mean"].to_numpy()
        errors = np.abs(np.vstack([means - part["ci_low"], part["ci_high"] - means]))
        bars = ax.bar(names, means, yerr=np.nan_to_num(errors), capsize=6,
                      color=[f"C{i}" for i in range(len(names))], alpha=0.8)
        for bar, beyond in zip(bars, part["beyond_run"].fillna(0), strict=True):
            if beyond > 0:  # a lower bound: the curve went beyond the simulated period
                ax.annotate("more than\nthe run shows", (bar.get_x() + bar.get_width() / 2,
                            bar.get_height()), ha="center", va="bottom", fontsize=7)
        ax.set_title(CATALOG[kpi].short_label, fontsize=9)
        ax.set_ylabel(CATALOG[kpi].unit)
        if np.nanmax(np.abs(means), initial=0) >= 10_000:  # 500,000 rather than 500000
            ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.tick_params(axis="x", labelrotation=20, labelsize=8)
        ax.grid(axis="y", alpha=0.3)
    for ax in axes[len(kpis):]:
        ax.axis("off")
    fig.suptitle(f"Scenarios compared (mean and {comparison.level:.0%} confidence interval)")
    return fig


def cost_per_resolved_case(comparison: Comparison) -> Figure:
    """Yearly budget and cost per resolved case of each scenario, with 95% CIs."""
    return kpi_comparison(comparison, COST_KPIS)


def staffing_curve(result: StaffingResult) -> Figure:
    """A KPI against a staffing or budget level, the target, and the levels that meet it."""
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.subplots()
    curve = result.curve
    x = curve[result.parameter].to_numpy()
    ax.fill_between(x, curve["ci_low"], curve["ci_high"], alpha=0.25, label="95% CI")
    ax.plot(x, curve["mean"], marker="o", label="mean")
    ax.axhline(result.target, color="k", linestyle="--", label=f"target {result.target:g}")
    if result.level_for_mean is not None:
        ax.axvline(result.level_for_mean, color="C2", label=f"meets on average: "
                   f"{result.level_for_mean:g}")
    if result.level_for_confidence is not None:
        ax.axvline(result.level_for_confidence, color="C3", linestyle=":",
                   label=f"meets with 95% confidence: {result.level_for_confidence:g}")
    ax.set_xlabel(result.parameter.replace("_", " "))
    ax.set_ylabel(f"{CATALOG[result.kpi].label} ({CATALOG[result.kpi].unit})")
    ax.set_title("Staffing against performance (levels evaluated by the search)")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return fig


def calibration_fit(result: CalibrationResult) -> Figure:
    """Observed against simulated for each calibration target: tolerance band and 95% CI."""
    table = result.table
    fig = Figure(figsize=(4 * len(table), 3.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(table)))
    for ax, row in zip(axes, table.itertuples(), strict=True):
        ax.axhspan(row.observed - row.tolerance, row.observed + row.tolerance, color="0.85",
                   label="observed ± tolerance")
        ax.axhline(row.observed, color="k", label="observed")
        ax.errorbar([0], [row.simulated], yerr=[[row.simulated - row.ci_low],
                                                [row.ci_high - row.simulated]],
                    fmt="o", color="C0" if row.within_tolerance else "C3", capsize=6,
                    label="simulated (95% CI)")
        ax.set_xticks([])
        ax.set_title(CATALOG[row.kpi].short_label, fontsize=9)
        ax.set_ylabel(CATALOG[row.kpi].unit)
    axes[0].legend(fontsize="x-small")
    fig.suptitle(f"Calibration of {result.scenario.name}: observed vs simulated "
                 f"(fit error {result.objective:.2f})")
    return fig


def utilisation_bars(summary: pd.DataFrame) -> Figure:
    """Share of staff time in use at each staffed stage (mean, 95% CI), from a KPI summary."""
    rows = summary[summary.index.str.startswith("utilisation_")]
    stages = [name.removeprefix("utilisation_") for name in rows.index]
    fig = Figure(figsize=(8, 3.4), layout="constrained")
    ax = fig.subplots()
    means = rows["mean"].to_numpy()
    errors = np.vstack([means - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - means])
    ax.barh([SHORT_STAGE_LABELS.get(s, s) for s in stages], means, xerr=np.nan_to_num(errors),
            capsize=5, color=["C3" if m > 0.85 else "C0" for m in means])
    ax.axvline(0.85, color="k", linestyle=":", label="0.85: queues grow fast above this")
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share of staff time in use (utilisation)")
    ax.set_title("How busy each stage's staff are (mean and 95% CI)")
    ax.legend(fontsize="small", loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return fig


def time_in_stages(results: Results) -> Figure:
    """Where the time goes: mean days waiting for staff and being served, per stage."""
    stats = results.stage_statistics().groupby("stage").mean(numeric_only=True)
    stats = stats.reindex([s for s in active_stages(results.scenario) if s in stats.index])
    service = stats["mean_days_in_stage"] - stats["mean_wait_days"]
    fig = Figure(figsize=(8, 3.4), layout="constrained")
    ax = fig.subplots()
    labels = [SHORT_STAGE_LABELS.get(s, s) for s in stats.index]
    ax.barh(labels, stats["mean_wait_days"], color="C3", label="waiting for staff")
    ax.barh(labels, service, left=stats["mean_wait_days"], color="C0",
            label="being handled (and legal waiting periods)")
    ax.invert_yaxis()
    ax.set_xlabel("Mean days per case in the stage")
    ax.set_title(f"Where the time goes: {results.scenario.name}")
    ax.legend(fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    return fig


def tornado(sensitivity: pd.DataFrame, kpi_label: str = "") -> Figure:
    """One-at-a-time sensitivity: the KPI's change when each parameter goes down or up."""
    table = sensitivity.assign(width=(sensitivity["high"] - sensitivity["low"]).abs())
    table = table.sort_values("width")
    fig = Figure(figsize=(8, 0.5 * len(table) + 1.5), layout="constrained")
    ax = fig.subplots()
    base = float(table["base"].iloc[0])
    labels = [p.split(".")[-1].replace("_", " ") for p in table["parameter"]]
    ax.barh(labels, table["low"] - base, left=base, color="C0", label="parameter lowered")
    ax.barh(labels, table["high"] - base, left=base, color="C3", label="parameter raised")
    ax.axvline(base, color="k")
    kpi = table["kpi"].iloc[0]
    ax.set_xlabel(kpi_label or f"{CATALOG[kpi].label} ({CATALOG[kpi].unit})")
    ax.set_title(f"Sensitivity of {CATALOG[kpi].short_label.lower()} "
                 f"(each parameter -/+{table['change'].iloc[0]:.0%})")
    ax.legend(fontsize="small")
    return fig
