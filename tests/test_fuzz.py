"""Fuzzing scenario and policy files.

Field by field: every value of the presets, read into the schema it belongs to (``Scenario``,
``Policy``), is broken in each way its type and rule allow (a wrong type, a number that is not
finite, a value just outside its rule, the field left out, a misspelt key beside it), and the
error must be one line naming that field and the value. The mutations are made from the
current files and classes, so they follow the schema: a preset key the schema does not know,
or a schema field no preset holds, fails the test (and an edit by name, ``edited_preset``,
of a field the preset lacks fails loudly instead of passing on some other error).

Whole files (slow): random mutations, other encodings and cut-off files end in one error line
or a valid run, never a traceback.
"""

import copy
import dataclasses
import itertools
import math
import tomllib
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labsim import ScenarioError, load_scenario
from labsim.scenario.io import scenario_from_dict
from labsim.scenario.parameters import Rule, Scenario
from labsim.scenario.policy import Policy
from labsim.scenario.presets import SCENARIO_DIR, preset_names
from labsim.scenario.validation import item_key
from labsim.views.cli import main

PRESETS = {name: tomllib.loads((SCENARIO_DIR / f"{name}.toml").read_text(encoding="utf-8"))
           for name in preset_names()}
BASE = PRESETS["cambodia_baseline"]
LEFT_OUT = "<missing>"
"""The value a mutation that removes a field sets, and the value its error names."""
WRONG_TYPE = {float: "many", int: 2.5, bool: 1, str: 5}
"""A value of another type for each plain type; tables and lists get a text."""
FILE_NUMBERS = itertools.count()


@dataclass(frozen=True)
class Field:
    """One value in a preset, where it is and what the schema says of it."""

    preset: str
    keys: tuple[str | int, ...]
    """Keys into the file's data (list items by index)."""
    annotation: Any
    rule: Rule | None
    required: bool
    in_table: bool
    """False for an item of a list of numbers (it has no key to leave out or misspell)."""
    schema_field: str
    """``Class.field`` it is read into."""


@dataclass(frozen=True)
class Mutation:
    """One field broken one way, and what its error must name."""

    field: Field
    kind: str
    keys: tuple[str | int, ...]
    value: Any
    allowed: str | None = None
    """The words of the field's own rule, when that rule must be what refuses the value."""

    def __str__(self) -> str:
        return f"{self.field.preset}: {self.kind} {'.'.join(map(str, self.keys))} = {self.value!r}"


