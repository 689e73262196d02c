"""What a document page tells Zotero, Google Scholar and link previews: Highwire
``citation_*`` meta tags, JSON-LD, Open Graph and a canonical link, plus the formatted
citations and export links shown to readers."""

import json

from django.conf import settings
from django.urls import reverse

from citations.exporting.csl import csl_item, page_range
from citations.exporting.formats import formats
from citations.exporting.styles import formatted
from studies.models import Document

PDF_SUFFIXES = (".pdf", "/pdf", "/pdf/")
# As Django's json_script: nothing in the data can close the <script> element.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _slashed(date):
    """ "2020/10/01", "2020/10" or "2020": Google Scholar's form, only the known parts."""
    return "/".join(f"{n:02d}" if i else str(n) for i, n in enumerate(date.parts))


def highwire_tags(document, authors, page_url):  # noqa: C901 (still to split: issue 16)
    """[(name, content)] in the order Google Scholar's inclusion guidelines list them.
    ``authors`` are Names."""
    tags = [("citation_title", document.title)]
    for person in authors:
        tags.append(("citation_author", person.inverted))
    if not authors and document.kind == Document.Kind.GUIDANCE and document.source:
        tags.append(("citation_author", document.source))
    if document.issue_date:
        tags.append(("citation_publication_date", _slashed(document.issue_date)))
    if document.online_date:
        tags.append(("citation_online_date", _slashed(document.online_date)))
    if document.kind == Document.Kind.GUIDANCE or not (document.volume or document.issue):
        if document.source:
            tags.append(("citation_technical_report_institution", document.source))
    else:
        tags.append(("citation_journal_title", document.source))
    for name, value in (("citation_volume", document.volume), ("citation_issue", document.issue)):
        if value:
            tags.append((name, value))
    first, last = page_range(document.pages)
    if first:
        tags.append(("citation_firstpage", first))
    if last:
        tags.append(("citation_lastpage", last))
    if document.doi:
        tags.append(("citation_doi", document.doi))
    if document.pmid:
        tags.append(("citation_pmid", document.pmid))
    if document.free_url and document.free_url.lower().endswith(PDF_SUFFIXES):
        tags.append(("citation_pdf_url", document.free_url))
    tags.append(("citation_abstract_html_url", page_url))
    tags.append(("citation_language", "en"))
    return tags


def json_ld(document, authors, page_url):  # noqa: C901 (still to split: issue 16)
    people = []
    for person in authors:
        if person.corporate:
            people.append({"@type": "Organization", "name": person.family})
            continue
        found = {"@type": "Person", "familyName": person.family, "name": person.full}
        if person.given:
            found["givenName"] = person.given
        people.append(found)
    if not people and document.source:
        people.append({"@type": "Organization", "name": document.source})
    data = {
        "@context": "https://schema.org",
        "@type": "Report" if document.kind == Document.Kind.GUIDANCE else "ScholarlyArticle",
        "headline": document.title[:110],
        "name": document.title,
        "url": page_url,
        "mainEntityOfPage": page_url,
    }
    if people:
        data["author"] = people
    if document.issue_date:  # ISO 8601 at the date's precision: "2002-03"
        data["datePublished"] = document.issue_date.iso
    if document.kind != Document.Kind.GUIDANCE and document.source and document.volume:
        data["isPartOf"] = {
            "@type": "PublicationVolume",
            "volumeNumber": document.volume,
            "isPartOf": {"@type": "Periodical", "name": document.source},
        }
    elif document.source:
        data["publisher"] = {"@type": "Organization", "name": document.source}
    first, last = page_range(document.pages)
    if first:
        data["pageStart"] = first
    if last:
        data["pageEnd"] = last
    identifiers = []
    if document.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": document.doi})
        data["sameAs"] = document.doi_url
    if document.pmid:
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": document.pmid})
    if identifiers:
        data["identifier"] = identifiers
    keywords = [tag.name for tag in document.tags.all()]
    if keywords:
        data["keywords"] = keywords
    return json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)


def description(document):
    from search.indexing import plain

    text = plain(document.standfirst_html) or plain(document.abstract_html)
    return text[:297] + "…" if len(text) > 300 else text


def document_page_extras(page, request):
    """Context for the document page (``studies.page_extras``)."""
    document = page.document
    page_url = request.build_absolute_uri(document.get_absolute_url())
    authors = [a.as_name() for a in document.authorships.all()]
    item = csl_item(document, page_url)
    return {
        "canonical_url": page_url,
        "highwire": highwire_tags(document, authors, page_url),
        "json_ld": json_ld(document, authors, page_url),
        "open_graph": [
            ("og:type", "article"),
            ("og:title", document.title),
            ("og:url", page_url),
            ("og:description", description(document)),
            ("og:site_name", settings.SITE_NAME),
        ],
        "formatted_citations": formatted(item).values(),
        "export_links": [
            (f.label, reverse("citations:document", args=[document.slug, f.name])) for f in formats
        ],
    }
