"""The dispute-flow model: one replication of one scenario on SimPy's events and clock.

A grievance arises at a workplace; bipartite mechanisms settle a share after a delay
(``case_mix``, no queue). The rest go to conciliation: individual disputes to labour
inspectors, collective ones to ministry conciliators (with one optional re-conciliation
round). Collective disputes that fail go to an Arbitration Council panel; non-binding
awards can be objected to, after which rights disputes go to court and interest disputes
stay unresolved, maybe with a strike. Individual disputes that fail go to court unless the
claim lapses. Optional routes (``routes.migrant``, ``routes.korea``) add their own stages:
each is a component the core asks whether it takes a case (``routes.Route``), and it runs
its cases with the core's declared steps (``routes.CaseSteps``); strikes are a component
on the same steps (``strikes.Strikes``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import simpy

from ..scenario.calendar import calendar_for
from ..scenario.capacity import booking_days_per_case, booking_days_today, staff_capacity
from ..scenario.parameters import Duration, Scenario
from ..scenario.settlement import effective_outcomes
from ..scenario.stages import staffing
from .case_mix import draw_cases
from .records import OUTCOME_CODE, STAGE_CODE, DisputeType, Kind, check_conservation
from .routes import Route
from .routes.korea import LabourRelationsCommission
from .routes.migrant import MigrantResourceCentre
from .staff_pool import StaffPool, visit_table
from .streams import Streams, duration_quantiles
from .strikes import Strikes


@dataclass(frozen=True)
class ReplicationOutput:
    """What one replication leaves: the case table and the staff visits."""

    cases: pd.DataFrame
    visits: pd.DataFrame


class DisputeSystem:
    """All SimPy state of one replication; build it, then call ``run``.

    Its public methods are the steps optional routes may use (``routes.CaseSteps``).
    """

    def __init__(self, scenario: Scenario, seed: int, replication: int, horizon_days: float):
        self.scenario, self.horizon = scenario, horizon_days
        self.replication = replication
        self.env = simpy.Environment()
        self.calendar = calendar_for(scenario.calendar, horizon_days)
        self.streams = Streams(seed, replication)
        self.pools = {stage: StaffPool(self.env, stage, capacity)
                      for stage, capacity in staff_capacity(scenario).items()}
        self._arrays: dict[tuple[str, int], list[float]] = {}
        self.records, self._escalated, self._entry_day = draw_cases(
            scenario, self.streams, horizon_days)
        self._group = self.records.group.tolist()  # plain ints: read once per draw
        self._group_index = self.records.group_index.tolist()
        self._days = {(stage, event): getattr(self.records, f"{stage}_{event}_day")
                      for stage in STAGE_CODE for event in ("entry", "start", "exit")
                      if hasattr(self.records, f"{stage}_{event}_day")}
        """Each stage's entry, start and exit day columns, found once."""
        self.outcomes = {stage: effective_outcomes(scenario, stage) for stage in self.pools
                         if staffing(stage).settles is not None}
        """Each staffed stage's outcome shares as drawn here: settlement moved by the staff
        time per case and training (``scenario/settlement.py``)."""
        self._booking = {stage: booking_days_per_case(scenario, stage) for stage in self.pools}
        self._booked_today = {stage: booking_days_today(scenario, stage) for stage in self.pools}
        self.strikes = Strikes(self)
        self.routes: list[Route] = []
        if scenario.migrant_on:
            self.routes.append(MigrantResourceCentre(self))
        if scenario.korea_on:
            self.routes.append(LabourRelationsCommission(self))

    # -- random numbers ---------------------------------------------------------------
    def _draws(self, name: str, case: int, duration: Duration | None = None) -> float:
        """Case ``case``'s own draw from stream ``name`` (a duration if one is given).

        Draws are keyed on the case's arrival group and its position there, not on the order
        in which events happen, so the k-th grievance of a sector meets the same luck under
        every policy: common random numbers survive changes in staffing and routing.
        """
        group = self._group[case]
        values = self._arrays.get((name, group))
        if values is None:
            stream = self.streams.uniforms(f"{self.records.group_names[group]}|{name}")
            drawn = stream.take(self.records.group_sizes[group])
            if duration is not None:
                drawn = duration_quantiles(self.scenario.duration(duration), drawn)
            values = self._arrays[(name, group)] = drawn.tolist()
        return values[self._group_index[case]]

    def uniforms(self, name: str, cases: np.ndarray) -> np.ndarray:
        """The uniform draws of many cases from stream ``name``, as ``uniform`` gives them
        one by one."""
        values = np.empty(len(cases))
        for index, case in enumerate(cases):
            values[index] = self._draws(name, int(case))
        return values

    def uniform(self, name: str, case: int) -> float:
        """Case ``case``'s own uniform draw from stream ``name``."""
        return self._draws(name, case)

    def duration(self, name: str, case: int, duration: Duration) -> float:
        """Case ``case``'s own draw of ``duration`` (days) from stream ``name``."""
        return self._draws(name, case, duration)

    # -- running ----------------------------------------------------------------------
    def run(self) -> ReplicationOutput:
        self._feed(0)
        self.env.run(until=self.horizon)
        self.strikes.at_the_end(self.horizon)
        cases = self.records.table(self.replication,
                                   tuple(x.name for x in self.scenario.arrivals.sectors))
        check_conservation(cases, self.records.closed, self.records.n, self.horizon)
        visits = visit_table(list(self.pools.values()))
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

        def start(_event: simpy.Event) -> None:
            self._feed(position + 1)  # first, as before the case's own first events
            follow(self._route(case))

        self.env.timeout(self._entry_day[case] - self.env.now).callbacks.append(start)

    def _route(self, case: int) -> Generator:
        """The path a case takes once it leaves the workplace: the first optional route
        that takes it, or the core path."""
        for route in self.routes:
            if route.takes(case):
                return route.process(case)
        if self.records.kind[case] == Kind.collective.value:
            return self._collective(case)
        return self.individual(case)

    # -- shared steps -----------------------------------------------------------------
    def close(self, case: int, outcome: str) -> None:
        """Close the case now with ``outcome``."""
        self.records.end_day[case] = self.env.now
        self.records.outcome[case] = OUTCOME_CODE[outcome]
        self.records.closed += 1

    def enter(self, case: int, stage: str) -> None:
        """Record that the case enters ``stage`` now."""
        self.records.stage[case] = STAGE_CODE[stage]
        self._days[stage, "entry"][case] = self.env.now

    def leave(self, case: int, stage: str, outcome: str | None = None) -> None:
        """Record leaving ``stage``; close the case with ``outcome`` if it ends here."""
        self._days[stage, "exit"][case] = self.env.now
        if outcome is not None:
            self.close(case, outcome)

    def started(self, case: int, stage: str) -> Callable[[float], None]:
        """What a staff pool calls when service of ``case`` at ``stage`` begins."""
        column = self._days[stage, "start"]
        return lambda day: column.__setitem__(case, day)

    def served(self, case: int, stage: str, service: Duration,
               give_up_day: float | None = None) -> Generator:
        """Enter a staffed stage, wait for staff and be served; records the start day and
        returns it, or None if the claimant gave up waiting on ``give_up_day``."""
        self.enter(case, stage)
        return (yield self.pools[stage].serve(self.handling(stage, f"{stage}.service", case,
                                                            service),
                                              case, self.started(case, stage),
                                              give_up_day=give_up_day,
                                              booking_days=self.booking_days(stage)))

    def handling(self, stage: str, name: str, case: int, duration: Duration) -> float:
        """Case ``case``'s handling time at ``stage`` from stream ``name``: its drawn
        duration, less today's mean wait for a first hearing where the duration was measured
        from entry (the wait is simulated apart, from the staff's diary)."""
        return max(self.duration(name, case, duration) - self._booked_today[stage], 0.0)

    def booking_days(self, stage: str, day: float | None = None) -> float:
        """Days a new case's first hearing at ``stage`` waits behind the cases already in
        its staff's hands (their diary), now or on an earlier ``day``."""
        pool = self.pools[stage]
        return (pool.in_hand if day is None else pool.in_hand_at(day)) * self._booking[stage]

    def give_up_day(self, case: int, stream: str, deadline_days: float,
                    hazard_per_day: float) -> float | None:
        """Day a claimant waiting for staff gives up: the legal deadline, then a waiting time
        with daily chance ``hazard_per_day`` (None: never)."""
        if hazard_per_day <= 0:
            return None
        patience = -np.log1p(-self.uniform(stream, case)) / hazard_per_day
        return self.env.now + deadline_days + patience

    # -- the core path ----------------------------------------------------------------
    def individual(self, case: int) -> Generator:
        """Individual conciliation by labour inspectors, then court if it fails; a claimant
        left waiting long past the hearing deadline may give up."""
        ic = self.scenario.individual_conciliation
        give_up = self.give_up_day(case, "individual_conciliation.patience",
                                   ic.hearing_deadline_days, ic.abandonment_hazard_per_day_overdue)
        start = yield from self.served(case, "individual_conciliation", ic.service, give_up)
        if start is None:
            self.leave(case, "individual_conciliation", "abandoned")
            return
        u, outcomes = self.uniform("individual_conciliation.outcome", case), self.outcomes[
            "individual_conciliation"]
        if u < outcomes.agreement:
            self.leave(case, "individual_conciliation", "agreement")
        elif u < outcomes.agreement + outcomes.withdrawal:
            self.leave(case, "individual_conciliation", "withdrawal")
        else:
            self.leave(case, "individual_conciliation")
            yield from self.court(case)

    def court(self, case: int, may_lapse: bool = True) -> Generator:
        """Court; ``may_lapse`` False for cases already known to be filed."""
        courts = self.scenario.courts
        if may_lapse and self.uniform("court.dropout", case) < courts.dropout_share:
            self.close(case, "lapsed")
            return
        self.enter(case, "court")
        yield self.env.timeout(self.duration("court.delay", case, courts.delay))
        self.leave(case, "court", "judgement")

    def _collective(self, case: int) -> Generator:
        cc, rec, env = self.scenario.collective_conciliation, self.records, self.env
        outcomes = self.outcomes["collective_conciliation"]
        self.enter(case, "collective_conciliation")
        pool = self.pools["collective_conciliation"]
        while True:
            rec.conciliation_rounds[case] += 1
            round_ = f"collective_conciliation.round{rec.conciliation_rounds[case]}"
            yield env.timeout(self.duration(f"{round_}.appointment", case,
                                             cc.appointment_delay))
            first = rec.conciliation_rounds[case] == 1
            yield pool.serve(self.handling("collective_conciliation", f"{round_}.service", case,
                                           cc.service), case,
                             self.started(case, "collective_conciliation") if first else None,
                             booking_days=self.booking_days("collective_conciliation"))
            u = self.uniform(f"{round_}.outcome", case)
            if u < outcomes.agreement + outcomes.withdrawal:
                break
            if (rec.conciliation_rounds[case] > 1
                    or self.uniform("collective_conciliation.reconciliation", case)
                    >= cc.reconciliation_share):
                break
            requested = self.calendar.deadline(env.now, cc.reconciliation_request_working_days)
            yield env.timeout(requested - env.now)
        self.leave(case, "collective_conciliation")
        if u < outcomes.agreement + outcomes.withdrawal:
            self.strikes.while_waiting(case)
            self.close(case, "agreement" if u < outcomes.agreement else "withdrawal")
            return
        yield from self.arbitration(case, strikes_while_waiting=True)

    def arbitration(self, case: int, strikes_while_waiting: bool) -> Generator:
        """The Arbitration Council; the wait since conciliation may turn into a strike."""
        arb, rec, env = self.scenario.arbitration, self.records, self.env
        yield from self.served(case, "arbitration", arb.service)
        rec.decision_day[case] = env.now
        if strikes_while_waiting:
            self.strikes.while_waiting(case)
        u, outcomes = self.uniform("arbitration.outcome", case), self.outcomes["arbitration"]
        if u < outcomes.settled:
            self.leave(case, "arbitration", "settled_at_arbitration")
            return
        if u >= outcomes.settled + outcomes.award:
            self.leave(case, "arbitration", "withdrawn_at_arbitration")
            return
        rights = rec.dispute_type[case] == DisputeType.rights.value
        binding = arb.binding_award_share_rights if rights else arb.binding_award_share_interest
        if self.uniform("arbitration.binding", case) < binding:
            self.leave(case, "arbitration", "binding_award")
            return
        window_closes = self.calendar.deadline(env.now, arb.objection_window_days,
                                               arb.objection_window_in_working_days)
        yield env.timeout(window_closes - env.now)
        if self.uniform("arbitration.objection", case) >= arb.objection_share:
            self.leave(case, "arbitration", "award_accepted")
            return
        self.leave(case, "arbitration")
        if rights:
            yield from self.court(case)
            return
        self.strikes.maybe(case, "strikes.after_objection",
                           self.scenario.strikes.strike_share_after_objection)
        self.close(case, "award_objected")


def follow(path: Generator[simpy.Event, object, None]) -> None:
    """Run a case's path now up to the first event it waits for, and on from each event as
    it happens: SimPy's ``env.process`` does the same with two more events a case (its start
    and its end) and a heavier resume. The model's events never fail, so none is thrown in.
    """
    def resume(event: simpy.Event | None) -> None:
        value = None if event is None else event.value
        while True:
            try:
                waited = path.send(value)
            except StopIteration:
                return
            if waited.callbacks is not None:  # still to happen
                waited.callbacks.append(resume)
                return
            value = waited.value  # happened already: go on at once

    resume(None)


def simulate(scenario: Scenario, seed: int, replication: int,
             horizon_days: float) -> ReplicationOutput:
    """Run one replication to ``horizon_days`` and return its tables."""
    return DisputeSystem(scenario, seed, replication, horizon_days).run()
