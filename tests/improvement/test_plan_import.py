"""An improvement lead imports the plan's workbook on the site: the admin's upload → columns →
preview → confirm, into the plan of the page and no other."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from improvement.importing.flow import IMPORTED, UPLOAD_EXPIRED
from improvement.importing.workbook import DUPLICATE_REFERENCE
from improvement.models import Action, Lead, PlanRole, ProgressUpdate, Theme
from inspections.models import Inspection, Recommendation
from tests import factories
from tests.improvement.test_import_admin import ROWS, _columns_as_shown, _step
from tests.improvement.workbooks import xlsx

# The admin test's workbook without its Sponsor column: every header known, straight to preview.
KNOWN_ROWS = [row[:6] for row in ROWS]


def _import_url(plan):
    return reverse("improvement:plan_import", kwargs={"slug": plan.slug})


def _workbook(rows=ROWS, name="plan.xlsx", sheet="Action Plan"):
    return SimpleUploadedFile(name, xlsx({sheet: rows}))


@pytest.fixture
def as_lead(improvement_lead):
    client = Client()
    client.force_login(improvement_lead)
    return client


@pytest.fixture
def fostering_plan(db):
    return factories.PlanFactory(slug="fostering", title="Fostering improvement plan")


@pytest.fixture
def lead_of_another_plan(fostering_plan):
    user = factories.UserFactory(username="fostering_lead")
    factories.PlanRoleFactory(plan=fostering_plan, user=user, role=PlanRole.Role.IMPROVEMENT_LEAD)
    return user


def _written() -> tuple[int, ...]:
    models = (Action, Lead, ProgressUpdate, Theme, Inspection, Recommendation)
    return tuple(model.objects.count() for model in models)


def _nothing_written():
    return _written() == (0, 0, 0, 0, 0, 0)


def test_an_improvement_lead_maps_previews_and_confirms_an_import_into_their_plan(
    as_lead, improvement_lead, plan
):
    url = _import_url(plan)

    mapping_page = as_lead.post(url, {"step": "upload", "file": _workbook()})

    assert "improvement/plan_import_mapping.html" in [t.name for t in mapping_page.templates]
    assert "Column G: Sponsor holds" in mapping_page.content.decode()
    assert _nothing_written()

    preview = as_lead.post(
        url,
        {
            "step": "map",
            **_step(mapping_page),
            **_columns_as_shown(mapping_page, Sponsor="improvement_measure"),
        },
    )

    assert "improvement/plan_import_preview.html" in [t.name for t in preview.templates]
    sheet = preview.context["summary"].sheet("Action Plan")
    assert (sheet.new, sheet.updated, len(sheet.errors)) == (2, 0, 0)
    assert "Head of HR" in preview.content.decode()
    assert _nothing_written()

    done = as_lead.post(url, {"step": "confirm", **_step(preview)}, follow=True)

    assert done.redirect_chain[-1][0] == plan.get_absolute_url()
    assert IMPORTED.format(file="plan.xlsx", new=2, updated=0, unchanged=0) in (
        done.content.decode()
    )
    assert set(Action.objects.values_list("plan", "reference")) == {
        (plan.pk, "JAN17-1"),
        (plan.pk, "JAN17-2"),
    }
    action = Action.objects.get(reference="JAN17-2")
    assert action.improvement_measure == "Chief Executive"
    assert action.history.first().history_user == improvement_lead
    assert Lead.objects.get(name="Head of HR").authority == plan.authority
    plan.refresh_from_db()
    assert plan.import_mapping == {"Sponsor": "improvement_measure"}


def test_the_plan_comes_from_the_page_never_from_the_form(
    client, plan, fostering_plan, foreign_plan, lead_of_another_plan
):
    # A lead of two plans, who names the other plan and another council in every step's post.
    factories.PlanRoleFactory(
        plan=plan, user=lead_of_another_plan, role=PlanRole.Role.IMPROVEMENT_LEAD
    )
    client.force_login(lead_of_another_plan)
    elsewhere = {"plan": fostering_plan.pk, "slug": fostering_plan.slug, "authority": "Otherton"}

    preview = client.post(
        _import_url(plan),
        {"step": "upload", "file": _workbook(KNOWN_ROWS), **elsewhere},
    )
    client.post(_import_url(plan), {"step": "confirm", **_step(preview), **elsewhere})

    assert set(Action.objects.values_list("plan", flat=True)) == {plan.pk}
    assert not fostering_plan.actions.exists()
    assert not foreign_plan.actions.exists()
    assert set(Theme.objects.values_list("plan", flat=True)) == {plan.pk}


def test_an_upload_made_for_one_plan_cannot_be_confirmed_into_another(
    client, plan, fostering_plan, lead_of_another_plan
):
    factories.PlanRoleFactory(
        plan=plan, user=lead_of_another_plan, role=PlanRole.Role.IMPROVEMENT_LEAD
    )
    client.force_login(lead_of_another_plan)
    preview = client.post(_import_url(plan), {"step": "upload", "file": _workbook(KNOWN_ROWS)})

    moved = client.post(
        _import_url(fostering_plan), {"step": "confirm", **_step(preview)}, follow=True
    )

    assert moved.redirect_chain[-1][0] == _import_url(fostering_plan)
    assert UPLOAD_EXPIRED in moved.content.decode()
    assert _nothing_written()


@pytest.fixture
def lead_preview(as_lead, plan):
    """A preview the plan's own lead reached, so a refused confirm below has a real upload."""
    return as_lead.post(_import_url(plan), {"step": "upload", "file": _workbook(KNOWN_ROWS)})


