"""What restoring a revision would break, asked before it is restored.

Models say for themselves: ``deletion_problems()`` (rows the restore would delete that other
texts link to) and ``restore_problems()`` (texts whose links would no longer resolve, or
passages they would drop that other texts link to).
"""

from itertools import chain, groupby

from django.db import router, transaction
from django.db.models.deletion import Collector
from reversion.revisions import _follow_relations_recursive


class _EveryRow(Collector):
    # Load every row a delete would reach, cascades too, as a delete with receivers does
    # (Django's admin collects the same way to list what a delete takes with it).
    def can_fast_delete(self, *args, **kwargs):
        return False


def deleted_by_revert(revision):
    """The rows ``revision.revert(delete=True)`` would delete, in the order it would: the
    rows now following the revision's objects that the revision does not hold, and what
    deleting them cascades to. Read from the database without changing it, so it sees this
    restore alone (a ``pre_delete`` receiver would see every thread's deletes)."""
    held = set()
    for version in revision.version_set.all():
        model = version.content_type.model_class()
        obj = model and model._default_manager.filter(pk=version.object_id).first()
        if obj is not None:
            held.add(obj)
    # Reversion's own walk of the models' ``follow`` (the one ``Revision.revert`` makes), so
    # both agree on what the revision covers; it has no public name.
    following = chain.from_iterable(_follow_relations_recursive(obj) for obj in held)
    gone = [obj for obj in following if obj not in held]
    if not gone:
        return []
    collector = _EveryRow(using=router.db_for_write(type(gone[0])))
    for _, rows in groupby(gone, type):
        collector.collect(list(rows))
    collector.sort()
    return [obj for _, obj in collector.instances_with_model()]


def restore_problems(version):
    """What restoring ``version``'s revision would break, found by trying it and rolling back."""
    problems = []
    with transaction.atomic():
        for obj in deleted_by_revert(version.revision):
            if hasattr(obj, "deletion_problems"):
                problems.extend(obj.deletion_problems())
        version.revision.revert(delete=True)
        for restored in version.revision.version_set.all():
            obj = restored.object
            if hasattr(obj, "restore_problems"):
                problems.extend(obj.restore_problems())
        transaction.set_rollback(True)
    return list(dict.fromkeys(problems))
