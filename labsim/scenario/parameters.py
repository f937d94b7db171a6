"""Scenario parameters: typed, frozen dataclasses with units in their names.

The scenario TOML file is the single source of values: these classes have no
defaults, so a file that leaves a field out is told so by the loader.
Field rules (probability, count, ...) live in field metadata; rules that tie
several fields together live in each class's ``problems()`` method.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class Rule:
    """The range a field's value must lie in, and the words that say what is allowed."""

    low: float
    high: float
    allowed: str
    low_included: bool = True

    def check(self, value: float) -> bool:
        """Whether ``value`` lies in the range."""
        above_low = value >= self.low if self.low_included else value > self.low
        return above_low and value <= self.high


def _rule(low: float, high: float, allowed: str, low_included: bool = True) -> dict[str, Rule]:
    """Field metadata holding the rule."""
    return {"rule": Rule(low, high, allowed, low_included)}


YEAR_DAYS = 365.0
"""The model's calendar has 365-day years."""
WORLD_WORKERS = 4_000_000_000
"""More people than the world's labour force (about 3.6 billion in 2024, ILO): no sector holds
more workers or enterprises (each employs someone), and no dispute involves more."""
BEYOND_THE_WORLD = "more than the world's labour force, about 3.6 billion"
LONGEST_DAYS = 36_500.0
"""100 years: no step of a dispute, deadline or strike outlasts a working life. A duration
longer than a run is allowed: the run's length is a run setting, not the scenario's, and the
cases a run leaves open are counted as open."""

PROBABILITY = _rule(0.0, 1.0, "a probability in [0, 1]")
NONNEGATIVE = _rule(0.0, math.inf, "a number >= 0")
LOG_ODDS = _rule(0.0, 5.0, "a change in log-odds from 0 to 5 (5 turns a 1% chance into 60%)")
POSITIVE = _rule(0.0, math.inf, "a number > 0", low_included=False)
POSITIVE_COUNT = _rule(1, math.inf, "a whole number >= 1")
DERIVED_HOURS = {**_rule(0.0, math.inf, "a number of hours > 0 (or left out: derived from the "
                         "scenario's own staffing when the file is read)", low_included=False),
                 "derived": True}
DERIVED_DAYS = {**_rule(0.0, LONGEST_DAYS, "a number of days from 0 to "
                        f"{LONGEST_DAYS:,.0f} (or left out: derived from the scenario's own "
                        "staffing when the file is read)"), "derived": True}
"""A value the loader derives from a file's own staffing (today's); written out with a
scenario that a policy or override changed, so its today stays the same."""
DAYS = _rule(0.0, LONGEST_DAYS, f"a number of days from 0 to {LONGEST_DAYS:,.0f} (100 years: no "
             "step of a dispute outlasts a working life)")
POSITIVE_DAYS = _rule(0.0, LONGEST_DAYS, f"a number of days > 0 and at most {LONGEST_DAYS:,.0f} "
                      "(100 years: no deadline outlasts a working life)", low_included=False)
HOURS_OF_A_DAY = _rule(0.0, 24.0, "a number of hours > 0 and at most 24 (the hours in a day)",
                       low_included=False)
DAYS_OF_A_WEEK = _rule(1, 7, "a whole number from 1 to 7 (the days in a week)")
START_YEAR = _rule(2011, 2100, "a year from 2011 (the first in datasets/calendar/"
                   "cambodia_public_holidays.csv; later years follow its rule) to 2100")
CV = _rule(0.0, 100.0, "a number from 0 to 100 (a standard deviation up to 100 times the mean: "
           "at 100, nearly half the mean already comes from the top 0.1% of draws)")
WORKERS = _rule(0, WORLD_WORKERS, f"a whole number from 0 to {WORLD_WORKERS:,} "
                f"({BEYOND_THE_WORLD})")
ENTERPRISES = _rule(0, WORLD_WORKERS, f"a whole number from 0 to {WORLD_WORKERS:,} (each "
                    f"enterprise employs someone: {BEYOND_THE_WORLD})")
STAFF = _rule(0, WORLD_WORKERS, f"a whole number from 0 to {WORLD_WORKERS:,} (staff are "
              f"workers too: {BEYOND_THE_WORLD})")
EFFORT_HOURS = _rule(1 / 60, math.inf, "a number of hours of at least 1/60 (a minute: no case "
                     "takes less of anyone's time)")
WORKERS_PER_CASE = _rule(0.0, WORLD_WORKERS, f"a number > 0 and at most {WORLD_WORKERS:,} "
                         f"({BEYOND_THE_WORLD})", low_included=False)
