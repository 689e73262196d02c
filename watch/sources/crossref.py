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
        """{DOI (case-folded): [notices]} for several DOIs in one request: Crossref ORs the
        values of a filter given more than once (``updates:a,updates:b``)."""
        wanted = {normalise_doi(d).casefold() for d in dois if d}
        if not wanted:
            return {}
        condition = ",".join(f"updates:{doi}" for doi in sorted(wanted))
        found = {}
        for item in self._items({"filter": condition, "rows": rows}):
            for update in item.get("update-to") or []:
                if not isinstance(update, dict):
                    continue
                about = normalise_doi(str(update.get("DOI", ""))).casefold()
                if about not in wanted:
                    continue
                when = update.get("updated")
                date = from_date_parts(when) if isinstance(when, dict) else None
                found.setdefault(about, []).append(
                    {
                        "kind": str(update.get("type", "")),
                        "notice_doi": str(item.get("DOI", "")),
                        "date": date.iso if date else "",
                        "source": str(update.get("source") or "crossref"),
                    }
                )
        return found
