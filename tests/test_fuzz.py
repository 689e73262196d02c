"""Hostile input to every public address answers below 500: each URL pattern the resolver
knows, each path parameter, each query parameter its view reads and each field its forms
post, filled in turn with values from a fixed table (Unicode digits, control characters,
10 KB strings, huge and negative numbers, tsquery syntax, quotes, broken UTF-8, repeats).
Then the admin's sign-in and the readers' signed links.

A pattern added later is fuzzed without anyone listing it here: the test walks the resolver,
and it fails, naming the pattern, when it does not know how to fill one of its parameters.
The query parameters a view reads are found by asking it (a request whose ``GET`` records the
names the view looks up); the API's come from its OpenAPI description.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.core import signing
from django.core.cache import caches
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from readers import tokens
from readers.models import Bulletin, Subscriber
from studies.models import Document

pytestmark = pytest.mark.django_db

TEN_KB = 10 * 1024


def _q(value):
    return quote(value, safe="")


# The defects the fuzzing of a production-style copy found, each on its own. ---------------


@pytest.mark.parametrize("value", ["²", "①", "٣", "9" * TEN_KB])
def test_unicode_digits_and_endless_numbers_in_search_paging_and_years_are_not_numbers(
    client, demo, value
):
    # "²".isdigit() is true, and int("²") fails; int() also refuses 10 KB of digits.
    for address in ("/search/", "/cite/search.ris", "/feeds/search/"):
        for name in ("page", "from", "to"):
            response = client.get(address, {"q": "aid", name: value})
            assert response.status_code == 200, (address, name)
            if address == "/search/":
                note = "showing the first page" if name == "page" else "is not a year"
                assert note in response.text


@pytest.mark.parametrize("value", ["²", "①", "٣", "1_000", "+2", "0", "-1", "9" * 30])
def test_the_api_reads_numbers_as_the_pages_do(client, demo, value):
    for address in ("/api/v1/search", "/api/v1/documents"):
        for name in ("page", "year_from", "year_to"):
            response = client.get(address, {"q": "aid", name: value})
            assert response.status_code == 422, (address, name)
            assert {"code", "message"} <= set(response.json())
    assert client.get("/api/v1/search", {"q": "aid", "page": "2"}).status_code == 200


@pytest.mark.parametrize(
    "address", ["/subjects/%00/", "/feeds/subjects/%00/", "/subjects/a%01b/", "/topics/%7F/"]
)
def test_a_control_character_in_a_path_is_a_bad_request(client, demo, address):
    response = client.get(address)
    assert response.status_code == 400
    assert "The request could not be read" in response.text


def test_a_control_character_in_an_api_path_is_a_bad_request_in_the_apis_shape(client, demo):
    response = client.get("/api/v1/documents/%00")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "bad_request",
        "message": "The address holds control characters.",
        "fields": [],
    }


def test_a_10_kb_user_name_at_sign_in_is_refused_before_it_is_recorded(client, db):
    from axes.models import AccessAttempt

    response = client.post("/admin/login/", {"username": "u" * TEN_KB, "password": "p" * TEN_KB})
    assert response.status_code == 200
    assert "at most 150 characters" in response.text
    assert "u" * 150 in response.text  # the form keeps what was typed
    assert not AccessAttempt.objects.exists()


def test_absurd_user_names_do_not_stop_lockouts_counting(client, db):
    from django.contrib.auth.models import User

    User.objects.create_user("editor1", password="the right one", is_staff=True)
    for _ in range(2):
        client.post("/admin/login/", {"username": "u" * TEN_KB, "password": "wrong"})
    for _ in range(5):
        client.post("/admin/login/", {"username": "editor1", "password": "p" * TEN_KB})
    locked = client.post("/admin/login/", {"username": "editor1", "password": "the right one"})
    assert locked.status_code == 429


@pytest.mark.parametrize("s", ["abc", "²", "", None, [1], {"a": 1}, 1.5, True, -1, 10**30])
def test_a_signed_reader_token_whose_fields_are_not_numbers_is_a_bad_link(client, db, s):
    reader = Subscriber.objects.create(email="reader@example.org")
    for salt, address in (
        (tokens.MANAGE_SALT, "/subscription/{}/"),
        (tokens.UNSUBSCRIBE_SALT, "/unsubscribe/{}/"),
        (tokens.CONFIRM_SALT, "/subscribe/confirm/{}/"),
    ):
        token = signing.dumps({"s": s, "k": reader.key, "f": ""}, salt=salt)
        response = client.get(address.format(token))
        assert response.status_code == 400
        assert "This link no longer works" in response.text


def test_an_old_address_encoded_twice_brings_no_control_characters_into_its_page(client, demo):
    # The old-address page decodes ?file= itself, after the request's own clean-up.
    response = client.get("/PHP/dl.php?file=Manning%2500_V%25013.txt")
    assert response.status_code == 404
    assert "\x00" not in response.text and "\x01" not in response.text
    assert "Manning_V3.txt" in response.text


MAILJET_BOUNCE = [{"event": "bounce", "email": "reader@example.org", "time": 1700000000}]


def test_mail_provider_webhooks_answer_404_until_a_webhook_secret_is_set(client, db):
    from mail.models import Undeliverable

    # Anyone could otherwise silence a reader with a forged bounce, or get a 500 from a
    # provider whose keys are not set.
    forged = client.post(
        "/anymail/mailjet/tracking/", MAILJET_BOUNCE, content_type="application/json"
    )
    assert forged.status_code == 404
    assert not Undeliverable.objects.exists()
    assert client.post("/anymail/mailgun/tracking/", {"x": "1"}).status_code == 404
    assert client.get("/anymail/postal/inbound/").status_code == 404


def test_a_secured_webhook_still_hears_bounces_and_refuses_strangers(client, settings, db):
    from base64 import b64encode

    from mail.models import Undeliverable

    settings.ANYMAIL = {"WEBHOOK_SECRET": "provider:a-long-secret"}
    address = "/anymail/mailjet/tracking/"
    stranger = client.post(address, MAILJET_BOUNCE, content_type="application/json")
    assert stranger.status_code == 400
    assert not Undeliverable.objects.exists()
    auth = "Basic " + b64encode(b"provider:a-long-secret").decode()
    provider = client.post(
        address, MAILJET_BOUNCE, content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    assert provider.status_code == 200
    assert Undeliverable.objects.filter(email="reader@example.org").exists()
    # A provider whose own keys are not set (Mailgun's signing key) stays off.
    unset = client.post("/anymail/mailgun/tracking/", {"x": "1"}, HTTP_AUTHORIZATION=auth)
    assert unset.status_code == 404


# Values as they go on the wire (already percent-encoded), so broken UTF-8 can be sent too.
HOSTILE = {
    "superscript two": _q("²"),
    "circled one": _q("①"),
    "Arabic-Indic three": _q("٣"),
    "NUL": "%00",
    "double-encoded NUL": "%2500",
    "control characters": "%01%08%0B%1B%7F",
    "tab, line feed, carriage return": "%09%0A%0D",
    "10 KB of letters": "x" * TEN_KB,
    "10 KB of digits": "9" * TEN_KB,
    "huge number": "9" * 30,
    "negative number": "-1",
    "huge negative number": "-" + "9" * 30,
    "zero": "0",
    "not quite a number": _q(" 1_000.5e3 "),
    "tsquery syntax": _q("a & b | !c:* ("),
    "tsquery phrase": _q("<-> <2> :*"),
    "quotes and backslashes": _q("'\"\\ \\' \"unclosed"),
    "lone surrogate": "%ED%A0%80",
    "right-to-left override, invalid UTF-8": "%E2%80%AE%FF%FE",
}
# A parameter given twice: Django reads the last, but anything may read the list.
REPEATED = {
    "valid then superscript": ("1", "%C2%B2"),
    "superscript then valid": ("%C2%B2", "1"),
}

# Not fuzzed here: the admin (editors only; its sign-in is fuzzed below).
SKIP_PREFIXES = ("admin/",)

# What the filled-in address answers, where that is not a page: the web tier's health check
# is 200 with the database up, the worker's is 503 (no worker beats here); mail providers'
# webhooks are off until secured; the API root answers what it offers.
VALID_ANSWERS = {
    "healthz": (200,),
    "healthz-worker": (503,),
    "anymail": (404,),
    "api:api-root": (200,),  # the API root: what it offers (api/api.py)
}
# A query that makes the address a page, kept while each parameter in turn is made hostile.
# (Searches get none: each filter alone runs a search, and words would only add ranking.)
VALID_QUERIES = {
    "legacy": {"file": "Matrix/Alcohol/E4.htm"},
    "briefs:brief": {"cells": "alcohol/E4,drug/E4"},
    "briefs:pdf": {"cells": "alcohol/E4"},
    "briefs:ris": {"cells": "alcohol/E4,drug/E4"},
}

# Some views read a parameter only in some states (a brief's "add", the old addresses'
# "format" once a cell is found): they are fuzzed as well as those the view is seen to read.
ALSO_READ = {
    "briefs:brief": {"add"},
    "legacy": {"format", "f"},
}


@dataclass
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern as written, includes joined: "matrices/<slug:matrix>/"
    params: list = field(default_factory=list)
    regex: bool = False


def public_routes():
    """Every URL pattern the site answers, but the skipped ones, with its parameters."""
    found = []

    def walk(patterns, prefix, namespace, regex):
        for p in patterns:
            is_route = isinstance(p.pattern, RoutePattern)
            text = str(p.pattern)
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + text, ns, regex or not is_route)
            elif isinstance(p, URLPattern) and p.name:
                route = prefix + text
                if route.startswith(SKIP_PREFIXES):
                    continue
                params = re.findall(r"<(?:\w+:)?(\w+)>", route)
                if not is_route or regex:
                    params = list(p.pattern.regex.groupindex)
                found.append(Route(namespace + p.name, route, params, regex or not is_route))

    walk(get_resolver().url_patterns, "", "", False)
    return found


ROUTES = public_routes()


@pytest.fixture
def site(demo, settings):
    """The demo content with what the demo lacks for some pages (a sent bulletin, a reader,
    documents and cells open for consultation), and the values that fill each parameter."""
    settings.FEEDBACK_RATE = settings.READERS_SUBSCRIBE_RATE_IP = "100000/h"
    settings.READERS_SUBSCRIBE_RATE_EMAIL = "100000/h"
    document = Document.objects.get(slug="manning-2012-active-referral")
    Document.objects.filter(pk=document.pk).update(status=Document.Status.CONSULTATION)
    from matrix.models import Cell

    Cell.objects.filter(matrix__slug="alcohol", column__code="E", row__number=4).update(
        status=Cell.Status.CONSULTATION
    )
    bulletin = Bulletin.objects.create(title="A weekly bulletin", status=Bulletin.Status.SENT)
    reader = Subscriber.objects.create(email="reader@example.org")
    subject = document.tags.first()
    # By parameter name, or by "route name:parameter" where names mean different things.
    return {
        "matrix": "alcohol",
        "code": "E4",
        "number": "4",
        "fmt": "ris",
        "kind": "comment",
        "pk": str(bulletin.pk),
        "studies:document:slug": document.slug,
        "feedback:document_comment:slug": document.slug,
        "feedback:document_consultation:slug": document.slug,
        "citations:document:slug": document.slug,
        "api:document:slug": document.slug,
        "topics:topic:slug": "twelve-step-mutual-aid",
        "feeds:topic:slug": "twelve-step-mutual-aid",
        "api:topic:slug": "twelve-step-mutual-aid",
        "subjects:subject:slug": subject.slug,
        "feeds:subject:slug": subject.slug,
        "api:subject:slug": subject.slug,
        "api:matrix:slug": "alcohol",
        "api:cell:slug": "alcohol",
        "section": "documents",
        "readers:confirm:token": tokens.confirm_token(reader, "cell:alcohol/E4"),
        "readers:manage:token": tokens.manage_token(reader.pk, reader.key),
        "readers:unsubscribe:token": tokens.unsubscribe_token(reader.pk, reader.key),
    }


def fill(route, values):
    """Each parameter of ``route`` with its valid value; fails naming what it cannot fill."""
    filled = {}
    for name in route.params:
        value = values.get(f"{route.name}:{name}", values.get(name))
        if value is None:
            pytest.fail(
                f"No value to fill <{name}> of {route.route} ({route.name}): add one to the "
                "`site` fixture of tests/test_fuzz.py so that this address is fuzzed too."
            )
        filled[name] = value
    return filled


def path_with(route, filled, hostile=None):
    """The route's path with its parameters filled, ``hostile`` = (name, wire value) raw."""
    if route.regex:
        if hostile:
            pytest.fail(f"{route.route} is a regular expression: no way to fill <{hostile[0]}>")
        return reverse(route.name, kwargs=filled)

    def value(m):
        name = m[1]
        if hostile and hostile[0] == name:
            return hostile[1]
        return _q(str(filled[name]))

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route.route)


