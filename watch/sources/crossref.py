"""Crossref's REST API: works matching a query, by the date Crossref indexed them, and the
notices about a DOI (retractions, corrections, expressions of concern, withdrawals, including
the Retraction Watch records Crossref serves). Its polite pool asks for a ``mailto``."""

import json

from django.conf import settings

from citations.dates import from_date_parts
from citations.importing import parse
from citations.normalise import normalise_doi

from . import SourceAnswerInvalid
from .http import PoliteClient, contact_params


class Crossref:
    name = "Crossref"

    def __init__(self, client=None):
        self.client = client or PoliteClient(
            self.name,
            settings.CROSSREF_API_URL,
            min_interval=0.1,
            contact_email=settings.WATCH_CONTACT_EMAIL,
            params=contact_params(),
        )

    def _items(self, params):
        answer = self.client.json("works", params)
        message = answer.get("message") if isinstance(answer, dict) else None
        items = message.get("items") if isinstance(message, dict) else None
        if (
            not isinstance(answer, dict)
            or answer.get("status") != "ok"
            or not isinstance(items, list)
        ):
            raise SourceAnswerInvalid("Crossref's answer had no list of works.")
        return [item for item in items if isinstance(item, dict)]

    def works(self, query, since=None, rows=100):
        params = {"query.bibliographic": query, "rows": rows, "sort": "indexed", "order": "desc"}
        if since:
            params["filter"] = f"from-index-date:{since.isoformat()}"
        return self._items(params)

    def records(self, query, since=None):
        items = self.works(query, since)
        if not items:
            return []
        return parse(json.dumps(items), filename="crossref.json").records

    def updates(self, doi):
        """[{kind, notice_doi, date, source}] of the notices Crossref has about ``doi``."""
        return self.updates_of([doi]).get(normalise_doi(doi).casefold(), [])

    def updates_of(self, dois, rows=1000):
        """{DOI (case-folded): [notices]} for several DOIs, in two requests. Crossref keeps a
        notice in two places: the notice's own record names what it updates (``update-to``,
        found with the ``updates:`` filter), and the updated work's record lists its notices
        (``updated-by``, where the Retraction Watch records appear even when no notice was
        registered). Crossref ORs the values of a filter given more than once
        (``updates:a,updates:b``), so each place is one request for the batch."""
        wanted = {normalise_doi(d).casefold() for d in dois if d}
        if not wanted:
            return {}
        found = {}

        def add(about, update, notice_doi):
            about = normalise_doi(str(about)).casefold()
            if about not in wanted:
                return
            when = update.get("updated")
            date = from_date_parts(when) if isinstance(when, dict) else None
            notice = {
                "kind": str(update.get("type", "")),
                "notice_doi": normalise_doi(str(notice_doi or "")),
                "date": date.iso if date else "",
                "source": str(update.get("source") or "crossref"),
            }
            said = found.setdefault(about, [])
            if not any(_same(n, notice) for n in said):  # both places may name one notice
                said.append(notice)

        notices = self._items({"filter": _any_of("updates", wanted), "rows": rows})
        for item in notices:
            for update in item.get("update-to") or []:
                if isinstance(update, dict):
                    add(update.get("DOI", ""), update, item.get("DOI"))
        works = self._items({"filter": _any_of("doi", wanted), "rows": rows})
        for item in works:
            for update in item.get("updated-by") or []:
                if isinstance(update, dict):
                    add(item.get("DOI", ""), update, update.get("DOI"))
        return found


def _same(one, other):
    return (one["kind"], one["notice_doi"].casefold()) == (
        other["kind"],
        other["notice_doi"].casefold(),
    )


def _any_of(name, values):
    return ",".join(f"{name}:{value}" for value in sorted(values))
