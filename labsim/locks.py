"""One lock per key in a folder, shared by every process that uses the folder: the same work
asked for at once is done once (the result cache; dashboards sharing a cache).

A lock is a ``flock`` on the hidden file ``.<key>.lock``: the system releases it when its
holder ends, however it ends, so nobody waits for a killed process. The holder removes the
file as it lets go, and a process that gets a lock on a file already removed tries again, so
no lock file outlives its use unless its holder was killed (``remove_abandoned`` removes those).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .files import FILE_MODE, naming

try:
    import fcntl
except ImportError:  # Windows: each process works alone (results are the same, only slower)
    fcntl = None

LOCK_SUFFIX = ".lock"


class KeyLock:
    """The lock of ``key`` among every process using ``directory``; one holder at a time.

    ``try_acquire()`` takes it if it is free; ``acquire()`` (or ``with``) waits for it.
    """

    def __init__(self, directory: str | Path, key: str):
        self.path = Path(directory) / f".{key}{LOCK_SUFFIX}"
        self._descriptor: int | None = None

    def try_acquire(self) -> bool:
        """Take the lock if no other holder has it; True if taken."""
        return self._take(wait=False)

    def acquire(self) -> None:
        """Take the lock, waiting while another process holds it."""
        self._take(wait=True)

    def release(self) -> None:
        """Let go of the lock (removing its file first, so the next holder makes a new one)."""
        if self._descriptor is None:
            return
        with contextlib.suppress(OSError):  # a read-only disk keeps it: prune removes it
            self.path.unlink(missing_ok=True)
        os.close(self._descriptor)  # closing releases the flock
        self._descriptor = None

    def _take(self, wait: bool) -> bool:
        if fcntl is None:
            return True
        while True:
            with naming(self.path):
                descriptor = os.open(self.path, os.O_CREAT | os.O_RDWR, FILE_MODE)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
                if _same_file(descriptor, self.path):
                    self._descriptor = descriptor
                    return True
            except BlockingIOError:
                os.close(descriptor)
                return False
            except BaseException:  # Ctrl-C while waiting
                os.close(descriptor)
                raise
            os.close(descriptor)  # its holder removed it as we waited: take the new one

    def __enter__(self) -> KeyLock:
        self.acquire()
        return self

    def __exit__(self, *_) -> None:
        self.release()


def _same_file(descriptor: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``descriptor``."""
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    opened = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def remove_abandoned(directory: Path) -> int:
    """Remove the lock files in ``directory`` that no process holds (their holders were
    killed); returns how many."""
    removed = 0
    for path in sorted(directory.glob(f".*{LOCK_SUFFIX}")):
        lock = KeyLock(directory, path.name[1:].removesuffix(LOCK_SUFFIX))
        if lock.try_acquire():
            lock.release()  # which removes its file
            removed += 1
    return removed
