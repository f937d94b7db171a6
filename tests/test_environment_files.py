"""environment.yml (conda, Binder) lists exactly what pyproject.toml asks for."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _requirement(text: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", text).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_requirement(r) for r in project["dependencies"])
    for extra in ("workshop", "test"):
        wanted.update(_requirement(r) for r in project["optional-dependencies"][extra]
                      if not r.startswith("labsim["))
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = [d for entry in env["dependencies"] if isinstance(entry, dict)
           for d in entry.get("pip", [])]
    listed = dict(_requirement(d) for d in env["dependencies"] + pip
                  if isinstance(d, str) and not d.startswith(("python=", "pip")))
    assert listed == wanted


def test_environment_pins_the_supported_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "python=3.11" in env["dependencies"]
    assert project["requires-python"] == ">=3.11"