def _plain(annotation: Any) -> Any:
    """An annotation without its ``| None``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    return annotation


def _fields(preset: str, node: dict, cls: type, keys: tuple = ()) -> Iterator[Field]:
    """Every value of ``node`` (a table read into ``cls``) and of the tables inside it; a key
    the schema does not know fails the test."""
    hints = typing.get_type_hints(cls)
    schema = {f.name: f for f in dataclasses.fields(cls)}
    for key, value in node.items():
        if key not in schema:
            pytest.fail(f"{preset}: {'.'.join(map(str, (*keys, key)))} is not a field of "
                        f"{cls.__name__}: the presets and the schema disagree")
        annotation, here = _plain(hints[key]), (*keys, key)
        required = schema[key].default is dataclasses.MISSING
        yield Field(preset, here, annotation, schema[key].metadata.get("rule"), required, True,
                    f"{cls.__name__}.{key}")
        if dataclasses.is_dataclass(annotation):
            yield from _fields(preset, value, annotation, here)
        elif typing.get_origin(annotation) is tuple:
            item = typing.get_args(annotation)[0]
            for index, element in enumerate(value):
                if dataclasses.is_dataclass(item):
                    yield from _fields(preset, element, item, (*here, index))
            if not dataclasses.is_dataclass(item):
                yield Field(preset, (*here, 0), item, None, False, False, f"{cls.__name__}.{key}")


def preset_fields(preset: str) -> Iterator[Field]:
    """Every value of a preset with its schema: a policy file's [policy] table is a Policy;
    a scenario file is a Scenario (its [assumptions] are checked by assumptions.py)."""
    data = PRESETS[preset]
    if "policy" in data:
        return _fields(preset, data["policy"], Policy, ("policy",))
    return _fields(preset, {k: v for k, v in data.items() if k != "assumptions"}, Scenario)


def _outside(rule: Rule, annotation: Any) -> list[float]:
    """The values just outside ``rule`` on each side (whole numbers for a whole-number field)."""
    whole = annotation is int
    if not rule.low_included:
        values = [int(rule.low) if whole else float(rule.low)]
    else:
        values = [int(rule.low) - 1 if whole else math.nextafter(rule.low, -math.inf)]
    if math.isfinite(rule.high):
        values.append(int(rule.high) + 1 if whole else math.nextafter(rule.high, math.inf))
    return values


def mutations(field: Field) -> Iterator[Mutation]:
    """Each way to break ``field`` that its type and rule say must be refused."""
    yield Mutation(field, "wrong type", field.keys, WRONG_TYPE.get(field.annotation, "many"))
    if field.annotation is float:
        yield Mutation(field, "not finite", field.keys, math.inf)
        yield Mutation(field, "not finite", field.keys, math.nan)
    if field.rule is not None:
        for value in _outside(field.rule, field.annotation):
            yield Mutation(field, "outside its rule", field.keys, value, field.rule.allowed)
    if field.required:
        yield Mutation(field, "left out", field.keys, LEFT_OUT)
    if field.in_table:
        *parent, name = field.keys
        yield Mutation(field, "misspelt", (*parent, f"{name}_x"),
                       _at(PRESETS[field.preset], field.keys))


def _at(data: Any, keys: Iterable[str | int]) -> Any:
    """The value at ``keys`` in plain data."""
    for key in keys:
        data = data[key]
    return data


def mutated_data(m: Mutation) -> dict:
    """The preset's data with the mutation made (a new copy)."""
    data = copy.deepcopy(PRESETS[m.field.preset])
    *parent, last = m.keys
    if m.value == LEFT_OUT:
        del _at(data, parent)[last]
    else:
        _at(data, parent)[last] = m.value
    return data


def error_path(data: dict, keys: Iterable[str | int]) -> str:
    """``keys`` as an error names them: list items by their name when they have one."""
    parts, node = [], data
    for key in keys:
        parts.append(str(item_key(node[key], key) if isinstance(node, list) else key))
        node = node[key] if isinstance(node, list) or key in node else None
    return ".".join(parts)


def validation_error(data: dict, folder: Path) -> ScenarioError | None:
    """The error validating ``data`` gives, if any: a scenario in memory, a policy from a file
    (its base is a preset)."""
    try:
        if "policy" in data:
            path = folder / f"policy_{next(FILE_NUMBERS)}.toml"
            path.write_text(tomli_w.dumps(data), encoding="utf-8")
            load_scenario(path)
        else:
            scenario_from_dict({k: v for k, v in data.items() if k != "assumptions"})
    except ScenarioError as err:
        return err
    return None


def misnamed(ms: Iterable[Mutation], folder: Path) -> list[str]:
    """The mutations whose error is not one line naming the field and the value (and, for a
    value outside a rule, given by that rule)."""
    wrong = []
    for m in ms:
        data = mutated_data(m)
        err = validation_error(data, folder)
        named = err is not None and "\n" not in str(err) and (
            (err.path, repr(err.value)) == (error_path(data, m.keys), repr(m.value)))
        if not named or (m.allowed is not None and err.allowed != m.allowed):
            wrong.append(f"{m}: got {err}")
    return wrong


def all_fields() -> list[Field]:
    """Every value of every preset, with its schema."""
    return [field for name in PRESETS for field in preset_fields(name)]


def one_per_schema_field() -> list[Field]:
    """The first place each ``Class.field`` of the schema appears in the presets."""
    first: dict[str, Field] = {}
    for field in all_fields():
        first.setdefault(field.schema_field, field)
    return list(first.values())


def schema_fields(cls: type) -> set[str]:
    """Every ``Class.field`` reachable from ``cls`` that a file may write (the loader derives
    the fields marked ``derived`` from a file's own staffing)."""
    found = set()
    derived = {f.name for f in dataclasses.fields(cls) if f.metadata.get("derived")}
    for name, annotation in typing.get_type_hints(cls).items():
        if name in derived:
            continue
        found.add(f"{cls.__name__}.{name}")
        inner = _plain(annotation)
        if typing.get_origin(inner) is tuple:
            inner = typing.get_args(inner)[0]
        if dataclasses.is_dataclass(inner):
            found |= schema_fields(inner)
    return found


