"""Keep the cyclic garbage collector off what a worker builds once and keeps.

``ptrevops.wsgi`` freezes the heap after loading the application. Its first
requests then build more that lives as long as the worker: URL resolver and
template caches, serializer fields, compiled queries. Every full collection scanned
all of it, and the request it landed in paid 40–120 ms (``bench/api_lists.py
--gc-pauses``). ``FreezeHeapAfterWarmup`` collects and freezes again once a worker
has served ``GC_FREEZE_AFTER_REQUESTS`` requests (each count in that setting, once),
which brings a full collection down to 5–50 ms.
"""

from __future__ import annotations

import gc
import itertools

from django.conf import settings


def freeze_heap() -> None:
    """Collect what is garbage now, then keep everything left out of every later
    collection (it lives as long as the worker)."""
    gc.collect()
    gc.freeze()


class FreezeHeapAfterWarmup:
    def __init__(self, get_response):
        self.get_response = get_response
        self.counter = itertools.count(1)
        self.freeze_at = frozenset(getattr(settings, "GC_FREEZE_AFTER_REQUESTS", ()))

    def __call__(self, request):
        response = self.get_response(request)
        if next(self.counter) in self.freeze_at:
            freeze_heap()
        return response
