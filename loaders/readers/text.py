"""Plain-text reader: one line per source line (1-based line numbers), split into cells.

Cells are separated by tabs or by runs of two or more spaces. A single space never splits: it sits
inside spaced numbers (`9746. 50`, `3, 584. 96`) and spaced labels (`预 算 数`). `|` is kept in the
text: how bars delimit cells and rows is read by the layers that understand tables
(`loaders.tables.split_pipes`, `evaluation_forms.logical_rows`). An empty source line has no cells
at all, so that a table exported one cell per line keeps the difference between a blank cell and
the blank line between cells.
"""
from __future__ import annotations

import codecs
import re

from loaders.model import Cell, DocumentError, Line

_ENCODINGS = ("utf-8", "gb18030")
# byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one)
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# declared charsets that GB18030 extends (a page declaring gb2312 often uses GBK characters)
_GB = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "hz-gb-2312"}
_SPACE_RUN = re.compile(r"[ \u00a0\u3000]{2,}")
_CJK_CHAR = re.compile(r"^[\u4e00-\u9fff]$")
_NUMBER_OPEN_END = re.compile(r"\d[,.，]$")  # `3,` of `3,  584.96`
_NUMBER_OPEN_START = re.compile(r"^[,.]\d")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in _GB:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Text of a file: a byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE); else the
    charset the file declares (an HTML page's `<meta charset>`), else UTF-8, else GB18030 (which
    reads GBK and GB2312). A file with NUL bytes and no byte-order mark is binary."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                name = enc.upper().removesuffix("-SIG")
                raise DocumentError("read", f"the text starts with a {name} byte-order mark but is not {name}") from None
    if b"\x00" in data[:4096]:
        raise DocumentError("read", "binary file: it is not text")
    declared_codec = _codec(declared)
    for enc in ((declared_codec,) if declared_codec else ()) + _ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DocumentError("read", "the text is neither UTF-8 nor GB18030 encoded")


def split_cells(raw: str) -> list[str]:
    """The cells of one source line (see the module docstring); [] for an empty line (a line of tabs
    alone keeps its blank cells)."""
    if "\t" in raw:  # a line of tabs alone is a row of blank cells
        return [p.strip() for p in raw.rstrip("\r\n").split("\t")]
    if not raw.strip():
        return []
    if not _SPACE_RUN.search(raw):
        return [raw.strip()]
    return _join_spaced(_SPACE_RUN.split(raw.strip()))


def _join_spaced(parts: list[str]) -> list[str]:
    """Undo splits a run of spaces made inside one cell: single characters of a spaced label
    (`合    计`) and the halves of a spaced number (`3,  584.96`)."""
    out: list[str] = []
    for p in parts:
        if out and ((_CJK_CHAR.match(p) and _CJK_CHAR.match(out[-1][-1:]) and len(out[-1].replace(" ", "")) == 1)
                    or (_NUMBER_OPEN_END.search(out[-1]) and p[:1].isdigit())
                    or (out[-1][-1:].isdigit() and _NUMBER_OPEN_START.match(p))):
            out[-1] = f"{out[-1]} {p}"
            continue
        out.append(p)
    return out


def read_text(data: bytes) -> list[Line]:
    text = decode(data)
    return [Line(lineno=i, cells=[Cell(text=p, col=j) for j, p in enumerate(split_cells(raw))])
            for i, raw in enumerate(text.splitlines(), start=1)]
