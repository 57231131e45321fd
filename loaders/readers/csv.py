"""CSV reader: a table exported as comma-separated values, read like a spreadsheet of one sheet.

Provenance as for spreadsheets: `Line.page` is 1 (the one sheet), `Line.lineno` the 1-based record
number, `Cell.col` the 0-based field position, so `p1:l3` is the third record. The text is decoded
like a text file (byte-order mark, else UTF-8, else GB18030); the delimiter is sniffed among
`,` `;` tab and `|` (comma when the sniffer cannot tell). Fields are kept as written: a number is not
reformatted, an empty field is no cell.
"""
from __future__ import annotations

import csv
import io

from loaders.model import Cell, DocumentError, Line
from loaders.readers.text import decode


def read_csv(data: bytes) -> tuple[list[Line], int]:
    text = decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    lines: list[Line] = []
    try:
        for n, record in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            cells = [Cell(text=f.strip(), col=i) for i, f in enumerate(record) if f.strip()]
            if cells:
                lines.append(Line(lineno=n, page=1, cells=cells))
    except csv.Error as e:
        raise DocumentError("read", f"not a readable CSV file ({e})") from None
    return lines, 1
