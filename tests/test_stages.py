"""The stage registry is the one home of every staffed stage: its staff, their place in a
scenario, their cost, their control and their KPIs. Views, dashboards and exercise checks
read it and spell no stage themselves."""

import ast
import dataclasses
import re
from pathlib import Path

import pytest

import labsim
from labsim.analysis.catalog import CATALOG
from labsim.scenario.capacity import staff_capacity
from labsim.scenario.dotted import get_path
from labsim.scenario.items import BOUGHT, ITEMS, item
from labsim.scenario.parameters import StaffEffort, UnitCosts
from labsim.scenario.stages import (
    STAFFED_STAGES,
    STAGE_KPI_FAMILIES,
    STAGES,
    active_stages,
    staff_words,
    staffed_stages_on,
    staffing,
    stage_kpi,
)

LABSIM = Path(labsim.__file__).resolve().parent
SHOWN = sorted(path for folder in ("views", "workshop") for path in (LABSIM / folder).glob("*.py"))
"""Every module people read or use in the room: views, dashboards, exercise checks."""


def _spellings() -> dict[str, str]:
    """What only the registry may spell, each with what it is: stage names, staff nouns
    (and their counted forms), item names, dotted paths and unit-cost fields of stages."""
    found = {}
    for entry in STAGES:
        found[entry.name] = "stage name"
        if entry.staffing is None:
            continue
        staff = entry.staffing
        found[staff.noun.lower()] = "staff noun"
        for form in staff.counted:
            found[form.replace("{count} ", "").lower()] = "staff noun"
        found[staff.item] = "item name"
        for path in (staff.count_path, staff.effort_path, *staff.handling_paths,
                     staff.per_server_path):
            if path:
                found[path] = "stage dotted path"
        found[staff.unit_cost] = "unit-cost field"
    return found


def _literals(tree: ast.AST) -> list[str]:
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def spelled_stages(source: str) -> list[str]:
    """Where a module's string literals spell what the registry holds: a whole literal that
    is a stage name, item name, path or cost field, or a literal containing a staff noun."""
    hits = []
    spellings = _spellings()
    for text in _literals(ast.parse(source)):
        lowered = text.lower()
        for spelling, what in spellings.items():
            whole = what != "staff noun"
            if (text == spelling) if whole else re.search(
                    rf"\b{re.escape(spelling)}\b", lowered):
                hits.append(f"{what} {spelling!r} in {text[:60]!r}")
    return hits


def built_kpi_names(source: str) -> list[str]:
    """f-strings whose fixed text is a piece of a stage-family KPI name (``f"utilisation_
    {stage}"``): KPI names come from ``stage_kpi``."""
    pieces = {piece for template in STAGE_KPI_FAMILIES.values()
              for piece in template.split("{stage}") if piece}
    hits = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            fixed = [part.value for part in node.values if isinstance(part, ast.Constant)]
            hits += [f"f-string with {piece!r}" for piece in pieces
                     if any(piece in text for text in fixed)]
    return hits


@pytest.mark.parametrize("path", SHOWN, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_views_dashboards_and_exercises_spell_no_stage(path):
    source = path.read_text(encoding="utf-8")
    assert spelled_stages(source) + built_kpi_names(source) == []


def test_the_checks_catch_a_stage_spelled_out():
    source = ('x = "individual_conciliation.labour_inspectors"\n'
              'y = f"utilisation_{stage}"\n'
              'z = "The labour inspectors are busy"\n'
              'w = "arbitration"\n')
    assert len(spelled_stages(source)) == 3
    assert built_kpi_names(source) == ["f-string with 'utilisation_'"]


def test_labour_inspectors_is_spelled_in_at_most_three_modules():
    modules = [path for path in LABSIM.rglob("*.py")
               if "labour_inspectors" in path.read_text(encoding="utf-8")]
    assert len(modules) <= 3, modules


@pytest.mark.parametrize("name", STAFFED_STAGES)
def test_every_staffed_stage_is_complete(baseline, name):
    staff = staffing(name)
    assert staff.unit_cost in {f.name for f in dataclasses.fields(UnitCosts)}
    assert staff.deadline_kpi is None or staff.deadline_kpi in CATALOG
    assert item(staff.item).path == staff.count_path
    for family in ("utilisation", "backlog_trend", "waiting_end", "cases_per_year"):
        assert stage_kpi(family, name) in CATALOG
    scenario = labsim.load_scenario({"migrant_resource_centre": "migrant_grievances",
                                     "mediation": "korea_inspired",
                                     "adjudication": "korea_inspired"}.get(name,
                                                                         "cambodia_baseline"))
    assert isinstance(get_path(scenario, staff.count_path), int)
    assert isinstance(get_path(scenario, staff.effort_path), StaffEffort)
    assert name in staffed_stages_on(scenario) and name in staff_capacity(scenario)
    if staff.control is not None:
        low, high = staff.control
        assert low <= get_path(scenario, staff.count_path) <= high


def test_items_follow_the_registry():
    assert [entry.name for entry in ITEMS[:2]] == ["prevention_officers", "training"]
    assert {entry.name for entry in ITEMS[2:] if entry.share_of is None} == {
        staffing(n).item for n in STAFFED_STAGES}
    assert {entry.name for entry in ITEMS[2:] if entry.share_of is not None} == {
        staffing(n).training.item for n in STAFFED_STAGES if staffing(n).training}
    assert all(entry.bought_by_policies for entry in BOUGHT)


def test_counted_staff_take_the_form_of_their_number():
    assert staff_words("individual_conciliation", 1) == "1 labour inspector"
    assert staff_words("individual_conciliation", 6) == "6 labour inspectors"


def test_a_route_brings_its_stages(baseline):
    korea = labsim.load_scenario("korea_inspired")
    assert "collective_conciliation" in active_stages(baseline)
    assert "mediation" in active_stages(korea) and "collective_conciliation" not in (
        active_stages(korea))
    assert "migrant_resource_centre" not in staffed_stages_on(baseline)
