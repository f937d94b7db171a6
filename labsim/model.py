"""The dispute-flow model: one replication of one scenario as SimPy processes.

A grievance arises at a workplace; bipartite mechanisms settle a share after a delay
(this stage has no queue, so it is computed for all cases at once). The rest go to
conciliation: individual disputes to labour inspectors, collective ones to ministry
conciliators (with one optional re-conciliation round). Collective disputes that fail
go to an Arbitration Council panel; non-binding awards can be objected to, after which
rights disputes go to court and interest disputes stay unresolved, maybe with a strike.
Individual disputes that fail conciliation go to court unless the claim lapses.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import simpy

from .arrivals import arrival_times
from .random_streams import Draws, Streams, lognormal_counts
from .records import (
    DISPUTE_TYPES,
    KINDS,
    OUTCOMES,
    STAGES,
    CaseRecords,
    check_conservation,
)
from .scenario import Scenario

_STAGE = {name: code for code, name in enumerate(STAGES)}
_OUTCOME = {name: code for code, name in enumerate(OUTCOMES)}
_KIND = {name: code for code, name in enumerate(KINDS)}
_TYPE = {name: code for code, name in enumerate(DISPUTE_TYPES)}


class StaffPool:
    """Staff of one stage as a SimPy resource, logging every visit for waits and utilisation."""

    def __init__(self, env: simpy.Environment, stage: str, capacity: int):
        self.env, self.stage, self.capacity = env, stage, capacity
        self.resource = simpy.Resource(env, capacity)
        self.requested: list[float] = []
        self.started: list[float] = []
        self.ended: list[float] = []

    def serve(self, service_days: float) -> Generator:
        """Wait for a free slot, hold it for ``service_days``; returns the start day."""
        env, visit = self.env, len(self.requested)
        self.requested.append(env.now)
        self.started.append(np.nan)
        self.ended.append(np.nan)
        with self.resource.request() as slot:
            yield slot
            start = self.started[visit] = env.now
            yield env.timeout(service_days)
            self.ended[visit] = env.now
        return start

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
    """What one replication leaves: the case table, staff visits and arrival counts."""

    cases: pd.DataFrame
    visits: pd.DataFrame


class DisputeSystem:
    """All SimPy state of one replication; build it, then call ``run``."""

    def __init__(self, scenario: Scenario, seed: int, replication: int, horizon_days: float):
        self.s, self.horizon = scenario, horizon_days
        self.replication = replication
        self.env = simpy.Environment()
        self.streams = Streams(seed, replication)
        ic, cc, arb = (scenario.individual_conciliation, scenario.collective_conciliation,
                       scenario.arbitration)
        self.inspectors = StaffPool(self.env, "individual_conciliation",
                                    ic.labour_inspectors * ic.cases_per_inspector_at_once)
        self.conciliators = StaffPool(self.env, "collective_conciliation",
                                      cc.conciliators * cc.cases_per_conciliator_at_once)
        self.panels = StaffPool(self.env, "arbitration", arb.panels)
        self._draws: dict[str, Draws] = {}
        self.records = self._workplace_stage()

    # -- random numbers ---------------------------------------------------------------
    def _uniform(self, name: str) -> float:
        draws = self._draws.get(name)
        if draws is None:
            draws = self._draws[name] = self.streams.uniforms(name)
        return draws.next()

    def _duration(self, name: str, duration) -> float:
        draws = self._draws.get(name)
        if draws is None:
            draws = self._draws[name] = self.streams.durations(name, self.s.duration(duration))
        return draws.next()

    # -- the workplace: vectorised, no queue ------------------------------------------
    def _workplace_stage(self) -> CaseRecords:
        s, streams = self.s, self.streams
        prevention, arrivals = s.prevention, s.arrivals
        multiplier = prevention.grievance_multiplier()
        delay = s.duration(prevention.workplace_delay)
        groups = []
        for sector_code, sector in enumerate(arrivals.sectors):
            per_year = {
                "individual": sector.workers / 1000
                * sector.individual_grievances_per_1000_workers_per_year,
                "collective": sector.enterprises / 100
                * sector.collective_grievances_per_100_enterprises_per_year,
            }
            for kind, rate in per_year.items():
                prefix = f"arrivals.{sector.name}.{kind}"
                times = arrival_times(rate * multiplier / 365.0, arrivals.monthly_seasonality,
                                      self.horizon, streams.uniforms(prefix))
                n = len(times)
                base = (prevention.workplace_resolution_share_individual if kind == "individual"
                        else prevention.workplace_resolution_share_collective)
                settled = streams.uniforms(f"{prefix}.workplace_outcome").take(n) < (
                    prevention.workplace_resolution_share(base))
                wait = streams.durations(f"{prefix}.workplace_delay", delay).take(n)
                if kind == "collective":
                    workers = lognormal_counts(
                        arrivals.workers_per_collective_case_mean,
                        arrivals.workers_per_collective_case_cv,
                        streams.uniforms(f"{prefix}.workers").take(n))
                    rights = streams.uniforms(f"{prefix}.dispute_type").take(n) < (
                        arrivals.rights_dispute_share)
                    dispute_type = np.where(rights, _TYPE["rights"], _TYPE["interest"])
                else:
                    workers = np.ones(n, dtype=np.int64)
                    dispute_type = np.full(n, _TYPE["individual"])
                groups.append((times, np.full(n, _KIND[kind]), np.full(n, sector_code),
                               workers, dispute_type, settled, wait))
        times, kind, sector, workers, dispute_type, settled, wait = (
            np.concatenate(parts) for parts in zip(*groups, strict=True))
        order = np.argsort(times, kind="stable")
        rec = CaseRecords(len(times))
        rec.arrival_day = times[order]
        rec.kind = kind[order].astype(np.int8)
        rec.sector = sector[order].astype(np.int16)
        rec.workers = workers[order]
        rec.dispute_type = dispute_type[order].astype(np.int8)
        exit_day = rec.arrival_day + wait[order]
        inside = exit_day < self.horizon
        rec.workplace_exit_day = np.where(inside, exit_day, np.nan)
        done = settled[order] & inside
        rec.end_day[done] = exit_day[done]
        rec.outcome[done] = _OUTCOME["settled_at_workplace"]
        rec.closed = int(done.sum())
        escalated = np.flatnonzero(~settled[order] & inside)
        self._escalated = escalated[np.argsort(exit_day[escalated], kind="stable")]
        return rec

    # -- SimPy processes --------------------------------------------------------------
    def run(self) -> ReplicationOutput:
        self.env.process(self._feed())
        self.env.run(until=self.horizon)
        cases = self.records.table(self.replication,
                                   tuple(x.name for x in self.s.arrivals.sectors))
        check_conservation(cases, self.records.closed, self.records.n, self.horizon)
        visits = pd.concat([p.visits() for p in (self.inspectors, self.conciliators, self.panels)],
                           ignore_index=True)
        visits.insert(0, "replication", self.replication)
        return ReplicationOutput(cases=cases, visits=visits)

    def _feed(self) -> Generator:
        """Start each escalated case's process when it leaves the workplace."""
        rec, env = self.records, self.env
        collective = _KIND["collective"]
        for case in self._escalated:
            yield env.timeout(rec.workplace_exit_day[case] - env.now)
            process = self._collective if rec.kind[case] == collective else self._individual
            env.process(process(case))

    def _close(self, case: int, outcome: str) -> None:
        self.records.end_day[case] = self.env.now
        self.records.outcome[case] = _OUTCOME[outcome]
        self.records.closed += 1

    def _enter(self, case: int, stage: str) -> None:
        self.records.stage[case] = _STAGE[stage]
        getattr(self.records, f"{stage}_entry_day")[case] = self.env.now

    def _individual(self, case: int) -> Generator:
        ic, rec = self.s.individual_conciliation, self.records
        self._enter(case, "individual_conciliation")
        start = yield from self.inspectors.serve(
            self._duration("individual_conciliation.service", ic.service))
        rec.individual_conciliation_start_day[case] = start
        rec.individual_conciliation_exit_day[case] = self.env.now
        u = self._uniform("individual_conciliation.outcome")
        if u < ic.outcomes.agreement:
            self._close(case, "agreement")
        elif u < ic.outcomes.agreement + ic.outcomes.withdrawal:
            self._close(case, "withdrawal")
        else:
            yield from self._court(case)

    def _court(self, case: int) -> Generator:
        courts = self.s.courts
        if self._uniform("court.dropout") < courts.dropout_share:
            self._close(case, "lapsed")
            return
        self._enter(case, "court")
        yield self.env.timeout(self._duration("court.delay", courts.delay))
        self.records.court_exit_day[case] = self.env.now
        self._close(case, "judgement")

    def _collective(self, case: int) -> Generator:
        cc, rec, env = self.s.collective_conciliation, self.records, self.env
        strike_draw = -np.log1p(-self._uniform("strikes.onset"))
        self._enter(case, "collective_conciliation")
        while True:
            rec.conciliation_rounds[case] += 1
            yield env.timeout(self._duration("collective_conciliation.appointment",
                                             cc.appointment_delay))
            start = yield from self.conciliators.serve(
                self._duration("collective_conciliation.service", cc.service))
            if rec.conciliation_rounds[case] == 1:
                rec.collective_conciliation_start_day[case] = start
            u = self._uniform("collective_conciliation.outcome")
            if u < cc.outcomes.agreement + cc.outcomes.withdrawal:
                break
            if (rec.conciliation_rounds[case] > 1
                    or self._uniform("collective_conciliation.reconciliation")
                    >= cc.reconciliation_share):
                break
        rec.collective_conciliation_exit_day[case] = env.now
        if u < cc.outcomes.agreement:
            self._strike_while_waiting(case, strike_draw)
            self._close(case, "agreement")
            return
        if u < cc.outcomes.agreement + cc.outcomes.withdrawal:
            self._strike_while_waiting(case, strike_draw)
            self._close(case, "withdrawal")
            return
        yield from self._arbitration(case, strike_draw)

    def _arbitration(self, case: int, strike_draw: float) -> Generator:
        arb, rec, env = self.s.arbitration, self.records, self.env
        self._enter(case, "arbitration")
        rec.arbitration_start_day[case] = yield from self.panels.serve(
            self._duration("arbitration.service", arb.service))
        rec.decision_day[case] = env.now
        self._strike_while_waiting(case, strike_draw)
        u = self._uniform("arbitration.outcome")
        if u < arb.outcomes.settled:
            self._leave_arbitration(case, "settled_at_arbitration")
            return
        if u >= arb.outcomes.settled + arb.outcomes.award:
            self._leave_arbitration(case, "withdrawn_at_arbitration")
            return
        if self._uniform("arbitration.binding") < arb.binding_award_share:
            self._leave_arbitration(case, "binding_award")
            return
        yield env.timeout(self.s.calendar.calendar_days(arb.objection_window_working_days))
        rec.arbitration_exit_day[case] = env.now
        if self._uniform("arbitration.objection") >= arb.objection_share:
            self._close(case, "award_accepted")
        elif rec.dispute_type[case] == _TYPE["rights"]:
            yield from self._court(case)
        else:
            strikes = self.s.strikes
            if strikes.enabled and (self._uniform("strikes.after_objection")
                                    < strikes.strike_share_after_objection):
                self._strike(case, env.now)
            self._close(case, "award_objected")

    def _leave_arbitration(self, case: int, outcome: str) -> None:
        self.records.arbitration_exit_day[case] = self.env.now
        self._close(case, outcome)

    # -- industrial action ------------------------------------------------------------
    def _strike(self, case: int, start_day: float) -> None:
        rec = self.records
        days = self._duration("strikes.duration", self.s.strikes.duration)
        if np.isnan(rec.strike_start_day[case]):
            rec.strike_start_day[case] = start_day
        rec.strike_days[case] += days

    def _strike_while_waiting(self, case: int, strike_draw: float) -> None:
        """Decide, once the formal process ends, whether the wait turned into a strike."""
        strikes = self.s.strikes
        if not strikes.enabled:
            return
        s, rec = self.s, self.records
        cc = s.collective_conciliation
        hazard, overdue = strikes.hazard_per_day, strikes.hazard_per_day * (
            strikes.overdue_hazard_multiplier)
        entry = rec.collective_conciliation_entry_day[case]
        concil_exit = rec.collective_conciliation_exit_day[case]
        deadline = entry + rec.conciliation_rounds[case] * (
            cc.appointment_deadline_days + cc.conciliation_deadline_days)
        segments = [(entry, min(deadline, concil_exit), hazard),
                    (deadline, concil_exit, overdue)]
        arb_entry = rec.arbitration_entry_day[case]
        if not np.isnan(arb_entry):
            arb_exit = rec.decision_day[case]
            arb_deadline = arb_entry + s.calendar.calendar_days(
                s.arbitration.award_deadline_working_days)
            segments += [(arb_entry, min(arb_deadline, arb_exit), hazard),
                         (arb_deadline, arb_exit, overdue)]
        onset = strike_onset(strike_draw, segments)
        if onset is not None:
            self._strike(case, onset)


def simulate(scenario: Scenario, seed: int, replication: int,
             horizon_days: float) -> ReplicationOutput:
    """Run one replication to ``horizon_days`` and return its tables."""
    return DisputeSystem(scenario, seed, replication, horizon_days).run()
