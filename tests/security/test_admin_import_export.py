"""The admin's import and export: only for those whose permissions allow it, never a live formula.

A staff user with no permissions is refused every export and the plan workbook import, and the
database is as it was; a staff user who may only view can export but not import; a superuser can
do both. The per-model imports are gone (the plan workbook import is the one admin import).
Every export format the admin offers defuses each form of formula.
"""

import csv
import io
import json

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement.importing.admin_views import import_permissions
from improvement.importing.workbook import import_workbook
from improvement.models import Action, Lead, Risk
from tests import factories
from tests.improvement.workbooks import read_xlsx, xlsx
from tests.security.hostile import DANGEROUS

MODELS = [
    ("improvement", "action"),
    ("improvement", "risk"),
    ("improvement", "measure"),
    ("improvement", "measurevalue"),
    ("inspections", "recommendation"),
]
OFFERED_FORMATS = ["xlsx", "csv", "tsv", "json"]
ACTION_SHEET = [
    ["reference", "action", "lead", "comments"],
    ["SEP16-1", "Audit every case", "Head of HR", "Started"],
]


def _staff(*codenames: str):
    user = factories.UserFactory(is_staff=True)
    for codename in codenames:
        app_label, name = codename.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=name)
        )
    return user


@pytest.fixture
def staff_no_permissions(db):
    return _staff()


@pytest.fixture
def view_only_staff(db):
    return _staff(
        "improvement.view_plan",
        *(f"{app}.view_{model}" for app, model in MODELS),
    )


@pytest.fixture
def importing_staff(db):
    return _staff("improvement.view_plan", "improvement.change_plan", *import_permissions())


@pytest.fixture
def workbook_url(plan):
    return reverse("admin:improvement_plan_import_workbook", args=[plan.pk])


@pytest.fixture
def existing(plan):
    """A little of everything, so a refused request can be shown to change nothing."""
    rec = factories.RecommendationFactory(reference="7")
    plan.inspections.add(rec.inspection)
    action = factories.ActionFactory(plan=plan, reference="SEP16-1", text="Audit some cases")
    risk = factories.RiskFactory(plan=plan, reference="R1", description="Staff leave")
    factories.MeasureValueFactory(measure=factories.MeasureFactory(plan=plan, name="Referrals"))
    return action, risk


def _state():
    return (
        list(Action.objects.order_by("pk").values_list("reference", "text", "commentary")),
        list(Risk.objects.order_by("pk").values_list("reference", "description", "likelihood")),
        list(Lead.objects.order_by("pk").values_list("name", flat=True)),
    )


def _export_form(client, app, model):
    page = client.get(f"/admin/{app}/{model}/export/")
    return page, page.context["form"]


def _export(client, app, model, label):
    _, form = _export_form(client, app, model)
    choices = dict((label, value) for value, label in form.fields["format"].choices)
    data = {"format": choices[label], "resource": 0}
    data.update(dict.fromkeys(_field_names(form), True))
    return client.post(f"/admin/{app}/{model}/export/", data)


def _field_names(form):
    return [name for name in form.fields if name not in ("format", "resource", "export_items")]


# Who may export and import ---------------------------------------------------------------------


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_staff_with_no_permissions_cannot_export_anything(
    client, staff_no_permissions, existing, app, model
):
    client.force_login(staff_no_permissions)
    url = f"/admin/{app}/{model}/export/"

    for response in (client.get(url), client.post(url, {"format": 0, "resource": 0})):
        assert response.status_code == 403
        assert "Content-Disposition" not in response
        assert b"SEP16-1" not in response.content

    assert client.get(f"/admin/{app}/{model}/").status_code == 403


def test_staff_with_no_permissions_cannot_import_a_plan_workbook(
    client, admin_user, staff_no_permissions, plan, existing, workbook_url
):
    before = _state()
    hostile_rows = [ACTION_SHEET[0], ["SEP16-1", "Replaced by an intruder", "Intruder", "x"]]
    upload = SimpleUploadedFile("plan.xlsx", xlsx({"Actions": hostile_rows}))
    client.force_login(admin_user)
    preview = client.post(workbook_url, {"step": "upload", "file": upload})
    confirm = {name: preview.context["form"][name].value() for name in ("token", "filename")}
    client.force_login(staff_no_permissions)

    responses = [
        client.get(workbook_url),
        client.post(workbook_url, {"step": "upload", "file": upload}),
        client.post(workbook_url, {"step": "confirm", **confirm, "mapping": "{}"}),
        client.post(workbook_url, {"step": "map", **confirm, "mapping": "{}"}),
        client.get(reverse("admin:improvement_plan_import_workbook", args=[plan.pk + 999])),
    ]

    assert [r.status_code for r in responses] == [403] * 5
    assert _state() == before


