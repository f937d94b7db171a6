"""What the workshop dashboards and exercises compute, without any widget.

A dashboard's controls become a base scenario and two policies; the policies are compared
with common random numbers. Results are remembered by scenario content, so returning to
a slider position answers at once; in a room (``labsim.workshop.serve``) they are computed
by the room's shared workers and kept in its shared cache, so a setting any page has seen
answers at once on every page.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from ..analysis.robustness import Robustness, load_result
from ..analysis.verdict_map import VerdictMap, read_verdict_map
from ..errors import InputError
from ..experiments.comparison import Comparison, replicate
from ..experiments.executors import ExecutorLike, Progress
from ..experiments.worlds import evaluate_worlds
from ..i18n import N_, _
from ..scenario.assumptions import Assumption
from ..scenario.parameters import Scenario
from ..scenario.policy import Policy, apply_policy, costed_in, policy_with_increment
from ..scenario.presets import (
    SCENARIO_DIR,
    ScenarioLike,
    as_scenario,
    load_assumptions,
    standard_increment,
    with_overrides,
)
from ..scenario.rates import rate_scaling_overrides
from ..scenario.settings import RunSettings
from ..scenario.stages import STAFFED_BY_ROUTE, staff_count, staffing
from ..version import code_fingerprint
from . import room

PREVIEW = RunSettings(years=3.0, replications=10, seed=1, warmup_days=180.0)
"""Run settings of the dashboards and exercise checks: about half a second on 2 cores
(benchmarks/). The short warm-up leaves court backlogs below steady state."""
POLICY_NAMES = ("prevention_first", "resolution_first")


CONTROLLED_STAGES = tuple(name for name in STAFFED_BY_ROUTE if staffing(name).control)
"""Staffed stages whose staff today a dashboard control sets (for both policies)."""


@dataclass(frozen=True)
class PolicyControls:
    """The dashboard's controls: shared base changes, then two ways to spend more money.

    >>> PolicyControls(staff={"arbitration": 30}).staff_of("arbitration")
    30
    """

    increment_usd_per_year: float = field(default_factory=standard_increment)
    """Extra money per year for both policies (default: what the policy presets add)."""
    prevention_first_share: float = 1.0
    """Share of the extra money the prevention-first policy puts into prevention."""
    resolution_first_share: float = 0.0
    """Share of the extra money the resolution-first policy puts into prevention."""
    staff: tuple[tuple[str, int], ...] | Mapping[str, int] = ()
    """Today's staff a control sets, by staffed stage (a mapping is kept as sorted pairs, so
    equal controls are equal); stages left out keep the base's staff."""
    grievance_rate_factor: float = 1.0
    """Multiplier on every grievance rate (both policies)."""
    workplace_resolution_share_individual: float | None = None

    def __post_init__(self) -> None:
        staff = dict(self.staff)
        unknown = sorted(set(staff) - set(CONTROLLED_STAGES))
        if unknown:
            raise InputError("staff", unknown[0], f"one of {', '.join(CONTROLLED_STAGES)}")
        object.__setattr__(self, "staff", tuple(sorted(staff.items())))

    def staff_of(self, stage: str) -> int | None:
        """Today's staff the controls set at ``stage`` (None: the base's)."""
        return dict(self.staff).get(stage)


@dataclass(frozen=True)
class SettingChange:
    """A dashboard setting that differs from today's system: its plain label, today's value
    and the value chosen, and how to show them ("usd", "percent", "count" or "times")."""

    label: str
    today: float
    chosen: float
    style: str


SETTING_LABELS = (
    ("increment_usd_per_year", N_("Extra money for each policy (US$ a year)"), "usd"),
    ("prevention_first_share", N_("Prevention first: share of the extra money on prevention"),
     "percent"),
    ("resolution_first_share", N_("Resolution first: share of the extra money on prevention"),
     "percent"),
    *((name, staffing(name).control_label, "count") for name in CONTROLLED_STAGES),
    ("grievance_rate_factor", N_("Grievances arising (times today's rate)"), "times"),
    ("workplace_resolution_share_individual",
     N_("Individual grievances settled at the workplace"), "percent"),
)
"""Every dashboard control (a controlled stage's by the stage's name), with the words a
dashboard and a brief use for it."""
SETTING_WORDS = {name: label for name, label, _style in SETTING_LABELS}
"""A control's words by its name, for the dashboard and the brief alike."""


