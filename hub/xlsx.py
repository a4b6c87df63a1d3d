"""Tables as an XLSX workbook (openpyxl, write-only: rows stream out, a county month's
tables in a few seconds): one sheet per table, a bold header, numbers as numbers, a rule not
met in red as on the page."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import DimensionHolder

from hub.ledger_tables import Table

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BAD = Font(color="C62828", bold=True)
_HEADER = Font(bold=True)
_NOT_IN_NAMES = re.compile(r"[\[\]:*?/\\]")


def workbook(tables: Iterable[Table]) -> bytes:
    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(_NOT_IN_NAMES.sub("-", table.title)[:31])
        _fill(sheet, table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet: WriteOnlyWorksheet, table: Table) -> None:
    widths: DimensionHolder[str, Any] = getattr(sheet, "column_dimensions")  # noqa: B009 - not in its stubs
    for n, column in enumerate(table.columns):
        width = max(len(column), *(len(row[n].text) for row in table.rows[:200]), 4)
        widths[_letter(n)].width = min(2 + width * 1.6, 60)
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, column, _HEADER) for column in table.columns])
    for row in table.rows:
        sheet.append(
            [
                _cell(sheet, cell.value, _BAD) if cell.bad else cell.value  # plain: fast
                for cell in row
            ]
        )


def _cell(sheet: WriteOnlyWorksheet, value: float | str | None, font: Font) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def _letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name
