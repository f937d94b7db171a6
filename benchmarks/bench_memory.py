"""Memory of large runs: `python benchmarks/bench_memory.py` (part of `make bench`).

500 replications x 5 years of cambodia_baseline from the command line, with and without
--out (tables streamed to disk): the peak memory of the whole process tree (parent and
workers, resident set sizes summed, sampled every 0.1 s; target < 1 GB) and the wall time.
Then the run-size estimate against measured time at three sizes.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import labsim
from labsim.experiments.executors import cores
from labsim.experiments.run_size import estimate


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = [c for task in Path(f"/proc/{current}/task").glob("*/children")
                        for c in task.read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
        todo += [int(c) for c in children]
    return total


def peak_of(command: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.1)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return peak, time.perf_counter() - start


def main() -> None:
    run = [sys.executable, "-m", "labsim.views.cli", "run", "cambodia_baseline", "--years", "5",
           "--reps", "500", "--processes", "2"]
    print("500 replications x 5 years, 2 processes, peak memory of parent + workers")
    peak, seconds = peak_of(run)
    print(f"  KPIs only          : {peak / 2**30:5.2f} GiB in {seconds:5.1f} s   (target < 1 GB)")
    with tempfile.TemporaryDirectory() as out:
        peak, seconds = peak_of([*run, "--out", out])
        size = sum(p.stat().st_size for p in Path(out).glob("*.csv"))
        print(f"  with --out (CSV)   : {peak / 2**30:5.2f} GiB in {seconds:5.1f} s   "
              f"(target < 1 GB; {size / 2**30:.2f} GiB written)")

    print("run-size estimate against measured time, labsim.replicate on 2 processes")
    base = labsim.load_scenario("cambodia_baseline")
    pool = labsim.experiments.executors.local_processes(2)
    labsim.replicate([base], labsim.RunSettings(years=1, replications=2), executor=pool)
    for years, replications in ((5, 20), (20, 20), (10, 100)):
        settings = labsim.RunSettings(years=years, replications=replications)
        start = time.perf_counter()
        labsim.replicate([base], settings, executor=pool)
        measured = time.perf_counter() - start
        guess = estimate([base], settings, min(2, cores()), keep_cases=False).seconds
        print(f"  {years:3d} years x {replications:3d}: estimated {guess:6.1f} s, measured "
              f"{measured:6.1f} s (ratio {guess / measured:.2f})")


if __name__ == "__main__":
    main()
