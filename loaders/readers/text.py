"""Plain-text reader: tab-separated cells, one line per source line (1-based line numbers)."""
from __future__ import annotations

import codecs

from loaders.model import Cell, DocumentError, Line

_ENCODINGS = ("utf-8", "gb18030")
# byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one)
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# declared charsets that GB18030 extends (a page declaring gb2312 often uses GBK characters)
_GB = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "hz-gb-2312"}


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


def read_text(data: bytes) -> list[Line]:
    text = decode(data)
    lines = []
    for i, raw in enumerate(text.splitlines(), start=1):
        parts = raw.split("\t")
        lines.append(Line(lineno=i, cells=[Cell(text=p.strip(), col=j) for j, p in enumerate(parts)]))
    return lines
