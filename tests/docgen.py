"""Test documents generated from structured content: the same blocks rendered as .docx (python-docx),
.xlsx (openpyxl) and .pdf (fpdf2 with the Noto Sans CJK SC subset shipped in tests/fonts, text at
exact positions, tables drawn with thin rules or left unruled).

A document is a list of blocks:
  ("p", text)                       a paragraph
  ("t", rows)                       a table; a row is a list of cells, `None` = covered by the merged
                                    cell to its left; the string "^" = covered by the merged cell above
  ("break",)                        a page break (pdf, docx) / next sheet (xlsx)
Numbers are given as text ("3,584.96"); xlsx stores them as numbers with format #,##0.00.
"""
from __future__ import annotations

import io
import re
from contextlib import nullcontext
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

MERGE_LEFT, MERGE_UP = None, "^"
_NUM = re.compile(r"^-?[\d,]+(\.\d+)?$")

FONT = Path(__file__).resolve().parent / "fonts" / "NotoSansCJKsc-Subset.otf"  # OFL: fonts/OFL.txt
EVALUATION_LINES = slice(663, 695)  # 002 lines 664-695: the 办公大楼管理费 project self-evaluation form


def _spans(rows):
    """(row, col) -> (colspan, rowspan) for the anchor cells of a table."""
    out = {}
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is MERGE_LEFT or v == MERGE_UP:
                continue
            cs = 1
            while c + cs < len(row) and row[c + cs] is MERGE_LEFT:
                cs += 1
            rs = 1
            while r + rs < len(rows) and c < len(rows[r + rs]) and rows[r + rs][c] == MERGE_UP:
                rs += 1
            out[(r, c)] = (cs, rs)
    return out


# ------------------------------------------------------------------ docx

def write_docx(blocks, path: Path) -> Path:
    import docx

    d = docx.Document()
    for b in blocks:
        if b[0] == "p":
            d.add_paragraph(b[1])
        elif b[0] == "break":
            d.add_page_break()
        else:
            rows = b[1]
            width = max(len(r) for r in rows)
            t = d.add_table(rows=len(rows), cols=width)
            for (r, c), (cs, rs) in _spans(rows).items():
                cell = t.cell(r, c)
                if cs > 1 or rs > 1:
                    cell = cell.merge(t.cell(r + rs - 1, c + cs - 1))
                cell.text = rows[r][c]
    d.save(path)
    return path


# ------------------------------------------------------------------ xlsx

def write_xlsx(blocks, path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    r0 = 1
    for b in blocks:
        if b[0] == "p":
            ws.cell(r0, 1, b[1])
            r0 += 1
        elif b[0] == "break":
            ws = wb.create_sheet()
            r0 = 1
        else:
            rows = b[1]
            for (r, c), (cs, rs) in _spans(rows).items():
                v = rows[r][c]
                cell = ws.cell(r0 + r, c + 1)
                if v and _NUM.match(v):
                    cell.value = float(Decimal(v.replace(",", "")))
                    cell.number_format = "#,##0.00" if "." in v else "0"
                else:
                    cell.value = v or None
                if cs > 1 or rs > 1:
                    ws.merge_cells(start_row=r0 + r, start_column=c + 1, end_row=r0 + r + rs - 1,
                                   end_column=c + cs)
            r0 += len(rows)
    wb.save(path)
    return path


# ------------------------------------------------------------------ pdf

@lru_cache(maxsize=1)
def _font_chars() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(FONT)["cmap"].getBestCmap())


class PdfCanvas:
    """Pages drawn with fpdf2 in PDF coordinates (points, y upwards from the bottom of the page as
    displayed), text in the shipped Noto Sans CJK SC subset (fpdf2 embeds the glyphs used, with a
    ToUnicode map, so every character extracts back). `rotate=90` stores each page portrait with
    /Rotate 90 and its content drawn turned a quarter: displayed, it is the landscape page."""

    def __init__(self, width=842.0, height=595.0, font_size=9.0, rotate=0):
        from fpdf import FPDF

        self.w, self.h, self.size, self.rotate = width, height, font_size, rotate
        self.pdf = FPDF(unit="pt")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margin(0)
        self.pdf.add_font("noto", fname=str(FONT))
        self.pdf.set_fill_color(0)

    def new_page(self):
        self.pdf.add_page(format=(self.h, self.w) if self.rotate == 90 else (self.w, self.h))
        self.pdf.set_font("noto", size=self.size)

    def _turned(self):
        # landscape (x, top) -> portrait (top, w - x): a quarter turn about (w/2, w/2)
        return self.pdf.rotation(90, x=self.w / 2, y=self.w / 2) if self.rotate == 90 else nullcontext()

    def text(self, x, y, s, align="left", size=None):
        missing = sorted({ch for ch in s if not ch.isspace() and ord(ch) not in _font_chars()})
        if missing:
            raise ValueError(f"{''.join(missing)!r} not in {FONT.name}: run tests/fonts/make_subset.py")
        size = size or self.size
        self.pdf.set_font_size(size)
        # words drawn one by one with a half-em space between them (the font's own space is a
        # quarter em: too narrow for a text reader to see a space between `-` and `1` in `- 1 -`)
        words = s.split(" ")
        widths = [self.pdf.get_string_width(w) for w in words]
        if align == "right":
            x -= sum(widths) + 0.5 * size * (len(words) - 1)
        with self._turned():
            for word, w in zip(words, widths):
                if word:
                    self.pdf.text(x, self.h - y, word)
                x += w + 0.5 * size

    def rule(self, x0, y0, x1, y1, width=0.8):
        with self._turned():
            if abs(y1 - y0) < 1e-6:
                self.pdf.rect(x0, self.h - y0 - width / 2, x1 - x0, width, style="F")
            else:
                self.pdf.rect(x0 - width / 2, self.h - max(y0, y1), width, abs(y1 - y0), style="F")

    @property
    def page_count(self) -> int:
        return self.pdf.pages_count

    def save(self, path: Path) -> Path:
        data = bytes(self.pdf.output())
        if self.rotate:
            import pypdfium2 as pdfium

            doc = pdfium.PdfDocument(data)
            for page in doc:
                page.set_rotation(self.rotate)
            buf = io.BytesIO()
            doc.save(buf)
            doc.close()
            data = buf.getvalue()
        path.write_bytes(data)
        return path