class RecordingQueryDict(QueryDict):
    """A QueryDict noting every name looked up in it."""

    asked = None

    def _note(self, key):
        if self.asked is not None:
            self.asked.add(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


class RecordReadsMiddleware:
    """Test-only: makes ``request.GET`` and ``request.POST`` record the names views read."""

    asked = {"GET": set(), "POST": set()}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for attr in ("GET", "POST"):
            data = getattr(request, attr).copy()
            data.__class__ = RecordingQueryDict
            data.asked = self.asked[attr]
            data._mutable = False
            setattr(request, attr, data)
        return self.get_response(request)


def parameters_read(settings, path, method):
    """The names of the query parameters (GET) or form fields (POST) the view reads."""
    caches["pages"].clear()  # a stored page would answer without asking the view
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.RecordReadsMiddleware"]
    RecordReadsMiddleware.asked = {"GET": set(), "POST": set()}
    try:
        # A new client builds the middleware anew. A form is bound only to a post with
        # something in it, so the post carries a field no form has.
        client = Client()
        client.get(path) if method == "GET" else client.post(path, {"fuzz": "1"})
    finally:
        settings.MIDDLEWARE = settings.MIDDLEWARE[:-1]
    return set(RecordReadsMiddleware.asked[method])


def api_query_parameters(route):
    """The query parameters the API's OpenAPI description gives ``route``."""
    from api.api import api

    schema = api.get_openapi_schema()
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.route)
    operation = schema["paths"].get(path, {}).get("get", {})
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


