"""Where replications run: serially, in local processes, or on a Dask cluster.

Every task is a plain function call whose random numbers come from its own arguments
(seed, replication), so the executor changes the speed, never the numbers. All executors are
``concurrent.futures.Executor`` objects; ``executor`` arguments across labsim accept:

- ``"serial"``: in this process, one after the other;
- ``"processes"``: a local process pool with one worker per core, kept warm between calls;
- ``"dask"``: the Dask scheduler named by Dask's configuration (``DASK_SCHEDULER_ADDRESS``);
- a scheduler address such as ``"tcp://HOST:8786"``;
- any ``concurrent.futures.Executor`` (``local_processes(4)``, your own pool);
- a ``distributed.Client`` (its ``get_executor(pure=False)``: identical calls are never
  merged into one cached result).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import InputError

ExecutorLike = str | Executor | Any
"""See the module docstring."""
NAMED = ("serial", "processes", "dask")


class SerialExecutor(Executor):
    """Runs each task when it is submitted, in this process."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:  # the caller sees it when it asks for the result
            future.set_exception(err)
        return future


def cores() -> int:
    """Cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


@lru_cache(maxsize=4)
def local_processes(workers: int) -> ProcessPoolExecutor:
    """A process pool of ``workers`` kept alive between calls, so a warm dashboard pays no
    start-up."""
    pool = ProcessPoolExecutor(max_workers=workers)
    atexit.register(pool.shutdown, wait=False, cancel_futures=True)
    return pool


def _dask_executor(address: str | None) -> tuple[Executor, Callable[[], None]]:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - dask is a test and extra dependency
        raise InputError("executor", address or "dask",
                         "'serial' or 'processes' (install labsim[dask] for Dask)") from None
    if address is None:
        import dask

        address = dask.config.get("scheduler-address", None)
        if address is None:
            raise InputError("executor", "dask", "a scheduler address (executor="
                             "'tcp://HOST:8786' or DASK_SCHEDULER_ADDRESS) or a "
                             "distributed.Client")
    client = Client(address)
    return client.get_executor(pure=False), client.close


@contextmanager
def executor_for(executor: ExecutorLike) -> Iterator[Executor]:
    """The ``concurrent.futures.Executor`` an ``executor`` argument names; a Dask client
    opened here is closed again on leaving."""
    close: Callable[[], None] = lambda: None  # noqa: E731 - nothing to close by default
    if isinstance(executor, Executor):
        chosen = executor
    elif hasattr(executor, "get_executor"):  # a distributed.Client
        chosen = executor.get_executor(pure=False)
    elif executor == "serial":
        chosen = SerialExecutor()
    elif executor == "processes":
        chosen = local_processes(cores())
    elif executor == "dask" or (isinstance(executor, str) and "://" in executor):
        chosen, close = _dask_executor(None if executor == "dask" else executor)
    else:
        raise InputError("executor", executor,
                         f"one of {', '.join(NAMED)}, a scheduler address 'tcp://HOST:PORT', "
                         "a concurrent.futures.Executor or a distributed.Client")
    try:
        yield chosen
    finally:
        close()


def _progress_bar(total: int, desc: str, show: bool):
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="run")


def run_tasks(function: Callable[..., Any], tasks: Sequence[tuple], *,
              executor: ExecutorLike = "processes", progress: bool = False,
              desc: str = "runs",
              on_result: Callable[[int, Any], None] | None = None) -> list[Any]:
    """``[function(*task) for task in tasks]``, computed by ``executor``.

    ``on_result(index, result)`` is called as each task finishes (for caching); results
    come back in task order.
    """
    results: list[Any] = [None] * len(tasks)
    bar = _progress_bar(len(tasks), desc, progress)
    try:
        with executor_for("serial" if len(tasks) <= 1 else executor) as pool:
            futures = {pool.submit(function, *task): index for index, task in enumerate(tasks)}
            for future in as_completed(futures):
                index = futures[future]
                results[index] = future.result()
                if on_result is not None:
                    on_result(index, results[index])
                if bar is not None:
                    bar.update(1)
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
