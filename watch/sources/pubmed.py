"""PubMed through NCBI's E-utilities: ``esearch`` for the PMIDs added since a date that match
a query, then ``efetch`` for their MEDLINE records, read by the project's MEDLINE reader; and
``efetch`` in PubMed XML for what PubMed says about records already in the bank (retracted,
corrected, of concern), which only the XML carries with the notices' own PMIDs.

NCBI asks for at most 3 requests a second (10 with an API key), and for ``tool`` and
``email`` parameters naming the client and a contact."""

import datetime

from django.conf import settings
from lxml import etree

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

    def _esearch(self, params):
        """esearch's answer, shaped as its JSON's ``esearchresult``. We ask for JSON, but
        esearch's documented default is XML and some of its error answers come as XML
        whatever was asked, so an XML answer is read too."""
        response = self.client.get("esearch.fcgi", params)
        unreadable = "PubMed's search answer was neither esearch's JSON nor its XML."
        if response.content.lstrip()[:1] == b"<":
            result = esearch_from_xml(response.content)
            if result is None:
                raise SourceAnswerInvalid(unreadable)
        else:
            try:
                answer = response.json()
            except ValueError:
                raise SourceAnswerInvalid(unreadable) from None
            result = answer.get("esearchresult") if isinstance(answer, dict) else None
        if not isinstance(result, dict) or "ERROR" in result:
            problem = result.get("ERROR") if isinstance(result, dict) else None
            said = f": {problem}" if problem else ""
            raise SourceAnswerInvalid(f"PubMed's search answer was not a list of PMIDs{said}.")
        return result

    def search(self, query, since=None, max_records=200):
        params = {"db": "pubmed", "term": query, "retmode": "json", "retmax": max_records}
        result = self._esearch(params | self._since(since))
        ids = result.get("idlist")
        if not isinstance(ids, list) or not all(str(i).isdigit() for i in ids):
            raise SourceAnswerInvalid("PubMed's search answer had no list of PMIDs.")
        return [str(i) for i in ids]

    @staticmethod
    def _medline(text):
        if not any(line.startswith("PMID-") for line in text.splitlines()):
            raise SourceAnswerInvalid("PubMed's records were not in MEDLINE format.")
        return text.strip()

    def found_on_history(self, query, since=None):
        """(how many match, WebEnv, query_key): the search kept on NCBI's history server, as
        NCBI asks for large sets, so no list of PMIDs travels or is held here."""
        params = {"db": "pubmed", "term": query, "retmode": "json", "retmax": 0, "usehistory": "y"}
        params |= self._since(since)
        result = self._esearch(params)
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

    def notices_of(self, pmids):
        """{PMID: [notices]} for the records among ``pmids`` that PubMed types "Retracted
        Publication" or links to a retraction, an erratum or an expression of concern (its
        CommentsCorrections), one ``efetch`` in PubMed XML; a record that is itself a
        "Retraction of Publication" reports the records it retracts. Each notice is shaped as
        Crossref's: kind, the notice's DOI and date (read from the notice's own record, one
        more ``efetch`` when there are any), and the source."""
        pmids = [str(p) for p in pmids if str(p).isdigit()]
        if not pmids:
            return {}
        found = {}
        for article in self._articles(pmids):
            for pmid, kind, notice_pmid in article_notices(article):
                if pmid in pmids:
                    found.setdefault(pmid, []).append((kind, notice_pmid))
        wanted = sorted({n for notices in found.values() for _, n in notices if n})
        about = {}
        if wanted:
            about = {
                article_pmid(a): (article_doi(a), article_date(a)) for a in self._articles(wanted)
            }
        return {
            pmid: [
                {
                    "kind": kind,
                    "notice_doi": about.get(notice, ("", ""))[0],
                    "date": about.get(notice, ("", ""))[1],
                    "source": "pubmed",
                }
                for kind, notice in notices
            ]
            for pmid, notices in found.items()
        }

    def _articles(self, pmids):
        response = self.client.get(
            "efetch.fcgi", {"db": "pubmed", "id": ",".join(pmids), "retmode": "xml"}
        )
        root = read_xml(response.content)
        if root is None or root.tag != "PubmedArticleSet":
            raise SourceAnswerInvalid("PubMed's records were not in PubMed XML.")
        return root.iterfind("PubmedArticle")


