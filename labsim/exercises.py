"""Workshop exercises: ``check(number, answer)`` gives specific feedback, not only right/wrong.

Every check runs the model itself (seeded, common random numbers), so the feedback quotes
what the participant's answer actually does. An unfilled answer (``...``) gets a hint.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .assumptions import Assumption
from .calibration import fit_surrogate
from .costs import staffing_cost_usd
from .experiments import replicate, smallest_staff
from .flows import expected_flows
from .policy import ITEMS, Allocation, Policy, apply_policy
from .presets import (
    load_assumptions,
    load_policy,
    load_scenario,
    standard_increment,
    with_overrides,
)
from .rates import rate_scaling_overrides
from .scenario import Scenario
from .stages import active_staffed_stages
from .workshop import (
    POLICY_NAMES,
    PREVIEW,
    PolicyControls,
    compare_policies,
    policy_pair,
    shipped_robustness,
)

STRIKE_CUT_TARGET = 0.15
"""Exercise 7: the share of today's strike days the extra money must remove."""
PREVENTION_EFFECT = "prevention.max_grievance_reduction"
"""Exercise 8: the assumption whose value the participant looks for."""
FLIP_STEP = 0.05
"""Exercise 8: an answer is right when the verdict on strike days flips less than this far
below it (or the range ends there): finer than that, 10 replications cannot tell."""


@dataclass(frozen=True)
class Feedback:
    """What a check says: whether the answer is right, and why."""

    correct: bool
    message: str

    def __repr__(self) -> str:
        return ("Correct! " if self.correct else "Not yet. ") + self.message


def _unfilled(answer: Any) -> bool:
    return answer is ... or answer is None or answer == ""


def _number(answer: Any) -> float | None:
    if isinstance(answer, bool):
        return None
    try:
        return float(answer)
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=1)
def _baseline() -> Scenario:
    return load_scenario("cambodia_baseline")


@lru_cache(maxsize=64)
def _kpis(scenario: Scenario) -> Mapping[str, float]:
    return replicate([scenario], PREVIEW)[0].mean().to_dict()


def _check_flow(answer: Any) -> Feedback:
    """1. How many collective disputes a year reach the Arbitration Council?"""
    if _unfilled(answer):
        return Feedback(False, "Replace ... with a number: follow the band from 'Ministry "
                        "conciliation' to 'Arbitration Council' in the flow diagram.")
    value = _number(answer)
    flows = expected_flows(_baseline())
    target = flows["arbitration_cases_per_year"]
    if value is None:
        return Feedback(False, f"{answer!r} is not a number of cases per year.")
    if abs(value - target) <= 0.3 * target:
        return Feedback(True, f"About {target:.0f} a year reach the Council (the ministry "
                        "reported 22 referrals in 2023).")
    if abs(value - flows["collective_conciliation_cases_per_year"]) < 0.2 * value:
        return Feedback(False, "That is how many collective disputes reach ministry "
                        "conciliation. Follow the band one step further, to the Council.")
    if value > flows["individual_conciliation_cases_per_year"] * 0.8:
        return Feedback(False, "That counts individual disputes or all grievances. Only "
                        "collective disputes go to the Arbitration Council.")
    return Feedback(False, f"{value:g} is {'too many' if value > target else 'too few'}: "
                    "read the number printed beside the Arbitration Council box.")


_STAGE_WORDS = {
    "individual_conciliation": ("inspector", "individual"),
    "collective_conciliation": ("conciliator", "collective", "ministry"),
    "arbitration": ("arbitra", "council", "panel"),
    "migrant_resource_centre": ("migrant", "mrc"),
}


_STAFF_NAMES = {
    "individual_conciliation": "labour inspectors",
    "collective_conciliation": "ministry conciliators",
    "arbitration": "Arbitration Council panels",
    "migrant_resource_centre": "MRC staff",
}


def _stage_named(answer: str) -> str | None:
    text = answer.lower()
    matches = [stage for stage, words in _STAGE_WORDS.items() if any(w in text for w in words)]
    return matches[0] if len(matches) == 1 else None


