"""The main dashboard as a web page: Voila serves it, a real Chromium uses it.

Playwright drives Debian's chromium (installed by .ci/run with apt-get; no browser is
downloaded). The test changes a slider and a dropdown, checks that the KPI table and the
plot change, and saves a screenshot to out/dashboard.png.
"""

import os
import socket
import time
import urllib.request
from pathlib import Path

import pytest

from labsim.catalog import CATALOG
from labsim.serve import start

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = Path(__file__).resolve().parent.parent / "out" / "dashboard.png"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory):
    port = _free_port()
    log = open(tmp_path_factory.mktemp("voila") / "voila.log", "w")
    server = start(port, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError(f"Voila did not start on {url}") from None
            time.sleep(0.5)
    yield url
    server.terminate()
    server.wait(timeout=20)
    log.close()


def _wait_for_change(read, before, timeout_s=90):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = read()
        if now and now != before:
            return now
        time.sleep(0.25)
    raise AssertionError("the view did not change")


def test_dashboard_page_reacts_to_slider_and_dropdown(dashboard_url):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(dashboard_url, timeout=120_000)
        table = page.locator(".labsim-kpi-table").first
        table.wait_for(timeout=120_000)
        image = page.locator(".labsim-dashboard img").first
        image.wait_for(timeout=60_000)
        assert "from labsim.widgets import" not in page.inner_text("body")
        first_table = table.inner_text()
        assert CATALOG["strike_days_per_year"].label in first_table

        readout = page.locator(".widget-slider .widget-readout").first
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("600000")
        page.keyboard.press("Enter")
        second_table = _wait_for_change(table.inner_text, first_table)
        page.locator(".labsim-status", has_text="Updated").wait_for(timeout=60_000)

        current = image.get_attribute("src")
        page.locator(".widget-dropdown select").first.select_option(
            label=CATALOG["grievances_per_year"].label)
        _wait_for_change(lambda: image.get_attribute("src"), current)
        assert second_table != first_table

        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
