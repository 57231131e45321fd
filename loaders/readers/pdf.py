"""PDF reader (pypdfium2): the text layer turned into lines of positioned cells.

Characters with their boxes -> text lines (characters whose vertical extents overlap) -> cells ->
column positions that stay the same within a table, so that `Line.cell(col)` lines up header and
data rows and blank cells keep their place. Pages with /Rotate are read as displayed.

Two ways to find rows and columns, chosen per page region:

* **Ruled tables** (the usual 决算 layout): the page draws its grid as thin paths; vertical rules
  whose heights touch form one table. Each run of characters belongs to the cell bounded by the
  nearest rules that really cross it (a merged cell has no rule inside it); the cell sits in the
  row of its top rule and the column of its left rule. So a subject name wrapped over two lines, an
  amount vertically centred beside it, a header wrapped inside its cell all end up in one row and
  one cell, and a merged cell gives its text once, at its first row and column, the columns it
  covers staying empty. Column numbers index the table's vertical rules; a table that continues at
  the top of the next page with the same outer frame shares them, so continuation pages without a
  header keep their columns.
* **Unruled text**: a text line is split into cells on horizontal gaps wider than about one
  character (or a small gap where an amount meets a Chinese label). A table region is a run of
  lines with two or more cells (plus the text-only lines printed tightly against them); its column
  intervals are the union of the extents of the cells of its well-filled lines, and two neighbouring
  intervals never filled on the same line, one with only labels and one with only amounts, are one
  column printed with two alignments (left-aligned header over right-aligned amounts). Each cell
  takes the first column it overlaps (a spanning label sits at its first column). A text-only line
  closer than a line height to a table row is part of it: it is merged into that row's cells (the
  row with amounts wins, so a label wrapped around its centred amounts is joined).

A page without text but with an image (a scan) is read by OCR (`loaders/readers/ocr.py`), which
gives characters and rules in the same form, so a mixed PDF OCRs only its scanned pages. Page numbers go to `Line.page`; lines are numbered through the document; cells keep x0/x1
(the extent of their text, in points, in the page as displayed).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from loaders.model import Cell, DocumentError, Line

_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")
_NUMERIC = re.compile(r"^[\d,.\s()（）%-]+$")
RULE_THICKNESS = 3.0  # a path thinner than this (pt) and longer than RULE_MIN_LENGTH is a rule
RULE_MIN_LENGTH = 4.0
SNAP = 3.0  # rules closer than this (pt) are the same rule


@dataclass
class _Char:
    ch: str
    x0: float
    x1: float
    y0: float  # bottom (PDF user space: y grows upwards)
    y1: float
    conf: float | None = None  # OCR recognition score of the text this character was read in

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class _Frag:
    """A run of characters on one text line: a cell candidate."""
    chars: list[_Char] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    @property
    def yc(self) -> float:
        return sum(c.yc for c in self.chars) / len(self.chars)

    @property
    def text(self) -> str:
        return _join_chars(self.chars)


@dataclass
class _Grid:
    hs: list[float]  # y of horizontal rules, top to bottom
    hsegs: list[tuple[float, float, float]]  # (y, x_low, x_high) of horizontal rules
    vsegs: list[tuple[float, float, float]]  # (x, y_low, y_high) of vertical rules
    xs: list[float] = field(default_factory=list)  # column grid (pooled over pages), left to right

    @property
    def frame(self) -> tuple[float, float, float, float]:
        xs = [v[0] for v in self.vsegs]
        return min(xs), max(xs), min(self.hs), max(self.hs)


def _join_chars(chars: list[_Char]) -> str:
    """Characters of one line, left to right; a space where there is a visible gap, except
    between two CJK characters (justified Chinese text is spaced out: 因 公 出 国)."""
    out = []
    prev = None
    for c in sorted(chars, key=lambda c: c.x0):
        if prev is not None:
            h = max(c.y1 - c.y0, prev.y1 - prev.y0, 1.0)
            if c.x0 - prev.x1 > 0.25 * h and not (_CJK.match(prev.ch) and _CJK.match(c.ch)):
                out.append(" ")
        out.append(c.ch)
        prev = c
    return "".join(out)


def _join_lines(parts: list[str]) -> str:
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(p[0])):
            out += " "
        out += p
    return out


def _orientation(page):
    """A function turning a box (left, bottom, right, top) of the page's user space into the page as
    displayed: a landscape table stored on a portrait page with /Rotate 90 reads left to right."""
    rot = page.get_rotation() % 360
    x0, y0, x1, y1 = page.get_mediabox()
    w, h = x1 - x0, y1 - y0
    if rot == 90:
        return lambda l, b, r, t: (b - y0, w - (r - x0), t - y0, w - (l - x0))
    if rot == 180:
        return lambda l, b, r, t: (w - (r - x0), h - (t - y0), w - (l - x0), h - (b - y0))
    if rot == 270:
        return lambda l, b, r, t: (h - (t - y0), l - x0, h - (b - y0), r - x0)
    return None


def _chars(textpage, orient=None) -> list[_Char]:
    out = []
    n = textpage.count_chars()
    for i in range(n):
        u = pdfium_c.FPDFText_GetUnicode(textpage, i)
        if u in (0, 0xFFFE, 0xFFFF, 2):
            continue
        ch = chr(u)
        if ch.isspace():
            continue
        l, b, r, t = textpage.get_charbox(i, loose=True)  # advance box: digits touch, 1 1 stays 11
        if orient is not None:
            l, b, r, t = orient(l, b, r, t)
        if r <= l and t <= b:
            continue
        out.append(_Char(ch, l, r, b, t))
    return out


def _rules(page, orient=None) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]], int]:
    """Horizontal (y, x_low, x_high) and vertical (x, y_low, y_high) rules of a page, and the number
    of image objects (to tell a scan from an empty page)."""
    hs, vs, images = [], [], 0
    for obj in page.get_objects(max_depth=2):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images += 1
            continue
        if obj.type != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        l, b, r, t = obj.get_bounds()
        if orient is not None:
            l, b, r, t = orient(l, b, r, t)
        w, h = r - l, t - b
        if h <= RULE_THICKNESS and w >= RULE_MIN_LENGTH:
            hs.append(((b + t) / 2, l, r))
        elif w <= RULE_THICKNESS and h >= RULE_MIN_LENGTH:
            vs.append(((l + r) / 2, b, t))
    return hs, vs, images


def _snap(values: list[float], tol: float = SNAP) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _grids(hs, vs) -> list[_Grid]:
    """The ruled tables of a page, top to bottom: vertical rules whose heights touch or overlap form
    one table; its horizontal rules are those inside its height and width."""
    groups: list[list[tuple[float, float, float]]] = []
    for v in sorted(vs, key=lambda v: -v[2]):
        if groups and v[2] >= min(g[1] for g in groups[-1]) - SNAP:
            groups[-1].append(v)
        else:
            groups.append([v])
    out = []
    for g in groups:
        lo, hi = min(v[1] for v in g) - SNAP, max(v[2] for v in g) + SNAP
        x_lo, x_hi = min(v[0] for v in g) - SNAP, max(v[0] for v in g) + SNAP
        hsegs = [h for h in hs if lo <= h[0] <= hi and h[2] >= x_lo and h[1] <= x_hi]
        ys = _snap([h[0] for h in hsegs])
        if len(ys) >= 2 and len(_snap([v[0] for v in g])) >= 2:
            out.append(_Grid(hs=sorted(ys, reverse=True), hsegs=hsegs, vsegs=g))
    return out


def _text_lines(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped into text lines: a character joins the line its vertical extent overlaps
    by half its height (a low comma 、 or a flat 一 stays on the line of its neighbours)."""
    lines: list[list[_Char]] = []
    lo = hi = 0.0
    for c in sorted(chars, key=lambda c: -c.yc):
        h = max(c.y1 - c.y0, 0.5)
        if lines and min(hi, c.y1) - max(lo, c.y0) >= 0.5 * min(h, hi - lo):
            lines[-1].append(c)
            lo, hi = min(lo, c.y0), max(hi, c.y1)
        else:
            lines.append([c])
            lo, hi = c.y0, c.y1
    return lines


