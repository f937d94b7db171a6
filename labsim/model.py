"""The dispute-flow model: one replication of one scenario as SimPy processes.

A grievance arises at a workplace; bipartite mechanisms settle a share after a delay
(``case_mix``, no queue). The rest go to conciliation: individual disputes to labour
inspectors, collective ones to ministry conciliators (with one optional re-conciliation
round). Collective disputes that fail go to an Arbitration Council panel; non-binding
awards can be objected to, after which rights disputes go to court and interest disputes
stay unresolved, maybe with a strike. Individual disputes that fail go to court unless the
claim lapses. Optional routes (``migrant_route``, ``korea_route``) add their own stages.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import simpy

from .case_mix import draw_cases
from .korea_route import KoreaRoute
from .migrant_route import MigrantRoute
from .random_streams import Streams, duration_quantiles
from .records import DISPUTE_TYPES, KINDS, OUTCOMES, STAGES, check_conservation
from .scenario import Duration, Scenario
from .stages import staff_capacity

_STAGE = {name: code for code, name in enumerate(STAGES)}
_OUTCOME = {name: code for code, name in enumerate(OUTCOMES)}
_KIND = {name: code for code, name in enumerate(KINDS)}
_TYPE = {name: code for code, name in enumerate(DISPUTE_TYPES)}


class StaffPool:
    """Staff of one stage: a first-come-first-served multi-server queue on SimPy's clock.

    ``serve`` returns one event that fires when the visit's service ends (its value is the
    start day): two scheduled events per visit instead of a Resource's four, which is
    what keeps a slider move under a second. Every visit is logged for waits and
    utilisation.
    """

    def __init__(self, env: simpy.Environment, stage: str, capacity: int):
        self.env, self.stage, self.capacity = env, stage, capacity
        self.busy = 0
        self.waiting: deque[tuple[int, float, simpy.Event]] = deque()
        self.requested: list[float] = []
        self.started: list[float] = []
        self.ended: list[float] = []

    def serve(self, service_days: float) -> simpy.Event:
        """Queue for a free slot and hold it ``service_days``; yield the returned event."""
        done = self.env.event()
        visit = len(self.requested)
        self.requested.append(self.env.now)
        self.started.append(np.nan)
        self.ended.append(np.nan)
        if self.busy < self.capacity:
            self._start(visit, service_days, done)
        else:
            self.waiting.append((visit, service_days, done))
        return done

    def _start(self, visit: int, service_days: float, done: simpy.Event) -> None:
        self.busy += 1
        self.started[visit] = start = self.env.now
        timer = self.env.timeout(service_days)
        timer.callbacks.append(lambda _: self._finish(visit, start, done))

    def _finish(self, visit: int, start: float, done: simpy.Event) -> None:
        self.ended[visit] = self.env.now
        self.busy -= 1
        if self.waiting:
            self._start(*self.waiting.popleft())
        done.succeed(start)

    def visits(self) -> pd.DataFrame:
        return pd.DataFrame({
            "stage": self.stage,
            "request_day": self.requested,
            "start_day": self.started,
            "end_day": self.ended,
        })


def strike_onset(exp_draw: float, segments: list[tuple[float, float, float]]) -> float | None:
    """Day at which the cumulative strike hazard reaches ``exp_draw``, or None.

    ``segments`` are (start_day, end_day, hazard_per_day) pieces of the time a dispute
    waits, in order; sampling the onset this way needs no daily events.
    """
    remaining = exp_draw
    for start, end, rate in segments:
        if end <= start or rate <= 0:
            continue
        exposure = (end - start) * rate
        if exposure >= remaining:
            return start + remaining / rate
        remaining -= exposure
    return None


@dataclass(frozen=True)
class ReplicationOutput:
    """What one replication leaves: the case table and the staff visits."""

    cases: pd.DataFrame
    visits: pd.DataFrame


class DisputeSystem(MigrantRoute, KoreaRoute):
    """All SimPy state of one replication; build it, then call ``run``."""

    def __init__(self, scenario: Scenario, seed: int, replication: int, horizon_days: float):
        self.s, self.horizon = scenario, horizon_days
        self.replication = replication
        self.env = simpy.Environment()
        self.streams = Streams(seed, replication)
        self.pools = {stage: StaffPool(self.env, stage, capacity)
                      for stage, capacity in staff_capacity(scenario).items()}
        self._arrays: dict[tuple[str, int], np.ndarray] = {}
        self.records, self._escalated, self._entry_day = draw_cases(
            scenario, self.streams, horizon_days)

    # -- random numbers ---------------------------------------------------------------
    def _draws(self, name: str, case: int, duration: Duration | None = None) -> float:
        """Case ``case``'s own draw from stream ``name`` (a duration if one is given).

        Draws are keyed on the case's arrival group and its position there, not on the order
        in which events happen, so the k-th grievance of a sector meets the same luck under
        every policy: common random numbers survive changes in staffing and routing.
        """
        group = self.records.group[case]
        values = self._arrays.get((name, group))
        if values is None:
            stream = self.streams.uniforms(f"{self.records.group_names[group]}|{name}")
            values = stream.take(self.records.group_sizes[group])
            if duration is not None:
                values = duration_quantiles(self.s.duration(duration), values)
            self._arrays[(name, group)] = values
        return float(values[self.records.group_index[case]])

    def _uniform(self, name: str, case: int) -> float:
        return self._draws(name, case)

    def _duration(self, name: str, case: int, duration: Duration) -> float:
        return self._draws(name, case, duration)

    # -- running ----------------------------------------------------------------------
    def run(self) -> ReplicationOutput:
        self._feed(0)
        self.env.run(until=self.horizon)
        self._strikes_of_open_cases()
        cases = self.records.table(self.replication,
                                   tuple(x.name for x in self.s.arrivals.sectors))
        check_conservation(cases, self.records.closed, self.records.n, self.horizon)
        visits = pd.concat([p.visits() for p in self.pools.values()], ignore_index=True)
        visits.insert(0, "replication", self.replication)
        return ReplicationOutput(cases=cases, visits=visits)

    def _feed(self, position: int) -> None:
        """Start escalated case ``position`` when it enters the formal system, then the next.

        A chain of bare timeouts with callbacks: cheaper than a feeding process, and only
        one pending entry at a time sits in the event queue.
        """
        if position == len(self._escalated):
            return
        case = self._escalated[position]

        def enter(_event: simpy.Event) -> None:
            self.env.process(self._route(case))
            self._feed(position + 1)

        self.env.timeout(self._entry_day[case] - self.env.now).callbacks.append(enter)

    def _route(self, case: int) -> Generator:
        """The path a case takes once it leaves the workplace."""
        kind, dispute_type = self.records.kind[case], self.records.dispute_type[case]
        if kind == _KIND["migrant"]:
            return self._migrant(case)
        if self.s.korea_on:
            korea = self._korea_path(case, kind, dispute_type)
            if korea is not None:
                return korea
        return self._collective(case) if kind == _KIND["collective"] else self._individual(case)

    # -- shared steps -----------------------------------------------------------------
    def _close(self, case: int, outcome: str) -> None:
        self.records.end_day[case] = self.env.now
        self.records.outcome[case] = _OUTCOME[outcome]
        self.records.closed += 1

    def _enter(self, case: int, stage: str) -> None:
        self.records.stage[case] = _STAGE[stage]
        getattr(self.records, f"{stage}_entry_day")[case] = self.env.now

    def _leave(self, case: int, stage: str, outcome: str | None = None) -> None:
        """Record leaving ``stage``; close the case with ``outcome`` if it ends here."""
        getattr(self.records, f"{stage}_exit_day")[case] = self.env.now
        if outcome is not None:
            self._close(case, outcome)

    def _served(self, case: int, stage: str, service: Duration) -> Generator:
        """Enter a staffed stage, wait for staff and be served; records the start day."""
        self._enter(case, stage)
        start = yield self.pools[stage].serve(self._duration(f"{stage}.service", case, service))
        getattr(self.records, f"{stage}_start_day")[case] = start

    # -- the core path ----------------------------------------------------------------
    def _individual(self, case: int) -> Generator:
        ic = self.s.individual_conciliation
        yield from self._served(case, "individual_conciliation", ic.service)
        u = self._uniform("individual_conciliation.outcome", case)
        if u < ic.outcomes.agreement:
            self._leave(case, "individual_conciliation", "agreement")
        elif u < ic.outcomes.agreement + ic.outcomes.withdrawal:
            self._leave(case, "individual_conciliation", "withdrawal")
        else:
            self._leave(case, "individual_conciliation")
            yield from self._court(case)

    def _court(self, case: int, may_lapse: bool = True) -> Generator:
        """Court; ``may_lapse`` False for cases already known to be filed."""
        courts = self.s.courts
        if may_lapse and self._uniform("court.dropout", case) < courts.dropout_share:
            self._close(case, "lapsed")
            return
        self._enter(case, "court")
        yield self.env.timeout(self._duration("court.delay", case, courts.delay))
        self._leave(case, "court", "judgement")

    def _collective(self, case: int) -> Generator:
        cc, rec, env = self.s.collective_conciliation, self.records, self.env
        self._enter(case, "collective_conciliation")
        pool = self.pools["collective_conciliation"]
        while True:
            rec.conciliation_rounds[case] += 1
            round_ = f"collective_conciliation.round{rec.conciliation_rounds[case]}"
            yield env.timeout(self._duration(f"{round_}.appointment", case,
                                             cc.appointment_delay))
            start = yield pool.serve(self._duration(f"{round_}.service", case, cc.service))
            if rec.conciliation_rounds[case] == 1:
                rec.collective_conciliation_start_day[case] = start
            u = self._uniform(f"{round_}.outcome", case)
            if u < cc.outcomes.agreement + cc.outcomes.withdrawal:
                break
            if (rec.conciliation_rounds[case] > 1
                    or self._uniform("collective_conciliation.reconciliation", case)
                    >= cc.reconciliation_share):
                break
        self._leave(case, "collective_conciliation")
        if u < cc.outcomes.agreement + cc.outcomes.withdrawal:
            self._strike_while_waiting(case)
            self._close(case, "agreement" if u < cc.outcomes.agreement else "withdrawal")
            return
        yield from self._arbitration(case, strikes_while_waiting=True)

    def _arbitration(self, case: int, strikes_while_waiting: bool) -> Generator:
        """The Arbitration Council; the wait since conciliation may turn into a strike."""
        arb, rec, env = self.s.arbitration, self.records, self.env
        yield from self._served(case, "arbitration", arb.service)
        rec.decision_day[case] = env.now
        if strikes_while_waiting:
            self._strike_while_waiting(case)
        u = self._uniform("arbitration.outcome", case)
        if u < arb.outcomes.settled:
            self._leave(case, "arbitration", "settled_at_arbitration")
            return
        if u >= arb.outcomes.settled + arb.outcomes.award:
            self._leave(case, "arbitration", "withdrawn_at_arbitration")
            return
        if self._uniform("arbitration.binding", case) < arb.binding_award_share:
            self._leave(case, "arbitration", "binding_award")
            return
        yield env.timeout(self.s.calendar.calendar_days(arb.objection_window_working_days))
        if self._uniform("arbitration.objection", case) >= arb.objection_share:
            self._leave(case, "arbitration", "award_accepted")
            return
        self._leave(case, "arbitration")
        if rec.dispute_type[case] == _TYPE["rights"]:
            yield from self._court(case)
            return
        self._maybe_strike(case, "strikes.after_objection",
                           self.s.strikes.strike_share_after_objection)
        self._close(case, "award_objected")

    # -- industrial action ------------------------------------------------------------
    def _strike(self, case: int, start_day: float, stream: str) -> None:
        """A strike of case ``case`` starting on ``start_day``; its length from ``stream``."""
        rec = self.records
        days = self._duration(stream, case, self.s.strikes.duration)
        if np.isnan(rec.strike_start_day[case]):
            rec.strike_start_day[case] = start_day
        rec.strike_days[case] += days

    def _maybe_strike(self, case: int, stream: str, share: float) -> None:
        """A strike starting now with probability ``share`` (when strikes are enabled)."""
        if self.s.strikes.enabled and self._uniform(stream, case) < share:
            self._strike(case, self.env.now, f"{stream}.duration")

    def _strike_while_waiting(self, case: int, until: float | None = None) -> None:
        """Whether the wait in the formal procedure turned into a strike.

        Decided when the procedure ends, or at ``until`` (the end of the run) for a case
        still waiting then, so that open cases count their exposure too.
        """
        strikes = self.s.strikes
        if not strikes.enabled:
            return
        s, rec = self.s, self.records
        cc = s.collective_conciliation
        hazard, overdue = strikes.hazard_per_day, strikes.hazard_per_day * (
            strikes.overdue_hazard_multiplier)

        def ended(day: float) -> float:
            return until if np.isnan(day) else day

        entry = rec.collective_conciliation_entry_day[case]
        concil_exit = ended(rec.collective_conciliation_exit_day[case])
        deadline = entry + max(rec.conciliation_rounds[case], 1) * (
            cc.appointment_deadline_days + cc.conciliation_deadline_days)
        segments = [(entry, min(deadline, concil_exit), hazard),
                    (deadline, concil_exit, overdue)]
        arb_entry = rec.arbitration_entry_day[case]
        if not np.isnan(arb_entry):
            arb_exit = ended(rec.decision_day[case])
            arb_deadline = arb_entry + s.calendar.calendar_days(
                s.arbitration.award_deadline_working_days)
            segments += [(arb_entry, min(arb_deadline, arb_exit), hazard),
                         (arb_deadline, arb_exit, overdue)]
        onset = strike_onset(-np.log1p(-self._uniform("strikes.onset", case)), segments)
        if onset is not None:
            self._strike(case, onset, "strikes.duration")

    def _strikes_of_open_cases(self) -> None:
        """At the end of the run, the exposure of collective disputes still waiting."""
        rec = self.records
        waiting = np.flatnonzero(~np.isnan(rec.collective_conciliation_entry_day)
                                 & np.isnan(rec.decision_day) & (rec.outcome == 0))
        for case in waiting:
            self._strike_while_waiting(int(case), until=self.horizon)


def simulate(scenario: Scenario, seed: int, replication: int,
             horizon_days: float) -> ReplicationOutput:
    """Run one replication to ``horizon_days`` and return its tables."""
    return DisputeSystem(scenario, seed, replication, horizon_days).run()