TEXT = ("text/", "application/json", "application/atom+xml", "application/xml")


@dataclass
class Failures:
    found: list = field(default_factory=list)

    def send(self, client, method, path, query="", data=None):
        """One request; a 5xx but a deliberate 503, or any exception, is a failure."""
        url = f"{path}?{query}" if query else path
        try:
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data, content_type="application/x-www-form-urlencoded")
        except Exception as exc:  # noqa: BLE001 (any exception is what we look for)
            self.found.append(f"{method} {url[:200]}: {type(exc).__name__}: {str(exc)[:200]}")
            return None
        if response.status_code >= 500 and response.status_code != 503:
            self.found.append(f"{method} {url[:200]}: {response.status_code}")
        elif response.get("Content-Type", "").startswith(TEXT) and b"\x00" in response.content:
            self.found.append(f"{method} {url[:200]}: a NUL in the answer")
        return response


def _encoded(fields, name=None, wire_value=None):
    """``fields`` as a query string or form body, with ``name`` given ``wire_value`` as is."""
    pairs = [f"{_q(k)}={_q(v)}" for k, v in fields.items() if k != name]
    if name is not None:
        pairs.append(f"{_q(name)}={wire_value}")
    return "&".join(pairs)


# Fields that act by being there (a button's name), fuzzed after the rest: "delete" ends the
# subscription the other fields belong to.
ACTIONS = {"delete"}
VALID_POSTS = {
    "name": "Ann Reader",
    "email": "ann@example.org",
    "message": "A comment in our own words.",
    "suggested_title": "A trial of peer referral",
    "suggested_reference": "https://example.org/trial",
    "frequency": "weekly",
    "follow": "cell:alcohol/E4",
}


