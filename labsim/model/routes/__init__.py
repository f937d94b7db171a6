"""What an optional route (migrant complaints, a Korea-inspired commission) and the core
model offer each other: the core asks each route whether it takes a case, and a route runs
its cases with the core's declared steps, never its private state."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, Protocol

import numpy as np
import simpy

from ...scenario.calendar import Calendar
from ...scenario.parameters import Duration, Scenario
from ..records import CaseRecords
from ..staff_pool import StaffPool


class StrikeSteps(Protocol):
    """What the strikes component (``strikes.Strikes``) offers a route."""

    def maybe(self, case: int, stream: str, share: float) -> None:
        """A strike decided now with probability ``share``, the procedure exhausted."""

    def while_waiting(self, case: int, until: float | None = None) -> None:
        """Whether the dispute's wait so far turned into a strike."""


class CaseSteps(Protocol):
    """The steps of the core model a route, or the strikes component, may use."""

    env: simpy.Environment
    scenario: Scenario
    records: CaseRecords
    pools: dict[str, StaffPool]
    strikes: StrikeSteps
    outcomes: dict[str, Any]
    """Each staffed stage's outcome shares as drawn (settlement moved by staff time)."""
    calendar: Calendar
    """The run's dates: weekends and public holidays, for deadlines in working days."""

    def uniform(self, name: str, case: int) -> float:
        """Case ``case``'s own uniform draw from stream ``name``."""

    def duration(self, name: str, case: int, duration: Duration) -> float:
        """Case ``case``'s own draw of ``duration`` from stream ``name``, in days."""

    def started(self, case: int, stage: str) -> Callable[[float], None]:
        """The callback that records when service of ``case`` at ``stage`` begins."""

    def enter(self, case: int, stage: str) -> None:
        """Record that the case enters ``stage`` now."""

    def leave(self, case: int, stage: str, outcome: str | None = None) -> None:
        """Record that the case leaves ``stage`` now, closing it with ``outcome`` if given."""

    def close(self, case: int, outcome: str) -> None:
        """Close the case now with ``outcome``."""

    def served(self, case: int, stage: str, service: Duration,
               give_up_day: float | None = None) -> Generator:
        """Enter a staffed stage, wait for staff and be served; returns the start day, or
        None if the claimant gave up."""

    def give_up_day(self, case: int, stream: str, deadline_days: float,
                    hazard_per_day: float) -> float | None:
        """Day a claimant waiting for staff gives up (None: never)."""

    def individual(self, case: int) -> Generator:
        """Individual conciliation by labour inspectors, then court if it fails."""

    def court(self, case: int, may_lapse: bool = True) -> Generator:
        """Court, unless the claim lapses (``may_lapse``)."""

    def arbitration(self, case: int, strikes_while_waiting: bool) -> Generator:
        """The Arbitration Council and what follows its award."""

    def handling(self, stage: str, name: str, case: int, duration: Duration) -> float:
        """Case ``case``'s handling time at ``stage`` (today's booking wait taken out of a
        duration measured from entry)."""

    def booking_days(self, stage: str, day: float | None = None) -> float:
        """Days a new case's first hearing at ``stage`` waits behind the staff's diary (now,
        or on an earlier ``day``)."""

    def uniforms(self, name: str, cases: np.ndarray) -> np.ndarray:
        """The uniform draws of many cases from stream ``name``."""


class Route(Protocol):
    """An optional route: it takes some cases and runs them."""

    def takes(self, case: int) -> bool:
        """Whether this route handles case ``case`` once it leaves the workplace."""

    def process(self, case: int) -> Generator:
        """The path of a case this route takes: a generator of the events it waits for."""
