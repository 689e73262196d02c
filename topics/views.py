from django.shortcuts import get_object_or_404, render

from .models import HotTopic


def topic_list(request):
    return render(
        request,
        "topics/topic_list.html",
        {
            "topics": HotTopic.objects.published().order_by("title"),
        },
    )


def topic_detail(request, slug):
    topic = get_object_or_404(HotTopic.objects.for_topic_page(), slug=slug)
    return render(
        request,
        "topics/topic.html",
        {
            "topic": topic,
            "documents": [link.document for link in topic.topic_documents.all()],
        },
    )
