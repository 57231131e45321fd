"""Spreadsheet readers: .xlsx (openpyxl) and .xls (xlrd), every sheet in order.

Provenance: `Line.page` is the sheet's 1-based index in the workbook and `Line.lineno` its 1-based
row number, so `source_ref` `p2:l15` means sheet 2, row 15; `Cell.col` is the 0-based column (A = 0).
Numbers are taken as stored, not as displayed: a cell storing 3584.96 formatted `#,##0.00` gives
`3584.96` (no thousands separator); when the number format shows more decimals than the stored
value has (3584 shown as 3,584.00) the text is padded to them (`3584.00`) so the rounding envelope
follows the printed precision; the value itself never changes. A merged range gives its text once,
at its top-left cell; the other cells are empty. Formulas give their cached result.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from loaders.model import Cell, DocumentError, Line

_DECIMALS = re.compile(r"0\.(0+)")


def number_text(value: float | int, number_format: str | None = None) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        text = str(value)
    else:
        text = format(value, ".15g")
        if "e" in text:
            text = format(value, "f").rstrip("0").rstrip(".")
    m = _DECIMALS.search(number_format or "")
    if m and "%" not in (number_format or ""):
        want = len(m.group(1))
        have = len(text.split(".", 1)[1]) if "." in text else 0
        if have < want:
            text = (text if "." in text else text + ".") + "0" * (want - have)
    return text


def _text(value, number_format: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return number_text(value, number_format)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\r", "").replace("\n", " ").strip()


def read_xlsx(data: bytes) -> tuple[list[Line], int]:
    try:
        import openpyxl
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise DocumentError("read", f"not a readable Excel (.xlsx) file ({type(e).__name__})")
    lines: list[Line] = []
    for sheet_no, ws in enumerate(wb.worksheets, start=1):
        for row in ws.iter_rows():
            cells = [Cell(text=_text(c.value, c.number_format), col=c.column - 1)
                     for c in row if c.value is not None and _text(c.value, c.number_format)]
            if cells:
                lines.append(Line(lineno=row[0].row, page=sheet_no, cells=cells))
    return lines, len(wb.worksheets)


def read_xls(data: bytes) -> tuple[list[Line], int]:
    try:
        import xlrd
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception as e:  # xlrd raises its own XLRDError and struct errors on damaged files
        raise DocumentError("read", f"not a readable Excel 97-2003 (.xls) file ({type(e).__name__})")
    lines: list[Line] = []
    for sheet_no in range(book.nsheets):
        sh = book.sheet_by_index(sheet_no)
        for r in range(sh.nrows):
            cells = []
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                fmt = None
                if cell.ctype == xlrd.XL_CELL_NUMBER:
                    xf = book.xf_list[cell.xf_index]
                    fmt = book.format_map[xf.format_key].format_str
                    value = cell.value
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(cell.value)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    continue
                else:
                    value = cell.value
                text = _text(value, fmt)
                if text:
                    cells.append(Cell(text=text, col=c))
            if cells:
                lines.append(Line(lineno=r + 1, page=sheet_no + 1, cells=cells))
    return lines, book.nsheets
