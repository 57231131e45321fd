"""Final accounts (决算公开): every table found by its title and header, never by its number.

Input: a `SourceDoc` (lines of positioned cells, whatever the file format).
Output: one record per printed cell of every amount column (`cells`), one record per table found
(`tables`), and figures repeated in the narrative (`narrative`). A blank cell is kept as state
`blank` with no value; `——` as `not_applicable`; a printed 0.00 as the value 0.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass, field

from loaders.model import Cell, DocumentError, Line, SourceDoc, squash
from loaders.parsers import narrative
from loaders.numbers import (BLANK, NOT_APPLICABLE, VALUE, half_unit_wan,
                             parse_amount, to_wan)
from loaders.reference import (budget_column_codes, column_code_of, column_codes, label_key, row_roles, stats_items, table_title_kinds, table_titles,
                               three_public_item)
from loaders.tables import amount_like, ends_table, reflow, split_pipes

PARSER_NAME = "final_accounts"
PARSER_VERSION = "4"  # 2: tables of any layout (loaders/tables.py); 3: and the general narrative parser (narrative.py); 4: budget tables (seeds/budget_tables.csv)

_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s*(\D.*)$")
_TABLE_NO = re.compile(r"^(?:公开\d+表|附表\d+|表[一二三四五六七八九十\d]+|[Zz]\d+表?)$")
_UNIT_NAME = re.compile(r"^(?:部门|单位|编制单位|编制部门|预算单位)(?:名称)?[:：]\s*(.+)$")
_YEAR = re.compile(r"^(\d{4})\s*年度?$")
_AMOUNT_UNIT = re.compile(r"(?:金额)?单位[:：]\s*(万元|元|千元|亿元)")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_NOTE = re.compile(r"^(?:注|说明|备注)[:：]")
_NUMBERING_ROW = re.compile(r"^\d{1,2}$")

ECON_BLOCKS = {"人员经费": "personnel", "公用经费": "public"}
STATS_SECTIONS = (("政府采购", "procurement"), ("机关运行经费", "running_cost"), ("国有资产", "assets"))
COUNT_UNITS = {"vehicles": "辆", "equipment": "台（套）"}


@dataclass
class Table:
    table_code: str
    layout: str
    title: str
    title_line: Line
    meta_lines: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    printed_table_no: str | None = None
    unit_name: str | None = None
    fiscal_year: int | None = None
    amount_unit: str | None = None
    note: str | None = None
    kind: str = "final_accounts"  # the vocabulary its title belongs to (final_accounts / budget)


@dataclass
class ParsedFinalAccounts:
    unit_name: str | None
    fiscal_year: int | None
    amount_unit: str | None
    tables: list[dict]
    cells: list[dict]
    narrative: list[dict]
    warnings: list[str]
    defects: list[dict] = field(default_factory=list)  # publication defects of the text (FA-080/081)


# what may precede a table title on its line: 附表, a unit name (ending like one), a scope (本级, 全区),
# a year and the fund the table covers, e.g. "上海市普陀区财政局2024年度收入支出决算总表",
# "2024年度部门收支决算总表", "附表:X市本级2017年“三公”经费决算汇总表", "2016年一般公共预算财政拨款开支的…"
_TITLE_PREFIX = re.compile(r"^(?:附表\d*[:：]?)?(?:(?:预算|公开)\d{1,2}表|表\d{1,2}[-—]?)?(?P<unit>[\u4e00-\u9fff（）]{2,40}?(?:局|委员会|委|办公室|办|院|中心|厅|部|会|所|站|队|馆|校|园|社|处|室|"
                           r"政府|街道|镇|乡|区|县|市|省))?(?:本级|全区|全县|全市|全省)?(?:(?P<year>\d{4})(?:年度?|-)?)?"
                           r"(?:本级|全区|全县|全市|全省|部门|单位)?(?:(?:一般公共预算)?财政拨款(?:开支的)?)?$")


def title_of(line: Line) -> tuple[str, str] | None:
    """(table_code, layout) when the line is a known table title (or alias), possibly after a unit
    name and a year; never a title merely mentioned inside a sentence."""
    found = _title_parts(line)
    return found[0] if found else None


def title_kind(line: Line) -> str | None:
    """The document kind whose table vocabulary the title line belongs to (final_accounts / budget)."""
    found = _title_parts(line)
    return found[3] if found else None


def _title_parts(line: Line) -> tuple[tuple[str, str], str | None, int | None, str] | None:
    """((table_code, layout), unit name, year, vocabulary kind) of a title line; the unit and year
    printed before the title words, when they are."""
    return _title_parts_of("".join(line.texts))


@lru_cache(maxsize=1 << 16)  # every line is asked up to three times (classify, table_lines, find_tables)
def _title_parts_of(text: str) -> tuple[tuple[str, str], str | None, int | None, str] | None:
    key = label_key(text)
    titles = table_titles()
    if key in titles:
        return titles[key], None, None, table_title_kinds()[key]
    if len(key) > _TITLE_MAX:  # a sentence, not a title
        return None
    for size in _title_sizes():  # the longest title the line ends with
        n = len(key) - size
        if n > 0 and key[n:] in titles and (m := _TITLE_PREFIX.match(key[:n])):
            return (titles[key[n:]], m.group("unit"), int(m.group("year")) if m.group("year") else None,
                    table_title_kinds()[key[n:]])
    return None


_TITLE_MAX = 100  # a prefix (附表, unit name, scope, year, fund) and the longest title


@lru_cache(maxsize=None)
def _title_sizes() -> list[int]:
    return sorted({len(k) for k in table_titles()}, reverse=True)


def table_lines(doc: SourceDoc) -> list[Line]:
    """The document's non-blank lines, with every table exported one cell per line rebuilt into rows
    (loaders.tables.reflow) between its title and the next title."""
    lines = split_pipes(doc.lines)
    titles = [i for i, ln in enumerate(lines) if not ln.is_blank and title_of(ln)]
    if not titles:
        return [ln for ln in lines if not ln.is_blank]
    out: list[Line] = list(lines[:titles[0]])
    probe = Table("", "", "", lines[titles[0]])
    for n, i in enumerate(titles):
        end = titles[n + 1] if n + 1 < len(titles) else len(lines)
        region = lines[i + 1:end]
        rebuilt = reflow(region, lambda text: _is_meta(Line(0, [Cell(text, 0)]), probe))
        out.append(lines[i])
        out.extend(rebuilt if rebuilt is not None else region)
    return [ln for ln in out if not ln.is_blank]


def find_tables(doc: SourceDoc) -> list[Table]:
    lines = table_lines(doc)
    starts = [(i, title_of(ln)) for i, ln in enumerate(lines)]
    starts = [(i, t) for i, t in starts if t]
    # a run of titles of different tables on consecutive lines is a table of contents (目录), not
    # tables; a heading naming the table just above its title (`一、收入支出决算总表`) is not a table
    at = dict(starts)
    starts = [(i, t) for i, t in starts if not (i + 1 in at and at[i + 1][0] == t[0])]
    at = dict(starts)
    starts = [(i, t) for i, t in starts if i + 1 not in at and i - 1 not in at]
    tables = []
    for n, (i, (code, layout)) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        t = Table(code, layout, lines[i].text, lines[i])
        _, t.unit_name, t.fiscal_year, t.kind = _title_parts(lines[i])
        in_meta, closed = True, False
        for ln in lines[i + 1:end]:
            first = squash(ln.texts[0]) if ln.cells else ""
            if _PART.match(ln.text.strip()):
                break
            if _NOTE.match(first):
                if "无数据" in ln.squashed:
                    t.note = "本表无数据"
                closed = closed or bool(t.body)  # a note after the body closes it
                continue
            if in_meta and _is_meta(ln, t):
                t.meta_lines.append(ln)
                continue
            in_meta = False
            if closed or _looks_like_prose(ln):
                closed = closed or bool(t.body)
                continue
            t.body.append(ln)
        if t.body or t.note:  # a title with nothing under it is a mention (目录 entry), not a table
            tables.append(t)
    return _join_pages(tables)


def _join_pages(tables: list[Table]) -> list[Table]:
    """A table split over pages is one table: a page that repeats the title of the table ending on
    the page before continues it. Lines it repeats (the header, 栏次, the 合计 row printed on every
    page) and page numbers (a lone number closing a page) are counted once."""
    out: list[Table] = []
    for t in tables:
        t.body = [ln for n, ln in enumerate(t.body) if not _page_footer(t.body, n)]
        prev = out[-1] if out else None
        if prev is not None and prev.table_code == t.table_code and t.kind == "budget" and t.title_line.page is None:
            # a page of a budget saved as HTML (no pages): the title repeated right after the part
            # before, with only a page footer and the table's number between them
            while prev.body and (_TABLE_NO.match(prev.body[-1].squashed) or _DASHED_PAGE_NO.match(prev.body[-1].squashed)):
                prev.body.pop()
        if (prev is not None and prev.table_code == t.table_code and t.title_line.page is None
                and t.kind == "budget" and prev.body and t.title_line.lineno - prev.body[-1].lineno <= 3):
            seen = {ln.squashed for ln in prev.body}
            prev.body.extend(ln for ln in t.body if ln.squashed not in seen)
            prev.note = prev.note or t.note
            continue
        if (prev is not None and prev.table_code == t.table_code and t.title_line.page is not None
                and prev.body and prev.body[-1].page is not None
                and t.title_line.page - prev.body[-1].page in (0, 1)):
            seen = {ln.squashed for ln in prev.body}
            prev.body.extend(ln for ln in t.body if ln.squashed not in seen)
            prev.note = prev.note or t.note
            continue
        out.append(t)
    return out


_DASHED_PAGE_NO = re.compile(r"^[—\-–]\s*\d{1,3}\s*[—\-–]$")


def _page_footer(body: list[Line], n: int) -> bool:
    """A page number or a table number printed at the foot of a page (`5`, `表 1`)."""
    ln = body[n]
    if ln.page is None or len([x for x in ln.texts if x.strip()]) != 1:
        return False
    nxt = body[n + 1] if n + 1 < len(body) else None
    last_on_page = nxt is None or nxt.page != ln.page or _page_footer(body, n + 1)
    return last_on_page and bool(re.match(r"^(?:\d{1,3}|表\d{1,2}|-\d{1,3}-)$", ln.squashed))


def _is_meta(ln: Line, t: Table) -> bool:
    """Table number, unit name, year and amount unit lines (possibly several in one line)."""
    hit = False
    for text in ln.texts:
        s = text.strip()
        if not s:
            continue
        if _TABLE_NO.match(squash(s)):
            t.printed_table_no, hit = squash(s), True
        elif m := _AMOUNT_UNIT.search(squash(s)):
            t.amount_unit, hit = m.group(1), True
        elif (m := _UNIT_NAME.match(s)) and squash(m.group(1)) == "万":  # `单位：万` (万元)
            t.amount_unit, hit = "万元", True
        elif m := _UNIT_NAME.match(s):
            t.unit_name, hit = squash(m.group(1)), True
        elif m := _YEAR.match(squash(s)):
            t.fiscal_year, hit = int(m.group(1)), True
        else:
            return False
    return hit


def _looks_like_prose(ln: Line) -> bool:
    texts = [x for x in ln.texts if x.strip()]
    return len(texts) == 1 and len(texts[0]) > 40 and not _CODE.match(squash(texts[0]))


class _Emitter:
    """Builds cell records with provenance, value and rounding envelope."""

    def __init__(self, doc: SourceDoc, table: Table, amount_unit: str):
        self.doc, self.t, self.unit = doc, table, amount_unit
        self.records: list[dict] = []

    def emit(self, ln: Line, col: int, *, row_label: str, column_label: str, column_code: str | None,
             side: str | None = None, row_no: int | None = None, row_role: str | None = None,
             subject_code: str | None = None, subject_name: str | None = None, block: str | None = None,
             item: str | None = None, section: str | None = None, unit: str | None = None,
             column_no: int | None = None) -> None:
        text = ln.printed(col)
        cell = next((c for c in ln.cells if c.col == col), None)
        aligned = cell is None or cell.aligned
        if not aligned:  # printed in this row, column unknown: never given a column's meaning
            column_label, column_code, column_no = "未对齐", None, None
        a = parse_amount(ln.cell(col))  # a word where an amount belongs stays as state `text`, without a value
        unit = unit or self.unit
        money = unit in ("万元", "元", "千元", "亿元")
        self.records.append({
            "doc_id": self.doc.doc_id,
            "table_code": self.t.table_code,
            "table_title": self.t.title,
            "printed_table_no": self.t.printed_table_no,
            "side": side,
            "block": block,
            "section": section,
            "row_label": row_label,
            "row_key": label_key(row_label),
            "row_no": row_no,
            "row_role": row_role,
            "subject_code": subject_code,
            "subject_name": subject_name,
            "item": item,
            "column_label": column_label,
            "column_code": column_code,
            "column_no": column_no,
            "printed_text": text,
            "cell_state": a.state,
            "value": a.value,
            "decimals": a.decimals,
            "unit": unit,
            "amount_wan": to_wan(a.value, unit) if money else None,
            "half_unit_wan": half_unit_wan(a.decimals, unit) if money else None,
            "aligned": aligned,
            "page": ln.page,
            "line": cell.lineno if cell is not None and cell.lineno else ln.lineno,
            "col": col,
            "source_ref": _ref(ln, cell),
            "ocr_confidence": cell.confidence if cell is not None else ln.confidence(col),
        })


def _ref(ln: Line, cell: Cell | None) -> str:
    if cell is None or not cell.lineno or cell.lineno == ln.lineno:
        return ln.source_ref
    return Line(cell.lineno, [], ln.page).source_ref


def _int(text: str) -> int | None:
    s = squash(text)
    return int(s) if s.isdigit() else None


# ---------------------------------------------------------------- two-sided tables (总表)

def _parse_two_sided(t: Table, em: _Emitter) -> None:
    hdr_i = next((i for i, ln in enumerate(t.body)
                  if sum(1 for x in ln.texts if squash(x) == "项目") >= 2), None)
    if hdr_i is None:
        raise DocumentError("parse", f"{t.title}: header row with 项目 on both sides not found (line {t.title_line.lineno})")
    hdr = t.body[hdr_i]
    proj_cols = [c.col for c in hdr.cells if squash(c.text) == "项目"]
    sides = [("income", proj_cols[0], proj_cols[1]), ("expenditure", proj_cols[1], hdr.width)]
    roles = row_roles(t.kind)
    for side, start, stop in sides:
        rowno_col = next((c for c in range(start + 1, stop) if squash(hdr.cell(c)) == "行次"), None)
        # a column is one with a header or with something printed under it (a PDF grid pooled over
        # pages may have empty positions)
        amount_cols = [c for c in range(start + 1, stop) if c != rowno_col
                       and (squash(hdr.cell(c)) or any(squash(ln.cell(c)) for ln in t.body[hdr_i + 1:]))]
        labels = {c: squash(hdr.cell(c)) for c in amount_cols}
        seen_total = False
        after_opening = False
        for ln in t.body[hdr_i + 1:]:
            label = ln.cell(start).strip()
            if squash(label) == "栏次":
                continue
            amounts = [ln.cell(c) for c in amount_cols]
            if not squash(label) and not any(squash(a) for a in amounts):
                continue
            key = label_key(label)
            role = roles.get((t.table_code, side, key))
            if role is None:
                role = "item" if not seen_total else ("opening_by_fund" if after_opening else "other")
            if role == "current_total":
                seen_total = True
            after_opening = role == "opening_balance" or (after_opening and role == "opening_by_fund")
            for c in amount_cols:
                em.emit(ln, c, side=side, row_label=label, row_no=_int(ln.cell(rowno_col)) if rowno_col is not None else None,
                        row_role=role, column_label=labels[c],
                        column_code=_column_code(t, labels[c], labels[c]) if t.kind == "budget"
                        else column_codes().get((t.table_code, labels[c])))


# ---------------------------------------------------------------- subject tables (类/款/项 × columns)

def _name_col(lines: list[Line], budget: bool = False) -> int:
    """Column of 科目名称 in the header (after code cells split over 类/款/项), else 1. A budget's
    header may qualify it (功能分类科目名称, 上海)."""
    for ln in lines:
        for c in ln.cells:
            if squash(c.text) == "科目名称" or (budget and squash(c.text).endswith("科目名称")):
                return c.col
    return 1


def _subject_of(ln: Line, name_col: int) -> tuple[str, str] | None:
    """(code or 合计/总计, subject name) when the line is a subject or total row. The code is printed
    in one cell (2010601), with its name (201 一般公共服务支出), or split over 类/款/项 cells."""
    first = ln.cell(0).strip()
    if m := _CODE_AND_NAME.match(first):
        return m.group(1), m.group(2).strip()
    labels = [squash(ln.cell(c)) for c in range(name_col)]
    name = ln.cell(name_col).strip()
    for total in ("合计", "总计"):
        if total in labels or squash(name) == total:
            return total, ""
    code = "".join(labels)
    if _CODE.match(code) and all(x.isdigit() or not x for x in labels):
        return code, name
    return None


def _is_subject_row(ln: Line, name_col: int = 1) -> bool:
    return _subject_of(ln, name_col) is not None


def _header_labels(header: list[Line], first_amount_col: int, width: int) -> dict[int, tuple[str, str]]:
    """column -> (printed label path, leaf label). A group label spanning several columns
    (本年支出 over 小计/基本支出/项目支出) is carried right to the columns under it."""
    out = {}
    for c in range(first_amount_col, width):
        parts = [squash(h.cell(c)) for h in header]
        nonempty = [p for p in parts if p]
        if nonempty and not squash(header[0].cell(c)) and len(header) > 1 and squash(header[-1].cell(c)):
            # under a spanning group: find it to the left on the upper line
            for k in range(c - 1, first_amount_col - 1, -1):
                up = squash(header[0].cell(k))
                if up:
                    if squash(header[-1].cell(k)):
                        nonempty = [up] + nonempty
                    break
        if nonempty:
            out[c] = ("/".join(nonempty), nonempty[-1])
    return out


def _column_code(t: Table, path: str, leaf: str) -> str | None:
    """The column a header names (seed fa_column_codes: the leaf, the whole path, else the longest
    seed label the leaf contains). A budget table's own words (seed budget_column_codes) come first,
    and a 小计/合计 under a group is the group's total (基本支出/小计 is 基本支出)."""
    if t.kind == "budget":
        parts = path.split("/")
        if label_key(leaf) in ("小计", "合计") and len(parts) > 1:
            parent = parts[-2]
            code = budget_column_codes().get((t.table_code, label_key(parent))) \
                or column_codes().get((t.table_code, label_key(parent))) or column_code_of(t.table_code, parent)
            if code:
                return code
        if code := budget_column_codes().get((t.table_code, label_key(leaf))):
            return code
    return (column_codes().get((t.table_code, label_key(leaf))) or column_codes().get((t.table_code, label_key(path)))
            or column_code_of(t.table_code, leaf))


