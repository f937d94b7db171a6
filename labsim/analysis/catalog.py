"""The KPI catalog: every indicator once, with its words, unit, format, direction and population.

KPI functions, summaries, verdicts, plots, widgets and the brief read labels, units, formats,
better-directions and populations from here; nothing else spells them out. Stage families
(``utilisation_<stage>``, ``backlog_trend_<stage>``, ...) are expanded for every stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_, _
from ..scenario.stages import STAFFED_STAGES, STAGE_NAMES, staffing, stage_entry, stage_kpi

RESOLUTION_LOOKAHEAD_DAYS = 365.0
"""Shares of outcomes count what happened within this many days of a grievance, among
grievances that arose at least this long before the end of the run: run length then does
not change them, and a case still open counts against the system, never for it."""

FORMATS = ("percent", "count", "days", "usd", "number")
SMALLEST_THAT_MATTERS = {"percent": 0.02, "count": 0.05, "days": 0.05, "usd": 0.05,
                         "number": 0.05}
"""A KPI's ``matters`` unless it says otherwise: 2 points of a share; 5% of a count, a time
or an amount (a workshop would not move money for less)."""
"""percent: a share shown as 0-100%; count: whole numbers (cases, staff, strikes);
days: days with no decimals; usd: US dollars; number: one decimal."""


@dataclass(frozen=True)
class KPI:
    """One indicator: what it is called, measured in, shown as, and whom it describes."""

    name: str
    label: str
    """Plain words for a table row or an axis, with no unit."""
    short_label: str
    """A few words, for plot titles and narrow columns."""
    unit: str
    format: str
    """One of FORMATS."""
    better: str
    """"lower", "higher" or "neither" (a count that is neither good nor bad)."""
    population: str
    """Whom the number describes: a key of POPULATIONS, or words for a stage family."""
    censored: bool = False
    """True for quantiles read off a Kaplan-Meier curve, which may lie beyond the run."""
    signed: bool = False
    """True when the value can be negative (a shrinking backlog); all others are >= 0."""
    matters: float | None = None
    """The smallest difference a participant would act on: for a share, in points (0.02 = 2
    percentage points); for any other KPI, relative to the policy compared with (0.05 = 5%).
    A verdict calls a smaller difference "about the same", even when its interval excludes
    zero. None: ``SMALLEST_THAT_MATTERS`` for the KPI's format."""

    def __post_init__(self) -> None:
        if self.matters is None:
            object.__setattr__(self, "matters", SMALLEST_THAT_MATTERS[self.format])

    @property
    def lower_is_better(self) -> bool | None:
        return {"lower": True, "higher": False}.get(self.better)


POPULATIONS = {
    "grievances": "all grievances that arose after the warm-up",
    "grievances_a_year_before_end": (
        "grievances that arose after the warm-up and at least a year before the end of the run"),
    "individual": "individual grievances that arose after the warm-up",
    "collective": "collective grievances that arose after the warm-up",
    "migrant": "migrant workers' complaints lodged after the warm-up",
    "individual_filed": ("individual disputes filed beyond the workplace (with the ministry's "
                         "inspectors, or a commission where there is one) after the warm-up; "
                         "a claimant who gave up waiting had no outcome"),
    "collective_filed": ("collective disputes filed beyond the workplace (with the ministry, or "
                         "a commission where there is one) after the warm-up"),
    "individual_heard": ("individual disputes filed with the ministry after the warm-up and "
                         "at least the hearing deadline before the end of the run"),
    "collective_deadlines": ("collective disputes filed with the ministry after the warm-up and "
                             "at least the whole legal procedure before the end of the run"),
    "individual_year": ("individual disputes filed beyond the workplace after the warm-up and "
                        "at least a year before the end of the run"),
    "arbitration_registered": "cases registered at the Arbitration Council after the warm-up",
    "collective_year": ("collective disputes filed with the ministry after the warm-up and at "
                        "least a year before the end of the run"),
    "arbitration": ("cases registered at the Arbitration Council after the warm-up and at "
                    "least 60 days before the end of the run"),
    "arbitration_year": ("cases registered at the Arbitration Council after the warm-up and at "
                         "least a year before the end of the run"),
    "migrant_acted": ("migrant complaints lodged after the warm-up and at least the action "
                      "deadline before the end of the run"),
    "migrant_year": ("migrant complaints lodged after the warm-up and at least a year before "
                     "the end of the run"),
    "adjudication": ("cases at regional adjudication after the warm-up and at least a year "
                     "before the end of the run"),
    "mediation": "interest disputes that went to mediation",
    "strikes": "strikes that started after the warm-up",
    "resolved": "cases resolved after the warm-up",
    "resolved_filed": ("disputes resolved after the warm-up that had been filed beyond the "
                       "workplace"),
    "settled_migrant": "migrant complaints settled after the warm-up",
    "spending": "the yearly budget of the scenario's staff and training",
    "staff_time": "staff time after the warm-up",
    "open_at_end": "cases open on the last day of the run",
    "backlog_days": "open cases every day after the warm-up",
}
"""Who a KPI describes. Every KPI counts cases still open: as not (yet) resolved, as past a
deadline once it has passed, or as censored in a time-to-outcome curve.

A better direction is given only where no starved or stuck system can score better: how
cases end (dropped, unresolved, abandoned, to court) and where they sit (open or waiting at a
stage) are described, not judged, since a case stuck upstream is neither dropped nor open
downstream. ``share_resolved`` judges. ``share_open_after_a_year`` is described only: a
claimant who gives up waiting leaves the queue, so a starved stage can have fewer open
cases."""