def _split_frags(line: list[_Char], vsegs=()) -> list[_Frag]:
    """Cells of a line: split where the gap is wider than one character height, or where a
    vertical rule passes between two characters."""
    frags: list[_Frag] = []
    for c in sorted(line, key=lambda c: c.x0):
        h = max(c.y1 - c.y0, 1.0)
        gap = c.x0 - frags[-1].chars[-1].x1 if frags else 0.0
        # a right-aligned amount followed closely by the next column's left-aligned label
        kind_change = frags and frags[-1].chars[-1].ch.isdigit() and bool(_CJK.match(c.ch))
        if frags and gap <= 0.9 * h and not (kind_change and gap > 0.25 * h) and not any(
                frags[-1].chars[-1].xc < x < c.xc and lo <= c.yc <= hi for x, lo, hi in vsegs):
            frags[-1].chars.append(c)
        else:
            frags.append(_Frag([c]))
    return frags


# ------------------------------------------------------------------ ruled tables

def _ruled_rows(chars: list[_Char], grid: _Grid) -> list[tuple[float, list[tuple[int, list[_Char]]]]]:
    """(top y, [(col, chars)]) per row of the grid that holds text.

    Each run of characters finds its cell: the nearest rules above, below, left and right of it that
    actually cross it (a merged cell has no rule inside it). The cell is placed in the row of its top
    rule and the column of its left rule: merged cells at their first row and column."""
    cells: dict[tuple[float, float], list[_Char]] = {}
    for ln in _text_lines(chars):
        for frag in _split_frags(ln, grid.vsegs):
            xc, yc = (frag.x0 + frag.x1) / 2, frag.yc
            top = min((y for y, lo, hi in grid.hsegs if y >= yc and lo - SNAP <= xc <= hi + SNAP), default=None)
            left = max((x for x, lo, hi in grid.vsegs if x <= frag.x0 + 1 and lo - SNAP <= yc <= hi + SNAP),
                       default=None)
            if top is None:
                top = min((y for y in grid.hs if y >= yc), default=grid.hs[0])
            if left is None:
                left = grid.xs[0]
            top = min(grid.hs, key=lambda y: abs(y - top))
            cells.setdefault((top, left), []).extend(frag.chars)
    rows: dict[float, list[tuple[int, list[_Char]]]] = {}
    for (top, left), cs in cells.items():
        col = min(range(len(grid.xs)), key=lambda k: abs(grid.xs[k] - left))
        rows.setdefault(top, []).append((col, cs))
    return [(top, sorted(rows[top], key=lambda x: x[0])) for top in sorted(rows, reverse=True)]


