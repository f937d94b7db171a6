"""Each exercise check accepts the worked solution and gives the right hint to typical
wrong answers; an unfilled answer gets a hint, never a traceback."""

import json
from pathlib import Path

import pytest

from labsim.exercises import CHECKS, check
from labsim.workshop import shipped_robustness

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
    8: [(0.3, "Try a smaller share"), ("30%", "at 30% resolution first has 19% more"),
        (0.9, "outside the plausible range"), ("a lot", "is not a share")],
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


def test_there_are_eight_exercises_each_with_a_solution():
    assert sorted(CHECKS) == list(range(1, 9))
    exercises = sorted(p.name for p in ROOT.glob("*.ipynb"))
    solutions = sorted(p.name for p in (ROOT / "solutions").glob("*.ipynb"))
    assert exercises == solutions and len(exercises) == 8


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


def test_prevention_effect_check_quotes_the_model_at_the_answer_and_just_below():
    feedback = check(8, 0.3)
    assert "at 30% resolution first has" in feedback.message
    assert "at 25% resolution first has" in feedback.message


def test_prevention_effect_check_accepts_no_effect_and_says_why_with_the_worlds():
    feedback = check(8, 0)
    assert feedback.correct, feedback.message
    assert "at 0% resolution first has" in feedback.message
    assert "plausible worlds of the robustness check" in feedback.message


def test_prevention_effect_check_reads_the_worlds_from_the_shipped_result():
    shipped, _ = shipped_robustness()
    rows = shipped.differences.query("kpi == 'strike_days_per_year' "
                                     "and scenario == 'resolution_first'")
    lost = rows.loc[rows["difference"] < 0, "world"]
    message = check(8, 0).message
    assert f"Across the {len(rows)} plausible worlds" in message
    if lost.empty:
        assert "fewer strike days in none." in message
    else:
        largest = shipped.worlds.loc[lost, "prevention.max_grievance_reduction"].max()
        assert f"fewer strike days in {len(lost)}, " in message
        assert f"at most {largest:.0%} of grievances" in message


def test_prevention_effect_check_reads_a_share_a_percentage_or_a_percent_sign_alike():
    assert check(8, 0.3).message == check(8, 30).message == check(8, "30 %").message


@pytest.mark.parametrize("answer", ["a lot", "0,25", True, float("nan"), "inf", [0.1],
                                    -0.1, 1, None, ""])
def test_prevention_effect_check_refuses_what_is_not_a_share_in_range_in_one_line(answer):
    feedback = check(8, answer)
    assert not feedback.correct
    assert "\n" not in feedback.message and "Traceback" not in feedback.message