INDIVIDUAL_RATE = _rule(0.0, 1000 * YEAR_DAYS, f"a number from 0 to {1000 * YEAR_DAYS:,.0f} "
                        "(every worker raising a grievance every day of the year)")
COLLECTIVE_RATE = _rule(0.0, 100 * YEAR_DAYS, f"a number from 0 to {100 * YEAR_DAYS:,.0f} "
                        "(every enterprise raising a collective grievance every day of the year)")
COMPLAINTS = _rule(0.0, WORLD_WORKERS * YEAR_DAYS, f"a number from 0 to "
                   f"{WORLD_WORKERS * YEAR_DAYS:,.0f} (a complaint every day from every worker "
                   "in the world)")

DURATION_FIELDS = {
    "lognormal": ("mean_days", "cv"),
    "gamma": ("mean_days", "cv"),
    "exponential": ("mean_days",),
    "fixed": ("mean_days",),
    "triangular": ("low_days", "mode_days", "high_days"),
}
"""The parameters each family of random duration needs, and only those."""
DURATION_FAMILIES = tuple(DURATION_FIELDS)
SHARE_TOLERANCE = 1e-6

Problem = tuple[str, object, str]
"""(field name relative to the object, offending value, what is allowed)."""


class SharesSumToOne:
    """Mixin for a dataclass whose fields are shares of one whole: they must sum to 1."""

    def problems(self) -> Iterator[Problem]:
        names = tuple(f.name for f in fields(self))
        total = sum(getattr(self, name) for name in names)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            yield ("+".join(names), round(total, 9), f"shares {', '.join(names)} must sum to 1")


@dataclass(frozen=True)
class Duration:
    """A random duration in calendar days, or in working days when ``working_days`` is true
    (the model converts it with the scenario's calendar).

    lognormal, gamma: ``mean_days`` and coefficient of variation ``cv``;
    exponential, fixed: ``mean_days``; triangular: ``low_days``, ``mode_days``, ``high_days``.
    Each family needs exactly its own fields: none is filled in, none is ignored.
    """

    family: str
    """One of lognormal, gamma, triangular, exponential, fixed."""
    mean_days: float | None = field(default=None, metadata=DAYS)
    """Mean in days (lognormal, gamma, exponential, fixed)."""
    cv: float | None = field(default=None, metadata=CV)
    """Coefficient of variation (standard deviation / mean) for lognormal and gamma."""
    low_days: float | None = field(default=None, metadata=DAYS)
    """Triangular: smallest value, days."""
    mode_days: float | None = field(default=None, metadata=DAYS)
    """Triangular: most likely value, days."""
    high_days: float | None = field(default=None, metadata=DAYS)
    """Triangular: largest value, days."""
    working_days: bool = False
    """True when the days above are working days, as the source reports them."""

    @property
    def mean(self) -> float:
        """Mean duration in its own days (calendar, or working if ``working_days``)."""
        if self.family == "triangular":
            return (self.low_days + self.mode_days + self.high_days) / 3.0
        return self.mean_days

    def as_exponential(self) -> Duration:
        """The exponential duration with the same mean (the textbook switch)."""
        return Duration(family="exponential", mean_days=self.mean,
                        working_days=self.working_days)

    def in_calendar_days(self, calendar_days_per_working_day: float) -> Duration:
        """The same duration in calendar days (unchanged if it is already)."""
        if not self.working_days:
            return self
        f = calendar_days_per_working_day

        def scaled(days: float | None) -> float | None:
            return None if days is None else days * f

        return Duration(self.family, scaled(self.mean_days), self.cv, scaled(self.low_days),
                        scaled(self.mode_days), scaled(self.high_days))

    def problems(self) -> Iterator[Problem]:
        if self.family not in DURATION_FAMILIES:
            yield ("family", self.family, f"one of {', '.join(DURATION_FAMILIES)}")
            return
        needed = DURATION_FIELDS[self.family]
        for name in ("mean_days", "cv", "low_days", "mode_days", "high_days"):
            given = getattr(self, name) is not None
            if name in needed and not given:
                yield (name, "<missing>", f"a number (required for family "
                       f"'{self.family}', which needs {', '.join(needed)})")
                return
            if name not in needed and given:
                yield (name, getattr(self, name), f"nothing: family '{self.family}' uses "
                       f"only {', '.join(needed)}")
                return
        if self.family == "triangular":
            if not self.low_days <= self.mode_days <= self.high_days or (
                    self.high_days <= self.low_days):
                yield (
                    "low_days/mode_days/high_days",
                    (self.low_days, self.mode_days, self.high_days),
                    "low_days <= mode_days <= high_days with low_days < high_days "
                    "(for a duration that never varies use family = 'fixed')",
                )
        elif self.family in ("lognormal", "gamma") and (self.mean_days <= 0 or self.cv <= 0):
            yield ("mean_days/cv", (self.mean_days, self.cv), "mean_days > 0 and cv > 0")
        elif self.family == "exponential" and self.mean_days <= 0:
            yield ("mean_days", self.mean_days, "a number > 0 for family 'exponential'")


