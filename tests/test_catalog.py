"""The KPI catalog is the one home of every KPI's words, unit, format, direction and population."""

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

import labsim
from labsim.analysis import catalog
from labsim.analysis.catalog import CATALOG, FORMATS, POPULATIONS, censored_flag, is_flag
from labsim.experiments.runner import replication_kpis_task
from labsim.views.report import verdict

LABSIM = Path(labsim.__file__).resolve().parent
VIEWS = ("views/report.py", "views/plots.py", "views/brief.py", "workshop/dashboards.py",
         "views/cli.py")


@pytest.mark.parametrize("preset", ["cambodia_baseline", "migrant_grievances", "korea_inspired",
                                    "prevention_first"])
def test_every_kpi_a_preset_produces_is_in_the_catalog(preset):
    settings = labsim.RunSettings(years=2.0, warmup_days=90.0)
    kpis = replication_kpis_task(labsim.load_scenario(preset), settings, 0)
    names = [k for k in kpis if not is_flag(k)]
    assert [k for k in names if k not in CATALOG] == []
    flags = {k for k in kpis if is_flag(k)}
    assert flags == {censored_flag(k) for k in names if CATALOG[k].censored}


def test_every_entry_is_complete():
    for name, entry in CATALOG.items():
        assert entry.name == name
        assert entry.format in FORMATS, name
        assert entry.better in ("lower", "higher", "neither"), name
        assert entry.label and entry.short_label and entry.unit, name
        assert "_" not in entry.label, name
        assert entry.population in POPULATIONS or entry.population.startswith("cases"), name
        if entry.format == "percent":
            assert entry.unit.startswith("share"), name


def test_curated_lists_name_catalog_entries():
    for listing in (catalog.KEY_KPIS, catalog.BRIEF_KPIS, catalog.VERDICT_KPIS,
                    catalog.PLOT_KPIS, catalog.STAFFING_COST_KPIS,
                    tuple(catalog.DEADLINE_KPI_OF_STAGE.values())):
        assert [k for k in listing if k not in CATALOG] == []


def _string_literals(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


@pytest.mark.parametrize("view", VIEWS)
def test_views_spell_out_no_kpi_name_or_unit(view):
    literals = _string_literals(LABSIM / view)
    units = {entry.unit for entry in CATALOG.values() if "/" in entry.unit or " " in entry.unit}
    assert literals & set(CATALOG) == set()
    assert literals & units == set()


def test_a_verdicts_headline_number_lies_in_its_interval_as_shown():
    """-3.6 points with an interval of -3.9 to -3.4 must not read '4 points lower'."""
    differences = pd.DataFrame([{
        "scenario": "b", "reference": "a", "kpi": "share_resolved", "difference": -0.036,
        "ci_low": -0.039, "ci_high": -0.034, "relative": -0.038, "relative_ci_low": -0.041,
        "relative_ci_high": -0.036, "clear": True, "better": False,
        "beyond_run": False, "at_least": False}])
    line = verdict(differences, ["share_resolved"])[0]
    headline, near, far = (float(x) for x in re.findall(
        r"(\d+(?:\.\d+)?) points? lower than a \(95% CI (\d+(?:\.\d+)?) to "
        r"(\d+(?:\.\d+)?) points lower", line)[0])
    assert near <= headline <= far, line
