"""A lock per key, shared by processes: one holder at a time, free at once when its holder
is killed, and no lock file left by a holder that let go."""

import signal
import subprocess
import sys
import time

import pytest

from labsim.locks import KeyLock


def test_one_holder_at_a_time_and_no_file_left_after(tmp_path):
    first, second, other = (KeyLock(tmp_path, key) for key in ("k", "k", "other"))
    assert first.try_acquire()
    assert not second.try_acquire()
    assert other.try_acquire()  # one lock per key
    first.release()
    assert second.try_acquire()
    second.release()
    assert [p.name for p in tmp_path.iterdir()] == [".other.lock"]
    other.release()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow  # a second or more: make test runs it, make test-fast does not
def test_a_lock_held_by_a_killed_process_is_free_at_once(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time; from labsim.locks import KeyLock; "
         f"KeyLock({str(tmp_path)!r}, 'k').acquire(); print('held', flush=True); "
         "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert not KeyLock(tmp_path, "k").try_acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    started = time.monotonic()
    lock = KeyLock(tmp_path, "k")
    lock.acquire()
    assert time.monotonic() - started < 1
    lock.release()
    assert list(tmp_path.iterdir()) == []  # the lock file goes with its last holder
