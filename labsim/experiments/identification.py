"""What the observed record pins down, and what it cannot tell.

A profile fixes one parameter at points across its range, re-fits the calibrated ones on
the expected flows and asks whether every target is still met within its tolerance. A
fitted parameter the record identifies is consistent over a narrow part of its range; an
assumption the record does not constrain is consistent over all of it. ``consistent_set``
returns many parameter sets that all reproduce the record (the worlds of a robustness
check, each re-fitted), rather than one point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import optimize
from tqdm.auto import tqdm

from ..errors import InputError
from ..scenario.assumptions import Assumption
from ..scenario.flows import expected_flows
from ..scenario.presets import ScenarioLike, as_scenario, with_overrides
from .calibration import (
    DEFAULT_FREE,
    FREE_PARAMETERS,
    Target,
    fit_surrogate,
    load_targets,
    record_miss,
)
from .worlds import draw_worlds, world_scenario

PINNED_SHARE = 0.25
"""Consistent over less than this share of its range: the record identifies it."""
LOOSE_SHARE = 0.75
"""Consistent over more than this share: the record does not constrain it."""


def _verdict(share: float) -> str:
    if share <= PINNED_SHARE:
        return "pinned by the record"
    if share <= LOOSE_SHARE:
        return "partly constrained"
    return "not constrained by the record"


def _consistent_interval(miss: Callable[[float], float], centre: float, low: float,
                         high: float) -> tuple[float, float]:
    """The interval around ``centre`` (where the record is met) over which ``miss`` stays
    within 1 tolerance: each end is the bound itself or the crossing found by Brent's
    method (the profile is taken to rise away from the fit)."""
    def edge(bound: float) -> float:
        if bound == centre or miss(bound) <= 1.0:
            return bound
        return optimize.brentq(lambda v: miss(v) - 1.0, centre, bound, xtol=1e-6 * (
            high - low), rtol=1e-6)
    return edge(low), edge(high)


def _row(name: str, kind: str, low: float, high: float, centre: float,
         interval: tuple[float, float] | None) -> dict:
    if interval is None:
        return {"parameter": name, "kind": kind, "low": low, "high": high, "value": centre,
                "consistent_low": np.nan, "consistent_high": np.nan, "share_of_range": 0.0,
                "verdict": "no value in the range reproduces the record"}
    share = (interval[1] - interval[0]) / (high - low)
    return {"parameter": name, "kind": kind, "low": low, "high": high, "value": centre,
            "consistent_low": interval[0], "consistent_high": interval[1],
            "share_of_range": share, "verdict": _verdict(share)}


def identifiability(base: ScenarioLike, targets: Sequence[Target] | None = None,
                    free: Sequence[str] = DEFAULT_FREE,
                    assumptions: Sequence[Assumption] = (),
                    progress: bool = False) -> pd.DataFrame:
    """A profile of each fitted parameter (over its calibration bounds) and each assumption
    (over its range), the calibrated parameters re-fitted at every point: the interval
    around the fit over which the record is still reproduced, and whether that pins it.

    Columns: parameter, kind (fitted or assumption), low, high, value (fitted or central),
    consistent_low, consistent_high, share_of_range, verdict.
    """
    base = as_scenario(base)
    targets = list(targets) if targets is not None else load_targets(scenario=base.name)
    free = _free_names(free)
    _check_assumption_list(assumptions)
    known = expected_flows(base)
    unknown = [t.kpi for t in targets if t.kpi not in known]
    if unknown:
        raise InputError("targets", unknown, "targets the expected flows give "
                         f"({', '.join(known)}): a profile re-fits on them")
    fit = fit_surrogate(base, targets, free)
    rows = []
    jobs = [(name, "fitted") for name in free] + [(a, "assumption") for a in assumptions]
    for item, kind in tqdm(jobs, desc="profiles", disable=not progress):
        if kind == "fitted":
            p, others = FREE_PARAMETERS[item], [n for n in free if n != item]

            def miss(value: float, p=p, others=others) -> float:
                world = with_overrides(fit.scenario, p.apply(base, value) if p.path else
                                       p.apply(fit.scenario, value / fit.fitted[p.name]))
                return (fit_surrogate(world, targets, others).worst_miss if others
                        else record_miss(world, targets))
            centre, name, low, high = fit.fitted[item], item, p.low, p.high
        else:
            def miss(value: float, a=item) -> float:
                return fit_surrogate(world_scenario(fit.scenario, [a], [value]), targets,
                                     free).worst_miss
            centre, name, low, high = item.central, item.path, item.low, item.high
        interval = _consistent_interval(miss, centre, low, high) if miss(centre) <= 1.0 \
            else None
        rows.append(_row(name, kind, low, high, centre, interval))
    return pd.DataFrame(rows)


def _free_names(free: Sequence[str]) -> list[str]:
    if isinstance(free, str) or not all(name in FREE_PARAMETERS for name in free) or len(
            set(free)) != len(free) or not free:
        raise InputError("free", free, "a list of distinct names among "
                         f"{', '.join(FREE_PARAMETERS)}")
    return list(free)


def _check_assumption_list(assumptions: Sequence[Assumption]) -> None:
    if isinstance(assumptions, str) or not all(isinstance(a, Assumption)
                                               for a in assumptions):
        raise InputError("assumptions", assumptions, "Assumption objects, e.g. from "
                         "labsim.load_assumptions('cambodia_baseline')")


def consistent_set(base: ScenarioLike, assumptions: Sequence[Assumption], draws: int = 100,
                   targets: Sequence[Target] | None = None, free: Sequence[str] = DEFAULT_FREE,
                   seed: int = 1, progress: bool = False) -> pd.DataFrame:
    """Many parameter sets that all reproduce the record: Latin-hypercube draws of the
    assumptions, each with the calibrated parameters re-fitted; one row per set with every
    value and ``worst_miss`` (in tolerances), only sets within every tolerance kept."""
    base = as_scenario(base)
    targets = list(targets) if targets is not None else load_targets(scenario=base.name)
    free = _free_names(free)
    _check_assumption_list(assumptions)
    if not assumptions:
        raise InputError("assumptions", [], "at least one assumption to draw (the base's "
                         "[assumptions] table, labsim.load_assumptions)")
    worlds, _ = draw_worlds(base, assumptions, draws, seed)
    rows = []
    for values in tqdm(worlds.to_dict("records"), desc="re-fitting", disable=not progress):
        world = world_scenario(base, assumptions, [values[a.path] for a in assumptions])
        fit = fit_surrogate(world, targets, free)
        rows.append({**values, **fit.fitted, "worst_miss": fit.worst_miss})
    table = pd.DataFrame(rows)
    return table[table["worst_miss"] <= 1.0].reset_index(drop=True)
