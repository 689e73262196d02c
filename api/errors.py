"""One shape for every error the API answers, with a machine-readable code and a message for
people, and the statuses every operation documents (its OpenAPI description lists them all)."""

from django.http import Http404
from ninja import Schema
from ninja.errors import HttpError, ValidationError

CODES = {
    400: "bad_request",
    404: "not_found",
    414: "too_long",
    422: "invalid_parameters",
    429: "too_many_requests",
    503: "unavailable",
}


class FieldProblem(Schema):
    field: str
    message: str


class ApiError(Schema):
    """Every error answer: ``code`` for programs, ``message`` for people, and the parameters
    at fault (422 only)."""

    code: str
    message: str
    fields: list[FieldProblem] = []


def error_body(status, message, code=None, fields=()):
    return {"code": code or CODES.get(status, "error"), "message": message, "fields": list(fields)}


# What any operation may answer besides its 200: 304 (an unchanged answer, asked with
# If-None-Match), 400 (an unusable address), 404, 414 (an address over
# API_MAX_ADDRESS_BYTES, config.middleware), 422 (a parameter out of its description), 429
# (too many searches) and 503 (the search busy, or too slow).
ERRORS = {
    400: ApiError,
    404: ApiError,
    414: ApiError,
    422: ApiError,
    429: ApiError,
    503: ApiError,
}
NOT_MODIFIED = {304: None}


def responses(ok):
    return {200: ok, **NOT_MODIFIED, **ERRORS}


def install(api):
    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        fields = [
            {
                "field": ".".join(str(p) for p in error.get("loc", ())[1:]) or "request",
                "message": error.get("msg", "invalid"),
            }
            for error in exc.errors
        ]
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields) or "Invalid request."
        return api.create_response(request, error_body(422, message, fields=fields), status=422)

    @api.exception_handler(HttpError)
    def refused(request, exc):
        return api.create_response(
            request, error_body(exc.status_code, str(exc)), status=exc.status_code
        )

    @api.exception_handler(Http404)
    def missing(request, exc):
        message = str(exc) or "Nothing is here."
        return api.create_response(request, error_body(404, message), status=404)
