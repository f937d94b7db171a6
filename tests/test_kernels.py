"""The process that forks the room's kernels: it loads what a visit's kernel needs before any
fork, and stays fit to fork (one thread, nothing asked of the room, nothing in its cache)."""

import json
import os
import socket
import subprocess
import sys

import pytest

from labsim.workshop.room import ADDRESS_ENV, CACHE_ENV, KEY_ENV

PRELOAD = """
import json, sys, threading
from labsim.workshop import kernels, room
kernels._preload()
print(json.dumps({"threads": threading.active_count(), "link": sorted(room._LINK),
                  "modules": sorted(sys.modules)}))
"""

HEAVY = ("debugpy", "pydev", "_pydev", "matplotlib", "IPython", "ipykernel", "ipywidgets",
         "labsim", "pandas", "numpy", "scipy", "sqlite3", "PIL", "simpy", "jinja2", "nbformat")
"""Packages a kernel should find imported already (a few light ones, psutil or runpy, it may
import itself)."""

KERNEL = """
import json, sys
from jupyter_client.manager import start_new_kernel
manager, client = start_new_kernel(kernel_name="python3")
try:
    reply = client.execute_interactive(
        "import sys, json\\n"
        "from labsim.workshop.dashboards import prevention_vs_resolution\\n"
        "board = prevention_vs_resolution()\\n"
        "print(json.dumps(sorted(sys.modules)))", timeout=300,
        output_hook=lambda message: message["msg_type"] == "stream" and print(
            message["content"]["text"], end=""))
finally:
    manager.shutdown_kernel(now=True)
"""


def _preloaded(tmp_path) -> dict:
    """What ``_preload`` leaves in a process of a room whose socket and cache are in
    ``tmp_path``."""
    env = {ADDRESS_ENV: str(tmp_path / "room.sock"), KEY_ENV: "00", CACHE_ENV: str(
        tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", PRELOAD], capture_output=True, text=True,
                          timeout=120, env={**_environ(), **env})
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", "the preload printed something on the facilitator's terminal"
    return json.loads(done.stdout)


def _environ() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("LABSIM_ROOM")}


def test_the_preload_runs_no_thread_and_asks_nothing_of_the_room(tmp_path):
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(tmp_path / "room.sock"))
    listener.listen(1)
    listener.settimeout(0.1)
    try:
        found = _preloaded(tmp_path)
        with pytest.raises(TimeoutError):
            listener.accept()  # no kernel-to-be connected to the room
    finally:
        listener.close()
    assert found["threads"] == 1  # forking a process with threads is not safe
    assert found["link"] == []
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


@pytest.mark.slow
def test_a_visits_kernel_imports_little_the_preload_did_not(tmp_path):
    """A kernel started the usual way and showing the dashboard imports nothing heavy that
    the preload left out (the debugger's debugpy and pydevd were a quarter of a kernel's
    start): a new ipykernel or dashboard import shows up here."""
    preloaded = set(_preloaded(tmp_path)["modules"])
    done = subprocess.run([sys.executable, "-c", KERNEL], capture_output=True, text=True,
                          timeout=300, env=_environ())
    assert done.returncode == 0, done.stderr
    in_kernel = set(json.loads(done.stdout.strip().splitlines()[-1]))
    left_out = sorted(m for m in in_kernel - preloaded if m.startswith(HEAVY))
    assert left_out == [], ", ".join(left_out)
