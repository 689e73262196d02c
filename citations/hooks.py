"""The export formats, registered in the order every list of export links shows them."""

from .exporting import bibtex, csl_json, endnote, ris
from .exporting.formats import ExportFormat, formats

formats.register(
    ExportFormat(
        name="ris",
        label="RIS",
        media_type="application/x-research-info-systems; charset=utf-8",
        extension="ris",
        writer=ris.to_ris,
        api_key="ris",
    )
)
formats.register(
    ExportFormat(
        name="bib",
        label="BibTeX",
        media_type="application/x-bibtex; charset=utf-8",
        extension="bib",
        writer=bibtex.to_bibtex,
        api_key="bibtex",
    )
)
formats.register(
    ExportFormat(
        name="json",
        label="CSL-JSON",
        media_type="application/vnd.citationstyles.csl+json; charset=utf-8",
        extension="json",
        writer=csl_json.to_csl_json,
        api_key="csl_json",
    )
)
formats.register(
    ExportFormat(
        name="xml",
        label="EndNote XML",
        # EndNote XML has no registered media type of its own: it is XML.
        media_type="application/xml; charset=utf-8",
        extension="xml",
        writer=endnote.to_endnote_xml,
        api_key="endnote_xml",
    )
)
