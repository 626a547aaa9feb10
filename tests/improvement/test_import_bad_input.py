"""Every kind of bad input is refused with a message naming where, and writes nothing."""

import io
import zipfile

import openpyxl.xml
import pytest

from improvement.importing.cells import NOT_A_RAG, SCORE_OUT_OF_RANGE
from improvement.importing.reading import (
    CORRUPT_WORKBOOK,
    NOT_A_SPREADSHEET,
    OLD_EXCEL,
    PASSWORD_PROTECTED,
    TOO_LARGE,
    TOO_MANY_ROWS,
    UNSAFE_XML,
    ZIP_BOMB,
    RowError,
)
from improvement.importing.resources import NO_REFERENCE
from improvement.importing.widgets import UNKNOWN_RECOMMENDATION
from improvement.importing.workbook import DUPLICATE_REFERENCE, MISSING_COLUMN, import_workbook
from improvement.models import Action, Lead, Measure, Objective, Period, Risk, Theme
from inspections.models import Inspection, Recommendation
from inspections.references import REFERENCE_REFUSED
from tests import factories
from tests.improvement.workbooks import BAD, wirral, xlsx

MODELS = (Action, Lead, Measure, Objective, Period, Risk, Theme, Inspection, Recommendation)
HEADER = ["theme", "period", "no", "recs", "action", "by_when", "lead", "progress_rag"]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def existing(plan):
    """A plan with a recommendation and an action, so "nothing changed" is not trivially true."""
    rec = factories.RecommendationFactory(reference="1")
    plan.inspections.add(rec.inspection)
    factories.ActionFactory(plan=plan, reference="SEP16-1", lead=factories.LeadFactory())
    return plan


def refused(plan, data: bytes, filename="plan.xlsx") -> list[RowError]:
    before = counts()
    summary = import_workbook(plan=plan, data=data, filename=filename, dry_run=False)
    assert not summary.ok
    assert counts() == before
    return summary.all_errors()


def action_rows(*rows):
    return xlsx({"Action Plan": [["Anytown action plan"], HEADER, *rows]})


GOOD = [
    "People",
    "September - December 2016",
    2,
    "1",
    "Recruit managers",
    "31/12/2016",
    "Head of HR",
    "",
]