@dataclass(frozen=True)
class Sector:
    """Where grievances arise: a sector's workplaces and its grievance rates."""

    name: str
    """Short identifier, e.g. garment_footwear."""
    enterprises: int = field(metadata=ENTERPRISES)
    """Number of enterprises in the sector."""
    workers: int = field(metadata=WORKERS)
    """Number of workers employed in the sector."""
    individual_grievances_per_1000_workers_per_year: float = field(metadata=INDIVIDUAL_RATE)
    """Individual grievances raised at the workplace, before prevention effects."""
    collective_grievances_per_100_enterprises_per_year: float = field(
        metadata=COLLECTIVE_RATE)
    """Collective grievances raised at the workplace, before prevention effects."""


@dataclass(frozen=True)
class Arrivals:
    """How grievances arise: sectors, seasonality and the make-up of a collective case."""

    sectors: tuple[Sector, ...]
    """At least one sector; names must be unique."""
    monthly_seasonality: tuple[float, ...]
    """Twelve rate multipliers, January first, averaging 1."""
    workers_per_collective_case_mean: float = field(metadata=WORKERS_PER_CASE)
    """Mean number of workers involved in a collective dispute (lognormal, heavy-tailed)."""
    workers_per_collective_case_cv: float = field(metadata=CV)
    """Coefficient of variation of workers per collective dispute."""
    rights_dispute_share: float = field(metadata=PROBABILITY)
    """Share of collective disputes about rights (the rest are about interests)."""

    def problems(self) -> Iterator[Problem]:
        if not self.sectors:
            yield ("sectors", [], "at least one sector")
        names = [s.name for s in self.sectors]
        if len(set(names)) != len(names):
            yield ("sectors", names, "unique sector names")
        if len(self.monthly_seasonality) != 12:
            yield ("monthly_seasonality", list(self.monthly_seasonality), "exactly 12 multipliers")
        elif min(self.monthly_seasonality) < 0:
            yield ("monthly_seasonality", list(self.monthly_seasonality), "multipliers >= 0")
        elif abs(sum(self.monthly_seasonality) / 12 - 1.0) > 1e-3:
            yield (
                "monthly_seasonality",
                round(sum(self.monthly_seasonality) / 12, 6),
                "multipliers averaging 1 (so that they shift, not scale, the yearly rate)",
            )


@dataclass(frozen=True)
class Prevention:
    """Workplace prevention: bipartite mechanisms, prevention officers and training.

    Officers act through a saturating capacity ``1 - exp(-officers / officer_effect_scale)``
    that lowers the grievance rate and raises the share settled at the workplace;
    training raises that share in proportion to the share of trained workplaces.
    """

    prevention_officers: int = field(metadata=STAFF)
    """Prevention and advisory officers in post."""
    officer_effect_scale: float = field(metadata=POSITIVE)
    """Officers at which 63% of the officers' maximum effect is reached."""
    max_grievance_reduction: float = field(metadata=PROBABILITY)
    """Largest share by which officers can lower the grievance rate."""
    trained_workplace_share: float = field(metadata=PROBABILITY)
    """Share of workplaces whose bipartite committee has been trained."""
    workplace_resolution_share_individual: float = field(metadata=PROBABILITY)
    """Share of individual grievances settled at the workplace with no officers or training."""
    workplace_resolution_share_collective: float = field(metadata=PROBABILITY)
    """Share of collective grievances settled at the workplace with no officers or training."""
    officer_resolution_gain: float = field(metadata=PROBABILITY)
    """Added workplace settlement share at full officer capacity."""
    training_resolution_gain: float = field(metadata=PROBABILITY)
    """Added workplace settlement share when every workplace is trained."""
    workplace_delay: Duration
    """Time a grievance spends at the workplace, settled or not."""

    def officer_capacity(self) -> float:
        """Share of the officers' maximum effect reached, in [0, 1)."""
        return 1.0 - math.exp(-self.prevention_officers / self.officer_effect_scale)

    def grievance_multiplier(self) -> float:
        """Factor applied to every grievance rate."""
        return 1.0 - self.max_grievance_reduction * self.officer_capacity()

    def workplace_resolution_share(self, base: float) -> float:
        """Share settled at the workplace, given the base share for the case type."""
        return (
            base
            + self.officer_resolution_gain * self.officer_capacity()
            + self.training_resolution_gain * self.trained_workplace_share
        )

    def problems(self) -> Iterator[Problem]:
        top = max(self.workplace_resolution_share_individual,
                  self.workplace_resolution_share_collective)
        reach = top + self.officer_resolution_gain + self.training_resolution_gain
        if reach > 1.0 + SHARE_TOLERANCE:
            yield (
                "officer_resolution_gain+training_resolution_gain",
                round(reach, 9),
                "largest workplace_resolution_share plus both gains <= 1",
            )


