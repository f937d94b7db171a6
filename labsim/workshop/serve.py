"""Serve the dashboard notebook as a web page (no code showing), or open JupyterLab.

`make dashboard` runs `python -m labsim.workshop.serve`: the page on http://127.0.0.1:8866/,
for this laptop only. `make workshop` runs it with `--room`: the page on the laptop's address
on the room's network, with a room code, its address and QR code printed and shown on a
facilitator page (http://127.0.0.1:8867/, this laptop only). Either way one server serves
the room: the pages share one pool of simulation workers and one result cache
(`labsim.workshop.room`), and answers are computed ahead (`labsim.workshop.ahead`). Only the
dashboard is served, never JupyterLab (`make lab` listens on 127.0.0.1 only).

Both work on a laptop with no internet: the pages ask no other host for anything.
`jupyter/` in the repository holds what makes that so (see jupyter/README.md):

- `jupyter/data/voila/templates/labsim/`: Voila's "lab" template without its links to Font
  Awesome on cdn.jsdelivr.net (Voila's own bundle already carries Font Awesome and its
  fonts, so button icons still show), and with the notice that tells a participant whose
  page lost its kernel to reload; found through JUPYTER_PATH.
- `jupyter/config/`: JupyterLab's settings, found through JUPYTER_CONFIG_PATH: the news
  question and update check turned off, an extension manager that does not ask PyPI, and
  Voila previews inside JupyterLab with the `labsim` template and the bundled MathJax.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK = NOTEBOOKS / "02_prevention_vs_resolution.ipynb"
START_HERE = ROOT / "START_HERE.ipynb"
JUPYTER_DATA = ROOT / "jupyter" / "data"      # the Voila template `labsim`
JUPYTER_CONFIG = ROOT / "jupyter" / "config"  # JupyterLab's offline settings
PORT = 8866
CULL_IDLE_SECONDS = 120
"""A kernel no page is connected to (its tab closed without saying so, a phone asleep) is
shut down after this long without activity; a closing tab shuts its kernel down at once."""
CULL_EVERY_SECONDS = 15
IOPUB_SECONDS = 300
"""How long Voila waits for a cell's output after the cell has run. Its default, 4 s, lost
the dashboard itself under load: with 25 pages opened at once every page came without its
dashboard and waited forever ("Timeout waiting for IOPub output" in the log)."""
STOP_SECONDS = 20
READY_SECONDS = 180
"""How long the process that forks kernels may take to import the dashboard."""


def _with_path(env: dict[str, str], name: str, first: Path) -> dict[str, str]:
    """`env` with `first` put ahead of the search path in variable `name`."""
    rest = env.get(name)
    return {**env, name: os.pathsep.join([str(first), rest] if rest else [str(first)])}


def default_cache() -> Path:
    """Where the room keeps its results between workshops (entries name the code that made
    them, so a changed model never reads old numbers; `labsim cache prune` tidies it)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "labsim" / "room"


def voila_command(port: int = PORT, notebook: Path = NOTEBOOK, address: str = "127.0.0.1",
                  code: str = "") -> list[str]:
    """The page server's command line (labsim.workshop.pages): one address, the offline
    template, the port it is given or none, a room code if any, kernels forked ready
    (labsim.workshop.kernels), kernels of closed pages culled, a cell's output awaited
    however busy the laptop is."""
    return [sys.executable, "-m", "labsim.workshop.pages", str(notebook), "--no-browser",
            f"--port={port}", "--Voila.port_retries=0", f"--Voila.ip={address}",
            f"--Voila.token={code}", "--template=labsim",
            "--KernelProvisionerFactory.default_provisioner_name=labsim-fork",
            f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
            f"--MappingKernelManager.cull_interval={CULL_EVERY_SECONDS}",
            f"--VoilaExecutor.iopub_timeout={IOPUB_SECONDS}",
            # quiet, so the address and the room's QR code stay on the facilitator's screen;
            # kernels over local sockets, no TCP port for anyone to reach (nor ipykernel's
            # warning about one, for every visit)
            "--Voila.log_level=WARN", "--KernelManager.transport=ipc"]


