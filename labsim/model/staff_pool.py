"""Staff of one stage: a first-come-first-served multi-server queue on SimPy's clock."""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import simpy


@dataclass(eq=False, slots=True)
class _Visit:
    number: int
    service_days: float
    done: simpy.Event = field(repr=False)
    on_start: Callable[[float], None] | None
    deadline_day: float | None
    give_up_day: float | None
    left: bool = False
    """The case left the queue unserved (deadline or patience ran out)."""


def _happen_now(event: simpy.Event, value: object) -> None:
    """Let ``event`` happen with ``value`` in the order ``succeed`` gives it, and when nothing
    else is due at this instant, run its waiters at once instead of through the event queue
    (the next step would run them, with nothing else in between)."""
    env = event.env
    if env.peek() == env.now:  # others are due now and go first, as before
        event.succeed(value)
        return
    event._ok, event._value = True, value
    callbacks, event.callbacks = event.callbacks, None
    for callback in callbacks:
        callback(event)


class StaffPool:
    """``capacity`` cases served at once, first come first served.

    ``serve`` returns one event that happens when the visit's service ends (its value is the
    start day): the service's timer is the visit's one scheduled event (with a timer for a
    booking or a deadline, if any) instead of a ``simpy.Resource``'s four, with the same waits
    and order (``tests/test_staff_pool.py``). Every visit is logged, with its case, for waits
    and utilisation.
    """

    def __init__(self, env: simpy.Environment, stage: str, capacity: int):
        self.env, self.stage, self.capacity = env, stage, capacity
        self.busy = 0
        self.in_hand = 0
        """Cases requested and not yet done: booked, queued or being served."""
        self.waiting: deque[_Visit] = deque()
        self.cases: list[int] = []
        self.requested: list[float] = []
        self.started: list[float] = []
        self.ended: list[float] = []

    def serve(self, service_days: float, case: int,
              on_start: Callable[[float], None] | None = None,
              deadline_day: float | None = None,
              give_up_day: float | None = None, booking_days: float = 0.0) -> simpy.Event:
        """Queue case ``case`` for a free slot and hold it ``service_days``; yield the event.

        ``on_start(day)`` is called when service begins. With ``booking_days`` the case
        joins the queue only after that wait (its first hearing is booked behind the cases
        already in the staff's hands); it counts as requested now. With ``deadline_day`` (a
        legal window counted from the application) service stops at the deadline; with
        ``give_up_day`` (a claimant's patience) it does not. A case still waiting at either
        day leaves the queue: the event's value is then None, not the start day.
        """
        done = self.env.event()
        visit = _Visit(len(self.requested), service_days, done, on_start, deadline_day,
                       give_up_day)
        self.cases.append(case)
        self.requested.append(self.env.now)
        self.started.append(np.nan)
        self.ended.append(np.nan)
        self.in_hand += 1
        if booking_days > 0:
            self.env.timeout(booking_days).callbacks.append(lambda _: self._queue(visit))
        else:
            self._queue(visit)
        if visit.left or not math.isnan(self.started[visit.number]):
            return done
        if deadline_day is not None or give_up_day is not None:
            leave = (give_up_day if deadline_day is None else deadline_day if give_up_day is None
                     else min(deadline_day, give_up_day))
            self.env.timeout(max(leave - self.env.now, 0.0)).callbacks.append(
                lambda _: self._give_up(visit))
        return done

    def _queue(self, visit: _Visit) -> None:
        """The case asks for a free slot (once its hearing is booked): served now, or queued;
        nothing if it already left (its deadline or its claimant's patience ran out)."""
        if visit.left:
            return
        if self.busy < self.capacity:
            self._start(visit)
        else:
            self.waiting.append(visit)

    def _start(self, visit: _Visit) -> None:
        self.busy += 1
        self.started[visit.number] = start = self.env.now
        service = visit.service_days
        if visit.deadline_day is not None:
            service = min(service, max(visit.deadline_day - start, 0.0))
        if visit.on_start is not None:
            visit.on_start(start)
        timer = self.env.timeout(service)
        timer.callbacks.append(lambda _: self._finish(visit, start))

    def _finish(self, visit: _Visit, start: float) -> None:
        self.ended[visit.number] = self.env.now
        self.busy -= 1
        self.in_hand -= 1
        while self.waiting:
            queued = self.waiting.popleft()
            if not queued.left:
                self._start(queued)
                break
        _happen_now(visit.done, start)

    def _give_up(self, visit: _Visit) -> None:
        """The deadline or the claimant's patience ran out while the case waited: it leaves
        the queue unserved."""
        if math.isnan(self.started[visit.number]) and not visit.left:
            visit.left = True  # dropped from the queue when its turn comes
            self.ended[visit.number] = self.env.now
            self.in_hand -= 1
            _happen_now(visit.done, None)

    def in_hand_at(self, day: float) -> int:
        """Cases the staff had in hand on ``day`` (requested by then, not ended by then)."""
        requested = int(np.searchsorted(self.requested, day, side="right"))
        ended = np.asarray(self.ended)
        return requested - int(np.count_nonzero(ended <= day))

    def visits(self) -> pd.DataFrame:
        """One row per visit: stage, case, request, start and end day (NaN: not yet; a visit
    that gave up at its deadline has an end but no start)."""
        return visit_table([self])


def visit_table(pools: Sequence[StaffPool]) -> pd.DataFrame:
    """The visits of several pools in one table, pool after pool (``StaffPool.visits``):
    built once from their lists, not by joining a table per pool (2 ms a replication)."""
    def joined(column: str) -> list:
        return list(itertools.chain.from_iterable(getattr(p, column) for p in pools))

    return pd.DataFrame({
        "stage": np.repeat(np.array([p.stage for p in pools], dtype=object),
                           [len(p.cases) for p in pools]),
        "case_id": np.asarray(joined("cases"), dtype=np.int64),
        "request_day": np.asarray(joined("requested"), dtype=float),
        "start_day": np.asarray(joined("started"), dtype=float),
        "end_day": np.asarray(joined("ended"), dtype=float),
    })
