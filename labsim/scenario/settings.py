"""Run settings: how long and how often every scenario of an experiment is simulated."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..errors import InputError, is_number, is_whole
from .parameters import YEAR_DAYS


@dataclass(frozen=True)
class RunSettings:
    """Simulated years after a warm-up, replications and seed; replication ``r`` uses the
    random streams of (``seed``, ``r``), so scenarios run with the same settings share them."""

    years: float = 5.0
    """Years observed after the warm-up."""
    replications: int = 10
    """Independent runs; confidence intervals are taken across them."""
    seed: int = 1
    """Fixes every random number: same settings, same numbers, on any machine."""
    warmup_days: float = 365.0
    """Days simulated before counting starts, so that queues have filled."""
    force: bool = False
    """Run even when the run is estimated to need more than half the memory or more than
    ten minutes (``run_size``)."""

    def __post_init__(self) -> None:
        checks = (
            ("years", is_number(self.years) and float(self.years) > 0, "a number of years > 0"),
            ("replications", is_whole(self.replications) and int(self.replications) >= 1,
             "a whole number >= 1"),
            ("seed", is_whole(self.seed) and int(self.seed) >= 0, "a whole number >= 0"),
            ("warmup_days", is_number(self.warmup_days) and float(self.warmup_days) >= 0,
             "a number of days >= 0"),
            ("force", isinstance(self.force, bool), "True or False"),
        )
        for name, ok, allowed in checks:
            if not ok:
                raise InputError(name, getattr(self, name), allowed)
        for name, kind in (("years", float), ("replications", int), ("seed", int),
                           ("warmup_days", float)):
            object.__setattr__(self, name, kind(getattr(self, name)))

    @property
    def horizon_days(self) -> float:
        """Day the run ends: warm-up plus the observed years."""
        return self.warmup_days + self.years * YEAR_DAYS

    @property
    def window(self) -> tuple[float, float]:
        """The observed period in days: (end of warm-up, end of run)."""
        return (self.warmup_days, self.horizon_days)

    def replace(self, **changes: object) -> RunSettings:
        """These settings with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)


DEFAULT_SETTINGS = RunSettings()
"""Five years after a year's warm-up, ten replications, seed 1."""


def as_settings(settings: object) -> RunSettings:
    """``settings`` if it is a RunSettings, else an InputError saying how to make one."""
    if not isinstance(settings, RunSettings):
        raise InputError("settings", settings, "labsim.RunSettings(years=..., replications=..., "
                         "seed=..., warmup_days=...)")
    return settings
