"""Text as it is matched, beside text as it was printed.

Real documents arrive in traditional script from mirror sites (`部門決算`, `萬元`), sometimes with
pinyin glosses inserted after characters (`經(jīng)費`), and with full-width digits and punctuation.
Every parser matches labels against vocabulary written in simplified script, so the reader layer
normalises each cell once (`normalize_lines`) and keeps what was printed in `Cell.printed`.

- pinyin glosses — a parenthesised run of lower-case latin letters, at least one with a tone mark
  (or `ü`), right after a Chinese character — are removed;
- traditional script is converted to simplified with OpenCC (`t2s`), but only in a document that is
  written in traditional script: a simplified document keeps every character as printed (OpenCC's
  t2s would turn the place name 乾县 into 干县);
- full-width ASCII (digits, letters, `％`, `：`…) is not touched here: `numbers.normalize` folds it
  where amounts are read, and labels are compared through `reference.label_key`.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（]([a-z%s]{1,7})[)）]" % _TONED)
_HAN = re.compile(r"[\u4e00-\u9fff]")

# a document is taken as traditional script when at least this share of its Chinese characters
# change under t2s (simplified documents change at most a stray character or two)
TRADITIONAL_SHARE = 0.02


def strip_pinyin(text: str) -> str:
    """`經(jīng)費` -> `經費`; `项目(A)` and `合计(万元)` are kept (no tone mark, or not lower-case latin)."""
    if "(" not in text and "（" not in text:
        return text
    return _PINYIN.sub(lambda m: "" if any(c in _TONED for c in m.group(1)) else m.group(0), text)


@lru_cache(maxsize=1)
def _t2s():
    import opencc
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def is_traditional(text: str) -> bool:
    han = _HAN.findall(text)
    if not han:
        return False
    sample = "".join(han[:20000])
    converted = to_simplified(sample)
    changed = sum(1 for a, b in zip(sample, converted) if a != b)
    return changed >= max(3, TRADITIONAL_SHARE * len(sample))


def normalize_lines(lines) -> None:
    """Normalise every cell of `lines` in place for matching; the printed text moves to `printed`."""

    texts = [c.text for ln in lines for c in ln.cells]
    stripped = [strip_pinyin(t) for t in texts]
    if is_traditional("".join(stripped)):
        sep = "\u0001"
        stripped = to_simplified(sep.join(stripped)).split(sep)
    i = 0
    for ln in lines:
        cells = []
        for c in ln.cells:
            new = stripped[i]
            i += 1
            cells.append(c if new == c.text else replace(c, text=new, printed=c.printed or c.text))
        ln.cells = cells
