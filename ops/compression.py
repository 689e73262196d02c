"""gzip and brotli for responses that hold no secret.

BREACH recovers a secret from the compressed size of responses that also reflect what an
attacker sent. So a response is compressed only when it carries no secret: no CSRF token
was used to build it, it sets no cookie, and the request came without a session (a signed-in
editor's pages stay uncompressed; they are few and small next to readers' pages). Search
reflects the query, but nothing secret sits beside it. Pages from the page cache arrive
already compressed (``pagecache``) and pass through untouched.
"""

import gzip

import brotli
from django.conf import settings
from django.utils.cache import patch_vary_headers

COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "application/javascript",
    "image/svg+xml",
)
MIN_SIZE = 200


def chosen_encoding(accept):
    """br, gzip or identity, from an Accept-Encoding header (q=0 refuses one)."""
    offered = {}
    for part in accept.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = params.strip()
        refused = quality.startswith("q=") and quality[2:].strip() in {"0", "0.0", "0.00", "0.000"}
        offered[name.strip()] = not refused
    for name in ("br", "gzip"):
        if offered.get(name, offered.get("*", False)):
            return name
    return "identity"


def compress(body, encoding, quality=None):
    if encoding == "br":
        return brotli.compress(body, quality=8 if quality is None else quality)
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=6 if quality is None else quality, mtime=0)
    return body


class CompressionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "X-Page-Cache" in response or response.streaming or "Content-Encoding" in response:
            return response
        if len(response.content) < MIN_SIZE:
            return response
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        if not self.holds_no_secret(request, response):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        encoding = chosen_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if encoding == "identity":
            return response
        # Quick settings: this runs on every uncached response.
        body = compress(response.content, encoding, quality=5)
        if len(body) >= len(response.content):
            return response
        response.content = body
        response.headers["Content-Length"] = str(len(body))
        response.headers["Content-Encoding"] = encoding
        etag = response.get("ETag")
        if etag and not etag.startswith("W/"):
            response.headers["ETag"] = "W/" + etag  # the bytes differ from the identity's
        return response

    @staticmethod
    def holds_no_secret(request, response):
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies:
            return False
        return settings.SESSION_COOKIE_NAME not in request.COOKIES
