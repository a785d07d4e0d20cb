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
