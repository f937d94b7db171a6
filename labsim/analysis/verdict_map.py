"""The verdict map: the strike-day verdict over the two decisive effects, prevention's
(the largest share of grievances officers can avert) and resolution's (its three responses,
settlement to staff hours, settlement to training and strikes shortened by conciliation,
moved together across their ranges), with the break-even line between them.

Reading and writing only; ``experiments.expected_verdict.verdict_map`` computes one.

>>> m = VerdictMap(("a", "b"), (0.0, 0.5), (0.0, 1.0), ((0.2, -0.2), (0.1, -0.3)),
...                (0.25, 0.5), "test")
>>> m.break_even()
[(0.25, 0.0), (0.125, 1.0)]
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..files import read_text, write_atomically

PREVENTION_EFFECT = "prevention.max_grievance_reduction"
"""Prevention's decisive effect: across its range it moves the strike-day verdict ten times
as far as any other prevention assumption (measured in means, the others central)."""
RESOLUTION_EFFECTS = ("settlement.log_odds_per_doubling", "settlement.training_log_odds",
                      "strikes.conciliation_cut")
"""Resolution's effects, of similar size each, so moved together: 0 = every one at the low
end of its range (staff only add servers and hearing dates), 1 = every one at the high end."""


@dataclass(frozen=True)
class VerdictMap:
    """The second policy's expected strike days a year against the first's (relative), on a
    grid of prevention's effect (columns) by resolution's (rows); NaN where a world breaks
    the model's rules or cannot reproduce the record."""

    names: tuple[str, str]
    prevention: tuple[float, ...]
    """Largest share of grievances officers can avert (0-1), one value per column."""
    resolution: tuple[float, ...]
    """Strength of resolution's effects (0 = low ends, 1 = high ends), one per row."""
    difference: tuple[tuple[float, ...], ...]
    """Relative difference (second against first), rows by columns."""
    central: tuple[float, float]
    """Where the central assumptions lie: (prevention, resolution)."""
    stamp: str

    def break_even(self) -> list[tuple[float, float]]:
        """Where the two policies tie, one point per row that changes sign: the prevention
        effect at which the row crosses zero (linear between grid points), and the row."""
        line = []
        for y, row in zip(self.resolution, self.difference, strict=True):
            steps = zip(self.prevention, self.prevention[1:], row, row[1:], strict=False)
            for x0, x1, d0, d1 in steps:
                if not (math.isnan(d0) or math.isnan(d1)) and (d0 > 0) != (d1 > 0):
                    line.append((float(x0 + (x1 - x0) * d0 / (d0 - d1)), float(y)))
                    break
        return line

    def at_centre(self) -> float:
        """The difference in the grid cell nearest the central assumptions."""
        column = min(range(len(self.prevention)),
                     key=lambda i: abs(self.prevention[i] - self.central[0]))
        row = min(range(len(self.resolution)),
                  key=lambda i: abs(self.resolution[i] - self.central[1]))
        return self.difference[row][column]

    def save(self, path: str | Path) -> Path:
        """The grid as CSV (one row per world), headed by the stamp and the map's names and
        centre (read back with ``read_verdict_map``)."""
        table = pd.DataFrame([{"prevention_effect": x, "resolution_effect": y,
                               "relative_difference": d}
                              for y, row in zip(self.resolution, self.difference, strict=True)
                              for x, d in zip(self.prevention, row, strict=True)])
        meta = json.dumps({"names": self.names, "central": self.central})
        return write_atomically(path, f"# {self.stamp}\n# {meta}\n" + table.to_csv(index=False))


def read_verdict_map(path: str | Path) -> VerdictMap:
    """A map saved by ``VerdictMap.save``; one InputError if the file is not one."""
    text = read_text(path, "verdict map")
    lines = text.splitlines()
    try:
        meta = json.loads(lines[1][2:])
        table = pd.read_csv(io.StringIO(text), comment="#")
        grid = table.pivot(index="resolution_effect", columns="prevention_effect",
                           values="relative_difference")
        names, central = tuple(meta["names"]), tuple(meta["central"])
    except (IndexError, KeyError, ValueError, TypeError) as err:
        raise InputError("verdict map", str(path), "a file written by labsim robustness "
                         f"--map ({err.__class__.__name__})") from None
    return VerdictMap(names, tuple(map(float, grid.columns)), tuple(map(float, grid.index)),
                      tuple(tuple(float(v) for v in row) for row in grid.to_numpy()),
                      central, lines[0][2:])

