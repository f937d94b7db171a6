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
import itertools
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    CancelledError,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from ..errors import InputError, RunError, is_whole

ExecutorLike = str | Executor | Any
"""See the module docstring."""
NAMED = ("serial", "processes", "dask")
DASK_CONNECT_SECONDS = 10


class SerialExecutor(Executor):
    """Runs each task when it is submitted, in this process; Ctrl-C stops it there."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:  # the caller sees it when it asks for the result
            future.set_exception(err)
        return future


def cores() -> int:
    """Cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


_POOL: dict[str, Any] = {}
"""The one live local pool of this process: {"pool": ProcessPoolExecutor, "workers": n}."""


def _watch_parent(parent: int) -> None:
    """In a worker: exit as soon as the process that started it is gone (killed, or ended
    without shutting its pool down), so no worker outlives its parent."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def _worker_start(parent: int) -> None:
    """Worker set-up: Ctrl-C is the parent's to handle, and the worker dies with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def discard_pool() -> None:
    """Stop the local pool now, its workers included (after Ctrl-C, a dead worker, or at
    exit); the next call builds a fresh one."""
    pool = _POOL.pop("pool", None)
    _POOL.pop("workers", None)
    if pool is None:
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()


atexit.register(discard_pool)


def local_processes(workers: int) -> ProcessPoolExecutor:
    """The local process pool, with ``workers`` processes, kept warm between calls so a
    dashboard pays no start-up. There is at most one per process: asking for another size,
    or for a pool one of whose workers died, replaces it."""
    if not (is_whole(workers) and workers >= 1):
        raise InputError("workers", workers, "a whole number of processes >= 1")
    pool = _POOL.get("pool")
    if pool is not None and (_POOL["workers"] != workers or getattr(pool, "_broken", False)):
        discard_pool()
    if "pool" not in _POOL:
        _POOL["pool"] = ProcessPoolExecutor(max_workers=int(workers),
                                            initializer=_worker_start,
                                            initargs=(os.getpid(),))
        _POOL["workers"] = int(workers)
    return _POOL["pool"]


def workers_of(executor: ExecutorLike) -> int:
    """How many tasks ``executor`` runs at once (cores, where it cannot say)."""
    if executor == "serial" or isinstance(executor, SerialExecutor):
        return 1
    client = _dask_client(executor)
    if client is not None:
        return sum(client.nthreads().values()) or cores()
    return int(getattr(executor, "_max_workers", 0) or cores())


def _dask_client(executor: ExecutorLike) -> Any:
    """The ``distributed.Client`` behind a Dask executor, or None for any other."""
    return getattr(executor, "_client", None)


def _name(pool: Executor) -> str:
    """``pool`` in a message: the Dask scheduler at its address, or the executor (asked
    while it answers: a lost client forgets the address)."""
    client = _dask_client(pool)
    if client is None:
        return "the executor"
    return f"the Dask scheduler at {getattr(client.scheduler, 'address', '(unknown)')}"


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
    try:
        client = Client(address, timeout=DASK_CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as err:
        raise InputError("executor", address, "the address of a running Dask scheduler "
                         f"(none answered within {DASK_CONNECT_SECONDS} s: "
                         f"{type(err).__name__})") from None

    def close() -> None:
        """Close the client; if the scheduler is gone, without the tracebacks it logs as its
        reconnection is called off (the error raised says what happened)."""
        client_log = logging.getLogger("distributed.client")
        level = client_log.level
        client_log.setLevel(logging.CRITICAL)
        try:
            client.close()
        finally:
            client_log.setLevel(level)

    return client.get_executor(pure=False), close


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


class _Reporter:
    """A progress callback ``report(done, total)`` behind the progress bar's interface."""

    def __init__(self, report: Callable[[int, int], None], total: int):
        self.report, self.total, self.done = report, total, 0
        report(0, total)

    def update(self, n: int) -> None:
        self.done += n
        self.report(self.done, self.total)

    def close(self) -> None:
        pass


Progress = bool | Callable[[int, int], None]
"""Show a progress bar (True), nothing (False), or call ``report(done, total)``."""


def progress_bar(total: int | None, desc: str, show: Progress):
    """A progress bar with ``update(n)`` and ``close()``, or None for ``show=False``."""
    if callable(show):
        return _Reporter(show, total)
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="run")


def _at_once(pool: Executor, tasks: Sequence[tuple] | Iterator[tuple], keep: bool,
             in_flight: int | None) -> int:
    """How many tasks are out at once: one for the serial executor (it runs a task as it is
    sent, so each is reported as it ends), all of a kept list, else ``in_flight`` or twice
    the workers."""
    if isinstance(pool, SerialExecutor):
        return 1
    if keep and isinstance(tasks, Sequence):
        return len(tasks)
    return in_flight or 2 * workers_of(pool)


def run_tasks(function: Callable[..., Any], tasks: Sequence[tuple] | Iterator[tuple], *,
              executor: ExecutorLike = "processes", progress: Progress = False,
              desc: str = "runs",
              on_result: Callable[[int, Any], None] | None = None,
              keep: bool = True, in_flight: int | None = None) -> list[Any]:
    """``[function(*task) for task in tasks]``, computed by ``executor``.

    ``on_result(index, result)`` is called as each task finishes (for caching or writing);
    results come back in task order, or not at all with ``keep=False``: each is then dropped
    once ``on_result`` has it, and at most ``in_flight`` tasks (default: twice the workers)
    are out at once, so memory holds only those. ``tasks`` may be an iterator: it is read
    only as tasks are sent (so it may claim each just before). The serial executor runs one
    task at a time, each reported as it ends.
    """
    sized = isinstance(tasks, Sequence)
    results: dict[int, Any] = {}
    bar = progress_bar(len(tasks) if sized else None, desc, progress)
    futures: dict[Future, int] = {}
    used: list[Executor] = []
    name = "the executor"
    try:
        with executor_for("serial" if sized and len(tasks) <= 1 else executor) as pool:
            used.append(pool)
            name = _name(pool)
            queue = iter(enumerate(tasks))
            for index, task in itertools.islice(queue, _at_once(pool, tasks, keep, in_flight)):
                futures[pool.submit(function, *task)] = index
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=futures.get):
                    index = futures.pop(future)
                    result = future.result()
                    if on_result is not None:
                        on_result(index, result)
                    if keep:
                        results[index] = result
                    if bar is not None:
                        bar.update(1)
                    for waiting, task in itertools.islice(queue, 1):
                        futures[pool.submit(function, *task)] = waiting
    except BrokenProcessPool:
        discard_pool()
        raise RunError("a worker process stopped before its replication was done (killed, "
                       "or out of memory); the pool is rebuilt on the next call") from None
    except CancelledError:  # we cancel only on the way out: the executor cancelled them
        raise RunError(f"{name} stopped answering before the replications were done: start "
                       "it again, or run on local processes") from None
    except BaseException:  # Ctrl-C or a failed task: stop the rest now
        if used and used[0] is _POOL.get("pool"):
            if any(not f.done() for f in futures):
                discard_pool()  # cancels what waits, stops workers busy for nobody
        else:
            for future in futures:
                future.cancel()
        raise
    finally:
        if bar is not None:
            bar.close()
    return [results[index] for index in range(len(results))]