def test_every_field_of_the_schema_is_in_a_preset_and_so_is_mutated():
    mutated = {field.schema_field for field in all_fields()}
    assert schema_fields(Scenario) | schema_fields(Policy) <= mutated


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_each_field_broken_each_way_is_named_with_its_value(tmp_path):
    ms = [m for field in one_per_schema_field() for m in mutations(field)]
    assert misnamed(ms, tmp_path) == []


@pytest.mark.slow
def test_every_field_of_every_preset_broken_each_way_is_named(tmp_path):
    assert misnamed([m for field in all_fields() for m in mutations(field)], tmp_path) == []


@pytest.mark.slow
def test_each_field_broken_each_way_is_one_line_naming_it_from_the_command_line(tmp_path,
                                                                                capsys):
    wrong = []
    for m in (m for field in one_per_schema_field() for m in mutations(field)):
        data = mutated_data(m)
        path = tmp_path / f"mutated_{next(FILE_NUMBERS)}.toml"
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
        code = main(["validate", str(path)])
        err = capsys.readouterr().err.strip()
        read_back = tomllib.loads(tomli_w.dumps({"value": m.value}))["value"]  # tables reorder
        if code != 2 or err.count("\n") or f"{error_path(data, m.keys)} = {read_back!r}" not in err:
            wrong.append(f"{m}: exit code {code}, {err}")
    assert wrong == []


def _leaves(node, path=()):
    """(path, value) of every value in the data, lists and tables included."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))


LEAVES = [path for path, _ in _leaves(BASE) if path]
NUMBERS = [path for path, value in _leaves(BASE) if path and isinstance(value, int | float)
           and not isinstance(value, bool)]
ODD_VALUES = st.one_of(
    st.sampled_from([math.inf, -math.inf, math.nan, -1, 0, 10**12, 1e300, -1e-300, True, "",
                     "none", [], {}, [1, "a"], {"family": "gamma"}]),
    st.text(max_size=5), st.integers(), st.floats(), st.booleans())


def _set(data, path, value, delete=False):
    """Set (or delete) the value at ``path`` in plain data."""
    node = data
    for key in path[:-1]:
        node = node[key]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value


@st.composite
def mutated_files(draw):
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(LEAVES))
        action = draw(st.sampled_from(["scale", "scale", "scale", "value", "delete", "extra"]))
        try:
            if action == "scale":  # a plausible change: often still a valid scenario
                number = draw(st.sampled_from(NUMBERS))
                value = dict(_leaves(data)).get(number)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    factor = draw(st.sampled_from([0, 0.5, 0.9, 1.1, 2, 3]))
                    _set(data, number, type(value)(value * factor))
            elif action == "value":
                _set(data, path, draw(ODD_VALUES))
            elif action == "delete":
                _set(data, path, None, delete=True)
            elif isinstance(data.get(path[0]), dict):
                data[path[0]][draw(st.text(min_size=1, max_size=8))] = draw(ODD_VALUES)
        except (KeyError, IndexError, TypeError):  # an earlier mutation removed the parent
            continue
    text = tomli_w.dumps(data)
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-16", "latin-1", "cut"]))
    if encoding == "cut":
        raw = text.encode("utf-8")
        return raw[:draw(st.integers(0, len(raw)))]
    return (text + "# caf\u00e9\n").encode(encoding, errors="replace")


@pytest.mark.slow
@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(raw=mutated_files())
def test_a_mutated_scenario_file_gives_one_line_or_a_valid_run(tmp_path, capsys, raw):
    path = tmp_path / f"mutated_{next(FILE_NUMBERS)}.toml"
    path.write_bytes(raw)
    code = main(["run", str(path), "--years", "0.2", "--reps", "1", "--warmup-days", "10",
                 "--executor", "serial"])
    out, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 2:
        assert err.strip().count("\n") == 0 and err.startswith("labsim: error:")
    else:
        assert "Grievances" in out
