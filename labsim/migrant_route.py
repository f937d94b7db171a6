"""The migrant-worker grievance route: MRC intake, mediation with the agency, referral.

A mixin of ``model.DisputeSystem``: it uses the system's staff pools, streams and records.
"""

from __future__ import annotations

from collections.abc import Generator

from .random_streams import duration_quantiles
from .records import LODGED_BY
from .scenario import Duration

_WORKER = LODGED_BY.index("worker")


class MigrantRoute:
    """SimPy process of a migrant worker's complaint."""

    def _migrant(self, case: int) -> Generator:
        m, rec, env = self.s.migrant_route, self.records, self.env
        stage = "migrant_resource_centre"
        abroad = bool(rec.worker_abroad[case])
        self._enter(case, stage)
        if abroad and rec.lodged_by[case] == _WORKER:
            yield env.timeout(self._duration("migrant.abroad_delay.intake", case,
                                             m.abroad_delay))
        start = yield self.pools[stage].serve(self._duration("migrant.intake", case, m.intake))
        rec.migrant_resource_centre_start_day[case] = start
        if abroad:
            yield env.timeout(self._duration("migrant.abroad_delay.mediation", case,
                                             m.abroad_delay))
        yield self.pools[stage].serve(self._duration("migrant.mediation", case, m.mediation))
        u = self._uniform("migrant.outcome", case)
        if u < m.outcomes.settled:
            rec.compensation_usd[case] = self._compensation(case)
            self._leave(case, stage, "settled_at_mrc")
        elif u < m.outcomes.settled + m.outcomes.abandoned:
            self._leave(case, stage, "abandoned")
        else:
            self._leave(case, stage)
            if self._uniform("migrant.referral", case) < m.referral_to_conciliation_share:
                yield from self._individual(case)
            else:
                yield from self._court(case)

    def _compensation(self, case: int) -> float:
        """Compensation recovered by one settled complaint, US dollars (lognormal)."""
        m = self.s.migrant_route
        if m.compensation_mean_usd == 0 or m.compensation_cv == 0:
            return m.compensation_mean_usd
        u = self._uniform("migrant.compensation", case)
        amount = Duration("lognormal", mean_days=m.compensation_mean_usd, cv=m.compensation_cv)
        return float(duration_quantiles(amount, u))
