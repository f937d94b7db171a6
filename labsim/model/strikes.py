"""Industrial action, a component of the model like the routes: strikes of collective
disputes while they wait (at the workplace, in conciliation, at the Council) and after an
objected award or a failed mediation.

A waiting dispute's strike hazard changes over its waiting segments (``Segment``): full at
the workplace (a wildcat strike), lowered while the procedure runs within its deadlines
(the parties must refrain: Prakas 074/25 in conciliation, Labour Law arts. 319-320 at the
Council), raised past them. The procedure is exhausted, and a strike may be lawful, only
once the Council's award is overdue (art. 320) or after an objected award (art. 319); it is
lawful only if called by a secret ballot with 7 working days' notice (arts. 323-324), which
a share of strikes are: they start when the notice has run, the rest at once. The decision
to strike is read off the cumulative hazard with one Exp(1) draw per dispute, so no daily
events are needed. It works on the core's declared steps (``routes.CaseSteps``).
"""

from __future__ import annotations

import numpy as np

from .records import Kind, Outcome
from .routes import CaseSteps

STAGE = "collective_conciliation"
"""The stage whose conciliators reach strikes."""

Segment = tuple[float, float, float, bool]
"""(start day, end day, strike hazard per day, whether the procedure is exhausted then)."""


def strike_onset(exp_draw: float, segments: list[Segment]) -> tuple[float, bool] | None:
    """Day at which the cumulative strike hazard reaches ``exp_draw`` (the decision to
    strike), and whether the procedure is exhausted then; None when it never does.

    ``segments`` are the pieces of the time a dispute waits, in order; sampling the onset
    this way needs no daily events.
    """
    remaining = exp_draw
    for start, end, rate, lawful in segments:
        if end <= start or rate <= 0:
            continue
        exposure = (end - start) * rate
        if exposure >= remaining:
            return start + remaining / rate, lawful
        remaining -= exposure
    return None


def workplace_onsets(exp_draws: np.ndarray, arrival: np.ndarray, left: np.ndarray,
                     hazard_per_day: float) -> np.ndarray:
    """``strike_onset`` for many disputes that only waited at the workplace, from
    ``arrival`` to ``left``: the onset day, or NaN when no strike began."""
    if hazard_per_day <= 0:
        return np.full(len(arrival), np.nan)
    with np.errstate(over="ignore"):  # a tiny hazard gives an infinite onset: no strike
        onset = arrival + exp_draws / hazard_per_day
    return np.where(onset <= left, onset, np.nan)


