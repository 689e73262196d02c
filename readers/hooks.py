"""The emails readers receive, registered with the mail layer."""

from .emails import register_emails

register_emails()
