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
import hashlib
import io
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

from ..analysis.catalog import CATALOG
from ..analysis.kpis import check_level
from ..analysis.provenance import stamp
from ..errors import InputError, ScenarioError, is_whole
from ..files import check_output_dir, read_text, write_atomically
from ..scenario.assumptions import Assumption
from ..scenario.flows import expected_flows
from ..scenario.io import apply_overrides
from ..scenario.parameters import Scenario
from ..scenario.policy import apply_policy, costed_in
from ..scenario.presets import load_assumptions, read
from ..scenario.rates import RATE_FIELDS
from ..scenario.settings import RunSettings, as_settings
from ..version import code_fingerprint
from .calibration import DEFAULT_FREE, FREE_PARAMETERS, fit_surrogate, load_targets
from .comparison import Comparison, replicate
from .executors import ExecutorLike, Progress

ROBUSTNESS_SETTINGS = RunSettings(years=3.0, replications=10, seed=1, warmup_days=180.0)
"""Per world: short runs, but the 10 replications a clear/not-clear count needs."""
MIN_REPLICATIONS_FOR_COUNTS = 10
"""Below this, a world's paired interval is too unsure to call a difference clear."""
BOOTSTRAP_RESAMPLES = 1000
MIN_WORLDS_FOR_DRIVERS = 8
"""Below this many worlds, no assumption is named as a driver and no break-even is given."""
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
    for index, sector in enumerate(base.arrivals.sectors):
        for key in (index, sector.name):
            paths.update(f"arrivals.sectors.{key}.{field}" for field in RATE_FIELDS.values())
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
    left_out: dict[int, str]
    """Worlds left out, and why: the re-fit could not reproduce the record, or the policies
    broke a rule of the model in that world."""
    stamp: str
    refit: bool = True
    level: float = 0.95
    seed: int = 1
    _cache: dict = field(default_factory=dict, repr=False)

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


