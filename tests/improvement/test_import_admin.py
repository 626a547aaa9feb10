"""An admin imports a workbook through the admin: upload, map unknown columns, preview, confirm."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from improvement.importing.flow import IMPORTED, TMP_DIR, forget_abandoned_uploads
from improvement.importing.reading import NOT_A_SPREADSHEET, TOO_LARGE
from improvement.importing.workbook import UNKNOWN_COLUMN
from improvement.models import Action, Lead, Risk
from tests import factories
from tests.improvement.workbooks import read_xlsx, string_cells, xlsx

ROWS = [
    ["Anytown improvement plan – actions"],
    ["Theme", "Period", "No", "Activity Required", "Target Date", "Owner", "Sponsor"],
    [
        "People",
        "January - March 2017",
        1,
        "Recruit permanent managers",
        "31/03/2017",
        "Head of HR",
        "Chief Executive",
    ],
    [
        "People",
        "January - March 2017",
        2,
        "Launch the academy",
        "On going",
        "Head of HR",
        "Chief Executive",
    ],
]


@pytest.fixture
def upload():
    return SimpleUploadedFile("plan.xlsx", xlsx({"Action Plan": ROWS}))


@pytest.fixture
def url(plan):
    return reverse("admin:improvement_plan_import_workbook", args=[plan.pk])


def _step(response):
    form = response.context["form"]
    return {name: form[name].value() for name in ("token", "filename", "mapping", "choices")}


def _columns_as_shown(page, **chosen) -> dict:
    """The columns page posted as an admin leaves it, with `chosen` {header: field} changed."""
    form = page.context["form"]
    posted = {}
    for sheet in form.sheet_views:
        posted[sheet.kind_field] = sheet.kind
        posted[sheet.header_field] = sheet.header_row
        for view in sheet.columns:
            posted[view.field_name] = chosen.get(view.column.text, view.chosen)
    return posted


def test_admin_uploads_maps_an_unknown_column_previews_and_confirms(
    client, admin_user, plan, upload, url
):
    client.force_login(admin_user)

    mapping_page = client.post(url, {"step": "upload", "file": upload})

    assert "admin/improvement/plan/import_mapping.html" in [t.name for t in mapping_page.templates]
    html = mapping_page.content.decode()
    assert "Column G (Sponsor) holds" in html
    assert "Chief Executive" in html
    assert not Action.objects.exists()

    preview = client.post(
        url,
        {
            "step": "map",
            **_step(mapping_page),
            **_columns_as_shown(mapping_page, Sponsor="improvement_measure"),
        },
    )

    summary = preview.context["summary"]
    actions = summary.sheet("Action Plan")
    assert (actions.new, actions.updated, actions.unchanged, len(actions.errors)) == (2, 0, 0, 0)
    assert summary.new_leads == ["Head of HR"]
    assert "Head of HR" in preview.content.decode()
    assert not Action.objects.exists()
    assert not Lead.objects.filter(name="Head of HR").exists()

    done = client.post(url, {"step": "confirm", **_step(preview)}, follow=True)

    assert done.redirect_chain[-1][0] == reverse("admin:improvement_plan_change", args=[plan.pk])
    assert IMPORTED.format(file="plan.xlsx", new=2, updated=0, unchanged=0) in done.content.decode()
    action = Action.objects.get(reference="JAN17-2")
    assert (action.improvement_measure, action.due_text, action.due_needs_review) == (
        "Chief Executive",
        "On going",
        True,
    )
    assert action.history.first().history_user == admin_user
    plan.refresh_from_db()
    assert plan.import_mapping == {"Sponsor": "improvement_measure"}


def test_the_plan_remembers_the_mapping_so_the_next_upload_goes_straight_to_preview(
    client, admin_user, plan, upload, url
):
    plan.import_mapping = {"Sponsor": "ignore"}
    plan.save()
    client.force_login(admin_user)

    preview = client.post(url, {"step": "upload", "file": upload})

    assert "admin/improvement/plan/import_preview.html" in [t.name for t in preview.templates]
    warnings = [w.message for w in preview.context["summary"].sheet("Action Plan").warnings]
    assert UNKNOWN_COLUMN.format(header="Sponsor") not in warnings


def test_a_preview_with_errors_offers_no_confirm_and_saves_nothing(client, admin_user, plan, url):
    bad = [
        ROWS[1][:6],
        ["People", "January - March 2017", 1, "Recruit", "31/03/2017", "Head of HR"],
        ["People", "January - March 2017", 1, "Recruit", "31/03/2017", "Head of HR"],
    ]
    client.force_login(admin_user)

    preview = client.post(
        url, {"step": "upload", "file": SimpleUploadedFile("bad.xlsx", xlsx({"Plan": bad}))}
    )

    assert not preview.context["summary"].ok
    assert "Confirm import" not in preview.content.decode()
    assert not Action.objects.exists()


def test_an_officer_cannot_reach_the_import(client, officer, url):
    client.force_login(officer)

    response = client.get(url)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_plan_change_page_links_to_the_import(client, admin_user, plan, url):
    client.force_login(admin_user)

    page = client.get(reverse("admin:improvement_plan_change", args=[plan.pk]))

    assert url in page.content.decode()


@pytest.mark.parametrize("model", ["action", "risk", "measure", "measurevalue", "recommendation"])
@pytest.mark.parametrize("step", ["import", "process_import"])
def test_the_plan_workbook_is_the_only_admin_import(client, admin_user, plan, model, step):
    app = "inspections" if model == "recommendation" else "improvement"
    client.force_login(admin_user)
    data = xlsx({"Risks": [["no", "description", "likelihood", "impact"], ["R1", "Cuts", 3, 4]]})

    response = client.post(
        f"/admin/{app}/{model}/{step}/",
        {"plan": plan.pk, "format": 0, "import_file": SimpleUploadedFile("r.xlsx", data)},
    )

    assert response.status_code == 404
    assert not Risk.objects.exists()
    changelist = client.get(f"/admin/{app}/{model}/").content.decode()
    assert f"/admin/{app}/{model}/import/" not in changelist
    assert f"/admin/{app}/{model}/export/" in changelist


def test_an_upload_over_the_size_limit_is_refused_before_it_is_stored(
    client, admin_user, plan, upload, url, settings
):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(admin_user)

    page = client.post(url, {"step": "upload", "file": upload})

    assert page.context["form"].errors["file"] == [TOO_LARGE.format(size=upload.size, limit=100)]
    assert not Action.objects.exists()


def test_action_admin_exports_the_list_in_the_import_layout(client, admin_user, plan):
    factories.ActionFactory(plan=plan, reference="SEP16-1", text="=cmd")
    client.force_login(admin_user)
    export_url = reverse("admin:improvement_action_export")
    page = client.get(export_url)
    form = page.context["form"]
    choices = form.fields["format"].choices
    data = {"format": next(value for value, label in choices if label == "xlsx"), "resource": 0}
    data.update({name: True for name in form.fields if name.startswith("actionresource_")})

    response = client.post(export_url, data)

    header, row = next(iter(read_xlsx(response.content).values()))
    values = dict(zip(header, row, strict=True))
    assert (values["reference"], values["action"]) == ("SEP16-1", "=cmd")
    assert string_cells(response.content)["=cmd"] == "s"


def test_a_file_that_is_not_a_spreadsheet_is_explained_in_the_preview(
    client, admin_user, plan, url
):
    client.force_login(admin_user)
    pdf = SimpleUploadedFile("plan.xlsx", b"%PDF-1.4 not a workbook")

    preview = client.post(url, {"step": "upload", "file": pdf})

    assert NOT_A_SPREADSHEET in preview.content.decode()
    assert "Confirm import" not in preview.content.decode()


def test_an_upload_nobody_confirms_is_forgotten_after_a_day_but_a_fresh_one_is_kept():
    default_storage.save(f"{TMP_DIR}/left-behind.upload", ContentFile(b"workbook bytes"))

    forget_abandoned_uploads(now=timezone.now())
    assert default_storage.exists(f"{TMP_DIR}/left-behind.upload")

    a_day_later = timezone.now() + datetime.timedelta(days=1, minutes=1)
    assert forget_abandoned_uploads(now=a_day_later) >= 1
    assert not default_storage.exists(f"{TMP_DIR}/left-behind.upload")


def test_admin_import_into_another_councils_plan_never_reuses_this_councils_lead(
    client, admin_user, officer, foreign_plan
):
    anytown_hr = factories.LeadFactory(name="Head of HR")
    anytown_hr.users.add(officer)
    rows = [row[:6] for row in ROWS]  # without the Sponsor column, so no mapping step
    url = reverse("admin:improvement_plan_import_workbook", args=[foreign_plan.pk])
    client.force_login(admin_user)

    preview = client.post(
        url, {"step": "upload", "file": SimpleUploadedFile("p.xlsx", xlsx({"Action Plan": rows}))}
    )
    assert preview.context["summary"].new_leads == ["Head of HR"]
    client.post(url, {"step": "confirm", **_step(preview)})

    otherton_hr = Lead.objects.get(authority=foreign_plan.authority, name="Head of HR")
    assert otherton_hr != anytown_hr
    assert set(foreign_plan.actions.values_list("lead", flat=True)) == {otherton_hr.pk}
    assert not anytown_hr.actions.exists()
    assert not Action.objects.for_user(officer).filter(plan=foreign_plan).exists()