_TIMED = {
    "individual": (N_("individual grievances"), N_("from the grievance")),
    "collective": (N_("collective grievances"), N_("from the grievance")),
    "migrant": (N_("migrant complaints"), N_("from lodging")),
    "individual_filed": (N_("individual disputes filed beyond the workplace"), N_("from filing")),
    "collective_filed": (N_("collective disputes filed beyond the workplace"), N_("from filing")),
}
"""Populations with a time-to-outcome curve: (what, plural; measured from)."""


def _fixed() -> list[KPI]:
    k = KPI
    kpis = [
        k("grievances_per_year", N_("Grievances arising per year"), N_("Grievances"),
          N_("cases/year"), "count", "lower", "grievances"),
        k("individual_cases_per_year", N_("Individual grievances per year"),
          N_("Individual grievances"), N_("cases/year"), "count", "lower", "individual"),
        k("collective_cases_per_year", N_("Collective grievances per year"),
          N_("Collective grievances"), N_("cases/year"), "count", "lower", "collective"),
        k("migrant_cases_per_year", N_("Migrant workers' complaints per year"),
          N_("Migrant complaints"), N_("cases/year"), "count", "neither", "migrant"),
        k("share_resolved", N_("Grievances resolved within a year"), N_("Resolved within a year"),
          N_("share"), "percent", "higher", "grievances_a_year_before_end"),
        k("share_dropped", N_("Grievances dropped within a year (withdrawn, lapsed, abandoned)"),
          N_("Dropped within a year"), N_("share"), "percent", "neither",
          "grievances_a_year_before_end"),
        k("share_unresolved", N_("Grievances closed unresolved within a year"),
          N_("Unresolved within a year"), N_("share"), "percent", "neither",
          "grievances_a_year_before_end"),
        k("share_open_after_a_year", N_("Grievances still open after a year"),
          N_("Open after a year"),
          N_("share"), "percent", "neither", "grievances_a_year_before_end"),
        k("share_individual_abandoned",
          N_("Individual disputes abandoned while waiting for a hearing (within a year)"),
          N_("Abandoned before a hearing"), N_("share"), "percent", "lower", "individual_year"),
        k("share_individual_heard_within_deadline",
          N_("Individual disputes heard within the 3-week deadline"), N_("Heard within 3 weeks"),
          N_("share"), "percent", "higher", "individual_heard"),
        k("share_collective_settled_within_deadlines",
          N_("Collective disputes settled within the legal deadlines"),
          N_("Collective settled in time"), N_("share"), "percent", "higher",
          "collective_deadlines"),
        k("share_collective_solved_at_ministry",
          N_("Collective disputes solved by ministry conciliation"), N_("Solved at the ministry"),
          N_("share"), "percent", "higher", "collective_year"),
        k("share_collective_resolved_at_arbitration",
          N_("Collective disputes resolved at the Arbitration Council"),
          N_("Resolved at the Council"), N_("share"), "percent", "neither", "collective_year"),
        k("arbitration_settled_share",
          N_("Arbitration Council cases settled before an award (within a year of registration)"),
          N_("Council cases settled"), N_("share"), "percent", "neither", "arbitration_year"),
        k("arbitration_share_within_15_working_days",
          N_("Arbitration Council cases decided within 15 working days"),
          N_("Council within 15 working days"), N_("share"), "percent", "higher", "arbitration"),
        k("arbitration_share_within_20_working_days",
          N_("Arbitration Council cases decided within 20 working days"),
          N_("Council within 20 working days"), N_("share"), "percent", "higher", "arbitration"),
        k("arbitration_mean_working_days",
          N_("Working days from registration to decision at the Arbitration Council (mean)"),
          N_("Council: working days to decide"), N_("working days"), "days", "lower",
          "arbitration_year", censored=True),
        k("budget_usd_per_year", N_("Yearly budget of staff and training"), N_("Budget"),
          N_("US$/year"), "usd", "neither", "spending"),
        k("cost_usd_per_resolved_grievance", N_("Cost per grievance resolved (all grievances)"),
          N_("Cost per resolved grievance"), N_("US$/case"), "usd", "lower", "resolved"),
        k("cost_usd_per_arbitration_case",
          N_("What one Arbitration Council case costs (allowances, secretariat, roster)"),
          N_("Council cost per case"), N_("US$/case"), "usd", "neither", "arbitration_registered"),
        k("cost_usd_per_resolved_filed_case",
          N_("Cost of resolution staff per dispute resolved after filing beyond the workplace"),
          N_("Cost per resolved filed dispute"), N_("US$/case"), "usd", "lower", "resolved_filed"),
        k("strikes_per_year", N_("Strikes per year"), N_("Strikes"), N_("strikes/year"), "count",
          "lower", "strikes"),
        k("garment_strikes_per_year", N_("Strikes per year in garment and footwear"),
          N_("Garment strikes"), N_("strikes/year"), "count", "lower", "strikes"),
        k("share_strikes_after_procedure",  # an award objected to, or the Council overdue
          N_("Strikes that begin after the procedure is exhausted"),
          N_("Strikes after the procedure"), N_("share of strikes"), "percent", "neither",
          "strikes"),
        k("share_strikes_lawful",  # arts. 319-320, 323-324
          N_("Strikes that are lawful (after the procedure, with a ballot and notice)"),
          N_("Lawful strikes"), N_("share of strikes"), "percent", "neither", "strikes"),
        k("workdays_per_strike", N_("Working days lost per strike"), N_("Days lost per strike"),
          N_("worker-days/strike"), "count", "neither", "strikes"),
        k("workers_per_strike", N_("Workers per strike"), N_("Workers per strike"),
          N_("workers/strike"), "count", "neither", "strikes"),
        k("workers_per_arbitration_case", N_("Workers per Arbitration Council case"),
          N_("Workers per Council case"), N_("workers/case"), "count", "neither",
          "arbitration_registered"),
        k("strike_days_per_year", N_("Strike days per year"), N_("Strike days"),
          N_("factory working days/year"), "count", "lower", "strikes"),
        k("workdays_lost_per_year", N_("Working days lost to strikes per year"),
          N_("Working days lost"), N_("worker-days/year"), "count", "lower", "strikes"),
        k("migrant_workers_per_year", N_("Migrant workers behind complaints per year"),
          N_("Migrant workers"), N_("workers/year"), "count", "neither", "migrant"),
        k("share_migrant_resolved_at_mrc",
          N_("Migrant complaints settled at the MRC within a year"),
          N_("Settled at the MRC"), N_("share"), "percent", "higher", "migrant_year"),
        k("share_migrant_abandoned", N_("Migrant complaints abandoned within a year"),
          N_("Abandoned"), N_("share"), "percent", "neither", "migrant_year"),
        k("share_migrant_resolved", N_("Migrant complaints resolved within a year"),
          N_("Migrant complaints resolved"), N_("share"), "percent", "higher", "migrant_year"),
        k("share_migrant_acted_on_within_deadline",
          N_("Migrant complaints acted on within the 10-day deadline"), N_("Acted on in time"),
          N_("share"), "percent", "higher", "migrant_acted"),
        k("compensation_usd_per_year", N_("Compensation recovered for migrant workers per year"),
          N_("Compensation"), N_("US$/year"), "usd", "higher", "settled_migrant"),
        k("compensation_usd_per_settled_complaint",
          N_("Compensation per settled migrant complaint"),
          N_("Compensation per complaint"), N_("US$"), "usd", "higher", "settled_migrant"),
        k("share_settled_at_adjudication", N_("Adjudication cases settled within a year"),
          N_("Settled at adjudication"), N_("share"), "percent", "neither", "adjudication"),
        k("share_withdrawn_at_adjudication", N_("Adjudication cases withdrawn within a year"),
          N_("Withdrawn at adjudication"), N_("share"), "percent", "neither", "adjudication"),
        k("share_decided_at_adjudication", N_("Adjudication cases decided within a year"),
          N_("Decided at adjudication"), N_("share"), "percent", "neither", "adjudication"),
        k("share_adjudication_reviewed", N_("Adjudication cases taken to national review"),
          N_("Reviewed"), N_("share"), "percent", "neither", "adjudication"),
        k("share_adjudication_to_court", N_("Adjudication cases taken to court"),
          N_("To court"), N_("share"), "percent", "neither", "adjudication"),
        k("mediation_success_share", N_("Mediations that succeed"), N_("Mediation success"),
          N_("share"), "percent", "higher", "mediation"),
    ]
    for population, (what, origin) in _TIMED.items():
        for stat, share in (("median", N_("half")), ("p90", N_("9 in 10"))):
            kpis.append(_worded(
                f"days_to_outcome_{stat}_{population}",
                N_("Days until {share} of {what} have an outcome ({origin})"),
                N_("Days until {share} have an outcome"), N_("days"), "days", "lower",
                population, {"share": share, "what": what, "origin": origin}, censored=True))
    return kpis


