from django.apps import AppConfig


class CiteConfig(AppConfig):
    """What readers are given to cite: the export files of a document, a cell and a page of
    search results (at /cite/), and a document page's citation metadata and formatted
    citations. It sits above the bank, the matrices and search, whose screens it reads;
    the formats and styles themselves are the ``citations`` app's."""

    name = "cite"
    verbose_name = "Cite"
