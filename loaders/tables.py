"""Tables understood by their words, whatever the layout they arrived in.

Text saved from a web page often carries a table "one cell per line": each cell on its own line,
with blank cells either marked (a lone `|`, or one more blank line than the usual separator) or
vanished altogether. `reflow` rebuilds the rows of such a table from its header: the header's leaf
words (from the first-column word such as 项目 up to the first row label) give the column count;
the first row label is a word followed by an amount (or 栏次). Rows are then cut every N cells when
blank cells are marked, or at each row label when they vanished. A row that printed fewer values
than the table has value columns is placed only when the table's own identities (a parent item =
the sum of its children, column by column, from `seeds/three_public_items.csv`) make the placement
unique; otherwise its cells are kept flagged `aligned=False`, never guessed into a column.

Used by every parser that reads tables (the reflow happens on the document's lines, before any
parser sees them); it knows no document kind.
"""
from __future__ import annotations

import re
from decimal import Decimal
from itertools import combinations

from loaders.model import Cell, Line, squash
from loaders.numbers import BLANK, NOT_APPLICABLE, VALUE, parse_amount
from loaders.reference import label_key, three_public_item, three_public_parents

# words a table's first (label) column is headed with
_FIRST_HEADER = re.compile(r"(?:项目|科目名称|科目编码|科目代码)$")
_ROW_NUMBERING = "栏次"
_ORDINAL_LABEL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[0-9]+[、．]|[（(][一二三四五六七八九十0-9]+[)）]|其中)")
_END = re.compile(r"说明$|^(?:注|备注|说明)[:：0-9]|^.{6,}(?:情况|表)$")
_PERCENT = re.compile(r"^-?[\d.,]+\s*%$")


def _bar_cells(text: str) -> list[str]:
    """`a | b |` → [a, b]; `a |` → [a]; a lone `|` (or `| |`) → one blank cell."""
    parts = [p.strip() for p in text.strip().split("|")]
    if parts and parts[-1] == "":
        parts.pop()  # `a |`: the bar closes the cell
    if len(parts) > 1 and parts[0] == "":
        parts.pop(0)  # `| b |`: the bar opens the row
    return parts or [""]


def split_pipes(lines: list[Line]) -> list[Line]:
    """Lines of a saved web page's table with their cells split on `|`: a whole row between bars
    (`a | b |`), or one cell per line closed by ` |`, a lone `|` standing for a blank cell. Lines
    without a bar are returned as they are; the printed text is split alongside."""
    out = []
    for ln in lines:
        if len(ln.cells) != 1 or "|" not in ln.cells[0].text:
            out.append(ln)
            continue
        c = ln.cells[0]
        texts = _bar_cells(c.text)
        printed = _bar_cells(c.printed) if c.printed is not None else None
        if printed is not None and len(printed) != len(texts):
            printed = None
        out.append(Line(ln.lineno, [Cell(t, k, printed=printed[k] if printed else None, lineno=c.lineno)
                                    for k, t in enumerate(texts)], ln.page))
    return out


def amount_like(text: str) -> bool:
    """An amount, a not-applicable mark (`-`, `——`) or a percentage: what a value cell holds."""
    s = squash(text)
    return bool(s) and (parse_amount(text).state in (VALUE, NOT_APPLICABLE) or bool(_PERCENT.match(s)))


def _label_like(text: str) -> bool:
    s = squash(text)
    return bool(s) and not amount_like(text) and len(s) <= 40 and "。" not in s


class _Token:
    __slots__ = ("text", "printed", "line", "aligned")

    def __init__(self, text: str = "", printed: str | None = None, line: Line | None = None, aligned: bool = True):
        self.text, self.printed, self.line, self.aligned = text, printed, line, aligned

    @property
    def blank(self) -> bool:
        return not squash(self.text)


def one_cell_per_line(lines: list[Line]) -> bool:
    """Most non-blank lines of the region hold a single cell (and there are enough of them)."""
    end = next((i for i, ln in enumerate(lines) if len(ln.cells) == 1 and ends_table(ln.cells[0].text)), len(lines))
    cells = [ln for ln in lines[:end] if ln.cells]  # the table itself, not the prose after it
    return len(cells) >= 6 and sum(1 for ln in cells if len(ln.cells) == 1) >= 0.85 * len(cells)


def _tokens(lines: list[Line]) -> tuple[list[_Token], bool]:
    """The cell stream of a one-cell-per-line region, and whether blank cells are marked in it."""
    nonempty = [i for i, ln in enumerate(lines) if ln.cells]
    gaps = [b - a - 1 for a, b in zip(nonempty, nonempty[1:])]
    separated = bool(gaps) and sum(1 for g in gaps if g >= 1) >= 0.6 * len(gaps)
    marked = any(ln.cells and ln.is_blank for ln in lines)
    out: list[_Token] = []
    run = 0
    for ln in lines:
        if not ln.cells:
            run += 1
            continue
        if separated and out and run > 1:
            out.extend(_Token() for _ in range(run - 1))
        run = 0
        c = ln.cells[0]
        out.append(_Token(c.text, c.printed, ln))
    return out, separated or marked


