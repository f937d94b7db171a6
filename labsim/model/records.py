"""The case record: one flat row per case, its columns, codes and the conservation check."""

from __future__ import annotations

from enum import IntEnum

import numpy as np
import pandas as pd

from ..scenario.stages import STAGE_NAMES

Stage = IntEnum("Stage", [(name, code) for code, name in enumerate(STAGE_NAMES)])
"""Stages in the order a case can pass them (the stage registry's order); the case table's
``stage`` column shows the names."""


class Kind(IntEnum):
    """Who raises the grievance: one worker, a group at a workplace, or a migrant worker."""

    individual = 0
    collective = 1
    migrant = 2


class DisputeType(IntEnum):
    """What the dispute is about: collective disputes are about rights or interests."""

    individual = 0
    rights = 1
    interest = 2
    migrant = 3


class LodgedBy(IntEnum):
    """Who lodges a migrant worker's complaint (-1 in the codes: not a migrant complaint)."""

    worker = 0
    family = 1
    representative = 2


class MigrantCaseType(IntEnum):
    """What a migrant complaint is about (-1 in the codes: not a migrant complaint)."""

    recruitment_or_deployment_delay = 0
    wages = 1
    contract_substitution = 2
    other = 3


class Outcome(IntEnum):
    """How a case ended (``open``: it has not)."""

    open = 0
    settled_at_workplace = 1
    agreement = 2
    withdrawal = 3
    lapsed = 4
    judgement = 5
    settled_at_arbitration = 6
    binding_award = 7
    award_accepted = 8
    award_objected = 9
    withdrawn_at_arbitration = 10
    settled_at_mrc = 11
    abandoned = 12
    mediated = 13
    mediation_failed = 14
    settled_at_adjudication = 15
    withdrawn_at_adjudication = 16
    decided = 17


def _names(codes: type[IntEnum]) -> tuple[str, ...]:
    return tuple(member.name for member in codes)


STAGE_CODE = {member.name: member.value for member in Stage}
"""Stage name -> code as a plain int (numpy compares plain ints far faster than enums)."""
KINDS = _names(Kind)
DISPUTE_TYPES = _names(DisputeType)
LODGED_BY = _names(LodgedBy)
MIGRANT_CASE_TYPES = _names(MigrantCaseType)
OUTCOMES = _names(Outcome)
OUTCOME_CODE = {member.name: member.value for member in Outcome}
STATUS_OF_OUTCOME = {
    "open": "open",
    "settled_at_workplace": "resolved",
    "agreement": "resolved",
    "withdrawal": "dropped",
    "lapsed": "dropped",
    "judgement": "resolved",
    "settled_at_arbitration": "resolved",
    "binding_award": "resolved",
    "award_accepted": "resolved",
    "award_objected": "unresolved",
    "withdrawn_at_arbitration": "dropped",
    "settled_at_mrc": "resolved",
    "abandoned": "dropped",
    "mediated": "resolved",
    "mediation_failed": "unresolved",
    "settled_at_adjudication": "resolved",
    "withdrawn_at_adjudication": "dropped",
    "decided": "resolved",
}
STATUSES = ("resolved", "dropped", "unresolved", "open")

TIME_COLUMNS = (
    "arrival_day", "workplace_exit_day",
    "migrant_resource_centre_entry_day", "migrant_resource_centre_start_day",
    "migrant_resource_centre_exit_day",
    "mediation_entry_day", "mediation_start_day", "mediation_exit_day",
    "adjudication_entry_day", "adjudication_start_day", "adjudication_exit_day",
    "national_review_entry_day", "national_review_exit_day",
    "individual_conciliation_entry_day", "individual_conciliation_start_day",
    "individual_conciliation_exit_day",
    "collective_conciliation_entry_day", "collective_conciliation_start_day",
    "collective_conciliation_exit_day",
    "arbitration_entry_day", "arbitration_start_day", "decision_day", "arbitration_exit_day",
    "court_entry_day", "court_exit_day",
    "end_day", "strike_start_day",
)
"""Calendar days since the start of the run; NaN where the case never got there.

``decision_day`` is when the panel settles or issues its award; a non-binding award leaves
the arbitration stage (``arbitration_exit_day``) only when the objection window closes.
"""


class ConservationError(RuntimeError):
    """Cases were lost or double counted: a bug in the model, never in the scenario."""


