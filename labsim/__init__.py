"""labsim: simulate how labour disputes are prevented and resolved, and compare policies."""

__version__ = "0.3.0"

from .errors import InputError, ScenarioError  # noqa: E402
from .experiments import (  # noqa: E402
    Comparison,
    StaffingResult,
    compare,
    smallest_budget,
    smallest_staff,
    summarise_sweep,
    sweep,
)
from .policy import Policy, apply_policy, staffing_table  # noqa: E402
from .results import Results  # noqa: E402
from .runner import run  # noqa: E402
from .scenario import Scenario  # noqa: E402
from .scenario_io import load_policy, load_scenario, save_scenario, with_overrides  # noqa: E402

__all__ = [
    "Comparison",
    "InputError",
    "Policy",
    "Results",
    "Scenario",
    "ScenarioError",
    "StaffingResult",
    "apply_policy",
    "compare",
    "load_policy",
    "load_scenario",
    "run",
    "save_scenario",
    "smallest_budget",
    "smallest_staff",
    "staffing_table",
    "summarise_sweep",
    "sweep",
    "with_overrides",
]