def _is_numbering(ln: Line, name_col: int) -> bool:
    return any(squash(ln.cell(c)) == "栏次" for c in range(name_col + 1))


def _parse_subject(t: Table, em: _Emitter) -> None:
    name_col = _name_col(t.body[:8], t.kind == "budget")
    first_data = next((i for i, ln in enumerate(t.body) if _is_subject_row(ln, name_col)), None)
    if first_data is None:
        if t.note:
            return  # 本表无数据 and no 合计 row printed
        raise DocumentError("parse", f"{t.title}: no 合计 or subject-code rows found (line {t.title_line.lineno})")
    # the 栏次 line numbers the columns (printed under the code or the name column)
    header = [ln for ln in t.body[:first_data] if not _is_numbering(ln, name_col)]
    numbering = next((ln for ln in t.body[:first_data] if _is_numbering(ln, name_col)), None)
    width = max(ln.width for ln in t.body)
    labels = _header_labels(header, name_col + 1, width)
    for ln in t.body[first_data:]:
        found = _subject_of(ln, name_col)
        if found is None:
            continue
        code, name = found
        if _CODE.match(code):
            subject_code, role, row_label = code, "subject", name
        else:
            subject_code, role, row_label = None, "total", code
        for c, (path, leaf) in labels.items():
            em.emit(ln, c, row_label=row_label, row_role=role, subject_code=subject_code, subject_name=name or None,
                    column_label=path, column_code=_column_code(t, path, leaf),
                    column_no=_int(numbering.cell(c)) if numbering else None)


