"""Run the relevance test set (search/relevance/questions.toml) on this database and print
nDCG@10 and recall@10 per kind of question; --json writes each question's first five."""

import json

from django.core.management.base import BaseCommand

from search.relevance import evaluate


class Command(BaseCommand):
    help = "Measure search relevance on the relevance test set (needs the demo content)."

    def add_arguments(self, parser):
        parser.add_argument("--json", help="write {question id: its first five documents} here")

    def handle(self, *args, **options):
        results = evaluate.run()
        for line in evaluate.table_lines(evaluate.summary(results)):
            self.stdout.write(line)
        empty = evaluate.empty_answers(results)
        self.stdout.write(f"answerable questions that found nothing: {', '.join(empty) or 'none'}")
        if options["json"]:
            with open(options["json"], "w") as handle:
                json.dump({r["id"]: r["top5"] for r in results if "ndcg" in r}, handle)
