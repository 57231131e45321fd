"""Test documents generated from structured content: the same blocks rendered as .docx (python-docx),
.xlsx (openpyxl) and .pdf (a minimal pure-Python PDF writer embedding a system CJK font, text at
exact positions, tables drawn with thin rules or left unruled).

A document is a list of blocks:
  ("p", text)                       a paragraph
  ("t", rows)                       a table; a row is a list of cells, `None` = covered by the merged
                                    cell to its left; the string "^" = covered by the merged cell above
  ("break",)                        a page break (pdf, docx) / next sheet (xlsx)
Numbers are given as text ("3,584.96"); xlsx stores them as numbers with format #,##0.00.
"""
from __future__ import annotations

import re
import struct
from decimal import Decimal
from pathlib import Path

MERGE_LEFT, MERGE_UP = None, "^"
_NUM = re.compile(r"^-?[\d,]+(\.\d+)?$")

FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]


def cjk_font_path() -> Path | None:
    for p in FONT_CANDIDATES:
        if Path(p).exists():
            return Path(p)
    return None


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

def _extract_face(path: Path, index: int = 0) -> bytes:
    """One font of a TrueType/OpenType collection (.ttc) as a standalone font file."""
    data = path.read_bytes()
    if data[:4] != b"ttcf":
        return data
    off = struct.unpack(">I", data[12 + 4 * index:16 + 4 * index])[0]
    n = struct.unpack(">H", data[off + 4:off + 6])[0]
    recs = [struct.unpack(">4sIII", data[off + 12 + 16 * i:off + 28 + 16 * i]) for i in range(n)]
    head, body, dir_ = data[off:off + 12], bytearray(), bytearray()
    start = 12 + 16 * n
    for tag, chk, toff, tlen in recs:
        dir_ += struct.pack(">4sIII", tag, chk, start + len(body), tlen)
        body += data[toff:toff + tlen] + b"\0" * ((4 - tlen % 4) % 4)
    return bytes(head + dir_ + body)


def _cmap(font: bytes) -> dict[int, int]:
    """Unicode -> glyph id from the font's cmap table (format 12, else format 4)."""
    n = struct.unpack(">H", font[4:6])[0]
    tables = {font[12 + 16 * i:16 + 16 * i]: struct.unpack(">II", font[20 + 16 * i:28 + 16 * i]) for i in range(n)}
    off, _ = tables[b"cmap"]
    count = struct.unpack(">H", font[off + 2:off + 4])[0]
    subs = {}
    for i in range(count):
        pid, eid, so = struct.unpack(">HHI", font[off + 4 + 8 * i:off + 12 + 8 * i])
        fmt = struct.unpack(">H", font[off + so:off + so + 2])[0]
        subs[fmt] = off + so
    out: dict[int, int] = {}
    if 12 in subs:
        o = subs[12]
        ngroups = struct.unpack(">I", font[o + 12:o + 16])[0]
        for g in range(ngroups):
            start, end, gid = struct.unpack(">III", font[o + 16 + 12 * g:o + 28 + 12 * g])
            for u in range(start, end + 1):
                out[u] = gid + u - start
        return out
    o = subs[4]
    segx2 = struct.unpack(">H", font[o + 6:o + 8])[0]
    seg = segx2 // 2
    ends = struct.unpack(f">{seg}H", font[o + 14:o + 14 + segx2])
    starts = struct.unpack(f">{seg}H", font[o + 16 + segx2:o + 16 + 2 * segx2])
    deltas = struct.unpack(f">{seg}h", font[o + 16 + 2 * segx2:o + 16 + 3 * segx2])
    ro_pos = o + 16 + 3 * segx2
    ranges = struct.unpack(f">{seg}H", font[ro_pos:ro_pos + segx2])
    for k in range(seg):
        for u in range(starts[k], ends[k] + 1):
            if ranges[k] == 0:
                out[u] = (u + deltas[k]) & 0xFFFF
            else:
                gpos = ro_pos + 2 * k + ranges[k] + 2 * (u - starts[k])
                gid = struct.unpack(">H", font[gpos:gpos + 2])[0]
                out[u] = (gid + deltas[k]) & 0xFFFF if gid else 0
    return out


