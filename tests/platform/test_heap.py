"""A worker freezes its heap once after each configured number of requests."""

from __future__ import annotations

import gc

from django.http import HttpResponse
from django.test import RequestFactory

from ptrevops.heap import FreezeHeapAfterWarmup


def test_the_heap_is_frozen_after_the_configured_requests(settings, monkeypatch):
    settings.GC_FREEZE_AFTER_REQUESTS = (2, 4)
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(len(served)))
    served = []

    def view(request):
        served.append(request)
        return HttpResponse("ok")

    middleware = FreezeHeapAfterWarmup(view)
    for _ in range(6):
        assert middleware(RequestFactory().get("/")).content == b"ok"
    assert frozen == [2, 4]


def test_the_test_settings_never_freeze(settings):
    assert tuple(settings.GC_FREEZE_AFTER_REQUESTS) == ()