def _wrap(text: str, width_pt: float, size: float) -> list[str]:
    """Split text into lines that fit a cell (CJK ~1 em, other characters ~0.55 em)."""
    lines, cur, w = [], "", 0.0
    for ch in text:
        cw = size if ord(ch) > 0x2e80 else 0.55 * size
        if cur and w + cw > width_pt:
            lines.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    return lines + [cur] if cur else lines or [""]


def write_pdf(blocks, path: Path, col_widths: dict[int, list[float]] | None = None, ruled=True,
              width=842.0, height=595.0, size=9.0, rotate=0, page_numbers=False) -> Path:
    """Render blocks top-down; numbers right-aligned in their cell, text left-aligned and wrapped.
    `col_widths[i]` gives the column widths of the i-th table (default: equal widths)."""
    pw = PdfCanvas(width, height, size, rotate)
    pw.new_page()
    margin, line_h = 30.0, size * 1.6
    y = height - margin
    t_index = 0
    for b in blocks:
        if b[0] == "break":
            pw.new_page()
            y = height - margin
            continue
        if b[0] == "p":
            if y - line_h < margin:
                pw.new_page()
                y = height - margin
            pw.text(margin, y - size, b[1])
            y -= line_h
            continue
        rows = b[1]
        ncol = max(len(r) for r in rows)
        widths = (col_widths or {}).get(t_index) or [(width - 2 * margin) / ncol] * ncol
        t_index += 1
        xs = [margin]
        for w_ in widths:
            xs.append(xs[-1] + w_)
        spans = _spans(rows)
        # row heights from the wrapped anchor cells that start in the row and span one row
        heights = []
        for r, row in enumerate(rows):
            n = 1
            for c_, v in enumerate(row):
                if (r, c_) in spans and v and spans[(r, c_)][1] == 1:
                    cs = spans[(r, c_)][0]
                    n = max(n, len(_wrap(v, xs[c_ + cs] - xs[c_] - 4, size)))
            heights.append(n * size * 1.25 + 6)
        r = 0
        while r < len(rows):
            # rows of this page: stop when the page is full (the table continues on the next page)
            page_rows = []
            while r < len(rows) and (y - heights[r] >= margin or not page_rows):
                page_rows.append((r, y))
                y -= heights[r]
                r += 1
            bottoms = {rr: yy - heights[rr] for rr, yy in page_rows}
            for rr, yy in page_rows:
                for c_, v in enumerate(rows[rr]):
                    if (rr, c_) not in spans:
                        continue
                    cs, rs = spans[(rr, c_)]
                    last = min(rr + rs - 1, page_rows[-1][0])
                    x0, x1, y_top, y_bot = xs[c_], xs[c_ + cs], yy, bottoms[last]
                    if ruled:
                        pw.rule(x0, y_top, x1, y_top)
                        pw.rule(x0, y_bot, x1, y_bot)
                        pw.rule(x0, y_top, x0, y_bot)
                        pw.rule(x1, y_top, x1, y_bot)
                    if not v:
                        continue
                    if _NUM.match(v):
                        pw.text(x1 - 2, (y_top + y_bot) / 2 - size / 2.5, v, align="right")
                    else:
                        lines = _wrap(v, x1 - x0 - 4, size)
                        block_h = len(lines) * size * 1.25
                        ty = (y_top + y_bot) / 2 + block_h / 2 - size
                        for k, s in enumerate(lines):
                            pw.text(x0 + 2, ty - k * size * 1.25, s)
            if r < len(rows):
                pw.new_page()
                y = height - margin
        y -= line_h / 2
    if page_numbers:  # "- n -" centred at the foot of every page
        for n in range(1, pw.page_count + 1):
            pw.pdf.page = n
            pw.text(width / 2 - 10, 12, f"- {n} -")
    return pw.save(path)