@dataclass(frozen=True)
class StaffEffort:
    """How much of their time staff give to disputes, and how much of it one case takes.

    With the stage's handling time (elapsed days) they give the cases the staff can carry at
    once, by Little's law: staff x share x working hours per calendar day x mean handling
    days / effort hours per case. Utilisation is then the share of those hours in use.
    """

    share_of_time_on_disputes: float = field(metadata=PROBABILITY)
    """Share of the staff's working time spent on these cases (the rest: other duties)."""
    effort_hours_per_case: float = field(metadata=EFFORT_HOURS)
    """Working hours one case takes of one staff member."""
    booking_share_of_effort: float = field(metadata=PROBABILITY)
    """Share of one case's effort hours that each case already in a staff member's hands
    claims before a new case's first hearing (their diary fills up): with more cases per
    person the first hearing comes later, even when no one waits for a free slot. 0: a case
    is heard as soon as a slot is free."""
    hours_per_case_today: float | None = field(default=None, metadata=DERIVED_HOURS)
    """Staff hours a year available per expected case when the outcome shares were measured
    (today). Derived when a scenario file is read (its own staffing); kept when a policy or
    an override changes staff or caseload, so settlement responds to the change
    (``scenario/settlement.py``)."""
    booking_days_today: float | None = field(default=None, metadata=DERIVED_DAYS)
    """Today's mean wait for a first hearing (derived like ``hours_per_case_today``): the
    handling durations of a stage measured from entry already hold it, so the model takes
    it out of them and simulates the wait apart, from the staff's diary."""


@dataclass(frozen=True)
class ConciliationOutcomes(SharesSumToOne):
    """Shares of conciliation rounds ending in each outcome; they sum to 1."""

    agreement: float = field(metadata=PROBABILITY)
    """Parties sign an agreement (settled)."""
    withdrawal: float = field(metadata=PROBABILITY)
    """Complaint withdrawn or annulled (dropped)."""
    non_conciliation: float = field(metadata=PROBABILITY)
    """No agreement: the case moves on."""


@dataclass(frozen=True)
class IndividualConciliation:
    """Individual disputes conciliated by labour inspectors (Labour Law 1997 art. 300-301)."""

    labour_inspectors: int = field(metadata=STAFF)
    """Labour inspectors who conciliate individual disputes (among other duties)."""
    effort: StaffEffort
    hearing_deadline_days: float = field(metadata=POSITIVE_DAYS)
    """Calendar days from complaint to hearing allowed by law."""
    service: Duration
    """Elapsed time of one case from hearing to outcome (not all of it inspector's work)."""
    outcomes: ConciliationOutcomes
    abandonment_hazard_per_day_overdue: float = field(metadata=NONNEGATIVE)
    """Daily chance that a claimant still waiting for a hearing after the deadline gives up
    (the claim is then abandoned, not resolved)."""

    def problems(self) -> Iterator[Problem]:
        if self.labour_inspectors == 0:
            yield ("labour_inspectors", 0, "at least 1 (cases would wait forever)")


@dataclass(frozen=True)
class CollectiveConciliation:
    """Collective disputes conciliated by ministry conciliators (Prakas 074/25)."""

    conciliators: int = field(metadata=STAFF)
    """Ministry conciliators."""
    effort: StaffEffort
    """Effort per conciliation round."""
    appointment_delay: Duration
    """Time from complaint to a conciliator's appointment."""
    appointment_deadline_days: float = field(metadata=POSITIVE_DAYS)
    """Legal limit for the appointment, calendar days."""
    conciliation_deadline_days: float = field(metadata=POSITIVE_DAYS)
    """Legal limit for conciliation after appointment, calendar days."""
    service: Duration
    """Elapsed time of one conciliation round after appointment."""
    outcomes: ConciliationOutcomes
    reconciliation_share: float = field(metadata=PROBABILITY)
    """Share of failed first rounds that the parties jointly send to one more round."""
    trained_conciliator_share: float = field(metadata=PROBABILITY)
    """Share of conciliators trained in conciliation skills (raises the settlement share by
    ``settlement.training_log_odds`` at full training: ``scenario/settlement.py``)."""
    reconciliation_request_working_days: float = field(metadata=DAYS)
    """Working days the parties have to request re-conciliation jointly after a failed round;
    a second round is appointed when they have passed."""

    def problems(self) -> Iterator[Problem]:
        if self.conciliators == 0:
            yield ("conciliators", 0, "at least 1 (cases would wait forever)")


