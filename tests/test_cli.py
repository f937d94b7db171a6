"""The command line, run as a user would run it."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest
import tomli_w

from labsim.analysis.catalog import CATALOG
from labsim.scenario.stages import staff_noun
from labsim.views.cli import main

SCENARIOS = Path(__file__).resolve().parent.parent / "datasets" / "scenarios"


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_run_prints_kpis_with_confidence_intervals_and_writes_csv(tmp_path, capsys):
    code = main(["run", "cambodia_baseline", "--years", "1", "--reps", "3", "--processes", "1",
                 "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "95% CI" in out and CATALOG["strike_days_per_year"].label in out
    line = next(x for x in out.splitlines()
                if x.startswith(CATALOG["arbitration_cases_per_year"].label))
    assert "[" in line and "cases/year" in line
    assert "overloaded" not in out
    cases = pd.read_csv(tmp_path / "cases.csv", comment="#")
    assert set(cases["replication"]) == {0, 1, 2}
    summary = pd.read_csv(tmp_path / "summary.csv", index_col=0, comment="#")
    assert summary.index.name == "kpi"  # every column has a header
    assert {"mean", "ci_low", "ci_high", "unit"} <= set(summary.columns)
    for name in ("cases", "visits", "backlog", "kpis_by_replication", "summary"):
        first = (tmp_path / f"{name}.csv").read_text().splitlines()[0]
        assert first.startswith("# labsim ") and "code " in first and "seed 1" in first


def test_validate_accepts_a_good_file(capsys):
    assert main(["validate", str(SCENARIOS / "cambodia_baseline.toml")]) == 0
    assert "valid scenario 'cambodia_baseline'" in capsys.readouterr().out


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_broken_file_gives_one_line_and_nonzero_exit(edited_preset):
    broken = edited_preset("cambodia_baseline", {"arbitration.objection_share": 1.5},
                           "broken.toml")
    proc = subprocess.run([sys.executable, "-m", "labsim.views.cli", "run", str(broken)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert lines == ["labsim: error: broken.toml: arbitration.objection_share = 1.5: "
                     "expected a probability in [0, 1]"]


def test_unknown_key_in_file_gets_a_suggestion(tmp_path, capsys):
    data = tomllib.loads((SCENARIOS / "cambodia_baseline.toml").read_text(encoding="utf-8"))
    section = data["collective_conciliation"]
    section["conciliaters"] = section.pop("conciliators")
    broken = tmp_path / "typo.toml"
    broken.write_text(tomli_w.dumps(data), encoding="utf-8")
    assert main(["validate", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "collective_conciliation.conciliaters" in err and "did you mean 'conciliators'" in err


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_an_overloaded_system_is_said_plainly(edited_preset, capsys):
    """One labour inspector cannot keep up: the run says so."""
    path = edited_preset("cambodia_baseline", {"individual_conciliation.labour_inspectors": 1})
    assert main(["run", str(path), "--years", "2", "--reps", "4", "--processes", "1"]) == 0
    warnings = [x for x in capsys.readouterr().out.splitlines() if "cannot keep up" in x]
    assert len(warnings) == 1 and staff_noun("individual_conciliation") in warnings[0]


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_labsim_lang_km_prints_tables_and_verdicts_in_khmer(tmp_path):
    """LABSIM_LANG=km: every line of a comparison is in Khmer script but the provenance stamp
    and the command to type; the numbers stay Western in tables (as the program reads them)."""
    import os
    import re
    proc = subprocess.run(
        [sys.executable, "-m", "labsim.views.cli", "compare", "prevention_first",
         "resolution_first", "--years", "1", "--reps", "3"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "LABSIM_LANG": "km"})
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    english = [line for line in lines if not re.search("[\u1780-\u17ff]", line)
               and not set(line) <= set("-| ")]
    assert [line[:12] for line in english] == ["(labsim 0.7."], english
    latin_words = {word for line in lines if not line.startswith("(labsim")
                   for word in re.findall(r"[A-Za-z]{3,}", line)}
    assert latin_words <= {"labsim", "robustness", "prevention_first", "resolution_first",
                           "prevention", "first", "resolution",  # the command to type
                           "warm"}, latin_words  # "(warm-up)" after the Khmer term it glosses


def test_an_unknown_scenario_is_named_in_khmer_with_the_presets(capsys):
    """--lang km: the commonest slip, a scenario name that is no preset, reads in Khmer but for
    the names a user types."""
    from labsim.i18n import in_language

    with in_language("en"):  # English again after it, for the tests that follow
        assert main(["--lang", "km", "run", "no_such_preset"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "ឯកសារ TOML ដែលមានស្រាប់ ឬសេណារីយ៉ូដែលបានកំណត់ជាមុន" in line
    assert "no_such_preset" in line and "cambodia_baseline" in line and "expected" not in line