_WORDS: dict[str, tuple[str, str, dict[str, str]]] = {}
"""KPIs whose words are made from a template: (label, short label, the placeholders'
messages), so a catalogue translates the template and each word in it."""


def _worded(name: str, label: str, short: str, unit: str, style: str, better: str,
            population: str, words: dict[str, str], **options) -> KPI:
    """A KPI whose label and short label fill templates with words (each one a message)."""
    _WORDS[name] = (label, short, words)
    return KPI(name, label.format(**words), short.format(**words), unit, style, better,
               population, **options)


def _stage_family(name: str) -> list[KPI]:
    """The KPIs of one stage's family (stage_kpi names them); staffed stages have more."""
    entry = stage_entry(name)
    words = {"stage": entry.in_sentence, "short": entry.short_label}
    population = f"cases that reached {entry.in_sentence}"
    kpis = [
        _worded(stage_kpi("share_ended", name), N_("Grievances ending at {stage} within a year"),
                N_("Ended at {short}"), N_("share"), "percent", "neither",
                "grievances_a_year_before_end", words),
        _worded(stage_kpi("resolved_share", name),
                N_("Cases reaching {stage} resolved there within a year"),
                N_("Resolved at {short}"), N_("share"), "percent", "higher",
                f"{population}, at least a year before the end of the run", words),
        _worded(stage_kpi("backlog_end", name),
                N_("Open cases at {stage} on the last day of the run"), N_("Open at {short}"),
                N_("open cases"), "count", "neither", "open_at_end", words),
    ]
    if name != "workplace":
        kpis.append(_worded(stage_kpi("cases_per_year", name),
                            N_("Cases reaching {stage} per year"), N_("Cases at {short}"),
                            N_("cases/year"), "count", "neither",
                            f"{population} after the warm-up", words))
    if entry.staffing is not None:
        words = {**words, "staff": entry.staffing.noun}
        kpis += [
            _worded(stage_kpi("utilisation", name), N_("Share of time {staff} are busy"),
                    N_("{short}: staff busy"), N_("share of staff time"), "percent", "neither",
                    "staff_time", words),
            _worded(stage_kpi("backlog_trend", name),
                    N_("Growth of open cases at {stage} per year"), N_("{short}: backlog growth"),
                    N_("cases/year"), "number", "neither",
                    "backlog_days", words, signed=True),
            _worded(stage_kpi("waiting_end", name),
                    N_("Cases waiting for {staff} on the last day of the run"),
                    N_("{short}: waiting at the end"), N_("open cases"), "count", "neither",
                    "open_at_end", words),
        ]
        if entry.staffing.deadline is not None:
            deadline = f"{population} at least its deadline before the end of the run"
            kpis += [
                _worded(stage_kpi("late_waiting", name),
                        N_("Cases at {stage} past their deadline because they waited for {staff}"),
                        N_("{short}: late from waiting"), N_("share"), "percent", "lower",
                        deadline, words),
                _worded(stage_kpi("late_handling", name),
                        N_("Cases at {stage} past their deadline even without waiting for staff"),
                        N_("{short}: late in handling"), N_("share"), "percent", "neither",
                        deadline, words),
            ]
    return kpis


