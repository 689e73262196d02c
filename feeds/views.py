from django.conf import settings
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


FAVICON = (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()


@require_GET
@cache_control(public=True, max_age=60 * 60 * 24)
def favicon(request):
    """``/favicon.ico``, which browsers and tools ask for whatever the pages' ``<link
    rel="icon">`` says (the site's SVG icon, drawn at 16, 32 and 48 pixels)."""
    return HttpResponse(FAVICON, content_type="image/vnd.microsoft.icon")
