"""Each exercise check accepts the worked solution and gives the right hint to typical
wrong answers; an unfilled answer gets a hint, never a traceback."""

import json
from pathlib import Path

import pytest

from labsim.exercises import CHECKS, check

ROOT = Path(__file__).resolve().parent.parent / "exercises"

WRONG = {
    1: [(187, "ministry conciliation"), (2000, "Only collective disputes")],
    2: [("arbitrators", "busy only"), ("the judges", "cannot tell")],
    3: [(8, "the target is 90%"), (30, "so do fewer")],
    4: [("not clear", "does not include zero is a clear"), ("no", "which policy has more")],
    5: [(("prevention_first", "prevention_first"), "cost per resolved case"),
        (("resolution_first", "resolution_first"), "grievances per year")],
    6: [(1, "the target is 85%"), (12, "so do fewer")],
    7: [({"labour_inspectors": 100000, "conciliators": 50000, "arbitrators": 100000},
         "prevention cuts their number"),
        ({"prevention_officers": 300000}, "the extra budget is US$250,000"),
        ({"training": 250000}, "the target is 15%")],
}


def _answer_cell(path: Path) -> dict:
    """The one code cell tagged ``answer``: where a participant writes the answer."""
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
             if "answer" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1 and cells[0]["cell_type"] == "code", path.name
    return cells[0]


def _solution_answer(number: int):
    path = next((ROOT / "solutions").glob(f"{number:02d}_*.ipynb"))
    cell = _answer_cell(path)
    namespace: dict = {}
    exec("".join(cell["source"]), namespace)
    return next(v for k, v in namespace.items() if not k.startswith("__"))


def test_there_are_seven_exercises_each_with_a_solution():
    assert sorted(CHECKS) == list(range(1, 8))
    exercises = sorted(p.name for p in ROOT.glob("*.ipynb"))
    solutions = sorted(p.name for p in (ROOT / "solutions").glob("*.ipynb"))
    assert exercises == solutions and len(exercises) == 7


@pytest.mark.slow  # runs the model at the solution's size, as nbval of the solutions does
@pytest.mark.parametrize("number", sorted(CHECKS))
def test_check_accepts_the_worked_solution(number):
    feedback = check(number, _solution_answer(number))
    assert feedback.correct, feedback.message


@pytest.mark.parametrize("number", sorted(CHECKS))
def test_check_rejects_typical_wrong_answers_with_the_right_hint(number):
    for answer, hint in WRONG[number]:
        feedback = check(number, answer)
        assert not feedback.correct, (answer, feedback.message)
        assert hint in feedback.message, (answer, feedback.message)


@pytest.mark.parametrize("number", sorted(CHECKS))
def test_unfilled_answers_get_a_hint(number):
    feedback = check(number, ...)
    assert not feedback.correct
    assert repr(feedback).startswith("Not yet.") and len(feedback.message) > 20


def test_unknown_exercise_is_named():
    assert "no exercise 9" in check(9, 1).message


def test_exercise_notebooks_leave_the_answer_to_fill_in():
    for path in ROOT.glob("*.ipynb"):
        answer_cell = _answer_cell(path)
        assert "..." in "".join(answer_cell["source"]), path.name
