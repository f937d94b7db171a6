"""The stage registry: every stage a case can pass, in flow order, and for each staffed stage
who its staff are, where their count, effort and handling time sit in a scenario, what they
cost, what a dashboard control offers and which KPIs describe them.

The KPI catalog's twin: policy, costs, allocation, capacity, the catalog, views, dashboards
and exercises read stages from here and nothing else spells one. Adding a staffed stage is one
entry here plus the route module that runs its cases (docs/architecture.md shows how).

>>> stage_entry("individual_conciliation").staffing.count_path
'individual_conciliation.labour_inspectors'
>>> stage_kpi("utilisation", "arbitration")
'utilisation_arbitration'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..i18n import N_, _, ngettext
from .dotted import get_path
from .parameters import Duration, Scenario, StaffEffort
from .rates import arbitration_cases_per_year, conciliation_rounds, filed_per_year

ROUTES = ("core", "migrant", "korea")
"""Which route a stage belongs to: the core path, or an optional route of a scenario."""


@dataclass(frozen=True)
class Deadline:
    """The legal deadline a staffed stage is held to: calendar days from a case's entry to
    the day in the case table that stops the clock (per conciliation round, where rounds
    are counted)."""

    days: Callable[[Scenario], float]
    """The limit in calendar days."""
    until: str
    """The case-table column of the day the clock stops (its first hearing, or its end)."""
    per_round: bool = False


@dataclass(frozen=True)
class Training:
    """Training a stage's staff in conciliation skills: a budget item of its own."""

    item: str
    """Its key in a policy's allocation and in cost tables."""
    label: str
    """Its words in a table row."""
    path: str
    """Dotted path of the share of the stage's staff trained."""
    unit_cost: str
    """The ``UnitCosts`` field of training one of them for a year."""


@dataclass(frozen=True)
class Staffing:
    """Who staffs a stage and where a scenario says how many there are and what they cost."""

    noun: str
    """Who serves a case, as the subject of a sentence (plural): 'labour inspectors',
    'Arbitration Council panels'."""
    counted: tuple[str, str]
    """Singular and plural templates for a number of the staff ``count_path`` counts:
    ('{count} labour inspector', '{count} labour inspectors'), through ``ngettext`` so a
    translation can reorder them."""
    item: str
    """The budget item that buys them (a policy's allocation key, a cost row)."""
    item_label: str
    """The item in a table row: 'Labour inspectors'."""
    count_path: str
    """Dotted path of their number in a scenario."""
    effort_path: str
    """Dotted path of their ``StaffEffort`` (share of time on disputes, hours per case)."""
    handling_paths: tuple[str, ...]
    """Durations a case holds a slot for, added up (elapsed days of one case)."""
    unit_cost: str
    """The ``UnitCosts`` field of one of them, US dollars a year."""
    bought_by_policies: bool
    """Whether a policy's resolution money can buy them (the optional Korea-inspired
    commission is a what-if institution, priced but never bought)."""
    counts_as_resolution_budget: bool
    """Whether they resolve disputes filed beyond the workplace (the cost per resolved filed
    dispute divides their cost)."""
    control: tuple[int, int] | None = None
    """A dashboard control's range of today's staff (None: no control)."""
    control_label: str = ""
    """The control's words: 'Labour inspectors today'."""
    per_server_path: str | None = None
    """Dotted path of how many of them make one server (an Arbitration Council panel)."""
    workload: Callable[[Scenario], float] | None = None
    """Expected cases a year one server handles at this stage (None: not written down)."""
    deadline_kpi: str | None = None
    """The KPI of the legal deadline the stage is held to."""
    answer_words: tuple[str, ...] = ()
    """Words that name the stage in a participant's typed answer (lower case)."""
    settles: tuple[str, str] | None = None
    """Dotted paths of the outcome share that settles a case here and of the share it is
    taken from when staff time or training raise settlement (``scenario/settlement.py``);
    None: the stage's outcomes do not respond."""
    training: Training | None = None
    """Training these staff in conciliation skills, if a policy can buy it."""
    deadline: Deadline | None = None
    """The legal deadline, for telling a stage that cannot keep up (its cases late because
    they waited for staff) from one whose own handling takes longer than the deadline."""
    handling_from_entry: bool = True
    """Whether the stage's handling durations were measured from a case's arrival at the
    stage (so they already hold today's wait for a first hearing) rather than from the
    first hearing on."""


