"""What cite adds to the layers below: the citation metadata and formats on a document's page."""

from studies import page_extras

from .meta import document_page_extras

page_extras.register(document_page_extras)