@dataclass(frozen=True)
class AwardOutcomes(SharesSumToOne):
    """Shares of Arbitration Council cases by how they end; they sum to 1."""

    settled: float = field(metadata=PROBABILITY)
    """Settled by conciliation before the Council (resolved)."""
    award: float = field(metadata=PROBABILITY)
    """An arbitral award is issued."""
    withdrawn: float = field(metadata=PROBABILITY)
    """Withdrawn or closed without a decision (dropped)."""


@dataclass(frozen=True)
class Arbitration:
    """The Arbitration Council: three-member panels drawn from a roster (Prakas 099 / 098/26)."""

    arbitrators: int = field(metadata=STAFF)
    """Active arbitrators on the roster."""
    panel_size: int = field(metadata=POSITIVE_COUNT)
    """Arbitrators per panel."""
    effort: StaffEffort
    """Arbitrators' time on the Council, and hours per case for each panel member."""
    service: Duration
    """A panel's time from receiving a case to settlement or award."""
    award_deadline_working_days: float = field(metadata=POSITIVE_DAYS)
    """Legal limit from receipt of the case to the award, working days."""
    outcomes: AwardOutcomes
    binding_award_share_rights: float = field(metadata=PROBABILITY)
    """Share of awards in rights disputes that bind (2010 garment MoU, prior agreement)."""
    binding_award_share_interest: float = field(metadata=PROBABILITY)
    """Share of awards in interest disputes that bind (prior agreement or a CBA clause)."""
    objection_share: float = field(metadata=PROBABILITY)
    """Share of non-binding awards that a party objects to."""
    objection_window_days: float = field(metadata=DAYS)
    """Days a party has to object to a non-binding award."""
    objection_window_in_working_days: bool
    """True: the window counts working days (one reading of the law); false: calendar days
    (the other)."""

    def problems(self) -> Iterator[Problem]:
        if self.arbitrators < self.panel_size:
            yield ("arbitrators", self.arbitrators,
                   f"enough for one panel (at least panel_size = {self.panel_size})")


@dataclass(frozen=True)
class Courts:
    """Courts for individual disputes, and collective rights disputes after an objection."""

    dropout_share: float = field(metadata=PROBABILITY)
    """Share of claimants who do not file in court after non-conciliation (claim lapses)."""
    delay: Duration
    """Time from filing to judgement, calendar days."""


@dataclass(frozen=True)
class Strikes:
    """Industrial action by collective disputes while they wait, at the workplace or in the
    procedure, and after an objected award.

    The right to strike comes only once the procedure is exhausted: an award objected to
    (Labour Law art. 319) or the Council's deadline passed without one (art. 320). Before
    that, a strike is unlawful: at the workplace (a wildcat strike), during conciliation
    (the parties must cease activities related to the dispute, Prakas 074/25) and while the
    Council is within its deadline (arts. 319-320). Even then it is lawful only when called
    by a secret ballot (art. 323) with 7 working days' notice to the employer and the
    ministry (art. 324): a share of strikes follows that rule and starts when the notice has
    run; the rest start at once.
    """

    enabled: bool
    """Switch strikes off for the textbook network."""
    hazard_per_day: float = field(metadata=NONNEGATIVE)
    """Daily chance that a collective dispute waiting at the workplace turns into a strike."""
    refrain_factor: float = field(metadata=PROBABILITY)
    """Factor on the hazard while the procedure runs within its deadlines (parties must
    cease activities related to the dispute during conciliation, Prakas 074/25, and have no
    right to strike before the Council's award or deadline, Labour Law arts. 319-320)."""
    overdue_hazard_multiplier: float = field(metadata=NONNEGATIVE)
    """Factor on the hazard once a legal deadline of the procedure has passed."""
    strike_share_after_objection: float = field(metadata=PROBABILITY)
    """Share of objected interest-dispute awards followed by a strike."""
    duration: Duration
    """Length of a strike if no one intervenes, calendar days."""
    conciliation_cut: float = field(metadata=PROBABILITY)
    """Share of a strike's remaining days that ministry conciliation removes once it reaches
    the strike (after a conciliator's appointment and the diary's booking wait): more
    conciliators reach strikes sooner. 0: conciliation never shortens a strike."""
    notice_working_days: float = field(metadata=DAYS)
    """Notice a strike needs, to the employer and the ministry, in working days of the
    ministry's calendar (Labour Law art. 324)."""
    notice_compliance_share: float = field(metadata=PROBABILITY)
    """Share of strikes called by a secret ballot with that notice (arts. 323-324): they
    start when the notice has run, and are lawful once the procedure is exhausted."""


