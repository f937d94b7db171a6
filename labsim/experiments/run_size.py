"""How big a run will be, said before it starts: a run that would need more than half the
memory or more than ten minutes is refused unless forced, with the estimate in the message.

The constants were measured on the 2-core development machine (``benchmarks/bench_core.py``
prints estimate against measurement): about 16 microseconds of simulation per dispute filed
beyond the workplace, about 800 bytes of peak memory per grievance in the process that
simulates a replication, and about 650 bytes per grievance kept when every case of every
replication is returned (``labsim.run``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import InputError
from ..scenario.parameters import YEAR_DAYS, Scenario
from ..scenario.rates import filed_per_year, grievances_per_year
from ..scenario.settings import RunSettings

SECONDS_PER_FILED_CASE = 16e-6
BYTES_PER_GRIEVANCE_SIMULATED = 800
BYTES_PER_GRIEVANCE_KEPT = 650
MEMORY_SHARE_ALLOWED = 0.5
SECONDS_ALLOWED = 600.0


@dataclass(frozen=True)
class RunSize:
    """Expected size of a run: cases, memory at its peak and time on the given workers."""

    grievances_per_replication: float
    peak_bytes: float
    seconds: float


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


def check_size(scenarios: Sequence[Scenario], settings: RunSettings, workers: int,
               keep_cases: bool) -> RunSize:
    """The run's size, or an InputError saying it and how to go ahead anyway."""
    size = estimate(scenarios, settings, workers, keep_cases)
    if settings.force:
        return size
    limit = memory_bytes() * MEMORY_SHARE_ALLOWED
    if size.peak_bytes > limit:
        raise InputError("years/replications", (settings.years, settings.replications),
                         f"a run that fits in half of this machine's memory: this one needs "
                         f"about {size.peak_bytes / 2**30:,.1f} GiB of {limit / 2**30:,.1f} "
                         "GiB allowed (fewer years or replications; RunSettings(force=True) "
                         "or --force to try anyway)")
    if size.seconds > SECONDS_ALLOWED:
        raise InputError("years/replications", (settings.years, settings.replications),
                         f"a run of at most {SECONDS_ALLOWED / 60:.0f} minutes: this one takes "
                         f"about {size.seconds / 60:,.0f} minutes on {workers} "
                         f"process{'es' if workers > 1 else ''} (RunSettings(force=True) or "
                         "--force to run it anyway)")
    return size
