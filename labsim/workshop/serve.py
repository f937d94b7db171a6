"""Serve the dashboard notebook with Voila (no code showing), or open JupyterLab.

Both work on a laptop with no internet: the pages they serve ask no other host for anything.
`jupyter/` in the repository holds what makes that so (see jupyter/README.md):

- `jupyter/data/voila/templates/labsim/`: Voila's "lab" template without its links to Font
  Awesome on cdn.jsdelivr.net (Voila's own bundle already carries Font Awesome and its
  fonts, so button icons still show); found through JUPYTER_PATH.
- `jupyter/config/`: JupyterLab's settings, found through JUPYTER_CONFIG_PATH: the news
  question and update check turned off, an extension manager that does not ask PyPI, and
  Voila previews inside JupyterLab with the `labsim` template and the bundled MathJax.

`make dashboard` runs `python -m labsim.workshop.serve`, `make lab` runs
`python -m labsim.workshop.serve lab`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK = NOTEBOOKS / "02_prevention_vs_resolution.ipynb"
START_HERE = ROOT / "START_HERE.ipynb"
JUPYTER_DATA = ROOT / "jupyter" / "data"      # the Voila template `labsim`
JUPYTER_CONFIG = ROOT / "jupyter" / "config"  # JupyterLab's offline settings


def _with_path(env: dict[str, str], name: str, first: Path) -> dict[str, str]:
    """`env` with `first` put ahead of the search path in variable `name`."""
    rest = env.get(name)
    return {**env, name: os.pathsep.join([str(first), rest] if rest else [str(first)])}


def voila_command(port: int = 8866, notebook: Path = NOTEBOOK) -> list[str]:
    """The Voila command line: localhost only, the offline template, idle kernels culled
    after 15 minutes."""
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1", "--template=labsim",
            "--MappingKernelManager.cull_idle_timeout=900",
            "--MappingKernelManager.cull_interval=60"]


def voila_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Voila needs to find the `labsim` template."""
    return _with_path(dict(os.environ if env is None else env), "JUPYTER_PATH", JUPYTER_DATA)


def start(port: int = 8866, notebook: Path = NOTEBOOK, **popen) -> subprocess.Popen:
    """Start Voila in the background; the caller stops it."""
    env = voila_env(popen.pop("env", None))
    return subprocess.Popen(voila_command(port, notebook), cwd=notebook.parent, env=env, **popen)


def lab_command(*extra: str, notebook: Path = START_HERE) -> list[str]:
    """The JupyterLab command line (`extra` appended); its settings are in lab_env()."""
    return [sys.executable, "-m", "jupyterlab", str(notebook.relative_to(ROOT)), *extra]


def lab_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment JupyterLab needs to find the offline configuration and the Voila template."""
    env = _with_path(dict(os.environ if env is None else env), "JUPYTER_CONFIG_PATH",
                     JUPYTER_CONFIG)
    return voila_env(env)


def start_lab(*extra: str, **popen) -> subprocess.Popen:
    """Start JupyterLab in the repository at START_HERE.ipynb; the caller stops it."""
    env = lab_env(popen.pop("env", None))
    return subprocess.Popen(lab_command(*extra), cwd=ROOT, env=env, **popen)


def main(argv: list[str] | None = None) -> int:
    """Serve the main dashboard on http://127.0.0.1:8866/ until interrupted.

    `python -m labsim.workshop.serve lab [options]` opens JupyterLab at START_HERE.ipynb
    instead; the options (e.g. --allow-root) go to JupyterLab.
    """
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["lab"]:  # JupyterLab in this process, so Ctrl+C behaves as usual
        os.chdir(ROOT)
        os.execve(sys.executable, lab_command(*argv[1:]), lab_env())
    server = start()
    # `kill` stops Voila (and so its kernels) too, not only this process
    signal.signal(signal.SIGTERM, lambda _signal, _frame: server.terminate())
    print("labsim dashboard on http://127.0.0.1:8866/ (Ctrl+C to stop)")
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        return server.wait()


if __name__ == "__main__":
    sys.exit(main())
