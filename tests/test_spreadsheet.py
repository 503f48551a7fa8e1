"""The one CSV writer behind every export and report keeps formulas as text."""

from __future__ import annotations

import csv
import io

import pytest

from bot.spreadsheet import FORMULA_STARTS, csv_text


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(start: str) -> None:
    header, row = csv_text(["said"], [[f"{start}SUM(A1)"]]).split("\n", 1)
    assert header == "said"
    assert row.lstrip('"').startswith(f"'{start}SUM(A1)")


def test_plain_values_booleans_empty_cells_and_paths_read_as_an_officer_would() -> None:
    rows = list(csv.reader(io.StringIO(csv_text(["a", "b", "c", "d"], [["hi", True, None, [["q1", "no"]]]]))))
    assert rows[1] == ["hi", "yes", "", "q1=no"]