def voila_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Voila needs to find the `labsim` template."""
    return _with_path(dict(os.environ if env is None else env), "JUPYTER_PATH", JUPYTER_DATA)


def serve_command(port: int = PORT, *options: str) -> list[str]:
    """The command that serves the dashboard (`make dashboard`; `--room` for `make
    workshop`)."""
    return [sys.executable, "-m", "labsim.workshop.serve", f"--port={port}", *options]


def start(port: int = PORT, *options: str, **popen) -> subprocess.Popen:
    """Start the dashboard's server in the background; the caller stops it (SIGTERM stops
    its pages, kernels and workers too)."""
    return subprocess.Popen(serve_command(port, *options), cwd=ROOT, **popen)


def lab_command(*extra: str, notebook: Path = START_HERE) -> list[str]:
    """The JupyterLab command line (its arguments: lab_arguments)."""
    return [sys.executable, "-m", "jupyterlab", *lab_arguments(*extra, notebook=notebook)]


def lab_arguments(*extra: str, notebook: Path = START_HERE) -> list[str]:
    """JupyterLab's arguments: on this laptop only (`extra` appended), quiet but for warnings,
    so the address to open is the last thing it prints; settings in lab_env()."""
    def unless_given(option: str, *names: str) -> list[str]:
        return [] if any(given.startswith(names) for given in extra) else [option]

    return [str(notebook.relative_to(ROOT)),
            *unless_given("--ServerApp.ip=127.0.0.1", "--ip", "--ServerApp.ip"),
            *unless_given("--ServerApp.log_level=WARN", "--log-level", "--ServerApp.log_level"),
            *unless_given("--LabApp.log_level=WARN", "--LabApp.log_level"),
            # kernels over local sockets, not TCP ports (ipykernel warns about plain TCP)
            "--KernelManager.transport=ipc", *extra]


def lab_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment JupyterLab needs to find the offline configuration and the Voila template."""
    env = _with_path(dict(os.environ if env is None else env), "JUPYTER_CONFIG_PATH",
                     JUPYTER_CONFIG)
    return voila_env(env)


def start_lab(*extra: str, **popen) -> subprocess.Popen:
    """Start JupyterLab in the repository at START_HERE.ipynb; the caller stops it."""
    env = lab_env(popen.pop("env", None))
    return subprocess.Popen(lab_command(*extra), cwd=ROOT, env=env, **popen)


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m labsim.workshop.serve",
        description="Serve the dashboard: on this laptop only, or with --room on the room's "
                    "network. 'python -m labsim.workshop.serve lab' opens JupyterLab instead.")
    parser.add_argument("--room", action="store_true",
                        help="serve on the laptop's address on the room's network")
    parser.add_argument("--address", help="the address to serve on (with --room; default: "
                                          "the laptop's address on its network)")
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--facilitator-port", type=int,
                        help="the facilitator page's port on 127.0.0.1 (default: port + 1)")
    parser.add_argument("--no-room-code", action="store_true",
                        help="with --room: no room code in the address (anyone on the "
                             "network can open the page)")
    parser.add_argument("--workers", type=int, help="simulation workers (default: the cores)")
    parser.add_argument("--cache", type=Path, default=None,
                        help=f"the room's result cache (default: {default_cache()})")
    parser.add_argument("--nothing-ahead", action="store_true",
                        help="do not compute the dashboard's answers ahead")
    return parser.parse_args(argv)


@dataclass
class Room:
    """Everything one server runs: the workers, the page server, the facilitator page and
    the answers computed ahead; ``stop`` ends them all, by process number."""

    options: argparse.Namespace

    def start(self) -> None:
        from ..experiments.executors import cores
        from . import facilitator, invite
        from .kernels import ZYGOTE_ENV
        from .room import RoomPool

        options = self.options
        address = "127.0.0.1"
        if options.room:
            address = options.address or invite.network_address() or ""
            if not address:
                raise SystemExit("labsim: this laptop has no network address: connect it "
                                 "to the room's network (or give --address)")
        code = "" if not options.room or options.no_room_code else invite.room_code()
        self.invitation = invite.Invitation(address, options.port, code)
        self.pool = RoomPool(options.workers or cores(), options.cache or default_cache())
        env = {**voila_env(), **self.pool.env()}
        forks = self.pool.folder / "kernels.sock"
        self.processes: list[subprocess.Popen] = [subprocess.Popen(
            [sys.executable, "-m", "labsim.workshop.kernels", str(forks)], cwd=NOTEBOOK.parent,
            env=env)]
        _wait_for(forks, self.processes[0])
        self.processes.insert(0, subprocess.Popen(
            voila_command(options.port, NOTEBOOK, address, code), cwd=NOTEBOOK.parent,
            env={**env, ZYGOTE_ENV: str(forks)}))
        if not options.nothing_ahead:
            self.processes.append(subprocess.Popen(
                [sys.executable, "-m", "labsim.workshop.ahead"], cwd=ROOT, env=env))
        self.page = facilitator.serve_page(self.invitation, self.pool.stats,
                                           options.facilitator_port or options.port + 1)

    def wait(self) -> int:
        return self.processes[0].wait()

    def stop(self) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.page.shutdown()
        self.pool.stop()


