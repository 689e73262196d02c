"""Rendering an object's public page as an anonymous reader would see it."""

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import resolve


def render_for_readers(obj):
    """The HTML of ``obj``'s page, through its real view and templates, for a reader."""
    url = obj.get_absolute_url()
    request = RequestFactory().get(url, HTTP_HOST="localhost")
    request.user = AnonymousUser()
    match = resolve(request.path)
    response = match.func(request, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    return response.content.decode()