def _cell_text(chars: list[_Char]) -> str:
    return _join_lines([_join_chars(ln) for ln in _text_lines(chars)])


def _conf(chars: list[_Char]) -> float | None:
    """The OCR confidence of a cell: the lowest score of the readings it is made of (None: text layer)."""
    scores = [c.conf for c in chars if c.conf is not None]
    return round(min(scores), 4) if scores else None


# ------------------------------------------------------------------ unruled text

def _is_numeric(text: str) -> bool:
    return bool(_NUMERIC.match(text)) and any(ch.isdigit() for ch in text)


def _columns(rows: list[list[_Frag]]) -> list[tuple[float, float]]:
    """Column intervals of a table region: union of the cell extents of its well-filled lines."""
    most = max(len(r) for r in rows)
    spans = sorted((f.x0, f.x1) for r in rows if len(r) >= max(2, 0.6 * most) for f in r)
    cols: list[list[float]] = []
    for x0, x1 in spans:
        if cols and x0 <= cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    # neighbouring intervals that no line fills both of, one holding only labels and the other only
    # amounts, are one column printed with two alignments (a left-aligned header over right-aligned
    # amounts, 合计 over right-aligned codes)
    def members(k):
        a, b = cols[k]
        hits = [(i, f) for i, r in enumerate(rows) for f in r if min(b, f.x1) - max(a, f.x0) > 0]
        numeric = {_is_numeric(f.text) for _, f in hits}
        return {i for i, _ in hits}, (numeric.pop() if len(numeric) == 1 else None)

    merged: list[list[float]] = []
    used: set[int] = set()
    kind = None
    for k in range(len(cols)):
        m, k_kind = members(k)
        if merged and not (m & used) and None not in (kind, k_kind) and kind != k_kind:
            merged[-1][1] = cols[k][1]
            used |= m
            kind = None  # a merged column takes no third interval
        else:
            merged.append(list(cols[k]))
            used, kind = m, k_kind
    return [(a, b) for a, b in merged]


def _col_of(f: _Frag, cols: list[tuple[float, float]]) -> int:
    width = max(f.x1 - f.x0, 1.0)
    for k, (a, b) in enumerate(cols):
        if min(b, f.x1) - max(a, f.x0) >= 0.25 * width:
            return k
    centre = (f.x0 + f.x1) / 2
    # between columns: the column whose interval is nearest
    return min(range(len(cols)), key=lambda k: 0 if cols[k][0] <= centre <= cols[k][1]
               else min(abs(cols[k][0] - centre), abs(cols[k][1] - centre)))