@dataclass(frozen=True)
class Stage:
    """A stage a case can pass: its words, its route and, if staff are a limit, its staffing."""

    name: str
    label: str
    """In a table or on an axis: 'Individual conciliation (labour inspectors)'."""
    short_label: str
    """In a narrow column or a diagram box: 'Inspectors'."""
    in_sentence: str
    """Inside a sentence: 'individual conciliation (labour inspectors)'."""
    route: str
    """One of ROUTES."""
    in_use: Callable[[Scenario], bool] | None = None
    """Whether cases of a scenario can pass this stage (None: whenever its route runs)."""
    diagram_row: int | None = None
    """The flow diagram's row for its box, top down (individual complaints above collective
    disputes, so arrows cross little; None: beside the stages it sends cases to)."""
    staffing: Staffing | None = None


def _collective_conciliation(s: Scenario) -> bool:
    return not s.korea_on  # a Korea-inspired commission mediates instead


def _arbitration(s: Scenario) -> bool:
    return not s.korea_on or s.korea_system.arbitration_after_failed_mediation_share > 0


STAGES: tuple[Stage, ...] = (
    Stage("workplace", N_("Workplace (bipartite)"), N_("Workplace"), N_("the workplace"),
          route="core"),
    Stage("migrant_resource_centre", N_("Migrant Worker Resource Centre"),
          N_("Migrant centre"), N_("a Migrant Worker Resource Centre"), route="migrant",
          diagram_row=0, staffing=Staffing(
              noun=N_("MRC staff"),
              counted=(N_("{count} MRC staff member"), N_("{count} MRC staff")),
              item="mrc_staff", item_label=N_("Migrant Worker Resource Centre staff"),
              count_path="migrant_route.mrc_staff", effort_path="migrant_route.effort",
              handling_paths=("migrant_route.intake", "migrant_route.mediation"),
              unit_cost="mrc_staff_usd_per_year", bought_by_policies=True,
              counts_as_resolution_budget=False,
              workload=lambda s: s.migrant_route.complaints_per_year,
              deadline_kpi="share_migrant_acted_on_within_deadline",
              answer_words=("migrant", "mrc"),
              settles=("migrant_route.outcomes.settled", "migrant_route.outcomes.referred"),
              deadline=Deadline(lambda s: s.migrant_route.action_deadline_days,
                                "migrant_resource_centre_start_day"))),
    Stage("individual_conciliation", N_("Individual conciliation (labour inspectors)"),
          N_("Inspectors"), N_("individual conciliation (labour inspectors)"), route="core",
          diagram_row=1, staffing=Staffing(
              noun=N_("labour inspectors"),
              counted=(N_("{count} labour inspector"), N_("{count} labour inspectors")),
              item="labour_inspectors", item_label=N_("Labour inspectors"),
              count_path="individual_conciliation.labour_inspectors",
              effort_path="individual_conciliation.effort",
              handling_paths=("individual_conciliation.service",),
              unit_cost="labour_inspector_usd_per_year", bought_by_policies=True,
              counts_as_resolution_budget=True, control=(1, 40),
              control_label=N_("Labour inspectors today"),
              workload=lambda s: filed_per_year(s, "individual"),
              deadline_kpi="share_individual_heard_within_deadline",
              answer_words=("inspector", "individual"), handling_from_entry=False,
              settles=("individual_conciliation.outcomes.agreement",
                       "individual_conciliation.outcomes.non_conciliation"),
              deadline=Deadline(lambda s: s.individual_conciliation.hearing_deadline_days,
                                "individual_conciliation_start_day"))),
    Stage("collective_conciliation", N_("Collective conciliation (ministry)"),
          N_("Ministry conciliation"), N_("collective conciliation at the ministry"),
          route="core", in_use=_collective_conciliation, diagram_row=2, staffing=Staffing(
              noun=N_("ministry conciliators"),
              counted=(N_("{count} ministry conciliator"), N_("{count} ministry conciliators")),
              item="conciliators", item_label=N_("Ministry conciliators"),
              count_path="collective_conciliation.conciliators",
              effort_path="collective_conciliation.effort",
              handling_paths=("collective_conciliation.service",),
              unit_cost="conciliator_usd_per_year", bought_by_policies=True,
              counts_as_resolution_budget=True, control=(1, 40),
              control_label=N_("Ministry conciliators today"),
              workload=lambda s: filed_per_year(s, "collective") * conciliation_rounds(
                  s.collective_conciliation),
              deadline_kpi="share_collective_settled_within_deadlines",
              answer_words=("conciliator", "collective", "ministry"),
              settles=("collective_conciliation.outcomes.agreement",
                       "collective_conciliation.outcomes.non_conciliation"),
              training=Training(
                  "conciliator_training", N_("Conciliators trained in conciliation skills"),
                  "collective_conciliation.trained_conciliator_share",
                  "conciliator_training_usd_per_conciliator_per_year"),
              deadline=Deadline(lambda s: s.collective_conciliation.appointment_deadline_days
                                + s.collective_conciliation.conciliation_deadline_days,
                                "collective_conciliation_exit_day", per_round=True))),
    Stage("mediation", N_("Mediation (labour relations commission)"), N_("Mediation"),
          N_("mediation"), route="korea", diagram_row=2, staffing=Staffing(
              noun=N_("mediation committees"),
              counted=(N_("{count} mediation committee"), N_("{count} mediation committees")),
              item="mediation_committees", item_label=N_("Mediation committees"),
              count_path="korea_system.mediation_committees",
              effort_path="korea_system.mediation_effort",
              handling_paths=("korea_system.mediation",),
              unit_cost="mediation_committee_usd_per_year", bought_by_policies=False,
              counts_as_resolution_budget=True, answer_words=("mediation",),
              deadline=Deadline(lambda s: s.korea_system.mediation_window_days,
                                "mediation_exit_day"))),
    Stage("adjudication", N_("Adjudication (regional commission)"), N_("Adjudication"),
          N_("regional adjudication"), route="korea", diagram_row=3, staffing=Staffing(
              noun=N_("adjudication panels"),
              counted=(N_("{count} adjudication panel"), N_("{count} adjudication panels")),
              item="adjudication_panels", item_label=N_("Adjudication panels"),
              count_path="korea_system.adjudication_panels",
              effort_path="korea_system.adjudication_effort",
              handling_paths=("korea_system.regional_adjudication",),
              unit_cost="adjudication_panel_usd_per_year", bought_by_policies=False,
              counts_as_resolution_budget=True, answer_words=("adjudicat",))),
    Stage("arbitration", N_("Arbitration Council"), N_("Arbitration Council"),
          N_("the Arbitration Council"), route="core", in_use=_arbitration, diagram_row=2,
          staffing=Staffing(
              noun=N_("Arbitration Council panels"),
              counted=(N_("{count} arbitrator"), N_("{count} arbitrators")),
              item="arbitrators", item_label=N_("Arbitrators"),
              count_path="arbitration.arbitrators", effort_path="arbitration.effort",
              handling_paths=("arbitration.service",), unit_cost="arbitrator_usd_per_year",
              bought_by_policies=True, counts_as_resolution_budget=True, control=(3, 60),
              control_label=N_("Arbitrators today"), per_server_path="arbitration.panel_size",
              workload=arbitration_cases_per_year,
              deadline_kpi="arbitration_share_within_15_working_days",
              answer_words=("arbitra", "council", "panel"),
              settles=("arbitration.outcomes.settled", "arbitration.outcomes.award"),
              deadline=Deadline(lambda s: s.calendar.calendar_days(
                  s.arbitration.award_deadline_working_days), "decision_day"))),
    Stage("national_review", N_("National review"), N_("National review"),
          N_("national review"), route="korea", diagram_row=3),
    Stage("court", N_("Court"), N_("Court"), N_("court"), route="core"),
)
"""Every stage, in the order a case can pass them (the case table's ``stage`` codes)."""

