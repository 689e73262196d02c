"""The emails the feedback app sends, registered with the mail layer."""

from .emails import register_emails

register_emails()
