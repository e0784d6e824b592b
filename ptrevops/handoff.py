"""A shorter GIL switch interval while a parser thread feeds a database thread.

Both importers read in one thread (pure Python: it never blocks) and write in
another (psycopg releases the GIL while the server works). Each time the writer's
statement or COPY chunk returns, it must take the GIL back from the reader, which
CPython grants only at the end of a switch interval (5 ms by default) — time the
server sits idle. 0.5 ms makes that wait negligible at the cost of more switches.

The interval belongs to the process: with imports in several threads at once, the
first to enter saves it and the last to leave restores it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SWITCH_INTERVAL = 0.0005

_lock = threading.Lock()
_depth = 0
_saved: float | None = None


@contextmanager
def quick_gil_handoff(interval: float = SWITCH_INTERVAL) -> Iterator[None]:
    """Shorten the process's switch interval (never lengthen it) for the block."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = sys.getswitchinterval()
        _depth += 1
        sys.setswitchinterval(min(sys.getswitchinterval(), interval))
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                sys.setswitchinterval(_saved)
