"""Who arrives and what happens at the workplace, for all cases of a replication at once.

The workplace stage has no queue, so its outcome is drawn with numpy rather than SimPy.
Each group (sector x case type, and the migrant route) draws from its own named streams,
so changing one group's rate leaves the others' cases untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.parameters import YEAR_DAYS, Scenario
from ..scenario.rates import KINDS_AT_WORKPLACE, sector_grievances_per_year, workplace_settled_share
from .arrivals import arrival_times
from .records import CaseRecords, DisputeType, Kind, Outcome
from .streams import Streams, lognormal_counts

_FLAT = (1.0,) * 12


@dataclass
class _Group:
    name: str
    """Stream prefix of the group; the model's per-case draws are keyed on it too."""
    times: np.ndarray
    kind: int
    sector: int
    workers: np.ndarray
    dispute_type: np.ndarray
    settled: np.ndarray
    wait: np.ndarray
    """Days at the workplace; NaN for cases that skip it (migrant complaints)."""
    lodged_by: np.ndarray
    case_type: np.ndarray
    abroad: np.ndarray


def _categories(u: np.ndarray, shares: tuple[float, ...]) -> np.ndarray:
    """Category codes from uniforms by cumulative shares."""
    return np.minimum(np.searchsorted(np.cumsum(shares), u, side="right"),
                      len(shares) - 1).astype(np.int8)


def _workplace_groups(s: Scenario, streams: Streams, horizon: float) -> list[_Group]:
    prevention, arrivals = s.prevention, s.arrivals
    multiplier = prevention.grievance_multiplier()
    delay = s.duration(prevention.workplace_delay)
    groups = []
    for sector_code, sector in enumerate(arrivals.sectors):
        for kind in KINDS_AT_WORKPLACE:
            rate = sector_grievances_per_year(sector, kind)
            prefix = f"arrivals.{sector.name}.{kind}"
            times = arrival_times(rate * multiplier / YEAR_DAYS, arrivals.monthly_seasonality,
                                  horizon, streams.uniforms(prefix))
            n = len(times)
            settled = streams.uniforms(f"{prefix}.workplace_outcome").take(n) < (
                workplace_settled_share(s, kind))
            wait = streams.durations(f"{prefix}.workplace_delay", delay).take(n)
            if kind == "collective":
                workers = lognormal_counts(arrivals.workers_per_collective_case_mean,
                                           arrivals.workers_per_collective_case_cv,
                                           streams.uniforms(f"{prefix}.workers").take(n))
                rights = streams.uniforms(f"{prefix}.dispute_type").take(n) < (
                    arrivals.rights_dispute_share)
                dispute_type = np.where(rights, DisputeType.rights, DisputeType.interest)
            else:
                workers = np.ones(n, dtype=np.int64)
                dispute_type = np.full(n, DisputeType.individual)
            none = np.full(n, -1, dtype=np.int8)
            groups.append(_Group(prefix, times, Kind[kind], sector_code, workers, dispute_type,
                                 settled, wait, none, none, np.zeros(n, dtype=bool)))
    return groups


def _migrant_group(s: Scenario, streams: Streams, horizon: float) -> _Group:
    m = s.migrant_route
    times = arrival_times(m.complaints_per_year / YEAR_DAYS, _FLAT, horizon,
                          streams.uniforms("arrivals.migrant"))
    n = len(times)
    group = streams.uniforms("arrivals.migrant.group_claim").take(n) < m.group_claim_share
    size = lognormal_counts(m.workers_per_group_claim_mean, m.workers_per_group_claim_cv,
                            streams.uniforms("arrivals.migrant.workers").take(n))
    lodged = _categories(streams.uniforms("arrivals.migrant.lodged_by").take(n),
                         (m.lodged_by.worker, m.lodged_by.family, m.lodged_by.representative))
    t = m.case_types
    case_type = _categories(streams.uniforms("arrivals.migrant.case_type").take(n),
                            (t.recruitment_or_deployment_delay, t.wages,
                             t.contract_substitution, t.other))
    abroad = streams.uniforms("arrivals.migrant.abroad").take(n) < m.worker_abroad_share
    return _Group("arrivals.migrant", times, Kind.migrant, -1, np.where(group, size, 1),
                  np.full(n, DisputeType.migrant), np.zeros(n, dtype=bool), np.full(n, np.nan),
                  lodged, case_type, abroad)


def draw_cases(s: Scenario, streams: Streams,
               horizon: float) -> tuple[CaseRecords, np.ndarray, np.ndarray]:
    """All cases of a run with workplace settlements closed: the records, the escalated
    cases in the order they enter the formal system, and every case's entry day."""
    groups = _workplace_groups(s, streams, horizon)
    if s.migrant_on:
        groups.append(_migrant_group(s, streams, horizon))
    times = np.concatenate([g.times for g in groups])
    order = np.argsort(times, kind="stable")

    def column(get, dtype=None) -> np.ndarray:
        values = np.concatenate([get(g) for g in groups])[order]
        return values.astype(dtype) if dtype else values

    rec = CaseRecords(len(times))
    rec.group_names = tuple(g.name for g in groups)
    rec.group_sizes = tuple(len(g.times) for g in groups)
    rec.group = np.concatenate([np.full(len(g.times), code, dtype=np.int16)
                                for code, g in enumerate(groups)])[order]
    rec.group_index = column(lambda g: np.arange(len(g.times)), np.int64)
    rec.arrival_day = times[order]
    rec.kind = column(lambda g: np.full(len(g.times), g.kind), np.int8)
    rec.sector = column(lambda g: np.full(len(g.times), g.sector), np.int16)
    rec.workers = column(lambda g: g.workers, np.int64)
    rec.dispute_type = column(lambda g: g.dispute_type, np.int8)
    rec.lodged_by = column(lambda g: g.lodged_by, np.int8)
    rec.migrant_case_type = column(lambda g: g.case_type, np.int8)
    rec.worker_abroad = column(lambda g: g.abroad, bool)
    settled = column(lambda g: g.settled, bool)
    wait = column(lambda g: g.wait)
    skips_workplace = np.isnan(wait)
    entry = rec.arrival_day + np.nan_to_num(wait)
    inside = entry < horizon
    rec.workplace_exit_day = np.where(inside & ~skips_workplace, entry, np.nan)
    done = settled & inside
    rec.end_day[done] = entry[done]
    rec.outcome[done] = Outcome.settled_at_workplace
    rec.closed = int(done.sum())
    escalated = np.flatnonzero(~settled & inside)
    escalated = escalated[np.argsort(entry[escalated], kind="stable")]
    return rec, escalated, entry
