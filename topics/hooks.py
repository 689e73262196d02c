"""The hot topics' reference kind (topic:) and where topics list a document."""

from django.urls import reverse

from editorial import places
from markup.registry import ReferenceKind, register_reference_kind

from .models import HotTopic
from .places import topics_listing

register_reference_kind(
    ReferenceKind(
        name="topic",
        label="hot topic",
        model="topics.HotTopic",
        url=lambda key: reverse("topics:topic", args=[key]),
        public_q=HotTopic.public_q,
        lookup=lambda words: [
            (t.title, t.slug) for t in HotTopic.objects.filter(title__icontains=words)
        ],
        example="topic:slug",
    )
)
places.register("studies.document", topics_listing, on_readers_pages=True)
