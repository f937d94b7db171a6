"""Running a robustness check: the same comparison in many plausible worlds.

Each world draws every assumption (``scenario/assumptions.py``) from its range by Latin
hypercube, re-fits the calibrated parameters on the expected flows so the world still
reproduces the observed record, and runs every policy with common random numbers; the
result (``analysis.robustness.Robustness``) says how far the central verdict can be trusted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import qmc
from tqdm.auto import tqdm

from ..analysis.kpis import check_level
from ..analysis.provenance import stamp
from ..analysis.robustness import Robustness
from ..errors import InputError, ScenarioError, is_whole
from ..scenario.assumptions import Assumption, assumption_values
from ..scenario.dotted import get_path
from ..scenario.flows import expected_flows
from ..scenario.io import apply_overrides
from ..scenario.parameters import Scenario
from ..scenario.policy import apply_policy, costed_in
from ..scenario.presets import load_assumptions, read
from ..scenario.rates import RATE_FIELDS
from ..scenario.settings import RunSettings, as_settings
from ..scenario.settlement import as_today
from .calibration import (
    DEFAULT_FREE,
    FREE_PARAMETERS,
    Target,
    fit_surrogate,
    load_targets,
    surrogate_kpis,
)
from .comparison import Comparison, replicate
from .executors import ExecutorLike, Progress

ROBUSTNESS_SETTINGS = RunSettings(years=3.0, replications=10, seed=1, warmup_days=180.0)
"""Per world: short runs, but the 10 replications a clear/not-clear count needs."""
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


def _check_assumptions(base: Scenario, assumptions: Sequence[Assumption],
                       refitted: set[str]) -> None:
    if not assumptions:
        raise InputError("assumptions", [], f"at least one assumption with a range in "
                         f"{base.name}'s [assumptions] table")
    fitted = calibrated_paths(base) | refitted
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
                apply_overrides(base, assumption_values(assumptions, point))
            except ScenarioError:
                refused += 1
                continue
            kept.append([float(a.value(x)) for a, x in zip(assumptions, point, strict=True)])
            if len(kept) == draws:
                worlds = pd.DataFrame(kept, columns=[a.path for a in assumptions])
                return worlds.rename_axis("world"), refused
    raise InputError("assumptions", [a.path for a in assumptions],
                     f"ranges the model's rules allow together (only {len(kept)} of "
                     f"{len(kept) + refused} drawn worlds were valid)")


def world_scenario(base: Scenario, assumptions: Sequence[Assumption],
                   values: Sequence[float]) -> Scenario:
    """The base with one world's drawn values (counts rounded). A world is a guess at today,
    so its own staffing is today's: settlement and first-hearing waits as measured."""
    return as_today(apply_overrides(base, assumption_values(assumptions, values)))


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
    record = Record.of(base) if refit else None
    _check_assumptions(base, assumptions, record.paths if record is not None else set())
    worlds, refused = draw_worlds(base, assumptions, draws, settings.seed)
    central = [a.central for a in assumptions]
    made: dict[int, dict[str, Scenario]] = {}
    misses: dict[int, float] = {}
    left_out: dict[int, str] = {}
    rows = [central, *worlds[[a.path for a in assumptions]].to_numpy()]
    for number, values in enumerate(tqdm(rows, desc="re-fitting worlds",
                                         disable=progress is not True), start=-1):
        world = world_scenario(base, assumptions, values)
        if record is not None:
            world, misses[number] = record.refit(world, assumptions, values)
            if misses[number] > 1.0:
                left_out[number] = (f"its re-fit misses the observed record by "
                                    f"{misses[number]:.1f} tolerances")
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
    return Robustness(
        reference=names[0], names=names, assumptions=tuple(assumptions),
        worlds=worlds.drop(index=[w for w in left_out if w >= 0]), differences=differences,
        central=frames[-1].drop(columns="world"), settings=settings, refused_draws=refused,
        left_out={w: why for w, why in left_out.items() if w >= 0},
        stamp=stamp(make(base), settings) + said, refit=refit, level=level,
        seed=settings.seed)


