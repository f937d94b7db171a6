"""A Korea-inspired system: mandatory mediation of interest disputes, adjudication of
unfair dismissal and collective rights disputes, national review, courts.

A component of the model (``routes.Route``) run with the core's steps (``routes.CaseSteps``).
"""

from __future__ import annotations

from collections.abc import Generator

from ..records import DisputeType, Kind
from ..routes import CaseSteps


class LabourRelationsCommission:
    """Mediation committees and adjudication panels of a Korea-style commission."""

    def __init__(self, core: CaseSteps):
        self.core = core
        self.params = core.scenario.korea_system

    def takes(self, case: int) -> bool:
        """Collective disputes always; a share of individual ones (unfair dismissal)."""
        if self.core.records.kind[case] == Kind.collective.value:
            return True
        return self.core.records.kind[case] == Kind.individual.value and (
            self.core.uniform("korea.unfair_dismissal", case)
            < self.params.unfair_dismissal_share)

    def process(self, case: int) -> Generator:
        if self.core.records.kind[case] == Kind.collective.value:
            self.core.strikes.while_waiting(case)  # the wait at the workplace; none in mediation
        if self.core.records.dispute_type[case] == DisputeType.interest.value:
            return self._mediation(case)
        return self._adjudication(case)

    def _mediation(self, case: int) -> Generator:
        """Mediation committee within the legal window, counted from the application: a
        mediation not finished by then, still queuing or under way, fails, and industrial
        action may follow, the procedure exhausted."""
        core, k = self.core, self.params
        public = core.uniform("korea.public_service", case) < k.public_service_share
        window = k.public_mediation_window_days if public else k.mediation_window_days
        needed = core.handling("mediation", "mediation.service", case, k.mediation)
        preventive = core.uniform("korea.preventive", case) < k.preventive_mediation_share
        success = k.mediation_success_share + (k.preventive_mediation_uplift if preventive else 0)
        core.enter(case, "mediation")
        deadline = core.env.now + window
        start = yield core.pools["mediation"].serve(needed, case, core.started(case, "mediation"),
                                                    deadline_day=deadline,
                                                    booking_days=core.booking_days("mediation"))
        in_time = start is not None and start + needed <= deadline
        if in_time and core.uniform("korea.mediation_outcome", case) < success:
            core.leave(case, "mediation", "mediated")
            return
        core.leave(case, "mediation")
        if core.uniform("korea.arbitration", case) < k.arbitration_after_failed_mediation_share:
            yield from core.arbitration(case, strikes_while_waiting=False)
            return
        core.strikes.maybe(case, "korea.strike", k.strike_share_after_failed_mediation)
        core.close(case, "mediation_failed")

    def _adjudication(self, case: int) -> Generator:
        """Regional commission, then national review and court for a share of decisions."""
        core, k = self.core, self.params
        yield from core.served(case, "adjudication", k.regional_adjudication)
        u = core.uniform("korea.adjudication_outcome", case)
        o = k.adjudication_outcomes
        if u < o.settled:
            core.leave(case, "adjudication", "settled_at_adjudication")
            return
        if u < o.settled + o.withdrawn:
            core.leave(case, "adjudication", "withdrawn_at_adjudication")
            return
        if core.uniform("korea.review", case) >= k.review_share:
            core.leave(case, "adjudication", "decided")
            return
        core.leave(case, "adjudication")
        core.enter(case, "national_review")
        yield core.env.timeout(core.duration("korea.national_review", case, k.national_review))
        if core.uniform("korea.court", case) < k.court_share_after_review:
            core.leave(case, "national_review")
            yield from core.court(case, may_lapse=False)
        else:
            core.leave(case, "national_review", "decided")
