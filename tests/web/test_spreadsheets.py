"""CSV downloads never hand a spreadsheet a formula."""
from __future__ import annotations

import csv
import io
from datetime import date

from portfolio.web.spreadsheets import csv_text, safe_cell


def test_formula_cells_are_neutralised_and_plain_values_kept() -> None:
    for dangerous in ("=1+2", "+44 1234", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x","y")'):
        assert safe_cell(dangerous).startswith("'"), dangerous
    assert safe_cell("Sam Patel") == "Sam Patel"
    assert safe_cell(-3) == "-3" and safe_cell(2.5) == "2.5"  # numbers the app wrote stay numbers
    assert safe_cell(date(2026, 12, 1)) == "2026-12-01" and safe_cell(None) == "" and safe_cell(True) == "yes"


def test_a_csv_round_trips_with_the_neutralised_cells() -> None:
    text = csv_text(["Name", "Note"], [["=evil()", 'says "hi", twice']])
    assert list(csv.reader(io.StringIO(text))) == [["Name", "Note"], ["'=evil()", 'says "hi", twice']]
