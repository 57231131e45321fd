"""Encodings a text file arrives in, and amounts printed with full-width digits, separators and spaces.

The text is the head of sample 002 (`samples/002_e8cf1b33a1664aff.txt`), saved the ways Windows
Notepad, Excel and older Chinese systems save it; the amounts are those sample 002 prints (line 90:
`3,584.96`, line 249: `3, 584. 96`)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import S002
from loaders.model import DocumentError
from loaders.numbers import VALUE, parse_amount
from loaders.readers import read_document
from loaders.readers.text import decode

HEAD = "\n".join(S002.read_text(encoding="utf-8").split("\n")[:12])


@pytest.mark.parametrize("encoded", [
    HEAD.encode("utf-8"),
    b"\xef\xbb\xbf" + HEAD.encode("utf-8"),
    b"\xff\xfe" + HEAD.encode("utf-16-le"),  # Notepad / Excel "Unicode text"
    b"\xfe\xff" + HEAD.encode("utf-16-be"),
    b"\xff\xfe\x00\x00" + HEAD.encode("utf-32-le"),
    b"\x00\x00\xfe\xff" + HEAD.encode("utf-32-be"),
    HEAD.encode("gb18030"),
    HEAD.encode("gbk"),
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf32be-bom", "gb18030", "gbk"])
def test_every_encoding_decodes_to_the_same_text(encoded):
    assert decode(encoded) == HEAD


def test_declared_charset_wins_over_guessing():
    # bytes valid in both: GBK declared by a page is read as GBK
    data = "财政拨款收入".encode("gbk")
    assert decode(data, "gb2312") == "财政拨款收入"
    assert decode(data, "no-such-charset") == "财政拨款收入"  # unknown declaration: guessed


def test_utf16_file_is_read_not_quarantined(tmp_path):
    p = tmp_path / "002_unicode.txt"
    p.write_bytes(b"\xff\xfe" + S002.read_text(encoding="utf-8").encode("utf-16-le"))
    doc = read_document(p)
    original = read_document(S002)
    assert [ln.texts for ln in doc.lines] == [ln.texts for ln in original.lines]


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # an image renamed .txt
    b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",  # a zip (docx) renamed .txt
])
def test_binary_keeps_its_clear_reason(data):
    with pytest.raises(DocumentError, match="binary file: it is not text"):
        decode(data)


def test_broken_bom_text_is_refused_with_reason():
    with pytest.raises(DocumentError, match="UTF-16"):
        decode(b"\xff\xfe" + b"\x00\xd8")  # a lone surrogate after a UTF-16 LE mark


@pytest.mark.parametrize("printed", [
    "3,584.96", "3, 584. 96", "3584.96", "３，５８４．９６", "３５８４．９６", "3 584.96", "３ ５８４. ９６",
    "3\u2009584.96", "3,584.96\u3000",
])
def test_printed_forms_of_one_amount(printed):
    a = parse_amount(printed)
    assert (a.state, a.value, a.decimals) == (VALUE, Decimal("3584.96"), 2)


def test_full_width_and_unicode_negatives():
    # 004 line 11 prints 预算调整金额 -10504.26
    for printed in ("-10504.26", "－１０５０４．２６", "\u221210504.26", "(10504.26)", "（１０５０４．２６）"):
        assert parse_amount(printed).value == Decimal("-10504.26"), printed