# ---------------------------------------------------------------- basic expenditure detail (economic subjects, 4 blocks)

_CODE_HEADERS = ("科目代码", "科目编码", "经济分类科目编码")
_AMOUNT_HEADERS = ("决算数", "金额")


def _joined_code(ln: Line, start: int, stop: int) -> str:
    """A subject code printed in one cell (30101) or split over 类/款/项 cells (301 | 01)."""
    return "".join(squash(ln.cell(c)) for c in range(start, stop))


def _parse_basic_detail(t: Table, em: _Emitter) -> None:
    """Blocks of (code cells, 科目名称, 决算数) side by side: four in the 山西 layout, two (人员经费 /
    公用经费) in the 上海 one, where the code is split over 类 and 款 cells."""
    hdr_i = next((i for i, ln in enumerate(t.body)
                  if any(squash(x) in _CODE_HEADERS for x in ln.texts)
                  or (any(squash(x) == "科目名称" for x in ln.texts) and any(squash(x) in _AMOUNT_HEADERS for x in ln.texts))),
                 None)
    if hdr_i is None:
        raise DocumentError("parse", f"{t.title}: header with 科目代码/科目编码 and 科目名称 not found (line {t.title_line.lineno})")
    data_i = next((i for i in range(hdr_i + 1, len(t.body)) if _CODE.match(squash(t.body[i].cell(0)))
                   or any(_CODE.match(squash(x)) for x in t.body[i].texts)), len(t.body))
    header = t.body[hdr_i:data_i]
    width = max(ln.width for ln in t.body)
    name_cols = sorted({c.col for h in header for c in h.cells if squash(c.text) == "科目名称"})
    group_line = t.body[hdr_i - 1] if hdr_i > 0 else None
    blocks = []
    start = 0
    for n, name_col in enumerate(name_cols):
        stop = name_cols[n + 1] if n + 1 < len(name_cols) else width
        amount_col = next((c for c in range(name_col + 1, stop)
                           if any(squash(h.cell(c)) in _AMOUNT_HEADERS for h in header)), name_col + 1)
        label = next((squash(h.cell(amount_col)) for h in header if squash(h.cell(amount_col))), "决算数")
        group = None
        if group_line is not None:
            for k in range(name_col, -1, -1):
                g = squash(group_line.cell(k))
                if g:
                    group = ECON_BLOCKS.get(g)
                    break
        blocks.append((start, name_col, amount_col, label, group))
        start = amount_col + 1
    for ln in t.body[data_i:]:
        if any("合计" in squash(x) for x in ln.texts) and not _CODE.match(squash(ln.cell(0))):
            _emit_detail_totals(ln, em, t)
            continue
        for s, name_col, amount_col, col_label, group in blocks:
            code, name = _joined_code(ln, s, name_col), ln.cell(name_col).strip()
            if not _CODE.match(code):
                continue
            subject_code = code
            block = group or ("personnel" if code[:3] in ("301", "303") else "public")
            em.emit(ln, amount_col, row_label=name, row_role="subject", subject_code=subject_code, subject_name=name,
                    block=block, column_label=col_label, column_code=column_codes().get((t.table_code, col_label)))


