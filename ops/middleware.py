"""Request ids for the logs, and the security headers Django does not set itself.

Both sit outside WhiteNoise, so static files get the headers too.
"""

import contextvars
import re
import uuid

from django.conf import settings

request_id = contextvars.ContextVar("request_id", default="-")
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Every request gets an id (the proxy's X-Request-ID if it sent a sane one), logged
    with everything that request logs and returned in the response's X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = given if REQUEST_ID_RE.match(given) else uuid.uuid4().hex
        token = request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class SecurityHeadersMiddleware:
    """Permissions-Policy, Cross-Origin-Resource-Policy and X-Frame-Options on every
    response, static files included. The open API may be read from other sites."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        shared = request.path.startswith(settings.CROSS_ORIGIN_PATHS)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", "cross-origin" if shared else "same-origin"
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
