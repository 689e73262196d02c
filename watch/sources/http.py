"""A polite HTTP client for the literature services (requests, with urllib3's Retry).

Polite means what each service's terms ask: no faster than its published rate, our contact
address in the User-Agent (and as a parameter where the service asks for one), ``Retry-After``
honoured, 429 and 5xx retried with exponential backoff, and a timeout on every request.
Retrying is urllib3's ``Retry`` (a well-kept implementation of exactly this); the pace is a
few lines here, as no library call fits a per-client minimum interval better.
"""

import threading
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError
from urllib3.util import Retry

from . import SourceAnswerInvalid, SourceUnavailable

RETRIED = (429, 500, 502, 503, 504)


class PoliteClient:
    def __init__(
        self,
        name,
        base_url,
        *,
        min_interval,
        contact_email="",
        params=None,
        timeout=(5, 30),
        retries=4,
        backoff=0.5,
        backoff_max=60,
    ):
        self.name = name
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.min_interval = min_interval
        self.params = dict(params or {})
        self.timeout = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        self.retries = retries
        self.session = requests.Session()
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            backoff_max=backoff_max,
            # Retry-After has its own cap (urllib3's default is six hours): a worker waits
            # at most as long as its longest backoff, then the run fails and is due again.
            retry_after_max=backoff_max,
            status_forcelist=RETRIED,
            allowed_methods={"GET"},
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        agent = "EvidenceBank/1.0"
        if contact_email:
            agent += f" (mailto:{contact_email})"
        self.session.headers["User-Agent"] = agent
        self._lock = threading.Lock()
        self._last = None

    def _pace(self):
        with self._lock:
            now = time.monotonic()
            if self._last is not None:
                wait = self.min_interval - (now - self._last)
                if wait > 0:
                    time.sleep(wait)
            self._last = time.monotonic()

    def get(self, path, params=None, *, missing_ok=False):
        """The answer to GET ``path``; SourceUnavailable if none came (after retrying), and
        for any status but 200 (and 404, when ``missing_ok``)."""
        self._pace()
        url = self.base_url + path.lstrip("/")
        try:
            response = self.session.get(
                url, params={**self.params, **(params or {})}, timeout=self.timeout
            )
        except requests.Timeout:
            raise SourceUnavailable(
                f"{self.name} did not answer within {self.timeout[1]} s."
            ) from None
        except requests.exceptions.RetryError as error:
            raise SourceUnavailable(
                f"{self.name} kept refusing after {self.retries} retries ({_reason(error)})."
            ) from None
        except requests.RequestException as error:
            if _timed_out(error):
                raise SourceUnavailable(
                    f"{self.name} did not answer within {self.timeout[1]} s."
                ) from None
            raise SourceUnavailable(
                f"{self.name} could not be reached ({_reason(error)})."
            ) from None
        if response.status_code == 404 and missing_ok:
            return response
        if response.status_code in RETRIED:
            raise SourceUnavailable(
                f"{self.name} answered {response.status_code} after {self.retries} retries."
            )
        if response.status_code != 200:
            raise SourceUnavailable(f"{self.name} answered {response.status_code}.")
        return response

    def json(self, path, params=None, *, missing_ok=False):
        response = self.get(path, params, missing_ok=missing_ok)
        if response.status_code == 404:
            return None
        try:
            return response.json()
        except ValueError:
            raise SourceAnswerInvalid(f"{self.name}'s answer was not JSON.") from None


def _timed_out(error):
    """A timeout, perhaps wrapped by the retries (urllib3's MaxRetryError in requests')."""
    reason = getattr(error.args[0] if error.args else None, "reason", None)
    if isinstance(reason, NewConnectionError):  # refused: urllib3 files it under timeouts
        return False
    return isinstance(reason, (ConnectTimeoutError, ReadTimeoutError))


def _reason(error):
    text = str(error)
    return text if len(text) <= 200 else text[:200] + "…"


def contact_params(name="mailto"):
    """The contact address a service asks clients to send (Crossref's and OpenAlex's
    ``mailto``, NCBI's ``email``), if one is configured."""
    from django.conf import settings

    email = settings.WATCH_CONTACT_EMAIL
    return {name: email} if email else {}