class Strikes:
    """The strikes of one replication: decided as each dispute's wait ends, and at the end of
    the run for disputes still waiting."""

    def __init__(self, core: CaseSteps):
        self.core = core

    def start(self, case: int, start_day: float, lawful: bool, stream: str) -> None:
        """A strike of case ``case`` starting on ``start_day``; its length from ``stream``,
        shortened once conciliation reaches it."""
        rec = self.core.records
        days = self.shortened(self.core.duration(stream, case,
                                                 self.core.scenario.strikes.duration),
                              start_day)
        if np.isnan(rec.strike_start_day[case]):
            rec.strike_start_day[case] = start_day
            rec.strike_lawful[case] = lawful
        rec.strike_days[case] += days

    def shortened(self, days: float, start_day: float) -> float:
        """A strike's length once ministry conciliation reaches it: a conciliator is
        appointed and books a first meeting behind the disputes already in hand, then takes
        ``conciliation_cut`` of the days that remain (more conciliators: sooner)."""
        s = self.core.scenario
        cut = s.strikes.conciliation_cut
        if cut == 0 or STAGE not in self.core.pools:
            return days
        reach = (s.duration(s.collective_conciliation.appointment_delay).mean
                 + self.core.booking_days(STAGE, start_day))
        return min(days, reach) + (1 - cut) * max(days - reach, 0.0)

    def begin(self, case: int, decided: float, after_procedure: bool, stream: str) -> None:
        """A strike of case ``case`` decided on day ``decided``: called by a secret ballot
        with notice (a share ``notice_compliance_share`` of strikes, arts. 323-324), it
        starts when the notice has run on the ministry's calendar and is lawful if the
        procedure was exhausted (``after_procedure``, arts. 319-320); otherwise it starts at
        once, unlawful."""
        rules, rec = self.core.scenario.strikes, self.core.records
        noticed = self.core.uniform("strikes.notice", case) < rules.notice_compliance_share
        start_day = (self.core.calendar.deadline(decided, rules.notice_working_days) if noticed
                     else decided)
        if np.isnan(rec.strike_start_day[case]):
            rec.strike_after_procedure[case] = after_procedure
        self.start(case, start_day, after_procedure and noticed, stream)

    def maybe(self, case: int, stream: str, share: float) -> None:
        """A strike decided now with probability ``share``, the procedure exhausted (after
        an objected award or a failed mediation), when strikes are enabled."""
        if self.core.scenario.strikes.enabled and self.core.uniform(stream, case) < share:
            self.begin(case, self.core.env.now, True, f"{stream}.duration")

    def waiting_segments(self, case: int, until: float) -> list[Segment]:
        """The time a collective dispute has waited, piece by piece, with its hazard:
        at the workplace (a wildcat strike), in conciliation and at the Council within the
        deadlines (parties must refrain: lower hazard), and past them (higher hazard; the
        procedure is exhausted only once the Council's award is overdue, art. 320)."""
        s, rec = self.core.scenario, self.core.records
        hazard = s.strikes.hazard_per_day
        refrain, overdue = hazard * s.strikes.refrain_factor, hazard * (
            s.strikes.overdue_hazard_multiplier)

        def ended(day: float) -> float:
            return min(until, day) if not np.isnan(day) else until

        segments = [(rec.arrival_day[case], ended(rec.workplace_exit_day[case]), hazard, False)]
        entry = rec.collective_conciliation_entry_day[case]
        if np.isnan(entry):
            return segments
        left = ended(rec.collective_conciliation_exit_day[case])
        deadline = entry + self.core.calendar.conciliation_days(
            s.collective_conciliation, max(rec.conciliation_rounds[case], 1))
        segments += [(entry, min(deadline, left), refrain, False),
                     (deadline, left, overdue, False)]
        arb_entry = rec.arbitration_entry_day[case]
        if not np.isnan(arb_entry):
            decided = ended(rec.decision_day[case])
            arb_deadline = self.core.calendar.deadline(
                arb_entry, s.arbitration.award_deadline_working_days)
            segments += [(arb_entry, min(arb_deadline, decided), refrain, False),
                         (arb_deadline, decided, overdue, True)]
        return segments

    def while_waiting(self, case: int, until: float | None = None) -> None:
        """Whether the dispute's wait turned into a strike: decided when its waiting ends
        (the procedure, or the workplace for a route without strikes in it), or at ``until``
        (the end of the run) for a dispute still waiting then."""
        if not self.core.scenario.strikes.enabled:
            return
        segments = self.waiting_segments(case, self.core.env.now if until is None else until)
        onset = strike_onset(-np.log1p(-self.core.uniform("strikes.onset", case)), segments)
        if onset is not None:
            self.begin(case, *onset, "strikes.duration")

    def at_the_end(self, horizon: float) -> None:
        """At the end of the run: disputes still in the procedure count their exposure,
        disputes that never left the workplace (settled there, or still there) their
        wildcat strikes, and every strike its factory working days."""
        rec = self.core.records
        if not self.core.scenario.strikes.enabled:
            return
        waiting = np.flatnonzero(~np.isnan(rec.collective_conciliation_entry_day)
                                 & np.isnan(rec.decision_day)
                                 & (rec.outcome == Outcome.open.value))
        for case in waiting:
            self.while_waiting(int(case), until=horizon)
        stayed = np.flatnonzero((rec.kind == Kind.collective.value)
                                & (np.isnan(rec.workplace_exit_day)
                                   | (rec.outcome == Outcome.settled_at_workplace.value)))
        draws = -np.log1p(-self.core.uniforms("strikes.onset", stayed))
        left = np.fmin(rec.workplace_exit_day[stayed], horizon)
        onsets = workplace_onsets(draws, rec.arrival_day[stayed], left,
                                  self.core.scenario.strikes.hazard_per_day)
        for case, onset in zip(stayed[~np.isnan(onsets)], onsets[~np.isnan(onsets)],
                               strict=True):
            self.begin(int(case), float(onset), False, "strikes.duration")
        self._working_days_lost()

    def _working_days_lost(self) -> None:
        """Each case's strike days in factory working days (Monday to Saturday, no public
        holidays), counted from its first strike's start."""
        rec = self.core.records
        struck = ~np.isnan(rec.strike_start_day)
        start = rec.strike_start_day[struck]
        rec.strike_working_days[struck] = self.core.calendar.factories.between(
            start, start + rec.strike_days[struck])
