"""The migrant-worker grievance route: MRC intake, mediation with the agency, referral.

A component of the model (``routes.Route``): it takes migrant workers' complaints and runs
them with the core's steps (``routes.CaseSteps``): its staff pool, the case's draws, and
ministry conciliation or court on referral.
"""

from __future__ import annotations

from collections.abc import Generator

from ...scenario.parameters import Duration
from ..records import Kind, LodgedBy
from ..routes import CaseSteps
from ..streams import duration_quantiles

STAGE = "migrant_resource_centre"


class MigrantResourceCentre:
    """Migrant Worker Resource Centres: the route of every migrant complaint."""

    def __init__(self, core: CaseSteps):
        self.core = core
        self.params = core.scenario.migrant_route

    def takes(self, case: int) -> bool:
        return self.core.records.kind[case] == Kind.migrant.value

    def process(self, case: int) -> Generator:
        core, m, rec = self.core, self.params, self.core.records
        abroad = bool(rec.worker_abroad[case])
        core.enter(case, STAGE)
        if abroad and rec.lodged_by[case] == LodgedBy.worker.value:
            yield core.env.timeout(core.duration("migrant.abroad_delay.intake", case,
                                                 m.abroad_delay))
        give_up = core.give_up_day(case, "migrant.patience", m.action_deadline_days,
                                   m.abandonment_hazard_per_day_overdue)
        start = yield core.pools[STAGE].serve(core.handling(STAGE, "migrant.intake", case,
                                                            m.intake),
                                              case, core.started(case, STAGE),
                                              give_up_day=give_up,
                                              booking_days=core.booking_days(STAGE))
        if start is None:
            core.leave(case, STAGE, "abandoned")
            return
        if abroad:
            yield core.env.timeout(core.duration("migrant.abroad_delay.mediation", case,
                                                 m.abroad_delay))
        yield core.pools[STAGE].serve(core.duration("migrant.mediation", case, m.mediation),
                                      case)
        u, outcomes = core.uniform("migrant.outcome", case), core.outcomes[STAGE]
        if u < outcomes.settled:
            rec.compensation_usd[case] = self._compensation(case)
            core.leave(case, STAGE, "settled_at_mrc")
        elif u < outcomes.settled + outcomes.abandoned:
            core.leave(case, STAGE, "abandoned")
        else:
            core.leave(case, STAGE)
            if core.uniform("migrant.referral", case) < m.referral_to_conciliation_share:
                yield from core.individual(case)
            else:
                yield from core.court(case)

    def _compensation(self, case: int) -> float:
        """Compensation recovered by one settled complaint, US dollars (lognormal)."""
        m = self.params
        if m.compensation_mean_usd == 0 or m.compensation_cv == 0:
            return m.compensation_mean_usd
        u = self.core.uniform("migrant.compensation", case)
        amount = Duration("lognormal", mean_days=m.compensation_mean_usd, cv=m.compensation_cv)
        return float(duration_quantiles(amount, u))
