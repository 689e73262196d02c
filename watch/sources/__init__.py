"""Clients of the literature services the watches search: PubMed (NCBI E-utilities),
Crossref's REST API and OpenAlex. Each keeps to its service's rate limit, names our contact
address, honours Retry-After, retries 429 and 5xx with backoff and times out; what goes wrong
is a ``SourceError`` whose message a person can act on."""


class SourceError(Exception):
    """A source could not give an answer: the run fails with this message."""


class SourceUnavailable(SourceError):
    """Down, slow, or refusing (429, 5xx) even after retrying."""


class SourceAnswerInvalid(SourceError):
    """It answered, but not in its documented format."""
