"""The command line, run as a user would run it."""

import subprocess
import sys

import pandas as pd

from labsim.cli import main


def test_run_prints_kpis_with_confidence_intervals_and_writes_csv(tmp_path, capsys):
    code = main(["run", "cambodia_baseline", "--years", "1", "--reps", "3", "--processes", "1",
                 "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "95% CI" in out and "strike_days_per_year" in out
    line = next(x for x in out.splitlines() if x.startswith("arbitration_cases_per_year"))
    assert "[" in line and "cases/year" in line
    cases = pd.read_csv(tmp_path / "cases.csv")
    assert set(cases["replication"]) == {0, 1, 2}
    summary = pd.read_csv(tmp_path / "summary.csv", index_col=0)
    assert {"mean", "ci_low", "ci_high", "unit"} <= set(summary.columns)
    for name in ("visits", "backlog", "kpis_by_replication"):
        assert (tmp_path / f"{name}.csv").stat().st_size > 0


def test_validate_accepts_a_good_file(capsys):
    assert main(["validate", "datasets/scenarios/cambodia_baseline.toml"]) == 0
    assert "valid scenario 'cambodia_baseline'" in capsys.readouterr().out


def test_broken_file_gives_one_line_and_nonzero_exit(tmp_path):
    text = open("datasets/scenarios/cambodia_baseline.toml").read()
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace("objection_share = 0.353", "objection_share = 1.5"))
    proc = subprocess.run([sys.executable, "-m", "labsim.cli", "run", str(broken)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert lines == ["labsim: error: broken.toml: arbitration.objection_share = 1.5: "
                     "expected a probability in [0, 1]"]


def test_unknown_key_in_file_gets_a_suggestion(tmp_path, capsys):
    text = open("datasets/scenarios/cambodia_baseline.toml").read()
    broken = tmp_path / "typo.toml"
    broken.write_text(text.replace("conciliators = 4", "conciliaters = 4"))
    assert main(["validate", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "collective_conciliation.conciliaters" in err and "did you mean 'conciliators'" in err