def refit_targets(base: Scenario) -> list[Target]:
    """The base's own record a world is re-fitted to: its calibration targets that the
    expected flows give."""
    targets = load_targets(scenario=base.name)
    known = expected_flows(base)
    if not targets or any(t.kpi not in known for t in targets):
        raise InputError("refit", True, f"calibration targets of {base.name} that the "
                         f"expected flows give ({', '.join(known)}); found "
                         f"{[t.kpi for t in targets] or 'none'}: use --no-refit (refit=False)")
    return targets


STRIKE_RECORD = "cambodia_2014"
"""The preset of the strike record (2014) the other presets' strike hazard and length come
from."""
STRIKE_FREE = ("collective_grievance_scale", "strike_hazard", "strike_duration")
"""What a world's strike year re-fits: its collective grievance rates (the Council's cases),
the strike hazard (strikes) and a strike's natural length (working days lost per strike)."""
STRIKE_PATHS = ("strikes.hazard_per_day", "strikes.duration.mean_days")
"""What the strike year gives the world."""


@dataclass(frozen=True)
class Record:
    """What every world must reproduce: the base's own record (its caseload) and, where the
    base takes its strike hazard and length from the strike year, that year's strikes too.

    The strike year is its preset with the world's assumptions (staff counts are the year's
    own); its rates, strike hazard and length are re-fitted in means, then the hazard and
    length carried to the world. The strike figures in means fall short of simulated ones
    (by about a fifth in 2014), so the year's targets are what the calibrated preset gives in
    means, with the record's relative tolerance: a world must keep the record as the preset
    does, not as the means would alone.
    """

    targets: tuple[Target, ...]
    strike_year: Scenario | None = None
    strike_targets: tuple[Target, ...] = ()

    @classmethod
    def of(cls, base: Scenario) -> Record:
        targets = tuple(refit_targets(base))
        if not base.strikes.enabled or base.name == STRIKE_RECORD:
            return cls(targets)
        year = read(STRIKE_RECORD).scenario
        observed = load_targets(scenario=STRIKE_RECORD)
        means = surrogate_kpis(year, [t.kpi for t in observed])
        return cls(targets, year, tuple(
            dataclasses.replace(t, observed=means[t.kpi],
                                tolerance=t.tolerance * means[t.kpi] / t.observed)
            for t in observed))

    @property
    def paths(self) -> set[str]:
        """Parameters re-fitted in every world besides the base's calibrated ones."""
        return set(STRIKE_PATHS) if self.strike_year is not None else set()

    def refit(self, world: Scenario, assumptions: Sequence[Assumption],
              values: Sequence[float]) -> tuple[Scenario, float]:
        """The world re-fitted to the record, and its largest miss in tolerances (above 1:
        it does not reproduce the record)."""
        worst = 0.0
        if self.strike_year is not None:
            carried = [(a, v) for a, v in zip(assumptions, values, strict=True) if not a.whole]
            year = world_scenario(self.strike_year, [a for a, _ in carried],
                                  [v for _, v in carried])
            fit = fit_surrogate(year, self.strike_targets, STRIKE_FREE)
            worst = fit.worst_miss
            world = as_today(apply_overrides(world, {
                path: get_path(fit.scenario, path) for path in STRIKE_PATHS}))
        fit = fit_surrogate(world, self.targets)
        return fit.scenario, max(worst, fit.worst_miss)


def policy_maker(items: Sequence[str | Path]) -> tuple[Path, WorldMaker]:
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
        base_path, _ = policy_maker(list(policies))
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
    every policy with common random numbers.

    >>> import labsim
    >>> check = labsim.robustness(["prevention_first", "resolution_first"], draws=4,
    ...                           settings=labsim.RunSettings(years=1, replications=2),
    ...                           progress=False)
    >>> int(check.summary().set_index("kpi").loc["strike_days_per_year", "worlds"])
    4
    """
    base_path, make = policy_maker(policies)
    base = read(base_path)
    return evaluate_worlds(base.scenario, make, base.assumptions, draws, settings,
                           executor, refit, progress, cache_dir, level)