@pytest.mark.parametrize(
    ("persona", "status"),
    [("lead_of_another_plan", 404), ("chair", 403), ("officer", 403)],
)
def test_others_are_refused_every_step_and_nothing_is_written(
    client, request, plan, overdue_action, lead_preview, persona, status
):
    # Who cannot read the plan is told it is not there, as on every plan page; who reads it
    # without leading it (the chair, the officer of overdue_action) is refused.
    client.force_login(request.getfixturevalue(persona))
    url = _import_url(plan)
    before = _written()

    responses = [
        client.get(url),
        client.post(url, {"step": "upload", "file": _workbook(KNOWN_ROWS)}),
        client.post(url, {"step": "map", **_step(lead_preview)}),
        client.post(url, {"step": "confirm", **_step(lead_preview)}),
    ]

    assert [r.status_code for r in responses] == [status] * 4
    assert _written() == before


def test_a_signed_out_visitor_is_asked_to_sign_in(client, plan):
    response = client.post(_import_url(plan), {"step": "upload", "file": _workbook()})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert _nothing_written()


def test_the_preview_shows_each_row_error_with_its_sheet_row_and_column(as_lead, plan):
    rows = [KNOWN_ROWS[0], KNOWN_ROWS[1], KNOWN_ROWS[2], KNOWN_ROWS[2]]

    preview = as_lead.post(
        _import_url(plan), {"step": "upload", "file": _workbook(rows, sheet="Plan")}
    )

    error = next(
        e for e in preview.context["summary"].all_errors() if e.message.startswith("Reference")
    )
    assert (error.sheet, error.row) == ("Plan", 4)
    html = preview.content.decode()
    message = DUPLICATE_REFERENCE.format(ref="JAN17-1", first=3)
    assert error.message == message
    labels = ("Sheet", "Row", "Column")
    values = ("Plan", 4, error.column or "–")
    cells = [
        f'<td class="govuk-table__cell" data-label="{label}">{value}</td>'
        for label, value in zip(labels, values, strict=True)
    ]
    assert "".join(cells) in html.replace("\n      ", "")
    assert message.replace('"', "&quot;") in html
    assert "Confirm import" not in html
    assert _nothing_written()


def test_confirm_writes_every_sheet_or_nothing(as_lead, plan):
    # Two sheets: the recommendations are fine, the actions repeat a reference. Posting confirm
    # straight away (no preview offered it) must still write neither.
    recommendations = [
        ["Ref", "Recommendation", "Inspection"],
        ["R1", "See children alone.", "Ofsted SIF 2016"],
    ]
    actions = [KNOWN_ROWS[0], KNOWN_ROWS[1], KNOWN_ROWS[2], KNOWN_ROWS[2]]
    upload = SimpleUploadedFile(
        "two.xlsx", xlsx({"Recommendations": recommendations, "Action Plan": actions})
    )
    preview = as_lead.post(_import_url(plan), {"step": "upload", "file": upload})
    recommendations_sheet = preview.context["summary"].sheet("Recommendations")
    assert (recommendations_sheet.new, recommendations_sheet.errors) == (1, [])

    confirmed = as_lead.post(_import_url(plan), {"step": "confirm", **_step(preview)})

    assert confirmed.status_code == 200
    assert not confirmed.context["summary"].ok
    assert not plan.recommendations().exists()
    assert _nothing_written()
    plan.refresh_from_db()
    assert plan.import_mapping == {}


def test_the_plan_page_links_to_the_import_for_its_improvement_leads_only(
    as_lead, client, chair, plan
):
    client.force_login(chair)

    assert _import_url(plan) in as_lead.get(plan.get_absolute_url()).content.decode()
    assert _import_url(plan) not in client.get(plan.get_absolute_url()).content.decode()