def _emit_detail_totals(ln: Line, em: _Emitter, t: Table) -> None:
    cells = sorted(ln.cells, key=lambda c: c.col)
    for i, c in enumerate(cells):
        label = squash(c.text)
        if "合计" not in label:
            continue
        value_col = None
        for d in cells[i + 1:]:
            if "合计" in squash(d.text):
                break
            if squash(d.text) and parse_amount(d.text).state in (VALUE, NOT_APPLICABLE):
                value_col = d.col
                break
        block = next((v for k, v in ECON_BLOCKS.items() if label.startswith(k)), None)
        col = value_col if value_col is not None else c.col + 2
        em.emit(ln, col, row_label=label, row_role="total", block=block,
                column_label="决算数", column_code="actual")


# ---------------------------------------------------------------- 三公 (items × measures, either way round)
#
# One reading for every orientation: label rows × header columns. Each value cell is read at its row
# and its column; one of the two names the 三公 item (seeds/three_public_items.csv), the other the
# measure (预算数 / 决算数 / `2020年度支出(万元)` …, seeds/fa_column_codes.csv). Which is which the
# vocabulary says, whichever way the table is turned:
#   items as rows under `项目 | 预算数 | 决算数` (the row names the item, the header the measure);
#   预算数 / 决算数 as rows under items as columns (a 公开09表 layout: the header names the item);
#   items and measures both in the header over rows of amounts, the measures as groups above the
#   items (the national template) or as a 预算数/决算数 pair under each item (上海 表七).

