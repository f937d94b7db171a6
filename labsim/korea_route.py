"""A Korea-inspired system: mandatory mediation of interest disputes, adjudication of
unfair dismissal and collective rights disputes, national review, courts.

A mixin of ``model.DisputeSystem``: it uses the system's staff pools, streams and records.
"""

from __future__ import annotations

from collections.abc import Generator

from .records import DISPUTE_TYPES, KINDS

_COLLECTIVE = KINDS.index("collective")
_INTEREST = DISPUTE_TYPES.index("interest")


class KoreaRoute:
    """SimPy processes of the Korea-inspired stages."""

    def _korea_path(self, case: int, kind: int, dispute_type: int) -> Generator | None:
        """The Korea-inspired path of a case, or None when it keeps the core path."""
        if kind == _COLLECTIVE:
            return self._mediation(case) if dispute_type == _INTEREST else self._adjudication(case)
        k = self.s.korea_system
        if self._uniform("korea.unfair_dismissal", case) < k.unfair_dismissal_share:
            return self._adjudication(case)
        return None

    def _mediation(self, case: int) -> Generator:
        """Mediation committee; the legal window cuts a mediation short, and it then fails."""
        k = self.s.korea_system
        public = self._uniform("korea.public_service", case) < k.public_service_share
        window = k.public_mediation_window_days if public else k.mediation_window_days
        needed = self._duration("mediation.service", case, k.mediation)
        preventive = self._uniform("korea.preventive", case) < k.preventive_mediation_share
        success = k.mediation_success_share + (k.preventive_mediation_uplift if preventive else 0)
        self._enter(case, "mediation")
        start = yield self.pools["mediation"].serve(min(needed, window))
        self.records.mediation_start_day[case] = start
        if needed <= window and self._uniform("korea.mediation_outcome", case) < success:
            self._leave(case, "mediation", "mediated")
            return
        self._leave(case, "mediation")
        if self._uniform("korea.arbitration", case) < k.arbitration_after_failed_mediation_share:
            yield from self._arbitration(case, strikes_while_waiting=False)
            return
        self._maybe_strike(case, "korea.strike", k.strike_share_after_failed_mediation)
        self._close(case, "mediation_failed")

    def _adjudication(self, case: int) -> Generator:
        """Regional commission, then national review and court for a share of decisions."""
        k, env = self.s.korea_system, self.env
        yield from self._served(case, "adjudication", k.regional_adjudication)
        u = self._uniform("korea.adjudication_outcome", case)
        o = k.adjudication_outcomes
        if u < o.settled:
            self._leave(case, "adjudication", "settled_at_adjudication")
            return
        if u < o.settled + o.withdrawn:
            self._leave(case, "adjudication", "withdrawn_at_adjudication")
            return
        if self._uniform("korea.review", case) >= k.review_share:
            self._leave(case, "adjudication", "decided")
            return
        self._leave(case, "adjudication")
        self._enter(case, "national_review")
        yield env.timeout(self._duration("korea.national_review", case, k.national_review))
        if self._uniform("korea.court", case) < k.court_share_after_review:
            self._leave(case, "national_review")
            yield from self._court(case, may_lapse=False)
        else:
            self._leave(case, "national_review", "decided")