def test_the_fuzz_finds_what_each_view_reads_and_fails_on_what_it_cannot_fill(site, settings):
    # The views are asked, so the fuzz keeps up with them; check it hears them.
    assert parameters_read(settings, "/search/", "GET") >= {
        "q",
        "kind",
        "from",
        "to",
        "subject",
        "matrix",
        "cell",
        "role",
        "consultation",
        "sort",
        "page",
    }
    assert parameters_read(settings, "/matrices/alcohol/", "GET") >= {"jurisdiction", "row", "col"}
    assert parameters_read(settings, "/matrices/alcohol/E4/", "GET") >= {"bite", "jurisdiction"}
    assert parameters_read(settings, "/brief/?cells=alcohol/E4", "GET") >= {"cells"}
    comment = parameters_read(settings, "/matrices/alcohol/E4/comment/", "POST")
    assert comment >= {"name", "email", "message", "website"}
    api = next(route for route in ROUTES if route.name == "api:documents")
    assert api_query_parameters(api) >= {"year_from", "year_to", "page", "cell", "subject"}
    with pytest.raises(pytest.fail.Exception, match="No value to fill <nonesuch>"):
        fill(Route("new:page", "new/<slug:nonesuch>/", ["nonesuch"]), site)


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_hostile_values_in_every_parameter_answer_below_500(route, site, settings):
    client = Client(raise_request_exception=True)
    failures = Failures()
    filled = fill(route, site)
    path = path_with(route, filled)
    base = VALID_QUERIES.get(route.name, {})
    valid = failures.send(client, "GET", path, _encoded(base))
    assert failures.found == [], failures.found
    answers = VALID_ANSWERS.get(route.name) or VALID_ANSWERS.get(route.name.split(":")[0])
    assert valid.status_code in (answers or range(400)), (path, valid.status_code)

    for name in route.params:
        for wire in HOSTILE.values():
            failures.send(client, "GET", path_with(route, filled, (name, wire)), _encoded(base))

    if route.name.startswith("api:"):
        query_names = api_query_parameters(route)
    else:
        query_names = parameters_read(settings, f"{path}?{_encoded(base)}", "GET")
    query_names |= ALSO_READ.get(route.name, set())
    for name in sorted(query_names):
        for wire in HOSTILE.values():
            failures.send(client, "GET", path, _encoded(base, name, wire))
        for first, second in REPEATED.values():
            failures.send(client, "GET", path, _encoded(base, name, f"{first}&{_q(name)}={second}"))
    if query_names:
        for wire in HOSTILE.values():  # all at once, as a crawler or a scanner sends them
            failures.send(client, "GET", path, "&".join(f"{_q(n)}={wire}" for n in query_names))

    form_fields = parameters_read(settings, path, "POST") - {"csrfmiddlewaretoken", "fuzz"}
    valid_fields = {name: VALID_POSTS[name] for name in form_fields if name in VALID_POSTS}
    for name in sorted(form_fields, key=lambda name: (name in ACTIONS, name)):
        for wire in HOSTILE.values():
            failures.send(client, "POST", path, data=_encoded(valid_fields, name, wire))
    assert failures.found == [], "\n".join(failures.found)


