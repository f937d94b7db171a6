"""StaffPool, labsim's lighter multi-server queue, against SimPy's own Resource."""

import numpy as np
import pytest
import simpy

import labsim
from labsim.model.staff_pool import StaffPool
from labsim.model.system import simulate


def _waits_with(make_queue, arrivals, services, capacity):
    """Start and end day of each visit when ``make_queue`` serves the same arrivals."""
    env = simpy.Environment()
    serve = make_queue(env, capacity)
    started, ended = np.full(len(arrivals), np.nan), np.full(len(arrivals), np.nan)

    def visit(i):
        yield env.timeout(arrivals[i])
        started[i] = yield from serve(i, services[i])
        ended[i] = env.now

    for i in range(len(arrivals)):
        env.process(visit(i))
    env.run()
    return started, ended


def _pool(env, capacity):
    pool = StaffPool(env, "stage", capacity)

    def serve(case, days):
        return (yield pool.serve(days, case))
    return serve


def _resource(env, capacity):
    resource = simpy.Resource(env, capacity)

    def serve(case, days):
        with resource.request() as request:
            yield request
            start = env.now
            yield env.timeout(days)
        return start
    return serve


@pytest.mark.parametrize("capacity", [1, 3, 8])
def test_staff_pool_serves_exactly_like_a_simpy_resource(capacity):
    rng = np.random.default_rng(capacity)
    arrivals = np.sort(rng.uniform(0, 200, 400))
    services = rng.exponential(2.5 * capacity, 400)
    pool = _waits_with(_pool, arrivals, services, capacity)
    resource = _waits_with(_resource, arrivals, services, capacity)
    np.testing.assert_allclose(pool[0], resource[0])
    np.testing.assert_allclose(pool[1], resource[1])
    assert np.nanmax(pool[0] - arrivals) > 0  # the test has queues in it


def test_every_staff_visit_names_its_case(baseline):
    out = simulate(baseline, seed=2, replication=0, horizon_days=500)
    visits, cases = out.visits, out.cases.set_index("case_id")
    for stage in ("individual_conciliation", "collective_conciliation", "arbitration"):
        here = visits[visits["stage"] == stage]
        entered = cases.loc[here["case_id"], f"{stage}_entry_day"].to_numpy()
        assert (here["request_day"].to_numpy() >= entered - 1e-9).all(), stage
    here = visits[(visits["stage"] == "individual_conciliation") & visits["start_day"].notna()]
    first = here.drop_duplicates("case_id")
    started = cases.loc[first["case_id"], "individual_conciliation_start_day"].to_numpy()
    np.testing.assert_allclose(first["start_day"].to_numpy(), started)
    assert labsim.run(baseline, labsim.RunSettings(years=1, replications=2),
                      executor="serial").visits.columns[:3].tolist() == [
        "replication", "stage", "case_id"]


def test_a_deadline_cuts_service_short_and_a_case_still_waiting_gives_up():
    env = simpy.Environment()
    pool = StaffPool(env, "mediation", 1)
    outcome = {}

    def case(number, arrive, service, deadline):
        yield env.timeout(arrive)
        outcome[number] = (yield pool.serve(service, number, deadline_day=deadline)), env.now

    env.process(case(0, 0.0, 8.0, 5.0))     # served from day 0, cut at its deadline (day 5)
    env.process(case(1, 1.0, 2.0, 3.0))     # still waiting on day 3: leaves unserved
    env.process(case(2, 2.0, 2.0, 20.0))    # served when the first leaves, day 5 to 7
    env.run()
    assert outcome == {0: (0.0, 5.0), 1: (None, 3.0), 2: (5.0, 7.0)}
    visits = pool.visits().set_index("case_id")
    assert np.isnan(visits.loc[1, "start_day"]) and visits.loc[1, "end_day"] == 3.0


def test_a_visit_costs_one_scheduled_event_and_its_case_goes_on_at_its_end():
    env = simpy.Environment()
    pool = StaffPool(env, "stage", 2)
    went_on = []
    for case in range(5):
        done = pool.serve(1.0 + case, case)
        done.callbacks.append(lambda event, case=case: went_on.append((case, env.now,
                                                                        event.value)))
    steps = 0
    while env.peek() < float("inf"):
        env.step()
        steps += 1
    assert steps == 5  # the five services' timers, nothing else
    assert went_on == [(0, 1.0, 0.0), (1, 2.0, 0.0), (2, 4.0, 1.0), (3, 6.0, 2.0),
                       (4, 9.0, 4.0)]


def test_at_a_tie_the_case_goes_on_after_what_else_is_due_then():
    """Two visits end at day 2; the first case then books a hearing behind the cases still
    in hand. The other visit's end is due at the same instant and counts first, as with
    SimPy's own ordering: nothing is in hand, so no booking wait."""
    env = simpy.Environment()
    pool = StaffPool(env, "stage", 2)
    seen = []

    def first():
        yield pool.serve(2.0, 0)
        booking = float(pool.in_hand)
        seen.append((booking, (yield pool.serve(1.0, 0, booking_days=booking))))

    def second():
        yield pool.serve(2.0, 1)

    env.process(first())
    env.process(second())
    env.run()
    assert seen == [(0.0, 2.0)]
