"""Which stages a scenario uses (capacity of the staffed ones: ``capacity``)."""

from __future__ import annotations

from ..scenario.parameters import Scenario
from .records import STAFFED_STAGES, STAGES


def active_stages(s: Scenario) -> tuple[str, ...]:
    """Stages cases of this scenario can pass, in flow order."""
    used = {"workplace", "individual_conciliation", "court", "arbitration"}
    if s.migrant_on:
        used.add("migrant_resource_centre")
    if s.korea_on:
        used |= {"mediation", "adjudication", "national_review"}
        if s.korea_system.arbitration_after_failed_mediation_share == 0:
            used.discard("arbitration")
    else:
        used.add("collective_conciliation")
    return tuple(stage for stage in STAGES if stage in used)


def active_staffed_stages(s: Scenario) -> tuple[str, ...]:
    return tuple(stage for stage in active_stages(s) if stage in STAFFED_STAGES)