def test_hostile_sign_ins_answer_below_500_and_record_no_absurd_name(settings, db):
    from axes.models import AccessAttempt
    from django.contrib.auth.models import User

    settings.AXES_FAILURE_LIMIT = 1000  # every attempt reaches the form, none the lockout
    User.objects.create_user("editor1", password="the right one", is_staff=True)
    client = Client(raise_request_exception=True)
    failures = Failures()
    for wire in HOSTILE.values():
        for body in (
            f"username={wire}&password=wrong",
            f"username=editor1&password={wire}",
            f"username={wire}&password={wire}",
        ):
            response = failures.send(client, "POST", "/admin/login/", data=body)
            assert response is None or response.status_code != 302, body
    assert failures.found == [], "\n".join(failures.found)
    names = AccessAttempt.objects.values_list("username", flat=True)
    longest = max((len(name or "") for name in names), default=0)
    assert longest <= User._meta.get_field("username").max_length


def _reader_token_routes():
    return [route for route in ROUTES if "token" in route.params]


SALTS = [value for name, value in vars(tokens).items() if name.endswith("_SALT")]


def _payloads(reader):
    """(payload, whether the link is bad): payloads signed as the site signs them, each with
    one field that is not what the site puts there, or not a payload of ours at all."""
    good = {"s": reader.pk, "k": reader.key, "f": "cell:alcohol/E4"}
    bad = {
        "s": [str(reader.pk), "abc", "²", "٣", "", None, [reader.pk], {"a": 1}, 1.5, True,
              0, -1, -(10**30), 2**63, 10**30, "9" * TEN_KB],
        "k": ["", None, 123, [reader.key], "\x00", "k" * TEN_KB, "' OR 1=1 --", reader.key + "x"],
        "f": [None, 5, ["cell:alcohol/E4"], "matrix:\x00", "cell:alcohol/E4\x00"],
    }  # fmt: skip
    for name, values in bad.items():
        for value in values:
            yield {**good, name: value}, True
    missing = dict(good)
    del missing["s"]
    for payload in (missing, "a string", 5, [reader.pk, reader.key], None):
        yield payload, True
    # Text we would not have signed, but harmless: the page says it follows nothing.
    for follow in ("search:" + "x" * TEN_KB, "row:" + "-" * 300, "cell:²/E٣", "subject:'\\"):
        yield {**good, "f": follow}, False


