"""labsim: simulate how labour disputes are prevented and resolved, and compare policies."""

from .calibration import CalibrationResult, calibrate
from .errors import InputError, ScenarioError
from .evidence import evidence
from .experiments import (
    Comparison,
    StaffingResult,
    compare,
    replicate,
    sensitivity,
    smallest_budget,
    smallest_staff,
    summarise_sweep,
    sweep,
)
from .policy import Policy, apply_policy, staffing_table
from .presets import load_policy, load_scenario, with_overrides
from .results import Results
from .runner import run
from .scenario import Scenario
from .scenario_io import save_scenario
from .settings import RunSettings
from .version import VERSION as __version__

__all__ = [
    "CalibrationResult",
    "Comparison",
    "InputError",
    "Policy",
    "Results",
    "RunSettings",
    "Scenario",
    "ScenarioError",
    "StaffingResult",
    "__version__",
    "apply_policy",
    "calibrate",
    "compare",
    "evidence",
    "load_policy",
    "load_scenario",
    "replicate",
    "run",
    "save_scenario",
    "sensitivity",
    "smallest_budget",
    "smallest_staff",
    "staffing_table",
    "summarise_sweep",
    "sweep",
    "with_overrides",
]
