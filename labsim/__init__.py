"""labsim: simulate how labour disputes are prevented and resolved, and compare policies."""

from .errors import InputError, ScenarioError
from .results import Results
from .runner import run
from .scenario import Scenario
from .scenario_io import load_scenario, save_scenario, with_overrides

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "Results",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "run",
    "save_scenario",
    "with_overrides",
]
