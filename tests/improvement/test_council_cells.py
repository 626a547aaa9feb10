"""Cells as other councils write them: leads in capitals and in lists, deadlines as prose,
milestones without a year, RAG as a fill colour, theme rows, notes and footers."""

import datetime
import io

import openpyxl
import pytest
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color
from openpyxl.writer.theme import theme_xml

from improvement.importing.cells import (
    AMBIGUOUS_CRITERION,
    NO_YEAR,
    CellError,
    LeadCell,
    MilestoneLine,
    infer_milestone_date,
    is_date_phrase,
    lead_display_name,
    looks_like_rag,
    parse_criterion,
    parse_due,
    split_inspection_marker,
    split_lead_cell,
    split_leads,
    split_milestones,
)
from improvement.importing.colours import DEFAULT_THEME, fill_colour, rag_from_colour
from improvement.importing.headings import (
    FOOTER,
    NOTE,
    OBJECTIVE,
    THEME,
    TOTALS,
    Heading,
    line_kind,
    read_heading,
    sheet_date_from,
    split_heading_lead,
)
from improvement.models import Rag

D = datetime.date


# Deadlines and posts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "31/03/2014",
        "1/2/17",
        "2014-03-31",
        "31 March 2014",
        "31st Mar 2014",
        "March 31, 2014",
        "November 2013",
        "Nov 2013",
        "Nov-13",
        "Nov 13",
        "Sept 2014",
        "Q3 2013/14",
        "Q4",
        "TBC",
        "TBA",
        "tbd",
        "Ongoing",
        "On going",
        "on-going",
        "Monthly",
        "Quarterly",
        "Annually",
        "Weekly",
        "Monthly through to Dec 2013",
        "By March 2014",
        "End of March 2014",
        "End of year",
        "From April 2014",
        "Start 31/12/2016 then on going",
        "Determined by the Board",
        "To be confirmed",
        "To be agreed with the LSCB",
        "2014",
        "2013/14",
        "2013-2015",
        "Nov 2013 & April 2014",
        "Nov 2013 and April 2014",
        "Nov 2013 - April 2014",
        "April to June 2014",
        "Spring term 2014",
        "w/c 13 Mar",
        "Mid-March 2014",
        "Within 3 months",
        "Immediately",
    ],
)
def test_a_deadline_is_a_date_phrase(text):
    assert is_date_phrase(text)


@pytest.mark.parametrize(
    "text",
    [
        "Head of Safeguarding",
        "DCS",
        "LSCB",
        "Jane Smith",
        "Principal Social Worker",
        "March Manager",
        "Head of May Road Centre",
        "Head of Year",
        "Head of Service",
        "Director of Children's Services",
        "By the Board",
        "End",
        "Team 2",
        "Weekly Review Group",
        "",
    ],
)
def test_a_post_or_a_person_is_never_a_date_phrase(text):
    assert not is_date_phrase(text)


# Due dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "on"),
    [
        ("31/03/2014", D(2014, 3, 31)),
        (datetime.datetime(2014, 3, 31), D(2014, 3, 31)),
        (41729, D(2014, 3, 31)),
        ("2014-03-31", D(2014, 3, 31)),
        ("31 March 2014", D(2014, 3, 31)),
        ("31st Mar 2014", D(2014, 3, 31)),
        ("1st April 2014", D(2014, 4, 1)),
        ("March 31, 2014", D(2014, 3, 31)),
        ("31-Mar-14", D(2014, 3, 31)),
    ],
)
def test_a_real_date_is_read_as_written(cell, on):
    due = parse_due(cell)

    assert (due.on, due.needs_review, due.read_as) == (on, False, "")


@pytest.mark.parametrize(
    ("cell", "on", "read_as"),
    [
        ("November 2013", D(2013, 11, 30), "read as 30/11/2013, the last day of November 2013"),
        ("Nov 2013", D(2013, 11, 30), "read as 30/11/2013, the last day of November 2013"),
        ("Nov-13", D(2013, 11, 30), "read as 30/11/2013, the last day of November 2013"),
        ("Nov 13", D(2013, 11, 30), "read as 30/11/2013, the last day of November 2013"),
        (
            "End of November 2013",
            D(2013, 11, 30),
            "read as 30/11/2013, the last day of November 2013",
        ),
        ("end of March 2014", D(2014, 3, 31), "read as 31/03/2014, the last day of March 2014"),
        ("February 2016", D(2016, 2, 29), "read as 29/02/2016, the last day of February 2016"),
        ("Sept 2014", D(2014, 9, 30), "read as 30/09/2014, the last day of September 2014"),
    ],
)
def test_a_month_and_year_is_that_months_last_day_and_says_so(cell, on, read_as):
    due = parse_due(cell)

    assert (due.on, due.text, due.needs_review, due.read_as) == (on, cell, False, read_as)


