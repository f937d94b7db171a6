"""Industrial action, a component of the model like the routes: strikes of collective
disputes while they wait (at the workplace, in conciliation, at the Council) and after an
objected award or a failed mediation.

A waiting dispute's strike hazard changes over its waiting segments (``Segment``): full at
the workplace (a wildcat strike, unlawful), lowered while the procedure runs within its
deadlines (the parties must refrain, unlawful), raised past them; a strike is lawful only
once the Council's award is overdue (Labour Law art. 320) or after an objected award
(art. 319). The onset is read off the cumulative hazard with one Exp(1) draw per dispute,
so no daily events are needed. It works on the core's declared steps (``routes.CaseSteps``).
"""

from __future__ import annotations

import numpy as np

from .records import Kind, Outcome
from .routes import CaseSteps

Segment = tuple[float, float, float, bool]
"""(start day, end day, strike hazard per day, whether a strike then is lawful)."""


def strike_onset(exp_draw: float, segments: list[Segment]) -> tuple[float, bool] | None:
    """Day at which the cumulative strike hazard reaches ``exp_draw``, and whether the
    strike is lawful then; None when it never does.

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
        """A strike of case ``case`` starting on ``start_day``; its length from ``stream``."""
        rec = self.core.records
        days = self.core.duration(stream, case, self.core.scenario.strikes.duration)
        if np.isnan(rec.strike_start_day[case]):
            rec.strike_start_day[case] = start_day
            rec.strike_lawful[case] = lawful
        rec.strike_days[case] += days

    def maybe(self, case: int, stream: str, share: float) -> None:
        """A lawful strike starting now with probability ``share`` (after an objected award
        or a failed mediation), when strikes are enabled."""
        if self.core.scenario.strikes.enabled and self.core.uniform(stream, case) < share:
            self.start(case, self.core.env.now, True, f"{stream}.duration")

    def waiting_segments(self, case: int, until: float) -> list[Segment]:
        """The time a collective dispute has waited, piece by piece, with its hazard:
        at the workplace (a wildcat strike), in conciliation and at the Council within the
        deadlines (parties must refrain: lower hazard, unlawful), and past them (higher
        hazard; lawful only once the Council's award is overdue, art. 320)."""
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
            self.start(case, *onset, "strikes.duration")

    def at_the_end(self, horizon: float) -> None:
        """At the end of the run: disputes still in the procedure count their exposure, and
        disputes that never left the workplace (settled there, or still there) their
        wildcat strikes."""
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
            self.start(int(case), float(onset), False, "strikes.duration")
