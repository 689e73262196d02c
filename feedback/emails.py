"""Editors' mailbox: each comment, query, suggestion or consultation response is emailed to
EDITORS_EMAIL through the outbox, like every other email."""

from django.conf import settings
from django.urls import reverse

from mail.content import render_parts
from mail.registry import Content, Kind, register
from mail.sending import queue

from .models import EditorMessage


def render_to_editors(context):
    message = EditorMessage.objects.select_related(
        "cell__matrix", "cell__column", "cell__row", "document"
    ).get(pk=context["message"])
    about = message.cell or message.document
    text, html = render_parts(
        "feedback/email/to_editors",
        {
            "message": message,
            "about": about,
            "admin_url": reverse("admin:feedback_editormessage_change", args=[message.pk]),
        },
    )
    subject = f"{message.get_kind_display()}: {about.title if about else 'the site'}"
    return Content(subject[:200], text, html, {"Reply-To": message.email})


def tell_editors(message):
    if settings.EDITORS_EMAIL:
        queue("feedback.editors", settings.EDITORS_EMAIL, {"message": message.pk})


def register_emails():
    register(Kind("feedback.editors", render_to_editors))
