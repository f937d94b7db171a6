"""Property-based fuzzing of scenario files: any mutation of a valid file (types, infinite
and NaN numbers, missing and extra keys, other encodings, cut-off files) gets either one
error line naming the problem or a valid run, never a traceback."""

import math
import tomllib

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labsim.scenario.presets import SCENARIO_DIR
from labsim.views.cli import main

pytestmark = pytest.mark.slow
BASE = tomllib.loads((SCENARIO_DIR / "cambodia_baseline.toml").read_text(encoding="utf-8"))


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


def _copy(node):
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


def _set(data, path, value, delete=False):
    node = data
    for key in path[:-1]:
        node = node[key]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value


@st.composite
def mutated_files(draw):
    data = _copy(BASE)
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


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(raw=mutated_files())
def test_a_mutated_scenario_file_gives_one_line_or_a_valid_run(tmp_path, capsys, raw):
    path = tmp_path / "mutated.toml"
    path.write_bytes(raw)
    code = main(["run", str(path), "--years", "0.2", "--reps", "1", "--warmup-days", "10",
                 "--executor", "serial"])
    out, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 2:
        assert err.strip().count("\n") == 0 and err.startswith("labsim: error:")
    else:
        assert "Grievances" in out
