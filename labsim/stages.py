"""Which stages a scenario uses, and how many cases each staffed stage handles at once."""

from __future__ import annotations

from .records import STAFFED_STAGES, STAGES
from .scenario import Scenario


def staff_capacity(s: Scenario) -> dict[str, int]:
    """Cases each staffed stage of the scenario can handle at once."""
    ic, cc = s.individual_conciliation, s.collective_conciliation
    capacity = {
        "individual_conciliation": ic.labour_inspectors * ic.cases_per_inspector_at_once,
        "collective_conciliation": cc.conciliators * cc.cases_per_conciliator_at_once,
        "arbitration": s.arbitration.panels,
    }
    if s.migrant_on:
        m = s.migrant_route
        capacity["migrant_resource_centre"] = m.mrc_staff * m.cases_per_staff_at_once
    if s.korea_on:
        capacity["mediation"] = s.korea_system.mediation_committees
        capacity["adjudication"] = (s.korea_system.adjudication_panels
                                    * s.korea_system.cases_per_panel_at_once)
    return capacity


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
