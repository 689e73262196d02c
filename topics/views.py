from django.http import Http404
from django.shortcuts import render

from editorial.preview import previewed
from pagecache.tags import shows_lists

from .models import HotTopic


@shows_lists(HotTopic)
def topic_list(request):
    return render(
        request, "topics/topic_list.html", {"topics": HotTopic.objects.topic_list(request.user)}
    )


def topic_detail(request, slug):
    try:
        page = HotTopic.objects.topic_page(request.user, slug, unsaved=previewed(request, HotTopic))
    except HotTopic.DoesNotExist:
        raise Http404("No such hot topic.") from None
    return render(request, "topics/topic.html", {"topic": page.topic, "documents": page.documents})