@pytest.mark.parametrize(
    "route", _reader_token_routes(), ids=[r.name for r in _reader_token_routes()]
)
def test_reader_tokens_signed_or_forged_with_odd_fields_answer_below_500(route, site):
    valid = fill(route, site)["token"]
    salt = next(s for s in SALTS if _loads(valid, s) is not None)
    reader = Subscriber.objects.get(email="reader@example.org")
    client = Client(raise_request_exception=True)
    failures = Failures()
    tampered = valid[:-3] + ("AAA" if not valid.endswith("AAA") else "BBB")
    well_formed = _loads(valid, salt)
    other_salts = [signing.dumps(well_formed, salt=s) for s in SALTS if s != salt]
    signed = [(signing.dumps(payload, salt=salt), bad) for payload, bad in _payloads(reader)]
    forged = [(token, True) for token in (tampered, "not-a-token", "x" * TEN_KB, *other_salts)]
    for token, bad in signed + forged:
        response = failures.send(client, "GET", path_with(route, {"token": token}))
        if bad and response is not None:
            assert response.status_code == 400, (_loads(token, salt), response.status_code)
            assert "This link no longer works" in response.text
    for token, bad in signed + forged:
        if bad:  # a bad link removes no one
            failures.send(client, "POST", path_with(route, {"token": token}))
    assert Subscriber.objects.filter(pk=reader.pk).exists()
    assert failures.found == [], "\n".join(failures.found)


def _loads(token, salt):
    try:
        return signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