_HEADER_UNIT = re.compile(r"[（(](万元|元|千元|亿元)[)）]")
_code_of = lru_cache(maxsize=4096)(column_code_of)  # header words repeat across cells and documents
_LEADING_YEAR = re.compile(r"^(\d{4})年度?")


def _three_public_measure(t: Table, label: str) -> str | None:
    """The measure a row or header label names: a seed column label of the table (预算数, 决算数 …),
    or one with a year before it (`2026 年预算数`) when that is the table's year (the year in its title,
    else the only year printed before its measures: a `2025年预算数` beside `2026年预算数` is last
    year's figure). None for an item or any other word."""
    key = label_key(label)
    if not key or three_public_item(label):
        return None
    codes = column_codes()
    if (t.table_code, key) in codes:
        return codes[(t.table_code, key)]
    m = _LEADING_YEAR.match(key)
    if not m or (t.table_code, key[m.end():]) not in codes:
        return None
    if int(m.group(1)) != (t.fiscal_year or _measure_year(t)):
        return None
    return codes[(t.table_code, key[m.end():])]


def _measure_year(t: Table) -> int | None:
    """The year printed before the table's measures when only one is (None when none or several are)."""
    years = set()
    for ln in t.body:
        for c in ln.cells:
            key = label_key(c.text)
            if (m := _LEADING_YEAR.match(key)) and (t.table_code, key[m.end():]) in column_codes():
                years.add(int(m.group(1)))
    return years.pop() if len(years) == 1 else None


def _numbers_only(ln: Line) -> bool:
    return all(_NUMBERING_ROW.match(squash(x)) or not squash(x) for x in ln.texts)


def _is_amounts(ln: Line) -> bool:
    """A row of amounts only (no label), not the line numbering the columns (1 | 2 | 3 …)."""
    return all(parse_amount(x).state in (VALUE, BLANK, NOT_APPLICABLE) for x in ln.texts) and not _numbers_only(ln)


def _is_column_numbers(ln: Line) -> bool:
    return _is_numbering(ln, 0) or (_numbers_only(ln) and any(squash(x) for x in ln.texts))


def _header_path(header: list[Line], c: int) -> list[str]:
    """The header labels over column c, top to bottom: on each line the label printed at c, else a
    group label printed to its left whose group covers c (a lower line has a label at c, and no label
    on this line or above begins between them)."""
    path = []
    for n, h in enumerate(header):
        text = squash(h.cell(c))
        if not text and any(squash(lo.cell(c)) for lo in header[n + 1:]):
            for k in range(c, -1, -1):
                if k < c and (text := squash(h.cell(k))):
                    break
                if any(squash(up.cell(k)) for up in header[:n]):
                    break
        if text:
            path.append(text)
    return path


def _item_of(path: list[str]) -> str | None:
    """The item a header path names: its lowest label; a 小计/合计 under a label is that label's
    total (a group that is not an item itself but names the 三公经费 is their total)."""
    if label_key(path[-1]) in ("小计", "合计") and len(path) > 1:
        return three_public_item(path[-2]) or ("total" if "三公" in label_key(path[-2]) else None)
    return three_public_item(path[-1])


