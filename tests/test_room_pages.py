"""The room's pages in a real Chromium: a closed tab's kernel ends at once and its memory
goes with it; a page whose kernel died or was shut down says to reload, never freezes
silently; the facilitator page's QR code reads as the page's address, which opens the
dashboard (on 127.0.0.2, a second loopback address). Screenshots go to out/."""

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from served_pages import in_khmer, kernels, served_room

pytestmark = pytest.mark.slow

OUT = Path(__file__).resolve().parent.parent / "out"
LOST = "#labsim-lost"
PING_S = 30
"""jupyter_server pings a page's websocket every 30 s."""


def _open(browser, url: str):
    """The dashboard in a tab of its own browser context (a page opened by
    ``browser.new_page`` takes its context with it as it closes, and so the request its
    page sends as it closes, which a real browser sends)."""
    page = browser.new_context(viewport={"width": 1000, "height": 1400}).new_page()
    page.goto(url, timeout=120_000)
    page.locator(".labsim-kpi-table").first.wait_for(state="attached", timeout=120_000)
    page.locator(".labsim-status", has_text="Updated").wait_for(timeout=60_000)
    return page


def _within(seconds: float, condition) -> float:
    """How long ``condition()`` took to hold (fails after ``seconds``)."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, "not within the time allowed"
        time.sleep(0.25)
    return time.monotonic() - start


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    with served_room(tmp_path_factory.mktemp("room") / "serve.log") as (port, server):
        yield f"http://127.0.0.1:{port}/", server


def test_a_closed_tab_shuts_its_kernel_down_within_a_minute(room, chromium):
    url, server = room
    page = _open(chromium, url)
    assert len(kernels(server)) == 1
    page.close(run_before_unload=True)
    _within(60, lambda: kernels(server) == [])
    page.context.close()


def test_a_page_waits_for_a_busy_laptop_to_send_its_widgets(room, chromium):
    """The widget manager gives up on the kernel's answer after 4 s (and 18 of 25 pages of a
    loaded room then stayed blank); the page waits longer: here its kernel is stopped for
    8 s just as the page asks for its widgets, and the dashboard still arrives."""
    url, server = room
    page = chromium.new_context(viewport={"width": 1000, "height": 1400}).new_page()
    said = []
    page.on("console", lambda message: said.append(message.text))
    page.goto(url, timeout=120_000)
    (kernel,) = kernels(server)
    os.kill(kernel, signal.SIGSTOP)
    try:
        time.sleep(8)
    finally:
        os.kill(kernel, signal.SIGCONT)
    page.locator(".labsim-status", has_text="Updated").wait_for(timeout=120_000)
    assert any("widgets' states may take up to" in text for text in said)
    assert page.locator(LOST).count() == 0
    page.close(run_before_unload=True)
    _within(60, lambda: kernels(server) == [])
    page.context.close()


def test_a_page_whose_kernel_died_says_to_reload(room, chromium):
    url, server = room
    page = _open(chromium, url)
    # the notebook's "run the cell below" is for JupyterLab: the page never shows it
    assert page.locator(".labsim-lab-only").count() == 1
    assert not page.locator(".labsim-lab-only").is_visible()
    (kernel,) = kernels(server)
    os.kill(kernel, signal.SIGKILL)
    notice = page.locator(LOST)
    notice.wait_for(timeout=60_000)
    assert "Reload the page" in notice.inner_text()
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "dashboard_kernel_lost.png"))
    page.get_by_role("button", name="Reload the page").click()
    page.locator(".labsim-kpi-table").first.wait_for(state="attached", timeout=120_000)
    assert page.locator(LOST).count() == 0
    page.context.close()


def test_a_page_whose_kernel_was_shut_down_says_to_reload_in_its_language(room, chromium):
    url, server = room
    page = _open(chromium, url)
    in_khmer(page)
    kernel = re.search(r'"kernelId": "([\w-]+)"', page.content())[1]
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf")
    # what the culler does to a kernel left idle: shut it down on the server
    response = page.request.post(f"{url}voila/api/shutdown/{kernel}", form={"_xsrf": xsrf})
    assert response.status == 204
    page.locator(LOST).wait_for(timeout=60_000)
    assert page.get_by_role("button", name="ផ្ទុកទំព័រឡើងវិញ").count() == 1
    assert "ទំព័រនេះបានបាត់ការក្លែងធ្វើ" in page.inner_text(LOST)
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "dashboard_km_kernel_lost.png"))
    page.context.close()


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools is not installed")
def test_the_facilitator_pages_qr_code_opens_the_dashboard(chromium, tmp_path):
    log = tmp_path / "serve.log"
    with served_room(log, "--room", "--address=127.0.0.2", host="127.0.0.2") as (port, _s):
        printed = re.search(r"http://127\.0\.0\.2:\d+/\?token=\w+", log.read_text())[0]
        assert "WARNING: anyone on this network" in log.read_text()
        page = chromium.new_page(viewport={"width": 1000, "height": 1100})
        facilitator = re.search(r"Facilitator page.*?(http://127\.0\.0\.1:\d+/)",
                                log.read_text())[1]
        page.goto(facilitator)
        page.locator("#answers").wait_for()
        OUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUT / "room_facilitator.png"), full_page=True)
        scanned = subprocess.run(["zbarimg", "--quiet", "--raw", str(OUT / "room_facilitator.png")],
                                 capture_output=True, text=True).stdout.strip()
        assert scanned == printed
        page.close()
        phone = chromium.new_page(viewport={"width": 390, "height": 3000})
        phone.goto(scanned, timeout=120_000)
        phone.locator(".labsim-kpi-table").first.wait_for(state="attached", timeout=120_000)
        phone.close(run_before_unload=True)


def test_the_facilitators_terminal_stays_quiet_as_participants_visit(chromium, tmp_path,
                                                                    monkeypatch):
    """What the server prints stays the address (and in a room, its QR code): a visit adds no
    line (Voila's notes, ipykernel's about TCP or Ctrl-C once per kernel buried them, and the
    "not trusted" warning for a notebook JupyterLab never signed: here, an empty signature
    store), nor a page that stays open past its websocket's first ping."""
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))
    log = tmp_path / "serve.log"
    with served_room(log):
        printed = log.read_text()
        page = _open(chromium, re.search(r"http://127\.0\.0\.1:\d+/", printed)[0])
        page.wait_for_timeout(PING_S * 1000 + 5000)  # past a websocket ping (they once failed)
        assert page.locator(LOST).count() == 0  # the ping did not close the page's websocket
        page.context.close()
        after = log.read_text()
    assert after.startswith(printed) and after[len(printed):].strip() == "", after
    assert printed.splitlines()[0].startswith("labsim dashboard on http://127.0.0.1:")
