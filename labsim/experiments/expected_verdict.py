"""The strike-day verdict in means: the second policy's expected strike days a year against
the first's, in a world of given assumption values, re-fitted to the record first.

No simulation (``scenario/strike_flows.py``), so hundreds of worlds take seconds: the corner
search judges worlds with it before simulating the two it finds, and the verdict map draws it
over prevention's and resolution's decisive effects.

>>> judge = ExpectedVerdict.of(["prevention_first", "resolution_first"])  # doctest: +SKIP
>>> judge([a.central for a in judge.assumptions])  # +SKIP: about +0.12
>>> verdict_map(["prevention_first", "resolution_first"]).break_even()  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ..analysis.provenance import stamp
from ..analysis.verdict_map import PREVENTION_EFFECT, RESOLUTION_EFFECTS, VerdictMap
from ..errors import InputError, ScenarioError
from ..scenario.assumptions import Assumption
from ..scenario.parameters import Scenario
from ..scenario.presets import read
from ..scenario.strike_flows import expected_strike_days_per_year
from .worlds import Record, WorldMaker, policy_maker, world_scenario

WORST_MISS = 1.0
"""A re-fitted world that misses any target by more than this (in the fit's own scale of
the target's tolerance) does not reproduce the record and is not judged."""


class ExpectedVerdict:
    """The relative difference in expected strike days a year (second policy against the
    first) of a world given by its assumption values; remembered per world."""

    def __init__(self, base: Scenario, make: WorldMaker, assumptions: Sequence[Assumption],
                 refit: bool = True):
        self.base, self.make, self.assumptions = base, make, list(assumptions)
        self.record = Record.of(base) if refit else None
        self.seen: dict[tuple[float, ...], float | None] = {}

    @classmethod
    def of(cls, policies: Sequence[str | Path], refit: bool = True) -> ExpectedVerdict:
        """The judge of two policy files (or preset names) sharing one base, over the base's
        assumptions."""
        base_path, make = policy_maker(list(policies))
        base_file = read(base_path)
        return cls(base_file.scenario, make, base_file.assumptions, refit)

    @property
    def names(self) -> list[str]:
        """The two policies' names, first then second."""
        return list(self.make(self.base))

    def world(self, values: Sequence[float]) -> Scenario:
        """The base with these assumption values, re-fitted to the record."""
        world = world_scenario(self.base, self.assumptions, values)
        if self.record is None:
            return world
        return self.record.refit(world, self.assumptions, values)[0]

    def __call__(self, values: Sequence[float]) -> float | None:
        """The difference, or None where the world breaks a rule or misses the record."""
        key = tuple(values)
        if key not in self.seen:
            self.seen[key] = self._judge(values)
        return self.seen[key]

    def _judge(self, values: Sequence[float]) -> float | None:
        try:
            world = world_scenario(self.base, self.assumptions, values)
            if self.record is not None:
                world, miss = self.record.refit(world, self.assumptions, values)
                if miss > WORST_MISS:
                    return None
            first, second = (expected_strike_days_per_year(s) for s in self.make(world).values())
        except ScenarioError:
            return None
        return (second - first) / first if first > 0 else None


MAP_POINTS = 13
"""Grid points along each effect of the verdict map (169 worlds: about half a minute)."""


def verdict_map(policies: Sequence[str | Path], points: int = MAP_POINTS, refit: bool = True,
                progress: bool = False) -> VerdictMap:
    """The second policy's expected strike days against the first's over prevention's
    effect (``PREVENTION_EFFECT`` across its range) by resolution's (``RESOLUTION_EFFECTS``
    together, from the low ends to the high ends), every other assumption central, each
    world re-fitted to the record."""
    if not isinstance(points, int) or isinstance(points, bool) or not 3 <= points <= 41:
        raise InputError("points", points, "a whole number of grid points from 3 to 41")
    judge = ExpectedVerdict.of(policies, refit)
    found = {a.path: i for i, a in enumerate(judge.assumptions)}
    missing = [p for p in (PREVENTION_EFFECT, *RESOLUTION_EFFECTS) if p not in found]
    if missing:
        raise InputError("policies", [str(p) for p in policies], "a base scenario whose "
                         f"[assumptions] give a range to {', '.join(missing)}")
    prevention = judge.assumptions[found[PREVENTION_EFFECT]]
    resolution = [judge.assumptions[found[p]] for p in RESOLUTION_EFFECTS]
    xs = np.linspace(prevention.low, prevention.high, points).tolist()
    ys = np.linspace(0.0, 1.0, points).tolist()
    central = [a.central for a in judge.assumptions]

    def value(x: float, y: float) -> float:
        values = list(central)
        values[found[PREVENTION_EFFECT]] = x
        for a in resolution:
            values[found[a.path]] = a.low + y * (a.high - a.low)
        judged = judge(values)
        return np.nan if judged is None else judged

    cells = tqdm(total=points * points, desc="verdict map", unit="world", disable=not progress)
    rows = []
    for y in ys:
        rows.append(tuple(value(x, y) for x in xs))
        cells.update(points)
    cells.close()
    strength = float(np.mean([(a.central - a.low) / (a.high - a.low) for a in resolution]))
    return VerdictMap(tuple(judge.names), tuple(xs), tuple(ys), tuple(rows),
                      (prevention.central, strength), stamp(judge.make(judge.base), None))