CATALOG: dict[str, KPI] = {k.name: k for k in _fixed()}
CATALOG.update({k.name: k for name in STAGE_NAMES for k in _stage_family(name)})
"""Every KPI labsim computes, by name."""

DEADLINE_KPI_OF_STAGE = {name: staffing(name).deadline_kpi for name in STAFFED_STAGES
                         if staffing(name).deadline_kpi is not None}
"""The legal deadline each staffed stage is held to, as a KPI (from the stage registry)."""

COST_KPIS = ("budget_usd_per_year", "cost_usd_per_resolved_grievance",
             "cost_usd_per_resolved_filed_case", "cost_usd_per_arbitration_case")
"""What a policy costs, per year and per resolved case (all grievances, and filed disputes)."""
STAFFING_COST_KPIS = ("cost_usd_per_resolved_filed_case", "budget_usd_per_year")
"""What staffing costs: beside a stage's deadline, utilisation and backlog growth."""

KEY_KPIS = (
    "grievances_per_year",
    "individual_conciliation_cases_per_year",
    "collective_conciliation_cases_per_year",
    "arbitration_cases_per_year",
    "share_resolved",
    "share_open_after_a_year",
    "share_ended_at_workplace",
    "days_to_outcome_median_individual_filed",
    "days_to_outcome_median_collective_filed",
    "days_to_outcome_p90_collective_filed",
    "share_collective_settled_within_deadlines",
    "share_individual_heard_within_deadline",
    "utilisation_individual_conciliation",
    "utilisation_collective_conciliation",
    "utilisation_arbitration",
    "backlog_trend_individual_conciliation",
    "strikes_per_year",
    "strike_days_per_year",
    "workdays_lost_per_year",
)
"""The KPIs a workshop looks at first; full tables show all."""

