"""The intermediate form every reader produces and every parser consumes.

A reader turns a file (txt, pdf, docx, xlsx) into a `SourceDoc`: an ordered list of `Line`s, each a
row of `Cell`s with its position in the source (page and line number, or sheet and row). A parser
sees only this form, never the file format; a reader never knows what kind of document it read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_WS = re.compile(r"\s+")


# Labels repeat across documents (the same row labels, headers and titles in thousands of them): the
# pure functions that compare them are cached by their text, bounded (ingest profile, issue 13).
TEXT_CACHE = 1 << 16


@lru_cache(maxsize=TEXT_CACHE)
def squash(text: str) -> str:
    """Text with all whitespace removed: how labels are compared (PDF and Word insert spaces
    inside Chinese words, e.g. `上缴 上级 支出`)."""
    return _WS.sub("", text or "")


@dataclass(frozen=True)
class Cell:
    text: str
    col: int  # position of the cell in its line (0-based); blank cells keep their place
    x0: float | None = None  # horizontal extent, when the format has geometry (PDF)
    x1: float | None = None
    printed: str | None = None  # the text as printed when `text` was normalised for matching (textnorm)
    confidence: float | None = None  # OCR recognition score (0-1) of the cell's text; None: read from a text layer
    lineno: int | None = None  # the cell's own source line when its row was rebuilt from several (loaders.tables)
    aligned: bool = True  # False: the cell's column is not known (a row printed fewer values than columns)

    @property
    def as_printed(self) -> str:
        return self.text if self.printed is None else self.printed


@dataclass
class Line:
    lineno: int  # 1-based line (text), row (sheet) or visual line (pdf) number within the document
    cells: list[Cell]
    page: int | None = None  # 1-based page (pdf) or sheet index (xlsx); None for plain text

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def text(self) -> str:
        return " ".join(t for t in self.texts if t.strip())

    @property
    def squashed(self) -> str:
        return squash("".join(self.texts))

    def cell(self, col: int) -> str:
        """Text of the cell at position `col`, '' when the line has no such cell."""
        for c in self.cells:
            if c.col == col:
                return c.text
        return ""

    def confidence(self, col: int) -> float | None:
        """The OCR confidence of the cell at `col` (None: not read by OCR, or no such cell)."""
        for c in self.cells:
            if c.col == col:
                return c.confidence
        return None

    def printed(self, col: int) -> str:
        """The cell at `col` as printed (traditional script, pinyin glosses kept)."""
        for c in self.cells:
            if c.col == col:
                return c.as_printed
        return ""

    @property
    def width(self) -> int:
        return max((c.col for c in self.cells), default=-1) + 1

    @property
    def is_blank(self) -> bool:
        return not any(c.text.strip() for c in self.cells)

    @property
    def source_ref(self) -> str:
        return f"p{self.page}:l{self.lineno}" if self.page is not None else f"l{self.lineno}"


@dataclass
class SourceDoc:
    doc_id: str  # SHA-256 of the file's bytes
    path: str
    file_format: str  # txt | pdf | docx | xlsx | xls | html
    lines: list[Line] = field(default_factory=list)
    pages: int | None = None

    @property
    def text_source(self) -> str:
        """'ocr' when any of the text was read by OCR (a scan, a picture, a PDF with some scanned
        pages: each cell's `confidence` says which), else 'text' (the contract's two values)."""
        return "ocr" if any(c.confidence is not None for ln in self.lines for c in ln.cells) else "text"

    def nonblank(self) -> list[Line]:
        return [ln for ln in self.lines if not ln.is_blank]

    @property
    def full_text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


class DocumentError(Exception):
    """A document that cannot be read or parsed. `stage` says where (read, classify, parse),
    `reason` is a sentence a finance officer can act on."""

    def __init__(self, stage: str, reason: str, detail: str = ""):
        super().__init__(f"{stage}: {reason}")
        self.stage = stage
        self.reason = reason
        self.detail = detail
