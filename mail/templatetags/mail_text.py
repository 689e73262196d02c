from django import template

from mail.content import html_to_text

register = template.Library()


@register.filter
def as_plain_text(html):
    """A rendered markup text in an email's plain part: words and addresses, no markup."""
    return html_to_text(html)
