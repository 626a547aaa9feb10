"""Text a spreadsheet program would run as a formula, in each form the exports must defuse."""

DANGEROUS = [
    "=1+1",
    "+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "＝1+1",
    "\n=1",
    '=HYPERLINK("http://e.vil")',  # fits a 30-character reference
    "|calc",
    "%0A=1",
    "\u00a0=1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
]
