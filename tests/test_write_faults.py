"""Faults while writing: a full disk, a file-size limit, a folder turned read-only midway, a
directory in the way, a killed writer. Each ends in one line naming the file and what to do
(exit code 1), leaves no partial file behind and keeps every finished replication.

A full or read-only disk is a small tmpfs in a private mount namespace (``unshare -rm``: as
root or not, nothing outside the test sees it, and it is gone when the test ends); where
that is not allowed, those tests are skipped. Every process a test starts runs in its own
process group, which the test stops if it runs past its time."""

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import labsim
from labsim.errors import WriteError
from labsim.files import WholeFile, write_atomically
from labsim.views.cli import main

LABSIM = [sys.executable, "-m", "labsim.views.cli"]
ENTRY = re.compile(r"[0-9a-f]{32}\.json")
"""A cache entry's file name."""
QUICK = ["--years", "1", "--reps", "2", "--warmup-days", "30", "--executor", "serial"]
GRID = '[grid]\n"arbitration.arbitrators" = [9, 12]\n'


def _one_line(stderr: str) -> str:
    """The one 'labsim:' line a failure prints, with no traceback."""
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("labsim:")]
    assert len(lines) == 1, stderr
    return lines[0]


def _bounded(command: list[str], seconds: float, **options) -> subprocess.CompletedProcess:
    """Run ``command`` in a process group of its own; past ``seconds``, stop that group (the
    processes this test started, and only those) and fail."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True, **options)
    try:
        out, err = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{command} ran past {seconds} s")
    return subprocess.CompletedProcess(command, process.returncode, out, err)


@pytest.mark.parametrize("how", ["unnamed until put in place", "named temporary"])
def test_a_file_that_cannot_be_put_in_place_leaves_nothing_behind(tmp_path, monkeypatch, how):
    if how == "named temporary":  # as on macOS and Windows
        monkeypatch.setattr("labsim.files._unnamed_file", lambda directory: None)
    in_the_way = tmp_path / "summary.csv"
    (in_the_way / "a folder").mkdir(parents=True)
    with pytest.raises(WriteError) as info:
        write_atomically(in_the_way, "kpi,mean\n")
    assert str(info.value) == (f"could not write {in_the_way}: a directory is in the way: "
                               "remove it, or write to another folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.csv"]
    dropped = WholeFile(tmp_path / "cases.csv")
    dropped.write("replication,case_id\n")
    dropped.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.csv"]


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_every_file_labsim_writes_has_the_mode_of_any_other_file(tmp_path, umask, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID)
    before = os.umask(umask)
    try:
        assert main(["sweep", "cambodia_baseline", "--grid", str(grid), "--out",
                     str(tmp_path / "sweep"), *QUICK]) == 0
        assert main(["run", "cambodia_baseline", "--out", str(tmp_path / "run"), *QUICK]) == 0
        labsim.save_scenario(labsim.load_scenario("cambodia_baseline"), tmp_path / "s.toml")
        (tmp_path / "plain.txt").write_text("made by open()")
    finally:
        os.umask(before)
    modes = {p.relative_to(tmp_path).as_posix(): oct(p.stat().st_mode & 0o777)
             for p in tmp_path.rglob("*") if p.is_file() and p != grid}
    assert len(modes) == 1 + 4 + 5 + 2  # sweep file, its entries; 5 tables; scenario, plain
    assert set(modes.values()) == {oct(0o666 & ~umask)}, modes


def test_a_directory_in_the_way_of_the_sweep_file_is_one_line(tmp_path, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID)
    command = ["sweep", "cambodia_baseline", "--grid", str(grid), "--out", str(tmp_path), *QUICK]
    assert main(command) == 0
    [sweep_file] = tmp_path.glob("sweep-*.csv")
    sweep_file.unlink()
    sweep_file.mkdir()
    capsys.readouterr()
    assert main(command) == 1
    assert _one_line(capsys.readouterr().err) == (
        f"labsim: error: could not write {sweep_file}: a directory is in the way: remove it, "
        f"or write to another folder; every replication is cached in {tmp_path / 'cache'}: "
        "the same command writes the file without computing them again")


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))


@pytest.mark.slow
def test_a_file_size_limit_ends_run_out_in_one_line_and_leaves_no_file(tmp_path):
    out = tmp_path / "out"
    done = _bounded([*LABSIM, "run", "cambodia_baseline", "--out", str(out), "--years", "5",
                     "--reps", "6", "--executor", "serial"], 120, preexec_fn=_limit_file_size)
    assert done.returncode == 1
    assert re.fullmatch(rf"labsim: error: could not write {re.escape(str(out))}/\w+\.csv: "
                        r"the file would be larger than this system allows \(ulimit -f, .*",
                        _one_line(done.stderr))
    assert list(out.iterdir()) == []


def _open_in(pid: int, folder: Path) -> int:
    """How many files process ``pid`` has open in ``folder``."""
    try:
        targets = [os.readlink(p) for p in Path(f"/proc/{pid}/fd").iterdir()]
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return sum(t.startswith(f"{folder}/") for t in targets)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc")
def test_a_killed_run_out_leaves_no_partial_file(tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen([*LABSIM, "run", "cambodia_baseline", "--out", str(out),
                                "--years", "5", "--reps", "30", "--executor", "serial"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while _open_in(process.pid, out) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _open_in(process.pid, out) == 3, "the run never started writing its tables"
        time.sleep(1.0)  # a few replications into its files
    finally:
        process.kill()
        process.wait(timeout=30)
    assert list(out.iterdir()) == []


def _private_disks() -> bool:
    """Whether this machine lets a test mount a tmpfs in a private mount namespace."""
    if shutil.which("unshare") is None or not Path("/proc/self/fd").is_dir():
        return False
    with tempfile.TemporaryDirectory() as mount_point:
        probe = subprocess.run(["unshare", "-rm", "sh", "-c", 'mount -t tmpfs tmpfs "$0"',
                                mount_point], capture_output=True, timeout=30)
    return probe.returncode == 0


ON_A_SMALL_DISK = r"""
mount -t tmpfs -o size="$SIZE" tmpfs "$DISK" || exit 97
mkdir "$DISK/out"
"$@" > "$KEEP/stdout" 2> "$KEEP/stderr" &
labsim=$!
if [ -n "$READ_ONLY_WHEN" ]; then
    tries=0
    until eval "$READ_ONLY_WHEN" || [ $tries -gt 1200 ]; do sleep 0.05; tries=$((tries+1)); done
    mount --bind "$DISK/out" "$DISK/out" && mount -o remount,bind,ro "$DISK/out"