@dataclass(frozen=True)
class WorkingCalendar:
    """The run's calendar: its first date, the ministry's and the factories' weeks, public
    holidays by date (``calendar.py``: deadlines in working days run on it), and the yearly
    averages that turn staff hours and working-day durations into calendar time."""

    working_days_per_week: int = field(metadata=DAYS_OF_A_WEEK)
    """Working days in the ministry's week, from Monday (5: Monday to Friday)."""
    public_holidays_per_year: float = field(metadata=NONNEGATIVE)
    """Public holidays falling on the ministry's working days, per year on average (for staff
    hours and working-day durations; deadlines run on the holidays by date)."""
    working_hours_per_day: float = field(metadata=HOURS_OF_A_DAY)
    """Hours in a working day."""
    start_year: int = field(metadata=START_YEAR)
    """Day 0 of a run is 1 January of this year: every day of the run has a date."""
    factory_working_days_per_week: int = field(metadata=DAYS_OF_A_WEEK)
    """Working days in a factory's week, from Monday (6 in garment factories, to Saturday)."""
    holidays_by_date: bool
    """True: Cambodia's public holidays by date (``datasets/calendar/``) close the ministry
    and the factories; false: weekends only."""

    @property
    def working_days_per_year(self) -> float:
        return YEAR_DAYS * self.working_days_per_week / 7 - self.public_holidays_per_year

    def calendar_days(self, working_days: float) -> float:
        """Calendar days holding ``working_days`` working days, on average over a year (a
        legal deadline instead runs on the dates: ``calendar.Calendar``)."""
        return working_days * YEAR_DAYS / self.working_days_per_year

    @property
    def working_hours_per_calendar_day(self) -> float:
        """Working hours in an average calendar day (weekends and holidays included)."""
        return self.working_hours_per_day * self.working_days_per_year / YEAR_DAYS

    def problems(self) -> Iterator[Problem]:
        if YEAR_DAYS * self.working_days_per_week / 7 - self.public_holidays_per_year < 1:
            yield ("public_holidays_per_year", self.public_holidays_per_year,
                   "fewer than the working days in a year")


@dataclass(frozen=True)
class LodgingShares(SharesSumToOne):
    """Who lodges a migrant worker's complaint; shares sum to 1 (guideline 2021)."""

    worker: float = field(metadata=PROBABILITY)
    """The migrant worker lodges it, possibly from abroad."""
    family: float = field(metadata=PROBABILITY)
    """A family member lodges it in Cambodia."""
    representative: float = field(metadata=PROBABILITY)
    """An appointed representative lodges it in Cambodia."""


@dataclass(frozen=True)
class MigrantCaseTypes(SharesSumToOne):
    """What migrant complaints are about; shares sum to 1."""

    recruitment_or_deployment_delay: float = field(metadata=PROBABILITY)
    """Recruitment agency delays deploying the worker."""
    wages: float = field(metadata=PROBABILITY)
    """Unpaid or underpaid wages abroad."""
    contract_substitution: float = field(metadata=PROBABILITY)
    """The job or contract abroad differs from the one promised."""
    other: float = field(metadata=PROBABILITY)
    """Everything else (fees, documents, abuse)."""


@dataclass(frozen=True)
class MediationOutcomes(SharesSumToOne):
    """Shares of migrant-worker mediations by outcome; they sum to 1."""

    settled: float = field(metadata=PROBABILITY)
    """Agreement with the recruitment agency or employer, usually with compensation."""
    abandoned: float = field(metadata=PROBABILITY)
    """The complainant gives up or cannot be reached (dropped)."""
    referred: float = field(metadata=PROBABILITY)
    """Mediation fails; the case is referred to ministry conciliation or court."""


