from django import template

from mail.content import with_nonce as add_nonce

register = template.Library()


@register.filter
def with_nonce(html, nonce):
    return add_nonce(html, str(nonce) if nonce else None)
