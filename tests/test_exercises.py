"""Each exercise check accepts the worked solution and gives the right hint to typical
wrong answers; an unfilled answer gets a hint, never a traceback; a slip in the answer cell
reads in plain words and is never graded as an older answer."""

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from labsim.experiments.search import smallest_staff
from labsim.scenario.stages import staffing
from labsim.workshop import exercises
from labsim.workshop.controls import PREVIEW, shipped_robustness
from labsim.workshop.exercises import ANSWER_DID_NOT_RUN, CHECKS, check, watch_answers

ROOT = Path(__file__).resolve().parent.parent / "exercises"
FACILITATOR = ROOT.parent / "facilitator"

WRONG = {
    1: [(187, "ministry conciliation"), (2000, "Only collective disputes")],
    2: [("arbitrators", "busy only"), ("the judges", "cannot tell")],
    3: [(8, "the target is 90%"), (11, "but 10 labour inspectors meet it too")],
    4: [("not clear", "does not include zero is a clear"), ("no", "which policy has more")],
    5: [(("prevention_first", "prevention_first"), "cost per resolved case"),
        (("resolution_first", "resolution_first"), "grievances per year")],
    6: [(1, "the target is 85%"), (5, "but 4 MRC staff meet it too")],
    7: [({"labour_inspectors": 100000, "conciliators": 50000, "arbitrators": 100000},
         "prevention cuts their number"),
        ({"prevention_officers": 300000}, "the extra budget is US$250,000"),
        ({"training": 250000}, "the target is 15%")],
    8: [(0.3, "Try a smaller share"), ("30%", "at 30% resolution first has 11% more"),
        (0.05, "Try a larger share"), (0.9, "outside the plausible range"),
        ("a lot", "is not a share")],
}


def _answer_cell(path: Path) -> dict:
    """The one code cell tagged ``answer``: where a participant writes the answer."""
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
             if "answer" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1 and cells[0]["cell_type"] == "code", path.name
    return cells[0]


def _solution_answer(number: int):
    path = next((FACILITATOR / "solutions").glob(f"{number:02d}_*.ipynb"))
    cell = _answer_cell(path)
    namespace: dict = {}
    exec("".join(cell["source"]), namespace)
    return next(v for k, v in namespace.items() if not k.startswith("__"))


def test_there_are_eight_exercises_each_with_a_solution():
    assert sorted(CHECKS) == list(range(1, 9))
    exercises = sorted(p.name for p in ROOT.glob("*.ipynb"))
    solutions = sorted(p.name for p in (FACILITATOR / "solutions").glob("*.ipynb"))
    assert exercises == solutions and len(exercises) == 8


@pytest.mark.slow  # runs the model at the solution's size, as nbval of the solutions does
@pytest.mark.parametrize("number", sorted(CHECKS))
def test_check_accepts_the_worked_solution(number):
    feedback = check(number, _solution_answer(number))
    assert feedback.correct, feedback.message


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
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


def test_strike_verdict_check_says_when_the_model_cannot_tell(monkeypatch):
    """Where the interval includes zero, a "yes" or "no" hears that the runs cannot tell."""
    row = {"kpi": "strike_days_per_year", "scenario": "resolution_first",
           "reference": "prevention_first", "difference": 4.0, "relative": 0.02,
           "relative_ci_low": -0.03, "relative_ci_high": 0.07, "clear": False}

    class Unclear:
        def differences(self):
            return pd.DataFrame([row])

    monkeypatch.setattr(exercises, "_policy_comparison", Unclear)
    assert check(4, "not clear").correct
    for answer in ("yes", "no"):
        feedback = check(4, answer)
        assert not feedback.correct and "cannot tell which policy" in feedback.message


