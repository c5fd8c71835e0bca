"""Work split over forked worker processes, results taken back in order: the same output as one process.

A big project's files are checked (cdv.validate) and its pages rendered (cdv.pages) in consecutive slices,
each by a worker. Workers are forked (nothing to import or to send: they inherit what is loaded), so only
on Linux and from a process that runs no other thread (`cdv serve` does: it works in one process). They
ignore Ctrl-C: the interrupt is this process's to report, and leaving the pool's block ends them.
CDV_JOBS=1 turns this off; CDV_JOBS=n sets the number of processes.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence


def jobs(count: int, minimum: int) -> int:
    """How many processes share `count` pieces of work: one below `minimum`, where forking costs more."""
    if count < minimum or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1
    wanted = os.environ.get("CDV_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) >= 1:
        return min(int(wanted), count)
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def slices(count: int, processes: int) -> list[range]:
    """Consecutive slices of range(count), a few per process, so that one slow slice is not the tail."""
    size = -(-count // (processes * 4))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def fork_map(function: Callable, tasks: Sequence, processes: int) -> list:
    """[function(task) for task in tasks], in worker processes; an exception in one is raised here."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(processes, initializer=ignore_interrupts) as pool:
        return pool.map(function, tasks, chunksize=1)
