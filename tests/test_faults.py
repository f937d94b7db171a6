"""Faults a long run meets: a worker killed, the parent killed or interrupted, a damaged
cache, two sweeps into one folder. Nothing finished is lost, nothing is left running, and
every message is one line."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import labsim
from labsim.errors import RunError
from labsim.experiments.executors import CacheWarning, local_processes, run_tasks

pytestmark = pytest.mark.slow
QUICK = labsim.RunSettings(years=1, replications=2, warmup_days=30)
GRID = '[grid]\n"arbitration.arbitrators" = [9, 12, 15, 18, 21, 25]\n'


def _die_on_one(number: int) -> int:
    if number == 1:
        os._exit(1)  # a worker killed in the middle of its task
    time.sleep(0.2)
    return number


def test_a_dead_worker_is_one_clear_error_and_the_next_run_works(baseline):
    pool = local_processes(2)
    with pytest.raises(RunError) as info:
        run_tasks(_die_on_one, [(n,) for n in range(4)], executor=pool)
    assert "rebuilt" in str(info.value)
    tables = labsim.replicate([baseline], QUICK, executor=local_processes(2))
    assert len(tables[0]) == 2


def _children(pid: int) -> list[int]:
    """Child processes started by any thread of ``pid``."""
    found = []
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(p) for p in path.read_text().split()]
        except FileNotFoundError:  # the thread ended meanwhile
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status  # a zombie has ended


def _sweep_command(out: Path, grid: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "labsim.views.cli", "sweep", "cambodia_baseline", "--grid",
            str(grid), "--out", str(out), "--years", "20", "--reps", "10", "--processes", "2",
            *extra]


def _start_sweep(tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID)
    process = subprocess.Popen(_sweep_command(tmp_path / "out", grid),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        workers = [p for p in _children(process.pid) if _alive(p)]
    assert len(workers) >= 2, "the sweep never started its workers"
    time.sleep(1.0)  # let some replications finish
    return process, workers


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_die_with_a_killed_parent(tmp_path, how):
    process, workers = _start_sweep(tmp_path)
    process.send_signal(how)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in workers)


def test_ctrl_c_ends_in_one_line_saying_what_is_cached(tmp_path):
    process, workers = _start_sweep(tmp_path)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    lines = [line for line in err.splitlines() if line.startswith("labsim:")]
    assert process.returncode == 130
    assert "Traceback" not in err
    assert len(lines) == 1 and "interrupted" in lines[0] and "cached" in lines[0]
    time.sleep(1.0)
    assert not any(_alive(p) for p in workers)


def test_a_damaged_cache_entry_is_named_and_recomputed(baseline, tmp_path):
    points = [{"arbitration.arbitrators": n} for n in (20, 25)]
    first = labsim.sweep(baseline, points=points, settings=QUICK, cache_dir=tmp_path,
                         executor="serial", progress=False)
    entries = sorted(tmp_path.glob("*.json"))
    entries[0].write_text(entries[0].read_text()[:20])  # truncated
    edited = entries[1].read_text().replace('"kpis": {"', '"kpis": {"x": 1.0, "', 1)
    entries[1].write_text(edited)  # well-formed, but not what was computed
    with pytest.warns(CacheWarning) as caught:
        again = labsim.sweep(baseline, points=points, settings=QUICK, cache_dir=tmp_path,
                             executor="serial", progress=False)
    named = " ".join(str(w.message) for w in caught)
    assert str(entries[0]) in named and str(entries[1]) in named
    pd.testing.assert_frame_equal(first, again)


def test_a_new_code_fingerprint_never_reads_old_results(baseline, tmp_path, monkeypatch):
    from labsim.experiments import executors
    labsim.sweep(baseline, points=[{"arbitration.arbitrators": 20}], settings=QUICK,
                 cache_dir=tmp_path, executor="serial", progress=False)
    monkeypatch.setattr(executors, "code_fingerprint", lambda: "changed-model")
    calls = []
    original = executors.run_tasks
    monkeypatch.setattr("labsim.experiments.comparison.run_tasks",
                        lambda f, tasks, **kw: calls.append(len(tasks)) or original(f, tasks,
                                                                                    **kw))
    labsim.sweep(baseline, points=[{"arbitration.arbitrators": 20}], settings=QUICK,
                 cache_dir=tmp_path, executor="serial", progress=False)
    assert calls == [2]  # both replications computed again


def test_two_sweeps_into_one_folder_keep_both_results(tmp_path):
    out = tmp_path / "out"
    commands = []
    for number, values in enumerate(("[9, 12]", "[15, 18]")):
        grid = tmp_path / f"grid{number}.toml"
        grid.write_text(f'[grid]\n"arbitration.arbitrators" = {values}\n')
        commands.append([sys.executable, "-m", "labsim.views.cli", "sweep", "cambodia_baseline",
                         "--grid", str(grid), "--out", str(out), "--years", "1", "--reps", "3",
                         "--processes", "1"])
    running = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for c in commands]
    assert [p.wait(timeout=120) for p in running] == [0, 0]
    files = sorted(out.glob("sweep-*.csv"))
    assert len(files) == 2
    seen = {tuple(sorted(pd.read_csv(f, comment="#")["arbitration.arbitrators"].unique()))
            for f in files}
    assert seen == {(9, 12), (15, 18)}


DASK_SWEEP = """
import sys
from distributed import Client, LocalCluster
import labsim
if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \\
            Client(cluster) as client:
        print("ready", flush=True)
        labsim.sweep("cambodia_baseline", grid={"arbitration.arbitrators": list(range(9, 40))},
                     settings=labsim.RunSettings(years=20, replications=10), executor=client,
                     progress=False)
"""


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        children = _children(todo.pop())
        found += children
        todo += children
    return found


def test_dask_local_workers_die_with_a_killed_parent(tmp_path):
    script = tmp_path / "dask_sweep.py"
    script.write_text(DASK_SWEEP)
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    assert process.stdout.readline().strip() == "ready"
    time.sleep(2.0)
    workers = [p for p in _descendants(process.pid) if _alive(p)]
    assert len(workers) >= 2
    process.kill()
    process.wait(timeout=30)
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not any(_alive(p) for p in workers)
