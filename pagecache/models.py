from django.db import models


class PageCacheMark(models.Model):
    """A change whose cached pages could not be dropped (the cache was down or hanging). Their
    count is part of every cached page's key (``pagecache``), so one more drops them all."""

    created = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200)

    class Meta:
        db_table = "ops_pagecachemark"  # made by ops before the page cache was its own app

    def __str__(self):
        return f"{self.created:%Y-%m-%d %H:%M:%S}: {self.reason}"