@pytest.mark.parametrize(("app", "model"), MODELS)
@pytest.mark.parametrize("step", ["import", "process_import"])
def test_the_removed_per_model_imports_answer_not_found_to_everyone(
    client, admin_user, staff_no_permissions, existing, app, model, step
):
    before = _state()
    data = xlsx({"Risks": [["no", "description", "likelihood", "impact"], ["R1", "Gone", 1, 1]]})

    for user in (staff_no_permissions, admin_user):
        client.force_login(user)
        upload = SimpleUploadedFile("r.xlsx", data)
        response = client.post(f"/admin/{app}/{model}/{step}/", {"import_file": upload})
        assert response.status_code == 404

    assert _state() == before


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_view_only_staff_can_export_each_list_in_the_offered_formats(
    client, view_only_staff, existing, app, model
):
    client.force_login(view_only_staff)

    _, form = _export_form(client, app, model)
    response = _export(client, app, model, "xlsx")

    offered = [label for value, label in form.fields["format"].choices if value != ""]
    assert offered == OFFERED_FORMATS
    changelist = client.get(f"/admin/{app}/{model}/").content.decode()
    assert f"/admin/{app}/{model}/export/" in changelist
    assert f"/admin/{app}/{model}/import/" not in changelist
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert len(next(iter(read_xlsx(response.content).values()))) >= 2


def test_view_only_staff_cannot_import_a_plan_workbook_nor_see_the_link(
    client, view_only_staff, plan, existing, workbook_url
):
    before = _state()
    client.force_login(view_only_staff)
    upload = SimpleUploadedFile("plan.xlsx", xlsx({"Actions": ACTION_SHEET}))

    change_page = client.get(reverse("admin:improvement_plan_change", args=[plan.pk]))
    refused = client.post(workbook_url, {"step": "upload", "file": upload})

    assert change_page.status_code == 200
    assert workbook_url not in change_page.content.decode()
    assert refused.status_code == 403
    assert _state() == before


def test_staff_who_may_change_the_plan_but_not_its_parts_cannot_import(
    client, plan, existing, workbook_url
):
    user = _staff("improvement.view_plan", "improvement.change_plan", "improvement.change_action")
    client.force_login(user)
    upload = SimpleUploadedFile("plan.xlsx", xlsx({"Actions": ACTION_SHEET}))

    assert client.post(workbook_url, {"step": "upload", "file": upload}).status_code == 403


def test_staff_with_the_import_permissions_import_a_plan_workbook(
    client, importing_staff, plan, workbook_url
):
    client.force_login(importing_staff)
    upload = SimpleUploadedFile("plan.xlsx", xlsx({"Actions": ACTION_SHEET}))

    change_page = client.get(reverse("admin:improvement_plan_change", args=[plan.pk]))
    preview = client.post(workbook_url, {"step": "upload", "file": upload})
    step = {name: preview.context["form"][name].value() for name in ("token", "filename")}
    client.post(workbook_url, {"step": "confirm", **step, "mapping": "{}"})

    assert workbook_url in change_page.content.decode()
    assert list(Action.objects.values_list("reference", "text", "lead__name")) == [
        ("SEP16-1", "Audit every case", "Head of HR")
    ]


def test_a_superuser_can_export_and_import(client, admin_user, plan, existing, workbook_url):
    client.force_login(admin_user)
    export = _export(client, "improvement", "action", "csv")
    rows = [ACTION_SHEET[0], ["SEP16-2", "Second action", "Head of HR", ""]]
    upload = SimpleUploadedFile("plan.xlsx", xlsx({"Actions": rows}))
    preview = client.post(workbook_url, {"step": "upload", "file": upload})
    step = {name: preview.context["form"][name].value() for name in ("token", "filename")}
    client.post(workbook_url, {"step": "confirm", **step, "mapping": "{}"})

    assert "SEP16-1" in export.content.decode()
    assert set(Action.objects.values_list("reference", flat=True)) == {"SEP16-1", "SEP16-2"}