def _check_busiest(answer: Any) -> Feedback:
    """2. Whose staff are busiest (highest utilisation)?"""
    if _unfilled(answer):
        return Feedback(False, "Replace ... with the name of a stage, e.g. \"labour "
                        "inspectors\": look at the utilisation rows of the KPI table.")
    stage = _stage_named(str(answer))
    kpis = _kpis(_baseline())
    use = {s: kpis[f"utilisation_{s}"] for s in active_staffed_stages(_baseline())}
    busiest = max(use, key=use.get)
    if stage is None:
        return Feedback(False, f"I cannot tell which stage {answer!r} means: name the "
                        "inspectors, the conciliators or the arbitrators.")
    if stage == busiest:
        return Feedback(True, f"The {_STAFF_NAMES[stage]} are busy {use[stage]:.0%} of the "
                        "time; at the September-January peak they run out of capacity.")
    return Feedback(False, f"The {_STAFF_NAMES[stage]} are busy only {use[stage]:.0%} of the "
                    f"time. Another stage is busier ({use[busiest]:.0%}).")


def _busier_individual() -> Scenario:
    return with_overrides(_baseline(),
                          rate_scaling_overrides(_baseline(), 1.5, ("individual",)))


@lru_cache(maxsize=4)
def _fewest(scenario: Scenario, path: str, kpi: str, target: float, low: int,
            high: int) -> int | None:
    return smallest_staff(scenario, path, kpi, target, low=low, high=high,
                          settings=PREVIEW).level_for_mean


def _check_staff(answer: Any, scenario: Scenario, path: str, kpi: str, target: float,
                 who: str, low: int, high: int, what: str, advice: str) -> Feedback:
    if _unfilled(answer):
        return Feedback(False, f"Replace ... with a whole number of {who}.")
    value = _number(answer)
    if value is None or value != int(value) or not low <= value <= high:
        return Feedback(False, f"{answer!r}: give a whole number of {who} from {low} to {high}.")
    achieved = _kpis(with_overrides(scenario, {path: int(value)}))[kpi]
    fewest = _fewest(scenario, path, kpi, target, low, high)
    if achieved < target:
        return Feedback(False, f"With {int(value)} {who}, {achieved:.0%} of {what}; the "
                        f"target is {target:.0%}. {advice}")
    if fewest is not None and value > fewest + 2:
        return Feedback(False, f"{int(value)} {who} meet the target ({achieved:.0%}), but so "
                        f"do fewer: the budget is tight. Try smaller numbers.")
    return Feedback(True, f"With {int(value)} {who}, {achieved:.0%} of {what} (target "
                    f"{target:.0%}); the fewest that do it in these runs: {fewest}.")


def _check_inspectors(answer: Any) -> Feedback:
    """3. Inspectors to hear 90% of complaints within 3 weeks if grievances rise by half."""
    return _check_staff(answer, _busier_individual(),
                        "individual_conciliation.labour_inspectors",
                        "share_individual_heard_within_deadline", 0.9, "labour inspectors",
                        1, 40, "complaints are heard within 3 weeks",
                        "Add inspectors: the queue builds up every peak season.")


def _policy_comparison():
    """The dashboard's default comparison (cached by the dashboard's own cache)."""
    return compare_policies(policy_pair(_baseline(), PolicyControls()))


def _check_strike_verdict(answer: Any) -> Feedback:
    """4. Does prevention-first give clearly fewer strike days than resolution-first?"""
    if _unfilled(answer):
        return Feedback(False, "Replace ... with \"yes\", \"no\" or \"not clear\": read the "
                        "strike-days line of the verdict and its confidence interval.")
    text = str(answer).strip().lower()
    row = _policy_comparison().differences().set_index("kpi").loc["strike_days_per_year"]
    truth = "not clear" if not row["clear"] else ("yes" if row["difference"] > 0 else "no")
    interval = (f"resolution-first has {row['relative'] * 100:+.0f}% strike days (95% CI "
                f"{row['relative_ci_low'] * 100:+.0f}% to {row['relative_ci_high'] * 100:+.0f}%)")
    if text not in ("yes", "no", "not clear"):
        return Feedback(False, f"{answer!r}: answer \"yes\", \"no\" or \"not clear\".")
    if text == truth:
        excludes = "does not include" if truth != "not clear" else "includes"
        return Feedback(True, f"{interval}: the interval {excludes} zero.")
    if text == "not clear":
        return Feedback(False, f"{interval}. An interval that does not include zero is a clear "
                        "difference.")
    return Feedback(False, f"{interval}. Check which policy has more: the line compares "
                    "resolution-first with prevention-first.")


