"""What the workshop dashboards and exercises compute, without any widget.

A dashboard's controls become a base scenario and two policies; the policies are compared
with common random numbers. Results are remembered by scenario content, so returning to
a slider position answers at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .experiments import Comparison, compare
from .policy import apply_policy, policy_with_increment
from .runner import as_scenario
from .scenario import Scenario
from .scenario_io import grievance_rate_overrides, with_overrides

PREVIEW = {"years": 3.0, "replications": 10, "seed": 1, "warmup_days": 180.0}
"""Run settings of the dashboards: about a second on 2 cores (benchmarks/)."""


@dataclass(frozen=True)
class PolicySettings:
    """The dashboard's controls: shared base changes, then two ways to spend more money."""

    increment_usd_per_year: float = 250_000.0
    prevention_first_share: float = 1.0
    """Share of the extra money the prevention-first policy puts into prevention."""
    resolution_first_share: float = 0.0
    """Share of the extra money the resolution-first policy puts into prevention."""
    labour_inspectors: int | None = None
    conciliators: int | None = None
    arbitrators: int | None = None
    grievance_rate_factor: float = 1.0
    """Multiplier on every grievance rate (both policies)."""
    workplace_resolution_share_individual: float | None = None


def adjusted_base(base: Scenario, settings: PolicySettings) -> Scenario:
    """The base scenario with the dashboard's shared changes."""
    changes: dict[str, object] = {}
    for path, value in (
            ("individual_conciliation.labour_inspectors", settings.labour_inspectors),
            ("collective_conciliation.conciliators", settings.conciliators),
            ("arbitration.arbitrators", settings.arbitrators),
            ("prevention.workplace_resolution_share_individual",
             settings.workplace_resolution_share_individual)):
        if value is not None:
            changes[path] = value
    if settings.grievance_rate_factor != 1.0:
        changes.update(grievance_rate_overrides(base, settings.grievance_rate_factor))
    return with_overrides(base, changes) if changes else base


def policy_pair(base: Scenario | str, settings: PolicySettings) -> dict[str, Scenario]:
    """Prevention-first and resolution-first scenarios spending the same total."""
    adjusted = adjusted_base(as_scenario(base), settings)
    pair = {}
    for name, share in (("prevention_first", settings.prevention_first_share),
                        ("resolution_first", settings.resolution_first_share)):
        policy = policy_with_increment(adjusted, settings.increment_usd_per_year, share, name)
        pair[name] = apply_policy(policy, adjusted)
    return pair


@lru_cache(maxsize=128)
def _compare_cached(first: Scenario, second: Scenario, run: tuple) -> Comparison:
    return compare({"prevention_first": first, "resolution_first": second},
                   processes=2, **dict(run))


def compare_policies(pair: dict[str, Scenario], **run: float) -> Comparison:
    """Compare the pair (preview settings unless given); repeated calls hit the cache."""
    settings = {**PREVIEW, **run}
    return _compare_cached(pair["prevention_first"], pair["resolution_first"],
                           tuple(sorted(settings.items())))
