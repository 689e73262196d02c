from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(public=True, max_age=60 * 60 * 24)
def robots_txt(request):
    """Crawlers may read everything readers can, but not the admin, the forms to the editors,
    or endless combinations of search filters and of briefs' cells (the sitemap lists every
    real page)."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Disallow: {reverse('search')}",
        f"Disallow: {reverse('briefs:brief')}",
        "Disallow: /thanks/",
        "Disallow: /*/comment/",
        "Disallow: /*/suggest/",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
