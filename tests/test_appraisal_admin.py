"""An editor appraises a document in its admin form, and a cell in its verdict card: every
field saves, bad input gets a clear message with what was typed kept, and the document's
history keeps and restores its appraisal."""

from decimal import Decimal

import pytest
from reversion.models import Version

from studies.appraisal import EffectMeasure, Population, Setting
from tests.admin_forms import cell_change_url, form_data
from tests.factories import get_cell, make_document
from tests.htmlparse import page

pytestmark = pytest.mark.django_db


def change_url(document, view="change"):
    return f"/admin/studies/document/{document.pk}/{view}/"


def prefix_of(data, ending):
    """An inline formset's prefix, found by its management form."""
    return next(
        k[: -len("-TOTAL_FORMS")] for k in data if k.endswith("-TOTAL_FORMS") and ending in k
    )


def with_measure(data, index=0, **values):
    """``data`` with an effect measure row at ``index`` (a new row past the existing ones)."""
    prefix = prefix_of(data, "effect_measures")
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    row = {"outcome": "", "measure": "", "value": "", "ci_low": "", "ci_high": "", "note": ""}
    row.update({"position": "0", **values})
    for name, value in row.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-{index}-document"] = data.get(f"{prefix}-{index}-document", "")
    data[f"{prefix}-TOTAL_FORMS"] = str(max(total, index + 1))
    return data


def appraisal(**changes):
    values = {
        "design": "randomised-trial",
        "participants": "151",
        "studies_included": "",
        "countries": ["GB-ENG", "US"],
        "care_settings": [str(Setting.objects.get(slug="inpatient").pk)],
        "populations": [str(Population.objects.get(slug="veterans").pk)],
        "substances": "Alcohol and other drugs",
        "comparison": "No active referral",
        "follow_up": "3 months",
        "outcomes": "Attendance at meetings\nAbstinence",
        "effect_direction": "mixed",
        "risk_of_bias": "some-concerns",
        "risk_of_bias_note": "A pilot at one unit.",
        "funding": "A test funder.",
        "conflicts": "None declared.",
    }
    values.update(changes)
    return values


def save(client, document, data, expect=302):
    response = client.post(change_url(document), data)
    assert response.status_code == expect, page(response).find(class_="errornote")
    return response


def test_an_editor_saves_every_appraisal_field(editor_client):
    document = make_document(slug="appraised-trial")
    data = form_data(editor_client.get(change_url(document)))
    data.update(appraisal())
    with_measure(data, outcome="abstinent at 3 months", measure="risk ratio", value="1.22",
                 ci_low="0.85", ci_high="1.75", note="As reported.")  # fmt: skip
    save(editor_client, document, data)

    document.refresh_from_db()
    assert (document.design, document.participants) == ("randomised-trial", 151)
    assert sorted(document.countries.values_list("code", flat=True)) == ["GB-ENG", "US"]
    assert [s.slug for s in document.care_settings.all()] == ["inpatient"]
    assert [p.slug for p in document.populations.all()] == ["veterans"]
    assert document.outcome_list == ["Attendance at meetings", "Abstinence"]
    for name in ("substances", "comparison", "follow_up", "effect_direction", "risk_of_bias",
                 "risk_of_bias_note", "funding", "conflicts"):  # fmt: skip
        assert getattr(document, name) == appraisal()[name], name
    measure = document.effect_measures.get()
    assert measure.in_words == "risk ratio 1.22 (95% CI 0.85 to 1.75)"
    assert document.size == "151 participants"
    # The form shows it all back.
    shown = page(editor_client.get(change_url(document)))
    options = shown.find("select", name="design").find_all("option")
    assert [o["value"] for o in options if "selected" in o.attrs] == ["randomised-trial"]


@pytest.mark.parametrize(
    ("measure", "message"),
    [
        (
            {"value": "2.5", "ci_low": "0.85", "ci_high": "1.75"},
            "The value should lie within its confidence interval",
        ),
        (
            {"value": "1.22", "ci_low": "0.85", "ci_high": ""},
            "Give both ends of the confidence interval, or neither.",
        ),
        (
            {"value": "1.22", "ci_low": "", "ci_high": "1.75"},
            "Give both ends of the confidence interval, or neither.",
        ),
        ({"value": "about one"}, "Enter a number."),
    ],
)
def test_a_bad_effect_measure_gets_a_message_and_keeps_what_was_typed(
    editor_client, measure, message
):
    document = make_document(slug="badly-measured")
    data = form_data(editor_client.get(change_url(document)))
    data.update(appraisal(participants="151"))
    with_measure(data, outcome="abstinent", measure="risk ratio", **measure)
    response = save(editor_client, document, data, expect=200)
    tree = page(response)
    assert message in tree.find(id="content-main").clean_text
    prefix = prefix_of(data, "effect_measures")
    assert tree.find("input", name=f"{prefix}-0-value")["value"] == measure["value"]
    assert tree.find("input", name=f"{prefix}-0-outcome")["value"] == "abstinent"
    assert tree.find("input", name="participants")["value"] == "151"
    assert not EffectMeasure.objects.filter(document=document).exists()
    document.refresh_from_db()
    assert document.participants is None  # nothing saved


