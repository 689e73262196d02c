from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .bulletins import covered
from .emails import change_items
from .models import Bulletin


class BulletinFeed(Feed):
    feed_type = Atom1Feed
    title = "Evidence Bank update bulletins"
    link = reverse_lazy("readers:bulletins")
    subtitle = "What is new and revised in the Evidence Bank, bulletin by bulletin."

    def items(self):
        return Bulletin.objects.archive()[:30]

    def item_title(self, bulletin):
        return bulletin.title

    def item_description(self, bulletin):
        return render_to_string(
            "readers/includes/bulletin_items.html",
            {
                "bulletin": bulletin,
                "items": change_items(covered(bulletin), since=bulletin.period_start),
            },
        )

    def item_pubdate(self, bulletin):
        return bulletin.sent_at

    def item_updateddate(self, bulletin):
        return bulletin.sent_at