@pytest.mark.parametrize(
    "cell",
    [
        "Nov 2013 & April 2014",
        "Monthly through to Dec 2013",
        "TBC",
        "Determined by the Board",
        "On going",
        "Ongoing",
        "Q3 2013/14",
        "31/11/2016",
        "31 February 2014",
        "By November 2013",
        "April to June 2014",
        "2014",
    ],
)
def test_a_deadline_that_is_not_one_date_keeps_its_words_for_review(cell):
    due = parse_due(cell)

    assert (due.on, due.text, due.needs_review, due.read_as) == (None, cell, True, "")


@pytest.mark.parametrize("cell", ["", None, "   "])
def test_a_blank_deadline_is_no_deadline(cell):
    assert parse_due(cell) == parse_due("")
    assert (parse_due(cell).on, parse_due(cell).text, parse_due(cell).needs_review) == (
        None,
        "",
        False,
    )


# Leads ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "names", "due_text"),
    [
        ("Head of Safeguarding", ["Head of Safeguarding"], ""),
        ("HEAD OF SERVICE\nNovember 2013", ["HEAD OF SERVICE"], "November 2013"),
        ("Head of Service\nNov 2013 & April 2014", ["Head of Service"], "Nov 2013 & April 2014"),
        ("Head of Service\nTBC", ["Head of Service"], "TBC"),
        ("Head of Service (Nov 2013)", ["Head of Service"], "Nov 2013"),
        ("Head of Service – TBC", ["Head of Service"], "TBC"),
        ("Head of Service November 2013", ["Head of Service"], "November 2013"),
        ("Head of Year", ["Head of Year"], ""),
        ("Head of Year 6 (TBC)", ["Head of Year 6"], "TBC"),
        ("Jane Smith (DCS)", ["Jane Smith (DCS)"], ""),
        ("DCS / Head of Safeguarding", ["DCS", "Head of Safeguarding"], ""),
        ("DCS & Principal Social Worker", ["DCS", "Principal Social Worker"], ""),
        ("HEAD OF SAFEGUARDING / DCS", ["HEAD OF SAFEGUARDING", "DCS"], ""),
        ("Jane Smith & John Brown", ["Jane Smith", "John Brown"], ""),
        ("Head of Service; DCS", ["Head of Service", "DCS"], ""),
        ("Head of Service;\nhead of service", ["Head of Service"], ""),
        (
            "• Head of Early Help\n• Head of Safeguarding",
            ["Head of Early Help", "Head of Safeguarding"],
            "",
        ),
        (
            "- Head of Early Help\n- Head of Safeguarding",
            ["Head of Early Help", "Head of Safeguarding"],
            "",
        ),
        (
            "(a) Head of Children in Care (b) Head of Safeguarding "
            "(c) PSW (d) LSCB Business Manager",
            ["Head of Children in Care", "Head of Safeguarding", "PSW", "LSCB Business Manager"],
            "",
        ),
        ("a) Head of Early Help b) IRO Manager", ["Head of Early Help", "IRO Manager"], ""),
        ("(i) DCS (ii) Head of QA", ["DCS", "Head of QA"], ""),
        (
            "Head of Quality, Performance and Improvement",
            ["Head of Quality, Performance and Improvement"],
            "",
        ),
        ("Head of Quality and Performance", ["Head of Quality and Performance"], ""),
        (
            "Senior Manager – Children in Care & Care Leavers",
            ["Senior Manager – Children in Care & Care Leavers"],
            "",
        ),
        ("HEAD OF QA & PERFORMANCE", ["HEAD OF QA & PERFORMANCE"], ""),
        ("Quality & Performance Manager", ["Quality & Performance Manager"], ""),
        ("Chair of WSCB\nWSCB  Business Manager", ["Chair of WSCB", "WSCB Business Manager"], ""),
        ("Senior Manager - Children in Need.", ["Senior Manager - Children in Need"], ""),
        ("", [], ""),
        (None, [], ""),
    ],
)
def test_a_lead_cell_gives_its_leads_in_order_and_any_deadline_written_with_them(
    cell, names, due_text
):
    assert split_lead_cell(cell) == LeadCell(names=names, due_text=due_text)