def test_an_unknown_country_or_a_negative_size_gets_a_message(editor_client):
    document = make_document(slug="badly-placed")
    data = form_data(editor_client.get(change_url(document)))
    data.update(appraisal(countries=["XX"], participants="-5"))
    text = page(save(editor_client, document, data, expect=200)).find(id="content-main").clean_text
    assert "Select a valid choice. XX is not one of the available choices." in text
    assert "Ensure this value is greater than or equal to 0." in text


def test_a_cost_band_of_7_in_the_verdict_gets_a_message_and_keeps_what_was_typed(editor_client, e4):
    url = cell_change_url(e4)
    data = form_data(editor_client.get(url))
    prefix = prefix_of(data, "verdict")
    data[f"{prefix}-0-cost_band"] = "7"
    data[f"{prefix}-0-bottom_line"] = "A bottom line the editor typed."
    response = editor_client.post(url, data)
    assert response.status_code == 200
    tree = page(response)
    assert "Select a valid choice. 7 is not one of the available choices." in (
        tree.find(id="content-main").clean_text
    )
    assert (
        "A bottom line the editor typed."
        in tree.find("textarea", name=f"{prefix}-0-bottom_line").text
    )
    e4.refresh_from_db()
    assert get_cell("alcohol", "E4").verdict.cost_band == 1  # as loaded: nothing saved


def test_the_verdict_saves_every_field_through_the_cells_form(editor_client, e4):
    url = cell_change_url(e4)
    data = form_data(editor_client.get(url))
    prefix = prefix_of(data, "verdict")
    data.update(
        {
            f"{prefix}-0-certainty": "moderate",
            f"{prefix}-0-certainty_reasons": ["indirectness"],
            f"{prefix}-0-cost_band": "2",
            f"{prefix}-0-unclear": "Still unclear: *everything* about cost.",
            f"{prefix}-0-last_appraised": "2026-12-05",
        }
    )
    data["change_note"] = data.get("change_note") or "Reappraised."
    response = editor_client.post(url, data)
    assert response.status_code == 302, page(response).find(class_="errornote")
    verdict = get_cell("alcohol", "E4").verdict
    assert (verdict.certainty, verdict.certainty_reasons, verdict.cost_band) == (
        "moderate",
        ["indirectness"],
        2,
    )
    assert "<em>everything</em>" in verdict.unclear_html  # rendered at save time
    assert str(verdict.last_appraised) == "2026-12-05"


def test_the_history_keeps_and_restores_a_documents_appraisal(editor_client):
    document = make_document(slug="appraisal-history")
    data = form_data(editor_client.get(change_url(document)))
    data.update(appraisal())
    with_measure(data, outcome="abstinent", measure="risk ratio", value="1.22",
                 ci_low="0.85", ci_high="1.75")  # fmt: skip
    data["change_note"] = "Appraised"
    save(editor_client, document, data)

    # A second save changes the countries and settings and drops the measure.
    data = form_data(editor_client.get(change_url(document)))
    prefix = prefix_of(data, "effect_measures")
    data.update(
        appraisal(
            countries=["NL"],
            care_settings=[str(Setting.objects.get(slug="community").pk)],
            design="cohort-study",
        )
    )
    data[f"{prefix}-0-DELETE"] = "on"
    data["change_note"] = "Reappraised"
    save(editor_client, document, data)
    document.refresh_from_db()
    assert list(document.countries.values_list("code", flat=True)) == ["NL"]
    assert not document.effect_measures.exists()

    appraised = Version.objects.get_for_object(document)[1]  # newest first
    assert "Appraised" in appraised.revision.comment
    url = change_url(document, f"history/{appraised.pk}")
    shown = editor_client.get(url)
    assert shown.status_code == 200
    assert editor_client.post(url, form_data(shown)).status_code == 302
    document.refresh_from_db()
    assert document.design == "randomised-trial"
    assert sorted(document.countries.values_list("code", flat=True)) == ["GB-ENG", "US"]
    assert [s.slug for s in document.care_settings.all()] == ["inpatient"]
    measure = document.effect_measures.get()
    assert (measure.value, measure.ci_low, measure.ci_high) == (
        Decimal("1.22"),
        Decimal("0.85"),
        Decimal("1.75"),
    )