_BY_NAME = {entry.name: entry for entry in STAGES}
STAGE_NAMES = tuple(_BY_NAME)
STAFFED_STAGES = tuple(entry.name for entry in STAGES if entry.staffing is not None)
"""Stages whose staff are a limited resource (a queue forms there)."""
STAFFED_BY_ROUTE = tuple(sorted(STAFFED_STAGES,
                                     key=lambda name: (ROUTES.index(_BY_NAME[name].route),
                                                       STAGE_NAMES.index(name))))
"""Staffed stages route by route: the core path first, then the optional routes, each in flow
order (budget tables, staff pools and the allocation rules' ties follow it)."""

STAGE_KPI_FAMILIES = {
    "share_ended": "share_ended_at_{stage}",
    "resolved_share": "resolved_share_at_{stage}",
    "backlog_end": "backlog_end_{stage}",
    "cases_per_year": "{stage}_cases_per_year",
    "utilisation": "utilisation_{stage}",
    "backlog_trend": "backlog_trend_{stage}",
    "waiting_end": "waiting_end_{stage}",
    "late_waiting": "share_late_waiting_{stage}",
    "late_handling": "share_late_handling_{stage}",
}
"""KPIs every stage (the first four), every staffed stage (the next three) or every staffed
stage with a deadline (the last two) has, by family."""


