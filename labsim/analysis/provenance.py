"""Where a number comes from: labsim's version, the code fingerprint, the scenario's content
and the seed, in one line that every written table, summary and brief carries."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from ..scenario.io import scenario_to_dict
from ..scenario.parameters import Scenario
from ..scenario.settings import RunSettings
from ..version import VERSION, code_fingerprint


def scenario_hash(scenario: Scenario) -> str:
    """A short hash of every parameter of the scenario (names and descriptions included)."""
    text = json.dumps(scenario_to_dict(scenario), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def stamp(scenarios: Scenario | Mapping[str, Scenario], settings: RunSettings | None) -> str:
    """E.g. 'labsim 0.4.0, code 1a2b3c4d5e6f, scenario cambodia_baseline 9f8e7d6c5b4a,
    seed 1, 5 years x 10 replications after 365 warm-up days'; with no settings, the numbers
    are expected flows ('..., expected flows, no simulation')."""
    if isinstance(scenarios, Scenario):
        scenarios = {scenarios.name: scenarios}
    named = ", ".join(f"{name} {scenario_hash(s)}" for name, s in scenarios.items())
    run = ("expected flows, no simulation" if settings is None else
           f"seed {settings.seed}, {settings.years:g} years x {settings.replications} "
           f"replications after {settings.warmup_days:g} warm-up days")
    return (f"labsim {VERSION}, code {code_fingerprint()}, "
            f"scenario{'s' if len(scenarios) > 1 else ''} {named}, {run}")
