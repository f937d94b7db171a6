"""How big a run will be, said before it starts: a run that would need more than half the
memory or more than ten minutes is refused unless forced, with the estimate in the message
and the input that makes the run big: a run setting above its default, or the scenario
fields that raise the most grievances.

The constants were measured on the 2-core development machine (``benchmarks/bench_core.py``
prints estimate against measurement): about 16 microseconds of simulation per dispute filed
beyond the workplace, about 800 bytes of peak memory per grievance in the process that
simulates a replication, and about 650 bytes per grievance kept when every case of every
replication is returned (``labsim.run``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ..errors import InputError
from ..scenario.parameters import YEAR_DAYS, Scenario
from ..scenario.rates import (
    RATE_BASES,
    RATE_FIELDS,
    filed_per_year,
    grievances_per_year,
    sector_grievances_per_year,
)
from ..scenario.settings import DEFAULT_SETTINGS, RunSettings

SECONDS_PER_FILED_CASE = 16e-6
BYTES_PER_GRIEVANCE_SIMULATED = 800
BYTES_PER_GRIEVANCE_KEPT = 650
MEMORY_SHARE_ALLOWED = 0.5
SECONDS_ALLOWED = 600.0
SETTING_CUTS = {"years": "fewer years", "warmup_days": "a shorter warm-up",
                "replications": "fewer replications"}
"""The run settings that make a run bigger, and what to ask for instead."""


@dataclass(frozen=True)
class RunSize:
    """Expected size of a run: cases, memory at its peak and time on the given workers."""

    grievances_per_replication: float
    peak_bytes: float
    seconds: float


@dataclass(frozen=True)
class DominantInput:
    """The input that makes a run big: its path, its value, whose it is (a scenario's name,
    or none for a run setting) and what to ask for instead."""

    path: str
    value: object
    source: str
    cut: str


def _per_replication(s: Scenario, settings: RunSettings) -> tuple[float, float]:
    """Expected grievances and filed disputes in one replication (warm-up included)."""
    years = settings.horizon_days / YEAR_DAYS
    kinds = ("individual", "collective")
    grievances = sum(grievances_per_year(s, k) for k in kinds)
    filed = sum(filed_per_year(s, k) for k in kinds)
    if s.migrant_on:
        grievances += s.migrant_route.complaints_per_year
        filed += s.migrant_route.complaints_per_year
    return grievances * years, filed * years


def estimate(scenarios: Sequence[Scenario], settings: RunSettings, workers: int,
             keep_cases: bool) -> RunSize:
    """The size of running every scenario ``settings.replications`` times on ``workers``
    processes; ``keep_cases`` when every case comes back to this process."""
    sizes = [_per_replication(s, settings) for s in scenarios]
    largest = max(grievances for grievances, _ in sizes)
    peak = min(workers, settings.replications * len(scenarios)) * (
        largest * BYTES_PER_GRIEVANCE_SIMULATED)
    if keep_cases:
        peak += sum(g for g, _ in sizes) * settings.replications * BYTES_PER_GRIEVANCE_KEPT
    seconds = sum(f for _, f in sizes) * settings.replications * SECONDS_PER_FILED_CASE
    return RunSize(largest, peak, seconds / max(workers, 1))


def memory_bytes() -> float:
    """This machine's memory."""
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not on Linux
        return float("inf")


def _sources(s: Scenario) -> Iterator[tuple[float, DominantInput]]:
    """Where a scenario's grievances come from: grievances a year, and the fields that set
    them (a sector's size and rate for each kind, the migrant route's complaints)."""
    multiplier = s.prevention.grievance_multiplier()
    for sector in s.arrivals.sectors:
        for kind, rate in RATE_FIELDS.items():
            base = RATE_BASES[kind]
            yield multiplier * sector_grievances_per_year(sector, kind), DominantInput(
                f"arrivals.sectors.{sector.name}.{base}/{rate}",
                (getattr(sector, base), getattr(sector, rate)), s.name,
                "fewer workers or a lower grievance rate")
    if s.migrant_on:
        complaints = s.migrant_route.complaints_per_year
        yield complaints, DominantInput("migrant_route.complaints_per_year", complaints,
                                        s.name, "fewer complaints a year")


def _dominant_input(scenarios: Sequence[Scenario], settings: RunSettings, workers: int,
                    keep_cases: bool, share: Callable[[RunSize], float]) -> DominantInput:
    """The input that makes a run big, ``share`` being a size's share of the limit it breaks:
    the run setting whose return to its default shrinks the run most, unless even default
    settings overflow by more (then the scenario fields raising the most grievances)."""

    def share_with(changed: RunSettings) -> float:
        return share(estimate(scenarios, changed, workers, keep_cases))

    now = share_with(settings)
    shrinks = {name: now / share_with(settings.replace(**{name: getattr(DEFAULT_SETTINGS, name)}))
               for name in SETTING_CUTS
               if getattr(settings, name) > getattr(DEFAULT_SETTINGS, name)}
    if shrinks and max(shrinks.values()) >= share_with(DEFAULT_SETTINGS):
        name = max(shrinks, key=shrinks.__getitem__)
        return DominantInput(name, getattr(settings, name), "", SETTING_CUTS[name])
    return max((source for s in scenarios for source in _sources(s)),
               key=lambda source: source[0])[1]


def check_size(scenarios: Sequence[Scenario], settings: RunSettings, workers: int,
               keep_cases: bool) -> RunSize:
    """The run's size, or an InputError naming the input that makes it too big, the estimate
    and how to go ahead anyway."""
    size = estimate(scenarios, settings, workers, keep_cases)
    if settings.force:
        return size
    memory = memory_bytes() * MEMORY_SHARE_ALLOWED
    limits = (
        (lambda r: r.peak_bytes / memory,
         f"a run that fits in half of this machine's memory: this one needs about "
         f"{size.peak_bytes / 2**30:,.1f} GiB of {memory / 2**30:,.1f} GiB allowed"),
        (lambda r: r.seconds / SECONDS_ALLOWED,
         f"a run of at most {SECONDS_ALLOWED / 60:.0f} minutes: this one takes about "
         f"{size.seconds / 60:,.0f} minutes on {workers} process{'es' if workers > 1 else ''}"),
    )
    for share_of_limit, words in limits:
        if share_of_limit(size) > 1:
            dominant = _dominant_input(scenarios, settings, workers, keep_cases,
                                       share_of_limit)
            raise InputError(dominant.path, dominant.value,
                             f"{words} ({dominant.cut}; RunSettings(force=True) or --force to "
                             "run it anyway)", dominant.source)
    return size