def test_a_known_lead_joined_by_an_ampersand_is_never_split():
    known = {"Head of Safeguarding & Quality Manager"}.__contains__
    cell = "Head of Safeguarding & Quality Manager / DCS"

    assert split_lead_cell(cell).names == ["Head of Safeguarding", "Quality Manager", "DCS"]
    assert split_lead_cell(cell, known=known).names == [
        "Head of Safeguarding & Quality Manager",
        "DCS",
    ]


def test_split_leads_is_the_names_of_the_lead_cell():
    cell = "DCS / Head of Safeguarding\nNovember 2013"

    assert split_leads(cell) == ["DCS", "Head of Safeguarding"]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("HEAD OF SAFEGUARDING", "Head of Safeguarding"),
        ("DIRECTOR OF CHILDREN'S SERVICES", "Director of Children's Services"),
        ("DIRECTOR OF CHILDREN’S SERVICES", "Director of Children’s Services"),
        ("HEAD OF QA & PERFORMANCE", "Head of QA & Performance"),
        ("DCS", "DCS"),
        ("LSCB BUSINESS MANAGER", "LSCB Business Manager"),
        ("CAMHS LEAD", "CAMHS Lead"),
        ("HR BUSINESS PARTNER", "HR Business Partner"),
        ("IRO MANAGER", "IRO Manager"),
        ("MASH CO-ORDINATOR", "MASH Co-ordinator"),
        ("NHS DESIGNATED NURSE", "NHS Designated Nurse"),
        ("HEAD OF CIN-CP", "Head of CIN-CP"),
        ("THE CHAIR OF THE LSCB", "The Chair of the LSCB"),
        ("NEW BUSINESS MANAGER", "New Business Manager"),
        ("JANE O'BRIEN", "Jane O'Brien"),
        ("Head of QA", "Head of QA"),
        ("Jane smith", "Jane smith"),
        ("", ""),
    ],
)
def test_a_lead_in_capitals_reads_as_a_name_and_acronyms_stay(name, shown):
    assert lead_display_name(name) == shown


# Milestones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "milestones"),
    [
        (
            "13 Mar - Launch of the academy",
            [MilestoneLine("Launch of the academy", 13, 3, None)],
        ),
        ("01 Mar- Recruitment drive", [MilestoneLine("Recruitment drive", 1, 3, None)]),
        ("13/03 Review of audits", [MilestoneLine("Review of audits", 13, 3, None)]),
        ("13/03/2017 Board report", [MilestoneLine("Board report", 13, 3, 2017)]),
        ("13.03.17 Board report", [MilestoneLine("Board report", 13, 3, 2017)]),
        ("13 March 2017: Report to Cabinet", [MilestoneLine("Report to Cabinet", 13, 3, 2017)]),
        ("w/c 13 Mar – Practice week", [MilestoneLine("Practice week", 13, 3, None)]),
        ("3rd April - Audit", [MilestoneLine("Audit", 3, 4, None)]),
        ("March 2017 - Audit", [MilestoneLine("Audit", None, 3, 2017)]),
        ("Mar - Audit", [MilestoneLine("Audit", None, 3, None)]),
        (
            "13 Mar - Launch of the academy\n\n27 Mar - First cohort starts",
            [
                MilestoneLine("Launch of the academy", 13, 3, None),
                MilestoneLine("First cohort starts", 27, 3, None),
            ],
        ),
        (
            "13 Mar - Launch; 27 Mar - Review",
            [MilestoneLine("Launch", 13, 3, None), MilestoneLine("Review", 27, 3, None)],
        ),
        (
            "13 Mar - Launch, 27 Mar - Review",
            [MilestoneLine("Launch", 13, 3, None), MilestoneLine("Review", 27, 3, None)],
        ),
        ("• 13 Mar - Launch", [MilestoneLine("Launch", 13, 3, None)]),
        ("Launch of the academy", [MilestoneLine("Launch of the academy", None, None, None)]),
        ("Launch, then review", [MilestoneLine("Launch, then review", None, None, None)]),
        (
            "May be delayed by recruitment",
            [MilestoneLine("May be delayed by recruitment", None, None, None)],
        ),
        ("2/3 of staff trained", [MilestoneLine("2/3 of staff trained", None, None, None)]),
        ("31 Feb - Audit", [MilestoneLine("Audit", 31, 2, None)]),
        ("13 Mar", [MilestoneLine("13 Mar", 13, 3, None)]),
        ("13 Mar - Launch\nTBC", [MilestoneLine("Launch", 13, 3, None)]),
        ("TBC", []),
        ("TBA", []),
        ("n/a", []),
        ("-", []),
        ("None", []),
        ("", []),
        (None, []),
    ],
)
def test_a_milestone_cell_gives_one_milestone_a_line_with_its_leading_date(cell, milestones):
    assert split_milestones(cell) == milestones


