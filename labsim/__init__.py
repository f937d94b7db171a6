"""labsim: simulate how labour disputes are prevented and resolved, and compare policies."""

from .analysis.results import Results
from .analysis.robustness import Robustness
from .errors import InputError, ScenarioError
from .experiments.calibration import CalibrationResult, calibrate, fit_surrogate
from .experiments.comparison import Comparison, compare, replicate
from .experiments.evidence import evidence
from .experiments.runner import run
from .experiments.search import (
    StaffingResult,
    sensitivity,
    smallest_budget,
    smallest_staff,
    summarise_sweep,
    sweep,
)
from .experiments.worlds import robustness
from .scenario.assumptions import Assumption
from .scenario.io import save_scenario
from .scenario.parameters import Scenario
from .scenario.policy import Policy, apply_policy, staffing_table
from .scenario.presets import load_assumptions, load_policy, load_scenario, with_overrides
from .scenario.settings import RunSettings
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
