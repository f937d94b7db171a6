"""The KPI catalog: every indicator once, with its words, unit, format, direction and population.

KPI functions, summaries, verdicts, plots, widgets and the brief read labels, units, formats,
better-directions and populations from here; nothing else spells them out. Stage families
(``utilisation_<stage>``, ``backlog_trend_<stage>``, ...) are expanded for every stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scenario.stages import STAFFED_STAGES, STAGE_NAMES, staffing, stage_entry, stage_kpi

RESOLUTION_LOOKAHEAD_DAYS = 365.0
"""Shares of outcomes count what happened within this many days of a grievance, among
grievances that arose at least this long before the end of the run: run length then does
not change them, and a case still open counts against the system, never for it."""

FORMATS = ("percent", "count", "days", "usd", "number")
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
    "individual": ("individual grievances", "from the grievance"),
    "collective": ("collective grievances", "from the grievance"),
    "migrant": ("migrant complaints", "from lodging"),
    "individual_filed": ("individual disputes filed beyond the workplace", "from filing"),
    "collective_filed": ("collective disputes filed beyond the workplace", "from filing"),
}
"""Populations with a time-to-outcome curve: (what, plural; measured from)."""


def _fixed() -> list[KPI]:
    k = KPI
    kpis = [
        k("grievances_per_year", "Grievances arising per year", "Grievances", "cases/year",
          "count", "lower", "grievances"),
        k("individual_cases_per_year", "Individual grievances per year", "Individual grievances",
          "cases/year", "count", "lower", "individual"),
        k("collective_cases_per_year", "Collective grievances per year", "Collective grievances",
          "cases/year", "count", "lower", "collective"),
        k("migrant_cases_per_year", "Migrant workers' complaints per year", "Migrant complaints",
          "cases/year", "count", "neither", "migrant"),
        k("share_resolved", "Grievances resolved within a year", "Resolved within a year",
          "share", "percent", "higher", "grievances_a_year_before_end"),
        k("share_dropped", "Grievances dropped within a year (withdrawn, lapsed, abandoned)",
          "Dropped within a year", "share", "percent", "neither",
          "grievances_a_year_before_end"),
        k("share_unresolved", "Grievances closed unresolved within a year",
          "Unresolved within a year", "share", "percent", "neither",
          "grievances_a_year_before_end"),
        k("share_open_after_a_year", "Grievances still open after a year", "Open after a year",
          "share", "percent", "neither", "grievances_a_year_before_end"),
        k("share_individual_abandoned",
          "Individual disputes abandoned while waiting for a hearing (within a year)",
          "Abandoned before a hearing", "share", "percent", "lower", "individual_year"),
        k("share_individual_heard_within_deadline",
          "Individual disputes heard within the 3-week deadline", "Heard within 3 weeks",
          "share", "percent", "higher", "individual_heard"),
        k("share_collective_settled_within_deadlines",
          "Collective disputes settled within the legal deadlines",
          "Collective settled in time", "share", "percent", "higher", "collective_deadlines"),
        k("share_collective_solved_at_ministry",
          "Collective disputes solved by ministry conciliation", "Solved at the ministry",
          "share", "percent", "higher", "collective_year"),
        k("share_collective_resolved_at_arbitration",
          "Collective disputes resolved at the Arbitration Council",
          "Resolved at the Council", "share", "percent", "neither", "collective_year"),
        k("arbitration_settled_share",
          "Arbitration Council cases settled before an award (within a year of registration)",
          "Council cases settled", "share", "percent", "neither", "arbitration_year"),
        k("arbitration_share_within_15_working_days",
          "Arbitration Council cases decided within 15 working days",
          "Council within 15 working days", "share", "percent", "higher", "arbitration"),
        k("arbitration_share_within_20_working_days",
          "Arbitration Council cases decided within 20 working days",
          "Council within 20 working days", "share", "percent", "higher", "arbitration"),
        k("arbitration_mean_working_days",
          "Working days from registration to decision at the Arbitration Council (mean)",
          "Council: working days to decide", "working days", "days", "lower",
          "arbitration_year", censored=True),
        k("budget_usd_per_year", "Yearly budget of staff and training", "Budget", "US$/year",
          "usd", "neither", "spending"),
        k("cost_usd_per_resolved_grievance", "Cost per grievance resolved (all grievances)",
          "Cost per resolved grievance", "US$/case", "usd", "lower", "resolved"),
        k("cost_usd_per_arbitration_case",
          "What one Arbitration Council case costs (allowances, secretariat, roster)",
          "Council cost per case", "US$/case", "usd", "neither", "arbitration_registered"),
        k("cost_usd_per_resolved_filed_case",
          "Cost of resolution staff per dispute resolved after filing beyond the workplace",
          "Cost per resolved filed dispute", "US$/case", "usd", "lower", "resolved_filed"),
        k("strikes_per_year", "Strikes per year", "Strikes", "strikes/year", "count", "lower",
          "strikes"),
        k("garment_strikes_per_year", "Strikes per year in garment and footwear",
          "Garment strikes", "strikes/year", "count", "lower", "strikes"),
        k("share_strikes_after_procedure",  # an award objected to, or the Council overdue
          "Strikes that begin after the procedure is exhausted",
          "Strikes after the procedure", "share of strikes", "percent", "neither", "strikes"),
        k("share_strikes_lawful",  # arts. 319-320, 323-324
          "Strikes that are lawful (after the procedure, with a ballot and notice)",
          "Lawful strikes", "share of strikes", "percent", "neither", "strikes"),
        k("workdays_per_strike", "Working days lost per strike", "Days lost per strike",
          "worker-days/strike", "count", "neither", "strikes"),
        k("workers_per_strike", "Workers per strike", "Workers per strike", "workers/strike",
          "count", "neither", "strikes"),
        k("workers_per_arbitration_case", "Workers per Arbitration Council case",
          "Workers per Council case", "workers/case", "count", "neither",
          "arbitration_registered"),
        k("strike_days_per_year", "Strike days per year", "Strike days",
          "factory working days/year", "count", "lower", "strikes"),
        k("workdays_lost_per_year", "Working days lost to strikes per year",
          "Working days lost", "worker-days/year", "count", "lower", "strikes"),
        k("migrant_workers_per_year", "Migrant workers behind complaints per year",
          "Migrant workers", "workers/year", "count", "neither", "migrant"),
        k("share_migrant_resolved_at_mrc", "Migrant complaints settled at the MRC within a year",
          "Settled at the MRC", "share", "percent", "higher", "migrant_year"),
        k("share_migrant_abandoned", "Migrant complaints abandoned within a year",
          "Abandoned", "share", "percent", "neither", "migrant_year"),
        k("share_migrant_resolved", "Migrant complaints resolved within a year",
          "Migrant complaints resolved", "share", "percent", "higher", "migrant_year"),
        k("share_migrant_acted_on_within_deadline",
          "Migrant complaints acted on within the 10-day deadline", "Acted on in time",
          "share", "percent", "higher", "migrant_acted"),
        k("compensation_usd_per_year", "Compensation recovered for migrant workers per year",
          "Compensation", "US$/year", "usd", "higher", "settled_migrant"),
        k("compensation_usd_per_settled_complaint", "Compensation per settled migrant complaint",
          "Compensation per complaint", "US$", "usd", "higher", "settled_migrant"),
        k("share_settled_at_adjudication", "Adjudication cases settled within a year",
          "Settled at adjudication", "share", "percent", "neither", "adjudication"),
        k("share_withdrawn_at_adjudication", "Adjudication cases withdrawn within a year",
          "Withdrawn at adjudication", "share", "percent", "neither", "adjudication"),
        k("share_decided_at_adjudication", "Adjudication cases decided within a year",
          "Decided at adjudication", "share", "percent", "neither", "adjudication"),
        k("share_adjudication_reviewed", "Adjudication cases taken to national review",
          "Reviewed", "share", "percent", "neither", "adjudication"),
        k("share_adjudication_to_court", "Adjudication cases taken to court",
          "To court", "share", "percent", "neither", "adjudication"),
        k("mediation_success_share", "Mediations that succeed", "Mediation success", "share",
          "percent", "higher", "mediation"),
    ]
    for population, (what, origin) in _TIMED.items():
        for stat, share in (("median", "half"), ("p90", "9 in 10")):
            kpis.append(k(
                f"days_to_outcome_{stat}_{population}",
                f"Days until {share} of {what} have an outcome ({origin})",
                f"Days until {share} have an outcome", "days", "days", "lower", population,
                censored=True))
    return kpis


def _stage_family(name: str) -> list[KPI]:
    """The KPIs of one stage's family (stage_kpi names them); staffed stages have more."""
    entry = stage_entry(name)
    label, short = entry.in_sentence, entry.short_label
    population = f"cases that reached {label}"
    kpis = [
        KPI(stage_kpi("share_ended", name), f"Grievances ending at {label} within a year",
            f"Ended at {short}", "share", "percent", "neither", "grievances_a_year_before_end"),
        KPI(stage_kpi("resolved_share", name),
            f"Cases reaching {label} resolved there within a year", f"Resolved at {short}",
            "share", "percent", "higher",
            f"{population}, at least a year before the end of the run"),
        KPI(stage_kpi("backlog_end", name), f"Open cases at {label} on the last day of the run",
            f"Open at {short}", "open cases", "count", "neither", "open_at_end"),
    ]
    if name != "workplace":
        kpis.append(KPI(stage_kpi("cases_per_year", name), f"Cases reaching {label} per year",
                        f"Cases at {short}", "cases/year", "count", "neither",
                        f"{population} after the warm-up"))
    if entry.staffing is not None:
        staff = entry.staffing.noun
        kpis += [
            KPI(stage_kpi("utilisation", name), f"Share of time {staff} are busy",
                f"{short}: staff busy", "share of staff time", "percent", "neither",
                "staff_time"),
            KPI(stage_kpi("backlog_trend", name), f"Growth of open cases at {label} per year",
                f"{short}: backlog growth", "cases/year", "number", "neither", "backlog_days",
                signed=True),
            KPI(stage_kpi("waiting_end", name),
                f"Cases waiting for {staff} on the last day of the run",
                f"{short}: waiting at the end", "open cases", "count", "neither",
                "open_at_end"),
        ]
        if entry.staffing.deadline is not None:
            deadline = f"{population} at least its deadline before the end of the run"
            kpis += [
                KPI(stage_kpi("late_waiting", name),
                    f"Cases at {label} past their deadline because they waited for {staff}",
                    f"{short}: late from waiting", "share", "percent", "lower", deadline),
                KPI(stage_kpi("late_handling", name),
                    f"Cases at {label} past their deadline even without waiting for staff",
                    f"{short}: late in handling", "share", "percent", "neither", deadline),
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