def _setting(base: Scenario, controls: PolicyControls, name: str) -> tuple[float, float | None]:
    """A setting's value today (or by default) and the value the controls chose."""
    if name in CONTROLLED_STAGES:
        return staff_count(base, name), controls.staff_of(name)
    if name == "workplace_resolution_share_individual":
        return (base.prevention.workplace_resolution_share_individual,
                controls.workplace_resolution_share_individual)
    return getattr(PolicyControls(), name), getattr(controls, name)


def setting_changes(base: Scenario, controls: PolicyControls) -> list[SettingChange]:
    """The controls that differ from the defaults (today's system and the standard policies),
    so a brief can say every setting a group changed."""
    changes = []
    for name, label, style in SETTING_LABELS:
        was, now = _setting(base, controls, name)
        if now is not None and not math.isclose(now, was, rel_tol=1e-9, abs_tol=1e-9):
            changes.append(SettingChange(label, was, now, style))
    return changes


def workplace_share_limit(base: Scenario) -> float:
    """The largest share of individual grievances the workplace can settle in this base:
    with both prevention gains at full strength, no share may pass every grievance."""
    prevention = base.prevention
    return max(0.0, 1.0 - prevention.officer_resolution_gain
               - prevention.training_resolution_gain)


def assumptions_used(base: str, controls: PolicyControls) -> list[Assumption]:
    """The base's assumptions as a brief lists them: one a control sets shows the value
    chosen, and says so."""
    changes = control_changes(as_scenario(base), controls)
    return [replace(a, central=float(changes[a.path]), reason=_(
        "set on the dashboard for this brief; the range is the model's: {reason}").format(
            reason=_(a.reason))) if a.path in changes else a
            for a in load_assumptions(base)]


def control_changes(base: Scenario, controls: PolicyControls) -> dict[str, object]:
    """The dotted paths the dashboard's shared controls set, and their values."""
    changes: dict[str, object] = {staffing(name).count_path: count
                                  for name, count in controls.staff}
    if controls.workplace_resolution_share_individual is not None:
        changes["prevention.workplace_resolution_share_individual"] = (
            controls.workplace_resolution_share_individual)
    if controls.grievance_rate_factor != 1.0:
        changes.update(rate_scaling_overrides(base, controls.grievance_rate_factor))
    return changes


def adjusted_base(base: Scenario, controls: PolicyControls) -> Scenario:
    """The base scenario with the dashboard's shared changes."""
    changes = control_changes(base, controls)
    return with_overrides(base, changes) if changes else base


def policies_on(adjusted: Scenario, controls: PolicyControls) -> dict[str, Policy]:
    """Prevention first and resolution first as budgets on a base the controls have already
    adjusted: the same extra money, each spent by the allocation rules
    (docs/allocation_rules.md)."""
    return dict(_policies_on(adjusted, controls))


@lru_cache(maxsize=64)
def _policies_on(adjusted: Scenario, controls: PolicyControls) -> tuple[tuple[str, Policy], ...]:
    """policies_on, kept for the latest 64 settings: the allocation rules take about 0.06 s of
    a kernel's CPU, and the fork server's copy (labsim.workshop.kernels) spares every kernel's
    first view that."""
    return tuple((name, policy_with_increment(adjusted, controls.increment_usd_per_year, share,
                                              name))
                 for name, share in zip(POLICY_NAMES, (controls.prevention_first_share,
                                                       controls.resolution_first_share),
                                        strict=True))


def pair_on(adjusted: Scenario, controls: PolicyControls) -> dict[str, Scenario]:
    """Prevention-first and resolution-first scenarios on an adjusted base."""
    return {name: apply_policy(policy, adjusted)
            for name, policy in policies_on(adjusted, controls).items()}


def policy_pair(base: ScenarioLike, controls: PolicyControls) -> dict[str, Scenario]:
    """Prevention-first and resolution-first scenarios spending the same extra money.

    >>> sorted(policy_pair("cambodia_baseline", PolicyControls()))
    ['prevention_first', 'resolution_first']
    """
    return pair_on(adjusted_base(as_scenario(base), controls), controls)


