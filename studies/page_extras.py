"""What apps above the bank add to a document page (citation metadata, export links…).

The bank knows nothing of them: each registers a provider in its ``AppConfig.ready()``, and
the document page asks every provider for context, which its template places.
"""

_providers = []


def register(provider):
    """``provider(document_page, request)`` returns a dict of template context."""
    _providers.append(provider)


def extras(page, request):
    context = {}
    for provider in _providers:
        context.update(provider(page, request))
    return context
