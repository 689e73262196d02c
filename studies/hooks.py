"""The bank's reference kind (doc:), its reserved ids and its places."""

from django.urls import reverse

from editorial import places
from markup.registry import ReferenceKind, register_reference_kind, reserve_ids

from .models import Document
from .places import analyses_featuring


def find_documents(words):
    return [(d.picker_label, d.slug) for d in Document.objects.for_pickers(words)]


register_reference_kind(
    ReferenceKind(
        name="doc",
        label="document",
        model="studies.Document",
        url=lambda key: reverse("studies:document", args=[key]),
        public_q=Document.public_q,
        lookup=find_documents,
        example="doc:slug",
    )
)
reserve_ids("the document page", names=["copy-text"])
places.register("studies.document", analyses_featuring)
