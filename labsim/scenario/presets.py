"""Scenario and policy files, by name or path: which is which, and what a policy makes.

A file with a ``[policy]`` table is a policy: a budget split applied to its base scenario
(another file, which may itself be a policy; a base that leads back to the policy is named).
Any other file is a scenario. Presets live in ``datasets/scenarios``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputError, ScenarioError
from ..files import read_toml
from ..i18n import _
from .assumptions import Assumption, assumptions_from_table
from .io import apply_overrides, scenario_from_dict
from .parameters import Scenario
from .policy import Policy, apply_policy, increment_usd_per_year
from .validation import build

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "datasets" / "scenarios"
ScenarioLike = Scenario | str | Path
REFERENCE_POLICIES = ("prevention_first", "resolution_first")
"""The presets whose extra money defines the standard increment."""


def preset_names() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def resolve_path(name_or_path: str | Path) -> Path:
    """A path as given, or the preset of that name in ``datasets/scenarios``."""
    if not isinstance(name_or_path, str | Path) or str(name_or_path).strip() == "":
        raise ScenarioError("scenario", name_or_path, _(
            "a preset name ({presets}) or the path of a .toml file").format(
                presets=", ".join(preset_names())))
    path = Path(name_or_path)
    if path.suffix != ".toml" and not path.exists():
        path = SCENARIO_DIR / f"{path.name}.toml"
    if not path.is_file():
        raise ScenarioError("file", str(path), _(
            "an existing TOML file or a preset ({presets})").format(
                presets=", ".join(preset_names())))
    return path


@dataclass(frozen=True)
class ScenarioFile:
    """What a scenario or policy file makes, read once: its scenario (a policy's applied to
    its base), the assumptions that go with it (a policy takes its base's) and, for a policy
    file, the policy and the file of its base."""

    path: Path
    scenario: Scenario
    assumptions: tuple[Assumption, ...]
    policy: Policy | None = None
    base_path: Path | None = None


def _policy(data: Mapping[str, Any], path: Path) -> Policy:
    extra = sorted(set(data) - {"policy"})
    if extra:
        raise ScenarioError(extra[0], data[extra[0]], "only a [policy] table in a policy file",
                            path.name)
    try:
        return build(Policy, data["policy"], "policy")
    except ScenarioError as err:
        raise ScenarioError(err.path, err.value, err.allowed, path.name) from None


def base_path_of(policy: Policy, path: Path) -> Path:
    """The file of a policy's base scenario (a preset name, or a path beside the policy)."""
    base = Path(policy.base_scenario)
    if base.suffix == ".toml" and not base.is_absolute():
        base = path.parent / base
    try:
        return resolve_path(base)
    except ScenarioError as err:  # named as the policy wrote it ("" is not the folder ".")
        raise ScenarioError("policy.base_scenario", policy.base_scenario, err.allowed,
                            path.name) from None


def _version(path: Path) -> tuple[str, int, int]:
    """A file's identity and version: its resolved path, modification time and size."""
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=128)
def _data(version: tuple[str, int, int]) -> dict[str, Any]:
    """A file version's plain data, parsed once; a file that cannot be read is a
    ScenarioError."""
    try:
        return read_toml(Path(version[0]), "file")
    except InputError as err:
        raise ScenarioError(err.path, err.value, err.allowed) from None


def _chain(path: Path) -> tuple[tuple[str, int, int], ...]:
    """The versions of a file and of every base it stands on (a policy's base, an
    ``[assumptions]`` table's ``from``), the file first; a base that leads back is named."""
    chain: list[tuple[str, int, int]] = []
    while True:
        version = _version(path)
        if version[0] in {v[0] for v in chain}:
            names = " -> ".join(Path(v[0]).stem for v in (*chain, version))
            last = Path(chain[-1][0])
            raise ScenarioError("policy.base_scenario", _policy(_data(chain[-1]), last)
                                .base_scenario, "a scenario, not a policy that leads back to "
                                f"itself ({names})", last.name)
        chain.append(version)
        data = _data(version)
        if "policy" in data:
            path = base_path_of(_policy(data, path), path)
            continue
        table = data.get("assumptions")
        if isinstance(table, dict) and "from" in table:
            chain.append(_version(_assumptions_source(table["from"], path)))
        return tuple(chain)


