"""Scenario files and data: read TOML, build validated scenarios, write them back, override.

Validation happens here, at the edge (``validation.build``), so that the model can trust its
input. Every failure is one ``ScenarioError`` naming the field path, the value and what is
allowed. Telling scenario files from policy files, and finding presets, is ``presets``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from ..errors import ScenarioError
from ..files import write_atomically
from .capacity import staff_capacity
from .dotted import get_path, set_path
from .parameters import Scenario
from .settlement import as_today
from .stages import effort, staffed_stages_on, staffing
from .validation import build


def scenario_from_dict(data: Mapping[str, Any], source: str = "") -> Scenario:
    """Build a validated Scenario from plain data (as read from TOML): each field by its
    rules, then every staffed stage able to carry at least one case."""
    try:
        scenario = build(Scenario, data, "")
    except ScenarioError as err:
        raise ScenarioError(err.path, err.value, err.allowed, source) from None
    if any(effort(scenario, stage).hours_per_case_today is None
           for stage in staffed_stages_on(scenario)):
        scenario = as_today(scenario)  # a file says today's staffing: settlement as measured
    for stage, capacity in staff_capacity(scenario).items():
        if capacity < 1:
            path = staffing(stage).effort_path
            raise ScenarioError(path, dataclasses.asdict(get_path(scenario, path)),
                                "a larger share_of_time_on_disputes or fewer "
                                "effort_hours_per_case: with these the staff carry "
                                f"{capacity} cases at once (staff x share x working hours "
                                "x handling days / effort hours must round to 1 or more)", source)
    return scenario


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Plain data of a scenario, ready for TOML (tuples become lists)."""

    def plain(value: Any) -> Any:
        if dataclasses.is_dataclass(value):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                    if getattr(value, f.name) is not None}
        if isinstance(value, tuple):
            return [plain(v) for v in value]
        return value

    return plain(scenario)


def save_scenario(scenario: Scenario, path: str | Path, header: str = "") -> Path:
    """Write a scenario as TOML, with ``header`` as a first comment line (sources in
    comments are not kept: they live in the presets)."""
    comment = f"# {header}\n" if header else ""
    return write_atomically(path, comment + tomli_w.dumps(scenario_to_dict(scenario)))


def apply_overrides(scenario: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """A validated copy of ``scenario`` with each dotted path in ``changes`` set."""
    data = scenario_to_dict(scenario)
    for dotted, value in changes.items():
        if dataclasses.is_dataclass(value):
            value = scenario_to_dict(value)
        set_path(data, dotted, value)
    return scenario_from_dict(data, source="override")