def reflow(lines: list[Line], is_meta) -> list[Line] | None:
    """Rows rebuilt from a table region exported one cell per line (the lines after its title, blank
    lines included); None when the region is not in that form or no header is found.
    `is_meta(text)` says whether a single cell is a table number / unit / amount-unit line."""
    if not one_cell_per_line(lines):
        return None
    tokens, marked = _tokens(lines)
    if not tokens:
        return None
    start = next((i for i, t in enumerate(tokens) if _FIRST_HEADER.search(squash(t.text))), None)
    if start is None:
        return None
    data = next((i for i in range(start + 1, len(tokens)) if _starts_row(tokens, i)), None)
    if data is None or data - start < 2:
        return None
    width = data - start
    before = [t for t in tokens[:start] if not t.blank]
    out: list[Line] = [_single(t) for t in before if is_meta(t.text)]
    group = [t for t in before if not is_meta(t.text)]  # 收入 | 支出 over the header
    if group:
        out.append(_row(group))
    out.append(_row(tokens[start:data]))
    label_cols = [k for k, t in enumerate(tokens[start:data]) if _FIRST_HEADER.search(squash(t.text))]
    rows, rest = (_cut_marked if marked else _cut_at_labels)(tokens[data:], width, label_cols)
    rows = _place_short_rows(rows, width, label_cols)
    out.extend(_row(r) for r in rows)
    out.extend(_single(t) for t in rest if not t.blank)
    return out


def _starts_row(tokens: list[_Token], i: int) -> bool:
    t = tokens[i]
    s = squash(t.text)
    if s == _ROW_NUMBERING:
        return True
    if not _label_like(t.text):
        return False
    nxt = next((u for u in tokens[i + 1:i + 3] if not u.blank), None)
    return nxt is not None and amount_like(nxt.text) or bool(_ORDINAL_LABEL.match(s)) or label_key(s) in ("合计", "总计")


def ends_table(text: str) -> bool:
    """Prose, a note or a 说明 heading: what follows a table, never one of its rows."""
    s = squash(text)
    return bool(s) and (len(s) > 40 or "。" in s or bool(_END.search(s)))


def _ends_table(t: _Token) -> bool:
    return ends_table(t.text)


def _cut_marked(tokens: list[_Token], width: int, label_cols: list[int]):
    """Rows of `width` cells (blank cells are marked); stops at the first row that does not read as
    one (an amount where a label belongs, words where amounts belong, prose). A last, shorter row
    (the text was cut off) is kept as far as it goes."""
    rows = []
    i = 0
    while i < len(tokens):
        chunk = tokens[i:i + width]
        if any(_ends_table(t) for t in chunk) or not _reads_as_row(chunk, label_cols):
            break
        rows.append(chunk)
        i += len(chunk)
    return rows, tokens[i:]


def _reads_as_row(chunk: list[_Token], label_cols: list[int]) -> bool:
    if squash(chunk[0].text) == _ROW_NUMBERING:
        return True
    return all((not amount_like(t.text)) if k in label_cols else
               (t.blank or amount_like(t.text) or squash(t.text).isdigit())
               for k, t in enumerate(chunk))


def _cut_at_labels(tokens: list[_Token], width: int, label_cols: list[int]):
    """Rows cut at each row label when blank cells vanished: a label, then the amounts after it."""
    rows: list[list[_Token]] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if _ends_table(t) or not _label_like(t.text):
            break
        values = []
        j = i + 1
        while j < len(tokens) and amount_like(tokens[j].text) and len(values) < width - 1:
            values.append(tokens[j])
            j += 1
        rows.append([t] + values)
        i = j
    return rows, tokens[i:]


def _place_short_rows(rows: list[list[_Token]], width: int, label_cols: list[int]) -> list[list[_Token]]:
    """Rows with fewer cells than the header: values placed where the table's identities make the
    placement unique, else left in order and flagged unaligned."""
    if len(label_cols) != 1 or label_cols[0] != 0:
        return rows
    nvals = width - 1
    full = {three_public_item(r[0].text): [_num(t) for t in r[1:]] for r in rows if len(r) == width}
    out = []
    for r in rows:
        if len(r) == width or len(r) == 1:  # a label alone printed nothing: nothing to land
            out.append(r)
            continue
        vals = r[1:]
        fits = []
        for slots in combinations(range(nvals), len(vals)):
            cand = [None] * nvals
            for s, v in zip(slots, vals):
                cand[s] = _num(v)
            if _consistent(three_public_item(r[0].text), cand, full):
                fits.append(slots)
        if len(fits) == 1:
            placed = [_Token() for _ in range(nvals)]
            for s, v in zip(fits[0], vals):
                placed[s] = v
            out.append([r[0]] + placed)
        else:
            out.append([r[0]] + [_Token(v.text, v.printed, v.line, aligned=False) for v in vals])
    return out


def _num(t: _Token) -> Decimal | None:
    a = parse_amount(t.text)
    return a.value if a.state == VALUE else (Decimal(0) if a.state == BLANK else None)


def _consistent(key: str | None, cand: list, full: dict[str | None, list]) -> bool:
    """Does placing `cand` (None = blank) at row `key` keep every parent = Σ children identity that
    involves it and can be checked with the other rows' values, and does at least one check it?"""
    if key is None:
        return False
    parents = three_public_parents()
    rows = dict(full)
    rows[key] = [Decimal(0) if v is None else v for v in cand]
    checked = False
    for parent, children in parents.items():
        if key != parent and key not in children:
            continue
        if parent not in rows or not all(c in rows for c in children):
            continue
        for col in range(len(cand)):
            total, parts = rows[parent][col], [rows[c][col] for c in children]
            if total is None or any(p is None for p in parts):
                continue
            checked = True
            if abs(total - sum(parts)) > Decimal("0.011"):
                return False
    return checked


def _single(t: _Token) -> Line:
    return _row([t])


def _row(tokens: list[_Token]) -> Line:
    first = next((t.line for t in tokens if t.line is not None), None)
    cells = [Cell(text=t.text, col=k, printed=t.printed, lineno=t.line.lineno if t.line else None,
                  aligned=t.aligned)
             for k, t in enumerate(tokens)]
    return Line(lineno=first.lineno if first else 0, cells=cells, page=first.page if first else None)
