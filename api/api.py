"""The open, read-only API at /api/v1/ (django-ninja: the schemas in ``api.schemas`` are the OpenAPI
description, rendered at /api/v1/docs with the Swagger UI files ninja ships), assembled here
from a router per part of the site (``api.routers``).

It always answers as an anonymous reader would see the site, whoever asks: drafts,
unpublished cells and topics are never in it; every answer may be kept by any cache and is
revalidated with its ETag (Cache-Control: public, no-cache); it may be read from any origin
(CORS, see settings).
"""

from django.http import HttpRequest
from django.urls import reverse
from ninja import NinjaAPI
from ninja.decorators import decorate_view

from . import errors
from .common import absolute, cacheable
from .routers import documents, matrices, search, subjects, topics
from .schemas import ApiRoot


class EvidenceBankAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation):
        # The ids the OpenAPI description has always published (clients generated from it
        # name their methods after them), now that the endpoints live in routers' modules.
        return f"api_api_{operation.view_func.__name__}"


api = EvidenceBankAPI(
    title="Evidence Bank API",
    version="1",
    description=(
        "Read-only JSON for the Evidence Bank: the two treatment matrices, their cells and "
        "entries, the documents in the bank with full citations, hot topics, subjects and "
        "search. Everything readers of the site may see, and nothing else."
    ),
    urls_namespace="api",
    docs_url="/docs",
)

errors.install(api)


@api.get("/", response=errors.responses(ApiRoot), url_name="root", tags=["api"])
@decorate_view(*cacheable)
def root(request: HttpRequest):
    """What the API offers: its version, each collection, this description and its docs."""
    return {
        "name": api.title,
        "version": api.version,
        "collections": {
            name: absolute(request, reverse(f"api:{name}"))
            for name in ("matrices", "documents", "topics", "subjects", "search")
        },
        "openapi": absolute(request, reverse("api:openapi-json")),
        "docs": absolute(request, reverse("api:openapi-view")),
    }


# In the order the OpenAPI description lists them.
for router in (matrices, documents, topics, subjects, search):
    api.add_router("", router.router)