class PdfWriter:
    """A minimal PDF writer: pages of positioned text (one embedded CID font, Identity-H, with its
    own ToUnicode map so that every character extracts back) and filled rectangles as rules."""

    def __init__(self, width=842.0, height=595.0, font_size=9.0, rotate=0):
        self.w, self.h, self.size, self.rotate = width, height, font_size, rotate
        self.font = _extract_face(cjk_font_path())
        self.gids = _cmap(self.font)
        self.used: dict[int, int] = {}  # gid -> unicode
        self.pages: list[list[str]] = []

    def new_page(self):
        self.pages.append([])

    @staticmethod
    def advance(ch: str) -> float:
        return 1.0 if ord(ch) > 0x2e80 else 0.55

    def text(self, x, y, s, align="left", size=None):
        size = size or self.size
        if align == "right":
            x -= sum(self.advance(ch) for ch in s) * size
        hexs = []
        for ch in s:
            gid = self.gids.get(ord(ch), 0)
            self.used[gid] = ord(ch)
            hexs.append(f"{gid:04X}")
        self.pages[-1].append(f"BT /F1 {size:.2f} Tf {x:.2f} {y:.2f} Td <{''.join(hexs)}> Tj ET")

    def rule(self, x0, y0, x1, y1, width=0.8):
        if abs(y1 - y0) < 1e-6:
            self.pages[-1].append(f"{x0:.2f} {y0 - width / 2:.2f} {x1 - x0:.2f} {width:.2f} re f")
        else:
            self.pages[-1].append(f"{x0 - width / 2:.2f} {min(y0, y1):.2f} {width:.2f} {abs(y1 - y0):.2f} re f")

    def save(self, path: Path) -> Path:
        path.write_bytes(self.save_bytes())
        return path

    def save_bytes(self) -> bytes:
        objs: list[bytes] = []

        def add(body: bytes) -> int:
            objs.append(body)
            return len(objs)

        def stream(data: bytes, extra: str = "") -> bytes:
            return f"<< /Length {len(data)} {extra}>>\nstream\n".encode() + data + b"\nendstream"

        cmap_lines = "\n".join(f"<{g:04X}> <{u:04X}>" if u < 0x10000 else "" for g, u in sorted(self.used.items()))
        tounicode = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
                     "/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def "
                     "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
                     f"{len(self.used)} beginbfchar\n{cmap_lines}\nendbfchar\nendcmap CMapName currentdict "
                     "/CMap defineresource pop end end").encode()
        widths = " ".join(f"{g} [{int(self.advance(chr(u)) * 1000)}]" for g, u in sorted(self.used.items()))
        font_file = add(stream(self.font, "/Subtype /OpenType "))
        desc = add(b"<< /Type /FontDescriptor /FontName /NotoCJK /Flags 4 /FontBBox [-1000 -300 2000 1100] "
                   b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 /FontFile3 %d 0 R >>" % font_file)
        cid = add(f"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /NotoCJK /CIDSystemInfo << /Registry (Adobe) "
                  f"/Ordering (Identity) /Supplement 0 >> /FontDescriptor {desc} 0 R /DW 1000 /W [{widths}] >>".encode())
        tu = add(stream(tounicode))
        font = add(f"<< /Type /Font /Subtype /Type0 /BaseFont /NotoCJK /Encoding /Identity-H "
                   f"/DescendantFonts [{cid} 0 R] /ToUnicode {tu} 0 R >>".encode())
        pages_id = len(objs) + 2 * len(self.pages) + 1
        kids = []
        for ops in self.pages:
            if self.rotate == 90:  # stored portrait, shown landscape: content drawn turned a quarter
                box, ops = f"0 0 {self.h} {self.w}", [f"0 1 -1 0 {self.h} 0 cm", *ops]
            else:
                box = f"0 0 {self.w} {self.h}"
            content = add(stream("\n".join(ops).encode()))
            kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [{box}] /Rotate {self.rotate} "
                            f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()))
        add(f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode())
        catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(objs, start=1):
            offsets.append(len(out))
            out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
        out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
        out += f"trailer\n<< /Size {len(objs) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        return bytes(out)


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
    pw = PdfWriter(width, height, size, rotate)
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
        for n in range(len(pw.pages)):
            pw.pages, saved = pw.pages[:n + 1], pw.pages
            pw.text(width / 2 - 10, 12, f"- {n + 1} -")
            pw.pages = saved
    return pw.save(path)


def write_image_only_pdf(path: Path) -> Path:
    """A one-page PDF with a filled rectangle and no text: what a scan looks like to a text reader."""
    pw = PdfWriter.__new__(PdfWriter)
    pw.w, pw.h, pw.size, pw.rotate, pw.pages, pw.used = 595.0, 842.0, 9.0, 0, [["0.8 g 50 50 495 742 re f"]], {}
    pw.font = b""
    return pw.save(path)


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
    lines = sample_002.read_text(encoding="utf-8").split("\n")[663:695]
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
