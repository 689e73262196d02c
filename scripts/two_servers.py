"""Two app servers, two task workers, one PostgreSQL, one Redis: an edit made through one
server is seen at once through the other, and so is a publication the workers make.

1. Two gunicorn instances (their own ports, as on two machines) and two db_workers start on
   one database; both serve E4 and a document page until both have them cached.
2. An editor signs in on server A and changes a document's year in the admin form.
3. The next request to server B (and to A) shows the new year: no stale page on either.
4. A draft placed in E4 is scheduled to publish in two seconds; a worker publishes it and
   both servers show it on their next request after that.

Bounded: every wait has a deadline; all traffic goes to 127.0.0.1. Exit status 1 on a stale
page. Run by scripts/two-servers.sh and in CI.
"""

import os
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.serving import Site, get, redis_up  # noqa: E402

E4 = "/matrices/alcohol/E4/"
TIMKO = "timko-debenedetti-2007-intensive-referral"


class FormFields(HTMLParser):
    """What a browser would send for the form with id ``form_id`` left as it is."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image"):
                self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select":
            self._select = None


def sign_in(base, username, password):
    browser = requests.Session()
    browser.get(f"{base}/admin/login/", timeout=10)
    response = browser.post(
        f"{base}/admin/login/?next=/admin/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"Referer": f"{base}/admin/login/"},
        timeout=10,
    )
    assert response.url.endswith("/admin/"), "could not sign in"
    return browser


def edit_year(browser, base, document_id, year):
    url = f"{base}/admin/studies/document/{document_id}/change/"
    form = FormFields("document_form")
    form.feed(browser.get(url, timeout=10).text)
    data = [(name, str(year) if name == "year" else value) for name, value in form.fields]
    response = browser.post(url, data=data, headers={"Referer": url}, timeout=30)
    assert response.url.endswith("/admin/studies/document/"), (
        f"the admin did not save the form: {response.status_code}, {response.url}"
    )


def shows(port, path, text):
    status, headers, body = get(port, path)
    return status == 200 and text.encode() in body, headers.get("X-Page-Cache")


def main():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("The two-servers check needs PostgreSQL: DATABASE_URL=postgres://…")
    if not redis_up():
        sys.exit("The two-servers check needs Redis on 127.0.0.1:6379 (the shared cache).")
    site = Site("twoservers", redis_db=12)
    stale = []
    try:
        site.prepare()
        site.orm(
            "from django.contrib.auth.models import User; "
            "User.objects.create_superuser('checker', 'checker@example.org', 'two-servers-pw')"
        )
        a, b = site.serve(workers=2), site.serve(workers=2)
        site.work(), site.work()
        print(f"Server A on :{a}, server B on :{b}, two workers; page cache in {site.cache}.")
        for port in (a, b, a, b):
            for path in (E4, f"/documents/{TIMKO}/"):
                get(port, path)
        print(f"Before: E4 from B is a cache {shows(b, E4, '(2007)')[1]}.")

        document_id = site.orm(
            f"from studies.models import Document as D; print(D.objects.get(slug='{TIMKO}').pk)"
        ).splitlines()[-1]
        browser = sign_in(f"http://127.0.0.1:{a}", "checker", "two-servers-pw")
        edit_year(browser, f"http://127.0.0.1:{a}", document_id, 1999)
        for name, port in (("B", b), ("A", a)):
            for path in (E4, f"/documents/{TIMKO}/"):
                fresh, outcome = shows(port, path, "1999")
                print(
                    f"After the edit on A: {path} from {name}: cache {outcome}, "
                    f"{'shows the edit' if fresh else 'STALE'}."
                )
                if not fresh:
                    stale.append(f"{path} from {name} after an edit on A")

        site.orm(
            "import datetime; from django.utils import timezone; "
            "from matrix.models import Cell, CellEntry; from studies.models import Document; "
            "d = Document.objects.create(slug='two-servers-draft', title='A draft the worker "
            "publishes', kind='study', year=2026); "
            "CellEntry.objects.create(cell=Cell.objects.by_key('alcohol', 'E4'), document=d, "
            "roles='K', headline='A draft the worker publishes'); "
            "d.publish_at = timezone.now() + datetime.timedelta(seconds=2); d.save()"
        )
        assert not shows(b, E4, "A draft the worker publishes")[0], "a draft was shown"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not shows(b, E4, "worker publishes")[0]:
            time.sleep(0.5)
        for name, port in (("B", b), ("A", a)):
            fresh, outcome = shows(port, E4, "A draft the worker publishes")
            print(
                f"After a worker published a scheduled draft: E4 from {name}: cache {outcome}, "
                f"{'shows it' if fresh else 'STALE'}."
            )
            if not fresh:
                stale.append(f"E4 from {name} after a scheduled publication")
    finally:
        site.close()
    if stale:
        print("TWO SERVERS FAILED: stale pages:\n- " + "\n- ".join(stale))
        sys.exit(1)
    print("Two servers: every page was fresh on both.")


if __name__ == "__main__":
    main()