SHEET_DATE = D(2017, 2, 24)
PLAN_YEAR = (D(2016, 9, 1), D(2017, 8, 31))


@pytest.mark.parametrize(
    ("line", "sheet_date", "period", "expected"),
    [
        (MilestoneLine("Board", 13, 3, 2017), None, (None, None), (D(2017, 3, 13), "")),
        (
            MilestoneLine("Audit", 31, 2, 2017),
            SHEET_DATE,
            PLAN_YEAR,
            (None, 'no such day "31 Feb 2017"'),
        ),
        (
            MilestoneLine("Audit", 31, 2, None),
            SHEET_DATE,
            PLAN_YEAR,
            (None, 'no such day "31 Feb"'),
        ),
        (
            MilestoneLine("Launch", 13, 3, None),
            None,
            PLAN_YEAR,
            (D(2017, 3, 13), "year from the plan period"),
        ),
        (
            MilestoneLine("Launch", 1, 12, None),
            None,
            PLAN_YEAR,
            (D(2016, 12, 1), "year from the plan period"),
        ),
        (
            MilestoneLine("Launch", 13, 3, None),
            SHEET_DATE,
            (None, None),
            (D(2017, 3, 13), "year from the sheet's date 24/02/2017"),
        ),
        (
            MilestoneLine("Recruitment", 1, 12, None),
            SHEET_DATE,
            (None, None),
            (D(2016, 12, 1), "year from the sheet's date 24/02/2017"),
        ),
        # A two-year plan holds 13 March twice, so the sheet's date decides.
        (
            MilestoneLine("Launch", 13, 3, None),
            SHEET_DATE,
            (D(2016, 1, 1), D(2017, 12, 31)),
            (D(2017, 3, 13), "year from the sheet's date 24/02/2017"),
        ),
        (
            MilestoneLine("Launch", 13, 3, None),
            None,
            (D(2016, 1, 1), D(2017, 12, 31)),
            (None, NO_YEAR),
        ),
        (MilestoneLine("Launch", 13, 3, None), None, (None, None), (None, NO_YEAR)),
        (
            MilestoneLine("Audit", None, 3, 2017),
            None,
            (None, None),
            (D(2017, 3, 31), "read as the last day of March 2017"),
        ),
        (
            MilestoneLine("Audit", None, 3, None),
            SHEET_DATE,
            (None, None),
            (
                D(2017, 3, 31),
                "year from the sheet's date 24/02/2017; read as the last day of March",
            ),
        ),
        (
            MilestoneLine("Launch of the academy", None, None, None),
            SHEET_DATE,
            PLAN_YEAR,
            (None, ""),
        ),
    ],
)
def test_a_milestone_without_a_year_takes_it_from_the_plan_or_the_sheet(
    line, sheet_date, period, expected
):
    assert infer_milestone_date(line, sheet_date=sheet_date, period=period) == expected


