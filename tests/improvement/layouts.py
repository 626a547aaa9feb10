"""Councils' workbooks as they print them, built with openpyxl for the import tests.

Each builder returns the workbook's bytes and what a reader should make of it, so a test can
import it with nothing but mapping choices and compare. None of these is a real council's file:
they are made from descriptions of the layouts councils use (docs/importing.md pictures them).
"""

import datetime
import io
from dataclasses import dataclass, field

import openpyxl
from openpyxl.styles import Font, PatternFill

RED, AMBER, GREEN = "FFFF0000", "FFFFC000", "FF00B050"
FILL = {"R": RED, "A": AMBER, "G": GREEN}


@dataclass
class Expected:
    themes: int
    objectives: int
    actions: int
    leads: set[str] = field(default_factory=set)  # every lead and co-lead, casefolded
    co_led: int = 0  # actions with at least one co-lead
    milestones: int = 0
    rags: dict[str, int] = field(default_factory=dict)  # progress RAG value -> count
    from_inspection: int = 0


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(cell, argb: str) -> None:
    cell.fill = PatternFill(fill_type="solid", start_color=argb, end_color=argb)


# 1. A work-stream RAG summary: a title, a two-row header with a "NEXT KEY MILESTONES" group over
# "March" and "April", work-stream rows merged across the sheet, the RAG as one letter in a
# coloured cell, leads in capitals joined with " / ", milestones with no year, and a footer.

WORK_STREAMS = [
    "Support and Develop Our Workforce",
    "Improve Practice Quality",
    "Strengthen the Front Door",
    "Early Help and Prevention",
    "Children in Care and Care Leavers",
    "Performance and Quality Assurance",
    "Partnership and Governance",
    "Voice of the Child",
]
PROJECTS_PER_STREAM = [7, 6, 6, 5, 6, 6, 5, 6]  # 47
WORKSTREAM_LEADS = [
    ["HEAD OF SAFEGUARDING"],
    ["PRINCIPAL SOCIAL WORKER", "WORKFORCE DEVELOPMENT MANAGER"],
    ["HEAD OF HR"],
    ["HEAD OF EARLY HELP", "HEAD OF SCHOOLS", "CAMHS LEAD"],
    ["SERVICE MANAGER, CHILDREN IN CARE"],
    ["HEAD OF QUALITY ASSURANCE"],
]
SUMMARY_DATE = datetime.date(2017, 2, 24)


