"""Where replications run: serially, in local processes, or on a Dask cluster.

Every task is a plain function call whose random numbers come from its own arguments
(seed, replication), so the executor changes the speed, never the numbers.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import InputError

EXECUTORS = ("serial", "processes", "dask")


@lru_cache(maxsize=4)
def local_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool kept alive between calls, so that a warm dashboard pays no start-up."""
    pool = ProcessPoolExecutor(max_workers=workers)
    atexit.register(pool.shutdown, wait=False, cancel_futures=True)
    return pool


def _progress_bar(total: int, desc: str, show: bool):
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="run")


def _dask_client(executor: Any, scheduler: str | None):
    if executor != "dask":
        return executor  # already a distributed.Client
    try:
        from distributed import Client
    except ImportError as err:  # pragma: no cover - dask is a test and extra dependency
        raise InputError("executor", "dask", "'serial' or 'processes' (install dask[distributed]"
                         " for 'dask')") from err
    if scheduler is None:
        raise InputError("scheduler", None, "a scheduler address with executor='dask', or pass "
                         "a distributed.Client as executor")
    return Client(scheduler)


def run_tasks(function: Callable[..., Any], tasks: Sequence[tuple], *,
              executor: Any = "processes", processes: int | None = None,
              scheduler: str | None = None, progress: bool = False, desc: str = "runs",
              on_result: Callable[[int, Any], None] | None = None) -> list[Any]:
    """``[function(*task) for task in tasks]``, computed by the chosen executor.

    ``executor``: "serial", "processes" (default: all cores) or "dask" (with ``scheduler``),
    or a ``distributed.Client``. ``on_result(index, result)`` is called as each task
    finishes (for caching); results come back in task order.
    """
    is_client = type(executor).__name__ == "Client"
    if not is_client and executor not in EXECUTORS:
        raise InputError("executor", executor,
                         f"one of {', '.join(EXECUTORS)} or a distributed.Client")
    results: list[Any] = [None] * len(tasks)
    bar = _progress_bar(len(tasks), desc, progress)

    def done(index: int, value: Any) -> None:
        results[index] = value
        if on_result is not None:
            on_result(index, value)
        if bar is not None:
            bar.update(1)

    try:
        if executor == "serial" or len(tasks) <= 1:
            for index, task in enumerate(tasks):
                done(index, function(*task))
        elif executor == "processes":
            pool = local_pool(processes or os.cpu_count() or 1)
            futures: dict[Future, int] = {pool.submit(function, *task): index
                                          for index, task in enumerate(tasks)}
            for future in as_completed(futures):
                done(futures[future], future.result())
        else:
            from distributed import as_completed as dask_completed

            client = _dask_client(executor, scheduler)
            try:
                futures = [client.submit(function, *task, pure=False) for task in tasks]
                index_of = {future.key: index for index, future in enumerate(futures)}
                for future in dask_completed(futures):
                    done(index_of[future.key], future.result())
            finally:
                if client is not executor:  # we opened it for this call
                    client.close()
    finally:
        if bar is not None:
            bar.close()
    return results


class ResultCache:
    """KPI rows on disk, keyed by everything that determines them (scenario content,
    seed, replication, run length, labsim version), so an interrupted sweep resumes."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def key(*parts: Any) -> str:
        text = json.dumps(parts, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def get(self, key: str) -> dict[str, float] | None:
        path = self._path(key)
        return json.loads(path.read_text()) if path.exists() else None

    def put(self, key: str, value: dict[str, float]) -> None:
        tmp = self._path(key).with_suffix(".tmp")
        tmp.write_text(json.dumps(value))
        tmp.replace(self._path(key))
