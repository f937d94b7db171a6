"""Speed of the core model: run with `make bench` (or `python benchmarks/bench_core.py`).

1. Cases per second on the textbook network: labsim next to a minimal hand-written SimPy
   model of the same network, measured in the same run (target: labsim >= half).
2. One 5-year replication of cambodia_baseline on one core (target < 0.25 s), alone and with
   all its KPIs (Kaplan-Meier curves included).
3. 30 five-year replications of cambodia_baseline on 2 processes (target < 5 s).
"""

from __future__ import annotations

import random
import statistics
import time

import simpy

import labsim
from labsim.experiments.executors import local_processes
from labsim.experiments.runner import replication_kpis_task
from labsim.model.system import simulate
from labsim.scenario.capacity import staff_capacity

YEARS = 20


def minimal_textbook(s: labsim.Scenario, horizon: float, seed: int) -> int:
    """The textbook network in plain SimPy: no records, no validation, no streams."""
    rng = random.Random(seed)
    env = simpy.Environment()
    ic, cc, arb = s.individual_conciliation, s.collective_conciliation, s.arbitration
    capacity = staff_capacity(s)  # cases each stage carries at once
    inspectors = simpy.Resource(env, capacity["individual_conciliation"])
    conciliators = simpy.Resource(env, capacity["collective_conciliation"])
    panels = simpy.Resource(env, capacity["arbitration"])
    p = s.prevention
    window = s.calendar.calendar_days(arb.objection_window_days)  # working = calendar days here
    request = s.calendar.calendar_days(cc.reconciliation_request_working_days)

    def serve(resource, mean):
        with resource.request() as req:
            yield req
            yield env.timeout(rng.expovariate(1 / mean))

    def court():
        if rng.random() >= s.courts.dropout_share:
            yield env.timeout(rng.expovariate(1 / s.courts.delay.mean))

    def individual():
        yield env.timeout(rng.expovariate(1 / p.workplace_delay.mean))
        if rng.random() < p.workplace_resolution_share_individual:
            return
        yield from serve(inspectors, ic.service.mean)
        if rng.random() >= ic.outcomes.agreement + ic.outcomes.withdrawal:
            yield from court()

    def collective():
        yield env.timeout(rng.expovariate(1 / p.workplace_delay.mean))
        if rng.random() < p.workplace_resolution_share_collective:
            return
        for round_ in (1, 2):
            yield env.timeout(rng.expovariate(1 / cc.appointment_delay.mean))
            yield from serve(conciliators, cc.service.mean)
            if rng.random() < cc.outcomes.agreement + cc.outcomes.withdrawal:
                return
            if round_ == 2 or rng.random() >= cc.reconciliation_share:
                break
            yield env.timeout(request)
        yield from serve(panels, arb.service.mean)
        u = rng.random()
        if u < arb.outcomes.settled or u >= arb.outcomes.settled + arb.outcomes.award:
            return
        if rng.random() < arb.binding_award_share_rights:  # equal to _interest here
            return
        yield env.timeout(window)

    count = [0]

    def source(rate_per_year, make):
        while True:
            yield env.timeout(rng.expovariate(rate_per_year / 365.0))
            count[0] += 1
            env.process(make())

    sector = s.arrivals.sectors[0]
    individual_rate = sector.workers / 1000 * sector.individual_grievances_per_1000_workers_per_year
    env.process(source(individual_rate, individual))
    env.process(source(sector.enterprises / 100
                       * sector.collective_grievances_per_100_enterprises_per_year, collective))
    env.run(until=horizon)
    return count[0]


def best_of(n: int, call) -> tuple[float, object]:
    times, result = [], None
    for _ in range(n):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    textbook = labsim.load_scenario("textbook_network")
    baseline = labsim.load_scenario("cambodia_baseline")
    horizon = YEARS * 365.0
    simulate(baseline, 1, 0, 365.0)  # warm imports and caches

    t_min, n_min = best_of(3, lambda: minimal_textbook(textbook, horizon, 1))
    t_lab, out = best_of(3, lambda: simulate(textbook, 1, 0, horizon))
    n_lab = len(out.cases)
    rate_min, rate_lab = n_min / t_min, n_lab / t_lab
    print(f"textbook network, {YEARS} years, best of 3")
    print(f"  minimal SimPy model : {rate_min:10,.0f} cases/s ({n_min:,} cases in {t_min:.3f} s)")
    print(f"  labsim              : {rate_lab:10,.0f} cases/s ({n_lab:,} cases in {t_lab:.3f} s)")
    print(f"  labsim / minimal    : {rate_lab / rate_min:10.2f}   (target >= 0.50)")

    single = []
    for replication in range(15):
        start = time.perf_counter()
        simulate(baseline, 1, replication, 365.0 + 5 * 365.0)
        single.append(time.perf_counter() - start)
    with_kpis = []
    for replication in range(15):
        start = time.perf_counter()
        replication_kpis_task(baseline, labsim.RunSettings(years=5.0), replication)
        with_kpis.append(time.perf_counter() - start)
    print("cambodia_baseline, one 5-year replication (+1 year warm-up), one core")
    print(f"  median of 15        : {statistics.median(single):10.3f} s   (target < 0.25 s)")
    print(f"  with its KPIs       : {statistics.median(with_kpis):10.3f} s   (target < 0.25 s)")

    t30, _ = best_of(1, lambda: labsim.run(baseline, labsim.RunSettings(replications=30),
                                           executor=local_processes(2)))
    print("cambodia_baseline, 30 replications x 5 years, 2 processes")
    print(f"  wall time           : {t30:10.3f} s   (target < 5 s)")


if __name__ == "__main__":
    main()