def workstream_summary() -> tuple[bytes, Expected]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "RAG Summary"
    sheet.append(["Children's Services Improvement Programme – Work-stream RAG summary"])
    sheet.merge_cells("A1:F1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["Project", "Lead", "RAG", "NEXT KEY MILESTONES", None, "Progress / Exceptions"])
    sheet.append([None, None, None, "March", "April", None])
    for column in ("A", "B", "C", "F"):
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("D3:E3")
    expected = Expected(themes=8, objectives=0, actions=0)
    project = 0
    for stream, (name, count) in enumerate(zip(WORK_STREAMS, PROJECTS_PER_STREAM, strict=True)):
        sheet.append([f"{stream + 1} {name}"])
        row = sheet.max_row
        sheet.merge_cells(f"A{row}:F{row}")
        sheet[f"A{row}"].font = Font(bold=True)
        for n in range(count):
            project += 1
            leads = WORKSTREAM_LEADS[project % len(WORKSTREAM_LEADS)]
            rag = "RAG"[project % 3]
            two = project % 47 < 29  # 29 projects have two milestones, 18 have one
            march = f"{(project % 27) + 1:02d} Mar - {name} milestone {n + 1}"
            if project % 5 == 0:
                march = f"{(project % 27) + 1:02d} Mar- launch event {n + 1}"
            april = f"{(project % 27) + 1:02d} Apr - review {n + 1}" if two else "TBC"
            if project % 11 == 0 and two:
                # The council typed an April milestone in the March column and left April blank.
                march, april = f"{march}\n03 Apr - follow-up {n + 1}", None
            sheet.append(
                [
                    f"Project {stream + 1}.{n + 1}: {name.lower()} work {n + 1}",
                    " / ".join(leads),
                    rag,
                    march,
                    april,
                    "On track" if rag == "G" else "See exception report",
                ]
            )
            _fill(sheet.cell(sheet.max_row, 3), FILL[rag])
            expected.actions += 1
            expected.milestones += 2 if two else 1
            expected.rags[{"R": "red", "A": "amber", "G": "green"}[rag]] = (
                expected.rags.get({"R": "red", "A": "amber", "G": "green"}[rag], 0) + 1
            )
            expected.leads |= {lead.casefold() for lead in leads}
            expected.co_led += len(leads) > 1
    sheet.append([])
    sheet.append([f"Accurate when produced on {SUMMARY_DATE:%d/%m/%Y}"])
    return _save(book), expected


# 2. A strategic improvement plan: theme rows with the theme lead inside, a note row, the header
# repeated under every theme, objective rows, numbered actions, the lead and the deadline in one
# cell, lettered leads, deadlines as prose, placeholder RAG columns, and "*" for what arose from
# the latest inspection.

STRATEGIC_THEMES = [
    ("Leadership, management and governance", "Director of Children's Services"),
    ("Quality of practice", "Head of Safeguarding"),
    ("Early help and partnership", "Head of Early Help"),
]
STRATEGIC_HEADER = ["Ref", "Key activity", "Accountable / By", "Action RAG", "Impact RAG"]
PLACEHOLDER = "To be completed for the Improvement Board in March 2014"
DEADLINES = [
    "November 2013",
    "Nov 2013 & April 2014",
    "Monthly through to Dec 2013",
    "31 March 2014",
    "January 2014",
    "Determined by the review",
]


def strategic_plan() -> tuple[bytes, Expected]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Improvement Plan"
    sheet.append(["Strategic Improvement Plan – update for the Improvement Board, January 2014"])
    sheet.append(["Note: this update shows progress since the Board in December 2013."])
    expected = Expected(themes=3, objectives=9, actions=27)
    action = 0
    for t, (theme, theme_lead) in enumerate(STRATEGIC_THEMES, start=1):
        sheet.append([f"THEME {t}: {theme} (Theme Lead – {theme_lead})"])
        sheet.merge_cells(f"A{sheet.max_row}:E{sheet.max_row}")
        sheet.append(STRATEGIC_HEADER)
        expected.leads.add(theme_lead.casefold())
        for o in range(1, 4):
            sheet.append([f"Objective: {theme} – outcome {o}"])
            for a in range(1, 4):
                action += 1
                marked = action % 9 in (1, 3, 5, 7)  # 12 of 27
                text = f"Deliver change {t}.{o}.{a} for {theme.lower()}"
                text = f"* {text}" if marked and action % 2 else f"{text} *" if marked else text
                if action % 4 == 0:
                    leads = ["Head of Safeguarding", "Principal Social Worker", "Head of HR"]
                    lead_cell = (
                        f"(a) {leads[0]} (b) {leads[1]} (c) {leads[2]}\n"
                        f"{DEADLINES[action % len(DEADLINES)]}"
                    )
                else:
                    leads = [theme_lead if action % 3 else "Head of Performance"]
                    lead_cell = f"{leads[0]}\n{DEADLINES[action % len(DEADLINES)]}"
                sheet.append([f"{t}.{o}.{a}", text, lead_cell, PLACEHOLDER, PLACEHOLDER])
                expected.leads |= {lead.casefold() for lead in leads}
                expected.co_led += len(leads) > 1
                expected.from_inspection += marked
    return _save(book), expected


# 3. Several sheets, each header on row 5 under a council's title block, and a RAG shown only by
# the cell's colour (no letter), some from the theme palette.


def several_sheets_colour_only() -> tuple[bytes, Expected]:
    book = openpyxl.Workbook()
    recs = book.active
    recs.title = "Recommendations"
    for line in ["Anytown Council", "Ofsted recommendations", "Inspection: June 2024", ""]:
        recs.append([line or None])
    recs.append(["Rec No", "Recommendation", "Made to"])
    for n in range(1, 5):
        recs.append([n, f"Improve area {n} of practice", "Local authority"])
    actions = book.create_sheet("Action plan")
    for line in ["Anytown Council", "Improvement action plan", "Version 3", ""]:
        actions.append([line or None])
    actions.append(["Ref", "Area", "Action", "Rec", "Owner", "Target date", "RAG"])
    colours = [
        ("FFFF0000", "red"),
        ("FFFFC000", "amber"),
        ("FF92D050", "green"),
        ("theme:6", "green"),  # accent3: green in the workbook's own (Office 2007) theme
        ("indexed:10", "red"),
        ("FFC6EFCE", "green"),  # Excel's "Good" style
    ]
    expected = Expected(themes=2, objectives=0, actions=6)
    for n, (colour, rag) in enumerate(colours, start=1):
        area = "Front door" if n <= 3 else "Children in care"
        actions.append(
            [
                f"A{n}",
                area if n in (1, 4) else None,
                f"Action {n}",
                n % 4 + 1,
                "Head of Service",
                datetime.date(2025, 3, n),
                None,
            ]
        )
        cell = actions.cell(actions.max_row, 7)
        if colour.startswith("theme:"):
            cell.fill = PatternFill(
                fill_type="solid",
                fgColor=openpyxl.styles.colors.Color(theme=int(colour.split(":")[1])),
            )
        elif colour.startswith("indexed:"):
            cell.fill = PatternFill(
                fill_type="solid",
                fgColor=openpyxl.styles.colors.Color(indexed=int(colour.split(":")[1])),
            )
        else:
            _fill(cell, colour)
        expected.rags[rag] = expected.rags.get(rag, 0) + 1
    expected.leads = {"head of service"}
    risks = book.create_sheet("Risks")
    for line in ["Anytown Council", "Risk register", "", ""]:
        risks.append([line or None])
    risks.append(["Risk ref", "Risk", "Risk owner", "Likelihood", "Impact"])
    risks.append(["R1", "Recruitment stalls", "Head of HR", 4, 4])
    risks.append(["R2", "Demand rises", "Head of Service", 3, 5])
    expected.leads.add("head of hr")
    return _save(book), expected


# 4. Hidden columns and totals: last year's RAG kept in a hidden column, a key row, a totals
# row and a page footer.


def hidden_columns_and_totals() -> tuple[bytes, Expected]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet.append(["No", "Action", "Lead", "Due", "RAG 2023 (old)", "RAG"])
    sheet.column_dimensions["E"].hidden = True
    expected = Expected(themes=0, objectives=0, actions=5)
    for n in range(1, 6):
        rag = ["Red", "Amber", "Green", "Green", "Amber"][n - 1]
        sheet.append([n, f"Action {n}", "Head of Service", "31/03/2025", "Blue-ish note", rag])
        expected.rags[rag.casefold()] = expected.rags.get(rag.casefold(), 0) + 1
    sheet.append(["Total", 5])
    sheet.append(["Key: R = off track, A = at risk, G = on track"])
    sheet.append(["Page 1 of 1"])
    expected.leads = {"head of service"}
    return _save(book), expected


# 5. Nothing recognised: headers no alias names, on row 2 under a title.


UNRECOGNISED_HEADER = ["Item", "Deliverable", "Accountable", "Target month", "Position"]


def unrecognised_headers() -> tuple[bytes, Expected]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["Delivery tracker"])
    sheet.append(UNRECOGNISED_HEADER)
    expected = Expected(themes=0, objectives=0, actions=4)
    for n, (position, rag) in enumerate(
        [("R", "red"), ("A", "amber"), ("G", "green"), ("G", "green")], start=1
    ):
        sheet.append([f"D{n}", f"Deliverable {n}", "HEAD OF PERFORMANCE", "June 2025", position])
        expected.rags[rag] = expected.rags.get(rag, 0) + 1
    expected.leads = {"head of performance"}
    return _save(book), expected


