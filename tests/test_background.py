"""generator.pool: a build's word check, run in a forked process while the build
prepares its render jobs, must give the same result as running it in place, raise its
errors in the parent, and stop when the build stops; the pool the build and the batch
render in gives its results in order, from forked processes."""

from __future__ import annotations

import multiprocessing
import os
import time
from functools import partial

import pytest

from generator.pool import Background, Pool, can_fork

needs_fork = pytest.mark.skipif(not can_fork(), reason="this platform cannot fork")


def pid_and_list() -> tuple[int, list[str]]:
    return os.getpid(), ["Sexting", "happens."]


@needs_fork
def test_a_forked_result_equals_the_one_made_in_place():
    forked_pid, forked = Background(pid_and_list, fork=True).result()
    here_pid, here = Background(pid_and_list, fork=False).result()
    assert forked == here
    assert forked_pid != os.getpid() and here_pid == os.getpid()


def fail() -> None:
    raise ValueError("a rule file could not be read")


@pytest.mark.parametrize("fork", [pytest.param(True, marks=needs_fork), False])
def test_the_work_raises_its_error_where_the_result_is_asked_for(fork):
    work = Background(fail, fork=fork)
    with pytest.raises(ValueError, match="a rule file could not be read"):
        work.result()


@needs_fork
def test_cancel_stops_work_still_running():
    before = set(multiprocessing.active_children())
    work = Background(lambda: time.sleep(600), fork=True)
    started = set(multiprocessing.active_children()) - before
    assert started
    work.cancel()
    assert not any(process.is_alive() for process in started)
    with pytest.raises(RuntimeError, match="already called or cancelled"):
        work.result()


def square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


@needs_fork
def test_a_pool_gives_results_in_order_from_forked_processes():
    with Pool([partial(square_and_pid, n) for n in range(6)], 3) as pool:
        results = pool.results()
    assert [square for square, _ in results] == [0, 1, 4, 9, 16, 25]
    assert os.getpid() not in {pid for _, pid in results}


def test_a_pool_of_one_runs_here():
    with Pool([partial(square_and_pid, n) for n in range(3)], 1) as pool:
        assert not pool.forked
        assert pool.results() == [(0, os.getpid()), (1, os.getpid()), (4, os.getpid())]