def test_exercise_notebooks_leave_the_answer_to_fill_in():
    for path in ROOT.glob("*.ipynb"):
        answer_cell = _answer_cell(path)
        assert "..." in "".join(answer_cell["source"]), path.name


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_prevention_effect_check_quotes_the_model_at_the_answer_and_just_below():
    feedback = check(8, 0.3)
    assert "at 30% resolution first has" in feedback.message
    assert "at 25% resolution first has" in feedback.message


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_prevention_effect_check_accepts_the_flip_and_says_why_with_the_worlds():
    feedback = check(8, _solution_answer(8))
    assert feedback.correct, feedback.message
    assert "The verdict flips between" in feedback.message
    assert "plausible worlds of the robustness check" in feedback.message


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_prevention_effect_check_reads_the_worlds_from_the_shipped_result():
    shipped, _ = shipped_robustness()
    rows = shipped.differences.query("kpi == 'strike_days_per_year' "
                                     "and scenario == 'resolution_first'")
    lost = rows.loc[rows["difference"] < 0, "world"]
    message = check(8, _solution_answer(8)).message
    assert f"Across the {len(rows)} plausible worlds" in message
    if lost.empty:
        assert "fewer strike days in none." in message
    else:
        assert f"fewer strike days in {len(lost)}" in message
        flip = shipped.break_even("strike_days_per_year", "resolution_first")
        if flip is not None and flip["value"] is not None:
            assert (f"in {flip['reversed_beyond']} of the {flip['worlds_beyond']} where "
                    f"officers avert under {flip['value']:.0%}") in message


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_prevention_effect_check_reads_a_share_a_percentage_or_a_percent_sign_alike():
    assert check(8, 0.3).message == check(8, 30).message == check(8, "30 %").message


@pytest.mark.parametrize("answer", ["a lot", "0,25", True, float("nan"), "inf", [0.1],
                                    -0.1, 1, None, ""])
def test_prevention_effect_check_refuses_what_is_not_a_share_in_range_in_one_line(answer):
    feedback = check(8, answer)
    assert not feedback.correct
    assert "\n" not in feedback.message and "Traceback" not in feedback.message


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
@pytest.mark.parametrize("number", [3, 6])
def test_staff_checks_accept_only_the_fewest_that_meets_the_target(number):
    fewest = _solution_answer(number)
    assert check(number, fewest).correct
    assert "the target is" in check(number, fewest - 1).message
    for more in (fewest + 1, fewest + 2):
        feedback = check(number, more)
        assert not feedback.correct, feedback.message
        assert f"but {more - 1} " in feedback.message and "meet it too" in feedback.message


@pytest.mark.slow  # a bisection over every staff level, as the old check ran
@pytest.mark.parametrize("number", [3, 6])
def test_the_fewest_the_check_accepts_is_the_fewest_a_search_finds(number):
    task = {3: exercises.INSPECTORS, 6: exercises.MRC_STAFF}[number]
    found = smallest_staff(task.scenario(), staffing(task.stage).count_path, task.kpi,
                           task.target, low=task.low, high=task.high, settings=PREVIEW)
    assert found.level_for_mean == _solution_answer(number)


@pytest.mark.parametrize("answer", [float("nan"), float("inf"), 2.5, "twelve", 0, 41])
def test_staff_check_refuses_what_is_not_a_whole_number_in_range(answer):
    feedback = check(3, answer)
    assert not feedback.correct and "give a whole number of labour inspectors" in feedback.message


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_a_check_that_runs_the_model_says_so_first_and_only_the_first_time(monkeypatch, capsys):
    monkeypatch.setattr(exercises, "_MEANS", {})
    check(6, 3)
    assert capsys.readouterr().out == "Running the model for your answer (about 4 s)...\n"
    check(6, 3)
    assert capsys.readouterr().out == ""


def test_an_answer_that_cannot_be_checked_does_not_run_the_model(monkeypatch, capsys):
    monkeypatch.setattr(exercises, "_MEANS", {})
    for number, answer in ((2, "the judges"), (3, ...), (6, "three"), (7, {"cars": 1})):
        check(number, answer)
    assert capsys.readouterr().out == "" and exercises._MEANS == {}


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_policy_names_read_as_words():
    for feedback in (check(4, "no"), check(5, ("prevention_first", "prevention_first")),
                     check(5, ...)):
        assert "_first" not in feedback.message and "balanced" not in feedback.message
    assert check(4, "yes").message.startswith("Resolution first has ")


def test_the_check_never_grades_an_answer_cell_that_did_not_run():
    for number in CHECKS:
        feedback = check(number, ANSWER_DID_NOT_RUN)
        assert feedback.correct is None
        assert repr(feedback).startswith("The answer cell did not run")
        assert "run that cell again" in feedback.message


