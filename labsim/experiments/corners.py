"""Can either side win? Two extreme plausible worlds, one favouring each of two policies.

Each corner sets every assumption at the end of its range that favours its policy. The
direction of each is judged at the corner, not from the centre: starting from the central
world, every assumption in turn is moved to the end that most favours the policy, with the
others where the search has put them, and passes repeat until no move helps. A move the
model's joint rules forbid is not made (the corner is projected onto the rules). Every
candidate world is re-fitted to the record first, and judged on the expected strike days
(``scenario/strike_flows.py``: the workshop's headline, in means); the two corners are then
simulated with common random numbers, and every verdict KPI is read there. A KPI that does
not change sign between the corners is said, with the mechanism the model lacks for it.

``staff_central`` holds every staff count and staff-hours assumption at its central value,
so that a flip cannot come from today's staffing alone.

>>> table = corners(["prevention_first", "resolution_first"])  # doctest: +SKIP
>>> table.set_index("kpi").loc["strike_days_per_year", ["corner_a", "corner_b"]]  # +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis.catalog import CATALOG, VERDICT_KPIS
from ..errors import InputError
from ..i18n import display_name
from ..scenario.assumptions import Assumption
from ..scenario.settings import RunSettings, as_settings
from .comparison import Comparison, replicate
from .executors import ExecutorLike, Progress
from .expected_verdict import ExpectedVerdict
from .worlds import ROBUSTNESS_SETTINGS

MAX_PASSES = 4
"""Passes over the assumptions before a corner is taken as found."""
STAFFING = ("effort_hours_per_case", "share_of_time_on_disputes", "booking_share_of_effort")
"""Assumption paths ending so describe today's staffing (with the staff counts)."""
MISSING = {
    "grievances_per_year": "resolution acts only once a grievance has arisen: no resolution "
                           "mechanism lowers how many arise",
}
"""What the model lacks for a KPI to change sign between the corners, where known."""


def staffing_assumption(a: Assumption) -> bool:
    """Whether an assumption is a staff count or the staff hours that set utilisation."""
    return a.whole or a.path.endswith(STAFFING)


def find_corner(judge: ExpectedVerdict, favour: int, held: set[str]) -> list[float]:
    """Assumption values of the corner favouring the first policy (``favour`` = +1: the
    second policy's strike days as far above the first's as the ranges allow) or the second
    (-1), the ``held`` paths at their central values."""
    values = [a.central for a in judge.assumptions]
    best = judge(values)
    if best is None:
        raise InputError("assumptions", "central values", "central values with which the "
                         "comparison can run and the world reproduces the record")
    for _ in range(MAX_PASSES):
        moved = False
        for i, a in enumerate(judge.assumptions):
            if a.path in held:
                continue
            for end in (a.low, a.high):
                trial = [*values[:i], end, *values[i + 1:]]
                score = judge(trial)
                if score is not None and favour * score > favour * best + 1e-12:
                    values, best, moved = trial, score, True
        if not moved:
            break
    return values


def corners(policies: Sequence[str | Path], settings: RunSettings = ROBUSTNESS_SETTINGS,
            executor: ExecutorLike = "processes", refit: bool = True,
            progress: Progress = False, level: float = 0.95) -> pd.DataFrame:
    """Each verdict KPI's difference (second policy against the first; in points for a
    share, relative otherwise: ``scale``) in the corner favouring the first (``corner_a``)
    and the second (``corner_b``), with 95% CIs,
    also with staffing assumptions held central (``..._staff_central``); ``note`` says
    where a KPI cannot flip and what the model lacks for it."""
    settings = as_settings(settings)
    judge = ExpectedVerdict.of(policies, refit)
    held = {a.path for a in judge.assumptions if staffing_assumption(a)}
    found = {(side, version): find_corner(judge, favour, held if version else set())
             for version in (False, True) for side, favour in (("a", 1), ("b", -1))}
    worlds = {key: judge.world(values) for key, values in found.items()}
    made = {key: judge.make(world) for key, world in worlds.items()}
    names = list(next(iter(made.values())))
    tables = replicate([s for pair in made.values() for s in pair.values()], settings,
                       executor, progress)
    rows = {kpi: {"kpi": kpi} for kpi in VERDICT_KPIS}
    for i, (side, version) in enumerate(made):
        pair = dict(zip(names, tables[2 * i:2 * i + 2], strict=True))
        diff = Comparison(names[0], pair, level).differences().set_index("kpi")
        column = f"corner_{side}" + ("_staff_central" if version else "")
        for kpi in VERDICT_KPIS:
            r, scale = diff.loc[kpi], corner_scale(kpi)
            ends = (("difference", "ci_low", "ci_high") if scale == "points" else
                    ("relative", "relative_ci_low", "relative_ci_high"))
            rows[kpi].update({"scale": scale, **dict(zip(
                (column, f"{column}_low", f"{column}_high"), (r[c] for c in ends),
                strict=True))})
    table = pd.DataFrame(list(rows.values()))
    table["note"] = [_note(row, names) for row in table.to_dict("records")]
    return table


def corner_scale(kpi: str) -> str:
    """How a corner's difference is given: 'points' for a share (a relative change of a
    share near zero reads as thousands of per cent), 'relative' otherwise."""
    return "points" if CATALOG[kpi].format == "percent" else "relative"


def _note(row: dict, names: list[str]) -> str:
    """Empty where the KPI changes sign between the corners (clearly, in both versions);
    else what stops it, in words."""
    flips = all(row[f"corner_a{v}_low"] > 0 and row[f"corner_b{v}_high"] < 0
                or row[f"corner_a{v}_high"] < 0 and row[f"corner_b{v}_low"] > 0
                for v in ("", "_staff_central"))
    if flips or np.isnan(row["corner_a"]):
        return ""
    lacking = MISSING.get(row["kpi"], "no mechanism in the model lets the other side win it")
    return (f"{CATALOG[row['kpi']].label}: does not clearly change sign between the corners "
            f"({display_name(names[1])} against {display_name(names[0])}); {lacking}")