def write_image_only_pdf(path: Path) -> Path:
    """A one-page PDF with a filled rectangle and no text: what a scan looks like to a text reader."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(595.0, 842.0))
    pdf.add_page()
    pdf.set_fill_color(204)
    pdf.rect(50, 50, 495, 742, style="F")
    path.write_bytes(bytes(pdf.output()))
    return path


# ------------------------------------------------------------------ contents used by the tests

L, U = MERGE_LEFT, MERGE_UP

# 支出决算表 subject rows: (code, name, total, basic, project); parents equal the sum of their children
EXPENDITURE_ROWS = [
    ("201", "一般公共服务支出", "300.00", "200.00", "100.00"),
    ("20101", "人大事务", "120.00", "100.00", "20.00"),
    ("2010101", "行政运行", "100.00", "100.00", ""),
    ("2010108", "代表工作", "20.00", "", "20.00"),
    ("20106", "财政事务", "180.00", "100.00", "80.00"),
    ("2010601", "行政运行", "100.00", "100.00", ""),
    ("2010607", "信息化建设", "80.00", "", "80.00"),
    ("208", "社会保障和就业支出", "60.00", "60.00", ""),
    ("20805", "行政事业单位养老支出", "60.00", "60.00", ""),
    ("2080505", "机关事业单位基本养老保险缴费支出", "40.00", "40.00", ""),
    ("2080506", "机关事业单位职业年金缴费支出", "20.00", "20.00", ""),
    ("221", "住房保障支出", "40.00", "40.00", ""),
    ("22102", "住房改革支出", "40.00", "40.00", ""),
    ("2210201", "住房公积金", "25.00", "25.00", ""),
    ("2210203", "购房补贴", "15.00", "15.00", ""),
]

def _subject_table(title, columns, total, rows):
    """A table by function subject: title, unit, a two-line header (项目 over 科目编码/科目名称, each
    amount column header merged over both lines), the 合计 row and the subject rows."""
    return [("p", title), ("p", "单位：万元"), ("t", [
        ["项目", L, *columns],
        ["科目编码", "科目名称", *[U] * len(columns)],
        ["合计", L, *total],
        *[list(r) for r in rows],
    ])]


FINAL_ACCOUNTS_DOC = [
    ("p", "测试区示范局"),
    ("p", "2024年度部门决算"),
    ("p", "收入支出决算总表"),
    ("p", "单位：万元"),
    ("t", [
        ["收入", L, "支出", L],
        ["项目", "决算数", "项目", "决算数"],
        ["一、一般公共预算财政拨款收入", "395.00", "一、一般公共服务支出", "300.00"],
        ["二、其他收入", "5.00", "二、社会保障和就业支出", "60.00"],
        ["", "", "三、住房保障支出", "40.00"],
        ["本年收入合计", "400.00", "本年支出合计", "400.00"],
        ["年初结转和结余", "12.50", "年末结转和结余", "12.50"],
        ["总计", "412.50", "总计", "412.50"],
    ]),
    *_subject_table("支出决算表", ["本年支出合计", "基本支出", "项目支出"], ["400.00", "300.00", "100.00"],
                    EXPENDITURE_ROWS),
    ("p", "财政拨款“三公”经费支出决算表"),
    ("p", "单位：万元"),
    ("t", [
        ["预算数", L, L, L, L, L, "决算数", L, L, L, L, L],
        ["合计", "因公出国（境）费", "公务用车购置及运行维护费", L, L, "公务接待费"] * 2,
        [U, U, "小计", "公务用车购置费", "公务用车运行维护费", U] * 2,
        ["6.00", "", "4.00", "", "4.00", "2.00", "5.10", "", "3.60", "", "3.60", "1.50"],
    ]),
    *_subject_table("收入决算表", ["本年收入合计", "财政拨款收入", "其他收入"], ["400.00", "395.00", "5.00"], [
        ("201", "一般公共服务支出", "300.00", "295.00", "5.00"),
        ("208", "社会保障和就业支出", "60.00", "60.00", ""),
        ("221", "住房保障支出", "40.00", "40.00", ""),
    ]),
]


def evaluation_blocks(sample_002: Path) -> list:
    """The 办公大楼管理费 project self-evaluation form of 002 (lines 664-695): its paragraphs and its
    table rows, cell for cell, as structured content."""
    lines = sample_002.read_text(encoding="utf-8").split("\n")[EVALUATION_LINES]
    blocks, table = [], []
    for raw in lines:
        cells = raw.split("\t")
        if len(cells) == 1:
            if table:
                blocks.append(("t", table))
                table = []
            if raw.strip():
                blocks.append(("p", raw.strip()))
        else:
            table.append([c.strip() for c in cells])
    if table:
        blocks.append(("t", table))
    width = max(len(r) for b in blocks if b[0] == "t" for r in b[1])
    return [("t", [r + [""] * (width - len(r)) for r in b[1]]) if b[0] == "t" else b for b in blocks]
