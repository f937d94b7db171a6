"""What the browser tests share: Debian's chromium driven by Playwright (no browser is
downloaded), and a Voila or JupyterLab server on a free port of 127.0.0.1, stopped by its PID.

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


def wait_until_listening(server: subprocess.Popen, port: int, timeout_s: float = 90) -> None:
    """Wait until the server takes connections (asking for a page would start a kernel)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
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
def serving(launch: Callable[[int, IO], subprocess.Popen], log: Path) -> Iterator[int]:
    """A server ``launch(port, out)`` starts on a free port, listening, its output in
    ``log``; yields the port and stops the server afterwards."""
    port = free_port()
    with open(log, "w") as out:
        server = launch(port, out)
        try:
            wait_until_listening(server, port)
            yield port
        finally:
            stop(server)


@contextmanager
def launched_chromium() -> Iterator:
    """Debian's chromium, headless, through Playwright."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS,
                                             headless=True)
        yield browser
        browser.close()


@contextmanager
def served_dashboard(log: Path) -> Iterator[str]:
    """The main dashboard served by Voila as ``make dashboard`` serves it; yields its URL."""
    with serving(lambda port, out: start(port, stdout=out, stderr=out), log) as port:
        yield f"http://127.0.0.1:{port}/"
