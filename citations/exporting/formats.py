"""The export formats: one registry that the export screens, the document page's and the
cell and search pages' links, the API and briefs all read, so a new format is its writer
module and one registration (``citations.hooks``).

A writer takes CSL items (``csl.csl_item``) and ``extra``, a map from an item's id to what
the CSL item does not carry (``abstract``, ``keywords``, ``page_url``), and returns the
file's text. Names go out as the source gave them ("Timko, Christine"; "Miller, W. R."
when only initials are known; an organisation whole), and dates only as precisely as they
are known.
"""

from collections.abc import Callable
from dataclasses import dataclass

from hooks import Registry


@dataclass(frozen=True)
class ExportFormat:
    name: str  # the address's extension: /cite/documents/<slug>.<name>
    label: str  # what the links say: "RIS"
    media_type: str  # the response's Content-Type
    extension: str  # the downloaded file's
    writer: Callable[[list, dict], str]
    api_key: str  # the field of the API's ``cite`` object that carries it

    def write(self, items, extra=None):
        return self.writer(items, extra or {})

    @property
    def filename_hint(self):
        return f"{self.label} (.{self.extension})"


formats = Registry("export format")


def accepted():
    """ "RIS (.ris), BibTeX (.bib) or CSL-JSON (.json)": the formats, for a message."""
    hints = [f.filename_hint for f in formats]
    return ", ".join(hints[:-1]) + " or " + hints[-1] if len(hints) > 1 else "".join(hints)
