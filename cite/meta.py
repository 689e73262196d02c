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


def _present(*pairs):
    """The (name, value) pairs with a value."""
    return [(name, value) for name, value in pairs if value]


def highwire_tags(document, authors, page_url):
    """[(name, content)] in the order Google Scholar's inclusion guidelines list them.
    ``authors`` are Names."""
    first, last = page_range(document.pages)
    free = document.free_url or ""
    pdf = free if free.lower().endswith(PDF_SUFFIXES) else ""
    return [
        ("citation_title", document.title),
        *_highwire_authors(document, authors),
        *_present(
            ("citation_publication_date", document.issue_date and _slashed(document.issue_date)),
            ("citation_online_date", document.online_date and _slashed(document.online_date)),
        ),
        *_highwire_source(document),
        *_present(
            ("citation_volume", document.volume),
            ("citation_issue", document.issue),
            ("citation_firstpage", first),
            ("citation_lastpage", last),
            ("citation_doi", document.doi),
            ("citation_pmid", document.pmid),
            ("citation_pdf_url", pdf),
        ),
        ("citation_abstract_html_url", page_url),
        ("citation_language", "en"),
    ]


def _highwire_authors(document, authors):
    if not authors and document.kind == Document.Kind.GUIDANCE and document.source:
        return [("citation_author", document.source)]  # guidance is cited by its issuer
    return [("citation_author", person.inverted) for person in authors]


def _highwire_source(document):
    """A journal's title for an article with a volume or issue, else the issuing body."""
    if document.kind != Document.Kind.GUIDANCE and (document.volume or document.issue):
        return [("citation_journal_title", document.source)]
    return _present(("citation_technical_report_institution", document.source))


def json_ld(document, authors, page_url):
    data = {
        "@context": "https://schema.org",
        "@type": "Report" if document.kind == Document.Kind.GUIDANCE else "ScholarlyArticle",
        "headline": document.title[:110],
        "name": document.title,
        "url": page_url,
        "mainEntityOfPage": page_url,
    }
    people = _json_ld_people(document, authors)
    if people:
        data["author"] = people
    if document.issue_date:  # ISO 8601 at the date's precision: "2002-03"
        data["datePublished"] = document.issue_date.iso
    data.update(_json_ld_source(document))
    first, last = page_range(document.pages)
    data.update(_present(("pageStart", first), ("pageEnd", last)))
    data.update(_json_ld_identifiers(document))
    keywords = [tag.name for tag in document.tags.all()]
    if keywords:
        data["keywords"] = keywords
    return json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)


def _json_ld_people(document, authors):
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
    return people


def _json_ld_source(document):
    """The journal volume it is part of, or the body that published it: {} for neither."""
    if document.kind != Document.Kind.GUIDANCE and document.source and document.volume:
        journal = {"@type": "Periodical", "name": document.source}
        volume = {"@type": "PublicationVolume", "volumeNumber": document.volume}
        return {"isPartOf": {**volume, "isPartOf": journal}}
    if document.source:
        return {"publisher": {"@type": "Organization", "name": document.source}}
    return {}


def _json_ld_identifiers(document):
    """Its DOI and PMID as schema.org identifiers, and the DOI's address as ``sameAs``."""
    data, identifiers = {}, []
    if document.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": document.doi})
        data["sameAs"] = document.doi_url
    if document.pmid:
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": document.pmid})
    if identifiers:
        data["identifier"] = identifiers
    return data


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
