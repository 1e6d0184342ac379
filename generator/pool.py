"""Forked worker processes: the one pool the build, the batch and the background word
check all use.

Workers are forked, so they inherit the work (functions and the content they close
over) with the parent's memory: only results cross back, pickled. Workers ignore
Ctrl-C; the parent gets it, and leaving the `with` block (or cancel()) stops them.
Where fork is unavailable, or one process is asked for, the work runs in this process.
"""

from __future__ import annotations

import itertools
import os
import signal
from typing import Callable, Generic, Iterator, Optional, Sequence, TypeVar

T = TypeVar("T")


def cpu_count() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def worker_count(jobs: int) -> int:
    """Processes to use for `jobs`: that many, or one per core for 0."""
    return jobs or cpu_count()


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def ignore_interrupts() -> None:
    """In a forked worker: Ctrl-C is for the parent, which then stops its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# The work of each pool, by pool number: a forked worker finds its pool's calls here.
_work: dict[int, Sequence[Callable[[], object]]] = {}
_numbers = itertools.count()


class Pool(Generic[T]):
    """Each of `calls` run in one of `jobs` forked processes, started now; iterate for
    the results in order (a call's exception is raised there). `setup` runs once in
    each worker before any call (importing the renderers, say). With fewer than two
    processes to use (or no fork) the calls run here, one by one, as the results are
    asked for, unless `fork` says otherwise."""

    def __init__(self, calls: Sequence[Callable[[], T]], jobs: int,
                 setup: Optional[Callable[[], None]] = None, fork: Optional[bool] = None):
        self._calls = list(calls)
        self._pool = None
        self._number = next(_numbers)
        if fork is None:
            fork = min(jobs, len(self._calls)) > 1
        if fork and self._calls and can_fork():
            import multiprocessing

            _work[self._number] = self._calls
            self._pool = multiprocessing.get_context("fork").Pool(
                max(1, min(jobs, len(self._calls))), _start_worker, (setup,))
            self._results = _interruptible(self._pool.imap(
                _run, [(self._number, i) for i in range(len(self._calls))]))
        else:
            self._results = (call() for call in self._calls)

    @property
    def forked(self) -> bool:
        return self._pool is not None

    def __iter__(self) -> Iterator[T]:
        return self._results

    def results(self) -> list[T]:
        return list(self._results)

    def cancel(self) -> None:
        """Stop the workers (the build failed, finished or was interrupted)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        _work.pop(self._number, None)

    def __enter__(self) -> "Pool[T]":
        return self

    def __exit__(self, *exc) -> None:
        self.cancel()


def _interruptible(results) -> Iterator:
    """The pool's results, waited for a moment at a time: Ctrl-C may be delivered to one
    of the pool's threads, and only a main thread that wakes up now and then notices it
    (a wait without a timeout would never return)."""
    import multiprocessing

    while True:
        try:
            yield results.next(timeout=0.1)
        except multiprocessing.TimeoutError:
            continue
        except StopIteration:
            return


def _start_worker(setup: Optional[Callable[[], None]]) -> None:
    ignore_interrupts()
    if setup is not None:
        setup()


def _run(where: tuple[int, int]):
    number, index = where
    return _work[number][index]()


class Background(Generic[T]):
    """fn() computed in a forked process from now on (a pool of one), or here when
    result() is first asked for if not `fork`."""

    def __init__(self, fn: Callable[[], T], fork: bool):
        self._fn: Optional[Callable[[], T]] = fn
        self._pool: Optional[Pool[T]] = Pool([fn], 1, fork=True) if fork else None

    def result(self) -> T:
        """fn's result, waiting for it; fn's exception is raised here. Call it once."""
        fn, self._fn = self._fn, None
        if fn is None:
            raise RuntimeError("Background.result() was already called or cancelled")
        if self._pool is None:
            return fn()
        try:
            return next(iter(self._pool))
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop the process if it is still running (a build failed or was interrupted)."""
        self._fn = None
        if self._pool is not None:
            self._pool.cancel()
            self._pool = None
