"""Make `NotoSansCJKsc-Subset.otf`: Noto Sans CJK SC with only the glyphs the generated test
documents print (tests/docgen.py writes its PDFs with it, so the PDF tests run on any machine).

Source: Debian's fonts-noto-cjk (`apt-get install fonts-noto-cjk`), face "Noto Sans CJK SC" of
NotoSansCJK-Regular.ttc. Licence: SIL Open Font License 1.1 (OFL.txt beside this file).

    .venv/bin/python tests/fonts/make_subset.py

Run it again when a test prints a character the subset lacks (docgen refuses such text and names
the character). The characters kept are every character of the files in SOURCES, the rows of sample
002 that `docgen.evaluation_blocks` renders, and printable ASCII.
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
SOURCE_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = "Noto Sans CJK SC"
OUT = HERE / "NotoSansCJKsc-Subset.otf"
SOURCES = [TESTS / "docgen.py", TESTS / "test_formats_generated.py"]


def characters() -> str:
    sys.path.insert(0, str(TESTS))
    from conftest import S002
    from docgen import EVALUATION_LINES

    text = "".join(p.read_text(encoding="utf-8") for p in SOURCES)
    text += "\n".join(S002.read_text(encoding="utf-8").split("\n")[EVALUATION_LINES])
    text += "".join(chr(c) for c in range(0x20, 0x7F))
    return "".join(sorted({ch for ch in text if ch.isprintable()}))


def main() -> None:
    collection = TTCollection(str(SOURCE_FONT))
    font = next(f for f in collection.fonts if f["name"].getDebugName(4) == FACE)
    options = subset.Options()
    options.layout_features = []  # no shaping tables: the tests print characters one by one
    options.name_IDs = ["*"]  # keep copyright, licence and trademark notices
    options.notdef_outline = True
    sub = subset.Subsetter(options)
    chars = characters()
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    font.save(str(OUT))
    print(f"{len(chars)} characters, {OUT.stat().st_size} bytes -> {OUT}")


if __name__ == "__main__":
    main()
