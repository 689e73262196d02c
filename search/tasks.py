"""Background work of the search, run by the task worker (``manage.py db_worker``)."""

from django.tasks import task


@task()
def rescore_documents():
    """Every document's prior again, after an editor changes the ranking boosts."""
    from .indexing import rescore

    rescore()