# Inspection markers, criteria, RAG columns ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("* Recruit 20 social workers", ("Recruit 20 social workers", True)),
        ("*Recruit 20 social workers", ("Recruit 20 social workers", True)),
        ("Recruit 20 social workers *", ("Recruit 20 social workers", True)),
        ("Recruit 20 social workers.*", ("Recruit 20 social workers.", True)),
        ("1.1.1 * Recruit 20 social workers", ("1.1.1 Recruit 20 social workers", True)),
        ("1.1.1* Recruit 20 social workers", ("1.1.1 Recruit 20 social workers", True)),
        ("** Recruit 20 social workers", ("** Recruit 20 social workers", False)),
        ("Recruit 20 social workers **", ("Recruit 20 social workers **", False)),
        ("Reduce caseloads to 5*3 a week", ("Reduce caseloads to 5*3 a week", False)),
        ("Recruit 20 social workers", ("Recruit 20 social workers", False)),
    ],
)
def test_a_single_asterisk_marks_an_action_from_the_latest_inspection(text, expected):
    assert split_inspection_marker(text) == expected


@pytest.mark.parametrize(
    ("cell", "met"),
    [
        ("Yes", True),
        ("y", True),
        ("MET", True),
        ("true", True),
        ("✓", True),
        ("✔", True),
        ("1", True),
        (1, True),
        (True, True),
        ("In place", True),
        ("Agreed", True),
        ("No", False),
        ("n", False),
        ("Not met", False),
        ("false", False),
        ("0", False),
        ("✗", False),
        ("✘", False),
        (False, False),
        ("", None),
        (None, None),
        ("Not assessed", None),
        ("N/A", None),
        ("TBC", None),
        ("?", None),
    ],
)
def test_a_readiness_criterion_is_met_not_met_or_not_assessed(cell, met):
    assert parse_criterion(cell) is met


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("x", AMBIGUOUS_CRITERION.format(text="x")),
        ("Partly", '"Partly" does not say whether the criterion is met'),
    ],
)
def test_a_criterion_that_is_neither_is_refused_with_what_to_write(cell, message):
    with pytest.raises(CellError, match=message):
        parse_criterion(cell)


@pytest.mark.parametrize(
    ("cell", "rag_like"),
    [
        ("", True),
        (None, True),
        ("R", True),
        ("amber", True),
        ("GREEN", True),
        ("Blue", True),
        ("Complete", True),
        ("N/A", True),
        ("Red/Amber", True),
        ("Amber-Green", True),
        ("A/G", True),
        ("To be updated for the March Board", False),
        ("Green - on track", False),
        ("Good progress made", False),
    ],
)
def test_a_rag_column_holds_ratings_not_prose(cell, rag_like):
    assert looks_like_rag(cell) is rag_like


# Fill colours ---------------------------------------------------------------------------------

# The Office 2013+ theme's colours, written into a workbook as Excel would.
OFFICE_2013_THEME = (
    theme_xml.replace("1F497D", "44546A")
    .replace("EEECE1", "E7E6E6")
    .replace("4F81BD", "4472C4")
    .replace("C0504D", "ED7D31")
    .replace("9BBB59", "A5A5A5")
    .replace("8064A2", "FFC000")
    .replace("4BACC6", "5B9BD5")
    .replace("F79646", "70AD47")
)


def filled_cells(fills: list[PatternFill | None], *, theme: str | None = None):
    """Cells A1, A2, … filled as given, saved to an xlsx and read back as the importer does."""
    book = openpyxl.Workbook()
    if theme:
        book.loaded_theme = theme.encode()
    sheet = book.active
    for row, fill in enumerate(fills, start=1):
        sheet.cell(row=row, column=1, value="R")
        if fill is not None:
            sheet.cell(row=row, column=1).fill = fill
    out = io.BytesIO()
    book.save(out)
    reloaded = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    return [reloaded.active.cell(row=row, column=1) for row in range(1, len(fills) + 1)]


def solid(colour: Color) -> PatternFill:
    return PatternFill(fill_type="solid", fgColor=colour)


def as_excel_shows(rgb: str | None, excel: str | None) -> bool:
    """Tints are applied as Excel does up to rounding: each channel within 2 of Excel's own."""
    if rgb is None or excel is None:
        return rgb == excel
    return all(abs(int(rgb[i : i + 2], 16) - int(excel[i : i + 2], 16)) <= 2 for i in (0, 2, 4))


