"""Citations written out: a document as a CSL item (``csl``), the formats a reference
manager reads (``formats``, the registry, and a writer module each), and the formatted
styles (``styles``)."""
