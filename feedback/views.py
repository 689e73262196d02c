from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from matrix.models import Cell
from studies.models import Document

from .forms import CommentForm, SuggestionForm
from .models import EditorMessage


def _cell(matrix, code):
    try:
        return Cell.objects.published().with_labels().by_key(matrix, code)
    except Cell.DoesNotExist:
        raise Http404("No such cell.") from None


def _handle(request, form_class, kind, about, template, **target):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.is_spam():
            message = form.save(commit=False)
            message.kind = kind
            for name, value in target.items():
                setattr(message, name, value)
            message.save()
        return redirect("feedback:thanks", kind=kind)
    return render(request, template, {"form": form, "about": about, "kind": kind, **target})


def cell_comment(request, matrix, code):
    cell = _cell(matrix, code)
    return _handle(
        request, CommentForm, EditorMessage.Kind.COMMENT, cell, "feedback/comment.html", cell=cell
    )


def cell_suggestion(request, matrix, code):
    cell = _cell(matrix, code)
    return _handle(
        request,
        SuggestionForm,
        EditorMessage.Kind.SUGGESTION,
        cell,
        "feedback/suggest.html",
        cell=cell,
    )


def document_comment(request, slug):
    document = get_object_or_404(Document.objects.published(), slug=slug)
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
