"""PubMed through NCBI's E-utilities: ``esearch`` for the PMIDs added since a date that match
a query, then ``efetch`` for their MEDLINE records, read by the project's MEDLINE reader.

NCBI asks for at most 3 requests a second (10 with an API key), and for ``tool`` and
``email`` parameters naming the client and a contact."""

import datetime

from django.conf import settings

from citations.importing import parse

from . import SourceAnswerInvalid
from .http import PoliteClient, contact_params

BATCH = 200
MAX_RECORDS = 10_000  # esearch's most in one answer (retmax)


class PubMed:
    name = "PubMed"

    def __init__(self, client=None):
        key = settings.NCBI_API_KEY
        params = {"tool": "evidencebank", **contact_params("email")}
        if key:
            params["api_key"] = key
        self.client = client or PoliteClient(
            self.name,
            settings.PUBMED_EUTILS_URL,
            min_interval=0.1 if key else 0.34,
            contact_email=settings.WATCH_CONTACT_EMAIL,
            params=params,
        )
        self.last_unreadable = 0

    @staticmethod
    def _since(since):
        """Records added to PubMed (Entrez date) from ``since`` to today."""
        if not since:
            return {}
        return {
            "datetype": "edat",
            "mindate": since.strftime("%Y/%m/%d"),
            "maxdate": datetime.date.today().strftime("%Y/%m/%d"),
        }

    @staticmethod
    def _result(answer):
        result = answer.get("esearchresult") if isinstance(answer, dict) else None
        if not isinstance(result, dict) or "ERROR" in result:
            problem = result.get("ERROR") if isinstance(result, dict) else None
            said = f": {problem}" if problem else ""
            raise SourceAnswerInvalid(f"PubMed's search answer was not a list of PMIDs{said}.")
        return result

    def search(self, query, since=None, max_records=200):
        params = {"db": "pubmed", "term": query, "retmode": "json", "retmax": max_records}
        result = self._result(self.client.json("esearch.fcgi", params | self._since(since)))
        ids = result.get("idlist")
        if not isinstance(ids, list) or not all(str(i).isdigit() for i in ids):
            raise SourceAnswerInvalid("PubMed's search answer had no list of PMIDs.")
        return [str(i) for i in ids]

    def batches(self, pmids):
        """MEDLINE text of ``pmids``, one ``efetch`` of up to 200 at a time."""
        for start in range(0, len(pmids), BATCH):
            batch = pmids[start : start + BATCH]
            response = self.client.get(
                "efetch.fcgi",
                {"db": "pubmed", "id": ",".join(batch), "rettype": "medline", "retmode": "text"},
            )
            yield self._medline(response.text)

    @staticmethod
    def _medline(text):
        if not any(line.startswith("PMID-") for line in text.splitlines()):
            raise SourceAnswerInvalid("PubMed's records were not in MEDLINE format.")
        return text.strip()

    def fetch(self, pmids):
        return "\n\n".join(self.batches(pmids))

    def found_on_history(self, query, since=None):
        """(how many match, WebEnv, query_key): the search kept on NCBI's history server, as
        NCBI asks for large sets, so no list of PMIDs travels or is held here."""
        params = {"db": "pubmed", "term": query, "retmode": "json", "retmax": 0, "usehistory": "y"}
        params |= self._since(since)
        result = self._result(self.client.json("esearch.fcgi", params))
        count, webenv, key = result.get("count"), result.get("webenv"), result.get("querykey")
        if not (str(count).isdigit() and webenv and key):
            raise SourceAnswerInvalid("PubMed's search answer had no count or history key.")
        return int(count), webenv, key

    def records(self, query, since=None):
        """The records, 200 at a time from the history server: a watch finding 10,000 holds
        one batch in memory, never the whole answer."""
        self.last_unreadable = 0
        count, webenv, key = self.found_on_history(query, since)
        for start in range(0, min(count, MAX_RECORDS), BATCH):
            response = self.client.get(
                "efetch.fcgi",
                {
                    "db": "pubmed",
                    "WebEnv": webenv,
                    "query_key": key,
                    "retstart": start,
                    "retmax": BATCH,
                    "rettype": "medline",
                    "retmode": "text",
                },
            )
            result = parse(self._medline(response.text), filename="pubmed.nbib")
            self.last_unreadable += len([e for e in result.errors if e.refused])
            yield from result.records

    def retracted_of(self, pmids):
        """The PMIDs among ``pmids`` whose PubMed record is typed "Retracted Publication"."""
        pmids = [p for p in pmids if str(p).isdigit()]
        if not pmids:
            return set()
        records = parse(self.fetch(pmids), filename="pubmed.nbib").records
        return {
            r.pmid
            for r in records
            if "retracted publication" in {t.casefold() for t in r.publication_types}
        }
