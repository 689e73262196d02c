from django.http import Http404
from django.shortcuts import redirect, render

from ops.inputs import whole_number
from pagecache.tags import shows_lists

from .models import MAX_PAGE, Subject, SubjectRedirect


# A subject is listed while a document readers see carries it: publishing, hiding or tagging
# any document can add one or take one away (a new subject's first document was not on the
# page to drop it).
@shows_lists("taggit.tag", "taggit.taggeditem", "studies.document")
def subject_list(request):
    return render(
        request,
        "subjects/subject_list.html",
        {"letters": Subject.objects.subject_list(request.user)},
    )


def subject_detail(request, slug):
    try:
        number = whole_number(request.GET.get("page", ""), 1, MAX_PAGE) or 1
        page = Subject.objects.subject_page(request.user, slug, number)
    except Subject.DoesNotExist:
        moved = SubjectRedirect.objects.filter(old_slug=slug).select_related("subject").first()
        if moved:
            return redirect("subjects:subject", moved.subject.slug, permanent=True)
        raise Http404("No documents carry that subject.") from None
    return render(request, "subjects/subject.html", {"subject": page.subject, "page": page.page})
