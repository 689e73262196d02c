"""Request hygiene shared by every view."""

import io
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib import auth
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.core.handlers.wsgi import LimitedStream
from django.http import JsonResponse, QueryDict
from django.urls import reverse

from markup.texts import normalise_line_endings
from ops.inputs import CONTROL_RE, PATH_CONTROL_RE

# Addresses answered in JSON, whose errors keep the API's shape ({"code", "message", "fields"}).
JSON_PATHS = ("/api/",)


def strip_controls(querydict):
    """A copy of ``querydict`` with control characters removed from keys and values, or the
    same object if it had none (the common case costs one scan)."""
    if not any(
        CONTROL_RE.search(k) or any(CONTROL_RE.search(v) for v in vs) for k, vs in querydict.lists()
    ):
        return querydict
    cleaned = QueryDict(mutable=True, encoding=querydict.encoding)
    for key, values in querydict.lists():
        cleaned.setlist(CONTROL_RE.sub("", key), [CONTROL_RE.sub("", v) for v in values])
    cleaned._mutable = False
    return cleaned


def normalise_line_breaks(querydict):
    """A copy of ``querydict`` with CRLF and lone CR as LF (browsers send every line break
    in a text box as CRLF; texts are stored with LF), or the same object if it had none."""
    if not any("\r" in v for _, vs in querydict.lists() for v in vs):
        return querydict
    cleaned = QueryDict(mutable=True, encoding=querydict.encoding)
    for key, values in querydict.lists():
        cleaned.setlist(key, [normalise_line_endings(v) for v in values])
    cleaned._mutable = False
    return cleaned


class StripControlCharactersMiddleware:
    """Remove control characters from query strings and form posts before any view sees
    them, so search, forms, the admin and its autocomplete never pass them to the database;
    line breaks in form posts arrive as LF, so a text saved untouched is unchanged. An address
    with a control character in its path names nothing we have: 400, before any view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if PATH_CONTROL_RE.search(request.path_info):
            if request.path_info.startswith(JSON_PATHS):
                # The API's one error shape (api/errors.py).
                message = "The address holds control characters."
                return JsonResponse(
                    {"code": "bad_request", "message": message, "fields": []}, status=400
                )
            raise BadRequest("Control characters in the path")  # the site's own 400 page
        if request.path_info.startswith(JSON_PATHS) and any(
            CONTROL_RE.search(k) or any(CONTROL_RE.search(v) for v in vs)
            for k, vs in request.GET.lists()
        ):
            # The API's parameters are described without them: refused, not quietly cleaned.
            message = "The address's parameters hold control characters."
            return JsonResponse(
                {"code": "bad_request", "message": message, "fields": []}, status=400
            )
        request.GET = strip_controls(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = normalise_line_breaks(strip_controls(request.POST))
        return self.get_response(request)


class ApiAddressLimitMiddleware:
    """An API address (path and query, as sent) over ``API_MAX_ADDRESS_BYTES`` is refused
    with 414 in the API's error shape, which its description lists for every operation.

    Without it the line is drawn by whatever reads the request first: gunicorn (its
    ``limit_request_line``) or the proxy, each with its own HTML page, so a client of a JSON
    API got an answer its description did not mention. gunicorn's limit is raised above this
    one (gunicorn.conf.py), so the API's own answer is the one clients meet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(JSON_PATHS):
            # QUERY_STRING is as sent; the path as sent is its percent-encoded form.
            size = len(request.get_full_path())
            if size > settings.API_MAX_ADDRESS_BYTES:
                message = (
                    f"The address is {size} bytes long; the API accepts up to "
                    f"{settings.API_MAX_ADDRESS_BYTES}."
                )
                return JsonResponse(
                    {"code": "too_long", "message": message, "fields": []}, status=414
                )
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """No request body over ``REQUEST_MAX_BYTES`` is read: 413 (the site's own page, or JSON
    under /api/) before anything takes a byte of it into memory or onto disk.

    Django alone does not hold this line: ``DATA_UPLOAD_MAX_MEMORY_SIZE`` leaves out file
    parts, which its upload handlers write to a temporary file however large, and with no
    Content-Length (a chunked body) it reads nothing at all. A declared length is checked as
    it stands. A chunked body is read here, counting, up to one byte over the limit: over it,
    413; within it, the body is handed on with its length, so forms sent chunked work too.

    The editors' citation import takes files, and may be up to ``UPLOAD_MAX_BYTES``, but only
    from signed-in staff: a stranger's large post there is refused like any other.
    """

    CHUNK = 64 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # as Django reads it: no body
        if not chunked and declared <= settings.REQUEST_MAX_BYTES:
            return self.get_response(request)  # the common case: no session looked up
        limit = self.limit_for(request)
        if chunked:
            body = self.read_within(request.environ["wsgi.input"], limit)
            if body is None:
                return self.refuse(request, limit)
            request.META["CONTENT_LENGTH"] = str(len(body))
            # Django sized its stream from the missing Content-Length (nothing to read).
            request._stream = LimitedStream(io.BytesIO(body), len(body))
        elif declared > limit:
            if declared <= settings.UPLOAD_MAX_BYTES and self.is_import(request):
                self.discard(request.environ["wsgi.input"], declared)
            return self.refuse(request, limit)
        return self.get_response(request)

    @staticmethod
    def is_import(request):
        return request.path == reverse("admin:studies_document_import")

    def discard(self, stream, size):
        """Read a refused body to its end, keeping none of it. Only for the import's address,
        where the deploy guide's proxies pass bodies up to ``UPLOAD_MAX_BYTES`` (they have
        buffered it whole, so reading it costs a local copy): answered before the proxy has
        sent it all, the closing connection is reset, and the proxy shows its 502 instead of
        our 413."""
        while size > 0 and (piece := stream.read(min(self.CHUNK, size))):
            size -= len(piece)

    def limit_for(self, request):
        # reverse() gives the full path, with any prefix the site is served under.
        if self.is_import(request) and signed_in_staff(request):
            return settings.UPLOAD_MAX_BYTES
        return settings.REQUEST_MAX_BYTES

    def read_within(self, stream, limit):
        """The whole body, or None as soon as it is over ``limit`` (the rest is never read)."""
        parts, size = [], 0
        while piece := stream.read(min(self.CHUNK, limit + 1 - size)):
            size += len(piece)
            if size > limit:
                return None
            parts.append(piece)
        return b"".join(parts)

    def refuse(self, request, limit):
        request.body_limit = limit  # the 413 page quotes the limit that applied
        if request.path_info.startswith(JSON_PATHS):
            message = f"The request body is over the {limit} bytes this site accepts."
            return JsonResponse({"code": "too_large", "message": message, "fields": []}, status=413)
        raise RequestDataTooBig("Request body over the limit")  # the site's own 413 page


def signed_in_staff(request):
    """Whether the request's session belongs to active staff. Sessions and authentication
    come later in MIDDLEWARE than the body limit (they must: forms are read before them), so
    the session is looked up here, only for a large post to the import."""
    engine = import_module(settings.SESSION_ENGINE)
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    user = auth.get_user(SimpleNamespace(session=engine.SessionStore(key)))
    return user.is_active and user.is_staff
