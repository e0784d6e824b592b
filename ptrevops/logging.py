"""One structured log line per request."""

from __future__ import annotations

import logging
import time

logger = logging.getLogger("ptrevops.requests")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            organization = getattr(request, "organization", None)
            user = getattr(request, "user", None)
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "organization_id": organization.pk if organization else None,
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
        return response