def _assumptions_hash(assumptions: Sequence[Assumption]) -> str:
    text = json.dumps([dataclasses.asdict(a) for a in assumptions], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def evaluate_worlds(base: Scenario, make: WorldMaker, assumptions: Sequence[Assumption],
                    draws: int = 64, settings: RunSettings = ROBUSTNESS_SETTINGS,
                    executor: ExecutorLike = "processes", refit: bool = True,
                    progress: Progress = True, cache_dir: str | Path | None = None,
                    level: float = 0.95) -> Robustness:
    """The comparison ``make`` builds, in the central world and in ``draws`` drawn worlds.

    A world is left out (and said so) when its re-fit cannot reproduce the record within
    the tolerances, or when the compared scenarios break a rule of the model in it. The
    central world must do neither.
    """
    settings = as_settings(settings)
    check_level(level)
    _check_assumptions(base, assumptions)
    targets = _refit_targets(base) if refit else []
    worlds, refused = draw_worlds(base, assumptions, draws, settings.seed)
    central = {a.path: a.central for a in assumptions}
    made: dict[int, dict[str, Scenario]] = {}
    misses: dict[int, float] = {}
    left_out: dict[int, str] = {}
    rows = [central, *worlds.to_dict("records")]
    for number, values in enumerate(tqdm(rows, desc="re-fitting worlds",
                                         disable=progress is not True), start=-1):
        world = apply_overrides(base, values)
        if refit:
            fit = fit_surrogate(world, targets)
            world, misses[number] = fit.scenario, fit.worst_miss
            if fit.worst_miss > 1.0:
                left_out[number] = (f"its re-fit misses the observed record by "
                                    f"{fit.worst_miss:.1f} tolerances")
                continue
        try:
            made[number] = make(world)
        except ScenarioError as err:
            left_out[number] = f"the compared policies break a rule of the model: {err}"
    if -1 in left_out:
        raise InputError("assumptions", "central values", "central values with which the "
                         f"comparison can run ({left_out[-1]}); re-calibrate the base, or "
                         "use --no-refit (refit=False)")
    if len(made) == 1:
        raise InputError("draws", draws, "worlds of which some can run: all were left out "
                         f"({next(iter(left_out.values()))})")
    names = list(made[-1])
    kept = list(made)
    tables = replicate([s for number in kept for s in made[number].values()], settings,
                       executor, progress, cache_dir)
    frames = {number: Comparison(names[0], dict(zip(
        names, tables[i * len(names):(i + 1) * len(names)], strict=True)), level)
        .differences().assign(world=number) for i, number in enumerate(kept)}
    if refit:
        worlds = worlds.assign(worst_miss_of_record=[misses[w] for w in worlds.index])
    differences = pd.concat([frames[w] for w in kept if w >= 0], ignore_index=True)
    said = (f", assumptions {_assumptions_hash(assumptions)}, {len(kept) - 1} of {draws} "
            f"worlds, {'re-fitted to the record' if refit else 'not re-fitted'}")
    return Robustness(names[0], names, tuple(assumptions),
                      worlds.drop(index=[w for w in left_out if w >= 0]), differences,
                      frames[-1].drop(columns="world"), settings, refused,
                      {w: why for w, why in left_out.items() if w >= 0},
                      stamp(make(base), settings) + said, refit, level, settings.seed)


def _refit_targets(base: Scenario) -> list:
    """The record a world is re-fitted to: the base's calibration targets that the expected
    flows give."""
    targets = load_targets(scenario=base.name)
    known = expected_flows(base)
    if not targets or any(t.kpi not in known for t in targets):
        raise InputError("refit", True, f"calibration targets of {base.name} that the "
                         f"expected flows give ({', '.join(known)}); found "
                         f"{[t.kpi for t in targets] or 'none'}: use --no-refit (refit=False)")
    return targets


def load_result(directory: str | Path) -> tuple[Robustness, str]:
    """A saved result and the code fingerprint it was computed with (compare it with
    ``version.code_fingerprint()`` to know whether it is current)."""
    directory = Path(directory)
    meta = json.loads(read_text(directory / "meta.json", "robustness result"))
    names = ("worlds", "differences", "central", "summary")
    tables = {name: pd.read_csv(io.StringIO(read_text(directory / f"{name}.csv",
                                                      "robustness result"))) for name in names}
    result = Robustness(meta["reference"], meta["names"],
                        tuple(Assumption(**a) for a in meta["assumptions"]),
                        tables["worlds"].set_index("world"), tables["differences"],
                        tables["central"], RunSettings(**meta["settings"]),
                        meta["refused_draws"],
                        {int(k): v for k, v in meta["left_out"].items()}, meta["stamp"],
                        meta["refit"], meta["level"], meta["seed"])
    text = ["drivers", "depends_most_on", "flips_when"]
    result._cache["summary"] = tables["summary"].assign(
        **{c: [("" if pd.isna(v) else str(v)) for v in tables["summary"][c]] for c in text})
    return result, meta["code"]


def _policy_maker(items: Sequence[str | Path]) -> tuple[Path, WorldMaker]:
    """The common base file of policy (or scenario) files, and how to build them on a world."""
    if not isinstance(items, list | tuple) or len(items) < 2:
        raise InputError("policies", items, "a list of at least two policy files or preset "
                         "names sharing one base scenario")
    bases, policies = [], {}
    for item in items:
        made = read(item)
        name = made.scenario.name if made.policy is None else made.policy.name
        if name in policies:
            raise InputError("policies", [str(i) for i in items], "policies with distinct names")
        policies[name] = made.policy
        bases.append((made.base_path or made.path).resolve())
    if len(set(bases)) != 1:
        raise InputError("policies", [str(i) for i in items],
                         "policies applied to one base scenario "
                         f"(these use {', '.join(sorted({b.stem for b in bases}))})")

    central = read(bases[0]).scenario

    def make(world: Scenario) -> dict[str, Scenario]:
        return {name: world if p is None else apply_policy(costed_in(p, central, world), world)
                for name, p in policies.items()}
    return bases[0], make


def can_check(policies: Sequence[str | Path]) -> bool:
    """Whether ``robustness`` accepts these files: policies (or a scenario) on one base
    scenario that lists assumptions."""
    try:
        base_path, _ = _policy_maker(list(policies))
        return bool(load_assumptions(base_path))
    except InputError:
        return False


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
    base = read(base_path)
    return evaluate_worlds(base.scenario, make, base.assumptions, draws, settings,
                           executor, refit, progress, cache_dir, level)
