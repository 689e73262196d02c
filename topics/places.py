"""Where hot topics show a document."""

from editorial.places import Place

from .models import HotTopic


def topics_listing(document, user=None):
    topics = HotTopic.objects.visible_to(user).filter(topic_documents__document=document)
    return [
        Place(kind="hot topic", title=topic.title, url=topic.get_absolute_url())
        for topic in topics.order_by("title")
    ]