def _three_public_grid(t: Table) -> tuple[list[Line], list[Line], bool]:
    """(header lines, rows read, whether the rows name the items). Items as rows: under a line whose
    label column says 项目, at least two row labels name items; the rows run to the end of the table.
    Otherwise the rows are those labelled with a measure, or the first run of rows of amounts."""
    body = t.body
    hdr_i = next((i for i, ln in enumerate(body) if squash(ln.cell(0)).endswith("项目") and ln.width >= 2), None)
    if hdr_i is not None:
        rows = []
        for ln in body[hdr_i + 1:]:
            if ends_table(ln.cell(0)):
                break
            if squash(ln.cell(0)) and ln.width > 1 and not _is_numbering(ln, 0):  # a label with nothing after it lands nothing
                rows.append(ln)
        if sum(1 for ln in rows if three_public_item(ln.cell(0))) >= 2:
            return body[:hdr_i + 1], rows, True
    by_measure = [i for i, ln in enumerate(body) if _three_public_measure(t, ln.cell(0))
                  and any(amount_like(c.text) for c in ln.cells if c.col > 0)]
    if by_measure:
        first, rows = by_measure[0], [body[i] for i in by_measure]
    else:
        first = next((i for i, ln in enumerate(body) if _is_amounts(ln)), len(body))
        # a header that does not name the measures, even within a longer label, is not read this way
        # (a budget table is then read as a listing); one that names them only within another label
        # (`“三公”经费预算数`) or for another year (`2025年预算数`) lands nothing
        if not any(not amount_like(c.text) and _code_of(t.table_code, c.text) and not three_public_item(c.text)
                   for ln in body[:first] for c in ln.cells):
            raise DocumentError("parse", f"{t.title}: no 预算数/决算数 in its rows or header (line {t.title_line.lineno})")
        rows = []
        for ln in body[first:]:
            if not _is_amounts(ln):
                break
            rows.append(ln)
    return [ln for ln in body[:first] if not _is_column_numbers(ln)], rows, False


def _parse_three_public(t: Table, em: _Emitter) -> None:
    header, rows, items_as_rows = _three_public_grid(t)
    numbering = next((ln for ln in t.body if _is_numbering(ln, 0)), None)
    labelled = items_as_rows or any(_three_public_measure(t, ln.cell(0)) for ln in rows)
    first_col = 1 if labelled else 0
    cols = sorted({c.col for ln in header + rows for c in ln.cells if c.col >= first_col and squash(c.text)}
                  | ({c.col for ln in rows for c in ln.cells if c.col >= first_col} if labelled else set()))
    if t.amount_unit is None:
        unit = next((m.group(1) for h in header for c in h.cells if c.col >= first_col
                     if (m := _HEADER_UNIT.search(squash(c.text)))), None)
        if unit:
            em.unit = t.amount_unit = unit
    # per column: its header path, and (when the header names the items) the item it names and the
    # measure a header label names
    columns = {}
    for c in cols:
        path = _header_path(header, c)
        measures = [p for p in path if _three_public_measure(t, p)]
        items = [p for p in path if p not in measures]
        columns[c] = (path, measures[-1] if measures else "", items[-1] if items else "", _item_of(items) if items else None)
    for ln in rows:
        label = ln.cell(0).strip() if labelled else ""
        for c in cols:
            path, header_measure, header_item, item = columns[c]
            if items_as_rows:  # the row names the item, the header the measure
                row_label, item, measure = label, three_public_item(label), "/".join(path)
            else:  # the header names the item; the measure is the row's label or a header label
                row_label, measure = header_item, squash(label) if labelled else header_measure
            # a cell is read under both its labels; a value printed in a labelled row is landed even
            # where its header is missing
            if not (row_label and measure) and not (labelled and squash(ln.cell(c))):
                continue
            em.emit(ln, c, row_label=row_label, row_role="item", item=item, column_label=measure,
                    column_code=_code_of(t.table_code, measure), unit="%" if "率" in measure else None,
                    column_no=_int(numbering.cell(c)) if numbering else None)


# ---------------------------------------------------------------- 相关信息统计表 (procurement, running costs, assets)

def _parse_stats(t: Table, em: _Emitter) -> None:
    section = None
    value_col, rowno_col, value_label = 2, 1, "统计数"
    known = stats_items()
    for ln in t.body:
        first = ln.cell(0).strip()
        key = squash(first)
        sec = next((code for word, code in STATS_SECTIONS if word in key and re.match(r"^[一二三四五六七八九十]+、", key)), None)
        if sec:
            section = sec
            continue
        if key == "项目":
            for c in ln.cells:
                if squash(c.text) in ("统计数", "金额", "数量"):
                    value_col, value_label = c.col, squash(c.text)
                if squash(c.text) == "行次":
                    rowno_col = c.col
            continue
        if not key:
            continue
        item, unit_kind = known.get((section, label_key(first)), (None, "amount"))
        if section == "running_cost" and item is None:
            item = label_key(first)
        unit = None
        if unit_kind == "count":
            unit = COUNT_UNITS["equipment"] if item == "equipment_over_1m" else COUNT_UNITS["vehicles"]
        em.emit(ln, value_col, row_label=first, row_no=_int(ln.cell(rowno_col)), row_role="item",
                section=section, item=item, column_label=value_label,
                column_code=column_codes().get((t.table_code, value_label), "value"), unit=unit)


# ---------------------------------------------------------------- listings (project, procurement, target tables)

_WORDS = re.compile(r"[\u4e00-\u9fff]")