@pytest.mark.parametrize(
    ("fill", "rgb"),
    [
        (solid(Color(rgb="FFFF0000")), "FF0000"),
        (solid(Color(rgb="FF00B050")), "00B050"),
        (solid(Color(rgb="00C6EFCE")), "C6EFCE"),  # openpyxl and some tools write alpha 00
        (solid(Color(rgb="ffffc000")), "FFC000"),
        (solid(Color(rgb="FFFFFFFF")), None),
        (solid(Color(rgb="00000000")), None),
        (solid(Color(indexed=10)), "FF0000"),
        (solid(Color(indexed=17)), "008000"),
        (solid(Color(indexed=13)), "FFFF00"),
        (solid(Color(indexed=64)), None),
        (solid(Color(indexed=9)), None),
        (PatternFill(fill_type="lightGray", fgColor=Color(rgb="FFFF0000")), "FF0000"),
        (PatternFill(fill_type="gray125"), None),
        (PatternFill(fill_type=None), None),
        (None, None),
    ],
)
def test_a_cells_fill_is_read_back_from_the_saved_workbook(fill, rgb):
    (cell,) = filled_cells([fill])

    assert fill_colour(cell) == rgb


@pytest.mark.parametrize(
    ("theme", "tint", "rgb", "rag"),
    [
        (5, 0.0, "C0504D", Rag.RED),  # accent2 is red in the Office 2007 theme
        (6, 0.0, "9BBB59", Rag.GREEN),  # accent3 green
        (4, 0.0, "4F81BD", Rag.BLUE),
        (9, 0.0, "F79646", Rag.AMBER),  # accent6 orange
        (5, 0.5999938962981048, "E6B9B8", Rag.RED),  # accent2, lighter 60%
        (6, -0.249977111117893, "76923C", Rag.GREEN),  # accent3, darker 25%
        (0, 0.0, None, None),  # background white
        (0, -0.1499984740745262, "D9D9D9", None),  # white darker 15%: a grey heading band
        (1, 0.0, "000000", None),
    ],
)
def test_a_theme_fill_uses_the_workbooks_own_theme_with_its_tint(theme, tint, rgb, rag):
    # openpyxl writes the Office 2007 theme, as most plans from 2013-2016 were written in.
    (cell,) = filled_cells([solid(Color(theme=theme, tint=tint))])

    assert as_excel_shows(fill_colour(cell), rgb)
    assert rag_from_colour(fill_colour(cell)) == rag


@pytest.mark.parametrize(
    ("theme", "tint", "rgb", "rag"),
    [
        (4, 0.0, "4472C4", Rag.BLUE),
        (5, 0.0, "ED7D31", Rag.AMBER),  # accent2 is orange from Office 2013
        (6, 0.0, "A5A5A5", None),  # accent3 is grey
        (7, 0.0, "FFC000", Rag.AMBER),
        (9, 0.0, "70AD47", Rag.GREEN),
        (9, 0.3999755851924192, "A9D08E", Rag.GREEN),
        (4, 0.7999816888943144, "D9E1F2", None),  # pale blue header band
    ],
)
def test_a_theme_fill_in_an_office_2013_workbook(theme, tint, rgb, rag):
    (cell,) = filled_cells([solid(Color(theme=theme, tint=tint))], theme=OFFICE_2013_THEME)

    assert as_excel_shows(fill_colour(cell), rgb)
    assert rag_from_colour(fill_colour(cell)) == rag


def test_a_cell_outside_any_saved_workbook_uses_the_default_office_theme():
    cell = openpyxl.Workbook().active["A1"]
    cell.fill = solid(Color(theme=9))

    assert fill_colour(cell) == DEFAULT_THEME[9] == "70AD47"


