"""The room's workers: every page of a server shares one pool, bounded by the cores; the
numbers are those of local processes; the same work asked for by several kernels at once is
computed once; moves go before answers computed ahead; a worker that dies is replaced and
no page sees it. Kernels are played by processes that join the room as a kernel does."""

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import labsim
from labsim.experiments.comparison import replicate
from labsim.workshop import room
from labsim.workshop.room import Priority, RoomPool

QUICK = labsim.RunSettings(years=0.5, replications=4, warmup_days=30.0)
POLICIES = ("prevention_first", "resolution_first")
KERNEL = """
import hashlib
import sys
import labsim
from labsim.experiments.comparison import replicate
from labsim.workshop import room
settings = labsim.RunSettings(years=0.5, replications=4, warmup_days=30.0)
tables = replicate([labsim.load_scenario(name) for name in sys.argv[1:]], settings,
                   room.executor(), cache_dir=room.cache_directory())
print(hashlib.sha256("".join(table.to_csv() for table in tables).encode()).hexdigest())
"""


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    pool = RoomPool(2, tmp_path_factory.mktemp("room-cache"), log=lambda line: None)
    yield pool
    pool.stop()


@pytest.fixture(autouse=True)
def a_new_room(request):
    """Each test's work as a new room's: its tests count the tasks they compute (the pool
    keeps the latest results in memory, which a test's fresh cache folder does not clear)."""
    if "pool" in request.fixturenames:
        request.getfixturevalue("pool")._recent.clear()


@pytest.fixture
def in_the_room(pool, monkeypatch, tmp_path):
    """This process as one of the room's kernels, with a fresh cache."""
    monkeypatch.setattr(pool, "cache_dir", tmp_path)
    for name, value in pool.env().items():
        monkeypatch.setenv(name, value)
    room._LINK.clear()
    yield pool
    room._LINK.clear()


def _kernels(pool: RoomPool, count: int, cache: Path) -> list[subprocess.Popen]:
    """``count`` processes asking the room for the same replications at once."""
    env = {**os.environ, **pool.env(), room.CACHE_ENV: str(cache)}
    return [subprocess.Popen([sys.executable, "-c", KERNEL, *POLICIES], env=env,
                             stdout=subprocess.PIPE, text=True) for _ in range(count)]


def _serial() -> list[pd.DataFrame]:
    return replicate([labsim.load_scenario(name) for name in POLICIES], QUICK, "serial")


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_the_room_gives_the_numbers_of_a_serial_run_and_a_revisit_computes_nothing(
        in_the_room):
    scenarios = [labsim.load_scenario(name) for name in POLICIES]
    first = replicate(scenarios, QUICK, room.executor(), cache_dir=room.cache_directory())
    for table, expected in zip(first, _serial(), strict=True):
        pd.testing.assert_frame_equal(table, expected)
    run_before = in_the_room.tasks_run
    sent = room.tasks_sent()
    again = replicate(scenarios, QUICK, room.executor(), cache_dir=room.cache_directory())
    assert (room.tasks_sent(), in_the_room.tasks_run) == (sent, run_before)
    for table, expected in zip(again, first, strict=True):
        pd.testing.assert_frame_equal(table, expected)


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_the_pool_has_as_many_workers_as_it_was_given(pool):
    assert len(pool.worker_pids()) == pool.workers == 2


@pytest.mark.slow
def test_three_kernels_asking_for_the_same_settings_at_once_compute_them_once(pool, tmp_path):
    before = pool.tasks_run
    kernels = _kernels(pool, 3, tmp_path)
    sums = [kernel.communicate(timeout=180)[0].strip() for kernel in kernels]
    assert [kernel.returncode for kernel in kernels] == [0, 0, 0]
    assert len(set(sums)) == 1
    assert pool.tasks_run - before == len(POLICIES) * QUICK.replications


@pytest.mark.slow
def test_a_worker_killed_mid_run_is_replaced_and_no_kernel_notices(pool, tmp_path):
    replaced = pool.replaced_workers
    kernels = _kernels(pool, 2, tmp_path)
    deadline = time.monotonic() + 60
    while pool.stats()["running"] == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(pool.worker_pids()[0], signal.SIGKILL)
    sums = [kernel.communicate(timeout=180)[0].strip() for kernel in kernels]
    assert [kernel.returncode for kernel in kernels] == [0, 0]
    expected = hashlib.sha256("".join(t.to_csv() for t in _serial()).encode()).hexdigest()
    assert sums == [expected, expected]
    assert pool.replaced_workers == replaced + 1
    assert len(pool.worker_pids()) == 2


def _finish_order(pool: RoomPool) -> list[str]:
    """Six one-second tasks computed ahead, then a move: the order they finish in."""
    finished: list[str] = []
    lock = threading.Lock()

    def note(name):
        def noted(_future):
            with lock:
                finished.append(name)
        return noted

    ahead, move = room.executor(Priority.AHEAD), room.executor(Priority.MOVE)
    futures = []
    for n in range(6):
        futures.append(ahead.submit(time.sleep, 1.0 + n * 1e-6))
        futures[-1].add_done_callback(note(f"ahead {n}"))
    time.sleep(0.3)
    futures.append(move.submit(time.sleep, 0.01))
    futures[-1].add_done_callback(note("move"))
    for future in futures:
        future.result(timeout=60)
    return finished


@pytest.mark.slow
def test_a_move_goes_before_answers_computed_ahead(in_the_room):
    finished = _finish_order(in_the_room)
    assert finished.index("move") <= 2, finished  # after the two already running at most


def test_a_task_asked_for_just_after_it_ended_is_not_computed_again(in_the_room):
    """Single flight also covers the moment between a task's end and its result reaching
    the cache: a kernel asking then gets the result the room has just sent to another."""
    import math
    executor = room.executor()
    before = in_the_room.tasks_run
    first = executor.submit(math.factorial, 20).result(timeout=60)
    again = executor.submit(math.factorial, 20).result(timeout=60)
    assert first == again == math.factorial(20)
    assert in_the_room.tasks_run - before == 1