fi
wait $labsim
echo $? > "$KEEP/exit"
if [ -n "$READ_ONLY_WHEN" ]; then
    umount "$DISK/out"
    "$1" -m labsim.views.cli cache prune "$DISK/out" > "$KEEP/pruned"
fi
cp -a "$DISK/out" "$KEEP/out"
"""
"""Run a command on a tmpfs of ``$SIZE`` mounted at ``$DISK`` (its --out folder
``$DISK/out``); with ``$READ_ONLY_WHEN``, turn ``$DISK/out`` read-only once that shell test
holds, and afterwards (writable again) prune it. What was left is copied to ``$KEEP``."""

SMALL_DISKS = pytest.mark.skipif(not _private_disks(), reason="needs a tmpfs in a private "
                                 "mount namespace (unshare -rm)")


def _on_a_small_disk(tmp_path: Path, size: str, arguments: list[str],
                     read_only_when: str = "") -> tuple[int, str, Path]:
    """Run labsim with ``arguments`` (``{out}`` for its folder) on a small disk: its exit
    code, its stderr and a copy of what it left in its folder."""
    disk, keep = tmp_path / "disk", tmp_path / "keep"
    disk.mkdir()
    keep.mkdir()
    command = [*LABSIM, *(a.replace("{out}", f"{disk}/out") for a in arguments)]
    environment = {**os.environ, "SIZE": size, "DISK": str(disk), "KEEP": str(keep),
                   "READ_ONLY_WHEN": read_only_when}
    done = _bounded(["unshare", "-rm", "sh", "-c", ON_A_SMALL_DISK, "sh", *command], 240,
                    env=environment)
    assert done.returncode == 0, done.stderr
    return int((keep / "exit").read_text()), (keep / "stderr").read_text(), keep / "out"


def _sweep_arguments(tmp_path: Path, years: str, *extra: str) -> list[str]:
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID)
    return ["sweep", "cambodia_baseline", "--grid", str(grid), "--out", "{out}", "--years",
            years, "--reps", "10", *extra]


def _kept_entries(line: str, out: Path) -> int:
    """The entries in ``out/cache``, all whole and as many as ``line`` says."""
    said = re.search(r"; (\d+) of 20 replications are cached in \S+/out/cache; running the "
                     "same again computes only the rest$", line)
    assert said is not None, line
    entries = sorted((out / "cache").glob("*.json"))
    assert all(ENTRY.fullmatch(e.name) and json.loads(e.read_text())["kpis"]
               for e in entries)
    assert len(entries) == int(said[1]) > 0
    return len(entries)


@pytest.mark.slow
@SMALL_DISKS
def test_a_full_disk_ends_a_sweep_in_one_line_keeping_what_finished(tmp_path):
    code, stderr, out = _on_a_small_disk(tmp_path, "40k", _sweep_arguments(
        tmp_path, "2", "--executor", "serial"))
    line = _one_line(stderr)
    assert code == 1
    assert re.match(r"labsim: error: could not write \S+/out/cache/[0-9a-f]{32}\.json: the "
                    "disk is full: free some space, or write to another disk; ", line)
    kept = _kept_entries(line, out)
    assert sorted(p.name for p in (out / "cache").iterdir()) == sorted(
        p.name for p in (out / "cache").glob("*.json"))  # nothing else: no partial, no lock
    assert kept < 20


@pytest.mark.slow
@SMALL_DISKS
def test_a_full_disk_ends_run_out_in_one_line_and_leaves_no_file(tmp_path):
    code, stderr, out = _on_a_small_disk(tmp_path, "1m", [
        "run", "cambodia_baseline", "--out", "{out}", "--years", "5", "--reps", "10",
        "--executor", "serial"])
    assert code == 1
    assert re.fullmatch(r"labsim: error: could not write \S+/out/\w+\.csv: the disk is full: "
                        "free some space, or write to another disk", _one_line(stderr))
    assert list(out.iterdir()) == []


@pytest.mark.slow
@SMALL_DISKS
def test_a_folder_turned_read_only_mid_sweep_ends_in_one_line_keeping_what_finished(
        tmp_path):
    code, stderr, out = _on_a_small_disk(
        # 10 years a replication: the sweep must still be running when the watcher, which
        # looks every 50 ms, turns the folder read-only (3 years ended it in about 1 s)
        tmp_path, "64m", _sweep_arguments(tmp_path, "10", "--processes", "2"),
        read_only_when='[ "$(ls "$DISK/out/cache" 2>/dev/null | grep -c json)" -ge 2 ]')
    line = _one_line(stderr)
    assert code == 1
    assert re.match(r"labsim: error: could not write \S+/out/cache/\.?[0-9a-f]{32}\.(json|lock)"
                    ": the disk is read-only: write to another folder; ", line)
    _kept_entries(line, out)
    # locks it could not remove from a read-only disk are the only other files it may leave,
    # and `labsim cache prune` removes them once the disk is writable again
    assert [p for p in (out / "cache").iterdir() if not ENTRY.fullmatch(p.name)] == []


@pytest.mark.slow
@SMALL_DISKS
def test_a_folder_turned_read_only_mid_run_out_ends_in_one_line_and_leaves_no_file(tmp_path):
    code, stderr, out = _on_a_small_disk(
        tmp_path, "64m", ["run", "cambodia_baseline", "--out", "{out}", "--years", "2",
                          "--reps", "8", "--executor", "serial"],  # about 13 MB of tables
        read_only_when='[ "$(ls -l /proc/$labsim/fd | grep -c "$DISK/out/")" -ge 3 ]')
    assert code == 1
    assert re.fullmatch(r"labsim: error: could not write \S+/out/\w+\.csv: the disk is "
                        "read-only: write to another folder", _one_line(stderr))
    assert list(out.iterdir()) == []