def test_watch_answers_does_nothing_outside_ipython():
    assert not InteractiveShell.initialized()
    watch_answers()
    assert not InteractiveShell.initialized()


@pytest.fixture
def shell(tmp_path, monkeypatch):
    """A real IPython shell after an exercise's first cell: checks loaded, answers watched."""
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path))
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    shell = InteractiveShell.instance(config=Config({"HistoryManager": {"enabled": False}}))
    shell.run_cell("from labsim.workshop.exercises import check, watch_answers\nwatch_answers()")
    yield shell
    InteractiveShell.clear_instance()


def test_watching_twice_changes_nothing(shell):
    watch_answers()
    watchers = [t for t in shell.input_transformers_post if isinstance(t, exercises._AnswerWatch)]
    assert len(watchers) == 1 and len(shell.events.callbacks["pre_run_cell"]) == 1


def test_a_readable_answer_cell_runs_unchanged(shell, capsys):
    shell.run_cell('answer = {"prevention_officers": 100000,\n          "training": 0}')
    assert shell.user_ns["answer"] == {"prevention_officers": 100000, "training": 0}
    assert capsys.readouterr().out == ""


def test_a_word_without_quotes_reads_plainly_and_leaves_no_answer(shell, capsys):
    shell.run_cell("answer = 12")
    shell.run_cell("answer = arbitrators")
    out = capsys.readouterr().out
    assert 'Your answer could not be read: put words in quotes, like "arbitrators"' in out
    assert "The answer cell did not run: fix it, run it again" in out
    assert "Traceback" not in out and "NameError" not in out
    assert shell.user_ns["answer"] is ANSWER_DID_NOT_RUN


@pytest.mark.parametrize(("cell", "said"), [
    ("answer = 12 inspectors", "Python could not read this line: answer = 12 inspectors"),
    ("answer = labour inspectors", "Python could not read this line: answer = labour"),
    ("answer = \u201carbitrators\u201d", "not curly ones"),
    ('answer = ("Balanced", "Balanced"', "write a number alone, like 12"),
])
def test_an_answer_python_cannot_read_reads_plainly_and_leaves_no_answer(shell, capsys, cell,
                                                                         said):
    shell.run_cell("answer = 12")
    shell.run_cell(cell)
    out = capsys.readouterr().out
    assert said in out and "The answer cell did not run" in out
    assert "Traceback" not in out and "SyntaxError" not in out
    assert shell.user_ns["answer"] is ANSWER_DID_NOT_RUN


def test_running_the_check_again_after_a_slip_does_not_grade_the_old_answer(shell, capsys):
    shell.run_cell("answer = ...")
    shell.run_cell("answer = 12 inspectors")
    shell.run_cell("feedback = check(3, answer)")
    feedback = shell.user_ns["feedback"]
    assert feedback.correct is None and "The answer cell did not run" in feedback.message


def test_a_name_error_elsewhere_still_shows_its_traceback(shell, capsys):
    result = shell.run_cell("check(3, inspectors)")
    out = capsys.readouterr().out
    assert isinstance(result.error_in_exec, NameError)
    assert "NameError" in out and "Traceback" in out
    assert "inspectors is not defined: check its spelling, or run the cells above" in out


def test_every_exercise_watches_its_answer_cell_and_checks_answer():
    solutions = sorted((FACILITATOR / "solutions").glob("*.ipynb"))
    for path in sorted(ROOT.glob("*.ipynb")) + solutions:
        cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                 if c["cell_type"] == "code"]
        assert "watch_answers()" in "".join(cells[0]["source"]), path.name
        answer_cell = _answer_cell(path)
        assert "".join(answer_cell["source"]).startswith("answer = "), path.name
        after = cells[cells.index(answer_cell) + 1]
        assert "".join(after["source"]) == f"check({int(path.name[:2])}, answer)", path.name


def test_exercises_send_participants_to_the_facilitator_not_to_the_solutions():
    for path in ROOT.glob("*.ipynb"):
        text = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                       if c["cell_type"] == "markdown")
        assert "solutions/" not in text and "Ask the facilitator" in text, path.name
    guide = (FACILITATOR / "FACILITATOR.md").read_text(encoding="utf-8")
    assert "Hand a group the solution" in guide