def _parse_listing(t: Table, em: _Emitter) -> None:
    """Rows named by a label (a project, a procurement item, a subject) and amount columns named by
    header words (the lines above the first amount): each amount printed under a header lands at
    (row label, column). A row printing amounts without a label continues the label above it."""
    first = next((i for i, ln in enumerate(t.body)
                  if any(amount_like(c.text) and not _CODE.match(squash(c.text)) for c in ln.cells if c.col > 0)), None)
    if first is None:
        if t.note or sum(1 for ln in t.body if len([x for x in ln.texts if x.strip()]) >= 2) >= 2:
            # a targets table in words, a header printed over no row, 本表无数据: the table is
            # recognised, no amount lands (a 目录 entry has prose under it, not rows of cells)
            return
        raise DocumentError("parse", f"{t.title}: no amount printed under the title (line {t.title_line.lineno})")
    header = [ln for ln in t.body[:first] if not _is_numbering(ln, 0)][-3:]
    width = max(ln.width for ln in t.body)
    labels = _header_labels(header, 1, width) if header else {}
    label = ""
    for ln in t.body[first:]:
        texts = [c for c in ln.cells if squash(c.text) and not amount_like(c.text)]
        code = squash(ln.cell(0)) if _CODE.match(squash(ln.cell(0))) else None
        if texts:  # the first cell that says something in words (not a serial number `A`, `1`)
            label = next((c.text.strip() for c in texts if _WORDS.search(c.text)), texts[0].text.strip())
        for c in ln.cells:
            if c.col not in labels or not amount_like(c.text) or (code and c.col == 0):
                continue
            path, leaf = labels[c.col]
            em.emit(ln, c.col, row_label=label, row_role="subject" if code else "item", subject_code=code,
                    subject_name=label if code else None, column_label=path,
                    column_code=_column_code(t, path, leaf))


_LAYOUTS = {
    "listing": _parse_listing,
    "two_sided": _parse_two_sided,
    "subject": _parse_subject,
    "basic_detail": _parse_basic_detail,
    "three_public": _parse_three_public,
    "stats": _parse_stats,
}

def narrative_lines(doc: SourceDoc, tables: list[Table]) -> list[Line]:
    """The lines outside every table (title, header and body): the 说明 and the cover."""
    inside = {id(ln) for t in tables for ln in (t.title_line, *t.meta_lines, *t.body)}
    return [ln for ln in doc.nonblank() if id(ln) not in inside]


def parse_final_accounts(doc: SourceDoc, kind: str = "final_accounts") -> ParsedFinalAccounts:
    """The tables of a 决算 (kind final_accounts) or a 预算 (kind budget) document and its 说明.

    A budget table that cannot be read in its layout is read as a listing, and failing that is left
    with a warning (a budget document is not quarantined for one table). A budget document whose
    tables print no figure at all is a blank template: its tables are recorded, no cell lands."""
    tables = find_tables(doc)
    if not tables:
        # a 决算 说明 published alone (a web page, a 三公 note): its figures, no tables
        figures = narrative.parse_narrative(doc, doc.nonblank(), narrative.narrative_year(doc.nonblank()), kind)
        if not figures:
            raise DocumentError("parse", "no final-accounts table (收入支出决算总表 …) and no figure in a 说明 was found")
        year = narrative.narrative_year(doc.nonblank())
        return ParsedFinalAccounts(unit_from_cover(doc, kind), year, "万元", [], [], figures, [],
                                   narrative.publication_defects(doc, doc.nonblank(), year, kind))
    warnings: list[str] = []
    units = Counter(t.unit_name for t in tables if t.unit_name)
    years = Counter(t.fiscal_year for t in tables if t.fiscal_year)
    amount_units = Counter(t.amount_unit for t in tables if t.amount_unit)
    doc_unit = units.most_common(1)[0][0] if units else unit_from_cover(doc, kind)
    doc_year = years.most_common(1)[0][0] if years else _year_from_cover(doc)
    default_unit = amount_units.most_common(1)[0][0] if amount_units else "万元"
    cells: list[dict] = []
    table_records = []
    for t in tables:
        em = _Emitter(doc, t, t.amount_unit or default_unit)
        if t.amount_unit is None:
            warnings.append(f"{t.title}: no 金额单位 printed; assumed {default_unit}")
        try:
            _parse_table(t, em, kind)
        except DocumentError as e:
            if kind != "budget" and len(tables) > 1 and any(amount_like(x) for ln in t.body for x in ln.texts):
                raise
            # a title over words only (a 说明 heading naming the table), or a 说明 with one table
            # inside it that cannot be read (a 三公 note): the narrative still lands
            warnings.append(f"{t.title}: {e.reason}; no table landed (line {t.title_line.lineno})")
            continue
        cells.extend(em.records)
        body_lines = [ln.lineno for ln in t.body]
        table_records.append({
            "doc_id": doc.doc_id, "table_code": t.table_code, "table_title": t.title,
            "printed_table_no": t.printed_table_no, "unit_name": t.unit_name, "fiscal_year": t.fiscal_year,
            "amount_unit": t.amount_unit or default_unit, "note": t.note,
            "n_cells": len(em.records), "n_values": sum(1 for r in em.records if r["cell_state"] == VALUE),
            "page": t.title_line.page, "line_start": t.title_line.lineno,
            "line_end": max(body_lines) if body_lines else t.title_line.lineno,
            "source_ref": t.title_line.source_ref,
        })
    text = narrative_lines(doc, tables)
    figures = narrative.parse_narrative(doc, text, doc_year, kind)
    defects = narrative.publication_defects(doc, text, doc_year, kind) + narrative.header_defects(
        doc, [(t.title_line, t.fiscal_year, t.unit_name) for t in tables], doc_year, doc_unit)
    if kind == "budget" and _blank_template(table_records, cells):
        # an official form before it is filled in: its tables are recognised, nothing lands (the
        # 说明's XXX placeholders and sample sentences are the form's, not the unit's)
        warnings.insert(0, f"{BLANK_TEMPLATE}: {len(table_records)} budget tables recognised, no total printed in any; "
                           "no figure landed")
        cells, figures, defects = [], [], []
    if not table_records and not figures:
        raise DocumentError("parse", f"no {'budget' if kind == 'budget' else 'final-accounts'} table was found: only "
                                     "titles named in the text (" + "; ".join(warnings) + ")")
    return ParsedFinalAccounts(doc_unit, doc_year, default_unit, table_records, cells, figures, warnings, defects)


BLANK_TEMPLATE = "空白模板 blank template"
_TOTAL_ROLES = ("total", "current_total", "grand_total")