@dataclass(frozen=True)
class MigrantRoute:
    """Migrant-worker grievances through a Migrant Worker Resource Centre (MRC).

    Intake and mediation are done by MRC staff (a limited resource). A worker abroad adds a
    document and communication delay before mediation, and before intake when the worker
    lodges the complaint personally (family and representatives lodge in Cambodia).
    """

    enabled: bool
    """Switch the route on; off gives exactly the core model."""
    complaints_per_year: float = field(metadata=COMPLAINTS)
    """Complaints lodged at MRCs and provincial labour departments per year."""
    lodged_by: LodgingShares
    group_claim_share: float = field(metadata=PROBABILITY)
    """Share of complaints lodged as a group claim."""
    workers_per_group_claim_mean: float = field(metadata=WORKERS_PER_CASE)
    """Mean workers in a group claim (lognormal, heavy-tailed)."""
    workers_per_group_claim_cv: float = field(metadata=CV)
    """Coefficient of variation of workers per group claim."""
    worker_abroad_share: float = field(metadata=PROBABILITY)
    """Share of complaints where the worker is abroad."""
    abroad_delay: Duration
    """Extra document and communication delay when the worker is abroad."""
    case_types: MigrantCaseTypes
    mrc_staff: int = field(metadata=STAFF)
    """MRC and provincial staff handling complaints."""
    effort: StaffEffort
    """Staff time on complaints, and hours per complaint (intake and mediation together)."""
    intake: Duration
    """Elapsed time to register and assess a complaint."""
    action_deadline_days: float = field(metadata=POSITIVE_DAYS)
    """Days officials have to act on a written complaint."""
    abandonment_hazard_per_day_overdue: float = field(metadata=NONNEGATIVE)
    """Daily chance that a complainant still waiting for intake after the action deadline
    gives up (the complaint is then abandoned)."""
    mediation: Duration
    """Elapsed time to mediate between the worker and the agency."""
    outcomes: MediationOutcomes
    referral_to_conciliation_share: float = field(metadata=PROBABILITY)
    """Share of referred cases sent to ministry conciliation (the rest go to court)."""
    compensation_mean_usd: float = field(metadata=NONNEGATIVE)
    """Mean compensation recovered per settled complaint, US dollars (lognormal)."""
    compensation_cv: float = field(metadata=CV)
    """Coefficient of variation of compensation per settled complaint."""

    def problems(self) -> Iterator[Problem]:
        if self.enabled and self.mrc_staff == 0:
            yield ("mrc_staff", 0, "at least 1 when the route is enabled")


@dataclass(frozen=True)
class AdjudicationOutcomes(SharesSumToOne):
    """Shares of regional adjudication cases by how they end; they sum to 1."""

    settled: float = field(metadata=PROBABILITY)
    """Settlement (hwahae) before a decision."""
    withdrawn: float = field(metadata=PROBABILITY)
    """Withdrawn by the applicant (dropped)."""
    decided: float = field(metadata=PROBABILITY)
    """A written decision."""


@dataclass(frozen=True)
class KoreaSystem:
    """A Korea-inspired system: mandatory mediation and unfair-dismissal adjudication.

    Collective interest disputes go to Labour Relations Commission mediation (no lawful
    industrial action before it) instead of conciliation and the Arbitration Council;
    collective rights disputes and a share of individual disputes (unfair dismissal) go to
    regional adjudication, a share of decisions to national review, then to court.
    """

    enabled: bool
    """Switch the system on; off gives exactly the core model."""
    mediation_committees: int = field(metadata=STAFF)
    """Three-member mediation committees."""
    mediation_effort: StaffEffort
    """Committees' time on mediation, and committee hours per mediation."""
    mediation: Duration
    """Elapsed time one mediation needs; the legal window, counted from the application,
    cuts it short."""
    mediation_window_days: float = field(metadata=POSITIVE_DAYS)
    """Legal mediation period for general businesses, calendar days."""
    public_service_share: float = field(metadata=PROBABILITY)
    """Share of interest disputes in public services (longer window)."""
    public_mediation_window_days: float = field(metadata=POSITIVE_DAYS)
    """Legal mediation period for public services, calendar days."""
    mediation_success_share: float = field(metadata=PROBABILITY)
    """Share of mediations that succeed, without preventive mediation."""
    preventive_mediation_share: float = field(metadata=PROBABILITY)
    """Share of disputes where mediators engaged before the application."""
    preventive_mediation_uplift: float = field(metadata=PROBABILITY)
    """Added success share when preventive mediation took place."""
    arbitration_after_failed_mediation_share: float = field(metadata=PROBABILITY)
    """Share of failed mediations sent to arbitration by joint request."""
    strike_share_after_failed_mediation: float = field(metadata=PROBABILITY)
    """Share of failed mediations (not arbitrated) followed by industrial action, the
    procedure exhausted (lawful when called with notice, ``Strikes``)."""
    unfair_dismissal_share: float = field(metadata=PROBABILITY)
    """Share of individual disputes that are unfair-dismissal cases for adjudication."""
    adjudication_panels: int = field(metadata=STAFF)
    """Regional adjudication panels."""
    adjudication_effort: StaffEffort
    """Panels' time on adjudication, and panel hours per case."""
    regional_adjudication: Duration
    """A panel's time from application to decision."""
    adjudication_outcomes: AdjudicationOutcomes
    review_share: float = field(metadata=PROBABILITY)
    """Share of decided cases taken to national review."""
    national_review: Duration
    """Time of a national review (not staffed here)."""
    court_share_after_review: float = field(metadata=PROBABILITY)
    """Share of reviewed cases taken on to court."""

    def problems(self) -> Iterator[Problem]:
        if self.enabled and self.mediation_committees == 0:
            yield ("mediation_committees", 0, "at least 1 when the system is enabled")
        if self.enabled and self.adjudication_panels == 0:
            yield ("adjudication_panels", 0, "at least 1 when the system is enabled")
        if self.mediation_success_share + self.preventive_mediation_uplift > 1 + SHARE_TOLERANCE:
            yield ("preventive_mediation_uplift", self.preventive_mediation_uplift,
                   "at most 1 - mediation_success_share")