# No live formula in any offered format -------------------------------------------------------


def _hostile_action(plan, text):
    return factories.ActionFactory(
        plan=plan,
        reference=text,
        number="1",
        text=text,
        commentary=text,
        lead=factories.LeadFactory(name=text),
        due_on=None,
        due_text=text,
    )


def _rows(label, content):
    text = content.decode("utf-8")
    if label == "json":
        return json.loads(text)
    dialect = {"csv": "excel", "tsv": "excel-tab"}[label]
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), dialect=dialect))


HOSTILE_COLUMNS = ("reference", "action", "lead", "comments", "by_when")


@pytest.mark.parametrize("label", ["csv", "tsv", "json"])
@pytest.mark.parametrize("text", DANGEROUS)
def test_each_form_of_formula_is_escaped_in_the_text_formats(client, admin_user, plan, label, text):
    _hostile_action(plan, text)
    client.force_login(admin_user)

    response = _export(client, "improvement", "action", label)

    (row,) = _rows(label, response.content)
    assert {column: row[column] for column in HOSTILE_COLUMNS} == dict.fromkeys(
        HOSTILE_COLUMNS, "'" + text
    )


@pytest.mark.parametrize("text", [*DANGEROUS, "- reviewed monthly"])
def test_the_admin_xlsx_writes_each_hostile_text_as_a_string_cell_exactly(
    client, admin_user, plan, text
):
    _hostile_action(plan, text)
    client.force_login(admin_user)

    response = _export(client, "improvement", "action", "xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = dict(zip([c.value for c in sheet[1]], sheet[2], strict=True))
    for column in HOSTILE_COLUMNS:
        assert cells[column].data_type == "s"
        # XML may read a carriage return back as a line feed (openpyxl's own parser does; lxml,
        # when installed, keeps it): either way, the text as written.
        assert cells[column].value.replace("\r", "\n") == text.replace("\r", "\n")


def test_the_whole_csv_export_of_a_hostile_action(client, admin_user, plan):
    factories.ActionFactory(
        plan=plan,
        reference="=1+1",
        number="4",
        text="\t=cmd|' /C calc'!A0",
        commentary='＝HYPERLINK("http://evil.example")',
        lead=factories.LeadFactory(name="@SUM(A1)"),
        due_on=None,
        due_text="- reviewed monthly",
        expected_impact=" +1",
        impact_evidence="Case audits show it worked",
        improvement_measure="\r=1+1",
    )
    client.force_login(admin_user)

    (row,) = _rows("csv", _export(client, "improvement", "action", "csv").content)

    assert row == {
        "reference": "'=1+1",
        "theme": "",
        "period": "",
        "objective": "",
        "no": "4",
        "key_action": "False",
        "recs": "",
        "action": "'\t=cmd|' /C calc'!A0",
        "by_when": "'- reviewed monthly",
        "due_date": "",
        "lead": "'@SUM(A1)",
        "impact": "' +1",
        "impact_tested": "Case audits show it worked",
        "progress_rag": "",
        "status": "Not started",
        "comments": '\'＝HYPERLINK("http://evil.example")',
        "improvement_measure": "'\r=1+1",
        "impact_rag": "",
        "arose_from_inspection": "False",
        "milestones": "",
    }


# The import direction ----------------------------------------------------------------------


def test_a_formula_in_an_uploaded_workbook_is_never_run_and_text_stays_text(plan):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Actions"
    sheet.append(["reference", "action", "comments"])
    sheet.append(["SEP16-1", "=1+1", "=2+2"])
    sheet["B2"].data_type = "s"  # text that looks like a formula, as our exports write it
    assert sheet["C2"].data_type == "f"  # a real formula, saved with no calculated value
    out = io.BytesIO()
    book.save(out)

    summary = import_workbook(plan=plan, data=out.getvalue(), filename="p.xlsx", dry_run=False)

    assert summary.ok, summary.lines()
    action = Action.objects.get(reference="SEP16-1")
    assert (action.text, action.commentary) == ("=1+1", "")
