"""What the browser tests share: Debian's chromium driven by Playwright (no browser is
downloaded), and the dashboard's or JupyterLab's server on a free port of 127.0.0.1, stopped
by its PID.

Importing it skips the importing module when chromium or Playwright is missing outside CI;
the fixtures ``chromium`` and ``dashboard_url`` (conftest.py) use it.
"""

import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest

from labsim.workshop.kernels import KERNEL_NAME
from labsim.workshop.serve import start

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_listening(server: subprocess.Popen, port: int, timeout_s: float = 90,
                         host: str = "127.0.0.1") -> None:
    """Wait until the server takes connections (asking for a page would start a kernel)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection((host, port), timeout=5).close()
            return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"the server did not start on port {port}") from None
            time.sleep(0.5)


def stop(server: subprocess.Popen) -> None:
    """Stop a server this test started (by its PID), killing it if it does not end."""
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@contextmanager
def launched(launch: Callable[[int, IO], subprocess.Popen], log: Path,
             host: str = "127.0.0.1") -> Iterator[tuple[int, subprocess.Popen]]:
    """A server ``launch(port, out)`` starts on a free port, listening on ``host``, its
    output in ``log``; yields the port and the server, and stops it afterwards."""
    port = free_port()
    with open(log, "w") as out:
        server = launch(port, out)
        try:
            wait_until_listening(server, port, host=host)
            yield port, server
        finally:
            stop(server)


@contextmanager
def serving(launch: Callable[[int, IO], subprocess.Popen], log: Path) -> Iterator[int]:
    """A server ``launch(port, out)`` starts on a free port of 127.0.0.1; yields the port."""
    with launched(launch, log) as (port, _server):
        yield port


@contextmanager
def launched_chromium() -> Iterator:
    """Debian's chromium, headless, through Playwright."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS,
                                             headless=True)
        yield browser
        browser.close()


@contextmanager
def served_room(log: Path, *options: str,
                host: str = "127.0.0.1") -> Iterator[tuple[int, subprocess.Popen]]:
    """The dashboard served as ``make dashboard`` serves it (``options`` added, e.g.
    ``--room``), with a result cache of its own beside ``log`` and nothing computed ahead;
    yields its port and its server."""
    cache = f"--cache={log.parent / 'cache'}"
    with launched(lambda port, out: start(port, cache, "--nothing-ahead", *options,
                                          stdout=out, stderr=out), log, host) as served:
        yield served


@contextmanager
def served_dashboard(log: Path) -> Iterator[str]:
    """The main dashboard served as ``make dashboard`` serves it; yields its URL."""
    with served_room(log) as (port, _server):
        yield f"http://127.0.0.1:{port}/"


def descendants(pid: int) -> list[int]:
    """The processes started by ``pid``, their children and so on (Linux: /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return sorted(found)


def kernels(server: subprocess.Popen) -> list[int]:
    """The kernels a dashboard server runs (one per open page): forked ones by their name,
    others by their command."""
    found = []
    for pid in descendants(server.pid):
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if name == KERNEL_NAME or b"ipykernel_launcher" in command:
            found.append(pid)
    return found


# The class comes with the rebuilt children, whose views the page draws a moment later.
DRAWN_IN_KHMER = """() => {
    const khmer = (selector) => {
        const found = document.querySelector(".labsim-dashboard.labsim-lang-km " + selector);
        return found !== null && /[\u1780-\u17ff]/.test(found.textContent);
    };
    return khmer(".labsim-kpi-table") && khmer(".labsim-figure svg");
}"""


def in_khmer(page) -> None:
    """Switch a dashboard page to Khmer and wait until its table and figure are in Khmer."""
    page.locator(".labsim-language button", has_text="ខ្មែរ").click()
    page.wait_for_function(DRAWN_IN_KHMER, polling=200, timeout=120_000)
