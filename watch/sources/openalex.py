"""OpenAlex: the works citing a given work (by its DOI), and whether a work is retracted.
Its works are mapped to CSL-JSON and read by the project's CSL reader (one mapping, the
import's). OpenAlex asks for a ``mailto`` and at most 10 requests a second."""

import json

from django.conf import settings

from citations.importing import parse
from citations.names import parse_name
from citations.normalise import normalise_doi

from . import SourceAnswerInvalid
from .http import PoliteClient, contact_params


class OpenAlex:
    name = "OpenAlex"

    def __init__(self, client=None):
        self.client = client or PoliteClient(
            self.name,
            settings.OPENALEX_API_URL,
            min_interval=0.1,
            contact_email=settings.WATCH_CONTACT_EMAIL,
            params=contact_params(),
        )

    def work_by_doi(self, doi):
        work = self.client.json(f"works/https://doi.org/{normalise_doi(doi)}", missing_ok=True)
        if work is not None and not (isinstance(work, dict) and isinstance(work.get("id"), str)):
            raise SourceAnswerInvalid("OpenAlex's answer was not a work.")
        return work

    def is_retracted(self, doi):
        work = self.work_by_doi(doi)
        return None if work is None else bool(work.get("is_retracted"))

    def retracted_of(self, dois):
        """The DOIs (case-folded) among ``dois`` that OpenAlex flags as retracted, in one
        request (its ``doi:`` filter takes up to 50 values joined by "|")."""
        wanted = sorted({normalise_doi(d).casefold() for d in dois if d})[:50]
        if not wanted:
            return set()
        answer = self.client.json(
            "works",
            {
                "filter": "doi:" + "|".join(f"https://doi.org/{d}" for d in wanted),
                "select": "doi,is_retracted",
                "per-page": 50,
            },
        )
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            raise SourceAnswerInvalid("OpenAlex's answer had no list of works.")
        return {
            normalise_doi(str(w.get("doi") or "")).casefold()
            for w in results
            if isinstance(w, dict) and w.get("is_retracted") is True
        }

    def citing(self, doi, since=None, per_page=100):
        work = self.work_by_doi(doi)
        if work is None:
            return []
        key = work["id"].rsplit("/", 1)[-1]
        condition = f"cites:{key}"
        if since:
            condition += f",from_created_date:{since.isoformat()}"
        answer = self.client.json("works", {"filter": condition, "per-page": per_page})
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            raise SourceAnswerInvalid("OpenAlex's answer had no list of works.")
        return [w for w in results if isinstance(w, dict)]

    def records(self, query, since=None, per_page=100):
        params = {"search": query, "per-page": per_page}
        if since:
            params["filter"] = f"from_created_date:{since.isoformat()}"
        answer = self.client.json("works", params)
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            raise SourceAnswerInvalid("OpenAlex's answer had no list of works.")
        return self.records_from([w for w in results if isinstance(w, dict)])

    def records_from(self, works):
        items = [as_csl(work) for work in works if work.get("display_name")]
        if not items:
            return []
        return parse(json.dumps(items), filename="openalex.json").records


def as_csl(work):
    """An OpenAlex work as a CSL-JSON item: only what the work gives."""
    item = {"type": "article-journal", "title": work.get("display_name", "")}
    people = []
    for authorship in work.get("authorships") or []:
        written = ((authorship or {}).get("author") or {}).get("display_name") or ""
        name = parse_name(written)
        if name is None:
            continue
        people.append(
            {"literal": name.family}
            if name.corporate
            else {"family": name.family, "given": name.given}
        )
    if people:
        item["author"] = people
    if isinstance(work.get("publication_year"), int):
        item["issued"] = {"date-parts": [[work["publication_year"]]]}
    source = ((work.get("primary_location") or {}).get("source") or {}).get("display_name")
    if source:
        item["container-title"] = source
    if work.get("doi"):
        item["DOI"] = normalise_doi(work["doi"])
    pmid = str((work.get("ids") or {}).get("pmid") or "").rstrip("/").rsplit("/", 1)[-1]
    if pmid.isdigit():
        item["PMID"] = pmid
    abstract = abstract_text(work.get("abstract_inverted_index"))
    if abstract:
        item["abstract"] = abstract
    return item


def abstract_text(inverted):
    """OpenAlex keeps abstracts as {word: [positions]}: the words back in order."""
    if not isinstance(inverted, dict):
        return ""
    placed = {}
    for word, positions in inverted.items():
        for position in positions if isinstance(positions, list) else []:
            if isinstance(position, int):
                placed[position] = word
    return " ".join(placed[i] for i in sorted(placed))
