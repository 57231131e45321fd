"""Plain-text reader: tab-separated cells, one line per source line (1-based line numbers)."""
from __future__ import annotations

from loaders.model import Cell, DocumentError, Line

_ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise DocumentError("read", "binary file: it is not text")
    for enc in _ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DocumentError("read", "the text is neither UTF-8 nor GB18030 encoded")


def read_text(data: bytes) -> list[Line]:
    text = decode(data)
    lines = []
    for i, raw in enumerate(text.splitlines(), start=1):
        parts = raw.split("\t")
        lines.append(Line(lineno=i, cells=[Cell(text=p.strip(), col=j) for j, p in enumerate(parts)]))
    return lines
