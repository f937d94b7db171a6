"""The room's simulation workers: every dashboard page a server shows shares one pool of
worker processes, as many as the cores, instead of each page starting its own.

``RoomPool`` (started by ``labsim.workshop.serve``) takes tasks from the pages' kernels over
a Unix socket in a folder only its user can open, with a key, and runs them in order of
priority: participants' moves first, in the order they were made, then robustness checks,
then answers computed ahead. A task asked for again while it is queued or running is computed
once. A worker that dies is replaced and its tasks run again, so no page sees it.

Kernels reach it through ``executor()``, a ``concurrent.futures.Executor``, and share its
result cache (``cache_directory()``); outside a room both are None.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import itertools
import math
import multiprocessing
import os
import pickle
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from enum import IntEnum
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from typing import Any

from ..errors import RunError

ADDRESS_ENV = "LABSIM_ROOM"
"""The room's socket, for the kernels the server starts."""
KEY_ENV = "LABSIM_ROOM_KEY"
"""The key a kernel shows the room (hex)."""
WORKERS_ENV = "LABSIM_ROOM_WORKERS"
CACHE_ENV = "LABSIM_ROOM_CACHE"
"""The room's result cache folder, shared by every kernel."""
ATTEMPTS = 2
"""Runs of a task whose worker died before it is given up as the cause."""
ANSWERS_KEPT = 10_000
RESULTS_KEPT = 64
"""Results of the latest tasks kept in memory, for a kernel asking just after a task ended
and before the kernel that asked first has written it to the cache (single flight)."""


class Priority(IntEnum):
    """Which tasks the room runs first."""

    MOVE = 0
    """A participant's move: the page waits for it."""
    CHECK = 1
    """A robustness check (tens of seconds; the page shows its progress)."""
    AHEAD = 2
    """An answer computed ahead, before anyone asks for it."""


@dataclass(order=True)
class _Task:
    """A task queued or running, and everyone waiting for its result."""

    rank: tuple[int, float, int]
    """(priority, when its request started, arrival): the smallest runs first."""
    digest: str = field(compare=False)
    payload: bytes = field(compare=False)
    waiting: list[tuple[_Page, int]] = field(default_factory=list, compare=False)
    running: bool = field(default=False, compare=False)
    attempts: int = field(default=0, compare=False)


