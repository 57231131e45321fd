"""Readers: a file in, a `SourceDoc` (lines of positioned cells) out. One reader per format."""
from __future__ import annotations

import hashlib
from pathlib import Path

from loaders.model import DocumentError, SourceDoc
from loaders.textnorm import normalize_lines
from loaders.readers.csv import read_csv
from loaders.readers.docx import read_docx
from loaders.readers.html import read_html
from loaders.readers.ocr import read_image
from loaders.readers.pdf import read_pdf
from loaders.readers.text import read_text
from loaders.readers.xlsx import read_xls, read_xlsx

# file suffix -> (format name, reader). Formats not listed here are quarantined as unsupported.
# A reader returns the lines, or (lines, number of pages or sheets).
READERS = {
    ".txt": ("txt", read_text),
    ".pdf": ("pdf", read_pdf),
    ".docx": ("docx", read_docx),
    ".xlsx": ("xlsx", read_xlsx),
    ".xls": ("xls", read_xls),
    ".csv": ("csv", read_csv),
    ".html": ("html", read_html),
    ".htm": ("html", read_html),
    # pictures of pages (scans, photographs), read by OCR
    ".png": ("png", read_image),
    ".jpg": ("jpeg", read_image),
    ".jpeg": ("jpeg", read_image),
    ".tif": ("tiff", read_image),
    ".tiff": ("tiff", read_image),
}
SUPPORTED_SUFFIXES = set(READERS)


def doc_id_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_document(path: Path, data: bytes | None = None) -> SourceDoc:
    """Read one file into a SourceDoc. Raises DocumentError (stage 'read') with a plain reason."""
    data = path.read_bytes() if data is None else data
    suffix = path.suffix.lower()
    if suffix not in READERS:
        if suffix in SUPPORTED_SUFFIXES:
            raise DocumentError("read", f"{suffix} documents are not supported yet")
        raise DocumentError("read", f"not a document format fiscal-dw reads ({suffix or 'no extension'})")
    fmt, reader = READERS[suffix]
    doc = SourceDoc(doc_id=doc_id_of(data), path=str(path), file_format=fmt)
    out = reader(data)
    doc.lines, doc.pages = out if isinstance(out, tuple) else (out, None)
    normalize_lines(doc.lines)  # simplified script, no pinyin glosses: what parsers match on
    if not any(not ln.is_blank for ln in doc.lines):
        raise DocumentError("read", "the file contains no text")
    return doc
