"""Request hygiene shared by every view."""

from django.core.exceptions import BadRequest
from django.http import JsonResponse, QueryDict

from editorial.texts import normalise_line_endings
from ops.inputs import CONTROL_RE, PATH_CONTROL_RE

# Addresses answered in JSON, whose errors keep the API's shape ({"detail": ...}).
JSON_PATHS = ("/api/",)


def strip_controls(querydict):
    """A copy of ``querydict`` with control characters removed from keys and values, or the
    same object if it had none (the common case costs one scan)."""
    if not any(CONTROL_RE.search(k) or any(CONTROL_RE.search(v) for v in vs)
               for k, vs in querydict.lists()):  # fmt: skip
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
                return JsonResponse({"detail": "The address holds control characters."}, status=400)
            raise BadRequest("Control characters in the path")  # the site's own 400 page
        request.GET = strip_controls(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = normalise_line_breaks(strip_controls(request.POST))
        return self.get_response(request)
