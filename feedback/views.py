from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from matrix.models import Cell
from ops import ratelimits
from studies.models import Document

from .emails import tell_editors
from .forms import CommentForm, ConsultationForm, SuggestionForm
from .models import EditorMessage


def _cell(request, matrix, code):
    try:
        return Cell.objects.visible_to(request.user).with_labels().by_key(matrix, code)
    except Cell.DoesNotExist:
        raise Http404("No such cell.") from None


def _limited(request):
    """Per-IP limit on messages to the editors (django-ratelimit, in the cache; counted in
    this process while the cache is down, so readers can still write and no one can flood
    the editors)."""
    return ratelimits.check(
        request, "feedback", "ip", settings.FEEDBACK_RATE, when_down=ratelimits.LOCAL
    )


def _handle(request, form_class, kind, about, template, **target):
    form = form_class(request.POST or None)
    if request.method == "POST" and (limited := _limited(request)):
        # Too many from one address: say so, and show the form again as it was typed.
        context = {"form": form, "about": about, "kind": kind, "limited": True, **target}
        response = render(request, template, context, status=429)
        response["Retry-After"] = str(limited.retry_after)
        return response
    if request.method == "POST" and form.is_valid():
        if not form.is_spam():
            message = form.save(commit=False)
            message.kind = kind
            for name, value in target.items():
                setattr(message, name, value)
            message.save()
            tell_editors(message)
        return redirect("feedback:thanks", kind=kind)
    return render(request, template, {"form": form, "about": about, "kind": kind, **target})


def cell_comment(request, matrix, code):
    cell = _cell(request, matrix, code)
    return _handle(
        request, CommentForm, EditorMessage.Kind.COMMENT, cell, "feedback/comment.html", cell=cell
    )


def cell_suggestion(request, matrix, code):
    cell = _cell(request, matrix, code)
    return _handle(
        request,
        SuggestionForm,
        EditorMessage.Kind.SUGGESTION,
        cell,
        "feedback/suggest.html",
        cell=cell,
    )


def document_comment(request, slug):
    document = get_object_or_404(Document.objects.visible_to(request.user), slug=slug)
    return _handle(
        request,
        CommentForm,
        EditorMessage.Kind.COMMENT,
        document,
        "feedback/comment.html",
        document=document,
    )


def thanks(request, kind):
    if kind not in EditorMessage.Kind.values:
        raise Http404("Unknown kind of message.")
    return render(request, "feedback/thanks.html", {"kind": kind})


def _open_consultation(thing):
    if not thing.consultation_open:
        raise Http404("This draft is not open for comment.")
    return thing


def cell_consultation(request, matrix, code):
    cell = _open_consultation(_cell(request, matrix, code))
    return _handle(
        request,
        ConsultationForm,
        EditorMessage.Kind.CONSULTATION,
        cell,
        "feedback/consultation.html",
        cell=cell,
    )


def document_consultation(request, slug):
    document = _open_consultation(
        get_object_or_404(Document.objects.visible_to(request.user), slug=slug)
    )
    return _handle(
        request,
        ConsultationForm,
        EditorMessage.Kind.CONSULTATION,
        document,
        "feedback/consultation.html",
        document=document,
    )
