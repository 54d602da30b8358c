"""A bounded pool of render processes that says "busy" at once instead of queueing.

Contract:
- ``RenderPool(workers, queue, time_limit)`` runs jobs (picklable functions and
  arguments) in ``workers`` processes (``workers=0``: in the calling thread, for tests
  and for machines without ``fork``). At most ``workers + queue`` jobs are admitted at
  a time; one more makes ``run`` raise ``Busy`` immediately (the web layer answers 503
  with ``Retry-After``). Nothing waits without end.
- Each job has ``time_limit`` seconds: in a worker process a timer interrupts the job
  itself (``RenderTimeout``), and the caller stops waiting shortly after in any case;
  a worker that dies is replaced (``BrokenProcessPool`` → a new pool, the job reported
  as ``PoolFailure``). A worker whose server has gone ends itself within a second.
- ``load()`` gives (jobs admitted, capacity) for the health route. Thread-safe.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")


class Busy(Exception):
    """Every slot is taken: try again in a few seconds."""


class RenderTimeout(Exception):
    """The job took longer than the pool's time limit."""


class PoolFailure(Exception):
    """A worker process died during the job."""


def default_workers() -> int:
    """One render process per core the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _alarm(signum: int, frame: Any) -> None:
    raise RenderTimeout()


def _timed(limit: float, func: Callable[..., T], *args: Any) -> T:
    """Run ``func`` in a worker process under a real-time timer (Unix)."""
    if not hasattr(signal, "setitimer"):  # pragma: no cover - Windows: the caller's timeout only
        return func(*args)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return func(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _watch_parent(parent: int) -> None:
    """End this worker when the server that started it is gone (never an orphan)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _warm(parent: int) -> None:
    """In each worker: watch the parent, import the heavy modules, load the layouts."""
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    from affiches.jobs.web import warm

    warm()


def _nothing() -> None:
    """A job that only makes sure a worker process is started."""


class RenderPool:
    def __init__(self, workers: int, queue: int = 0, time_limit: float = 10.0) -> None:
        self.workers = workers
        self.capacity = max(1, workers) + max(0, queue)
        self.time_limit = time_limit
        self._slots = threading.BoundedSemaphore(self.capacity)
        self._admitted = 0
        self._lock = threading.Lock()
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None
        if workers > 0:
            self._executor = self._new_executor()

    def _new_executor(self) -> concurrent.futures.ProcessPoolExecutor:
        executor = concurrent.futures.ProcessPoolExecutor(max_workers=self.workers, initializer=_warm,
                                                          initargs=(os.getpid(),))
        for _ in range(self.workers):  # start every worker now, not on the first requests
            executor.submit(_nothing)
        return executor

    def load(self) -> tuple[int, int]:
        with self._lock:
            return self._admitted, self.capacity

    def _release(self, _future: object = None) -> None:
        with self._lock:
            self._admitted -= 1
        self._slots.release()

    def run(self, func: Callable[..., T], *args: Any) -> T:
        if not self._slots.acquire(blocking=False):
            raise Busy()
        with self._lock:
            self._admitted += 1
        if self._executor is None:
            try:
                return func(*args)
            finally:
                self._release()
        try:
            future = self._executor.submit(_timed, self.time_limit, func, *args)
        except (BrokenProcessPool, RuntimeError):
            self._release()
            self._restart()
            raise PoolFailure() from None
        future.add_done_callback(self._release)  # the slot is freed only when the work stops
        try:
            return future.result(timeout=self.time_limit + 2)
        except concurrent.futures.TimeoutError:
            raise RenderTimeout() from None
        except BrokenProcessPool:
            self._restart()
            raise PoolFailure() from None

    def _restart(self) -> None:
        with self._lock:
            old, self._executor = self._executor, self._new_executor()
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
