"""The relevance test set, run through the search exactly as the results page runs it.

For each question: nDCG@10 over documents (gain 2^grade − 1, the ideal from the judgements),
recall@10 (the judged documents in the first ten, out of at most ten), whether the cells and
topics judged are offered, and whether the page says where such studies sit (``sits_in``).
Aggregated per kind of question and overall. Two runs (SQLite and PostgreSQL) are compared on
the set of their first five documents.
"""

import math
import tomllib
from collections import defaultdict
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict

QUESTIONS = Path(__file__).with_name("questions.toml")
KINDS = ("question", "keywords", "abbreviation", "partial", "absent")


def questions():
    with open(QUESTIONS, "rb") as handle:
        return tomllib.load(handle)["question"]


def answer(text):
    """What the results page shows for ``text``: (document slugs in order, the first ten;
    cell keys and topic slugs offered; rows named as where studies sit; total)."""
    from urllib.parse import urlencode

    from search.models import SearchEntry
    from search.params import SearchParams

    params = SearchParams.from_query_dict(QueryDict(urlencode({"q": text})))
    page = SearchEntry.objects.search_page(AnonymousUser(), params)
    slugs = [result.document.slug for result in page.results][:10]
    cells = {cell.key for cell in page.groups.get("cells", [])}
    topics = {topic.slug for topic in page.groups.get("topics", [])}
    sits = {f"{p.matrix_slug}/row/{n}" for p in page.sits_in for n, _, _ in p.rows}
    return slugs, cells, topics, sits, page.total


def dcg(gains):
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def score(question, found):
    slugs, cells, topics, sits, total = found
    judged = question.get("documents", {})
    result = {"id": question["id"], "kind": question["kind"], "top5": slugs[:5], "total": total}
    if judged:
        gains = [2 ** judged.get(slug, 0) - 1 for slug in slugs[:10]]
        ideal = sorted((2**g - 1 for g in judged.values()), reverse=True)[:10]
        result["ndcg"] = dcg(gains) / dcg(ideal)
        hits = sum(1 for slug in slugs[:10] if slug in judged)
        result["recall"] = hits / min(len(judged), 10)
        result["empty"] = total == 0
    places = {**question.get("cells", {}), **question.get("topics", {})}
    if places:
        offered = cells | topics
        result["places"] = sum(1 for key in places if key in offered) / len(places)
    if question.get("sits_in"):
        wanted = set(question["sits_in"])
        result["sits_in"] = len(wanted & sits) / len(wanted)
    return result


def run():
    return [score(q, answer(q["text"])) for q in questions()]


def summary(results):
    """{kind: {questions, ndcg, recall, places, sits_in}} and "all", means over the questions
    that have each measure."""
    groups = defaultdict(list)
    for result in results:
        groups[result["kind"]].append(result)
        groups["all"].append(result)
    table = {}
    for kind, rows in groups.items():
        entry = {"questions": len(rows)}
        for measure in ("ndcg", "recall", "places", "sits_in"):
            values = [r[measure] for r in rows if measure in r]
            entry[measure] = sum(values) / len(values) if values else None
        table[kind] = entry
    return table


def empty_answers(results):
    """Questions whose answer is in the bank but that found nothing."""
    return [r["id"] for r in results if r.get("empty")]


def agreement(first, second):
    """The share of questions (with judged documents) whose first five documents are the same
    set in both runs ({id: [top five slugs]}); order within the five is not compared."""
    shared = [q for q in first if q in second]
    same = sum(1 for q in shared if set(first[q]) == set(second[q]))
    return same / len(shared) if shared else 1.0


def table_lines(table):
    def show(value):
        return "   –  " if value is None else f"{value:6.3f}"

    lines = [
        f"{'kind':13} {'questions':>9} {'nDCG@10':>7} {'recall@10':>9} {'places':>6} {'sits in':>7}"
    ]
    for kind in (*KINDS, "all"):
        if kind in table:
            e = table[kind]
            lines.append(
                f"{kind:13} {e['questions']:9d} {show(e['ndcg']):>7} {show(e['recall']):>9} "
                f"{show(e['places']):>6} {show(e['sits_in']):>7}"
            )
    return lines