class _Page:
    """One kernel's connection to the room."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.sending = threading.Lock()
        self.tasks: dict[int, str] = {}
        """Its task numbers and the digests of their tasks."""

    def send(self, message: tuple) -> None:
        with self.sending, contextlib.suppress(OSError, ValueError):  # a page gone away
            self.connection.send(message)


def die_with_parent() -> None:
    """Exit as soon as the process that started this one is gone, so nothing outlives the
    server (a thread that watches; the room's workers and its kernels call it)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _worker_start() -> None:
    """In a worker: Ctrl-C is the server's to handle, and the worker dies with the room."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def _run(payload: bytes) -> Any:
    """In a worker: run a task as its kernel pickled it."""
    function, args = pickle.loads(payload)
    return function(*args)


def _context() -> multiprocessing.context.BaseContext:
    """Workers forked from a small server that has imported the model already, so a new
    worker starts at once and shares its memory (fork itself is unsafe in a threaded room)."""
    if sys.platform == "win32":  # pragma: no cover - the room serves from Linux or macOS
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["labsim.experiments.runner"])
    return context


class RoomPool:
    """The simulation workers of one server, shared by its kernels (see the module)."""

    def __init__(self, workers: int, cache_dir: Path, log: Callable[[str], None] = print):
        self.workers, self.cache_dir, self.log = workers, Path(cache_dir), log
        self.key = secrets.token_bytes(32)
        self.folder = Path(tempfile.mkdtemp(prefix="labsim-room-"))  # mode 0700
        self.address = str(self.folder / "room.sock")
        self._lock = threading.Condition()
        self._queue: list[_Task] = []
        self._tasks: dict[str, _Task] = {}
        self._running = 0
        self._arrivals = itertools.count()
        self._pages: set[_Page] = set()
        self._answers: list[tuple[float, bool]] = []
        self._recent: dict[str, Any] = {}
        """The latest tasks' results by digest, oldest first."""
        self.replaced_workers = 0
        self.tasks_run = 0
        """Tasks sent to a worker (each computation once, however many asked for it)."""
        self.ahead: dict[str, int] = {}
        """How many of the answers computed ahead are done."""
        self._stopped = False
        self._pool = self._new_pool()
        self._listener = Listener(self.address, family="AF_UNIX", authkey=self.key)
        for target in (self._accept, self._dispatch):
            threading.Thread(target=target, daemon=True).start()

    def env(self) -> dict[str, str]:
        """What a kernel needs to find the room (set in the server's environment)."""
        return {ADDRESS_ENV: self.address, KEY_ENV: self.key.hex(),
                WORKERS_ENV: str(self.workers), CACHE_ENV: str(self.cache_dir)}

    def _new_pool(self) -> ProcessPoolExecutor:
        """A pool with its workers started now, so the first move does not wait for them."""
        pool = ProcessPoolExecutor(self.workers, mp_context=_context(),
                                   initializer=_worker_start)
        for _ in range(self.workers):
            pool.submit(os.getpid)
        return pool

    def worker_pids(self) -> list[int]:
        """The process numbers of the live workers."""
        return [p.pid for p in (getattr(self._pool, "_processes", None) or {}).values()
                if p.is_alive()]

    def _accept(self) -> None:
        while not self._stopped:
            try:
                connection = self._listener.accept()
            except (OSError, EOFError, multiprocessing.AuthenticationError):
                continue  # a refused or failed connection; stop() closes the listener
            page = _Page(connection)
            with self._lock:
                self._pages.add(page)
            threading.Thread(target=self._listen, args=(page,), daemon=True).start()

    def _listen(self, page: _Page) -> None:
        """Read one kernel's messages until it goes away, then drop what it still waits for."""
        try:
            while True:
                kind, *rest = page.connection.recv()
                if kind == "run":
                    self._queue_task(page, *rest)
                elif kind == "cancel":
                    self._cancel(page, *rest)
                elif kind == "answered":
                    self._answered(*rest)
                elif kind == "ahead":
                    self.ahead = {"done": int(rest[0]), "total": int(rest[1])}
        except (EOFError, OSError, pickle.UnpicklingError, ValueError, TypeError):
            pass
        with self._lock:
            for number in list(page.tasks):
                self._cancel_locked(page, number)
            self._pages.discard(page)
        page.connection.close()

    def _queue_task(self, page: _Page, number: int, priority: int, asked_at: float,
                    payload: bytes) -> None:
        digest = hashlib.sha256(payload).hexdigest()
        rank = (int(priority), float(asked_at), next(self._arrivals))
        with self._lock:
            done = digest in self._recent
            if done:
                result = self._recent[digest]
            else:
                task = self._tasks.get(digest)
                if task is None:
                    task = self._tasks[digest] = _Task(rank, digest, payload)
                    heapq.heappush(self._queue, task)
                elif rank < task.rank and not task.running:  # asked again, more urgently
                    task.rank = rank
                    heapq.heapify(self._queue)
                task.waiting.append((page, number))
                page.tasks[number] = digest
                self._lock.notify_all()
        if done:  # computed a moment ago, for another page
            page.send(("done", number, result))

    def _cancel(self, page: _Page, number: int) -> None:
        with self._lock:
            self._cancel_locked(page, number)

    def _cancel_locked(self, page: _Page, number: int) -> None:
        task = self._tasks.get(page.tasks.pop(number, ""))
        if task is None:
            return
        task.waiting = [w for w in task.waiting if w != (page, number)]
        if not task.waiting and not task.running:
            self._queue.remove(task)
            heapq.heapify(self._queue)
            del self._tasks[task.digest]

    def _answered(self, seconds: float, computed: bool) -> None:
        with self._lock:
            self._answers.append((float(seconds), bool(computed)))
            del self._answers[:-ANSWERS_KEPT]

    def _dispatch(self) -> None:
        """Keep every worker busy with the most urgent task, and no more: a move that
        arrives finds the next free worker."""
        while True:
            with self._lock:
                while not self._stopped and not (self._queue and self._running < self.workers):
                    self._lock.wait()
                if self._stopped:
                    return
                task = heapq.heappop(self._queue)
                task.running = True
                self._running += 1
                self.tasks_run += 1
                pool = self._pool
            try:
                future = pool.submit(_run, task.payload)
            except (BrokenProcessPool, RuntimeError):  # broken meanwhile: try again
                future = Future()
                future.set_exception(BrokenProcessPool())
            future.add_done_callback(lambda done, t=task, p=pool: self._finished(t, p, done))

    def _finished(self, task: _Task, pool: ProcessPoolExecutor, done: Future) -> None:
        try:
            outcome: tuple[str, Any] = ("done", done.result())
        except BrokenProcessPool:
            if self._ran_again(task, pool):
                return
            outcome = ("failed", RunError("a simulation worker stopped twice on the same "
                                          "replication (out of memory?)"))
        except BaseException as err:  # the task's own error, for its kernel to raise
            outcome = ("failed", err)
        with self._lock:
            self._running -= 1
            del self._tasks[task.digest]
            if outcome[0] == "done":
                self._recent[task.digest] = outcome[1]
                for old in list(self._recent)[:-RESULTS_KEPT]:
                    del self._recent[old]
            waiting = task.waiting
            self._lock.notify_all()
        for page, number in waiting:
            page.tasks.pop(number, None)
            page.send((outcome[0], number, outcome[1]))

    def _ran_again(self, task: _Task, pool: ProcessPoolExecutor) -> bool:
        """A worker died under ``task``: replace the pool (once for all its tasks) and queue
        the task again ahead of the rest; False when it has had its attempts."""
        with self._lock:
            if pool is self._pool and not self._stopped:
                self._pool = self._new_pool()
                self.replaced_workers += 1
                self.log("labsim room: a simulation worker stopped (killed, or out of memory); "
                         "a new one took its place and its replications run again")
                _discard(pool)
            task.attempts += 1
            if task.attempts >= ATTEMPTS or self._stopped:
                return False
            self._running -= 1
            task.running = False
            task.rank = (-1, *task.rank[1:])
            heapq.heappush(self._queue, task)
            self._lock.notify_all()
            return True

    def stats(self) -> dict[str, Any]:
        """What the facilitator page shows: pages connected, work queued and running, and
        the answers given (how many, from the cache, how fast)."""
        with self._lock:
            answers = list(self._answers)
            queued = [sum(t.rank[0] == p for t in self._queue) for p in Priority]
            pages, running = len(self._pages), self._running
        times = sorted(seconds for seconds, _computed in answers)
        return {"pages": pages, "workers": self.workers, "running": running,
                "queued": dict(zip((p.name.lower() for p in Priority), queued, strict=True)),
                "replaced_workers": self.replaced_workers, "tasks_run": self.tasks_run,
                "ahead": dict(self.ahead),
                "answers": len(answers),
                "answers_from_cache": sum(not computed for _seconds, computed in answers),
                "answer_p50_s": percentile(times, 0.5), "answer_p95_s": percentile(times, 0.95)}

    def stop(self) -> None:
        """Stop the workers and close the socket."""
        with self._lock:
            self._stopped = True
            self._lock.notify_all()
        self._listener.close()
        _discard(self._pool)
        shutil.rmtree(self.folder, ignore_errors=True)


def percentile(ordered: list[float], share: float) -> float | None:
    """The nearest-rank percentile of sorted values (None for none)."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else None


def _discard(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now, its workers included."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()


class _Link:
    """This kernel's connection to the room: sends tasks, and hands each result to its
    future as it arrives."""

    def __init__(self, address: str, key: bytes):
        self.connection = Client(address, family="AF_UNIX", authkey=key)
        self.sending = threading.Lock()
        self.futures: dict[int, Future] = {}
        self.numbers = itertools.count()
        self.sent = 0
        """Tasks sent since the room was joined."""
        threading.Thread(target=self._receive, daemon=True).start()

    def send(self, message: tuple) -> None:
        with self.sending:
            self.connection.send(message)

    def run(self, payload: bytes, priority: Priority, asked_at: float) -> Future:
        future: Future = Future()
        number = next(self.numbers)
        self.futures[number] = future
        future.add_done_callback(lambda done: self._cancelled(number, done))
        self.sent += 1
        try:
            self.send(("run", number, int(priority), asked_at, payload))
        except OSError:
            self._lost()
        return future

    def _cancelled(self, number: int, future: Future) -> None:
        if self.futures.pop(number, None) is not None and future.cancelled():
            with contextlib.suppress(OSError):
                self.send(("cancel", number))

    def _receive(self) -> None:
        try:
            while True:
                kind, number, value = self.connection.recv()
                future = self.futures.pop(number, None)
                if future is None or not future.set_running_or_notify_cancel():
                    continue
                if kind == "done":
                    future.set_result(value)
                else:
                    future.set_exception(value)
        except (EOFError, OSError):
            self._lost()

    def _lost(self) -> None:
        """The room is gone (its server stopped): every waiting task fails in one line."""
        _LINK.pop("link", None)
        for number in list(self.futures):
            future = self.futures.pop(number, None)
            if future is not None and future.set_running_or_notify_cancel():
                future.set_exception(RunError(
                    "the server's simulation workers stopped: reload the page"))


_LINK: dict[str, _Link] = {}


def _link() -> _Link:
    if "link" not in _LINK:
        try:
            _LINK["link"] = _Link(os.environ[ADDRESS_ENV], bytes.fromhex(os.environ[KEY_ENV]))
        except OSError:
            raise RunError("the server's simulation workers stopped: reload the page") from None
    return _LINK["link"]


class RoomExecutor(Executor):
    """Tasks run by the room's workers at one priority. The tasks sent while others are
    still out belong to the same request, which keeps its place in the room's queue."""

    def __init__(self, priority: Priority, workers: int):
        self.priority = priority
        self._max_workers = workers  # how many run at once (executors.workers_of)
        self._out = 0
        self._asked_at = 0.0
        self._counting = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        if kwargs:
            raise TypeError("the room runs tasks with positional arguments only")
        with self._counting:
            if self._out == 0:
                self._asked_at = time.time()
            self._out += 1
        future = _link().run(pickle.dumps((fn, args)), self.priority, self._asked_at)
        future.add_done_callback(self._returned)
        return future

    def _returned(self, _future: Future) -> None:
        with self._counting:
            self._out -= 1


def in_room() -> bool:
    """Whether this process was started by a room server."""
    return ADDRESS_ENV in os.environ and KEY_ENV in os.environ


def executor(priority: Priority = Priority.MOVE) -> RoomExecutor | None:
    """The room's workers at ``priority``, or None outside a room."""
    if not in_room():
        return None
    return RoomExecutor(priority, int(os.environ.get(WORKERS_ENV, "1")))


def cache_directory() -> Path | None:
    """The room's shared result cache, or None outside a room."""
    return Path(os.environ[CACHE_ENV]) if in_room() and CACHE_ENV in os.environ else None


def tasks_sent() -> int:
    """How many tasks this kernel has sent the room."""
    link = _LINK.get("link")
    return link.sent if link is not None else 0


def report_ahead(done: int, total: int) -> None:
    """Tell the room how many answers computed ahead are done."""
    with contextlib.suppress(OSError):
        _link().send(("ahead", done, total))


def report_answer(seconds: float, computed: bool) -> None:
    """Tell the room how long an answer took and whether it was computed (for its
    facilitator page); nothing outside a room."""
    if in_room():
        with contextlib.suppress(OSError, KeyError):
            _link().send(("answered", seconds, computed))
