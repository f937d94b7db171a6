"""Serve a dashboard notebook as a web page with Voila (no code showing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOK = NOTEBOOKS / "02_prevention_vs_resolution.ipynb"


def voila_command(port: int = 8866, notebook: Path = NOTEBOOK) -> list[str]:
    """The Voila command line: localhost only, idle kernels culled after 15 minutes."""
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1", "--MappingKernelManager.cull_idle_timeout=900",
            "--MappingKernelManager.cull_interval=60"]


def start(port: int = 8866, notebook: Path = NOTEBOOK, **popen) -> subprocess.Popen:
    """Start Voila in the background; the caller stops it."""
    return subprocess.Popen(voila_command(port, notebook), cwd=notebook.parent, **popen)


def main() -> int:
    """Serve the main dashboard on http://127.0.0.1:8866/ until interrupted."""
    server = start()
    print("labsim dashboard on http://127.0.0.1:8866/ (Ctrl+C to stop)")
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        return server.wait()


if __name__ == "__main__":
    sys.exit(main())
