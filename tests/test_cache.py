"""The result cache keeps each replication as it finishes, reads only entries that are what
their key asks for, and is computed once by processes sharing it; `labsim cache prune` removes
what is no longer needed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import labsim
from labsim.experiments import cache, comparison
from labsim.experiments.cache import CacheWarning
from labsim.experiments.executors import run_tasks
from labsim.experiments.runner import kpi_names, replication_kpis_task
from labsim.locks import KeyLock
from labsim.version import code_fingerprint
from labsim.views.cli import main

QUICK = labsim.RunSettings(years=1, replications=3, warmup_days=30)
POINTS = [{"arbitration.arbitrators": 20}]


def _sweep(baseline, directory: Path) -> pd.DataFrame:
    return labsim.sweep(baseline, points=POINTS, settings=QUICK, cache_dir=directory,
                        executor="serial", progress=False)


def _entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.json"))


@pytest.fixture
def counted(monkeypatch):
    """The replications computed (not read from a cache) from here on."""
    calls = []
    monkeypatch.setattr(comparison, "replication_kpis_task",
                        lambda *task: calls.append(task) or replication_kpis_task(*task))
    return calls


@pytest.mark.parametrize("preset", ["cambodia_baseline", "migrant_grievances",
                                    "korea_inspired", "textbook_network"])
def test_the_kpi_names_a_cache_expects_are_those_a_replication_gives(preset):
    scenario = labsim.load_scenario(preset)
    kpis = replication_kpis_task(scenario, QUICK, 0)
    assert kpi_names(scenario, QUICK) == list(kpis)
    assert all(isinstance(value, float) for value in kpis.values())


def _rewrite(path: Path, change) -> None:
    """Edit an entry as a careless tool would: the checksum recomputed to match."""
    entry = json.loads(path.read_text())
    change(entry)
    entry["checksum"] = cache._checksum(entry["kpis"])
    path.write_text(json.dumps(entry))


def _cut_short(entry: dict) -> None:
    entry["kpis"] = dict(list(entry["kpis"].items())[:36])


FORGERIES = {
    "36 of its KPIs": (_cut_short, "has 36 KPIs where its scenario has "),
    "another key": (lambda e: e.update(key="0" * 32), "holds another key"),
    "other code": (lambda e: e.update(code="0ld"), "was made by other code (0ld"),
    "a KPI as text": (lambda e: e["kpis"].update(grievances_per_year="many"),
                      "not numbers (grievances_per_year)"),
    "a KPI as a whole number": (lambda e: e["kpis"].update(grievances_per_year=5),
                                "not numbers (grievances_per_year)"),
    "an extra KPI": (lambda e: e["kpis"].update(x=1.0), "(unknown: x)"),
    "KPIs reordered": (lambda e: e.update(kpis=dict(reversed(e["kpis"].items()))),
                       "(in another order)"),
}


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
@pytest.mark.parametrize("forgery", FORGERIES)
def test_an_entry_that_is_not_what_its_key_asks_for_is_named_and_recomputed(
        baseline, tmp_path, counted, forgery):
    first = _sweep(baseline, tmp_path)
    entry = _entries(tmp_path)[0]
    change, said = FORGERIES[forgery]
    _rewrite(entry, change)
    counted.clear()
    with pytest.warns(CacheWarning) as caught:
        again = _sweep(baseline, tmp_path)
    [message] = [str(w.message) for w in caught]
    assert message.startswith(f"cache entry {entry} ") and said in message
    assert message.endswith(": recomputing it")
    assert len(counted) == 1  # that one entry, not the others
    pd.testing.assert_frame_equal(first, again)
    assert cache._problem(json.loads(entry.read_text()), entry.stem,
                          kpi_names(labsim.with_overrides(baseline, POINTS[0]),
                                    QUICK)) is None  # stored sound again


def test_a_directory_in_place_of_an_entry_is_named_and_never_blocks(baseline, tmp_path,
                                                                     counted):
    first = _sweep(baseline, tmp_path)
    entry = _entries(tmp_path)[0]
    entry.unlink()
    (entry / "left by a tool").mkdir(parents=True)
    for _ in range(2):  # and again on the next run: worked around, never an error
        counted.clear()
        with pytest.warns(CacheWarning, match=f"cache entry {entry} is a directory"):
            again = _sweep(baseline, tmp_path)
        pd.testing.assert_frame_equal(first, again)
        assert len(counted) == 1
    assert entry.is_dir()


def test_serial_runs_report_each_replication_as_it_ends():
    happened = []
    run_tasks(lambda n: happened.append(("run", n)) or n, [(n,) for n in range(3)],
              executor="serial", progress=lambda done, total: happened.append(("done", done)),
              on_result=lambda index, _: happened.append(("kept", index)))
    assert happened == [("done", 0), ("run", 0), ("kept", 0), ("done", 1), ("run", 1),
                        ("kept", 1), ("done", 2), ("run", 2), ("kept", 2), ("done", 3)]


def test_ctrl_c_in_a_serial_sweep_stops_there_keeps_what_finished_and_says_so(
        baseline, tmp_path, monkeypatch):
    calls = []

    def interrupted_at_the_third(*task):
        calls.append(task)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return replication_kpis_task(*task)

    monkeypatch.setattr(comparison, "replication_kpis_task", interrupted_at_the_third)
    points = POINTS + [{"arbitration.arbitrators": 25}]
    with pytest.raises(KeyboardInterrupt) as info:
        labsim.sweep(baseline, points=points, settings=QUICK, cache_dir=tmp_path,
                     executor="serial", progress=False)
    assert len(calls) == 3  # nothing ran after Ctrl-C
    assert len(_entries(tmp_path)) == 2
    assert info.value.__notes__ == [f"2 of 6 replications are cached in {tmp_path}; running "
                                    "the same again computes only the rest"]


def test_prune_removes_old_code_damaged_entries_and_leftovers_and_says_how_much(
        baseline, tmp_path, capsys, counted):
    folder = tmp_path / "cache"
    _sweep(baseline, folder)
    kept = _entries(folder)
    old = folder / ("a" * 32 + ".json")
    old.write_text(kept[0].read_text())
    _rewrite(old, lambda e: e.update(code="0ld"))
    damaged = folder / ("b" * 32 + ".json")
    damaged.write_text(kept[0].read_text()[:100])
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    leftovers = [folder / f".{kept[0].name}.{gone}.0123abcd.tmp",  # a killed writer's
                 tmp_path / f".cases.csv.{gone}.partial"]  # a killed run --out's, of old
    for path in leftovers:
        path.write_text("x" * 1000)
    abandoned = folder / f".{'c' * 32}.lock"  # its holder was killed
    abandoned.touch()
    running = folder / f".{kept[0].name}.{os.getpid()}.0123abcd.tmp"
    running.write_text("still being written")
    held = KeyLock(folder, "d" * 32)
    assert held.try_acquire()
    freed = old.stat().st_size + 100 + 2000
    try:
        assert main(["cache", "prune", str(tmp_path)]) == 0
    finally:
        held.release()
    assert capsys.readouterr().out.strip() == (
        f"removed 5 files from {tmp_path} (damaged cache entries: 1, entries of other code "
        "versions: 1, locks of killed processes: 1, temporary or partial files of processes "
        f"that are gone: 2), freeing {freed / 1e3:.1f} kB")
    assert not any(p.exists() for p in (old, damaged, abandoned, *leftovers))
    assert running.exists() and _entries(folder) == kept
    counted.clear()
    _sweep(baseline, folder)
    assert counted == []  # what is current is kept


def test_the_cache_key_carries_the_code_fingerprint(monkeypatch):
    before = cache.ResultCache.key("scenario", 1)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: code_fingerprint() + "x")
    assert cache.ResultCache.key("scenario", 1) != before
