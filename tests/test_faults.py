"""Faults a long run meets: a worker killed, the parent killed or interrupted (with a process
pool or serially), a damaged cache, two sweeps into one folder or one cache, a Dask scheduler
lost. Nothing finished is lost, nothing is left running, and every message is one line.
Every process a test starts, it stops (by its PID)."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import labsim
from labsim.errors import RunError
from labsim.experiments.cache import CacheWarning
from labsim.experiments.executors import local_processes, run_tasks

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


def _as_from_a_terminal() -> None:
    """In the child before it runs: Ctrl-C acts, as in a terminal (a shell's background job
    starts with it ignored, and Python then keeps it ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_sweep(tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID)
    process = subprocess.Popen(_sweep_command(tmp_path / "out", grid),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_as_from_a_terminal)
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
    from labsim.experiments import cache, comparison
    labsim.sweep(baseline, points=[{"arbitration.arbitrators": 20}], settings=QUICK,
                 cache_dir=tmp_path, executor="serial", progress=False)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "changed-model")
    calls = []
    real = comparison.replication_kpis_task
    monkeypatch.setattr(comparison, "replication_kpis_task",
                        lambda *task: calls.append(task) or real(*task))
    labsim.sweep(baseline, points=[{"arbitration.arbitrators": 20}], settings=QUICK,
                 cache_dir=tmp_path, executor="serial", progress=False)
    assert len(calls) == 2  # both replications computed again


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


SERIAL_GRID = '[grid]\n"arbitration.arbitrators" = [9, 12]\n'
"""2 points x 10 replications: 20 cache entries."""


def _serial_sweep(out: Path, grid: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "labsim.views.cli", "sweep", "cambodia_baseline", "--grid",
            str(grid), "--out", str(out), "--years", "3", "--reps", "10", *extra]


def _entries(out: Path) -> dict[str, tuple[int, int]]:
    """Cache entries by name: (inode, time written), so a rewritten one shows."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in (out / "cache").glob("*.json")}


def _wait_for_entries(out: Path, at_least: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while (len(_entries(out)) if (out / "cache").is_dir() else 0) < at_least:
        assert process.poll() is None and time.monotonic() < deadline, "no entries appeared"
        time.sleep(0.05)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_serial_sweep_killed_halfway_resumes_where_it_stopped(tmp_path, how):
    grid = tmp_path / "grid.toml"
    grid.write_text(SERIAL_GRID)
    whole = subprocess.run(_serial_sweep(tmp_path / "whole", grid, "--executor", "serial"),
                           capture_output=True, text=True, timeout=300)
    assert whole.returncode == 0, whole.stderr
    out = tmp_path / "out"
    process = subprocess.Popen(_serial_sweep(out, grid, "--executor", "serial"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_entries(out, 6, process)
    process.send_signal(how)
    _, err = process.communicate(timeout=30)
    kept = _entries(out)
    assert 6 <= len(kept) < 20
    shown = [int(done) for done in re.findall(r"\| *(\d+)/20 \[", err)]
    assert max(shown) >= len(kept) - 1  # progress went on with the replications
    resumed = subprocess.run(_serial_sweep(out, grid, "--executor", "serial"),
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    after = _entries(out)
    assert len(after) == 20 and {name: after[name] for name in kept} == kept  # kept untouched
    [whole_file] = (tmp_path / "whole").glob("sweep-*.csv")
    assert (out / whole_file.name).read_bytes() == whole_file.read_bytes()


def test_ctrl_c_stops_a_serial_sweep_at_once_keeping_what_finished(tmp_path):
    grid = tmp_path / "grid.toml"
    grid.write_text(SERIAL_GRID)
    out = tmp_path / "out"
    process = subprocess.Popen(_serial_sweep(out, grid, "--executor", "serial"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_as_from_a_terminal)
    _wait_for_entries(out, 3, process)
    process.send_signal(signal.SIGINT)
    asked = time.monotonic()
    _, err = process.communicate(timeout=60)
    assert time.monotonic() - asked < 5  # at the next replication, not the end of the sweep
    assert process.returncode == 130
    lines = [line for line in err.splitlines() if line.startswith("labsim:")]
    assert "Traceback" not in err and len(lines) == 1
    kept = len(_entries(out))
    assert 3 <= kept < 20
    assert lines[0] == (f"labsim: interrupted: {kept} of 20 replications are cached in "
                        f"{out / 'cache'}; running the same again computes only the rest")


TWIN = """
import sys, time
from pathlib import Path
import labsim
from labsim.experiments import comparison
cache, log, go, result = sys.argv[1:]
real = comparison.replication_kpis_task
def computed(*task):
    with open(log, "a") as out:
        out.write(f"{task[2]}\\n")
    return real(*task)
comparison.replication_kpis_task = computed
while not Path(go).exists():
    time.sleep(0.005)
labsim.sweep("cambodia_baseline", points=[{"arbitration.arbitrators": 20}],
             settings=labsim.RunSettings(years=2, replications=12, warmup_days=30),
             cache_dir=cache, executor="serial", progress=False).to_csv(result)
"""


def test_two_processes_sharing_a_cache_compute_each_replication_once(tmp_path):
    script, go = tmp_path / "twin.py", tmp_path / "go"
    script.write_text(TWIN)
    twins = [subprocess.Popen([sys.executable, str(script), str(tmp_path / "cache"),
                               str(tmp_path / f"computed{n}"), str(go),
                               str(tmp_path / f"result{n}.csv")], stderr=subprocess.PIPE,
                              text=True) for n in (0, 1)]
    time.sleep(3.0)  # both have imported labsim and wait
    go.touch()
    for twin in twins:
        _, err = twin.communicate(timeout=120)
        assert twin.returncode == 0, err
    computed = [int(r) for n in (0, 1) if (tmp_path / f"computed{n}").exists()
                for r in (tmp_path / f"computed{n}").read_text().split()]
    assert sorted(computed) == list(range(12))  # each once, by one or the other
    assert (tmp_path / "result0.csv").read_bytes() == (tmp_path / "result1.csv").read_bytes()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_a_lost_dask_scheduler_ends_in_one_line_keeping_what_finished(tmp_path):
    pytest.importorskip("distributed")
    dask = str(Path(sys.executable).parent / "dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    started = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                 "--no-dashboard"], stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not _answers(port):
            assert time.monotonic() < deadline, "the scheduler never answered"
            time.sleep(0.2)
        started.append(subprocess.Popen(
            [dask, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
             "--host", "127.0.0.1"], stderr=subprocess.DEVNULL))
        grid = tmp_path / "grid.toml"
        grid.write_text(SERIAL_GRID)
        out = tmp_path / "out"
        sweep = subprocess.Popen(_serial_sweep(out, grid, "--scheduler", address),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(sweep)
        _wait_for_entries(out, 3, sweep)
        started[0].kill()  # the scheduler
        _, err = sweep.communicate(timeout=90)
        assert sweep.returncode == 1
        lines = [line for line in err.splitlines() if line.startswith("labsim:")]
        assert "Traceback" not in err and len(lines) == 1, err
        kept = len(_entries(out))
        assert lines[0] == (
            f"labsim: error: the Dask scheduler at {address} stopped answering before the "
            f"replications were done: start it again, or run on local processes; {kept} of 20 "
            f"replications are cached in {out / 'cache'}; running the same again computes "
            "only the rest")
        assert kept >= 3
    finally:
        for process in started:
            process.kill()
            process.wait(timeout=30)
