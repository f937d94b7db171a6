"""Reading a robustness result: the same comparison in many plausible worlds, as tables.

Given the paired differences of every world (``experiments.worlds`` runs them), the spread
of the mean difference, the worlds in which each policy wins, the assumptions that drive the
difference (rank correlations with bootstrap intervals), where the verdict flips and, with
the research extra, the box of assumptions where a policy loses (PRIM). Pure functions of
the tables; a result saves and loads as CSV and JSON.
"""

from __future__ import annotations

import dataclasses
import io
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError
from ..files import check_output_dir, read_text, write_atomically
from ..scenario.assumptions import Assumption
from ..scenario.settings import RunSettings
from ..version import code_fingerprint
from .catalog import CATALOG

MIN_REPLICATIONS_FOR_COUNTS = 10
"""Below this, a world's paired interval is too unsure to call a difference clear."""
BOOTSTRAP_RESAMPLES = 1000
MIN_WORLDS_FOR_DRIVERS = 8
"""Below this many worlds, no assumption is named as a driver and no break-even is given."""

@dataclass
class Robustness:
    """A comparison repeated across plausible worlds: differences, wins, drivers."""

    reference: str
    names: list[str]
    assumptions: tuple[Assumption, ...]
    worlds: pd.DataFrame
    """One row per world kept: the assumption values, and how well it re-fitted the record."""
    differences: pd.DataFrame
    """Paired differences (scenario - reference) in every world kept, with a world column."""
    central: pd.DataFrame
    """The same differences with every assumption at its central value."""
    settings: RunSettings
    refused_draws: int
    """Drawn worlds the model's rules did not allow (they were redrawn)."""
    left_out: dict[int, str]
    """Worlds left out, and why: the re-fit could not reproduce the record, or the policies
    broke a rule of the model in that world."""
    stamp: str
    refit: bool = True
    level: float = 0.95
    seed: int = 1
    saved_summary: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    """The summary as saved with the result (``load_result``): shown as it was computed."""
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    """Drivers and the summary, computed once."""

    @property
    def counts_reliable(self) -> bool:
        return self.settings.replications >= MIN_REPLICATIONS_FOR_COUNTS

    def judged_kpis(self) -> list[str]:
        """KPIs with a better direction that every world measured."""
        kpis = self.differences["kpi"].unique()
        return [k for k in kpis if CATALOG[k].lower_is_better is not None]

    def _per_world(self, kpi: str, scenario: str | None) -> pd.DataFrame:
        """The worlds in which ``kpi`` was measured for ``scenario`` (vs the reference)."""
        scenario = scenario or self.names[1]
        if scenario not in self.names[1:]:
            raise InputError("scenario", scenario, f"one of {', '.join(self.names[1:])} (the "
                             f"reference {self.reference} is what they are compared with)")
        rows = self.differences[(self.differences["kpi"] == kpi)
                                & (self.differences["scenario"] == scenario)]
        if rows.empty:
            raise InputError("kpi", kpi, f"a KPI compared in every world "
                             f"({', '.join(self.judged_kpis())})")
        rows = rows.set_index("world").sort_index()
        return rows[rows["difference"].notna()]

    def _signs(self, rows: pd.DataFrame, kpi: str) -> tuple[pd.Series, pd.Series]:
        """Per world: scenario better on the mean, scenario worse on the mean."""
        lower = CATALOG[kpi].lower_is_better
        better = rows["difference"] < 0 if lower else rows["difference"] > 0
        worse = rows["difference"] > 0 if lower else rows["difference"] < 0
        return better, worse

    def _outcome(self, rows: pd.DataFrame) -> np.ndarray:
        """What drivers explain: the relative difference, or the difference itself where
        the reference is zero in some world."""
        relative = rows["relative"].to_numpy(dtype=float)
        return relative if np.isfinite(relative).all() else rows["difference"].to_numpy(
            dtype=float)

    def drivers(self, kpi: str, scenario: str | None = None) -> pd.DataFrame:
        """How strongly each assumption moves the world's difference: partial rank
        correlation (plain rank correlation when there are fewer worlds than assumptions +
        10), with bootstrap intervals corrected for the number of assumptions (Bonferroni);
        strongest first. Empty below ``MIN_WORLDS_FOR_DRIVERS`` measured worlds."""
        key = ("drivers", kpi, scenario or self.names[1])
        if key not in self._cache:
            self._cache[key] = self._rank_drivers(kpi, scenario or self.names[1])
        return self._cache[key]

    def _rank_drivers(self, kpi: str, scenario: str) -> pd.DataFrame:
        rows = self._per_world(kpi, scenario)
        columns = ["assumption", "label", "correlation", "ci_low", "ci_high", "method",
                   "drives"]
        if len(rows) < MIN_WORLDS_FOR_DRIVERS:
            return pd.DataFrame(columns=columns).astype({"drives": bool})
        x = self.worlds.loc[rows.index, [a.path for a in self.assumptions]].to_numpy()
        y = self._outcome(rows)
        partial = len(y) >= x.shape[1] + 10
        estimate = rank_correlations(x, y, partial)
        rng = np.random.default_rng(self.seed)
        boot = np.array([rank_correlations(x[i], y[i], partial) for i in
                         (rng.integers(0, len(y), len(y)) for _ in range(BOOTSTRAP_RESAMPLES))])
        tail = 100 * (1 - self.level) / (2 * x.shape[1])
        measured = np.isfinite(boot).any(axis=0)
        low, high = np.full(x.shape[1], np.nan), np.full(x.shape[1], np.nan)
        if measured.any():
            low[measured], high[measured] = np.nanpercentile(boot[:, measured],
                                                             [tail, 100 - tail], axis=0)
        table = pd.DataFrame({
            "assumption": [a.path for a in self.assumptions],
            "label": [a.label for a in self.assumptions],
            "correlation": estimate, "ci_low": low, "ci_high": high,
            "method": "partial rank correlation" if partial else "rank correlation"})
        table["drives"] = (table["ci_low"] > 0) | (table["ci_high"] < 0)
        order = table["correlation"].abs().fillna(0).sort_values(ascending=False).index
        return table.loc[order, columns].reset_index(drop=True)

    def _central_sign(self, kpi: str, scenario: str) -> int:
        """+1 when the scenario is clearly better than the reference under the central
        assumptions, -1 when clearly worse, 0 otherwise (no verdict to reverse)."""
        row = self.central[(self.central["kpi"] == kpi) & (self.central["scenario"] == scenario)]
        if row.empty or not np.isfinite(row["difference"].iloc[0]) or not row["clear"].iloc[0]:
            return 0
        difference = row["difference"].iloc[0]
        lower = CATALOG[kpi].lower_is_better
        return int(np.sign(-difference if lower else difference))

    def break_even(self, kpi: str, scenario: str | None = None) -> dict | None:
        """Where the central verdict on ``kpi`` reverses along its strongest driver, read
        from the worlds themselves: the threshold that best separates the worlds that
        reverse it from those that do not, with most of those beyond it (at least 3)
        reversing it. None without a clear central verdict or a clear driver;
        ``value`` None when the reversals do not gather on one side of any value."""
        scenario = scenario or self.names[1]
        sign = self._central_sign(kpi, scenario)
        top = self.drivers(kpi, scenario)
        top = top[top["drives"]]
        if sign == 0 or top.empty:
            return None
        rows = self._per_world(kpi, scenario)
        better, worse = self._signs(rows, kpi)
        reversed_ = (worse if sign > 0 else better).to_numpy()
        path = top.iloc[0]["assumption"]
        assumption = next(a for a in self.assumptions if a.path == path)
        x = self.worlds.loc[rows.index, path].to_numpy()
        found = {"assumption": path, "label": assumption.label, "low": assumption.low,
                 "high": assumption.high, "worlds": len(x),
                 "reversed": int(reversed_.sum()), "value": None, "flips_when": None,
                 "worlds_beyond": 0, "reversed_beyond": 0}
        order = np.argsort(x)
        best = None
        for side, ranked in (("below", order), ("above", order[::-1])):
            flags = reversed_[ranked]
            for k in range(2, len(x) - 1):  # at least 3 worlds beyond, 1 inside
                beyond, rest = flags[:k + 1], flags[k + 1:]
                errors = (k + 1 - beyond.sum()) + rest.sum()
                if beyond.mean() > 0.5 > rest.mean() and (best is None or errors < best[0]):
                    best = (errors, side, k, ranked)
        if best is not None:
            _, side, k, ranked = best
            found.update(value=float(0.5 * (x[ranked[k]] + x[ranked[k + 1]])),
                         flips_when=side, worlds_beyond=k + 1,
                         reversed_beyond=int(reversed_[ranked][:k + 1].sum()))
        return found

    def summary(self) -> pd.DataFrame:
        """One row per compared scenario and judged KPI: the central verdict, the spread of
        the mean paired difference across the worlds that measured it, the worlds each side
        wins, the drivers and where the verdict reverses."""
        if self.saved_summary is not None:
            return self.saved_summary
        if "summary" not in self._cache:
            table = pd.DataFrame([self._summary_row(kpi, scenario)
                                  for scenario in self.names[1:] for kpi in self.judged_kpis()])
            numbers = ["worlds_reversed", "break_even_value", "worlds_beyond",
                       "worlds_reversed_beyond", "range_low", "range_high"]
            self._cache["summary"] = table.assign(
                **{c: pd.to_numeric(table[c]) for c in numbers},
                flips_when=table["flips_when"].fillna(""))
        return self._cache["summary"]

    def _summary_row(self, kpi: str, scenario: str) -> dict:
        rows = self._per_world(kpi, scenario)
        better, worse = self._signs(rows, kpi)
        central = self.central[(self.central["kpi"] == kpi)
                               & (self.central["scenario"] == scenario)].iloc[0]
        diff = rows["difference"]
        rel = rows["relative"] if np.isfinite(rows["relative"]).all() else diff * np.nan
        drivers = self.drivers(kpi, scenario)
        drivers = drivers[drivers["drives"]].head(3)
        flip = self.break_even(kpi, scenario) or {}
        reliable = self.counts_reliable
        return {
            "kpi": kpi, "label": CATALOG[kpi].label, "unit": CATALOG[kpi].unit,
            "policy": scenario, "reference": self.reference,
            "central_difference": central["difference"],
            "central_relative": central["relative"], "central_clear": bool(central["clear"]),
            "median_difference": diff.median(), "difference_p05": diff.quantile(0.05),
            "difference_p95": diff.quantile(0.95), "median_relative": rel.median(),
            "relative_p05": rel.quantile(0.05), "relative_p95": rel.quantile(0.95),
            "worlds": len(rows),
            "worlds_policy_better": int(better.sum()),
            "worlds_reference_better": int(worse.sum()),
            "worlds_clearly_policy_better": int((rows["clear"] & better).sum())
            if reliable else np.nan,
            "worlds_clearly_reference_better": int((rows["clear"] & worse).sum())
            if reliable else np.nan,
            "worlds_not_clear": int((~rows["clear"]).sum()) if reliable else np.nan,
            "drivers": "; ".join(f"{p} ({c:+.2f})" for p, c in
                                 zip(drivers["assumption"], drivers["correlation"],
                                     strict=True)),
            "depends_most_on": drivers["label"].iloc[0] if len(drivers) else "",
            "worlds_reversed": flip.get("reversed"),
            "break_even_value": flip.get("value"), "flips_when": flip.get("flips_when"),
            "worlds_beyond": flip.get("worlds_beyond"),
            "worlds_reversed_beyond": flip.get("reversed_beyond"),
            "range_low": flip.get("low"), "range_high": flip.get("high"),
        }

    def seen_from(self, subject: str) -> Robustness:
        """The same result read from ``subject``'s side when it is the reference of two
        policies (each world's paired differences negated and divided by the other side's
        mean; the summary's counts swapped, its spreads re-read from the flipped worlds), so
        a panel speaks of the policy a group recommends. Unchanged otherwise."""
        if subject != self.reference or len(self.names) != 2:
            return self
        other = self.names[1]
        differences, central = _flipped(self.differences), _flipped(self.central)
        summary = self.summary().copy()
        swap = {"policy": "reference", "worlds_policy_better": "worlds_reference_better",
                "worlds_clearly_policy_better": "worlds_clearly_reference_better",
                "difference_p05": "difference_p95"}
        for a, b in swap.items():
            summary[a], summary[b] = summary[b].to_numpy(), summary[a].to_numpy()
        for column in ("central_difference", "median_difference", "difference_p05",
                       "difference_p95"):
            summary[column] = -summary[column]
        relative = central.set_index("kpi")["relative"]
        summary["central_relative"] = summary["kpi"].map(relative)
        per_kpi = differences.groupby("kpi")["relative"]
        for column, quantile in (("median_relative", 0.5), ("relative_p05", 0.05),
                                 ("relative_p95", 0.95)):
            summary[column] = summary["kpi"].map(per_kpi.quantile(quantile))
        return dataclasses.replace(self, reference=other, names=[other, subject],
                                   differences=differences, central=central,
                                   saved_summary=summary)

    def where_it_loses(self, kpi: str, policy: str | None = None,
                       threshold: float = 0.8) -> pd.DataFrame:
        """Scenario discovery (PRIM, from the EMA workbench): the box of assumption ranges in
        which ``policy`` (default: the second) does worse on ``kpi`` than the other side of
        its comparison (the reference, or the second for the reference). Needs
        labsim[research]."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from ema_workbench.analysis import prim
        except ImportError:
            raise InputError("where_it_loses", kpi, "the research extra installed: "
                             "pip install 'labsim[research]'") from None
        policy = policy or self.names[1]
        if policy not in self.names:
            raise InputError("policy", policy, f"one of {', '.join(self.names)}")
        scenario = self.names[1] if policy == self.reference else policy
        rows = self._per_world(kpi, scenario)
        better, worse = self._signs(rows, kpi)
        loses = better if policy == self.reference else worse
        columns = ["assumption", "label", "low", "high", "coverage", "density"]
        if loses.sum() == 0 or loses.all():
            return pd.DataFrame(columns=columns)
        x = self.worlds.loc[rows.index, [a.path for a in self.assumptions]].reset_index(
            drop=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = prim.Prim(x, loses.to_numpy(), threshold=threshold).find_box()
            stats_, limits = box.inspect(style="data")[0]
        labels = {a.path: a.label for a in self.assumptions}
        if isinstance(limits.columns, pd.MultiIndex):
            limits = limits.droplevel(0, axis=1)
        return pd.DataFrame({
            "assumption": limits.index, "label": [labels[p] for p in limits.index],
            "low": limits["min"].to_numpy(), "high": limits["max"].to_numpy(),
            "coverage": stats_["coverage"], "density": stats_["density"]}, columns=columns)

    def save(self, directory: str | Path) -> Path:
        """Everything needed to show this result again without running it: worlds,
        differences and a meta file with the stamp and code fingerprint."""
        directory = check_output_dir(directory, "directory")
        for name in ("worlds", "differences", "central"):
            write_atomically(directory / f"{name}.csv", getattr(self, name).to_csv(
                index=name == "worlds"))
        write_atomically(directory / "summary.csv", self.summary().to_csv(index=False))
        meta = {"reference": self.reference, "names": self.names, "stamp": self.stamp,
                "code": code_fingerprint(), "settings": dataclasses.asdict(self.settings),
                "refused_draws": self.refused_draws,
                "left_out": {str(k): v for k, v in self.left_out.items()},
                "refit": self.refit, "level": self.level, "seed": self.seed,
                "assumptions": [dataclasses.asdict(a) for a in self.assumptions]}
        write_atomically(directory / "meta.json", json.dumps(meta, indent=1))
        return directory

    def to_csv(self, path: str | Path) -> Path:
        """The summary as CSV, its first line the stamp (read with ``comment="#"``)."""
        return write_atomically(path, f"# {self.stamp}\n" + self.summary().to_csv(index=False))


def _flipped(rows: pd.DataFrame) -> pd.DataFrame:
    """Paired differences read from the other side: scenario and reference swap, the
    difference and its interval change sign, relative ones divide by the other mean."""
    out = rows.copy()
    out["scenario"], out["reference"] = rows["reference"], rows["scenario"]
    out["mean"], out["reference_mean"] = rows["reference_mean"], rows["mean"]
    out["difference"] = -rows["difference"]
    out["ci_low"], out["ci_high"] = -rows["ci_high"], -rows["ci_low"]
    base = out["reference_mean"].where(out["reference_mean"] != 0)
    for column, source in (("relative", "difference"), ("relative_ci_low", "ci_low"),
                           ("relative_ci_high", "ci_high")):
        out[column] = out[source] / base
    out["better"] = rows["better"].map(lambda b: b if pd.isna(b) or b == "" else not _true(b))
    return out


def _true(value: object) -> bool:
    """A flag as a CSV reads it back (True, "True") or as computed."""
    return value is True or str(value) == "True"


def rank_correlations(x: np.ndarray, y: np.ndarray, partial: bool) -> np.ndarray:
    """(Partial) Spearman correlation of each column of ``x`` with ``y``; the partial one
    holds the other columns fixed (from the inverse of the rank correlation matrix)."""
    ranks = np.column_stack([stats.rankdata(x, axis=0), stats.rankdata(y)])
    spread = ranks.std(axis=0)
    out = np.full(x.shape[1], np.nan)
    if spread[-1] == 0:
        return out
    moving = np.flatnonzero(spread[:-1] > 0)
    if moving.size == 0:
        return out
    corr = np.corrcoef(ranks[:, [*moving, x.shape[1]]], rowvar=False)
    if not partial:
        out[moving] = corr[:-1, -1]
        return out
    inverse = np.linalg.pinv(corr)
    out[moving] = -inverse[:-1, -1] / np.sqrt(inverse.diagonal()[:-1] * inverse[-1, -1])
    return out


def load_result(directory: str | Path) -> tuple[Robustness, str]:
    """A saved result and the code fingerprint it was computed with (compare it with
    ``version.code_fingerprint()`` to know whether it is current)."""
    directory = Path(directory)
    meta = json.loads(read_text(directory / "meta.json", "robustness result"))
    names = ("worlds", "differences", "central", "summary")
    tables = {name: pd.read_csv(io.StringIO(read_text(directory / f"{name}.csv",
                                                      "robustness result"))) for name in names}
    text = ["drivers", "depends_most_on", "flips_when"]
    summary = tables["summary"].assign(
        **{c: [("" if pd.isna(v) else str(v)) for v in tables["summary"][c]] for c in text})
    result = Robustness(
        reference=meta["reference"], names=meta["names"],
        assumptions=tuple(Assumption(**a) for a in meta["assumptions"]),
        worlds=tables["worlds"].set_index("world"), differences=tables["differences"],
        central=tables["central"], settings=RunSettings(**meta["settings"]),
        refused_draws=meta["refused_draws"],
        left_out={int(k): v for k, v in meta["left_out"].items()}, stamp=meta["stamp"],
        refit=meta["refit"], level=meta["level"], seed=meta["seed"], saved_summary=summary)
    return result, meta["code"]