def with_cell(column: str, value, **more):
    row = list(GOOD)
    for name, cell in {column: value, **more}.items():
        row[HEADER.index(name)] = cell
    return row


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_a_file_that_is_not_a_spreadsheet_is_refused(existing):
    errors = refused(existing, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")

    assert [e.message for e in errors] == [NOT_A_SPREADSHEET]


def test_a_zip_that_is_not_a_workbook_is_refused(existing):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")

    assert [e.message for e in refused(existing, out.getvalue())] == [NOT_A_SPREADSHEET]


def test_a_truncated_workbook_is_refused_as_corrupt(existing):
    data = wirral("risk_register.xlsx")

    errors = refused(existing, data[: len(data) // 2])

    assert errors[0].message.startswith(CORRUPT_WORKBOOK.split("{")[0])


def test_a_workbook_with_broken_xml_is_refused_as_corrupt(existing):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("xl/workbook.xml", "<workbook><sheets")

    errors = refused(existing, out.getvalue())

    assert errors[0].message.startswith(CORRUPT_WORKBOOK.split("{")[0])


def test_a_workbook_declaring_xml_entities_is_refused_by_the_hardened_parser(existing):
    source = zipfile.ZipFile(io.BytesIO(wirral("risk_register.xlsx")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + data
            archive.writestr(name, data)

    assert [e.message for e in refused(existing, out.getvalue())] == [UNSAFE_XML]


def test_a_password_protected_workbook_is_refused(existing):
    data = (BAD / "password_protected.xlsx").read_bytes()

    assert [e.message for e in refused(existing, data)] == [PASSWORD_PROTECTED]


def test_an_old_excel_file_is_refused_with_advice(existing):
    ole_without_encryption = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024

    assert [e.message for e in refused(existing, ole_without_encryption)] == [OLD_EXCEL]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(existing, settings):
    data = action_rows(GOOD)
    settings.IMPORT_MAX_BYTES = len(data) - 1

    errors = refused(existing, data)

    assert [e.message for e in errors] == [TOO_LARGE.format(size=len(data), limit=len(data) - 1)]


def test_a_sheet_over_the_row_limit_is_refused(existing, settings):
    settings.IMPORT_MAX_ROWS = 10
    rows = [with_cell("no", n) for n in range(2, 12)]

    errors = refused(existing, action_rows(*rows))

    # Counted from the sheet's XML before openpyxl builds it, so a huge sheet never loads.
    assert [e.message for e in errors] == [TOO_MANY_ROWS.format(rows=12, limit=10)]


def test_a_csv_over_the_row_limit_is_refused(existing, settings):
    settings.IMPORT_MAX_ROWS = 2
    data = b"no,action\n1,Recruit\n2,Retain\n"

    errors = refused(existing, data, filename="plan.csv")

    assert [(e.sheet, e.message) for e in errors] == [
        ("plan", TOO_MANY_ROWS.format(rows=3, limit=2))
    ]


def test_a_compression_bomb_is_refused_from_the_zip_directory_before_parsing(existing):
    source = zipfile.ZipFile(io.BytesIO(action_rows(GOOD)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name))
        with archive.open("xl/media/padding.bin", "w") as padding:
            for _ in range(101):
                padding.write(b"\0" * (1024 * 1024))
    data = out.getvalue()
    assert len(data) < 1024 * 1024  # small on the wire

    errors = refused(existing, data)

    assert len(errors) == 1
    assert errors[0].message.startswith(ZIP_BOMB.split("{")[0])


def test_a_sheet_missing_a_required_column_is_refused_naming_it(existing):
    header = [h for h in HEADER if h != "action"]
    data = xlsx(
        {"Action Plan": [header, [v for h, v in zip(HEADER, GOOD, strict=True) if h != "action"]]}
    )

    errors = refused(existing, data)

    assert len(errors) == 1
    assert (errors[0].sheet, errors[0].row, errors[0].column) == ("Action Plan", 1, "action")
    assert errors[0].message.startswith(MISSING_COLUMN.format(column="action", aliases="")[:30])


def test_an_action_without_a_number_or_reference_is_refused(existing):
    errors = refused(existing, action_rows(GOOD, with_cell("no", None)))

    assert [(e.row, e.column, e.message) for e in errors] == [(4, "no", NO_REFERENCE)]


def test_a_value_too_long_for_its_field_is_refused_on_its_row(existing):
    errors = refused(existing, action_rows(with_cell("by_when", "x" * 201)))

    assert [(e.row, e.column) for e in errors] == [(3, "by_when")]
    assert "at most 200 characters" in errors[0].message


def test_duplicate_references_in_one_sheet_are_refused(existing):
    errors = refused(existing, action_rows(GOOD, with_cell("action", "Another action")))

    assert [(e.row, e.column, e.message) for e in errors] == [
        (4, "no", DUPLICATE_REFERENCE.format(ref="SEP16-2", first=3))
    ]


def test_a_reference_to_a_recommendation_that_does_not_exist_is_refused(existing):
    errors = refused(existing, action_rows(GOOD, with_cell("no", 3, recs="1, 99")))

    assert [(e.sheet, e.column, e.value, e.message) for e in errors] == [
        ("Action Plan", "recs", "1, 99", UNKNOWN_RECOMMENDATION.format(ref="99")),
    ]


def test_a_rag_that_is_not_one_is_refused(existing):
    row = with_cell("progress_rag", "Purple")

    errors = refused(existing, action_rows(row))

    assert [(e.row, e.column, e.value, e.message) for e in errors] == [
        (3, "progress_rag", "Purple", NOT_A_RAG.format(text="Purple"))
    ]


@pytest.mark.parametrize(
    ("cell", "rag", "status"),
    [
        ("R", "red", "not_started"),
        ("amber", "amber", "not_started"),
        ("GREEN", "green", "not_started"),
        ("g", "green", "not_started"),
        ("Complete", "green", "complete"),
        ("", "not_rated", "not_started"),
    ],
)
def test_rag_words_in_any_case_are_accepted(plan, cell, rag, status):
    summary = import_workbook(
        plan=plan,
        data=action_rows(with_cell("recs", "", progress_rag=cell)),
        dry_run=False,
    )

    assert summary.ok, summary.lines()
    assert Action.objects.values_list("progress_rag", "status").get() == (rag, status)


def test_a_likelihood_outside_one_to_five_is_refused(existing):
    data = xlsx(
        {
            "Risk Register": [
                ["no", "description", "owner", "likelihood", "impact"],
                [1, "Staff leave", "Head of HR", 6, 4],
            ]
        }
    )

    errors = refused(existing, data)

    assert [(e.sheet, e.row, e.column, e.value, e.message) for e in errors] == [
        ("Risk Register", 2, "likelihood", "6", SCORE_OUT_OF_RANGE.format(score=6, low=1, high=5))
    ]


def test_one_bad_sheet_keeps_the_good_sheets_of_the_same_workbook_out_too(existing):
    data = xlsx(
        {
            "Risks": [["no", "description", "likelihood", "impact"], [1, "Staff leave", 6, 4]],
            "Actions": [HEADER, GOOD],
        }
    )

    errors = refused(existing, data)

    assert [e.sheet for e in errors] == ["Risks"]


def test_a_reference_no_address_could_hold_is_a_row_error_naming_the_column(existing):
    data = xlsx(
        {"Action Plan": [["Anytown action plan"], [*HEADER, "reference"], [*GOOD, "A 1/2"]]}
    )

    errors = refused(existing, data)

    assert [(e.sheet, e.row, e.column, e.message) for e in errors] == [
        ("Action Plan", 3, "reference", REFERENCE_REFUSED)
    ]


def test_a_number_printed_with_brackets_imports_as_a_reference_with_an_address(existing, client):
    data = action_rows(with_cell("no", "2 (a)"))

    summary = import_workbook(plan=existing, data=data, filename="plan.xlsx", dry_run=False)

    assert summary.ok, summary.all_errors()
    action = Action.objects.get(plan=existing, number="2 (a)")
    assert action.reference == "SEP16-2-a"
    client.force_login(factories.UserFactory(is_superuser=True))
    assert client.get(action.get_absolute_url()).status_code == 200