class CaseRecords:
    """Column arrays filled by the model while it runs, turned into a table at the end."""

    def __init__(self, n: int):
        self.n = n
        for name in TIME_COLUMNS:
            setattr(self, name, np.full(n, np.nan))
        self.strike_days = np.zeros(n)
        self.strike_lawful = np.zeros(n, dtype=bool)
        self.strike_after_procedure = np.zeros(n, dtype=bool)
        self.strike_working_days = np.zeros(n)
        """Factory working days on strike (Monday to Saturday, no public holidays)."""
        self.conciliation_rounds = np.zeros(n, dtype=np.int64)
        self.stage = np.zeros(n, dtype=np.int8)
        self.outcome = np.zeros(n, dtype=np.int8)
        self.kind = np.zeros(n, dtype=np.int8)
        self.dispute_type = np.zeros(n, dtype=np.int8)
        self.sector = np.zeros(n, dtype=np.int16)
        self.workers = np.ones(n, dtype=np.int64)
        self.lodged_by = np.full(n, -1, dtype=np.int8)
        self.migrant_case_type = np.full(n, -1, dtype=np.int8)
        self.worker_abroad = np.zeros(n, dtype=bool)
        self.compensation_usd = np.zeros(n)
        self.group = np.zeros(n, dtype=np.int16)
        """Which arrival group (sector x kind, or migrant) the case belongs to."""
        self.group_index = np.arange(n, dtype=np.int64)
        """The case's position among its group's arrivals: the key of its own random draws."""
        self.group_names: tuple[str, ...] = ("cases",)
        self.group_sizes: tuple[int, ...] = (n,)
        self.closed = 0

    def table(self, replication: int, sector_names: tuple[str, ...]) -> pd.DataFrame:
        """The per-case table: one row per case, codes as categories."""
        outcome = pd.Categorical.from_codes(self.outcome, OUTCOMES)
        status = pd.Categorical(
            [STATUS_OF_OUTCOME[o] for o in OUTCOMES], categories=STATUSES
        )[self.outcome]
        frame = {
            "replication": np.full(self.n, replication, dtype=np.int64),
            "case_id": np.arange(self.n, dtype=np.int64),
            "kind": pd.Categorical.from_codes(self.kind, KINDS),
            "dispute_type": pd.Categorical.from_codes(self.dispute_type, DISPUTE_TYPES),
            "sector": pd.Categorical.from_codes(self.sector, sector_names),
            "workers": self.workers,
        }
        frame.update({name: getattr(self, name) for name in TIME_COLUMNS})
        frame.update({
            "conciliation_rounds": self.conciliation_rounds,
            "stage": pd.Categorical.from_codes(self.stage, STAGE_NAMES),
            "outcome": outcome,
            "status": status,
            "strike_days": self.strike_days,
            "strike_lawful": self.strike_lawful,
            "strike_after_procedure": self.strike_after_procedure,
            "strike_working_days": self.strike_working_days,
            "workdays_lost": self.strike_working_days * self.workers,
            "lodged_by": pd.Categorical.from_codes(self.lodged_by, LODGED_BY),
            "migrant_case_type": pd.Categorical.from_codes(self.migrant_case_type,
                                                           MIGRANT_CASE_TYPES),
            "worker_abroad": self.worker_abroad,
            "compensation_usd": self.compensation_usd,
        })
        return pd.DataFrame(frame)


def _codes(column: pd.Series) -> tuple[np.ndarray, dict[str, int]]:
    """A categorical column's codes, and each category's code (by name, whatever the order)."""
    return (np.asarray(column.cat.codes),
            {name: code for code, name in enumerate(column.cat.categories)})


def check_conservation(cases: pd.DataFrame, closed_events: int, arrivals: int,
                       horizon_days: float) -> None:
    """Arrived = resolved + dropped + unresolved + still open, and every open case is somewhere.

    ``closed_events`` and ``arrivals`` are counted by the model as it runs, independently
    of the table, so a case that a process forgot to close, or closed twice, is caught.
    """
    # numpy on the columns: a replication is checked in a fraction of a millisecond
    status, status_code = _codes(cases["status"])
    counts = {name: int(np.count_nonzero(status == code)) for name, code in status_code.items()}
    closed = counts["resolved"] + counts["dropped"] + counts["unresolved"]
    problems = []
    if len(cases) != arrivals:
        problems.append(f"{arrivals} arrivals but {len(cases)} case rows")
    if closed != closed_events:
        problems.append(f"{closed_events} cases closed by the model but {closed} in the table")
    if closed + counts["open"] != arrivals:
        problems.append(f"arrived {arrivals} != closed {closed} + open {counts['open']}")
    is_open = status == status_code["open"]
    ended = cases["end_day"].to_numpy()[~is_open]
    if (ended > horizon_days).any() or np.isnan(ended).any():
        problems.append("a closed case has no end day inside the run")
    stage, stage_code = _codes(cases["stage"])
    for name in STAGE_NAMES[1:]:
        here = is_open & (stage == stage_code.get(name, -2))  # -2: no case is at that stage
        entered = ~np.isnan(cases[f"{name}_entry_day"].to_numpy()[here])
        left = ~np.isnan(cases[f"{name}_exit_day"].to_numpy()[here])
        if not entered.all() or left.any():
            problems.append(f"open cases marked at {name} without being inside it")
    if problems:
        raise ConservationError("; ".join(problems))
