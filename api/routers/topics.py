"""Hot topics."""

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router
from ninja.decorators import decorate_view

from api.common import READER, absolute, cacheable, document_summary
from api.errors import responses
from api.schemas import Slug, TopicDetail, TopicSummary
from topics.models import HotTopic

router = Router()


@router.get("/topics", response=responses(list[TopicSummary]), url_name="topics", tags=["topics"])
@decorate_view(*cacheable)
def topics(request: HttpRequest):
    return [
        {
            "slug": t.slug,
            "title": t.title,
            "url": absolute(request, t.get_absolute_url()),
            "api_url": absolute(request, reverse("api:topic", args=[t.slug])),
        }
        for t in HotTopic.objects.topic_list(READER)
    ]


@router.get("/topics/{slug}", response=responses(TopicDetail), url_name="topic", tags=["topics"])
@decorate_view(*cacheable)
def topic(request: HttpRequest, slug: Slug):
    try:
        page = HotTopic.objects.topic_page(READER, slug)
    except HotTopic.DoesNotExist:
        raise Http404("No such hot topic.") from None
    t = page.topic
    return {
        "slug": t.slug,
        "title": t.title,
        "url": absolute(request, t.get_absolute_url()),
        "api_url": absolute(request, reverse("api:topic", args=[t.slug])),
        "standfirst_html": t.standfirst_html,
        "essay_html": t.essay_html,
        "search": absolute(request, reverse("search") + "?q=" + t.search_query),
        "documents": [document_summary(request, d) for d in page.documents],
    }
