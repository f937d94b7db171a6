"""The core (model, experiments, tables, plots, brief, CLI) installs and runs without the
workshop extra: no ipywidgets, IPython, JupyterLab or Voila is imported on the way."""

import subprocess
import sys

import pytest

WORKSHOP_ONLY = ("ipywidgets", "IPython", "jupyterlab", "jupyter_server", "voila", "ipykernel")
BLOCKER = f"""
import importlib.abc, sys
class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {WORKSHOP_ONLY!r}:
            raise ImportError(f"{{name}} is not installed (core install)")
sys.meta_path.insert(0, Absent())
"""


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BLOCKER + code], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_labsim_imports_and_runs_without_the_workshop_extra():
    done = _python("import labsim\n"
                   "r = labsim.run('textbook_network', labsim.RunSettings(years=0.2, "
                   "replications=1, warmup_days=0), executor='serial')\n"
                   "print(len(r.cases) > 0)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_the_cli_runs_without_the_workshop_extra():
    done = _python("import sys\nfrom labsim.views.cli import main\n"
                   "sys.exit(main(['validate', 'cambodia_baseline']))")
    assert done.returncode == 0, done.stderr


def test_the_blocker_blocks():
    done = _python("import ipywidgets")
    assert done.returncode != 0 and "core install" in done.stderr
