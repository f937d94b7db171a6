"""The result cache: KPI rows on disk, keyed by everything that determines them (scenario
content, seed, replication, run length and the code fingerprint), so an interrupted sweep
resumes and a changed model never gets old numbers back.

Each replication is put in the cache as soon as it finishes. An entry is read only when its
key, code fingerprint, KPI names, count and types and its checksum are what they should be;
anything else is named and recomputed. Processes sharing a cache compute each entry once
(``labsim.locks``), and ``prune`` removes what is no longer needed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files import check_output_dir, write_atomically
from ..locks import KeyLock, remove_abandoned
from ..version import code_fingerprint
from .executors import ExecutorLike, Progress, progress_bar, run_tasks

KPIs = dict[str, float]
ENTRY_NAME = re.compile(r"^[0-9a-f]{32}\.json$")
LEFTOVER_NAME = re.compile(r"^\..+?\.(?:(?P<pid>\d+)\.(?:[0-9a-f]{8}\.tmp|partial)"
                           r"|[a-z0-9_]{8}\.tmp)$")
"""Temporary files (``files.temporary_name``); from earlier versions, partial tables of
``run --out`` (``.cases.csv.<pid>.partial``) and temporary files (``.<name>.<8 chars>.tmp``)."""
STALE_SECONDS = 24 * 3600
"""A leftover whose process cannot be checked (no number, or not POSIX) is removed once it
has not changed for this long."""


class CacheWarning(UserWarning):
    """A cache entry was unreadable or not what its key asks for: it is recomputed."""


class ResultCache:
    """KPI rows on disk, one JSON file per replication: its key, the code fingerprint, the
    KPIs and their checksum."""

    def __init__(self, directory: str | Path):
        self.directory = check_output_dir(directory, "cache_dir")
        self.directory.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def key(*parts: Any) -> str:
        """The key of a result determined by ``parts`` and the code fingerprint."""
        text = json.dumps([*parts, code_fingerprint()], sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def path(self, key: str) -> Path:
        """The file of ``key``'s entry."""
        return self.directory / f"{key}.json"

    def get(self, key: str, names: Sequence[str]) -> KPIs | None:
        """The KPIs stored under ``key``, if the entry holds exactly ``names`` as numbers;
        None when there is none, or (with a CacheWarning naming it) when it is not sound."""
        path = self.path(key)
        if not path.exists():
            return None
        if path.is_dir():
            warnings.warn(CacheWarning(f"cache entry {path} is a directory, not a file: its "
                                       "replication is computed and not cached (remove the "
                                       "directory to cache it)"), stacklevel=2)
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as err:
            problem = f"cannot be read ({getattr(err, 'strerror', None) or 'not JSON'})"
        else:
            problem = _problem(entry, key, names)
        if problem is not None:
            warnings.warn(CacheWarning(f"cache entry {path} {problem}: recomputing it"),
                          stacklevel=2)
            return None
        return entry["kpis"]

    def put(self, key: str, value: KPIs) -> KPIs:
        """Store ``value`` under ``key``, whole, and return it as a read will (a directory in
        the way, named when read, is left alone)."""
        value = {name: float(number) for name, number in value.items()}
        path = self.path(key)
        if not path.is_dir():
            entry = {"key": key, "code": code_fingerprint(), "kpis": value,
                     "checksum": _checksum(value)}
            write_atomically(path, json.dumps(entry))
        return value

    def claim(self, key: str) -> KeyLock | None:
        """The lock of ``key``, if no other process is computing it."""
        lock = KeyLock(self.directory, key)
        return lock if lock.try_acquire() else None

    def wait_for(self, key: str) -> None:
        """Wait while another process computes ``key``."""
        with KeyLock(self.directory, key):
            pass

    def stored(self, keys: Sequence[str]) -> int:
        """How many of ``keys`` have an entry."""
        return sum(self.path(key).is_file() for key in keys)


def _checksum(value: KPIs) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode("utf-8")).hexdigest()


def _problem(entry: Any, key: str, names: Sequence[str]) -> str | None:
    """What makes a cache entry read for ``key`` unsound, or None."""
    if not (isinstance(entry, dict) and set(entry) == {"key", "code", "kpis", "checksum"}
            and isinstance(entry["kpis"], dict)):
        return "is not a cache entry"
    if entry["key"] != key:
        return f"holds another key ({str(entry['key'])[:32]})"
    if entry["code"] != code_fingerprint():
        return f"was made by other code ({str(entry['code'])[:12]}, now {code_fingerprint()})"
    kpis = entry["kpis"]
    if list(kpis) != list(names):
        missing = [name for name in names if name not in kpis]
        unknown = [name for name in kpis if name not in set(names)]
        return (f"has {len(kpis)} KPIs where its scenario has {len(names)}"
                + (f" (missing: {_listed(missing)})" if missing else "")
                + (f" (unknown: {_listed(unknown)})" if unknown else "")
                + ("" if missing or unknown else " (in another order)"))
    wrong = [name for name, value in kpis.items() if type(value) is not float]
    if wrong:
        return f"has KPIs that are not numbers ({_listed(wrong)})"
    if entry["checksum"] != _checksum(kpis):
        return "does not match its checksum"
    return None


def _listed(names: list[str]) -> str:
    """'a, b, c and 33 more'."""
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ", ".join(names[:3]) + more