def _check_cost_trap(answer: Any) -> Feedback:
    """5. Which policy has the lower cost per resolved case, and which fewer grievances?"""
    if _unfilled(answer) or not isinstance(answer, tuple | list) or len(answer) != 2:
        return Feedback(False, "Answer with two policy names in brackets: (lower cost per "
                        "resolved case, fewer grievances), e.g. (\"balanced\", \"balanced\").")
    kpis = _policy_comparison().kpis().set_index(["kpi", "scenario"])["mean"]
    names = ("prevention_first", "resolution_first")
    cheap = min(names, key=lambda n: kpis[("cost_usd_per_resolved_grievance", n)])
    fewer = min(names, key=lambda n: kpis[("grievances_per_year", n)])
    given = tuple(str(a).strip().lower().replace("-", "_").replace(" ", "_") for a in answer)
    if given == (cheap, fewer):
        return Feedback(True, f"{cheap} resolves cases more cheaply because it has more cases "
                        f"to resolve; {fewer} prevents grievances, so there is less to resolve. "
                        "Cost per resolved case alone rewards having many disputes.")
    if given[0] != cheap:
        return Feedback(False, f"Look again at cost per resolved case: {cheap} is lower "
                        f"(US${kpis[('cost_usd_per_resolved_grievance', cheap)]:,.0f}).")
    return Feedback(False, f"Look again at grievances per year: {fewer} has fewer "
                    f"({kpis[('grievances_per_year', fewer)]:,.0f}).")


def _check_mrc_staff(answer: Any) -> Feedback:
    """6. MRC staff so that 85% of migrant complaints are acted on within 10 days."""
    return _check_staff(answer, load_scenario("migrant_grievances"), "migrant_route.mrc_staff",
                        "share_migrant_acted_on_within_deadline", 0.85, "MRC staff", 1, 12,
                        "complaints are acted on within 10 days",
                        "Complaints queue for intake: add staff.")


def _check_design(answer: Any) -> Feedback:
    """7. Spend the standard increment so that strike days fall by STRIKE_CUT_TARGET."""
    if _unfilled(answer) or not isinstance(answer, Mapping):
        return Feedback(False, "Answer with a dictionary of extra US$ per item, e.g. "
                        "{\"prevention_officers\": 100000, \"labour_inspectors\": 150000}. "
                        f"Items: {', '.join(ITEMS[:5])}.")
    unknown = sorted(set(answer) - set(ITEMS[:5]))
    if unknown:
        return Feedback(False, f"Unknown item(s) {unknown}: use {', '.join(ITEMS[:5])}.")
    extra = {k: _number(v) for k, v in answer.items()}
    if any(v is None or v < 0 for v in extra.values()):
        return Feedback(False, "Every amount must be a number of US$ of 0 or more.")
    spent, budget = sum(extra.values()), standard_increment()
    if spent > budget + 1:
        return Feedback(False, f"That spends US${spent:,.0f}: the extra budget is "
                        f"US${budget:,.0f}. Take some money away.")
    base = _baseline()
    today = staffing_cost_usd(base)
    allocation = Allocation(**{item: today.get(item, 0.0) + extra.get(item, 0.0)
                               for item in ITEMS})
    design = apply_policy(Policy("your_policy", "", base.name, allocation.total, allocation),
                          base)
    before = _kpis(base)["strike_days_per_year"]
    after = _kpis(design)["strike_days_per_year"]
    cut = 1 - after / before
    if cut >= STRIKE_CUT_TARGET:
        return Feedback(True, f"Strike days fall from {before:.0f} to {after:.0f} a year "
                        f"({cut:.0%} fewer) for US${spent:,.0f} more.")
    hint = ("Resolution staff shorten waits, but most strike days come from disputes that "
            "arise at all: prevention cuts their number." if extra.get("prevention_officers", 0)
            + extra.get("training", 0) < spent / 2 else
            "Spend more of it on prevention officers, whose effect grows fastest at first.")
    return Feedback(False, f"Strike days fall from {before:.0f} to {after:.0f} a year, "
                    f"{cut:.0%} fewer; the target is {STRIKE_CUT_TARGET:.0%}. {hint}")


def _prevention_effect() -> Assumption:
    return next(a for a in load_assumptions("cambodia_baseline") if a.path == PREVENTION_EFFECT)


def _share(answer: Any) -> float | None:
    """A share from a number (0.25, or 25 read as a percentage) or a text such as "25%"."""
    percent = isinstance(answer, str) and answer.strip().endswith("%")
    value = _number(answer.strip()[:-1] if percent else answer)
    if value is None or not math.isfinite(value):
        return None
    return value / 100 if percent or 1 < value <= 100 else value


@lru_cache(maxsize=32)
def _strikes_in_world(value: float) -> Mapping:
    """Resolution first against prevention first on strike days, the presets applied to the
    baseline with the prevention effect at ``value``, re-fitted to the 2023 record as every
    world of a robustness check is; the other assumptions at their central values."""
    world = fit_surrogate(with_overrides(_baseline(), {PREVENTION_EFFECT: value})).scenario
    pair = {name: apply_policy(load_policy(name), world) for name in POLICY_NAMES}
    return compare_policies(pair).differences().set_index("kpi").loc["strike_days_per_year"]


