"""What the workshop dashboards and exercises compute, without any widget.

A dashboard's controls become a base scenario and two policies; the policies are compared
with common random numbers. Results are remembered by scenario content, so returning to
a slider position answers at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .executors import ExecutorLike
from .experiments import Comparison, compare
from .policy import apply_policy, policy_with_increment
from .presets import ScenarioLike, as_scenario, standard_increment, with_overrides
from .rates import rate_scaling_overrides
from .scenario import Scenario
from .settings import RunSettings

PREVIEW = RunSettings(years=3.0, replications=10, seed=1, warmup_days=180.0)
"""Run settings of the dashboards and exercise checks: about half a second on 2 cores
(benchmarks/). The short warm-up leaves court backlogs below steady state."""
POLICY_NAMES = ("prevention_first", "resolution_first")


@dataclass(frozen=True)
class PolicyControls:
    """The dashboard's controls: shared base changes, then two ways to spend more money."""

    increment_usd_per_year: float = field(default_factory=standard_increment)
    """Extra money per year for both policies (default: what the policy presets add)."""
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


def adjusted_base(base: Scenario, controls: PolicyControls) -> Scenario:
    """The base scenario with the dashboard's shared changes."""
    changes: dict[str, object] = {}
    for path, value in (
            ("individual_conciliation.labour_inspectors", controls.labour_inspectors),
            ("collective_conciliation.conciliators", controls.conciliators),
            ("arbitration.arbitrators", controls.arbitrators),
            ("prevention.workplace_resolution_share_individual",
             controls.workplace_resolution_share_individual)):
        if value is not None:
            changes[path] = value
    if controls.grievance_rate_factor != 1.0:
        changes.update(rate_scaling_overrides(base, controls.grievance_rate_factor))
    return with_overrides(base, changes) if changes else base


def policy_pair(base: ScenarioLike, controls: PolicyControls) -> dict[str, Scenario]:
    """Prevention-first and resolution-first scenarios spending the same extra money, each
    by the allocation rules (docs/allocation_rules.md)."""
    adjusted = adjusted_base(as_scenario(base), controls)
    pair = {}
    for name, share in zip(POLICY_NAMES, (controls.prevention_first_share,
                                          controls.resolution_first_share), strict=True):
        policy = policy_with_increment(adjusted, controls.increment_usd_per_year, share, name)
        pair[name] = apply_policy(policy, adjusted)
    return pair


@lru_cache(maxsize=128)
def _compare_cached(first: Scenario, second: Scenario, settings: RunSettings,
                    executor: ExecutorLike) -> Comparison:
    return compare(dict(zip(POLICY_NAMES, (first, second), strict=True)), settings=settings,
                   executor=executor)


def compare_policies(pair: dict[str, Scenario], settings: RunSettings = PREVIEW,
                     executor: ExecutorLike = "processes") -> Comparison:
    """Compare the pair (preview settings unless given); repeated calls hit the cache."""
    return _compare_cached(*(pair[name] for name in POLICY_NAMES), settings, executor)