def _blank_template(table_records: list[dict], cells: list[dict]) -> bool:
    """Two tables or more recognised, and not one of their 合计/总计 rows prints an amount (a table
    that is filled in prints its totals; the form's sample subject rows 205 | 02 | 05 are no figures)."""
    return len(table_records) >= 2 and not any(c["cell_state"] == VALUE and c["row_role"] in _TOTAL_ROLES for c in cells)


def _parse_table(t: Table, em: _Emitter, kind: str) -> None:
    """The table in its layout; a budget table whose layout does not fit it, as a listing."""
    try:
        _LAYOUTS[t.layout](t, em)
    except DocumentError:
        if kind != "budget" or t.layout == "listing":
            raise
        em.records.clear()
        _parse_listing(t, em)


def _year_from_cover(doc: SourceDoc) -> int | None:
    for ln in split_pipes(doc.nonblank())[:30]:
        m = re.search(r"(20\d{2})\s*年度?", ln.text) or re.search(r"(20\d{2})\s*(?:部门|单位)?决算", ln.text)
        if m:
            return int(m.group(1))
    return None


# a cover or page title: `上海市普陀区财政局2024年度部门决算`, `2016年<单位名称>部门决算` (year before the name),
# `X中心2023年度一般公共预算财政拨款“三公”经费支出决算`; never a sentence
_COVER_TITLES = {kind: re.compile(r"^([^,，。:：;；()（）]*?)(20\d{2})(?:年度?)?([^,，。:：;；()（）]*?)" + word + r"(?:报告|公开)?$")
                 for kind, word in (("final_accounts", "决算"), ("budget", "预算(?:信息)?(?:公开)?(?:说明)?"))}


_NAME_PART = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}$")
_NAME_END = re.compile(r"(?:局|委员会|委|办公室|办|院|中心|厅|部|会|所|站|队|馆|校|园|社|处|室|政府|街道|镇|乡|馆|）|\))$")


def _name_above(lines: list[Line], i: int) -> str:
    """The unit name printed above the cover title, possibly wrapped over two lines
    (`上海市普陀区` / `财政局`): the line above, joined to the one before it when that one does
    not end like a unit name and sits on the same page."""
    def part(k: int) -> str | None:
        if k < 0 or title_of(lines[k]) or lines[k].page != lines[i].page:
            return None
        text = lines[k].squashed
        return text if _NAME_PART.match(text) and not re.search(r"项目|单位|目录", text) else None
    last = part(i - 1)
    if last is None:
        return ""
    first = part(i - 2)
    return first + last if first and not _NAME_END.search(first) else last


def unit_from_cover(doc: SourceDoc, kind: str = "final_accounts") -> str | None:
    """The unit named on the cover when no table prints 部门名称 (上海: `上海市普陀区财政局` over
    `2024年度部门决算`, or both on one line; or after the year: `2016年X小学部门决算`)."""
    lines = split_pipes(doc.nonblank())[:40]
    if kind == "budget" and (named := _named_before_tables(lines)):
        return named
    for i, ln in enumerate(lines):
        m = _COVER_TITLES[kind].match(ln.squashed)
        if not m or (kind == "budget" and re.search(r"[\d表]", m.group(1) + m.group(3))):
            continue  # a budget's 目录 line (`表9 2019年…预算…表 是 本单位无…预算`) is no cover
        name = m.group(1)
        after = re.sub(r"(?:部门|单位)$", "", m.group(3))
        if not name and after and not re.search(r"预算|财政|三公|经费|支出|收入", after):
            name = after
        if not name:
            name = _name_above(lines, i)
        name = label_key(re.sub(r"^第[一二三四五六七八九十]+部分", "", name))
        if name:
            return name
    # no cover: a heading or the first sentence that opens with the unit's name and the year
    # (`X局2019年度一般公共预算财政拨款“三公”经费…`)
    for ln in lines:
        m = _NAME_THEN_YEAR.match(ln.squashed)
        if m:
            return m.group(1)
    if kind == "budget":
        return _budget_cover_unit(lines)
    return None


def _named_before_tables(lines: list[Line]) -> str | None:
    """`部门名称：…` printed before the first table (西安 报表: on the cover, not over each table)."""
    for ln in lines:
        if title_of(ln):
            break
        if (m := _UNIT_NAME.match(ln.text.strip())) and _NAME_END.search(squash(m.group(1))):
            return squash(m.group(1))
    return None


def _budget_cover_unit(lines: list[Line]) -> str | None:
    """A budget's cover printed over several lines (`2026年度` / `X市X局` / `部门预算`), read as
    one title; a name in brackets before the year (`X市X局（汇总）2026年预算公开`)."""
    for i in range(len(lines)):
        for n in (2, 3):
            window = lines[i:i + n]
            if len(window) < n or len({ln.page for ln in window}) > 1 or any(len(ln.squashed) > 30 for ln in window):
                continue
            m = _COVER_TITLES["budget"].match("".join(ln.squashed for ln in window))
            after = re.sub(r"(?:部门|单位)$", "", m.group(3)) if m else ""
            name = (m.group(1) or after) if m else ""
            if name and _NAME_END.search(name):
                return label_key(name)
    for ln in lines:
        if m := _BRACKETED_NAME_COVER.match(ln.squashed):
            return m.group(1)
    return None


_BRACKETED_NAME_COVER = re.compile(r"^([\u4e00-\u9fff]{2,30}（[\u4e00-\u9fff]{1,6}）)20\d{2}年度?(?:部门|单位)?预算(?:信息)?公开")


_NAME_THEN_YEAR = re.compile(r"^([\u4e00-\u9fff（）]{2,40}?(?:局|委员会|委|办公室|办|院|中心|厅|会|所|站|队|馆|校|园|社|处|室|政府))"
                             r"20\d{2}年度?")
