"""What readers add below: their emails (the mail layer) and the refresher that starts the
automatic mailings when a change is recorded."""

from editorial.refreshers import Refresher, refreshers

from .emails import register_emails
from .refreshers import start_mailings

register_emails()
refreshers.register(Refresher("bulletin triggers", start_mailings))
