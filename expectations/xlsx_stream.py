"""A spreadsheet (.xlsx) written straight from Arrow record batches, one batch at a time.

The bureau's findings workbook lists every finding: 35,000 rows at 20,000 documents, 170,000 at
100,000. openpyxl makes a Python object per cell and serialises it through lxml (≈ 5 µs a cell even
in write-only mode: ≈ 5 s for the million cells of a 20k home). Here each column of a batch is
turned into its cells' XML with Arrow compute kernels (escaping, number formatting, concatenation),
a row is the columns' cells joined, and the batch's rows are one Arrow buffer written into the zip
as it is: no Python object per cell or row, and only one batch is held in memory.

What is written is the plain SpreadsheetML subset Excel, LibreOffice and openpyxl read: inline
strings (no shared-string table to hold in memory), numbers as shortest round-trip decimals, NULL as
an absent cell (an empty cell in Excel, never 0), a bold grey header row that wraps, frozen below the
header, and fixed column widths.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from xml.sax.saxutils import escape, quoteattr

import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.utils import get_column_letter

HEADER_FILL = "00DDDDDD"  # as openpyxl writes PatternFill("solid", fgColor="DDDDDD")
ILLEGAL_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # control characters XML 1.0 cannot hold (dropped)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


@dataclass
class Sheet:
    """One worksheet: its title (≤ 31 characters), header texts, column widths (characters) and the
    record batches of its rows, in the headers' column order. `rows`, when known before the batches
    are read, is written as the sheet's dimension (readers that stream, such as openpyxl's read-only
    mode under pandas.read_excel, size the sheet by it)."""
    title: str
    headers: list[str]
    widths: list[float]
    batches: Iterable[pa.RecordBatch]
    rows: int | None = None


def write_xlsx(path: Path, sheets: list[Sheet]) -> int:
    """Write the workbook to `path` (through a temporary file renamed over it); returns the rows written."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    n = 0
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _content_types(len(sheets)))
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL}">'
                   f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", _workbook([s.title for s in sheets]))
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        z.writestr("xl/styles.xml", STYLES)
        for i, sheet in enumerate(sheets, start=1):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w") as fh:
                n += _write_sheet(fh, sheet)
    tmp.replace(path)
    return n


def _write_sheet(fh, sheet: Sheet) -> int:
    letters = [get_column_letter(i) for i in range(1, len(sheet.headers) + 1)]
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(sheet.widths, start=1))
    head = "".join(f'<c r="{c}1" s="1" t="inlineStr"><is><t>{escape(h)}</t></is></c>' for c, h in zip(letters, sheet.headers))
    dimension = f'<dimension ref="A1:{letters[-1]}{sheet.rows + 1}"/>' if sheet.rows is not None and letters else ""
    fh.write((f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{REL}">{dimension}'
              '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
              '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
              f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData><row r="1">{head}</row>').encode("utf-8"))
    row = 2
    for batch in sheet.batches:
        if batch.num_rows:
            fh.write(_rows_xml(batch, letters, row))
            row += batch.num_rows
    fh.write(b"</sheetData></worksheet>")
    return row - 2


def _rows_xml(batch: pa.RecordBatch, letters: list[str], first_row: int) -> memoryview:
    """The <row> elements of one batch, built column by column in Arrow, as one UTF-8 buffer."""
    numbers = pc.cast(pa.array(range(first_row, first_row + batch.num_rows), pa.int64()), pa.string())
    cells = [_cells(batch.column(i), letter, numbers) for i, letter in enumerate(letters)]
    rows = pc.binary_join_element_wise('<row r="', numbers, '">', *cells, "</row>", "")
    return _concatenated(rows)


def _cells(col: pa.Array, letter: str, numbers: pa.Array) -> pa.Array:
    """Each value's <c> element ('' for NULL: an absent cell)."""
    t = col.type
    if pa.types.is_boolean(t):
        kind, text, end = ' t="b"><v>', pc.cast(pc.cast(col, pa.int8()), pa.string()), "</v></c>"
    elif pa.types.is_integer(t):
        kind, text, end = "><v>", pc.cast(col, pa.string()), "</v></c>"
    elif pa.types.is_floating(t) or pa.types.is_decimal(t):
        # a decimal through its exact text: Arrow's decimal -> double cast is not correctly rounded (2961.38 -> 2961.3799999999997)
        f = pc.cast(pc.cast(col, pa.string()) if pa.types.is_decimal(t) else col, pa.float64())
        f = pc.if_else(pc.is_finite(f), f, pa.scalar(None, pa.float64()))  # NaN / ±inf: no Excel number
        kind, text, end = "><v>", pc.cast(f, pa.string()), "</v></c>"
    else:
        s = col if pa.types.is_string(t) or pa.types.is_large_string(t) else pc.cast(col, pa.string())
        s = pc.replace_substring_regex(s, ILLEGAL_XML, "")
        for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
            s = pc.replace_substring(s, char, entity)
        kind, text, end = ' t="inlineStr"><is><t xml:space="preserve">', s, "</t></is></c>"
    cell = pc.binary_join_element_wise(f'<c r="{letter}', numbers, '"' + kind, text, end, "")
    return pc.fill_null(cell, "")


def _concatenated(strings: pa.Array) -> memoryview:
    """The values of a string array without NULLs end to end: the slice of its data buffer they fill."""
    _, offsets, data = strings.buffers()
    offsets = memoryview(offsets).cast("q" if pa.types.is_large_string(strings.type) else "i")
    return memoryview(data)[offsets[strings.offset]:offsets[strings.offset + len(strings)]]


def _content_types(n: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT}.worksheet+xml"/>' for i in range(1, n + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>{sheets}</Types>')


def _workbook(titles: list[str]) -> str:
    sheets = "".join(f'<sheet name={quoteattr(t[:31])} sheetId="{i}" r:id="rId{i}"/>' for i, t in enumerate(titles, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets></workbook>')


def _workbook_rels(n: int) -> str:
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL}">{rels}'
            f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/></Relationships>')


STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
          '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
          '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
          '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
          f'<fill><patternFill patternType="solid"><fgColor rgb="{HEADER_FILL}"/><bgColor indexed="64"/></patternFill></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
          '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
