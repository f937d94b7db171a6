"""Staff of one stage: a first-come-first-served multi-server queue on SimPy's clock."""

from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd
import simpy


class StaffPool:
    """``capacity`` cases served at once, first come first served.

    ``serve`` returns one event that fires when the visit's service ends (its value is the
    start day): two scheduled events per visit instead of a ``simpy.Resource``'s four, with
    the same waits (``tests/test_staff_pool.py``). Every visit is logged, with its case,
    for waits and utilisation.
    """

    def __init__(self, env: simpy.Environment, stage: str, capacity: int):
        self.env, self.stage, self.capacity = env, stage, capacity
        self.busy = 0
        self.waiting: deque[tuple[int, float, simpy.Event]] = deque()
        self.cases: list[int] = []
        self.requested: list[float] = []
        self.started: list[float] = []
        self.ended: list[float] = []

    def serve(self, service_days: float, case: int) -> simpy.Event:
        """Queue case ``case`` for a free slot and hold it ``service_days``; yield the event."""
        done = self.env.event()
        visit = len(self.requested)
        self.cases.append(case)
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
        """One row per visit: stage, case, request, start and end day (NaN: not yet)."""
        return pd.DataFrame({
            "stage": self.stage,
            "case_id": np.asarray(self.cases, dtype=np.int64),
            "request_day": self.requested,
            "start_day": self.started,
            "end_day": self.ended,
        })
