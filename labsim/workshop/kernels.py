"""Kernels forked from one that has imported the dashboard already: a visit's kernel starts
in a fraction of a second instead of importing for two, and shares the imported modules'
memory with every other kernel (copy on write) instead of holding its own copy.

``serve_forks`` (``python -m labsim.workshop.kernels SOCKET``, started by ``serve``) imports
ipykernel and labsim's dashboards, reads the presets, and then forks one IPython kernel for
each request on its socket, in a folder only its user can open. ``ForkProvisioner`` is the
jupyter_client kernel provisioner the page server uses to ask it; where there is no such
process (``ZYGOTE_ENV`` unset) or the kernel is not IPython, it starts kernels as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner

from .room import die_with_parent

ZYGOTE_ENV = "LABSIM_KERNELS"
"""The socket of the process that forks kernels, for the page server."""
LAUNCHER = "ipykernel_launcher"
KERNEL_NAME = "labsim-kernel"
"""A forked kernel's process name (``ps``, ``top``; the tests find kernels by it)."""


KERNEL_IMPORTS = (
    "ipykernel.ipkernel", "ipykernel.kernelapp", "ipywidgets",
    # what a kernel imports as it starts (the debugger's debugpy and pydevd were a quarter
    # of a visit's kernel start) and as it draws its first figure (matplotlib forgets its
    # fonts at a fork, so a figure drawn here would spare a kernel little)
    "ipykernel.debugger", "IPython.core.completerlib", "IPython.core.debugger",
    "IPython.core.logger", "IPython.core.oinspect", "IPython.extensions.storemagic", "sqlite3",
    "matplotlib.backends.backend_svg", "pandas.core.methods.to_dict",
    "labsim.workshop.dashboards")
"""Modules every visit's kernel imports, imported once in the process that forks them
(``tests/test_kernels.py`` finds any a kernel imports that this leaves out)."""


def _preload() -> None:
    """Import and read what every dashboard kernel needs, once, before any fork."""
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # pydevd warns at import unless told not to; a kernel's own environment replaces this one
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for name in KERNEL_IMPORTS:
        importlib.import_module(name)
    from .controls import PolicyControls, policy_pair

    policy_pair("cambodia_baseline", PolicyControls())  # reads and validates the presets


def _reap(_signal: int, _frame: Any) -> None:
    """Collect every kernel that has ended, so its number is free and its end is seen."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def _become_kernel(request: dict[str, Any]) -> None:
    """In the forked child: become the kernel ``request`` asks for; never returns."""
    code = 1
    try:
        os.setsid()  # its own process group: the page server signals the kernel's group
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        with contextlib.suppress(OSError):
            Path("/proc/self/comm").write_text(KERNEL_NAME)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        die_with_parent()
        import ipywidgets
        from ipykernel.kernelapp import IPKernelApp

        argv = request["argv"][request["argv"].index(LAUNCHER) + 1:]
        sys.argv = [LAUNCHER, *argv]
        app = IPKernelApp.instance()
        # its parent, as jupyter_client tells a kernel it starts (JPY_PARENT_PID; a fork skips
        # that): ipykernel then prints no "Ctrl-C will not work" notice for every visit
        app.parent_handle = os.getppid()
        app.initialize(argv)
        ipywidgets.register_comm_target()  # done as it is imported in a kernel: here, now
        app.start()
        code = 0
    finally:
        os._exit(code)


def serve_forks(address: str) -> None:
    """Preload, then fork a kernel for every request on the Unix socket ``address`` (one
    JSON line: argv, env, cwd; the answer: the kernel's process number), until the process
    that started this one is gone. It runs no thread, so forking it is safe."""
    parent = os.getppid()
    _preload()
    gc.freeze()  # the preloaded objects stay shared with every kernel, never copied by GC
    signal.signal(signal.SIGCHLD, _reap)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(64)
    listener.settimeout(1.0)
    while os.getppid() == parent:
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        with connection:
            connection.settimeout(None)
            request = json.loads(connection.makefile("r").readline())
            pid = os.fork()
            if pid == 0:
                listener.close()
                connection.close()
                _become_kernel(request)
            connection.sendall(json.dumps({"pid": pid}).encode("utf-8") + b"\n")


def _fork(address: str, argv: list[str], env: dict[str, str], cwd: str) -> int:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(address)
        connection.sendall(json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode("utf-8")
                           + b"\n")
        return int(json.loads(connection.makefile("r").readline())["pid"])


class ForkedKernel:
    """A forked kernel as jupyter_client handles a started one (``subprocess.Popen``'s
    ways): it is not this process's child, so it is watched by its number."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and not _alive(self.pid):
            self.returncode = -signal.SIGKILL  # its parent collected the real one
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"kernel process {self.pid} still runs")
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ("Z", "X")


class ForkProvisioner(LocalProvisioner):
    """Starts an IPython kernel by asking the process that forks them (see the module)."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        address = os.environ.get(ZYGOTE_ENV)
        if not address or LAUNCHER not in cmd:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or Path.cwd())
        env = dict(kwargs.get("env") or os.environ)
        pid = await asyncio.to_thread(_fork, address, cmd, env, cwd)
        self.process = ForkedKernel(pid)
        self.pid = self.pgid = pid
        self.cwd = cwd
        return self.connection_info


if __name__ == "__main__":
    serve_forks(sys.argv[1])
