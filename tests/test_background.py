"""generator.background: a build's word check, run in a forked process while the build
prepares its render jobs, must give the same result as running it in place, raise its
errors in the parent, and stop when the build stops."""

from __future__ import annotations

import os
import time

import pytest

from generator.background import Background, can_fork

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
    work = Background(lambda: time.sleep(600), fork=True)
    process = work._process
    work.cancel()
    assert not process.is_alive()
    with pytest.raises(RuntimeError, match="already called or cancelled"):
        work.result()
