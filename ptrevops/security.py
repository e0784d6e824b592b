"""A Content-Security-Policy header: only our own scripts and styles.

Plotly figures are drawn by the bundled plotly.js served from /static/, so no
third-party origin is allowed.
"""

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # plotly sets inline styles on its SVG
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/docs/"):
            return response  # Swagger UI loads its own bundle and inline scripts
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