@dataclass(frozen=True)
class UnitCosts:
    """Yearly cost of each kind of capacity, US dollars, for budgets and cost per case."""

    prevention_officer_usd_per_year: float = field(metadata=NONNEGATIVE)
    """A prevention and advisory officer, salary and running costs."""
    training_usd_per_workplace_per_year: float = field(metadata=NONNEGATIVE)
    """Training one workplace's bipartite committee, per year it stays trained."""
    labour_inspector_usd_per_year: float = field(metadata=NONNEGATIVE)
    """A labour inspector conciliating individual disputes."""
    conciliator_usd_per_year: float = field(metadata=NONNEGATIVE)
    """A ministry conciliator for collective disputes."""
    arbitrator_usd_per_year: float = field(metadata=NONNEGATIVE)
    """An arbitrator on the roster, beyond what each case costs (arbitrators are unsalaried:
    training and roster meetings)."""
    arbitration_usd_per_case: float = field(metadata=NONNEGATIVE)
    """What one Arbitration Council case costs: allowances and secretariat."""
    mrc_staff_usd_per_year: float = field(metadata=NONNEGATIVE)
    """A Migrant Worker Resource Centre staff member."""
    mediation_committee_usd_per_year: float = field(metadata=NONNEGATIVE)
    """A mediation committee (Korea-inspired system)."""
    adjudication_panel_usd_per_year: float = field(metadata=NONNEGATIVE)
    """A regional adjudication panel (Korea-inspired system)."""
    conciliator_training_usd_per_conciliator_per_year: float = field(metadata=NONNEGATIVE)
    """Training one ministry conciliator in conciliation skills, per year it lasts."""


@dataclass(frozen=True)
class SettlementResponse:
    """How the share of cases a staffed stage settles responds to the time its staff can give
    each case, and to conciliator training (``scenario/settlement.py``).

    A stage's odds of settling a case (settled against failed; withdrawals stay as measured)
    move from their measured value by ``log_odds_per_doubling`` for each doubling (or
    halving) of the staff hours available per expected case against today's (at most three
    doublings either way), plus ``training_log_odds`` times the share of conciliators trained
    at collective conciliation. On the log-odds scale the same effort moves a share near 50%
    most and one near 100% little, and no share reaches 0 or 1."""

    log_odds_per_doubling: float = field(metadata=LOG_ODDS)
    """Log-odds of settling gained when staff hours per case double (lost when they halve)."""
    training_log_odds: float = field(metadata=LOG_ODDS)
    """Log-odds of settling at collective conciliation gained when every conciliator is
    trained."""


@dataclass(frozen=True)
class Scenario:
    """Everything the model needs: one dispute system, its staff and its rules."""

    name: str
    """Short identifier."""
    description: str
    """One or two sentences for people choosing a scenario."""
    exponential_durations: bool
    """Replace every duration by an exponential one with the same mean (textbook switch)."""
    arrivals: Arrivals
    prevention: Prevention
    individual_conciliation: IndividualConciliation
    collective_conciliation: CollectiveConciliation
    arbitration: Arbitration
    courts: Courts
    strikes: Strikes
    calendar: WorkingCalendar
    settlement: SettlementResponse
    migrant_route: MigrantRoute | None = None
    """Optional migrant-worker grievance route."""
    korea_system: KoreaSystem | None = None
    """Optional Korea-inspired mediation and adjudication."""
    costs: UnitCosts | None = None
    """Optional unit costs: needed for budgets, policies and cost per resolved case."""

    @property
    def migrant_on(self) -> bool:
        return self.migrant_route is not None and self.migrant_route.enabled

    @property
    def korea_on(self) -> bool:
        return self.korea_system is not None and self.korea_system.enabled

    def duration(self, d: Duration) -> Duration:
        """The duration the model uses: in calendar days, honouring the exponential switch."""
        d = d.in_calendar_days(self.calendar.calendar_days(1.0))
        return d.as_exponential() if self.exponential_durations else d

