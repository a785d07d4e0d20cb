"""Helper processes die with the build that started them.

A build killed with SIGKILL runs no clean-up code: a forked worker waiting on its pool's queue,
or a PDF printer, would otherwise wait on for ever (seen: idle for over 11 minutes). On Linux a
child asks the kernel for SIGKILL when its parent ends (prctl(2) PR_SET_PDEATHSIG, through
libc, a documented interface); elsewhere this does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from typing import Callable, TypeVar

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent: int | None = None) -> None:
    """Called in a child right after fork (or as a pool's initializer): SIGKILL when the parent
    (the thread that forked it) ends. ``parent``: the pid the child was forked from; if it ended
    before the request was made, the child ends now instead of never."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no libc to call: the child is only not tied to its parent
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def die_with_build() -> None:
    """The initializer of a process started by a multiprocessing fork server (the PDF printers):
    its parent is the fork server, not the build, and the fork server ends only when every
    process holding its "alive" pipe has ended, printers included. A printer waiting for a job
    that a killed build will never send would keep the fork server, and so itself, alive for
    ever (seen: a printer, the fork server and the resource tracker still there 30 s after the
    kill, a printer forked after it). So the printer also watches the build itself: the sentinel of its parent process
    (multiprocessing.parent_process(), the build's end of the pipe it was sent its job through)
    becomes ready when the build ends, and the printer then ends at once, busy or not."""
    import multiprocessing
    import multiprocessing.connection
    import threading

    die_with_parent()
    build = multiprocessing.parent_process()
    if build is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([build.sentinel])
        os._exit(1)  # no clean-up: the build that would read the result is gone

    threading.Thread(target=watch, name="noticesite-watch-build", daemon=True).start()


# ---- forked slices: the loading and the rendering share work out among forked workers ----


def worker_count(requested: int | None) -> int:
    """The processes a stage may use: as requested (``-j``), else one per core."""
    return requested or os.cpu_count() or 1


def worth_forking(workers: int, items: int, threshold: int) -> bool:
    """Whether ``items`` are shared out among forked workers: more than one worker, at least
    ``threshold`` items (below it, the forks cost more than they save), and a process with one
    thread, since forking a threaded one (the preview's server) can copy a lock some other thread
    holds."""
    import threading

    return workers > 1 and items >= threshold and threading.active_count() == 1

T = TypeVar("T")

_FORKED_WORK: tuple[Callable[[list], object], list[list]] | None = None


def in_forked_slices(work: Callable[[list], T], slices: list[list], workers: int) -> list[T]:
    """``work`` on each of ``slices`` in forked workers; returns the results in slice order.

    The workers inherit ``work`` and the slices (nothing of the model is pickled on the way in;
    only what ``work`` returns comes back). A worker takes the next slice when it is done with
    one, so slices of unequal cost still keep every core busy to the end.
    """
    import multiprocessing

    global _FORKED_WORK
    _FORKED_WORK = (work, slices)
    try:
        # a worker waits on the pool's queue, which a killed build never closes: it dies with it
        with multiprocessing.get_context("fork").Pool(min(workers, len(slices)), initializer=die_with_parent,
                                                      initargs=(os.getpid(),)) as pool:
            return pool.map(_forked_slice, range(len(slices)), chunksize=1)
    finally:
        _FORKED_WORK = None


def _forked_slice(index: int):
    assert _FORKED_WORK is not None  # set by in_forked_slices before it forked this worker
    work, slices = _FORKED_WORK
    return work(slices[index])


def even_slices(items: list, count: int) -> list[list]:
    size = len(items) // count + 1
    return [part for part in (items[i * size:(i + 1) * size] for i in range(count)) if part]

