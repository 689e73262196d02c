"""Mailings that start by themselves, run by the task worker."""

from django.tasks import task


@task()
def send_immediate_bulletin():
    """The "as it happens" bulletin, a few minutes after something changed (so a burst of
    saves goes out as one email). Repeated runs find nothing new and send nothing."""
    from .bulletins import send_immediate

    return send_immediate()


@task()
def release_bite(change_id):
    from editorial.models import Change

    from .bulletins import release_bite as release

    change = Change.objects.filter(pk=change_id).first()
    return release(change) if change else 0


@task()
def send_bulletin(bulletin_id):
    """A bulletin an editor scheduled."""
    from .bulletins import send
    from .models import Bulletin

    bulletin = Bulletin.objects.filter(pk=bulletin_id, status=Bulletin.Status.SCHEDULED).first()
    return send(bulletin) if bulletin else 0
