"""The way in for a participant: START_HERE's links lead somewhere, and the facilitator's
material (guide, worked solutions) is not in the folders participants open (issue 24, item 7)."""
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.sign import NotebookNotary

from labsim.workshop.serve import trust_shipped_notebooks

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)#]+)\)")


def _markdown(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_every_link_in_start_here_opens_a_file_of_the_project():
    links = LINK.findall(_markdown(ROOT / "START_HERE.ipynb"))
    assert len(links) >= 19, links  # both languages link each notebook and exercise
    # a folder is no link for JupyterLab: it says "is a directory, not a file"
    missing = [link for link in links if not link.startswith("http")
               and not (ROOT / link).is_file()]
    assert not missing


def test_participants_folders_hold_no_solution_and_no_facilitator_guide():
    for folder in ("exercises", "exercises/km", "notebooks"):
        names = [p.name for p in (ROOT / folder).iterdir()]
        assert "solutions" not in names and "FACILITATOR.md" not in names, folder
    assert len(list((ROOT / "facilitator" / "solutions").glob("*.ipynb"))) == 8


def test_make_lab_installs_the_workshop_not_the_test_tools(tmp_path):
    plan = subprocess.run(["make", "-n", "lab", f"VENV={tmp_path / 'venv'}"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    assert '-e ".[workshop]"' in plan and "[test]" not in plan
    assert "PYTHONWARNINGS=ignore" in plan  # setuptools' box about editable installs


@pytest.mark.slow  # starts JupyterLab (a few seconds)
def test_jupyterlab_prints_its_address_last_and_no_warning():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lab = subprocess.Popen([sys.executable, "-m", "labsim.workshop.serve", "lab", "--no-browser",
                            f"--port={port}", "--allow-root"], cwd=ROOT, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("/lab?token=" in x for x in lines):
            lines.append(lab.stdout.readline())
        time.sleep(3)  # what it would print after the address (extensions still loading)
    finally:
        lab.terminate()
        rest = lab.communicate(timeout=30)[0]
    text = "".join(lines)
    assert f"http://127.0.0.1:{port}/lab?token=" in lines[-1], text
    assert "second terminal" in lines[0], text
    assert "Warning" not in text and "[I " not in text, text
    assert "Warning" not in rest and "[I " not in rest.split("received signal")[0], rest


def test_the_projects_notebooks_are_trusted_so_the_stored_dashboard_shows(tmp_path):
    project, notary = tmp_path / "project", NotebookNotary(data_dir=str(tmp_path))
    notebooks = {name: nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(name)])
                 for name in ("shipped", "changed", "stranger")}
    project.mkdir()
    for name, notebook in notebooks.items():
        nbformat.write(notebook, project / f"{name}.ipynb")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(project)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "shipped.ipynb", "changed.ipynb"], check=True)
    subprocess.run([*git, "commit", "-qm", "notebooks"], check=True)
    notebooks["changed"].cells.append(nbformat.v4.new_code_cell("import os"))
    nbformat.write(notebooks["changed"], project / "changed.ipynb")

    assert trust_shipped_notebooks(notary, root=project) == 1
    assert [name for name, notebook in notebooks.items()
            if notary.check_signature(notebook)] == ["shipped"]
    assert trust_shipped_notebooks(notary, root=tmp_path / "not a repository") == 0
