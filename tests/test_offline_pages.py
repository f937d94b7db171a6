"""The served pages ask no other host for anything: the workshop runs on a laptop offline.

Voila serves the dashboard and JupyterLab opens START_HERE.ipynb, both started as `make
dashboard` and `make lab` start them (labsim.workshop.serve); a real Chromium loads each page and
Playwright records every request it makes. Every request must go to the serving host, the
dashboard's button icons must still have their font, and JupyterLab must not ask "Would you
like to get notified about official Jupyter news?" (answering yes fetches from the internet).
In JupyterLab the test also opens the notebook's Voila preview ("Render with Voila").
About 40 s.
"""

import os
from urllib.parse import urlsplit

import pytest
from served_pages import served_dashboard, serving

from labsim.workshop.serve import start_lab

pytestmark = pytest.mark.slow

NEWS = "official Jupyter news"
PLOT_SHOWN = """() => [...document.querySelectorAll(".labsim-dashboard .labsim-figure svg")].some(
    svg => svg.getBoundingClientRect().width > 0)"""
# The icon font of ipywidgets buttons (icon="download"), loaded from the serving host.
ICON_FONT_LOADED = """() => [...document.fonts].some(f =>
    f.family.replace(/["']/g, "") === "Font Awesome 5 Free" && f.status === "loaded")"""

def _elsewhere(urls: list[str], host: str) -> list[str]:
    """The URLs that go to a host other than `host` (data: and same-origin blob: stay home)."""
    other = []
    for url in urls:
        if url.startswith("data:"):
            continue
        if urlsplit(url.removeprefix("blob:")).netloc != host:
            other.append(url)
    return other


class Browser:
    """Chromium with a log of every request its pages make (HTTP and WebSocket)."""

    def __init__(self, chromium):
        self.context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.context.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page = self.context.new_page()
        self.page.on("websocket", lambda ws: self.requests.append(ws.url))

    def elsewhere(self, host: str) -> tuple[list[str], str]:
        """The requests to other hosts, and a message listing them and the failed requests."""
        other = _elsewhere(self.requests, host)
        return other, (f"requests to hosts other than {host}:\n  " + "\n  ".join(other)
                       + "\nfailed requests:\n  " + "\n  ".join(self.failed))


def test_dashboard_page_requests_only_its_own_host(chromium, tmp_path):
    with served_dashboard(tmp_path / "voila.log") as url:
        host = urlsplit(url).netloc
        browser = Browser(chromium)
        page = browser.page
        page.goto(url, timeout=120_000)
        # Rendered, if not necessarily on show: the table, the plot and a button icon.
        page.locator(".labsim-kpi-table").first.wait_for(state="attached", timeout=120_000)
        page.wait_for_function(PLOT_SHOWN, timeout=60_000)
        page.locator(".widget-button i.fa").first.wait_for(state="attached", timeout=30_000)
        page.wait_for_function(ICON_FONT_LOADED, timeout=30_000)
        browser.context.close()
    other, message = browser.elsewhere(host)
    assert other == [], message


def test_jupyterlab_requests_only_its_own_host_and_asks_about_no_news(chromium, tmp_path):
    # Fresh user settings: the news question is asked until someone has answered it.
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"))
    root = ["--allow-root"] if os.getuid() == 0 else []

    def launch(port, out):
        return start_lab("--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
                         "--ServerApp.token=", "--ServerApp.password=", *root,
                         env=env, stdout=out, stderr=out)

    with serving(launch, tmp_path / "lab.log") as port:
        host = f"127.0.0.1:{port}"
        browser = Browser(chromium)
        page = browser.page
        page.goto(f"http://{host}/lab/tree/START_HERE.ipynb", timeout=120_000)
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
        # The kernel is up once the status bar says Idle; the question would be out by then.
        page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=120_000)
        page.wait_for_timeout(2_000)
        asked = page.get_by_text(NEWS).count()
        # The page "Render with Voila" shows inside Lab (its toolbar button would save
        # START_HERE.ipynb first, so the test opens the page itself).
        page.goto(f"http://{host}/voila/render/START_HERE.ipynb", timeout=120_000)
        page.get_by_text("Start here").first.wait_for(timeout=60_000)
        page.wait_for_timeout(2_000)
        browser.context.close()
    other, message = browser.elsewhere(host)
    assert (asked, other) == (0, []), (f"JupyterLab asks: {NEWS}\n" if asked else "") + message