def read_xml(body):
    """The answer's root, read with lxml refusing what an answer has no business carrying: no
    entity is expanded, no DTD or anything else is fetched, and no tree is deeper than lxml's
    default. A parser each time: lxml's parsers are not to be shared between threads (the
    worker's)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return None


def esearch_from_xml(body):
    """An eSearchResult document as the JSON's ``esearchresult``: count, idlist, webenv,
    querykey, and ERROR when it says what went wrong."""
    root = read_xml(body)
    if root is None or root.tag != "eSearchResult":
        return None
    result = {
        "count": root.findtext("Count", ""),
        "idlist": [i.text or "" for i in root.iterfind("IdList/Id")],
    }
    if root.find("WebEnv") is not None:
        result["webenv"] = root.findtext("WebEnv")
        result["querykey"] = root.findtext("QueryKey", "")
    problem = root.findtext("ERROR") or " ".join(
        (e.text or "").strip() for e in root.iterfind("ErrorList/*")
    )
    if problem.strip():
        result["ERROR"] = problem.strip()
    return result


# What a record's CommentsCorrections say about it (the notice is the linked record), and the
# publication types that mark a record itself.
NOTICE_LINKS = {
    "RetractionIn": "retraction",
    "ExpressionOfConcernIn": "expression_of_concern",
    "ErratumIn": "correction",
}
MONTHS = {m: n for n, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
)}  # fmt: skip


def article_pmid(article):
    return (article.findtext("MedlineCitation/PMID") or "").strip()


def article_notices(article):
    """[(PMID of the record the notice is about, kind, PMID of the notice or "")]."""
    pmid = article_pmid(article)
    types = {
        (t.text or "").strip().casefold()
        for t in article.iterfind("MedlineCitation/Article/PublicationTypeList/PublicationType")
    }
    links = [
        (c.get("RefType", ""), (c.findtext("PMID") or "").strip())
        for c in article.iterfind("MedlineCitation/CommentsCorrectionsList/CommentsCorrections")
    ]
    notices = [(pmid, NOTICE_LINKS[kind], linked) for kind, linked in links if kind in NOTICE_LINKS]
    if "retracted publication" in types and not any(k == "retraction" for _, k, _ in notices):
        notices.append((pmid, "retraction", ""))
    if "retraction of publication" in types:  # a notice: the records it retracts
        notices += [
            (linked, "retraction", pmid) for kind, linked in links if kind == "RetractionOf"
        ]
    return notices


def article_doi(article):
    for place in ("PubmedData/ArticleIdList/ArticleId", "MedlineCitation/Article/ELocationID"):
        for node in article.iterfind(place):
            if (node.get("IdType") or node.get("EIdType")) == "doi" and node.text:
                return node.text.strip()
    return ""


def article_date(article):
    """The notice's date as an ISO partial date: its electronic date, else its issue's."""
    for place in ("MedlineCitation/Article/ArticleDate", "MedlineCitation/Article/Journal/"
                  "JournalIssue/PubDate"):  # fmt: skip
        node = article.find(place)
        year = node.findtext("Year", "").strip() if node is not None else ""
        if not year.isdigit():
            continue
        month = node.findtext("Month", "").strip()
        month = int(month) if month.isdigit() else MONTHS.get(month[:3].casefold())
        day = node.findtext("Day", "").strip()
        if not month or not 1 <= month <= 12:
            return year
        if not day.isdigit():
            return f"{year}-{month:02d}"
        return f"{year}-{month:02d}-{int(day):02d}"
    return ""
