"""The dashboard page's templates are compiled once for the server, not once a visit: Voila
makes a new template environment for every page it sends."""

import jinja2
from voila import notebook_renderer
from voila.paths import collect_template_paths

from labsim.workshop.pages import DashboardExporter, DashboardServer
from labsim.workshop.serve import voila_command, voila_env


def _visit(monkeypatch) -> list[str]:
    """Load every template a visit's exporter can reach (some of nbconvert's need filters of
    other exporters); the names of those that loaded."""
    monkeypatch.setenv("JUPYTER_PATH", voila_env()["JUPYTER_PATH"])
    paths = collect_template_paths(["voila", "nbconvert"], "labsim", prune=True)
    environment = DashboardExporter(template_paths=paths, template_name="labsim").environment
    loaded = []
    for name in environment.list_templates(extensions=["j2"]):
        try:
            environment.get_template(name)
        except jinja2.TemplateError:
            continue
        loaded.append(name)
    return loaded


def test_a_second_visit_compiles_no_template(monkeypatch):
    compiled: list[str] = []
    compile_source = jinja2.Environment._compile

    def counted(self, source, filename):
        compiled.append(filename)
        return compile_source(self, source, filename)

    monkeypatch.setattr(jinja2.Environment, "_compile", counted)
    loaded = _visit(monkeypatch)
    assert "index.html.j2" in loaded and len(compiled) >= len(loaded)
    compiled.clear()
    assert _visit(monkeypatch) == loaded
    assert compiled == []


def test_the_page_server_makes_its_pages_with_them(monkeypatch):
    """``DashboardServer`` puts ``DashboardExporter`` where Voila looks for its exporter."""
    monkeypatch.setenv("JUPYTER_PATH", voila_env()["JUPYTER_PATH"])
    monkeypatch.setattr(notebook_renderer, "VoilaExporter", notebook_renderer.VoilaExporter)
    command = voila_command(port=0)
    server = DashboardServer()
    server.initialize(command[command.index("labsim.workshop.pages") + 1:])
    server.init_settings()
    assert notebook_renderer.VoilaExporter is DashboardExporter