def _strikes_said(value: float) -> tuple[bool, str]:
    """Whether prevention first has fewer strike days at ``value``, and the model's words."""
    row = _strikes_in_world(value)
    more = "more" if row["relative"] >= 0 else "fewer"
    return row["difference"] > 0, (
        f"at {value:.0%} resolution first has {abs(row['relative']):.0%} {more} strike days "
        f"than prevention first (95% CI {row['relative_ci_low'] * 100:+.0f}% to "
        f"{row['relative_ci_high'] * 100:+.0f}%)")


def _check_prevention_effect(answer: Any) -> Feedback:
    """8. The smallest prevention effect at which prevention first keeps fewer strike days."""
    effect = _prevention_effect()
    if _unfilled(answer):
        return Feedback(False, "Replace ... with a share, e.g. 0.25 for 25%. Run the check: "
                        "it says which policy has fewer strike days at that share, so you can "
                        "move towards the point where the verdict flips, if it ever does.")
    value = _share(answer)
    if value is None:
        return Feedback(False, f"{answer!r} is not a share: write a number such as 0.25 "
                        "(or \"25%\").")
    if not effect.low <= value <= effect.high:
        return Feedback(False, f"{value:.0%} is outside the plausible range of the prevention "
                        f"effect, {effect.low:.0%} to {effect.high:.0%}.")
    value = round(value, 3)
    wins, said = _strikes_said(value)
    if not wins:
        return Feedback(False, f"The model says: {said}. At this share the recommendation "
                        "would flip: prevention officers must avert more. Try a larger share.")
    below = round(value - FLIP_STEP, 3)
    if below >= effect.low:
        wins_below, said_below = _strikes_said(below)
        if wins_below:
            return Feedback(False, f"The model says: {said}, and {said_below}. Prevention first "
                            f"keeps fewer strike days below {value:.0%} too. Try a smaller share.")
        return Feedback(True, f"The verdict flips between {below:.0%} and {value:.0%}: {said}, "
                        f"but {said_below}. The other assumptions are at their central values.")
    wins_low, said_low = _strikes_said(effect.low)
    if not wins_low:
        return Feedback(True, f"The verdict flips between {effect.low:.0%} and {value:.0%}: "
                        f"{said}, but {said_low}.")
    return Feedback(True, f"Even if prevention officers averted no grievances at all, "
                    f"prevention first would keep fewer strike days: {said_low}, the other "
                    "assumptions at their central values. Its officers and workplace training "
                    "also settle grievances at the workplace, before they become disputes. "
                    + _worlds_said(effect))


def _worlds_said(effect: Assumption) -> str:
    """What the shipped robustness result says about strike days, read from it when asked:
    in how many worlds resolution first wins, and how large the prevention effect is there."""
    shipped, _ = shipped_robustness()
    rows = shipped.differences[(shipped.differences["kpi"] == "strike_days_per_year")
                               & (shipped.differences["scenario"] == "resolution_first")]
    said = (f"Across the {len(rows)} plausible worlds of the robustness check, where every "
            "assumption varies at once, resolution first has fewer strike days in ")
    lost = rows.loc[rows["difference"] < 0, "world"]
    if lost.empty:
        return said + "none."
    largest = shipped.worlds.loc[lost, PREVENTION_EFFECT].max()
    return said + (f"{len(lost)}, in all of which officers avert at most {largest:.0%} of "
                   f"grievances (assumed: {effect.central:.0%}). As the model just showed, a "
                   "small prevention effect alone does not turn the verdict: there, other "
                   "assumptions differ too (notebook 07, section 6, shows which).")


CHECKS: dict[int, Callable[[Any], Feedback]] = {
    1: _check_flow, 2: _check_busiest, 3: _check_inspectors, 4: _check_strike_verdict,
    5: _check_cost_trap, 6: _check_mrc_staff, 7: _check_design, 8: _check_prevention_effect,
}


def check(exercise: int, answer: Any) -> Feedback:
    """Check the answer to exercise ``exercise`` (1 to 8) and say what it does."""
    if exercise not in CHECKS:
        return Feedback(False, f"There is no exercise {exercise!r}: choose 1 to {len(CHECKS)}.")
    return CHECKS[exercise](answer)


__all__ = ["CHECKS", "Feedback", "check"]