UNRECOGNISED_MAPPING = {
    "Item": "reference",
    "Deliverable": "action",
    "Accountable": "lead",
    "Target month": "by_when",
    "Position": "progress_rag",
}


# 6. Themes in a column written once, objectives numbered "1.1" in their own rows, several
# leads joined with " & " and ";", and deadlines as month and year.


def numbered_objectives_csv() -> tuple[bytes, Expected]:
    lines = [
        "Theme,No,Action,Lead,Deadline,RAG",
        "Leadership,,,,,",
        ",1.1 Stronger oversight of practice,,,,",
        ",1.1.1,Monthly audit by senior leaders,Head of Safeguarding & Head of QA,Nov-24,G",
        ",1.1.2,Publish audit findings,Head of QA; Principal Social Worker,December 2024,A",
        ",1.2 Better use of data,,,,",
        ",1.2.1,Weekly performance clinic,Head of Performance,Jan 2025,R",
        "Practice,,,,,",
        ",2.1 Plans children understand,,,,",
        ',2.1.1,Plans written to the child,"Principal Social Worker\nHead of Safeguarding",'
        "31/01/2025,G",
    ]
    expected = Expected(themes=2, objectives=3, actions=4)
    expected.leads = {
        "head of safeguarding",
        "head of qa",
        "principal social worker",
        "head of performance",
    }
    expected.co_led = 3
    expected.rags = {"green": 2, "amber": 1, "red": 1}
    return ("\n".join(lines) + "\n").encode(), expected


# 7. A criteria-rule plan: one column per readiness criterion, met / not met / not assessed.

CRITERIA_HEADER = [
    "No",
    "Action",
    "Lead",
    "Clear scope",
    "Resources identified",
    "Resources allocated",
    "Project plan in place",
    "Ambitious delivery timescales (pace)",
]
CRITERIA_ROWS = [
    # number, met per criterion (None: not assessed), the derived RAG the rule gives
    (1, ["Yes", "Yes", "Yes", "Yes", "Yes"], "green"),
    (2, ["Yes", "Yes", "No", "Yes", "Yes"], "amber"),
    (3, ["No", "Yes", "Yes", "Yes", "Yes"], "red"),
    (4, ["Yes", "No", "No", "Yes", "Yes"], "red"),
    (5, ["Yes", "Yes", "Yes", None, "Yes"], "not_rated"),
]


def criteria_plan() -> tuple[bytes, Expected]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Readiness"
    sheet.append(CRITERIA_HEADER)
    for number, met, _ in CRITERIA_ROWS:
        sheet.append([number, f"Action {number}", "Head of Service", *met])
    expected = Expected(themes=0, objectives=0, actions=len(CRITERIA_ROWS))
    expected.leads = {"head of service"}
    return _save(book), expected
