"""How sure is a verdict: the same comparison in many plausible worlds.

Each world draws every assumption (``assumptions.py``) from its range by Latin hypercube,
re-fits the calibrated parameters on the expected flows so the world still reproduces the
observed record, and runs every policy with common random numbers. The spread of the mean
paired difference across worlds, the worlds in which each policy wins, the assumptions
that drive the difference and where the verdict flips say how far the central verdict
can be trusted.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc
from tqdm.auto import tqdm

from .assumptions import Assumption
from .calibration import DEFAULT_FREE, FREE_PARAMETERS, fit_surrogate, load_targets
from .catalog import CATALOG
from .errors import InputError, ScenarioError, is_whole
from .executors import ExecutorLike, Progress
from .experiments import Comparison, replicate
from .files import check_output_dir, read_text, write_atomically
from .kpis import check_level
from .policy import apply_policy
from .presets import base_path_of, load_assumptions, load_policy, load_scenario, resolve_path
from .provenance import stamp
from .rates import RATE_FIELDS
from .scenario import Scenario
from .scenario_io import apply_overrides
from .settings import RunSettings, as_settings
from .version import code_fingerprint

ROBUSTNESS_SETTINGS = RunSettings(years=3.0, replications=10, seed=1, warmup_days=180.0)
"""Per world: short runs, but the 10 replications a clear/not-clear count needs."""
MIN_REPLICATIONS_FOR_COUNTS = 10
"""Below this, a world's paired interval is too unsure to call a difference clear."""
BOOTSTRAP_RESAMPLES = 200
MAX_DRAW_ROUNDS = 20
"""Latin-hypercube batches tried before giving up on finding enough worlds the model allows."""
WorldMaker = Callable[[Scenario], dict[str, Scenario]]
"""From one world's re-fitted base scenario to the named scenarios compared in it."""


def calibrated_paths(base: Scenario, free: Sequence[str] = DEFAULT_FREE) -> set[str]:
    """Dotted paths calibration re-fits (rates of every sector, fitted shares and their
    balancing shares): these take no range."""
    paths = set()
    for name in free:
        parameter = FREE_PARAMETERS[name]
        paths.update(parameter.apply(base, 0.5 * (parameter.low + parameter.high)))
    for sector in base.arrivals.sectors:
        paths.update(f"arrivals.sectors.{sector.name}.{field}" for field in RATE_FIELDS.values())
    return paths


def _check_assumptions(base: Scenario, assumptions: Sequence[Assumption]) -> None:
    if not assumptions:
        raise InputError("assumptions", [], f"at least one assumption with a range in "
                         f"{base.name}'s [assumptions] table")
    fitted = calibrated_paths(base)
    for a in assumptions:
        if a.path in fitted:
            raise InputError(f"assumptions.{a.path}", (a.low, a.high),
                             "no range: calibration re-fits this parameter in every world")


