"""labsim: simulate how labour disputes are prevented and resolved, and compare policies."""

from .assumptions import Assumption
from .calibration import CalibrationResult, calibrate, fit_surrogate
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
from .presets import load_assumptions, load_policy, load_scenario, with_overrides
from .results import Results
from .robustness import Robustness, robustness
from .runner import run
from .scenario import Scenario
from .scenario_io import save_scenario
from .settings import RunSettings
from .version import VERSION as __version__

__all__ = [
    "Assumption",
    "CalibrationResult",
    "Comparison",
    "InputError",
    "Policy",
    "Results",
    "Robustness",
    "RunSettings",
    "Scenario",
    "ScenarioError",
    "StaffingResult",
    "__version__",
    "apply_policy",
    "calibrate",
    "compare",
    "evidence",
    "fit_surrogate",
    "load_assumptions",
    "load_policy",
    "load_scenario",
    "replicate",
    "robustness",
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