def cached_results(cache: ResultCache, keys: Sequence[str], tasks: Sequence[tuple],
                   function: Callable[..., KPIs], names: Callable[[int], Sequence[str]],
                   executor: ExecutorLike, progress: Progress) -> list[KPIs]:
    """``[function(*task) for task in tasks]``, each read from ``cache`` under its key (with
    the KPI names ``names(index)``) or computed and put there as soon as it finishes.

    A task another process is computing is waited for and read, not computed twice. Any
    error or Ctrl-C keeps what finished and says, in a note, how many are cached.
    """
    run = _CachedRun(cache, keys, tasks, function, names)
    run.bar = progress_bar(len(run.todo), "replications", progress) if run.todo else None
    try:
        run.complete(executor)
    except BaseException as err:
        err.add_note(f"{cache.stored(keys)} of {len(keys)} replications are cached in "
                     f"{cache.directory}; running the same again computes only the rest")
        raise
    finally:
        if run.bar is not None:
            run.bar.close()
    return run.results


class _CachedRun:
    """The state of one ``cached_results`` call: results known, tasks still to do."""

    def __init__(self, cache: ResultCache, keys: Sequence[str], tasks: Sequence[tuple],
                 function: Callable[..., KPIs], names: Callable[[int], Sequence[str]]):
        self.cache, self.keys, self.tasks, self.function = cache, keys, tasks, function
        self.names = names
        self.results: list[KPIs | None] = [None] * len(keys)
        self.todo = [i for i in range(len(keys)) if not self._read(i)]
        self.rejected = {i for i in self.todo if cache.path(keys[i]).exists()}
        """Entries named as unsound: computed again without reading them twice."""
        self.bar: Any = None
        """The progress bar: one step per task done here or elsewhere."""
        self._held: dict[int, KeyLock] = {}
        self._sent: list[int] = []

    def _read(self, i: int) -> bool:
        """Read task ``i``'s result, if its entry is there and sound (the KPI names are
        worked out only then)."""
        if self.cache.path(self.keys[i]).exists():
            self.results[i] = self.cache.get(self.keys[i], self.names(i))
        return self.results[i] is not None

    def complete(self, executor: ExecutorLike) -> None:
        """Compute what no other process is computing; then wait for the others' results,
        and compute any they left undone."""
        while self.todo:
            try:
                run_tasks(self.function, self._claimed(), executor=executor,
                          on_result=self._store, keep=False)
            finally:
                for lock in self._held.values():
                    lock.release()
                self._held.clear()
            self.todo = [i for i in self.todo if self.results[i] is None]
            if self.todo:
                self.cache.wait_for(self.keys[self.todo[0]])
                self.todo = [i for i in self.todo if not self._done_elsewhere(i)]

    def _claimed(self) -> Iterator[tuple]:
        """The tasks to do that no other process has claimed, each claimed as it is sent."""
        self._sent = []
        for i in self.todo:
            lock = self.cache.claim(self.keys[i])
            if lock is None:
                continue
            if i not in self.rejected and self._done_elsewhere(i):
                lock.release()
                continue
            self._held[i] = lock
            self._sent.append(i)
            yield self.tasks[i]

    def _done_elsewhere(self, i: int) -> bool:
        """Whether another process has put task ``i``'s result in the cache meanwhile."""
        found = self._read(i)
        if found:
            self._step()
        return found

    def _step(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def _store(self, position: int, value: KPIs) -> None:
        i = self._sent[position]
        self.results[i] = self.cache.put(self.keys[i], value)
        self._held.pop(i).release()
        self._step()


@dataclass
class Pruned:
    """What ``prune`` removed, by reason, and the bytes freed."""

    files: Counter[str] = field(default_factory=Counter)
    freed_bytes: int = 0

    def remove(self, path: Path, reason: str) -> None:
        """Remove ``path``, counting it under ``reason``."""
        size = path.stat().st_size
        path.unlink()
        self.files[reason] += 1
        self.freed_bytes += size


def prune(directory: str | Path) -> Pruned:
    """Remove from ``directory`` and its ``cache`` folder what labsim no longer needs: cache
    entries of other code versions and damaged ones, temporary and partial files of
    processes that are gone, and locks their killed holders left."""
    pruned = Pruned()
    for folder in (Path(directory), Path(directory) / "cache"):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if not path.is_file():
                continue
            if ENTRY_NAME.match(path.name):
                reason = _stale_entry(path)
                if reason:
                    pruned.remove(path, reason)
            elif LEFTOVER_NAME.match(path.name) and _abandoned(path):
                pruned.remove(path, "temporary or partial files of processes that are gone")
        locks = remove_abandoned(folder)
        if locks:
            pruned.files["locks of killed processes"] += locks
    return pruned


def _stale_entry(path: Path) -> str | None:
    """Why a cache entry is no longer needed (other code, damaged), or None to keep it."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        sound = (isinstance(entry, dict) and isinstance(entry.get("kpis"), dict)
                 and entry.get("checksum") == _checksum(entry["kpis"]))
    except (OSError, UnicodeDecodeError, ValueError):
        sound = False
    if not sound:
        return "damaged cache entries"
    return None if entry.get("code") == code_fingerprint() else "entries of other code versions"


def _abandoned(path: Path) -> bool:
    """Whether the process that wrote a leftover is gone (where that cannot be told: the
    file has not changed for ``STALE_SECONDS``)."""
    pid = LEFTOVER_NAME.match(path.name)["pid"]
    if pid is not None and os.name == "posix":
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # another user's process
            return False
        return False
    return time.time() - path.stat().st_mtime > STALE_SECONDS