def draw_worlds(base: Scenario, assumptions: Sequence[Assumption], draws: int,
                seed: int) -> tuple[pd.DataFrame, int]:
    """``draws`` Latin-hypercube worlds over the assumption ranges that the model's rules
    allow (e.g. workplace settlement never above 100%), and how many draws it refused."""
    if not (is_whole(draws) and 2 <= draws <= 10_000):
        raise InputError("draws", draws, "a whole number of worlds from 2 to 10,000")
    lows = np.array([a.low for a in assumptions])
    highs = np.array([a.high for a in assumptions])
    kept: list[np.ndarray] = []
    refused = 0
    for batch in range(MAX_DRAW_ROUNDS):
        sample = qmc.LatinHypercube(d=len(assumptions), optimization="random-cd",
                                     seed=np.random.default_rng([seed, batch])).random(draws)
        for point in lows + sample * (highs - lows):
            try:
                apply_overrides(base, dict(zip((a.path for a in assumptions), point,
                                               strict=True)))
            except ScenarioError:
                refused += 1
                continue
            kept.append(point)
            if len(kept) == draws:
                worlds = pd.DataFrame(kept, columns=[a.path for a in assumptions])
                return worlds.rename_axis("world"), refused
    raise InputError("assumptions", [a.path for a in assumptions],
                     f"ranges the model's rules allow together (only {len(kept)} of "
                     f"{len(kept) + refused} drawn worlds were valid)")


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
    left_out: list[int]
    """Worlds whose re-fit could not reproduce the record within its tolerances."""
    stamp: str
    level: float = 0.95
    seed: int = 1
    _drivers: dict = field(default_factory=dict, repr=False)

    @property
    def counts_reliable(self) -> bool:
        return self.settings.replications >= MIN_REPLICATIONS_FOR_COUNTS

    def judged_kpis(self) -> list[str]:
        """KPIs with a better direction that every world measured."""
        kpis = self.differences["kpi"].unique()
        return [k for k in kpis if CATALOG[k].lower_is_better is not None]

    def _per_world(self, kpi: str, scenario: str | None) -> pd.DataFrame:
        scenario = scenario or self.names[1]
        rows = self.differences[(self.differences["kpi"] == kpi)
                                & (self.differences["scenario"] == scenario)]
        if rows.empty:
            raise InputError("kpi", kpi, f"a KPI compared in every world "
                             f"({', '.join(self.judged_kpis())})")
        return rows.set_index("world").sort_index()

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
        correlation (plain rank correlation when there are too few worlds for the partial
        one), with bootstrap confidence intervals; strongest first."""
        key = (kpi, scenario or self.names[1])
        if key not in self._drivers:
            self._drivers[key] = self._rank_drivers(*key)
        return self._drivers[key]

    def _rank_drivers(self, kpi: str, scenario: str) -> pd.DataFrame:
        rows = self._per_world(kpi, scenario)
        x = self.worlds.loc[rows.index, [a.path for a in self.assumptions]].to_numpy()
        y = self._outcome(rows)
        partial = len(y) >= x.shape[1] + 10
        estimate = rank_correlations(x, y, partial)
        rng = np.random.default_rng(self.seed)
        boot = np.array([rank_correlations(x[i], y[i], partial) for i in
                         (rng.integers(0, len(y), len(y)) for _ in range(BOOTSTRAP_RESAMPLES))])
        measured = np.isfinite(boot).any(axis=0)
        low, high = np.full(x.shape[1], np.nan), np.full(x.shape[1], np.nan)
        if measured.any():
            low[measured], high[measured] = np.nanpercentile(boot[:, measured], [2.5, 97.5],
                                                             axis=0)
        table = pd.DataFrame({
            "assumption": [a.path for a in self.assumptions],
            "label": [a.label for a in self.assumptions],
            "correlation": estimate, "ci_low": low, "ci_high": high,
            "method": "partial rank correlation" if partial else "rank correlation"})
        table["drives"] = (table["ci_low"] > 0) | (table["ci_high"] < 0)
        order = table["correlation"].abs().fillna(0).sort_values(ascending=False).index
        return table.loc[order].reset_index(drop=True)

    def break_even(self, kpi: str, scenario: str | None = None) -> dict | None:
        """Where the verdict on ``kpi`` flips along its strongest driver, the other
        assumptions at their central values (a linear fit across worlds); None when no
        assumption clearly drives it."""
        top = self.drivers(kpi, scenario)
        top = top[top["drives"]]
        if top.empty:
            return None
        rows = self._per_world(kpi, scenario)
        paths = [a.path for a in self.assumptions]
        x = self.worlds.loc[rows.index, paths].to_numpy()
        y = self._outcome(rows)
        design = np.column_stack([np.ones(len(y)), x])
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        fitted = design @ coef
        r2 = 1 - np.sum((y - fitted) ** 2) / np.sum((y - y.mean()) ** 2) if y.std() else np.nan
        central = np.array([a.central for a in self.assumptions])
        at_central = coef[0] + central @ coef[1:]
        key = paths.index(top.iloc[0]["assumption"])
        assumption = self.assumptions[key]
        slope = coef[1 + key]
        value = central[key] - at_central / slope if slope else np.nan
        inside = bool(assumption.low <= value <= assumption.high)
        return {"assumption": assumption.path, "label": assumption.label,
                "value": float(value) if np.isfinite(value) else None,
                "within_range": inside, "low": assumption.low, "high": assumption.high,
                "flips_when": "below" if value < central[key] else "above",
                "r_squared": float(r2)}

    def summary(self) -> pd.DataFrame:
        """One row per compared scenario and judged KPI: the central verdict, the spread of
        the mean paired difference across worlds, the worlds each side wins, the drivers
        and the break-even of the strongest one."""
        out = []
        for scenario in self.names[1:]:
            for kpi in self.judged_kpis():
                rows = self._per_world(kpi, scenario)
                better, worse = self._signs(rows, kpi)
                central = self.central[(self.central["kpi"] == kpi)
                                       & (self.central["scenario"] == scenario)].iloc[0]
                diff, rel = rows["difference"], rows["relative"]
                drivers = self.drivers(kpi, scenario)
                drivers = drivers[drivers["drives"]].head(3)
                flip = self.break_even(kpi, scenario) or {}
                clear = rows["clear"] & self.counts_reliable
                out.append({
                    "kpi": kpi, "label": CATALOG[kpi].label, "unit": CATALOG[kpi].unit,
                    "policy": scenario, "reference": self.reference,
                    "central_difference": central["difference"],
                    "central_relative": central["relative"],
                    "central_clear": bool(central["clear"]),
                    "median_difference": diff.median(),
                    "difference_p05": diff.quantile(0.05), "difference_p95": diff.quantile(0.95),
                    "median_relative": rel.median(),
                    "relative_p05": rel.quantile(0.05), "relative_p95": rel.quantile(0.95),
                    "worlds": len(rows),
                    "worlds_policy_better": int(better.sum()),
                    "worlds_reference_better": int(worse.sum()),
                    "worlds_clearly_policy_better": int((clear & better).sum())
                    if self.counts_reliable else np.nan,
                    "worlds_clearly_reference_better": int((clear & worse).sum())
                    if self.counts_reliable else np.nan,
                    "worlds_not_clear": int((~rows["clear"]).sum())
                    if self.counts_reliable else np.nan,
                    "drivers": "; ".join(f"{p} ({c:+.2f})" for p, c in
                                         zip(drivers["assumption"], drivers["correlation"],
                                             strict=True)),
                    "depends_most_on": drivers["label"].iloc[0] if len(drivers) else "",
                    "break_even_value": flip.get("value"),
                    "break_even_within_range": flip.get("within_range"),
                    "flips_when": flip.get("flips_when"),
                    "range_low": flip.get("low"), "range_high": flip.get("high"),
                })
        return pd.DataFrame(out)

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
        meta = {"reference": self.reference, "names": self.names, "stamp": self.stamp,
                "code": code_fingerprint(), "settings": dataclasses.asdict(self.settings),
                "refused_draws": self.refused_draws, "left_out": self.left_out,
                "level": self.level, "seed": self.seed,
                "assumptions": [dataclasses.asdict(a) for a in self.assumptions]}
        write_atomically(directory / "meta.json", json.dumps(meta, indent=1))
        return directory

    def to_csv(self, path: str | Path) -> Path:
        """The summary as CSV, its first line the stamp (read with ``comment="#"``)."""
        return write_atomically(path, f"# {self.stamp}\n" + self.summary().to_csv(index=False))


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


def evaluate_worlds(base: Scenario, make: WorldMaker, assumptions: Sequence[Assumption],
                    draws: int = 64, settings: RunSettings = ROBUSTNESS_SETTINGS,
                    executor: ExecutorLike = "processes", refit: bool = True,
                    progress: Progress = True, cache_dir: str | Path | None = None,
                    level: float = 0.95) -> Robustness:
    """The comparison ``make`` builds, in the central world and in ``draws`` drawn worlds."""
    settings = as_settings(settings)
    check_level(level)
    _check_assumptions(base, assumptions)
    targets = load_targets(scenario=base.name) if refit else []
    if refit and not targets:
        raise InputError("refit", True, f"calibration targets for {base.name} (or refit=False)")
    worlds, refused = draw_worlds(base, assumptions, draws, settings.seed)
    central = {a.path: a.central for a in assumptions}
    scenarios: list[dict[str, Scenario]] = []
    misses = []
    rows = [central, *worlds.to_dict("records")]
    for values in tqdm(rows, desc="re-fitting worlds", disable=progress is not True):
        world = apply_overrides(base, values)
        if refit:
            fit = fit_surrogate(world, targets)
            world, miss = fit.scenario, fit.worst_miss
        else:
            miss = 0.0
        scenarios.append(make(world))
        misses.append(miss)
    names = list(scenarios[0])
    tables = replicate([s for made in scenarios for s in made.values()], settings, executor,
                       progress, cache_dir)
    per_world = [dict(zip(names, tables[i * len(names):(i + 1) * len(names)], strict=True))
                 for i in range(len(scenarios))]
    frames = [Comparison(names[0], t, level).differences().assign(world=i - 1)
              for i, t in enumerate(per_world)]
    worlds = worlds.assign(worst_miss_of_record=misses[1:])
    left_out = [int(w) for w in worlds.index[worlds["worst_miss_of_record"] > 1.0]]
    differences = pd.concat(frames[1:], ignore_index=True)
    differences = differences[~differences["world"].isin(left_out)]
    return Robustness(names[0], names, tuple(assumptions), worlds.drop(index=left_out),
                      differences.reset_index(drop=True), frames[0].drop(columns="world"),
                      settings, refused, left_out,
                      stamp(scenarios[0], settings) + f", {draws} worlds", level, settings.seed)


def load_result(directory: str | Path) -> tuple[Robustness, str]:
    """A saved result and the code fingerprint it was computed with (compare it with
    ``version.code_fingerprint()`` to know whether it is current)."""
    directory = Path(directory)
    meta = json.loads(read_text(directory / "meta.json", "robustness result"))
    tables = {name: pd.read_csv(directory / f"{name}.csv") for name in
              ("worlds", "differences", "central")}
    worlds = tables["worlds"].set_index("world")
    result = Robustness(meta["reference"], meta["names"],
                        tuple(Assumption(**a) for a in meta["assumptions"]), worlds,
                        tables["differences"], tables["central"],
                        RunSettings(**meta["settings"]), meta["refused_draws"],
                        meta["left_out"], meta["stamp"], meta["level"], meta["seed"])
    return result, meta["code"]


def _policy_maker(items: Sequence[str | Path]) -> tuple[Path, WorldMaker]:
    """The common base file of policy (or scenario) files, and how to build them on a world."""
    if isinstance(items, str | Path) or len(items) < 2:
        raise InputError("policies", items, "a list of at least two policy files or preset "
                         "names sharing one base scenario")
    bases, policies = [], {}
    for item in items:
        path = resolve_path(item)
        try:
            policy = load_policy(path)
        except ScenarioError:
            policy, base = None, path
            name = load_scenario(path).name
        else:
            base = base_path_of(policy, path)
            name = policy.name
        if name in policies:
            raise InputError("policies", [str(i) for i in items], "policies with distinct names")
        policies[name] = policy
        bases.append(Path(base).resolve())
    if len(set(bases)) != 1:
        raise InputError("policies", [str(i) for i in items],
                         "policies applied to one base scenario "
                         f"(these use {', '.join(sorted({b.stem for b in bases}))})")

    def make(world: Scenario) -> dict[str, Scenario]:
        return {name: world if p is None else apply_policy(p, world)
                for name, p in policies.items()}
    return bases[0], make


def robustness(policies: Sequence[str | Path], draws: int = 64,
               settings: RunSettings = ROBUSTNESS_SETTINGS, executor: ExecutorLike = "processes",
               refit: bool = True, progress: bool = True, cache_dir: str | Path | None = None,
               level: float = 0.95) -> Robustness:
    """Compare policy files (or presets) in ``draws`` plausible worlds of their common base.

    The first is the reference. Every world draws the base's ``[assumptions]`` from their
    ranges, re-fits the calibrated parameters to the observed record (``refit``), and runs
    every policy with common random numbers. ``robustness(["prevention_first",
    "resolution_first"]).summary()``.
    """
    base_path, make = _policy_maker(policies)
    base = load_scenario(base_path)
    return evaluate_worlds(base, make, load_assumptions(base_path), draws, settings,
                           executor, refit, progress, cache_dir, level)