@pytest.mark.parametrize(
    ("rgb", "rag"),
    [
        ("C00000", Rag.RED),
        ("FF0000", Rag.RED),
        ("FF5050", Rag.RED),
        ("F4CCCC", Rag.RED),
        ("FFC7CE", Rag.RED),  # Excel's "Bad" style
        ("C0504D", Rag.RED),
        ("E6B8B7", Rag.RED),
        ("DA9694", Rag.RED),
        ("FFC000", Rag.AMBER),
        ("FFBF00", Rag.AMBER),
        ("FF9900", Rag.AMBER),
        ("FFFF00", Rag.AMBER),
        ("ED7D31", Rag.AMBER),
        ("FFEB9C", Rag.AMBER),  # Excel's "Neutral" style
        ("F79646", Rag.AMBER),
        ("FCD5B4", Rag.AMBER),
        ("FFE699", Rag.AMBER),
        ("00B050", Rag.GREEN),
        ("92D050", Rag.GREEN),
        ("00FF00", Rag.GREEN),
        ("C6EFCE", Rag.GREEN),  # Excel's "Good" style
        ("70AD47", Rag.GREEN),
        ("9BBB59", Rag.GREEN),
        ("A9D08E", Rag.GREEN),
        ("008000", Rag.GREEN),
        ("0070C0", Rag.BLUE),
        ("00B0F0", Rag.BLUE),
        ("4472C4", Rag.BLUE),
        ("5B9BD5", Rag.BLUE),
        ("BDD7EE", Rag.BLUE),
        ("4F81BD", Rag.BLUE),
        ("4BACC6", Rag.BLUE),
        ("ffffff", None),
        ("FFFFFF", None),
        ("F2F2F2", None),
        ("D9D9D9", None),
        ("A5A5A5", None),
        ("808080", None),
        ("000000", None),
        ("44546A", None),
        ("EEECE1", None),
        ("E7E6E6", None),
        ("D9E1F2", None),  # the Wirral header band
        ("E2EFDA", None),
        ("7030A0", None),
        ("8064A2", None),
        ("FF99CC", None),
        (None, None),
        ("", None),
        ("not a colour", None),
    ],
)
def test_a_fill_colour_means_the_rag_rating_of_its_hue(rgb, rag):
    assert rag_from_colour(rgb) == rag


# Structure rows -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        (
            "THEME 1: Leadership and governance (Theme Lead – Jane Smith)",
            Heading(THEME, "THEME", "1", "Leadership and governance", "Jane Smith"),
        ),
        (
            "1 Support and Develop Our Workforce",
            Heading(THEME, "", "1", "Support and Develop Our Workforce", ""),
        ),
        ("1. Leadership", Heading(THEME, "", "1", "Leadership", "")),
        ("Work-stream 3: Early help", Heading(THEME, "Work-stream", "3", "Early help", "")),
        ("Workstream 3 - Early help", Heading(THEME, "Workstream", "3", "Early help", "")),
        ("Priority 2: Children in care", Heading(THEME, "Priority", "2", "Children in care", "")),
        ("Strand 4 – Permanence", Heading(THEME, "Strand", "4", "Permanence", "")),
        ("Section B: The front door", Heading(THEME, "Section", "B", "The front door", "")),
        ("Theme 1", Heading(THEME, "Theme", "1", "", "")),
        (
            "Theme 3: Practice (Theme lead - John Brown)",
            Heading(THEME, "Theme", "3", "Practice", "John Brown"),
        ),
        (
            "Theme 2: Partnerships (Lead: Director of Children's Services)",
            Heading(THEME, "Theme", "2", "Partnerships", "Director of Children's Services"),
        ),
        (
            "Theme 4 – Quality assurance – Lead: Head of QA",
            Heading(THEME, "Theme", "4", "Quality assurance", "Head of QA"),
        ),
        (
            "Objective: Children are safe",
            Heading(OBJECTIVE, "Objective", "", "Children are safe", ""),
        ),
        (
            "Objective 1.2 – Improve the quality of plans",
            Heading(OBJECTIVE, "Objective", "1.2", "Improve the quality of plans", ""),
        ),
        ("Outcome 2: Better outcomes", Heading(OBJECTIVE, "Outcome", "2", "Better outcomes", "")),
        (
            "Aim: Every child has a plan",
            Heading(OBJECTIVE, "Aim", "", "Every child has a plan", ""),
        ),
        (
            "1.2 Improve the quality of plans",
            Heading(OBJECTIVE, "", "1.2", "Improve the quality of plans", ""),
        ),
        (
            "Objective 1.4. Permanence",
            Heading(OBJECTIVE, "Objective", "1.4", "Permanence", ""),
        ),
        ("THEME 2 PRACTICE", Heading(THEME, "THEME", "2", "PRACTICE", "")),
        ("2) Practice", Heading(THEME, "", "2", "Practice", "")),
        ("3. practice", Heading(THEME, "", "3", "practice", "")),
        (
            "Objective 1.3: Audit (Lead officer: Head of QA)",
            Heading(OBJECTIVE, "Objective", "1.3", "Audit", "Head of QA"),
        ),
        (
            "THEME 4 – QUALITY ASSURANCE (leadership)",
            Heading(THEME, "THEME", "4", "QUALITY ASSURANCE (leadership)", ""),
        ),
    ],
)
def test_a_heading_row_says_its_label_number_name_and_lead(text, heading):
    assert read_heading(text) == heading


