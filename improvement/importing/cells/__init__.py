"""Reading the cells councils actually write: UK dates, reference lists, RAG words, leads.

Pure functions, shared by the spreadsheet importer and the demo loader. Each either returns a
clean value or raises CellError with a message fit to show beside the sheet, row and column.
Councils write deadlines as prose ("Nov 2013 & April 2014", "TBC"), put a lead and a deadline
in one cell, name several leads in one cell, and date milestones without a year; the readers
here take those apart without inventing what the sheet did not say.

One module per thing read: base (text, errors), dates (dates and deadlines), references,
leads, ratings (RAG, flags, scores, criteria) and milestones. Every reader is importable from
here.
"""

from improvement.importing.cells.base import (
    CellError,
    text_of,
    word_set,
)
from improvement.importing.cells.dates import (
    EXCEL_EPOCH,
    MONTH_WORD,
    MONTHS,
    NOT_A_DATE,
    NOT_A_REAL_DATE,
    ORDINAL,
    READ_AS_MONTH_END,
    Due,
    date_in_words,
    full_year,
    is_date_phrase,
    last_day_of,
    month_number,
    parse_due,
    parse_uk_date,
)
from improvement.importing.cells.leads import (
    ACRONYMS,
    LeadCell,
    lead_display_name,
    names_a_lead,
    split_lead_cell,
    split_leads,
)
from improvement.importing.cells.milestones import (
    NO_SUCH_DAY,
    NO_YEAR,
    READ_AS_LAST_DAY,
    YEAR_FROM_PERIOD,
    YEAR_FROM_SHEET,
    MilestoneLine,
    infer_milestone_date,
    split_milestones,
)
from improvement.importing.cells.ratings import (
    AMBIGUOUS_CRITERION,
    NOT_A_CRITERION,
    NOT_A_FLAG,
    NOT_A_RAG,
    NOT_A_SCORE,
    SCORE_OUT_OF_RANGE,
    Progress,
    cautious_rag_of_pair,
    looks_like_rag,
    parse_criterion,
    parse_flag,
    parse_progress,
    parse_score,
)
from improvement.importing.cells.references import (
    action_reference,
    period_bounds,
    period_code,
    split_inspection_marker,
    split_references,
)

__all__ = [
    "ACRONYMS",
    "AMBIGUOUS_CRITERION",
    "CellError",
    "Due",
    "EXCEL_EPOCH",
    "LeadCell",
    "MONTHS",
    "MONTH_WORD",
    "MilestoneLine",
    "NOT_A_CRITERION",
    "NOT_A_DATE",
    "NOT_A_FLAG",
    "NOT_A_RAG",
    "NOT_A_REAL_DATE",
    "NOT_A_SCORE",
    "NO_SUCH_DAY",
    "NO_YEAR",
    "ORDINAL",
    "Progress",
    "READ_AS_LAST_DAY",
    "READ_AS_MONTH_END",
    "SCORE_OUT_OF_RANGE",
    "YEAR_FROM_PERIOD",
    "YEAR_FROM_SHEET",
    "action_reference",
    "cautious_rag_of_pair",
    "date_in_words",
    "full_year",
    "infer_milestone_date",
    "is_date_phrase",
    "last_day_of",
    "lead_display_name",
    "looks_like_rag",
    "month_number",
    "names_a_lead",
    "parse_criterion",
    "parse_due",
    "parse_flag",
    "parse_progress",
    "parse_score",
    "parse_uk_date",
    "period_bounds",
    "period_code",
    "split_inspection_marker",
    "split_lead_cell",
    "split_leads",
    "split_milestones",
    "split_references",
    "text_of",
    "word_set",
]