@dataclass
class _Row:
    page: int
    top: float
    height: float
    cells: list[tuple[int, str, float, float, float | None]]  # (col, text, x0, x1, OCR confidence)
    frags: list[_Frag] | None = None  # unruled rows, before column assignment


def _tight(upper: _Row, lower: _Row) -> bool:
    """Two text lines closer than a line height: lines of one wrapped cell, not two table rows."""
    return upper.page == lower.page and upper.top - lower.top < max(upper.height, lower.height)


def _text_only(r: _Row) -> bool:
    return not any(_is_numeric(f.text) for f in r.frags)


def _place_unruled(rows: list[_Row]) -> None:
    """Give the cells of unruled rows their columns, region by region (a run of lines with two or
    more cells, with the wrapped lines printed tightly above or below them), then merge wrapped
    lines into the row they belong to."""
    def in_table(j):
        r = rows[j]
        if r.frags is None:
            return False
        if len(r.frags) >= 2:
            return True
        near = [rows[k] for k in (j - 1, j + 1) if 0 <= k < len(rows) and rows[k].frags is not None
                and len(rows[k].frags) >= 2]
        return _text_only(r) and any(_tight(*sorted((r, n), key=lambda x: -x.top)) for n in near)

    i = 0
    while i < len(rows):
        if not in_table(i):
            if rows[i].frags is not None:
                rows[i].cells = [(k, f.text, f.x0, f.x1, _conf(f.chars)) for k, f in enumerate(rows[i].frags)]
            i += 1
            continue
        j = i
        passing: list[_Row] = []  # page footer/header lines between a table and its continuation
        while True:
            while j < len(rows) and in_table(j):
                j += 1
            k = j
            while k < len(rows) and k - j < 4 and not in_table(k) and rows[k].page <= rows[j - 1].page + 1:
                k += 1
            if k < len(rows) and k > j and in_table(k) and rows[k].page == rows[j - 1].page + 1:
                for r in rows[j:k]:
                    r.cells = [(n, f.text, f.x0, f.x1, _conf(f.chars)) for n, f in enumerate(r.frags or [])]
                passing.extend(rows[j:k])
                j = k
                continue
            break
        region = [r for r in rows[i:j] if not any(r is x for x in passing)]
        cols = _columns([r.frags for r in region])
        for r in region:
            placed: dict[int, list[_Frag]] = {}
            for f in r.frags:
                placed.setdefault(_col_of(f, cols), []).append(f)
            r.cells = [(k, " ".join(f.text for f in fs), min(f.x0 for f in fs), max(f.x1 for f in fs),
                        _conf([c for f in fs for c in f.chars])) for k, fs in sorted(placed.items())]
        _merge_wrapped(region)
        i = j


def _merge_wrapped(region: list[_Row]) -> None:
    """A text-only line tight against a table row is part of that row's cells (a label wrapped over
    two lines, the amounts printed beside its first line or centred between its lines)."""
    for k, r in enumerate(region):
        if not r.cells or not _text_only_cells(r):
            continue
        above = region[k - 1] if k > 0 and region[k - 1].cells and _tight(region[k - 1], r) else None
        below = region[k + 1] if k + 1 < len(region) and region[k + 1].cells and _tight(r, region[k + 1]) else None
        # the row with amounts wins; else the line above (a label continued on the next line)
        cands = [n for n in (above, below) if n is not None]
        if not cands:
            continue
        target = next((n for n in cands if not _text_only_cells(n)), cands[0])
        cells = {c: (t, x0, x1, cf) for c, t, x0, x1, cf in target.cells}
        for c, t, x0, x1, cf in r.cells:
            if c in cells:
                old = cells[c]
                parts = [old[0], t] if target is above else [t, old[0]]
                confs = [x for x in (old[3], cf) if x is not None]
                cells[c] = (_join_lines(parts), min(old[1], x0), max(old[2], x1), min(confs) if confs else None)
            else:
                cells[c] = (t, x0, x1, cf)
        target.cells = [(c, *cells[c]) for c in sorted(cells)]
        r.cells = []


def _text_only_cells(r: _Row) -> bool:
    return not any(_is_numeric(t) for _, t, _, _, _ in r.cells)


# ------------------------------------------------------------------ document