def stage_entry(name: str) -> Stage:
    """The registry entry of stage ``name``; KeyError names an unknown stage."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"{name!r} is not a stage (one of {', '.join(STAGE_NAMES)})") from None


def staffing(name: str) -> Staffing:
    """The staffing of staffed stage ``name``."""
    found = stage_entry(name).staffing
    if found is None:
        raise KeyError(f"{name!r} has no staff (staffed stages: {', '.join(STAFFED_STAGES)})")
    return found


def stage_held_to(deadline_kpi: str) -> str:
    """The staffed stage whose legal deadline KPI is ``deadline_kpi``."""
    found = [name for name in STAFFED_STAGES if staffing(name).deadline_kpi == deadline_kpi]
    if not found:
        raise KeyError(f"{deadline_kpi!r} is no staffed stage's deadline KPI")
    return found[0]


def stage_kpi(family: str, name: str) -> str:
    """The name of a stage family's KPI: ``stage_kpi("utilisation", "arbitration")``."""
    return STAGE_KPI_FAMILIES[family].format(stage=stage_entry(name).name)


def route_on(s: Scenario, route: str) -> bool:
    """Whether scenario ``s`` runs ``route`` (the core path always does)."""
    return {"core": True, "migrant": s.migrant_on, "korea": s.korea_on}[route]


def staffed_stages_on(s: Scenario) -> tuple[str, ...]:
    """Staffed stages of the routes scenario ``s`` runs, each with its own staff pool (a
    core stage a route replaces keeps its staff, idle)."""
    return tuple(name for name in STAFFED_BY_ROUTE if route_on(s, stage_entry(name).route))


def active_stages(s: Scenario) -> tuple[str, ...]:
    """Stages cases of this scenario can pass, in flow order."""
    return tuple(entry.name for entry in STAGES if (
        entry.in_use(s) if entry.in_use is not None else route_on(s, entry.route)))


def active_staffed_stages(s: Scenario) -> tuple[str, ...]:
    """Staffed stages cases of this scenario can pass, in flow order."""
    return tuple(name for name in active_stages(s) if name in STAFFED_STAGES)


def staff_count(s: Scenario, name: str) -> int:
    """Staff of stage ``name`` in scenario ``s`` (people, or panels' members)."""
    return get_path(s, staffing(name).count_path)


def staff_per_server(s: Scenario, name: str) -> int:
    """How many of a stage's staff serve one case together (a Council panel), else 1."""
    per = staffing(name).per_server_path
    return get_path(s, per) if per else 1


def servers(s: Scenario, name: str) -> float:
    """Servers of stage ``name``: its staff, or its panels where staff sit in panels."""
    return staff_count(s, name) / staff_per_server(s, name)


def effort(s: Scenario, name: str) -> StaffEffort:
    return get_path(s, staffing(name).effort_path)


def handling_days(s: Scenario, name: str) -> float:
    """Mean calendar days a case holds a slot at stage ``name`` (its handling durations)."""
    durations: list[Duration] = [get_path(s, path) for path in staffing(name).handling_paths]
    return sum(s.duration(d).mean for d in durations)


def staff_words(name: str, count: int) -> str:
    """'6 labour inspectors', '1 labour inspector' (a translation may reorder them)."""
    singular, plural = staffing(name).counted
    return ngettext(singular, plural, count).format(count=count)


def staff_noun(name: str) -> str:
    """'labour inspectors', translated."""
    return _(staffing(name).noun)