@pytest.mark.parametrize(
    "text",
    [
        "Leadership and governance",
        "Early help – Lead: Jane Smith",
        "Priority families are supported",
        "Improve leadership across the service",
        "1.1.1 Recruit 20 social workers",
        "13 Mar - Launch of the academy",
        "2014 inspection findings",
        "Section 47 enquiries are completed on time",
        "Priority 1 referrals are seen within 24 hours",
        "10 social workers recruited",
        "Total",
        "Note: actions in bold are key actions",
        "Accurate when produced on 24/02/2017",
        "",
    ],
)
def test_text_that_is_no_labelled_or_numbered_heading_is_left_to_the_layout(text):
    assert read_heading(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Early help – Lead: Jane Smith", ("Early help", "Jane Smith")),
        (
            "Leadership and governance (Theme Lead – Jane Smith)",
            ("Leadership and governance", "Jane Smith"),
        ),
        ("Practice, lead officer: Head of Service", ("Practice", "Head of Service")),
        ("Improving leadership", ("Improving leadership", "")),
        ("Leadership (leads to better practice)", ("Leadership (leads to better practice)", "")),
    ],
)
def test_a_heading_the_layout_found_gives_its_name_and_lead(text, expected):
    assert split_heading_lead(text) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Accurate when produced on 24/02/2017", FOOTER),
        ("Produced on 24/02/2017 by the Performance Team", FOOTER),
        ("Page 2 of 5", FOOTER),
        ("Page 3", FOOTER),
        ("Printed 03/03/2017", FOOTER),
        ("Source: Liquidlogic, February 2017", FOOTER),
        ("Last updated 01/02/2017", FOOTER),
        ("Updated on 3 March 2017", FOOTER),
        ("Version 3.2", FOOTER),
        ("v1.2", FOOTER),
        ("© Wirral Council 2017", FOOTER),
        ("Copyright 2017", FOOTER),
        ("End of report", FOOTER),
        ("Note: actions in bold are key actions", NOTE),
        ("Notes:", NOTE),
        ("NB actions are renumbered each quarter", NOTE),
        ("N.B. actions are renumbered", NOTE),
        ("Please note the new RAG rules", NOTE),
        ("Key: R = off track", NOTE),
        ("* denotes actions arising from the 2014 inspection", NOTE),
        ("** = key action", NOTE),
        ("(to be reviewed at the next Board)", NOTE),
        ("Total", TOTALS),
        ("Totals", TOTALS),
        ("Grand total", TOTALS),
        ("Sub-total:", TOTALS),
        ("subtotal", TOTALS),
        ("TOTAL: 45", TOTALS),
        ("Noted improvements in supervision", None),
        ("Key actions for the quarter", None),
        ("Print the audit report", None),
        ("Produce a workforce strategy", None),
        ("(a) Audit plans (see below)", None),
        ("Total caseloads reduced to 18", None),
        ("", None),
    ],
)
def test_a_rows_text_can_be_a_footer_a_note_or_totals(text, kind):
    assert line_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("Accurate when produced on 24/02/2017", D(2017, 2, 24)),
        ("Printed 03/03/17", D(2017, 3, 3)),
        ("Printed 2017-03-03", D(2017, 3, 3)),
        ("Position at March 2017", D(2017, 3, 31)),
        ("Update for the Improvement Board – 12 January 2014", D(2014, 1, 12)),
        ("Position at 31st March 2014", D(2014, 3, 31)),
        ("Progress report, Nov-13", D(2013, 11, 30)),
        ("Report of 31/02/2017, revised 3 March 2017", D(2017, 3, 3)),
        ("Improvement plan 2013-15", None),
        ("Page 2 of 5", None),
        ("", None),
    ],
)
def test_a_title_or_footer_gives_the_sheets_date(text, on):
    assert sheet_date_from(text) == on
