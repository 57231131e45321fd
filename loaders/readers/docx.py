"""Word reader (python-docx): paragraphs and table rows in document order.

A paragraph is a line of one cell (tab-separated parts become cells, as in the text reader). A table
row is a line with one cell per grid column: a horizontally merged cell (gridSpan) gives its text
once, at its first column, and the columns it covers stay empty but keep their place; a vertically
merged cell continuing from the row above (vMerge) is empty. Word has no pages: lines are numbered
through the document (`l<n>`), and `Line.page` stays None.
"""
from __future__ import annotations

import io
import zipfile

from loaders.model import Cell, DocumentError, Line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(el) -> str:
    """Text of a paragraph or cell: runs joined, paragraphs of a cell joined by a newline-free space."""
    paras = []
    for p in el.iter(f"{_W}p"):
        parts = []
        for node in p.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_W}tab":
                parts.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append(" ")
        paras.append("".join(parts))
    return " ".join(p for p in paras if p.strip())


def _row_cells(tr) -> list[Cell]:
    cells, col = [], 0
    for tc in tr.iterchildren(f"{_W}tc"):
        pr = tc.find(f"{_W}tcPr")
        span, continued = 1, False
        if pr is not None:
            gs = pr.find(f"{_W}gridSpan")
            if gs is not None:
                span = int(gs.get(f"{_W}val", "1"))
            vm = pr.find(f"{_W}vMerge")
            continued = vm is not None and vm.get(f"{_W}val", "continue") != "restart"
        text = "" if continued else _text(tc).replace("\t", " ").strip()
        cells.append(Cell(text=text, col=col))
        cells.extend(Cell(text="", col=col + k) for k in range(1, span))
        col += span
    return cells


def _blocks(parent):
    """Paragraphs and tables in document order, looking inside content controls (w:sdt)."""
    for el in parent.iterchildren():
        if el.tag == f"{_W}sdt":
            content = el.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content)
        elif el.tag in (f"{_W}p", f"{_W}tbl"):
            yield el


def read_docx(data: bytes) -> list[Line]:
    try:
        import docx  # python-docx
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise DocumentError("read", f"not a readable Word (.docx) file ({type(e).__name__})")
    lines: list[Line] = []
    for el in _blocks(document.element.body):
        if el.tag == f"{_W}p":
            parts = _text(el).split("\t")
            lines.append(Line(lineno=len(lines) + 1, cells=[Cell(text=p.strip(), col=j) for j, p in enumerate(parts)]))
        elif el.tag == f"{_W}tbl":
            for tr in el.iterchildren(f"{_W}tr"):  # a nested table is read as the text of its cell
                lines.append(Line(lineno=len(lines) + 1, cells=_row_cells(tr)))
    return lines
