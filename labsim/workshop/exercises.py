"""Workshop exercises: ``check(number, answer)`` gives specific feedback, not only right/wrong.

Every check runs the model itself (seeded, common random numbers), so the feedback quotes
what the participant's answer actually does; a check that has to run the model says so first.
An unfilled answer (``...``) gets a hint. ``watch_answers()``, called by each exercise's first
cell, makes a slip in the answer cell read in plain words and never lets a check grade the
answer of an earlier run.
"""

from __future__ import annotations

import ast
import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import pandas as pd
from IPython import get_ipython

from ..experiments.comparison import replicate
from ..experiments.worlds import Record, world_scenario
from ..i18n import N_, _, display_name, in_sentence, translations_of, use_language
from ..scenario.assumptions import Assumption
from ..scenario.flows import expected_flows
from ..scenario.items import BOUGHT, items_on
from ..scenario.parameters import Scenario
from ..scenario.policy import apply_policy, policy_adding
from ..scenario.presets import (
    load_assumptions,
    load_policy,
    load_scenario,
    standard_increment,
    with_overrides,
)
from ..scenario.rates import rate_scaling_overrides
from ..scenario.stages import (
    STAFFED_STAGES,
    active_staffed_stages,
    staff_noun,
    staff_words,
    staffing,
    stage_entry,
    stage_held_to,
    stage_kpi,
)
from .controls import (
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
SECONDS_PER_RUN = 2
"""What a check says one scenario's preview run takes (10 replications of 3 years, measured
at 1-2 s on 2 cores): a fixed figure, so a notebook's printed output is the same everywhere."""
SECONDS_PER_WORLD = 3
"""The same for exercise 8's world: the re-fit and both policies' preview runs."""


@dataclass(frozen=True)
class Feedback:
    """What a check says: whether the answer is right (None: not checked), and why."""

    correct: bool | None
    message: str

    def __repr__(self) -> str:
        if self.correct is None:
            return self.message
        return (_("Correct!") if self.correct else _("Not yet.")) + " " + self.message


class _AnswerDidNotRun:
    """The type of ``ANSWER_DID_NOT_RUN``."""

    def __repr__(self) -> str:
        return "<the answer cell did not run>"


ANSWER_DID_NOT_RUN = _AnswerDidNotRun()
"""What ``answer`` holds while its cell has not run to the end: ``check`` never grades it."""
_ANSWER_CELL = re.compile(r"^[ \t]*answer[ \t]*=(?!=)", re.MULTILINE)
_SET_DID_NOT_RUN = ("answer = __import__('labsim.workshop.exercises')"
                    ".workshop.exercises.ANSWER_DID_NOT_RUN\n")
_CURLY_QUOTES = "\u201c\u201d\u2018\u2019"


def _quotes_advice(word: str) -> str:
    return _("Your answer could not be read: put words in quotes, like \"{word}\"; write a "
             "number alone, like 12.").format(word=word)


def _fix_and_rerun() -> str:
    return _("The answer cell did not run: fix it, run it again, then run the check.")


def _unreadable(cell: str) -> str | None:
    """What is wrong with an answer cell Python cannot read, in plain words (None: readable)."""
    try:
        compile(cell, "<answer>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError as error:
        said = [_quotes_advice("not clear")]
        if any(quote in cell for quote in _CURLY_QUOTES):
            said.append(_("Type quotes with the keyboard (\"), not curly ones (\u201c \u201d)."))
        if error.text and error.text.strip():
            said.append(_("Python could not read this line: {line}").format(
                line=error.text.strip()))
        return "\n".join([*said, _fix_and_rerun()])
    return None


class _AnswerWatch:
    """Watches one IPython shell's answer cells: the cells that assign ``answer``."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.in_answer_cell = False

    def __call__(self, lines: list[str]) -> list[str]:
        """Input transformer: an answer cell Python cannot read becomes code that says what is
        wrong and leaves ``answer`` without a value to grade."""
        cell = "".join(lines)
        message = _unreadable(cell) if _ANSWER_CELL.search(cell) else None
        return lines if message is None else [f"print({message!r})\n", _SET_DID_NOT_RUN]

    def start_cell(self, info: Any) -> None:
        """Before every cell: an answer cell first empties ``answer``, so a line that fails
        leaves no answer to grade, never the previous one."""
        self.in_answer_cell = bool(_ANSWER_CELL.search(info.raw_cell or ""))
        if self.in_answer_cell:
            self.shell.user_ns["answer"] = ANSWER_DID_NOT_RUN

    def name_error(self, shell: Any, etype: type, value: BaseException, tb: Any,
                   tb_offset: int | None = None) -> None:
        """A NameError in plain words: in an answer cell, a word without quotes; elsewhere
        the usual traceback, then what to run first."""
        name = getattr(value, "name", None) or str(value)
        if self.in_answer_cell:
            print(_quotes_advice(name) + "\n" + _fix_and_rerun())
            return
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        print(_("{name} is not defined: check its spelling, or run the cells above this one "
                "first, from the top.").format(name=name))


def watch_answers(language: str | None = None) -> None:
    """In a notebook, make a slip in an answer cell read in plain words and never leave a
    stale answer behind; each exercise's first cell calls it. ``language`` ("km": the Khmer
    copies in exercises/km) makes every message and figure speak it, figures drawn as SVG
    whose Khmer the browser shapes. Outside IPython it only sets the language, and calling it
    again changes nothing more."""
    if language is not None:
        use_language(language)
    shell = get_ipython()
    if shell is not None and language is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg")
    if shell is None or any(isinstance(t, _AnswerWatch)
                            for t in shell.input_transformers_post):
        return
    watch = _AnswerWatch(shell)
    shell.input_transformers_post.append(watch)
    shell.events.register("pre_run_cell", watch.start_cell)
    shell.set_custom_exc((NameError,), watch.name_error)


def _unfilled(answer: Any) -> bool:
    return answer is ... or answer is None or answer == ""


def _number(answer: Any) -> float | None:
    if isinstance(answer, bool):
        return None
    try:
        return float(answer)
    except (TypeError, ValueError):
        return None


def _say_running(seconds: float) -> None:
    """One plain line before a check runs the model, so nobody wonders whether it works."""
    if seconds:
        print(_("Running the model for your answer (about {seconds:.0f} s)...").format(
            seconds=seconds), flush=True)


@lru_cache(maxsize=1)
def _baseline() -> Scenario:
    return load_scenario("cambodia_baseline")


_MEANS: dict[Scenario, Mapping[str, float]] = {}
"""Mean KPIs of every scenario a check has run in this kernel, so a repeated try is instant."""


def _kpis(*scenarios: Scenario) -> list[Mapping[str, float]]:
    """Mean KPIs of each scenario under the preview settings; those not yet run in this
    kernel run together, announced first."""
    missing = list(dict.fromkeys(s for s in scenarios if s not in _MEANS))
    if missing:
        _say_running(len(missing) * SECONDS_PER_RUN)
        for scenario, table in zip(missing, replicate(missing, PREVIEW), strict=True):
            _MEANS[scenario] = table.mean().to_dict()
    return [_MEANS[s] for s in scenarios]


def _check_flow(answer: Any) -> Feedback:
    """1. How many collective disputes a year reach the Arbitration Council?"""
    if _unfilled(answer):
        return Feedback(False, _("Replace ... with a number: follow the arrow from 'Ministry "
                                 "conciliation' to 'Arbitration Council' in the flow diagram."))
    value = _number(answer)
    if value is None:
        return Feedback(False, _("{answer!r} is not a number of cases per year.").format(
            answer=answer))
    flows = expected_flows(_baseline())
    target = flows["arbitration_cases_per_year"]
    if abs(value - target) <= 0.3 * target:
        return Feedback(True, _("About {target:.0f} a year reach the Council (the ministry "
                                "reported 22 referrals in 2023).").format(target=target))
    if abs(value - flows["collective_conciliation_cases_per_year"]) < 0.2 * value:
        return Feedback(False, _("That is how many collective disputes reach ministry "
                                 "conciliation. Follow the arrow one step further, to the "
                                 "Council."))
    if value > flows["individual_conciliation_cases_per_year"] * 0.8:
        return Feedback(False, _("That counts individual disputes or all grievances. Only "
                                 "collective disputes go to the Arbitration Council."))
    wrong = (_("{value:g} is too many: read the number printed in the Arbitration Council "
               "box.") if value > target else
             _("{value:g} is too few: read the number printed in the Arbitration Council "
               "box."))
    return Feedback(False, wrong.format(value=value))


def _names_of(stage: str) -> set[str]:
    """Words that name a staffed stage in a typed answer, in every language labsim speaks:
    the registry's answer words, and the stage's names and its staff's as each catalogue
    translates them (a Khmer answer such as "អធិការការងារ" names the staff of individual
    conciliation)."""
    entry, staff = stage_entry(stage), staffing(stage)
    names = {entry.label, entry.short_label, entry.in_sentence, staff.noun, staff.item_label}
    translated = set().union(*(translations_of(name) for name in names)) - names
    return set(staff.answer_words) | {_plain(word) for word in translated}


def _plain(text: str) -> str:
    """Text as a typed answer is compared: lower case, without spaces or zero-width marks."""
    return re.sub(r"[\s\u200b\u200c\u200d]+", "", unicodedata.normalize("NFC", text.lower()))


def _stage_named(answer: str) -> str | None:
    """The staffed stage a typed answer names (by its words in any language), if exactly
    one; an answer inside one stage's Khmer name (a part of it, as typed) counts too."""
    text = answer.lower()
    plain = _plain(answer)
    matches = [name for name in STAFFED_STAGES
               if any(word in text or word in plain for word in _names_of(name))]
    if not matches and len(plain) >= 3:
        matches = [name for name in STAFFED_STAGES
                   if any(plain in word for word in _names_of(name) - set(
                       staffing(name).answer_words))]
    return matches[0] if len(matches) == 1 else None


def _check_busiest(answer: Any) -> Feedback:
    """2. Whose staff are busiest (highest utilisation)?"""
    if _unfilled(answer):
        return Feedback(False, _("Replace ... with the name of a stage, e.g. \"{example}\": "
                                 "look at the utilisation rows of the KPI table.").format(
            example=staff_noun(active_staffed_stages(_baseline())[0])))
    stage = _stage_named(str(answer))
    if stage is None:
        return Feedback(False, _("I cannot tell which stage {answer!r} means: name one of "
                                 "{stages}.").format(answer=answer, stages=", ".join(
            staff_noun(name) for name in active_staffed_stages(_baseline()))))
    (kpis,) = _kpis(_baseline())
    use = {s: kpis[stage_kpi("utilisation", s)] for s in active_staffed_stages(_baseline())}
    busiest = max(use, key=use.get)
    if stage == busiest:
        return Feedback(True, _("The {staff} are busy {share:.0%} of the time; at the "
                                "September-January peak they run out of capacity.").format(
            staff=staff_noun(stage), share=use[stage]))
    return Feedback(False, _("The {staff} are busy only {share:.0%} of the time. Another "
                             "stage is busier ({busiest:.0%}).").format(
        staff=staff_noun(stage), share=use[stage], busiest=use[busiest]))


def _busier_individual() -> Scenario:
    return with_overrides(_baseline(),
                          rate_scaling_overrides(_baseline(), 1.5, ("individual",)))


@dataclass(frozen=True)
class _StaffTask:
    """A "fewest staff that meet a target" exercise: a deadline KPI (the stage held to it is
    the one staffed), its target, the range of answers and the words around them."""

    scenario: Callable[[], Scenario]
    kpi: str
    target: float
    high: int
    what: str
    advice: str
    low: int = 1

    @property
    def stage(self) -> str:
        return stage_held_to(self.kpi)


def _check_staff(answer: Any, task: _StaffTask) -> Feedback:
    """Right only for the fewest staff that meet the target: the answer meets it in the
    check's own runs and one fewer does not (both seeded alike, so the verdict is the same
    every time)."""
    words = {"who": staff_noun(task.stage), "what": _(task.what), "target": task.target,
             "low": task.low, "high": task.high}
    if _unfilled(answer):
        return Feedback(False, _("Replace ... with a whole number of {who}.").format(**words))
    value = _number(answer)
    if value is None or not math.isfinite(value) or value != int(value) or not (
            task.low <= value <= task.high):
        return Feedback(False, _("{answer!r}: give a whole number of {who} from {low} to "
                                 "{high}.").format(answer=answer, **words))
    staff = int(value)
    levels = [staff, staff - 1] if staff > task.low else [staff]
    path = staffing(task.stage).count_path
    shares = [kpis[task.kpi] for kpis in _kpis(*(
        with_overrides(task.scenario(), {path: n}) for n in levels))]
    words.update(staff=staff_words(task.stage, staff), share=shares[0], count=staff,
                 fewer=staff_words(task.stage, staff - 1), fewer_count=staff - 1,
                 fewer_share=shares[-1])
    if shares[0] < task.target:
        return Feedback(False, _("With {staff}, {share:.0%} of {what}; the target is "
                                 "{target:.0%}.").format(**words) + " " + _(task.advice))
    if len(shares) == 1:
        return Feedback(True, _("With {staff}, {share:.0%} of {what} (target {target:.0%}): "
                                "no fewer will do.").format(**words))
    if shares[1] >= task.target:
        return Feedback(False, _("With {staff}, {share:.0%} of {what}: that meets the target, "
                                 "but {fewer} meet it too ({fewer_share:.0%}). The budget is "
                                 "tight: try fewer.").format(**words))
    return Feedback(True, _("With {staff}, {share:.0%} of {what} (target {target:.0%}); with "
                            "{fewer_count}, only {fewer_share:.0%}. {count} is the fewest that "
                            "meet the target.").format(**words))


INSPECTORS = _StaffTask(
    _busier_individual, "share_individual_heard_within_deadline", 0.9, 40,
    N_("complaints are heard within 3 weeks"),
    N_("Add inspectors: the queue builds up every peak season."))
"""Exercise 3: the fewest inspectors to hear 90% of complaints within 3 weeks if grievances
rise by half."""
MRC_STAFF = _StaffTask(
    lambda: load_scenario("migrant_grievances"), "share_migrant_acted_on_within_deadline",
    0.85, 12, N_("complaints are acted on within 10 days"),
    N_("Complaints queue for intake: add staff."))
"""Exercise 6: the fewest staff of Migrant Worker Resource Centres to act on 85% of migrant
complaints within 10 days."""


def _policy_comparison():
    """The dashboard's default comparison: the one the notebook's first cell made (the
    dashboard's cache remembers it, so the check does not run the model again)."""
    return compare_policies(policy_pair(_baseline(), PolicyControls()))


def _strike_gap(row: pd.Series, policy: str, reference: str) -> str:
    """How many more (or fewer) strike days ``policy`` has than ``reference``, with the
    95% interval, from a row of ``Comparison.differences()``."""
    template = (_("{policy} has {size:.0%} more strike days than {reference} (95% CI "
                  "{low:+.0f}% to {high:+.0f}%)") if row["relative"] >= 0 else
                _("{policy} has {size:.0%} fewer strike days than {reference} (95% CI "
                  "{low:+.0f}% to {high:+.0f}%)"))
    return template.format(policy=policy, reference=reference, size=abs(row["relative"]),
                           low=row["relative_ci_low"] * 100, high=row["relative_ci_high"] * 100)


def _check_strike_verdict(answer: Any) -> Feedback:
    """4. Does prevention-first give clearly fewer strike days than resolution-first?"""
    if _unfilled(answer):
        return Feedback(False, _("Replace ... with \"yes\", \"no\" or \"not clear\": read the "
                                 "strike-days line of the verdict and its confidence "
                                 "interval."))
    text = str(answer).strip().lower()
    if text not in ("yes", "no", "not clear"):
        return Feedback(False, _("{answer!r}: answer \"yes\", \"no\" or \"not clear\".").format(
            answer=answer))
    row = _policy_comparison().differences().set_index("kpi").loc["strike_days_per_year"]
    truth = "not clear" if not row["clear"] else ("yes" if row["difference"] > 0 else "no")
    gap = _strike_gap(row, display_name(row["scenario"]), in_sentence(row["reference"]))
    if text == truth:
        said = (_("{gap}: the interval does not include zero.") if truth != "not clear" else
                _("{gap}: the interval includes zero."))
        return Feedback(True, said.format(gap=gap))
    if truth == "not clear":
        return Feedback(False, _("{gap}. The interval includes zero: with these runs the model "
                                 "cannot tell which policy has fewer strike days.").format(
            gap=gap))
    if text == "not clear":
        return Feedback(False, _("{gap}. An interval that does not include zero is a clear "
                                 "difference.").format(gap=gap))
    return Feedback(False, _("{gap}. Check which policy has more: the line compares {policy} "
                             "with {reference}.").format(
        gap=gap, policy=in_sentence(row["scenario"]), reference=in_sentence(row["reference"])))


def _check_cost_trap(answer: Any) -> Feedback:
    """5. Which policy has the lower cost per resolved case, and which fewer grievances?"""
    if _unfilled(answer) or not isinstance(answer, tuple | list) or len(answer) != 2:
        return Feedback(False, _("Answer with two policy names in brackets: (lower cost per "
                                 "resolved case, fewer grievances), e.g. (\"{example}\", "
                                 "\"{example}\").").format(example=display_name("balanced")))
    kpis = _policy_comparison().kpis().set_index(["kpi", "scenario"])["mean"]
    cheap = min(POLICY_NAMES, key=lambda n: kpis[("cost_usd_per_resolved_grievance", n)])
    fewer = min(POLICY_NAMES, key=lambda n: kpis[("grievances_per_year", n)])
    given = tuple(str(a).strip().lower().replace("-", "_").replace(" ", "_") for a in answer)
    if given == (cheap, fewer):
        return Feedback(True, _("{cheap} resolves cases more cheaply because it has more cases "
                                "to resolve; {fewer} prevents grievances, so there is less to "
                                "resolve. Cost per resolved case alone rewards having many "
                                "disputes.").format(cheap=display_name(cheap),
                                                    fewer=in_sentence(fewer)))
    if given[0] != cheap:
        return Feedback(False, _("Look again at cost per resolved case: {cheap} is lower "
                                 "(US${cost:,.0f}).").format(
            cheap=in_sentence(cheap), cost=kpis[("cost_usd_per_resolved_grievance", cheap)]))
    return Feedback(False, _("Look again at grievances per year: {fewer} has fewer "
                             "({count:,.0f}).").format(
        fewer=in_sentence(fewer), count=kpis[("grievances_per_year", fewer)]))


def _check_design(answer: Any) -> Feedback:
    """7. Spend the standard increment so that strike days fall by STRIKE_CUT_TARGET."""
    names = [entry.name for entry in items_on(_baseline()) if entry in BOUGHT]
    items = ", ".join(names)
    if _unfilled(answer) or not isinstance(answer, Mapping):
        levers = {entry.lever: entry.name for entry in reversed(BOUGHT) if entry.name in names}
        example = {levers["prevention"]: 100000, levers["resolution"]: 150000}
        return Feedback(False, _("Answer with a dictionary of extra US$ per item, e.g. "
                                 "{example}. Items: {items}.").format(
            example=json.dumps(example), items=items))
    unknown = sorted(set(answer) - set(names))
    if unknown:
        return Feedback(False, _("Unknown item(s) {unknown}: use {items}.").format(
            unknown=unknown, items=items))
    extra = {k: _number(v) for k, v in answer.items()}
    if any(v is None or v < 0 for v in extra.values()):
        return Feedback(False, _("Every amount must be a number of US$ of 0 or more."))
    spent, budget = sum(extra.values()), standard_increment()
    if spent > budget + 1:
        return Feedback(False, _("That spends US${spent:,.0f}: the extra budget is "
                                 "US${budget:,.0f}. Take some money away.").format(
            spent=spent, budget=budget))
    base = _baseline()
    design = apply_policy(policy_adding(base, extra, "your_policy"), base)
    before, after = (kpis["strike_days_per_year"] for kpis in _kpis(base, design))
    words = {"before": before, "after": after, "cut": 1 - after / before, "spent": spent,
             "target": STRIKE_CUT_TARGET}
    if words["cut"] >= STRIKE_CUT_TARGET:
        return Feedback(True, _("Strike days fall from {before:.0f} to {after:.0f} a year "
                                "({cut:.0%} fewer) for US${spent:,.0f} more.").format(**words))
    hint = (_("Resolution staff settle more disputes and shorten the strikes they reach, but "
              "most strike days come from disputes that arise at all: prevention cuts their "
              "number.")
            if sum(extra.get(entry.name, 0) for entry in BOUGHT if entry.lever == "prevention")
            < spent / 2 else
            _("Spend more of it on prevention officers, whose effect grows fastest at first."))
    return Feedback(False, _("Strike days fall from {before:.0f} to {after:.0f} a year, "
                             "{cut:.0%} fewer; the target is {target:.0%}.").format(**words)
                    + " " + hint)


def _prevention_effect() -> Assumption:
    return next(a for a in load_assumptions("cambodia_baseline") if a.path == PREVENTION_EFFECT)


def _share(answer: Any) -> float | None:
    """A share from a number (0.25, or 25 read as a percentage) or a text such as "25%"."""
    percent = isinstance(answer, str) and answer.strip().endswith("%")
    value = _number(answer.strip()[:-1] if percent else answer)
    if value is None or not math.isfinite(value):
        return None
    return value / 100 if percent or 1 < value <= 100 else value


@lru_cache(maxsize=1)
def _record() -> Record:
    """The record exercise 8's worlds are re-fitted to, read once per kernel."""
    return Record.of(_baseline())


_WORLDS: dict[float, pd.Series] = {}
"""Exercise 8's comparisons already run in this kernel, by prevention effect."""


def _strikes_in_world(value: float) -> pd.Series:
    """Resolution first against prevention first on strike days, the presets applied to the
    baseline with the prevention effect at ``value``, re-fitted to the record (2023's caseload,
    2014's strikes) as every world of a robustness check is; the other assumptions at their
    central values."""
    if value not in _WORLDS:
        effect = [_prevention_effect()]
        world, _miss = _record().refit(
            world_scenario(_baseline(), effect, [value]), effect, [value])
        pair = {name: apply_policy(load_policy(name), world) for name in POLICY_NAMES}
        _WORLDS[value] = (compare_policies(pair).differences().set_index("kpi")
                          .loc["strike_days_per_year"])
    return _WORLDS[value]


def _strikes_said(value: float) -> tuple[bool, str]:
    """Whether prevention first has fewer strike days at ``value``, and the model's words."""
    row = _strikes_in_world(value)
    gap = _strike_gap(row, in_sentence(row["scenario"]), in_sentence(row["reference"]))
    return row["difference"] > 0, _("at {value:.0%} {gap}").format(value=value, gap=gap)


def _check_prevention_effect(answer: Any) -> Feedback:
    """8. The smallest prevention effect at which prevention first keeps fewer strike days."""
    effect = _prevention_effect()
    if _unfilled(answer):
        return Feedback(False, _("Replace ... with a share, e.g. 0.25 for 25%. Run the check: "
                                 "it says which policy has fewer strike days at that share, so "
                                 "you can move towards the point where the verdict flips, if it "
                                 "ever does."))
    value = _share(answer)
    if value is None:
        return Feedback(False, _("{answer!r} is not a share: write a number such as 0.25 (or "
                                 "\"25%\").").format(answer=answer))
    words = {"value": value, "low": effect.low, "high": effect.high}
    if not effect.low <= value <= effect.high:
        return Feedback(False, _("{value:.0%} is outside the plausible range of the prevention "
                                 "effect, {low:.0%} to {high:.0%}.").format(**words))
    value = words["value"] = round(value, 3)
    below = round(value - FLIP_STEP, 3)
    compared = words["compared"] = below if below >= effect.low else effect.low
    _say_running(sum(v not in _WORLDS for v in {value, compared}) * SECONDS_PER_WORLD)
    wins, words["said"] = _strikes_said(value)
    if not wins:
        return Feedback(False, _("The model says: {said}. At this share the recommendation "
                                 "would flip: prevention officers must avert more. Try a "
                                 "larger share.").format(**words))
    wins_compared, words["said_compared"] = _strikes_said(compared)
    if not wins_compared:
        return Feedback(True, _("The verdict flips between {compared:.0%} and {value:.0%}: "
                                "{said}, but {said_compared}.").format(**words)
                        + " " + _worlds_said(effect))
    if compared == below:
        return Feedback(False, _("The model says: {said}, and {said_compared}. Prevention "
                                 "first keeps fewer strike days below {value:.0%} too. Try a "
                                 "smaller share.").format(**words))
    return Feedback(True, _("Even if prevention officers averted no grievances at all, "
                            "prevention first would keep fewer strike days: {said_compared}, the "
                            "other assumptions at their central values. Its officers and "
                            "workplace training also settle grievances at the workplace, "
                            "before they become disputes.").format(**words)
                    + " " + _worlds_said(effect))


def _worlds_said(effect: Assumption) -> str:
    """What the shipped robustness result says about strike days, read from it when asked:
    in how many worlds resolution first wins, and how large the prevention effect is there."""
    shipped, _fresh = shipped_robustness()
    rows = shipped.differences[(shipped.differences["kpi"] == "strike_days_per_year")
                               & (shipped.differences["scenario"] == POLICY_NAMES[1])]
    lost = rows.loc[rows["difference"] < 0, "world"]
    words = {"worlds": len(rows), "policy": in_sentence(POLICY_NAMES[1]), "lost": len(lost),
             "central": effect.central}
    if lost.empty:
        return _("Across the {worlds} plausible worlds of the robustness check, where every "
                 "assumption varies at once, {policy} has fewer strike days in none.").format(
            **words)
    flip = shipped.break_even("strike_days_per_year", POLICY_NAMES[1])
    if (flip is None or flip["assumption"] != PREVENTION_EFFECT or flip["value"] is None
            or flip["flips_when"] != "below"):
        return _("Across the {worlds} plausible worlds of the robustness check, where every "
                 "assumption varies at once, {policy} has fewer strike days in {lost}. Other "
                 "assumptions move the verdict too: notebook 07, section 6, shows which."
                 ).format(**words)
    words.update(below=flip["worlds_beyond"], value=flip["value"],
                 there=flip["reversed_beyond"], elsewhere=len(lost) - flip["reversed_beyond"])
    return _("Across the {worlds} plausible worlds of the robustness check, where every "
             "assumption varies at once, {policy} has fewer strike days in {lost}: in {there} "
             "of the {below} where officers avert under {value:.0%} of grievances (assumed: "
             "{central:.0%}), and in {elsewhere} others, where other assumptions decide "
             "(notebook 07, section 6, shows which).").format(**words)


CHECKS: dict[int, Callable[[Any], Feedback]] = {
    1: _check_flow, 2: _check_busiest, 3: partial(_check_staff, task=INSPECTORS),
    4: _check_strike_verdict, 5: _check_cost_trap, 6: partial(_check_staff, task=MRC_STAFF),
    7: _check_design, 8: _check_prevention_effect,
}


def check(exercise: int, answer: Any) -> Feedback:
    """Check the answer to exercise ``exercise`` (1 to 8) and say what it does; an answer
    cell that did not run is never graded."""
    if exercise not in CHECKS:
        return Feedback(False, _("There is no exercise {exercise!r}: choose 1 to "
                                 "{count}.").format(exercise=exercise, count=len(CHECKS)))
    if answer is ANSWER_DID_NOT_RUN:
        return Feedback(None, _("The answer cell did not run, so there is nothing to check "
                                "yet. Read the message under it, fix the answer, run that cell "
                                "again, then this one."))
    return CHECKS[exercise](answer)


__all__ = ["ANSWER_DID_NOT_RUN", "CHECKS", "Feedback", "check", "watch_answers"]