def _pool_columns(grids: list[tuple[int, _Grid]]) -> None:
    """Column grid per table, pooled with the table it continues: the last table of a page and the
    first of the next page with the same outer frame share their columns, so a table that continues
    on the next page keeps its column numbers even when only one page carries the header."""
    runs: list[list[_Grid]] = []
    prev_page = None
    for n, (page, g) in enumerate(grids):
        first_on_page = page != prev_page
        last_of_prev = n > 0 and grids[n - 1][0] == page - 1
        if runs and first_on_page and last_of_prev and all(
                abs(a - b) <= SNAP for a, b in zip(runs[-1][-1].frame[:2], g.frame[:2])):
            runs[-1].append(g)
        else:
            runs.append([g])
        prev_page = page
    for run in runs:
        xs = _snap([x for g in run for x, _, _ in g.vsegs])
        for g in run:
            g.xs = xs


def read_pdf(data: bytes) -> tuple[list[Line], int]:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise DocumentError("read", f"not a readable PDF ({e})")
    try:
        n_pages = len(pdf)
        pages: dict[int, tuple[list[_Char], list, list]] = {}  # page -> (characters, rules h, rules v)
        scanned: list[int] = []  # pages with an image and no text: read by OCR
        images = 0
        for p in range(n_pages):
            page = pdf[p]
            tp = page.get_textpage()
            orient = _orientation(page)
            chars = _chars(tp, orient)
            hs, vs, imgs = _rules(page, orient)
            images += imgs
            pages[p + 1] = (chars, hs, vs)
            if not chars and imgs:
                scanned.append(p + 1)
            tp.close()
            page.close()
    finally:
        pdf.close()
    if scanned:
        from loaders.readers.ocr import ocr_pdf_pages  # onnxruntime and OpenCV only when a page needs them

        pages.update(ocr_pdf_pages(data, scanned))
    if not any(chars for chars, _, _ in pages.values()):
        reason = ("no text found: the scanned pages were read by OCR and gave no text" if scanned
                  else "no text: the pages carry neither a text layer nor a scanned image")
        raise DocumentError("read", reason, f"{n_pages} page(s), {images} image(s), no characters")
    return layout_pages([pages[p] for p in range(1, n_pages + 1)]), n_pages


Char = _Char  # a positioned character, for readers of other formats that print positioned text


def layout_pages(pages: list[tuple[list[_Char], list, list]]) -> list[Line]:
    """Lines of pages given as geometry: per page its characters and its horizontal (y, x_low,
    x_high) and vertical (x, y_low, y_high) rules, in points with y growing upwards. The same
    rows and columns as a PDF's text layer: used for the text layer, OCR'd scans and other formats
    that print positioned text."""
    page_chars = {p: chars for p, (chars, _, _) in enumerate(pages, start=1)}
    grids = [(p, g) for p, (chars, hs, vs) in enumerate(pages, start=1) if chars for g in _grids(hs, vs)]
    return _layout(page_chars, grids)


def _layout(page_chars: dict[int, list[_Char]], grids: list[tuple[int, _Grid]]) -> list[Line]:
    _pool_columns(grids)
    rows: list[_Row] = []
    for p in sorted(page_chars):
        outside = page_chars[p]
        page_rows: list[_Row] = []
        for _, g in (x for x in grids if x[0] == p):
            x_lo, x_hi, y_lo, y_hi = g.frame
            inside = [c for c in outside if x_lo <= c.xc <= x_hi and y_lo <= c.yc <= y_hi]
            ids = {id(c) for c in inside}
            outside = [c for c in outside if id(c) not in ids]
            for top, cells in _ruled_rows(inside, g):
                page_rows.append(_Row(p, top, 0.0, [(col, _cell_text(cs), min(c.x0 for c in cs), max(c.x1 for c in cs),
                                                     _conf(cs)) for col, cs in cells]))
        for ln in _text_lines(outside):
            h = sum(c.y1 - c.y0 for c in ln) / len(ln)
            page_rows.append(_Row(p, max(c.yc for c in ln), h, [], _split_frags(ln)))
        rows.extend(sorted(page_rows, key=lambda r: -r.top))
    _place_unruled(rows)
    lines = []
    for r in rows:
        if not r.cells:
            continue
        lines.append(Line(lineno=len(lines) + 1, page=r.page,
                          cells=[Cell(text=t, col=c, x0=round(x0, 1), x1=round(x1, 1), confidence=cf)
                                 for c, t, x0, x1, cf in r.cells]))
    return lines