BRIEF_KPIS = KEY_KPIS + STAFFING_COST_KPIS[::-1]

VERDICT_KPIS = (
    "strike_days_per_year",
    "days_to_outcome_median_collective_filed",
    "days_to_outcome_median_individual_filed",
    "share_collective_settled_within_deadlines",
    "share_individual_heard_within_deadline",
    "share_resolved",
    "grievances_per_year",
)
"""What a workshop verdict speaks of. Speed is judged on disputes filed beyond the workplace,
so that cases settled at the workplace do not blur the comparison. Cost per resolved case is
left out (both policies spend the same money, and every cost per case falls when a starved
or swamped system resolves more cases on a fixed budget); the tables keep it. No verdict
KPI may come out clearly better when staff are cut or grievances double
(``tests/test_starvation.py``)."""

YEARLY_KPIS = ("strike_days_per_year", "strikes_per_year", "grievances_per_year")
"""The counts a director weighs, shown on the brief's first page as yearly differences for
the same money (with grievances resolved within a year, ``RESOLVED_A_YEAR``)."""
RESOLVED_A_YEAR = ("share_resolved", "grievances_per_year")
"""Grievances resolved within a year of arising, a year: each replication's share resolved
within a year times its grievances a year (the share counts grievances that arose at least a
year before the end of the run)."""
RESOLVED_A_YEAR_LABEL = N_("Grievances resolved within a year of arising")

PLOT_KPIS = (
    "strike_days_per_year",
    "days_to_outcome_median_collective_filed",
    "days_to_outcome_median_individual_filed",
    "share_collective_settled_within_deadlines",
    "share_individual_heard_within_deadline",
    "share_resolved",
    "cost_usd_per_resolved_filed_case",
    "grievances_per_year",
    "workdays_lost_per_year",
)
"""KPIs a dashboard offers to plot."""


def label_of(name: str) -> str:
    """KPI ``name``'s label in the language in use."""
    return _words_of(name, 0)


def short_label_of(name: str) -> str:
    """KPI ``name``'s short label in the language in use."""
    return _words_of(name, 1)


def unit_of(name: str) -> str:
    """KPI ``name``'s unit in the language in use."""
    return _(kpi(name).unit)


def _words_of(name: str, which: int) -> str:
    if name in _WORDS:
        template, words = _WORDS[name][which], _WORDS[name][2]
        return _(template).format(**{key: _(word) for key, word in words.items()})
    entry = kpi(name)
    return _(entry.short_label if which else entry.label)


def kpi(name: str) -> KPI:
    """The catalog entry of ``name``; KeyError names the unknown KPI."""
    try:
        return CATALOG[name]
    except KeyError:
        raise KeyError(f"{name!r} is not in the KPI catalog") from None


def censored_flag(name: str) -> str:
    """The per-replication column saying whether KPI ``name``'s curve fell short of it."""
    return f"{name}__beyond_run"


def is_flag(column: str) -> bool:
    """Whether a per-replication column is a censoring flag rather than a KPI."""
    return column.endswith("__beyond_run")
