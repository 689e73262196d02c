"""The open, read-only API at /api/v1/ (django-ninja: the schemas in ``api.schemas`` are the OpenAPI
description, rendered at /api/v1/docs with the Swagger UI files ninja ships), assembled here
from a router per part of the site (``api.routers``).

It always answers as an anonymous reader would see the site, whoever asks: drafts,
unpublished cells and topics are never in it; every answer may be kept by any cache and is
revalidated with its ETag (Cache-Control: public, no-cache); it may be read from any origin
(CORS, see settings).
"""

from ninja import NinjaAPI

from .routers import documents, matrices, search, subjects, topics


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

# In the order the OpenAPI description lists them.
for router in (matrices, documents, topics, subjects, search):
    api.add_router("", router.router)
