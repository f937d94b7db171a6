"""The way in for a participant: START_HERE's links lead somewhere, and the facilitator's
material (guide, worked solutions) is not in the folders participants open (issue 24, item 7)."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)#]+)\)")


def _markdown(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_every_link_in_start_here_leads_to_a_file_or_folder_of_the_project():
    links = LINK.findall(_markdown(ROOT / "START_HERE.ipynb"))
    assert len(links) >= 20, links  # both languages link each notebook and exercise
    missing = [link for link in links if not link.startswith("http")
               and not (ROOT / link).exists()]
    assert not missing


def test_participants_folders_hold_no_solution_and_no_facilitator_guide():
    for folder in ("exercises", "exercises/km", "notebooks"):
        names = [p.name for p in (ROOT / folder).iterdir()]
        assert "solutions" not in names and "FACILITATOR.md" not in names, folder
    assert len(list((ROOT / "facilitator" / "solutions").glob("*.ipynb"))) == 8
