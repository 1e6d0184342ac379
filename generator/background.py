"""Work started now and collected later, in a forked process when that is worth it.

A build checks its words (language rules, reading level) while it imports the renderers
and prepares the render jobs. That preparation keeps one core busy; on a machine with
two, the check runs on the other one instead of competing with the renderers later.
The helpers below (cores, fork, Ctrl-C) also serve the build's and the batch's pools.
"""

from __future__ import annotations

import os
import signal
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


def cpu_count() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def ignore_interrupts() -> None:
    """In a forked worker: Ctrl-C is for the parent, which then stops its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Background(Generic[T]):
    """fn() computed in a forked process from now on, or here when result() is first
    asked for if not `fork`. The child inherits fn and its data with the parent's
    memory: only the result is pickled."""

    def __init__(self, fn: Callable[[], T], fork: bool):
        self._fn: Callable[[], T] | None = fn
        self._process = None
        if fork:
            import multiprocessing

            context = multiprocessing.get_context("fork")
            self._receiver, sender = context.Pipe(duplex=False)
            self._process = context.Process(target=_send_result, args=(fn, sender), daemon=True)
            self._process.start()
            sender.close()

    def result(self) -> T:
        """fn's result, waiting for it; fn's exception is raised here. Call it once."""
        fn, self._fn = self._fn, None
        if fn is None:
            raise RuntimeError("Background.result() was already called or cancelled")
        if self._process is None:
            return fn()
        try:
            succeeded, value = self._receiver.recv()
        except EOFError:
            raise RuntimeError("the background process ended without a result") from None
        finally:
            self.cancel()
        if not succeeded:
            raise value
        return value

    def cancel(self) -> None:
        """Stop the process if it is still running (a build failed or was interrupted)."""
        self._fn = None
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._receiver.close()
            self._process = None


def _send_result(fn: Callable[[], object], sender) -> None:
    ignore_interrupts()
    try:
        sender.send((True, fn()))
    except Exception as exc:  # noqa: BLE001  raised again in the parent
        sender.send((False, exc))