def _wait_for(socket_path: Path, process: subprocess.Popen) -> None:
    """Wait until the process that forks kernels listens (it imports the dashboard first)."""
    deadline = time.monotonic() + READY_SECONDS
    while not socket_path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("labsim: the kernels could not be prepared (see the lines above)")
        time.sleep(0.1)


def announce(room: Room) -> None:
    """Say where the page is; for a room, with its QR code and the warning."""
    url = room.invitation.url
    page_port = room.page.server_address[1]
    if not room.options.room:
        print(f"labsim dashboard on {url} (this laptop only; Ctrl+C to stop)\n"
              f"Facilitator page: http://127.0.0.1:{page_port}/", flush=True)
        return
    print(f"\nlabsim dashboard for the room: participants open\n\n    {url}\n\n"
          f"{room.invitation.qr_text()}\n"
          "WARNING: anyone on this network who has this address can open the dashboard and "
          "run simulations on this laptop. Serve it only on the workshop's own network; "
          "Ctrl+C stops it.\n"
          + (f"Room code: {room.invitation.code} (asked of anyone who types the address "
             "without it)\n" if room.invitation.code else "No room code (--no-room-code).\n")
          + f"Facilitator page (this laptop only): http://127.0.0.1:{page_port}/\n",
          flush=True)


def trust_shipped_notebooks(notary=None, root: Path = ROOT) -> int:
    """Mark the project's notebooks, as git holds them, trusted (JupyterLab's signature), so
    their stored dashboards and figures show before a cell runs; a notebook changed outside
    JupyterLab, or not the project's, stays untrusted. Returns how many were marked; 0 when
    git cannot say. Example: ``trust_shipped_notebooks()`` before JupyterLab starts."""
    import nbformat
    from nbformat.sign import NotebookNotary

    def git(*args: str) -> list[str]:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              check=True).stdout.splitlines()

    try:
        changed = {line[3:] for line in git("status", "--porcelain", "--untracked-files=all")}
        shipped = [name for name in git("ls-files", "*.ipynb") if name not in changed]
    except (OSError, subprocess.CalledProcessError):
        return 0
    notary = notary or NotebookNotary()
    for name in shipped:
        notary.sign(nbformat.read(root / name, as_version=4))
    return len(shipped)


def _jupyterlab(extra: list[str]) -> int:
    """JupyterLab as lab_command() starts it, run in this process with its packages' notes to
    each other about deprecated settings left unprinted (Voila's import turns them back on)."""
    print("labsim: JupyterLab, on this laptop only, at START_HERE.ipynb (Ctrl+C to stop). For the "
          "dashboard as a web page, run `make dashboard` in a second terminal.", flush=True)
    os.chdir(ROOT)
    os.environ.update(lab_env())
    trust_shipped_notebooks()
    import voila  # noqa: F401
    from jupyterlab.labapp import main as jupyterlab

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    return jupyterlab(lab_arguments(*extra)) or 0


def main(argv: list[str] | None = None) -> int:
    """Serve the dashboard until interrupted (see the module)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["lab"]:  # JupyterLab in this process, so Ctrl+C behaves as usual
        return _jupyterlab(argv[1:])
    room = Room(arguments(argv))
    room.start()
    # `kill` stops the pages, their kernels and the workers too, not only this process
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(0))
    announce(room)
    try:
        return room.wait()
    except (KeyboardInterrupt, SystemExit):
        return 0
    finally:
        room.stop()


if __name__ == "__main__":
    sys.exit(main())