@lru_cache(maxsize=128)
def _compare_cached(first: Scenario, second: Scenario, settings: RunSettings,
                    executor: ExecutorLike | None) -> Comparison:
    sent = room.tasks_sent()
    started = time.perf_counter()
    tables = replicate([first, second], settings,
                       executor or room.executor() or "processes",
                       cache_dir=room.cache_directory())
    room.report_answer(time.perf_counter() - started, computed=room.tasks_sent() > sent)
    return Comparison(POLICY_NAMES[0], dict(zip(POLICY_NAMES, tables, strict=True)))


def compare_policies(pair: dict[str, Scenario], settings: RunSettings = PREVIEW,
                     executor: ExecutorLike | None = None) -> Comparison:
    """Compare the pair (preview settings unless given) on ``executor`` (default: the room's
    workers and cache in a room, else local processes); repeated calls hit the cache."""
    return _compare_cached(*(pair[name] for name in POLICY_NAMES), settings, executor)


SHIPPED_BASE = "cambodia_baseline"
SHIPPED_ROBUSTNESS = SCENARIO_DIR.parent / "robustness" / "prevention_vs_resolution"
"""``labsim robustness prevention_first resolution_first --save ...`` at its defaults, computed
ahead (``make robustness-result``) so the dashboard shows it at once."""
CHECK_DRAWS = 16
CHECK_SETTINGS = RunSettings(years=2.0, replications=10, seed=1, warmup_days=180.0)
"""A short robustness check of other dashboard settings: 16 worlds x 2 policies x 10
replications of 2 years (about 20 s on 2 cores)."""
CHECK_LOCK = Path(tempfile.gettempdir()) / "labsim-robustness-check.lock"


@lru_cache(maxsize=1)
def shipped_robustness() -> tuple[Robustness, bool]:
    """The shipped result for the default settings, and whether the current code made it."""
    result, code = load_result(SHIPPED_ROBUSTNESS)
    return result, code == code_fingerprint()


SHIPPED_VERDICT_MAP = SHIPPED_ROBUSTNESS / "verdict_map.csv"
"""``labsim robustness ... --map``, made with the shipped result (``make robustness-result``)."""


@lru_cache(maxsize=1)
def shipped_verdict_map() -> VerdictMap | None:
    """The shipped verdict map, if the current code made it (else None: a stale map would
    contradict the verdicts beside it)."""
    if not SHIPPED_VERDICT_MAP.is_file():
        return None
    found = read_verdict_map(SHIPPED_VERDICT_MAP)
    return found if f"code {code_fingerprint()}," in found.stamp else None


_IN_PROCESS = threading.Lock()


@contextmanager
def one_check_at_a_time(waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the machine-wide lock of robustness checks: each dashboard visit is its own
    kernel, so a room of participants queues here instead of sharing the cores."""
    descriptor = os.open(CHECK_LOCK, os.O_CREAT | os.O_RDWR, 0o666)
    with contextlib.suppress(OSError):  # let other users of the machine share the queue
        os.chmod(CHECK_LOCK, 0o666)
    with _IN_PROCESS, os.fdopen(descriptor, "r+") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: queued within this kernel only
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def check_robustness(base: str, controls: PolicyControls, progress: Progress = False,
                     waiting: Callable[[], None] | None = None,
                     executor: ExecutorLike | None = None) -> Robustness:
    """How sure the dashboard's verdict is at these settings: the two policies (as budgets
    fixed at the central assumptions) in ``CHECK_DRAWS`` plausible worlds, each re-fitted to
    the record before the dashboard's changes are applied. An assumption a control sets is
    not drawn; a world where the settings break a rule of the model is left out (and said).
    In a room it runs on the room's workers behind the participants' moves."""
    scenario = as_scenario(base)
    fixed = set(control_changes(scenario, controls))
    assumptions = [a for a in load_assumptions(base) if a.path not in fixed]
    central = adjusted_base(scenario, controls)
    policies = policies_on(central, controls)

    def make(world: Scenario) -> dict[str, Scenario]:
        adjusted = adjusted_base(world, controls)
        return {name: apply_policy(costed_in(p, central, adjusted), adjusted)
                for name, p in policies.items()}

    with one_check_at_a_time(waiting):
        return evaluate_worlds(scenario, make, assumptions, CHECK_DRAWS, CHECK_SETTINGS,
                               executor or room.executor(room.Priority.CHECK) or "processes",
                               progress=progress)


def facilitator_mode() -> bool:
    """Whether this server lets participants start robustness checks (LABSIM_FACILITATOR=1)."""
    return os.environ.get("LABSIM_FACILITATOR", "") == "1"