def _assumptions_source(source: Any, path: Path) -> Path:
    """The file an ``[assumptions]`` table's ``from`` names (a preset, or a path beside)."""
    try:
        return resolve_path(path.parent / source if isinstance(source, str)
                            and source.endswith(".toml") else source)
    except ScenarioError as err:
        raise ScenarioError("assumptions.from", source, err.allowed, path.name) from None


def _inherited(table: Any, path: Path) -> Any:
    """An ``[assumptions]`` table with ``from = "<preset or file>"`` takes that scenario's
    entries (one level: its own table, without a ``from``), its own entries winning."""
    if not isinstance(table, dict) or "from" not in table:
        return table
    table = dict(table)
    source = table.pop("from")
    parent = _data(_version(_assumptions_source(source, path)))
    own = parent.get("assumptions")
    if "policy" in parent or not isinstance(own, dict) or not own or "from" in own:
        raise ScenarioError("assumptions.from", source, "a scenario file (not a policy) with "
                            "an [assumptions] table of its own (no 'from' in it)", path.name)
    return {**own, **table}


@lru_cache(maxsize=64)
def _made(chain: tuple[tuple[str, int, int], ...]) -> ScenarioFile:
    """What the first file of ``chain`` makes, built and validated once per version of the
    whole chain (checking the assumptions' ranges builds each end)."""
    path = Path(chain[0][0])
    data = dict(_data(chain[0]))
    if "policy" in data:
        policy = _policy(data, path)
        base_path = base_path_of(policy, path)
        base = _made(chain[1:])
        return ScenarioFile(path, apply_policy(policy, base.scenario), base.assumptions,
                            policy, base_path)
    table = _inherited(data.pop("assumptions", {}), path)
    scenario = scenario_from_dict(data, source=path.name)
    return ScenarioFile(path, scenario, assumptions_from_table(table, scenario, path.name))


def read(name_or_path: str | Path) -> ScenarioFile:
    """The one way in for a scenario or policy file (or a preset by name): read, with its
    bases and inherited assumptions, validated and priced, once per version of its files.

    >>> read("prevention_first").policy.base_scenario
    'cambodia_baseline'
    """
    return _made(_chain(resolve_path(name_or_path)))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate a scenario file, or a policy file applied to its base, or a preset
    by name (e.g. ``"cambodia_baseline"``, ``"prevention_first"``)."""
    return read(name_or_path).scenario


def load_assumptions(name_or_path: str | Path) -> tuple[Assumption, ...]:
    """The assumptions (unmeasured parameters with plausible ranges) of a scenario file, or
    of the base scenario a policy file is applied to."""
    return read(name_or_path).assumptions


def load_policy(name_or_path: str | Path) -> Policy:
    """Load and validate a policy file (a ``[policy]`` table), or a preset by name."""
    made = read(name_or_path)
    if made.policy is None:
        raise ScenarioError("policy", str(made.path), "a TOML file with a [policy] table")
    return made.policy


def as_scenario(scenario: ScenarioLike) -> Scenario:
    """A scenario as given, or loaded from a preset name or file (anything else is an
    InputError naming what was given)."""
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def with_overrides(scenario: ScenarioLike, overrides: Mapping[str, Any] | None = None,
                   **kwargs: Any) -> Scenario:
    """A validated copy of ``scenario`` (or a preset name or file) with dotted paths changed.

    ``with_overrides(s, {"arbitration.arbitrators": 30})`` or, with ``__`` for dots,
    ``with_overrides(s, arbitration__arbitrators=30)``. Sectors are addressed by index
    or name: ``"arrivals.sectors.garment_footwear.workers"``.
    """
    changes = dict(overrides or {})
    changes.update({key.replace("__", "."): v for key, v in kwargs.items()})
    return apply_overrides(as_scenario(scenario), changes)


@lru_cache(maxsize=1)
def standard_increment() -> float:
    """The extra money (US$/year) the reference policy presets spend on top of their base:
    the one home of the workshop's "same extra money"."""
    policies = [load_policy(name) for name in REFERENCE_POLICIES]
    base = load_scenario(policies[0].base_scenario)
    increments = {round(increment_usd_per_year(p, base), 2) for p in policies}
    if len(increments) != 1:
        raise ScenarioError("budget_usd_per_year", sorted(increments),
                            f"the same increment in {' and '.join(REFERENCE_POLICIES)}")
    return increments.pop()
