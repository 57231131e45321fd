"""Performance-evaluation forms of any layout, read by their words (vocabulary: seeds/eval_vocabulary.csv).

A form (项目支出绩效自评表, 绩效目标自评表, 部门整体支出绩效自评表, 绩效目标表, 绩效评价表 …) is found by
its title, or — when the title is cut off — by its funds or indicator header. Fields are found by
label wherever they sit (项目名称 | X, or 项目名称:X); the funds block and the indicator table by
their header words, each column mapped to a field by its words, never by its position.

The text arrives in many shapes. `logical_rows` rebuilds the rows of the printed table from a
line being one cell or many: pipe rows closed by a run of `|`, one cell per line ending in ` |`,
one cell per line separated by blank lines (a longer run of blank lines ends the row), tab or
space separated cells. A row with fewer values than columns is placed only where the value kinds
and the form's identities (执行率 = 执行数/预算数, 得分 = 分值 × 执行率) make the placement unique; else
the row lands unaligned with its values NULL. A funds row fused into one run of digits
(`202010100.00%10`) is segmented the same way: only when exactly one segmentation satisfies them.

The forms the layout-specific parsers (evaluation_province, …) already read are left to them.
"""
from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache

from loaders import placement
from loaders.model import Line, SourceDoc, squash
from loaders.numbers import UNIT_TO_WAN, normalize, parse_amount, to_wan
from loaders.parsers.indicators import (FORM_YEAR, EvaluationRecords, count_record, evaluation_record, fund_record,
                                        grade_of, indicator_record, num, parse_value, printed_json, score_item_record)
from loaders.reference import _rows

FORM = "general"

# ---------------------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Vocab:
    titles: tuple[tuple[str, str], ...]  # (word, scope)
    fields: dict[str, str]
    funds_cols: dict[str, str]
    funds_rows: dict[str, str]
    funds_stop: tuple[str, ...]
    ind_cols: dict[str, str]
    levels: dict[str, str]
    ind_stop: tuple[str, ...]
    summary: dict[str, str]
    targets_cols: dict[str, str]
    targets_items: dict[str, str]
    count_sections: tuple[str, ...]
    count_units: tuple[str, ...]


_BRACKET = re.compile(r"[（(][^（()）]{0,12}[)）]")
# the column's number and formula printed after a header word: 小计③=①+② , 支出实现率⑤=④/③
_FORMULA = re.compile(r"(?<=.)[①-⑳](?:[=＝][①-⑳+\-/×*÷]+)?$")


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """How a printed label is compared with the vocabulary: no whitespace, no trailing colon,
    half-width brackets, bracketed notes ((A), (万元), (20分), (B/A)) dropped."""
    s = normalize(_FORMULA.sub("", squash(text))).replace("（", "(").replace("）", ")")
    return _BRACKET.sub("", s).strip(":：*★")


@lru_cache(maxsize=None)
def vocab() -> Vocab:
    rows = _rows("eval_vocabulary.csv")

    def pick(block: str) -> list[tuple[str, str]]:
        return [(key(r["word"]), r["field"]) for r in rows if r["block"] == block]

    return Vocab(titles=tuple(sorted(((normalize(squash(w)).replace("（", "(").replace("）", ")"), f)
                                      for w, f in [(r["word"], r["field"]) for r in rows if r["block"] == "form_title"]),
                                     key=lambda t: -len(t[0]))),
                 fields=dict(pick("field")), funds_cols=dict(pick("funds_col")), funds_rows=dict(pick("funds_row")),
                 funds_stop=tuple(w for w, _ in pick("funds_stop")), ind_cols=dict(pick("ind_col")),
                 levels=dict(pick("level")), ind_stop=tuple(w for w, _ in pick("ind_stop")),
                 summary=dict(pick("summary")), targets_cols=dict(pick("targets_col")),
                 targets_items=dict(pick("targets_item")),
                 count_sections=tuple(w for w, _ in pick("count_section")),
                 count_units=tuple(sorted((w for w, _ in pick("count_unit")), key=len, reverse=True)))


@lru_cache(maxsize=None)
def report_headings() -> tuple[str, ...]:
    """Words that make a document a prose 绩效评价报告 when its heading (first lines) says them, not
    elsewhere (`2022年度…项目支出绩效评价结果`; a 说明's section 绩效评价结果 is no report)."""
    return tuple(normalize(squash(r["word"])) for r in _rows("eval_vocabulary.csv") if r["block"] == "report_heading")


def is_report_heading(text: str) -> bool:
    s = normalize(squash(text))
    return any(w in s for w in report_headings())


# ---------------------------------------------------------------------------------------- rows

@dataclass
class Row:
    raw: list[str]  # the cells as printed, blank ones kept (a blank cell holds its column's place)
    line: Line  # the first line of the row (provenance)
    last: Line

    @cached_property  # a row's cells are never changed once it is built (a split row is a new Row)
    def cells(self) -> list[str]:
        return [c for c in self.raw if c]

    @cached_property
    def text(self) -> str:
        return "".join(self.cells)


def _parts(line: Line) -> list[str]:
    """The line's cells, each further split on `|` (whether or not the reader split on it)."""
    out: list[str] = []
    for c in line.cells:
        out.extend(c.text.split("|"))
    return out or [""]


def _closes_row(parts: list[str]) -> bool:
    """A line ending in a run of `|` (two or more) closes a row."""
    return len(parts) >= 3 and not parts[-1].strip() and not parts[-2].strip()


def _tab_cell(line: Line) -> bool:
    """A line that is one tab-indented table cell (`\tX`, or `\t` for a blank cell)."""
    return len(line.cells) == 2 and not line.cells[0].text and "|" not in line.cells[1].text


def _tab_cell_rows(lines: list[Line]) -> list[Row]:
    """A Word table converted one cell per line, each cell indented by a tab: the consecutive tab-indented
    lines are one row, a blank tab-indented line a blank cell holding its column's place; a line without
    the tab ends the row (an empty one), or is a row of its own (text)."""
    rows: list[Row] = []
    run: list[Line] = []

    def close():
        cells = [ln.cells[1].text.strip() for ln in run]
        while cells and not cells[-1]:
            cells.pop()
        if any(cells):
            rows.append(Row(cells, run[0], run[-1]))
        run.clear()

    for ln in lines:
        if _tab_cell(ln):
            run.append(ln)
            continue
        if run:
            close()
        if not ln.is_blank:
            rows.append(Row([t.strip() for t in ln.texts], ln, ln))
    if run:
        close()
    return rows


def logical_rows(lines: list[Line]) -> list[Row]:
    piped = sum(1 for ln in lines if "|" in "".join(ln.texts))
    nonblank = sum(1 for ln in lines if not ln.is_blank) or 1
    tabbed = sum(1 for ln in lines if _tab_cell(ln))
    if not piped and tabbed >= 0.5 * sum(1 for ln in lines if ln.cells and "".join(ln.texts)) and tabbed >= 20:
        return _tab_cell_rows(lines)
    if len(lines) - nonblank < 0.1 * len(lines) and piped / nonblank < 0.3:
        # no pipes and (almost) no blank lines (PDF, Word, sheets): each line is a row
        return [Row([t.strip() for t in ln.texts], ln, ln) for ln in lines if not ln.is_blank]
    rows: list[Row] = []
    cells: list[str] = []
    first: Line | None = None
    prev: Line | None = None
    pending = ""  # text of a cell continued over lines

    def close():
        nonlocal cells, first, pending
        if pending.strip():
            cells.append(pending.strip())
        pending = ""
        while cells and not cells[-1]:
            cells.pop()
        if any(cells) and first is not None:
            rows.append(Row(cells, first, prev or first))
        cells, first = [], None

    if piped / nonblank >= 0.3:
        for ln in lines:
            parts = _parts(ln)
            if all(not p.strip() for p in parts):
                if len(parts) >= 3 or (len(parts) <= 1 and pending == "" and not cells):
                    close()
                elif len(parts) == 2:  # a lone "|" ends the pending cell, or is a blank cell
                    cells.append(pending.strip())
                    pending = ""
                continue
            if "|" not in "".join(ln.texts) and len(parts) >= 2 and sum(1 for p in parts if p.strip()) >= 2:
                close()  # cells split by the reader (tabs, PDF columns): a row of its own
                first = prev = ln
                cells = [p.strip() for p in parts]
                close()
                continue
            if not parts[0].strip() and sum(1 for p in parts if p.strip()) >= 2:
                close()  # "| a | b |": a row of its own, the leading pipe opens it
                parts = parts[1:]
            first = first or ln
            prev = ln
            if len(parts) == 1:  # no pipe: a cell's text, maybe continued on the next line
                pending += parts[0].strip()
                continue
            pending += parts[0].strip()
            cells.append(pending.strip())
            cells.extend(p.strip() for p in parts[1:-1])
            pending = parts[-1].strip()
            if _closes_row(parts):
                close()
        close()
        return rows
    # no pipes: cells separated by blank lines, rows by a longer run of blank lines; a line with
    # several cells (tabs, runs of spaces) is a row of its own
    blanks = 0
    for ln in lines:
        texts = [t.strip() for t in ln.texts if t.strip()]
        if not texts:
            blanks += 1
            continue
        if blanks >= 3 or len(texts) >= 2:
            close()
        blanks = 0
        first = first or ln
        prev = ln
        if len(texts) >= 2:
            cells.extend(texts)
            close()
        else:
            cells.append(texts[0])
    close()
    return rows


# ---------------------------------------------------------------------------------------- values

_DASH = {"—", "-", "－", "——", "--", "/", "─", "－－", "一"}
_AMOUNT_SUFFIX = re.compile(r"(万元|万|元)$")


def _dec(text: str) -> Decimal | None:
    a = parse_amount(text)
    return a.value if a.is_value else None


def is_dash(text: str) -> bool:
    return normalize(text) in _DASH


def amount_of(text: str) -> Decimal | None:
    s = normalize(text).replace(" ", "")
    s = _AMOUNT_SUFFIX.sub("", s)
    return _dec(s)


def is_valueish(text: str) -> bool:
    """A funds cell: a number (with %, or a 万/元 suffix) or a dash."""
    s = normalize(text).replace(" ", "")
    return is_dash(s) or amount_of(s) is not None or (s.endswith("%") and _dec(s[:-1]) is not None)


def _pct(text: str) -> bool:
    return normalize(text).strip().endswith("%")


# ---------------------------------------------------------------------------------------- funds

_AMOUNT_FIELDS = ("budget_initial_wan", "budget_full_year_wan", "funds_received_wan", "executed_wan", "adjustment_wan",
                  "balance_wan")
_POINT_FIELDS = ("execution_weight", "execution_score")
_RATE_FIELDS = ("execution_rate_pct", "funds_received_rate_pct")
SKIP = "-"  # a column the warehouse does not hold (资金结余率): it keeps its place, its value is not landed
ROW_NO = "row_no"  # the 行次 column: a row's number, never an amount


def _type_ok(fld: str, text: str) -> bool:
    if is_dash(text) or fld == SKIP:
        return True
    if fld == ROW_NO:
        return normalize(text).strip().isdigit()
    if fld in _AMOUNT_FIELDS:
        return not _pct(text) and amount_of(text) is not None
    v = num(text)
    if v is None:
        return False
    if fld in _RATE_FIELDS:
        return 0 <= v <= 1000
    return not _pct(text) and 0 <= v <= 100 and amount_of(text) == v  # weight / score: plain points


def _identities(m: dict[str, str], weight: Decimal | None) -> int | None:
    """Number of identities checked and held; None when one is violated."""
    held = 0
    full = amount_of(m.get("budget_full_year_wan", "") or "") or None
    exe = amount_of(m.get("executed_wan", "") or "")
    rate = num(m.get("execution_rate_pct")) if m.get("execution_rate_pct") and not is_dash(m["execution_rate_pct"]) else None
    w = num(m.get("execution_weight")) if m.get("execution_weight") and not is_dash(m["execution_weight"]) else weight
    s = num(m.get("execution_score")) if m.get("execution_score") and not is_dash(m["execution_score"]) else None
    if full and exe is not None and rate is not None:
        if abs(exe / full * 100 - rate) > Decimal("0.6"):
            return None
        held += 1
    got = amount_of(m.get("funds_received_wan", "") or "")
    got_rate = num(m.get("funds_received_rate_pct")) if m.get("funds_received_rate_pct") and \
        not is_dash(m["funds_received_rate_pct"]) else None
    if full and got is not None and got_rate is not None:  # 预算到位 = 到位资金 / 预算
        if abs(got / full * 100 - got_rate) > Decimal("0.6"):
            return None
        held += 1
    if w is not None and rate is not None and s is not None:
        if abs(w * min(rate, Decimal(100)) / 100 - s) > Decimal("0.6") and abs(w * rate / 100 - s) > Decimal("0.6"):
            return None
        held += 1
    if w is not None and s is not None and s > w:
        return None
    return held


def place(values: list[str], cols: list[str], weight: Decimal | None = None) -> dict[str, str] | None:
    """field -> printed value for a funds row, or None when no unique placement exists."""
    if not values:
        return {}
    if len(values) == len(cols) and all(_type_ok(f, v) for f, v in zip(cols, values)):
        return {f: v for f, v in zip(cols, values) if not is_dash(v)}
    amounts = [f for f in cols if f not in _POINT_FIELDS]
    if len(values) == len(amounts) < len(cols) and all(amount_of(v) is not None and _type_ok(f, v)
                                                        for f, v in zip(amounts, values)):
        # a source line printing every amount column and no points (分值/得分 only on the total line)
        return {f: v for f, v in zip(amounts, values) if not is_dash(v)}
    if len(values) > len(cols):
        return None
    # a column may appear twice (SKIP): placed by position, each position a column of its own
    slots = [placement.Column(str(i), lambda t, f=f: _type_ok(f, t)) for i, f in enumerate(cols)]
    cands = []
    for p in placement.candidates(values, slots, [lambda p: _identities({cols[int(i)]: t for i, t in p.items()},
                                                                        weight) is not None]):
        m = {cols[int(i)]: t for i, t in sorted(p.items(), key=lambda it: int(it[0]))}
        cands.append((_identities(m, weight), {f: v for f, v in m.items() if not is_dash(v)}))
    if not cands:
        return None
    best = max(h for h, _ in cands)
    top = [m for h, m in cands if h == best]
    if all(m == top[0] for m in top):
        return top[0]
    every = [m for _, m in cands]
    if all(m == every[0] for m in every):
        return every[0]
    return None


_NUMTOK = re.compile(r"\d+(?:\.\d+)?%?")


_FUSED_TOKEN = re.compile(r"(?:0|[1-9]\d*)(?:\.\d{1,6})?%?")
_FUSED_PREFIX = re.compile(r"(?:0|[1-9]\d*)\.?")


def segment_fused(run: str, cols: list[str], weight: Decimal | None = None) -> dict[str, str] | None:
    """Split a run of digits printed without separators ("202010100.00%10") into the header's
    columns in order; only a segmentation that is the only one to satisfy the value kinds and the
    identities (with every rate and score checkable) is returned."""
    run = normalize(run).replace(" ", "")
    if len(run) > 40:
        return None
    sols: list[dict[str, str]] = []

    # from the right: the score, rate and weight come last and their identity prunes early
    def rec(end: int, ci: int, acc: dict[str, str]):
        if len(sols) > 50:
            return
        if end == 0:
            if ci < 0 and _identities(acc, weight) == _checks_possible(acc, weight):
                sols.append(dict(acc))
            return
        if ci < 0:
            return
        for start in range(end - 1, -1, -1):
            tok = run[start:end]
            if not _FUSED_TOKEN.fullmatch(tok) or (start > 0 and run[start - 1] == "."):
                continue
            if tok.endswith("%") is False and end < len(run) and run[end] == "%":
                continue  # a number followed by % is one token with it
            m = {**acc, cols[ci]: tok}
            if _type_ok(cols[ci], tok) and _identities(m, weight) is not None:
                rec(start, ci - 1, m)  # an identity broken by the values so far: pruned

    rec(len(run), len(cols) - 1, {})
    if len(sols) > 1:
        # the amounts of one printed row carry the same number of decimals: 2456.18|2456.18|2456.18,
        # never 2456.1|82456.1|82456.18
        def decimals(m):
            return {len(m[f].partition(".")[2]) for f in _AMOUNT_FIELDS if f in m}
        sols = [m for m in sols if len(decimals(m)) <= 1]
    return sols[0] if len(sols) == 1 else None


def _checks_possible(m: dict[str, str], weight: Decimal | None) -> int:
    n = 0
    if m.get("budget_full_year_wan") and m.get("executed_wan") and m.get("execution_rate_pct"):
        n += 1
    if (m.get("execution_weight") or weight is not None) and m.get("execution_rate_pct") and m.get("execution_score"):
        n += 1
    return n if n else -1  # nothing checkable: never unique


def _funds_header(row: Row, nxt: Row | None = None) -> list[tuple[int, str]] | None:
    """The funds header's columns (cell index, field), or None. A header whose amount columns are
    on the row below (`nxt`, a two-row header) needs only some of its words on this row."""
    v = vocab()
    hits = [(i, v.funds_cols[key(c)]) for i, c in enumerate(row.cells) if key(c) in v.funds_cols]
    flds = {f for _, f in hits}
    if len(hits) >= 2 and flds & {"budget_full_year_wan", "budget_initial_wan"} and "executed_wan" in flds:
        return hits
    if hits and nxt is not None and _funds_subheader(nxt):
        return hits
    return None


def _funds_subheader(row: Row) -> list[tuple[int, str]] | None:
    """The second row of a two-row funds header: every cell a funds column word."""
    v = vocab()
    hits = [(i, v.funds_cols.get(key(c))) for i, c in enumerate(row.cells)]
    if len(hits) >= 3 and all(f for _, f in hits):
        return hits
    return None


_POINTS = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_UNIT_NOTE = re.compile(r"[（(]\s*(万元|元|千元|亿元)\s*[)）]")


def _wan(text: str, scale: Decimal) -> Decimal | None:
    """An amount in 万元: a unit printed in the cell (150万, 20万元, 500元) wins over the block's."""
    a = amount_of(text)
    if a is None:
        return None
    m = _AMOUNT_SUFFIX.search(normalize(text).replace(" ", ""))
    return a * (UNIT_TO_WAN["元"] if m and m.group(1) == "元" else Decimal(1) if m else scale)


def _fund_source(label: str) -> str:
    k = key(label)
    return "total" if k in vocab().funds_rows else k


def _fund_row(seq: int, label: str, line: Line, values: list[str], cols: list[str], weight: Decimal | None,
              scale: Decimal, warnings: list[str], fused: bool = False) -> dict:
    source = _fund_source(label)
    while values and not values[-1]:
        values.pop()
    if cols and cols[0] == ROW_NO:  # the row's 行次 printed before its values: never an amount
        cols = cols[1:]
        values = [t for t in values if t]
        if values and _type_ok(ROW_NO, values[0]):
            values = values[1:]
    if not fused and len(values) == len(cols) and all(_type_ok(f, t) for f, t in zip(cols, values) if t):
        m = {f: t for f, t in zip(cols, values) if t and not is_dash(t)}  # one value per column: in order
        values = [t for t in values if t]
    else:
        values = [t for t in values if t]
        m = None
    m = m if m is not None else (segment_fused(values[0], cols, weight) if fused else place(values, cols, weight if source == "total" else None))
    printed: dict = {}
    amounts: dict = {}
    if m is None:
        warnings.append(f"line {line.lineno}: funds row {squash(label)!r}: {len(values)} values could not be placed "
                        f"under the {len(cols)} columns with certainty; landed unaligned")
        printed["unaligned"] = " ".join(values)
    else:
        for f, t in m.items():
            if f == SKIP:
                continue
            printed[f] = t
            if f in _AMOUNT_FIELDS:
                amounts[f] = _wan(t, scale)
            else:
                amounts[f] = num(t)
        printed["alignment"] = "fused" if fused else ("order" if len(values) == len(cols) else "identities")
    if source == "total" and amounts.get("execution_weight") is None and weight is not None:
        amounts["execution_weight"] = weight
    return fund_record(seq=seq, line=line, fund_source=source, fund_label=label, printed=printed, **amounts)


NOTE = "\x00"  # marks text printed after a row's values in the same cell (a 佐证材料 column's note)


def _split_cell(cell: str) -> list[str]:
    """A cell holding several space-separated cells of a funds block (a text layer that joined them
    with single spaces): `行次 全年预算数` (header words) -> two cells; `年度资金总额(万元): 1 52.800000`
    -> the label, then one cell per value; text after the values (a 佐证材料 note) is a cell of its
    own. A cell that reads as one value (`9746. 50`) or one word is kept whole."""
    toks = cell.split()
    if len(toks) < 2 or is_valueish(cell):
        return [cell]
    v = vocab()
    if all(key(t) in v.funds_cols for t in toks):
        return toks
    if not any(is_valueish(t) for t in toks):
        return [cell]
    out: list[str] = []
    words: list[str] = []
    for t in toks:
        if is_valueish(t):
            if words:
                out.append(" ".join(words))
                words = []
            out.append(t)
        else:
            words.append(t)
    if words:
        out.append(NOTE + " ".join(words) if out and is_valueish(out[-1]) else " ".join(words))
    return out


def _split_row(row: Row) -> Row:
    raw = [p for c in row.raw for p in (_split_cell(c) if c else [c])]
    return row if raw == row.raw else Row(raw, row.line, row.last)


def _one_column_per_field(cols: list[str]) -> list[str]:
    """Two columns mapped to one field (全年预算数(A) and 扣除统筹整合资金后预算金额(C)): the later one
    holds it — the figure the form's rates are computed on (预算执行 = E/C) — the earlier keeps its
    place unlanded."""
    return [SKIP if f != SKIP and f in cols[i + 1:] else f for i, f in enumerate(cols)]


def parse_funds(rows: list[Row], warnings: list[str], items: list[dict] | None = None) -> tuple[list[dict], int]:
    """Funds rows after the first funds header; returns (rows, index of the row after the block).
    `items`: where the block's printed points (预算执行情况(20分)) land as a score item."""
    v = vocab()
    rows = [_split_row(r) for r in rows]
    for hi, row in enumerate(rows):
        hits = _funds_header(row, rows[hi + 1] if hi + 1 < len(rows) else None)
        if hits is not None:
            break
    else:
        # the funds' structures printed whole first, then a block flattened into runs or one line
        return (_grouped_funds(rows) or _pair_funds(rows) or _measure_rows_funds(rows) or _fused_funds(rows, warnings)
                or _flat_funds(rows, warnings)), 0
    cols = [f for _, f in hits]
    first_i, last_i = hits[0][0], hits[-1][0]
    sub_hits = _funds_subheader(rows[hi + 1]) if hi + 1 < len(rows) else None
    if sub_hits:
        # a header over two rows: group words (预算安排/拨付情况 …) over the amount columns on the second
        # row; the columns printed on the first row only (分值, 得分) come after them
        cols = [f for _, f in sub_hits] + cols
        hi += 1
        row = rows[hi]
        first_i, last_i = sub_hits[0][0], sub_hits[-1][0]
    cols = _one_column_per_field(cols)
    before = " ".join(row.cells[:first_i])
    ctx = " ".join(r.text for r in rows[max(0, hi - 2):hi + 1])
    weight = None
    if m := _POINTS.search(normalize(before)):
        weight = Decimal(m.group(1))
        if items is not None:  # the block's printed points (预算执行情况(万元)(20分)), as the indicator groups' are
            label = squash(_BRACKET.sub("", _POINTS.sub("", normalize(before)).replace("（", "(").replace("）", ")")))
            items.append(score_item_record(seq=len(items) + 1, line=row.line, section=label or None,
                                           criterion=label or None, sub_criterion=None, weight=m.group(1), score=None))
    scale = Decimal(1)
    if m := _UNIT_NOTE.search(normalize(ctx)):
        scale = UNIT_TO_WAN[m.group(1)]
    # tokens after the header: a label starts a funds row, values attach to it
    tail = row.cells[last_i + 1:]
    tokens: list[tuple[str, Line]] = [(c, row.line) for c in tail[next((i for i, c in enumerate(tail)
                                                                      if _fund_source(c) == "total" or key(c).startswith("其中")), len(tail)):]]
    end = len(rows)
    for j in range(hi + 1, len(rows)):
        r = rows[j]
        k0 = key(r.cells[0]) if r.cells else ""
        if any(k0.startswith(s) for s in v.funds_stop) or any(key(c) in ("一级指标", "三级指标") for c in r.cells):
            end = j
            break
        tokens.extend((c, r.line) for c in r.raw)
    out: list[dict] = []
    label: str | None = None
    line: Line | None = None
    values: list[str] = []

    def flush():
        if label is not None:
            out.append(_fund_row(len(out) + 1, label, line, values, cols, weight, scale, warnings))

    # a text column after the amount columns (佐证材料): text printed after a row's values is its note
    notes = any(key(c) and not is_valueish(c) and key(c) not in v.funds_cols and _fund_source(c) != "total"
                for c in tail[:next((i for i, c in enumerate(tail) if _fund_source(c) == "total"), 0)])
    for text, ln in tokens:
        if text.startswith(NOTE):
            if notes:
                continue
            text = text[len(NOTE):]
        if not text or (is_valueish(text) and not re.match(r"^[①-⑳]", text.strip())):
            if label is not None:
                values.append(text)
            continue
        if key(text) in v.funds_cols or not key(text):
            continue  # a header word, or a unit note wrapped from the header cell: （万元）
        flush()
        label, line, values = text, ln, []
    flush()
    _parents(out)
    return out, end


_ROW_MARK = re.compile(r"^[(（]\d+[)）](?:[=＝].*)?$")  # a 行次 cell: (3), (5)=(3)-(4)
_SUBTOTAL = ("小计", "合计")


def _source_columns(head: Row, sub: Row | None, start: int) -> list[tuple[str, str | None]]:
    """(column name, group) of each column after `start` of a header whose group cells (财政资金)
    span the sub-header's cells (小计 | 中央级 | 省级 …) printed on the row below; a group's 小计 column
    is named after the group (财政资金小计)."""
    out: list[tuple[str, str | None]] = []
    j = start
    for top in head.raw[start:]:
        if sub is not None and j < len(sub.raw) and sub.raw[j]:
            group = key(top)
            while j < len(sub.raw) and sub.raw[j]:
                word = key(sub.raw[j])
                out.append((group + word if word in _SUBTOTAL else word, group))
                j += 1
        else:
            out.append((key(top), None))
            j += 1
    return out


def _measure_rows_funds(rows: list[Row]) -> list[dict]:
    """A funds table turned the other way: one row a measure (年初预算资金 | (1) | …, 资金结余 |
    (5)=(3)-(4) | …, named by the funds vocabulary, its 行次 printed after it) and one column a source of
    funds, named by the header (年度总金额 | 财政资金 (小计 | 中央级 | …) | 上年结转资金 | 其他资金). One
    eval_funds row per source column; a measure the warehouse does not hold keeps its printed text
    under its label and 行次; the sources under a group with a 小计 column add up into that 小计."""
    v = vocab()
    row_no = [w for w, f in v.funds_cols.items() if f == ROW_NO]
    for hi, head in enumerate(rows):
        if not any(w in c for c in head.raw for w in row_no):
            continue
        keys = [key(c) for c in head.raw]
        if ROW_NO not in [v.funds_cols.get(k) for k in keys]:
            continue
        start = [v.funds_cols.get(k) for k in keys].index(ROW_NO) + 1
        sub = rows[hi + 1] if hi + 1 < len(rows) and not any(rows[hi + 1].raw[:start]) else None
        data = []
        for r in rows[hi + 1 + (sub is not None):]:
            if len(r.raw) <= start or not _ROW_MARK.match(squash(r.raw[start - 1])):
                break
            data.append(r)
        fields = [v.funds_cols.get(key(r.raw[0])) for r in data]
        if not any(f in _AMOUNT_FIELDS for f in fields):
            continue
        cols = _source_columns(head, sub, start)
        scale = UNIT_TO_WAN[m.group(1)] if (m := _UNIT_NOTE.search(normalize(" ".join(head.raw)))) else Decimal(1)
        out = []
        for k, (name, group) in enumerate(cols):
            printed, amounts = {}, {}
            for r, f in zip(data, fields):
                text = r.raw[start + k] if start + k < len(r.raw) else ""
                if f in _AMOUNT_FIELDS + _RATE_FIELDS:
                    printed[f] = text
                    amounts[f] = _wan(text, Decimal(1) if f in _RATE_FIELDS else scale) if f in _AMOUNT_FIELDS \
                        else num(text)
                else:
                    printed[squash(r.raw[0]) + squash(r.raw[start - 1])] = text
            source = _fund_source(name)
            rec = fund_record(seq=k + 1, line=data[0].line, fund_source=source, fund_label=name, printed=printed,
                              **amounts)
            subtotal = next((n for n, g in cols if group and g == group and n != name
                             and n in [group + w for w in _SUBTOTAL]), None)
            rec["parent_source"] = None if source == "total" else subtotal or "total"
            out.append(rec)
        return out
    return []


def _parents(lines: list[dict]) -> None:
    """The line each funds line adds up into (PE-009): a 小计 line and the lines after it that are
    numbered (①中央财政资金) or start with 其中 add up into it; every other source into the total."""
    sub = None
    for f in lines:
        k = squash(f["fund_label"] or "")
        if f["fund_source"] == "total":
            sub = None
            continue
        if "小计" in k:
            f["parent_source"], sub = "total", f["fund_source"]
        elif sub and re.match(r"^(?:[①-⑳]|其中)", k):
            f["parent_source"] = sub
        else:
            f["parent_source"], sub = "total", None


def _fused_tail(run: str, cols: list[str]) -> tuple[dict[str, str], str] | None:
    """(rate/weight/score -> printed, the unread start of the run) when the header ends in an 执行率,
    分值 and 得分 column and exactly one split of the run's end into them satisfies the identity."""
    tail_cols = list(itertools.takewhile(lambda f: f in _POINT_FIELDS + _RATE_FIELDS, reversed(cols)))[::-1]
    if not {"execution_rate_pct", "execution_weight", "execution_score"} <= set(tail_cols):
        return None
    run = normalize(run).replace(" ", "")
    floor = max(1, len(run) - 24)  # a rate, a weight and a score take at most 24 characters
    sols: list[tuple[dict[str, str], str]] = []

    def rec(end: int, ci: int, acc: dict[str, str]):
        if len(sols) > 1:
            return
        if ci < 0:
            if end > 0 and _identities(acc, None) == 1 and all(num(t) for t in acc.values()):  # no 0: 0 × x = 0
                sols.append((dict(acc), run[:end]))
            return
        for start in range(end - 1, floor - 1, -1):
            tok = run[start:end]
            if not _FUSED_TOKEN.fullmatch(tok) or run[start - 1] == "." or (end < len(run) and run[end] == "%"):
                continue
            m = {**acc, tail_cols[ci]: tok}
            if _type_ok(tail_cols[ci], tok) and _identities(m, None) is not None:
                rec(start, ci - 1, m)

    rec(len(run), len(tail_cols) - 1, {})
    return sols[0] if len(sols) == 1 else None


def _tail_row(seq: int, label: str, line: Line, run: str, tail: tuple[dict[str, str], str]) -> dict:
    m, rest = tail
    printed = {**m, "unaligned": rest, "alignment": "fused"}
    return fund_record(seq=seq, line=line, fund_source=_fund_source(label), fund_label=label, printed=printed,
                       **{f: num(t) for f, t in m.items()})


@lru_cache(maxsize=None)
def _alternation(words: tuple[str, ...]) -> re.Pattern:
    """One pattern matching any of the words, in the order given (longest first: the longest wins)."""
    return re.compile("|".join(map(re.escape, words)))


def _fused_funds(rows: list[Row], warnings: list[str]) -> list[dict]:
    """Funds rows of a table flattened without separators: the header words in order, then each
    row label followed by its values run together."""
    v = vocab()
    words_re = _alternation(tuple(sorted(v.funds_cols, key=len, reverse=True)))
    for r in rows:
        # bracketed notes dropped as the vocabulary drops them: 全年(调整)预算数 is 全年预算数
        text = _BRACKET.sub("", normalize(r.text).replace("（", "(").replace("）", ")"))
        pos, cols, last = 0, [], None
        for m in words_re.finditer(text):
            if last is not None and not _BRACKET.fullmatch(text[last:m.start()]) and m.start() > last:
                if len(cols) >= 3:
                    break
                cols = []
            cols.append(v.funds_cols[m.group(0)])
            last = pos = m.end()
        # a column word printed again right before another one qualifies it (执行率 | 执行率权重 | 执行率得分:
        # the weight and the score of the rate): the repeat is not a column of its own
        cols = [f for i, f in enumerate(cols) if f not in cols[:i] or i + 1 == len(cols)]
        if len(cols) < 3 or "executed_wan" not in cols:
            continue
        rest = text[pos:]
        out = []
        labels = sorted(v.funds_rows, key=len, reverse=True)
        for m in re.finditer(rf"({'|'.join(map(re.escape, labels))}|其中[:：]?[^\d:：.]{{2,12}})[:：]?([\d.%]+)", rest):
            label, run = m.group(1), m.group(2)
            if _fund_source(label) != "total":
                # a source row may print fewer values: only its trailing rate, weight and score are
                # read, when one split of the run's end satisfies 得分 = 分值 × 执行率
                if (tail := _fused_tail(run, cols)) is not None:
                    out.append(_tail_row(len(out) + 1, label, r.line, run, tail))
                continue
            out.append(_fund_row(len(out) + 1, label, r.line, [run], cols, None, Decimal(1), warnings, fused=True))
        if out:
            return out
    return []


@lru_cache(maxsize=None)
def _funds_groups() -> tuple[dict[str, str], frozenset[str]]:
    """(group word -> field, source words) of a funds block printed as groups of source rows
    (预算资金 | 市级预算资金 | 15.00 … 实际支出资金 | 市级预算资金 | 15.00; 预算下达资金 | 15.00)."""
    rows = _rows("eval_vocabulary.csv")
    return ({key(r["word"]): r["field"] for r in rows if r["block"] == "funds_group"},
            frozenset(key(r["word"]) for r in rows if r["block"] == "funds_source"))


def _grouped_funds(rows: list[Row]) -> list[dict]:
    """Funds printed as groups (the budget by source, then the spending by source) with no column
    header: a group word (vocabulary funds_group) opens its group and holds on the rows below; a
    source word (funds_source) on a row takes the row's last amount into the field of the current
    group (the first printing of a source in a group wins); a group word that is a total (预算下达资金)
    is a line of its own. One line per source: its budget and its spending."""
    groups, sources = _funds_groups()
    v = vocab()
    start = next((i for i, r in enumerate(rows) if any(key(c) in groups for c in r.cells)), None)
    if start is None:
        return []
    group = None
    got: dict[str, dict[str, tuple[str, Line]]] = {}  # source -> field -> (printed, line)
    order: list[str] = []
    total: tuple[str, str, Line] | None = None
    for r in rows[start:]:
        k0 = key(r.cells[0]) if r.cells else ""
        if any(k0.startswith(w) for w in v.funds_stop):
            break
        texts = [key(c) for c in r.cells]
        amounts = [c for c in r.cells if parse_amount(c).is_value]
        amount = amounts[-1] if amounts else ""
        if (t := next((t for t in texts if groups.get(t) == "funds_received_wan"), None)) is not None:
            total = (t, amount, r.line)
            group = next((groups[x] for x in texts if x in groups and x != t), group)
            continue
        group = next((groups[x] for x in texts if x in groups), group)
        src = next((t for t in texts if t in sources), None)
        if src is None or group is None:
            continue
        if src not in got:
            got[src] = {}
            order.append(src)
        got[src].setdefault(group, (amount, r.line))
    out: list[dict] = []
    if total is not None:
        label, text, line = total
        out.append(fund_record(seq=1, line=line, fund_source="total", fund_label=label,
                               printed={"funds_received_wan": text}, funds_received_wan=_dec(text)))
    for src in sorted(order, key=lambda x: "budget_initial_wan" not in got[x]):
        fields = got[src]
        printed: dict = {f: t for f, (t, _) in fields.items()}
        if {"budget_initial_wan", "executed_wan"} <= fields.keys():
            printed["executed_line"] = fields["executed_wan"][1].lineno  # the line is the budget's
        line = (fields.get("budget_initial_wan") or next(iter(fields.values())))[1]
        out.append(fund_record(seq=len(out) + 1, line=line, fund_source=src, fund_label=src, printed=printed,
                               **{f: _dec(t) for f, (t, _) in fields.items()}))
    return out


@lru_cache(maxsize=None)
def _funds_pairs() -> tuple[dict[str, str], str | None]:
    """(label -> field, the line's label) of funds printed as label/value pairs (上年结转金额 (万元) |
    26.66 | 年初预算金额 (万元) | 22728.40 …): vocabulary funds_pair."""
    rows = [r for r in _rows("eval_vocabulary.csv") if r["block"] == "funds_pair"]
    return ({key(r["word"]): r["field"] for r in rows if r["field"] != "label"},
            next((r["word"] for r in rows if r["field"] == "label"), None))


def _pair_funds(rows: list[Row]) -> list[dict]:
    """One total funds line from label/value pairs printed anywhere in the form (the value in the
    cell after its label; the label's bracketed unit, else 万元)."""
    pairs, label = _funds_pairs()
    printed: dict[str, str] = {}
    values: dict[str, Decimal | None] = {}
    first = None
    for r in rows:
        for i, c in enumerate(r.cells[:-1]):
            fld = pairs.get(key(c))
            if fld is None:
                continue
            text = r.cells[i + 1]
            a = parse_amount(text)
            if not (a.is_value or a.state == "blank"):
                continue
            unit = _UNIT_NOTE.search(normalize(c))
            printed[fld] = text
            values[fld] = a.value if not unit or unit.group(1) == "万元" else to_wan(a.value, unit.group(1))
            first = first or r.line
    if first is None:
        return []
    return [fund_record(seq=1, line=first, fund_source="total", fund_label=label, printed=printed, **values)]


def _funds_identities(weight: Decimal | None = None) -> list:
    """The funds row's identities (执行率 = 执行数 / 预算数, 得分 = 分值 × 执行率, 0 <= 得分 <= 分值) as
    placement identities: False when the placement breaks one. 执行数 = 执行率 × 预算数 also holds
    for a budget of 0: no rate makes a positive 执行数 out of it."""
    def zero_budget(m: dict[str, str]) -> bool | None:
        full, exe = amount_of(m.get("budget_full_year_wan") or ""), amount_of(m.get("executed_wan") or "")
        if full is None or exe is None or num(m.get("execution_rate_pct")) is None:
            return None
        return not (full == 0 and exe != 0)

    return [lambda m: _identities(m, weight) is not None, zero_budget]


def _funds_columns(cols: list[str]) -> list[placement.Column]:
    return [placement.Column(f, lambda t, f=f: not is_dash(t) and _type_ok(f, t)) for f in cols]


def _flat_funds(rows: list[Row], warnings: list[str]) -> list[dict]:
    """The total line of a funds block flattened into one line of words and values (a sheet rendered
    in reading order, its merged header cells pushing words away from their values): the header words
    anywhere in the line (a word wrapped over two, 年初预算 数, is one), the total line's label before
    the values, then — after the last header word — its values, one per column, maybe out of column
    order. Landed only when exactly one placement keeps the kinds and the identities (in order first,
    else in any order); else landed unaligned with the values as printed."""
    v = vocab()
    for r in rows:
        toks = " ".join(r.cells).split()
        cols: list[str] = []
        label = None
        i = 0
        while i < len(toks):
            word = next(((key("".join(toks[i:i + n])), n) for n in (2, 1)
                         if i + n <= len(toks) and key("".join(toks[i:i + n])) in v.funds_cols), None)
            if word is not None and v.funds_cols[word[0]] not in cols:
                cols.append(v.funds_cols[word[0]])
                i += word[1]
                continue
            if label is None and _fund_source(toks[i]) == "total":
                label = toks[i]
            if is_valueish(toks[i]) and label is not None and "executed_wan" in cols and len(cols) >= 3 \
                    and {"budget_full_year_wan", "budget_initial_wan"} & set(cols):
                break
            i += 1
        else:
            continue
        cols = [f for f in cols if f not in (SKIP, ROW_NO)]
        values = list(itertools.takewhile(is_valueish, toks[i:]))[:len(cols)]
        columns, ids = _funds_columns(cols), _funds_identities()
        got = placement.place(values, columns, ids)
        alignment = "identities"
        if got.candidates == 0 and len(values) == len(cols):
            got, alignment = placement.place(values, columns, ids, ordered=False), "identities, out of order"
        if got.values is None:
            warnings.append(f"line {r.line.lineno}: funds row {label!r}: {len(values)} values could not be placed "
                            f"under the {len(cols)} columns ({got.why}); landed unaligned")
            return [fund_record(seq=1, line=r.line, fund_source="total", fund_label=label,
                                printed={"unaligned": " ".join(values)})]
        amounts = {f: (_wan(t, Decimal(1)) if f in _AMOUNT_FIELDS else num(t)) for f, t in got.values.items()}
        return [fund_record(seq=1, line=r.line, fund_source="total", fund_label=label,
                            printed={**got.values, "alignment": alignment}, **amounts)]
    return []


# ---------------------------------------------------------------------------------------- indicators

_COMPARATOR_WORDS = {"≥": ">=", "≧": ">=", "≤": "<=", "≦": "<=", "=": "=", "═": "=", ">": ">", "<": "<",
                     "＝": "=", "＞": ">", "＜": "<"}


def _ind_header(row: Row) -> list[tuple[int, str]] | None:
    v = vocab()
    hits = []
    for i, c in enumerate(row.cells):
        k = key(c)
        f = v.ind_cols.get(k)
        if f is None and (k.startswith("偏差原因") or k.startswith("未完成原因")):
            f = "deviation"
        if f is not None:
            hits.append((i, f))
    flds = [f for _, f in hits]
    if ("name" in flds or "level1" in flds) and len(set(flds) & {"target", "actual", "weight", "score",
                                                                "target_initial"}) >= 2:
        return hits
    return None


def _columns(hits: list[tuple[int, str]]) -> list[str]:
    """The value columns in printed order. A two-row header printed as one row (年度指标值 spanning
    指标性质/指标值/度量单位 under it) takes the sub-columns in the place of the spanning one."""
    flds = [f for _, f in hits]
    if "level1" in flds and flds.index("level1") > 0 and ("comparator" in flds or "unit" in flds):
        top, sub = flds[:flds.index("level1")], flds[flds.index("level1"):]
        sub_vals = [f for f in sub if f not in ("level1", "level2", "name")]
        top_vals = [f for f in top if f not in ("level1", "level2", "name")]
        if "target" in top_vals:
            i = top_vals.index("target")
            return top_vals[:i] + sub_vals + top_vals[i + 1:]
    out = []
    for f in flds:
        if f in ("level1", "level2", "name") or f in out:
            continue
        out.append(f)
    return out


def _ind_type_ok(fld: str, text: str) -> bool:
    s = normalize(text).replace(" ", "")
    if fld in ("weight", "score"):
        v = num(s)
        return v is not None and not s.endswith("%") and 0 <= v <= 100
    if fld == "deviation":
        return not parse_value(s).is_numeric and num(s) is None
    if fld == "comparator":
        return s in _COMPARATOR_WORDS or s in ("大于等于", "小于等于", "等于", "定性", "定量")
    if fld == "unit":
        return 0 < len(s) <= 6 and not re.search(r"\d", s)
    return bool(s)


def place_indicator(values: list[str], cols: list[str]) -> dict[str, str] | None:
    """The row's values under the columns when exactly one placement in order keeps their kinds."""
    if len(values) == len(cols) and all(_ind_type_ok(f, t) for f, t in zip(cols, values)):
        return dict(zip(cols, values))  # one value per column: the only placement in order
    return placement.place(values, [placement.Column(f, lambda t, f=f: _ind_type_ok(f, t)) for f in cols]).values


def _level_of(text: str) -> str | None:
    v = vocab()
    k = _TRAILING_POINTS.sub("", key(text))
    if k in v.levels:
        return v.levels[k]
    if 2 <= len(k) <= 10 and k.endswith("指标") and not k.startswith("指标"):
        return "level2"
    return None


_TRAILING_POINTS = re.compile(r"\d+(?:\.\d+)?分?$")  # 产出指标50分, 满意度指标10: the group's points
_LABEL_UNIT = re.compile(r"[（(]\s*(≥|≤|>|<|=|≧|≦)\s*\**\s*([^\d()（）*]{1,6})\s*[)）]\s*$")


def parse_indicators(rows: list[Row], warnings: list[str]) -> tuple[list[dict], list[dict], int | None]:
    """(indicator rows, score items from the groups' printed points, index of the row that ended the table)."""
    v = vocab()
    headers = [(i, h) for i, r in enumerate(rows) if (h := _ind_header(r))]
    # tables repeating the same rows under fewer columns (a report's sections before its annex form
    # with 一级指标 and 完成率): the fullest header's table is read
    hi = max(headers, key=lambda t: (len({f for _, f in t[1]}), -t[0]))[0] if headers else None
    if hi is None:
        drift, end = drifting_indicators(rows)
        if drift:
            return drift, [], end
        flat = _flattened_indicators(rows, warnings)
        if flat:
            return flat, [], None
        fused, items, end = _fused_indicators(rows, warnings)
        return fused, items, end
    hits = _ind_header(rows[hi])
    cols = _columns(hits)
    flds = [f for _, f in hits]
    raw = rows[hi].raw
    last_hit = [i for i, c in enumerate(raw) if c][hits[-1][0]]
    body = rows[hi + 1:]
    if any(raw[last_hit + 1:]):  # the header row runs on into the first data row
        body = [Row(raw[last_hit + 1:], rows[hi].line, rows[hi].last)] + body
    from loaders.parsers.eval_reading_order import continued_row, cut_off_row  # (imports this module)
    out: list[dict] = []
    items: list[dict] = []
    placed: list[tuple] = []  # (name, values placed, row, level1, level2) of each row landed
    l1 = l2 = None
    end = None
    for j, r in enumerate(body, start=hi + 1 - (len(body) - (len(rows) - hi - 1))):
        cells = [c for c in r.raw if squash(c) not in ("……", "…", "...")]
        while cells and not cells[0]:
            cells = cells[1:]
        if not cells:
            continue
        k0 = key(cells[0])
        if k0 in v.summary or any(k0.startswith(s) for s in v.summary if v.summary[s] == "total") \
                or any(k0.startswith(s) for s in v.ind_stop):
            end = j
            break
        if _ind_header(r):
            continue
        while cells and (not cells[0] or _level_of(cells[0])):
            if not cells[0]:
                cells = cells[1:]
                continue
            lv = _level_of(cells[0])
            label = _TRAILING_POINTS.sub("", squash(_BRACKET.sub("", normalize(cells[0]).replace("（", "(").replace("）", ")"))))
            m = _POINTS.search(normalize(cells[0])) or re.search(r"(?<=指标)(\d+(?:\.\d+)?)分?$", squash(normalize(cells[0])))
            if m:
                items.append(score_item_record(seq=len(items) + 1, line=r.line, section=label, criterion=label,
                                               sub_criterion=None, weight=m.group(1), score=None))
            if lv == "level2" and len(cells) > 1 and _level_of(cells[1]) == "level2":
                lv = "level1"  # 成本指标 | 经济成本指标: two group words, the first is the 一级
            if lv == "level1":
                l1, l2 = label, None
            elif lv == "level2":
                l2 = label
            cells = cells[1:]
        if not cells:
            continue
        if "level2" in flds and len(cells) == len(cols) + 2 and l1 is not None and not is_valueish(cells[0]) \
                and not is_valueish(cells[1]) and all(_ind_type_ok(f, t) for f, t in zip(cols, cells[2:])):
            l2, cells = squash(cells[0]), cells[1:]  # a 二级指标 the vocabulary does not name, in its column
        name, raw_values = cells[0], cells[1:]
        values = [t for t in raw_values if t]
        if not values:
            continue  # a name with no value printed (or a fragment cut off)
        m = None
        if "" in raw_values and len(raw_values) <= len(cols):  # blank cells kept: each holds its column
            m = {f: t for f, t in zip(cols, raw_values) if t}
            m = m if all(_ind_type_ok(f, t) for f, t in m.items()) else None
        m = m if m is not None else place_indicator(values, cols)
        if m is None and placed and (cont := continued_row(placed[-1][1], [c for c in cells if c], cols)) is not None:
            out.pop()  # a row printing no name: the rest of the row above, which stopped short
            (name, _, r, l1, l2), m = placed.pop(), cont
        if m is None and r is body[-1] and end is None:
            m = cut_off_row(values, cols)  # the text ends inside this row: its first cells are printed
        placed.append((name, m or {}, r, l1, l2))
        aligned = m is not None
        if m is None:
            warnings.append(f"line {r.line.lineno}: indicator {squash(name)!r}: {len(values)} values could not be "
                            f"placed under the {len(cols)} columns with certainty; landed unaligned")
            m = {}
        target, actual = m.get("target"), m.get("actual")
        comp = _COMPARATOR_WORDS.get(normalize(m.get("comparator") or "").replace(" ", ""))
        unit = m.get("unit")
        if lm := _LABEL_UNIT.search(normalize(name)):  # 公猪舍(≥**平方米): comparator and unit in the label
            comp, unit = comp or _COMPARATOR_WORDS.get(lm.group(1)), unit or lm.group(2)
        out.append(indicator_record(seq=len(out) + 1, line=r.line, level1=l1, level2=l2, name=squash(name),
                                    target_initial=m.get("target_initial"), target=target, actual=actual,
                                    weight=m.get("weight"), score=m.get("score"), deviation=m.get("deviation"),
                                    aligned=aligned, comparator=comp, unit=unit, completion=m.get("completion")))
    return out, items, end


@lru_cache(maxsize=None)
def level_parents() -> dict[str, str]:
    """二级 -> 一级 of the national indicator framework (vocabulary level_parent): the 一级 of a row
    that prints only its 二级 label."""
    return {r["word"]: r["field"] for r in _rows("eval_vocabulary.csv") if r["block"] == "level_parent"}


def _drifting_header(row: Row) -> tuple[bool, bool] | None:
    """(a header of an indicator table with a target and an actual column and no points columns,
    whether it has a completion column (完成进度))."""
    v = vocab()
    cells = row.cells
    if len(cells) < 3:
        return None  # a name, a target and an actual column at least
    flds = {v.ind_cols.get(key(c)) for c in cells}
    if not {"target", "actual"} <= flds or flds & {"weight", "score"}:
        return None
    return True, any(key(c) in _completion_words() for c in cells)


@lru_cache(maxsize=None)
def _completion_words() -> frozenset[str]:
    return frozenset(key(r["word"]) for r in _rows("eval_vocabulary.csv") if r["block"] == "completion_col")


def drifting_indicators(rows: list[Row]) -> tuple[list[dict], int | None]:
    """Indicator rows of a table whose cells drift from row to row (no cell sits under its header):
    each row read by the order of its cells — the group labels first (一级/二级, carried down to the
    rows below; a 二级 alone takes its 一级 from the framework), then the name, then the values in
    the header's order (target, actual, completion). A row with more values than columns lands
    unaligned. Returns (rows, index of the row that ended the table, or None)."""
    from loaders.parsers.evaluation_province import carry_levels, is_label
    v = vocab()
    hi = next((i for i, r in enumerate(rows) if _drifting_header(r)), None)
    if hi is None:
        return [], None
    n_values = 3 if _drifting_header(rows[hi])[1] else 2
    out: list[dict] = []
    l1 = l2 = None
    for j, r in enumerate(rows[hi + 1:], start=hi + 1):
        k0 = key(r.cells[0]) if r.cells else ""
        if any(k0.startswith(w) for w in v.ind_stop):
            return out, j
        labels, rest = [], []
        for t in r.cells:
            if not rest and is_label(t):
                labels.append(squash(t))
            else:
                rest.append(t)
        if not rest and len(labels) >= 2 and not labels[-1].endswith("指标"):
            rest = [labels.pop()]  # 服务对象满意度 as the indicator itself
        l1, l2 = carry_levels(labels, l1, l2, level_parents())
        if len(rest) < 2:
            continue  # a label on its own, or an indicator slot left empty (指标2:)
        name, values = rest[0], rest[1:]
        aligned = len(values) <= n_values
        values = (values + [None] * 3)[:3]
        out.append(indicator_record(seq=len(out) + 1, line=r.line, level1=l1, level2=l2, name=name,
                                    target_initial=None, target=values[0], actual=values[1],
                                    completion=values[2] if n_values == 3 or not aligned else None,
                                    aligned=aligned))
    return out, None


_FLAT_WORDS = (("target", ("年度指标值", "指标值", "目标值")), ("actual", ("实际完成值", "完成值", "实际值")),
               ("weight", ("分值", "权重")), ("score", ("得分",)))


def _flattened_indicators(rows: list[Row], warnings: list[str]) -> list[dict]:
    """Indicator rows of a table flattened into one run of words (a sheet saved as one line): the
    columns' order is read from the header words after 一级指标; a row is a name followed by exactly
    one value per column, each of its column's kind; anything else is left out."""
    out: list[dict] = []
    for r in rows:
        text = " ".join(r.cells)
        tokens = text.split()
        flat = squash(normalize(text))
        start = flat.find("一级指标")
        if len(tokens) < 20 or start < 0:
            continue
        pos = []
        for fld, words in _FLAT_WORDS:
            at = [flat.find(w, start) for w in words if flat.find(w, start) >= 0]
            if at:
                pos.append((min(at), fld))
        cols = [f for _, f in sorted(pos)]
        if len(cols) < 3:
            continue
        n = len(cols)

        def fits(fld: str, t: str) -> bool:
            if fld in ("weight", "score"):
                return _ind_type_ok(fld, t)
            return parse_value(t).is_numeric or num(t) is not None

        def is_value(t: str) -> bool:
            return parse_value(t).is_numeric or num(t) is not None or is_dash(t)

        for i, tok in enumerate(tokens):
            vals = tokens[i + 1:i + 1 + n]
            if is_value(tok) or len(vals) < n or not all(fits(f, t) for f, t in zip(cols, vals)):
                continue
            if i + 1 + n < len(tokens) and is_value(tokens[i + 1 + n]):
                continue  # more values than columns: not a row of this table
            m = dict(zip(cols, vals))
            out.append(indicator_record(seq=len(out) + 1, line=r.line, level1=None, level2=None, name=squash(tok),
                                        target_initial=None, target=m.get("target"), actual=m.get("actual"),
                                        weight=m.get("weight"), score=m.get("score")))
        if out:
            warnings.append(f"line {r.line.lineno}: indicator table flattened into one line; {len(out)} rows read "
                            "where a name is followed by exactly one value per column")
    return out


# the value kinds of a fused indicator row: points, and a target/actual printed with its comparator
# and unit (≥266米, 100%, 20万元) — or qualitative text, which splits only into two equal halves
_F_POINTS = r"(?:0|[1-9]\d{0,2})(?:\.\d{1,2})?"
_F_VALUE = r"[≥≤<>=]?(?:0|[1-9]\d*)(?:\.\d+)?(?:%|[\u4e00-\u9fff]{1,3})?"
_F_KIND = {"weight": _F_POINTS, "score": _F_POINTS, "target": _F_VALUE, "actual": _F_VALUE,
           "target_initial": _F_VALUE}


def _fused_values(run: str, cols: list[str]) -> list[dict[str, str]]:
    """Every split of a run of values printed without separators into `cols` (in order), each value
    of its column's kind, 得分 <= 分值, a target and an actual with a unit printing the same unit."""
    sols: list[dict[str, str]] = []
    if len(run) > 60:
        return sols  # not one row of values

    def rec(pos: int, ci: int, acc: dict[str, str]):
        if len(sols) > 3:
            return
        if ci == len(cols):
            if pos == len(run):
                sols.append(dict(acc))
            return
        pat = re.compile(_F_KIND[cols[ci]])
        for end in range(len(run), pos, -1):
            tok = run[pos:end]
            if not pat.fullmatch(tok):
                continue
            acc[cols[ci]] = tok
            if _fused_row_ok(acc):
                rec(end, ci + 1, acc)
            del acc[cols[ci]]

    rec(0, 0, {})
    return sols


# a name (no digit or comparator; a group's points "(70分)" are taken out first), then its run of
# values: numbers, comparators, % and units of up to 3 characters followed by the next value
_FUSED_ROW = re.compile(r"([^\d≥≤<>=%.]+?)((?:[≥≤<>=]?\d+(?:\.\d+)?%?(?:[\u4e00-\u9fff]{1,3}(?=[≥≤<>=\d]))?)+)")


def _qualitative_pair(run: str, nxt: tuple[str, str], cols: list[str]) -> dict[str, str] | None:
    """A row whose target and actual are text printed alike (10显著提升显著提升10): the values before
    them, the text split into two equal halves, the values after them, each split unique."""
    if "target" not in cols or "actual" not in cols or cols.index("actual") != cols.index("target") + 1:
        return None
    text, after = nxt
    half = len(text) // 2
    if len(text) % 2 or text[:half] != text[half:] or not re.fullmatch(r"[\u4e00-\u9fff]{2,8}", text[:half]):
        return None
    i = cols.index("target")
    pre, post = _fused_values(run, cols[:i]), _fused_values(after, cols[i + 2:])
    if len(pre) != 1 or len(post) != 1:
        return None
    m = {**pre[0], "target": text[:half], "actual": text[half:], **post[0]}
    return m if _fused_row_ok(m) else None


def _fused_row_ok(m: dict[str, str]) -> bool:
    w, s = m.get("weight"), m.get("score")
    if w is not None and Decimal(w) > 100 or w is not None and s is not None and Decimal(s) > Decimal(w):
        return False
    t, a = m.get("target"), m.get("actual")
    if t is not None and a is not None:
        tu, au = parse_value(t).unit or "", parse_value(a).unit or ""
        if tu and au and tu != au:
            return False
    return True


_POINT_MARK = "\ue000"


def _fused_indicators(rows: list[Row], warnings: list[str]) -> tuple[list[dict], list[dict], int | None]:
    """Indicator rows of a table whose cells were run together with no separator (一级指标二级指标三级指标
    分值年度指标值全年实际值得分…产出指标(70分)数量指标安装坡面水标尺10≥266米≥266米10…): the value
    columns' order from the header words, then each row a name (after the group words) and its run of
    values, landed only when exactly one split of the run fits the columns (a qualitative target and
    actual printed alike, 显著提升显著提升, split into their two equal halves). The third value is the
    index of the row that holds the table's end (its 总分 row) when every row of the run was landed:
    else None (a row left out, or no end printed: sums over the table are not checkable)."""
    v = vocab()
    words = sorted((w for w in v.ind_cols if len(w) >= 2), key=len, reverse=True)
    word_re = re.compile("|".join(map(re.escape, words)))
    levels = sorted((w for w in v.levels if len(w) >= 4), key=len, reverse=True)
    level_re = re.compile(rf"({'|'.join(map(re.escape, levels))})(?:{_POINT_MARK}(.))?")
    stops = [w for w, f in v.summary.items() if f == "total"] + list(v.ind_stop)
    for r in rows:
        text = squash(normalize(r.text)).replace("（", "(").replace("）", ")")
        start = text.find("一级指标")
        if start < 0:
            continue
        pos, cols = start, []
        while m := word_re.match(text, pos):
            f = v.ind_cols[m.group(0)] if m.group(0) in v.ind_cols else None
            if f in _F_KIND and f not in cols:
                cols.append(f)
            pos = m.end()
            if f == "deviation":
                break
        if not {"weight", "score"} <= set(cols) or not {"target", "actual"} & set(cols):
            continue
        body = text[pos:]
        end = min([i for w in stops if (i := body.find(w)) >= 0] or [len(body)])
        ended, skipped = end < len(body), 0
        body = body[:end]
        points: list[str] = []  # 产出指标(70分): the points replaced by a mark that holds no digit

        def mark(m: re.Match) -> str:
            points.append(m.group(1))
            return _POINT_MARK + chr(0xE100 + len(points) - 1)

        body = re.sub(r"\((\d+(?:\.\d+)?)分\)", mark, body)
        out: list[dict] = []
        items: list[dict] = []
        l1 = l2 = None
        # a row: a name (no digit, no comparator) then its run of values up to the next name
        pairs = [(m.group(1), m.group(2)) for m in _FUSED_ROW.finditer(body)]
        n = 0
        while n < len(pairs):
            name, run = pairs[n]
            n += 1
            while lm := level_re.match(name):
                lv = v.levels[key(lm.group(1))]
                if lv == "level1":
                    l1, l2 = lm.group(1), None
                elif lv == "level2":
                    l2 = lm.group(1)
                if lm.group(2):
                    items.append(score_item_record(seq=len(items) + 1, line=r.line, section=lm.group(1),
                                                   criterion=lm.group(1), sub_criterion=None,
                                                   weight=points[ord(lm.group(2)) - 0xE100],
                                                   score=None))
                name = name[lm.end():]
            if not run or len(name) < 2:
                skipped += bool(run)  # values with no name: a row not understood
                continue
            sols = _fused_values(run, cols)
            if not sols and n < len(pairs) and (q := _qualitative_pair(run, pairs[n], cols)):
                sols, n = [q], n + 1  # 10显著提升显著提升10: the text between two runs is the target and actual
            if len(sols) != 1:
                skipped += 1
                continue
            f = sols[0]
            out.append(indicator_record(seq=len(out) + 1, line=r.line, level1=l1, level2=l2, name=name,
                                        target_initial=f.get("target_initial"), target=f.get("target"),
                                        actual=f.get("actual"), weight=f.get("weight"), score=f.get("score")))
        if out or items:
            warnings.append(f"line {r.line.lineno}: indicator table run together without separators; {len(out)} rows "
                            "read where exactly one split of the values fits the columns")
            return out, items, (rows.index(r) if ended and not skipped else None)
    return [], [], None


@lru_cache(maxsize=None)
def _value_units() -> tuple[str, ...]:
    """Units of measure printed in an indicator table's own unit column (计量单位), longest first."""
    return tuple(sorted((normalize(r["word"]) for r in _rows("eval_vocabulary.csv") if r["block"] == "value_unit"),
                        key=len, reverse=True))


def _half_unit(text: str | None) -> Decimal:
    """Half a unit of the last printed digit: 97.93 -> 0.005."""
    d = len(normalize(text or "").partition(".")[2].rstrip("%分"))
    return Decimal(5) / Decimal(10) ** (d + 1)


def _points_bounds(funds: list[dict], total_text: str | None, weight_text: str | None):
    """What the form's point identities say about its indicator rows, whatever rows are read:
    PE-001 Σ 分值 = 100 (or the printed total weight) with every 分值 >= 0, so the indicator rows'
    分值 add up to at most 100 - the 执行率 分值 (cap); PE-002 总分 = Σ 得分 and PE-003 0 <= 得分 <= 分值,
    so Σ (分值 - 得分) over the indicator rows is at most 100 - 总分 - (执行率分值 - 执行率得分) (slack).
    Returns (cap, slack, tolerance); slack None when no 总分 is printed."""
    full = num(weight_text) or Decimal(100)
    exe = next((f for f in funds if f.get("execution_weight") is not None and f.get("execution_score") is not None), None)
    w_exe = exe["execution_weight"] if exe else Decimal(0)
    cap = full - w_exe
    total = num(total_text)
    if total is None:
        return cap, None, Decimal(0)
    slack = full - total - ((exe["execution_weight"] - exe["execution_score"]) if exe else Decimal(0))
    tol = _half_unit(total_text) + (_half_unit(str(exe["execution_score"])) if exe else Decimal(0))
    return cap, slack, tol


def _run_columns(cols: list[str]) -> list[placement.Column]:
    plain = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
    return [placement.Column(f, lambda t, f=f: bool(plain.fullmatch(t)) and (f not in ("weight", "score") or
                                                                              Decimal(t) <= 100)) for f in cols]


def _run_identities(cap: Decimal, slack: Decimal | None, tol: Decimal) -> list:
    def score_le_weight(m):  # PE-003
        return None if "weight" not in m or "score" not in m else Decimal(m["score"]) <= Decimal(m["weight"])

    def weight_le_cap(m):  # PE-001, every other weight >= 0
        return None if "weight" not in m else Decimal(m["weight"]) <= cap

    def lost_le_slack(m):  # PE-001 + PE-002 + PE-003
        if slack is None or "weight" not in m or "score" not in m:
            return None
        return Decimal(m["weight"]) - Decimal(m["score"]) <= slack + tol

    return [score_le_weight, weight_le_cap, lost_le_slack]


@lru_cache(maxsize=None)
def _directions() -> tuple[tuple[str, str], ...]:
    """(word, up|down) of seeds/eval_vocabulary.csv block indicator_direction, longest first: the
    words of an indicator's name that say which way its target is met when no comparator is printed
    (完成率: up, 受害率: down)."""
    return tuple(sorted(((normalize(r["word"]), r["field"]) for r in _rows("eval_vocabulary.csv")
                         if r["block"] == "indicator_direction"), key=lambda t: -len(t[0])))


def _direction(name: str) -> str | None:
    """up / down by the longest direction word in the name (不合格率 before 合格率); None when no word,
    or words of both directions equally long, say it."""
    hits = [(w, d) for w, d in _directions() if w in normalize(name or "")]
    if not hits:
        return None
    best = {d for w, d in hits if len(w) == len(hits[0][0])}
    return best.pop() if len(best) == 1 else None


def _scoring_rule(direction: str | None, unit: str | None):
    """The form's scoring rule as PE-012 states it, on one split of a run (target, weight, actual,
    score as printed): a met target scores the full weight; a missed one (higher is better) scores
    weight × actual / target, within half a printed digit of the score plus the rounding of the
    printed actual and target. True kept, False broken, None when the rule says nothing: a weight
    of 0, no direction (no comparator printed, no direction word) unless actual = target, or a miss
    of a lower-is-better target scored below full marks (no proportional reading; full marks on it
    break the rule)."""
    def rule(m: dict[str, str]) -> bool | None:
        if not {"target", "weight", "actual", "score"} <= set(m):
            return None
        t, w, a, s = (Decimal(m[k]) for k in ("target", "weight", "actual", "score"))
        if w <= 0:
            return None
        if a == t or (direction == "up" and a > t) or (direction == "down" and a < t):
            return w - s <= _half_unit(m["score"])
        if direction == "up" and t > 0:
            h_a = _half_unit(m["actual"]) if "." in m["actual"] else Decimal("0.5") if unit == "%" else Decimal(0)
            h_t = _half_unit(m["target"]) if "." in m["target"] else Decimal(0)
            return abs(s - w * a / t) <= _half_unit(m["score"]) + w * (h_a / t + a * h_t / (t * t))
        if direction == "down" and w - s <= _half_unit(m["score"]):
            return False  # full marks on a miss
        return None
    return rule


def _fused_run_indicators(rows: list[Row], warnings: list[str], funds: list[dict], total_text: str | None,
                          weight_text: str | None, complete: bool = False) -> list[dict]:
    """Indicator rows run together with their cells (OCR of a docx: 指标名称计量单位指标性质指标值指标权重
    (分)全年完成值指标得分(分)说明 then 天然林…完成率%901010010): each row a name, its unit (from the
    vocabulary, printed in the unit column before the values) and a run of digits split into the
    value columns. The well-formed splits (no leading zeros, decimals as printed) that keep the form's
    point identities (`_points_bounds`, the rows of the table taken together) are kept; one of them is
    landed only when it is the only one the form's scoring rule confirms (`_scoring_rule`, the
    direction from the indicator's name), with `placement` saying so; else the row lands unaligned
    with its run as printed (an OCR'd "≥8" read "28" breaks the rule: not placed)."""
    v = vocab()
    words = sorted((w for w in v.ind_cols if len(w) >= 2), key=len, reverse=True)
    word_re = re.compile("|".join(map(re.escape, words)))
    units = _value_units()
    for r in rows:
        text = squash(normalize(r.text)).replace("（", "(").replace("）", ")")
        m = re.search(r"指标名称|三级指标", text)
        if not m:
            continue
        pos, cols = m.start(), []
        while hm := word_re.match(text, pos):
            cols.append(v.ind_cols[hm.group(0)])
            pos = hm.end()
            pos = bm.end() if (bm := _BRACKET.match(text, pos)) else pos  # 指标权重(分)
        vals = [f for f in cols if f in ("target", "weight", "actual", "score")]
        if not {"weight", "score"} <= set(vals) or "unit" not in cols or len(vals) < 3:
            continue
        body = text[pos:]
        runs = []
        for rm in re.finditer(r"([^\d%.]{2,}?)(%?)(\d[\d.]*)", body):
            name, unit, run = rm.group(1), rm.group(2), rm.group(3)
            if not unit:
                unit = next((u for u in units if name.endswith(u) and len(name) > len(u) + 1), "")
                name = name[:len(name) - len(unit)]
            runs.append((name, unit, run))
        if not runs:
            continue
        cap, slack, tol = _points_bounds(funds, total_text, weight_text)
        columns, ids = _run_columns(vals), _run_identities(cap, slack, tol)
        cands = [placement.split_run(run, columns, ids) for _, _, run in runs]
        sums = [placement.Sum(lambda c: Decimal(c["weight"]), cap if complete else None, cap)]
        if slack is not None:
            sums.append(placement.Sum(lambda c: Decimal(c["weight"]) - Decimal(c["score"]),
                                      slack if complete else None, slack, tol))
        live = placement.narrow_rows(cands, sums)
        out = []
        for (name, unit, run), kept in zip(runs, live):
            # a split lands only when the form's scoring rule confirms it: the only split the identities
            # leave ('identities'), or the only one of several that keeps the rule too ('scoring rule')
            got = placement.confirmed(kept, _scoring_rule(_direction(name), unit or None))
            f = got.values or {}
            rec = indicator_record(seq=len(out) + 1, line=r.line, level1=None, level2=None, name=name,
                                   target_initial=None, target=f.get("target"), actual=f.get("actual"),
                                   weight=f.get("weight"), score=f.get("score"), aligned=got.aligned,
                                   unit=unit or None)
            rec["unaligned_text"] = None if got.aligned else unit + run
            rec["placement"] = None if not got.aligned else "identities" if len(kept) == 1 else "scoring rule"
            if not got.aligned:
                warnings.append(f"line {r.line.lineno}: indicator {name!r}: run {unit + run!r} not split ({got.why}); "
                                "landed unaligned")
            out.append(rec)
        return out
    return []


def _execution_row(inds: list[dict], funds: list[dict]) -> list[dict]:
    """An indicator row named as the funds' execution rate (预算执行率 | 10 | 100% | 100% | 10): the
    funds total's execution weight and score when its funds block prints none, not an indicator."""
    total = next((f for f in funds if f["fund_source"] == "total"), None)
    rate = [i for i in inds if vocab().funds_cols.get(key(i["indicator_name"] or "")) == "execution_rate_pct"]
    if total is None or len(rate) != 1 or total["execution_weight"] is not None or total["execution_score"] is not None \
            or rate[0]["weight"] is None:
        return inds
    row = rate[0]
    total["execution_weight"], total["execution_score"] = row["weight"], row["score"]
    total["printed"] = printed_json({**json.loads(total["printed"]), "execution_weight": row["weight_text"],
                                     "execution_score": row["score_text"], "execution_line": row["line"]})
    return [{**i, "seq": n} for n, i in enumerate((i for i in inds if i is not row), start=1)]


# ---------------------------------------------------------------------------------------- summary

_TOTAL_SENTENCE = re.compile(r"(自评总分|综合评分|综合得分|评价得分|自评得分|总得分|总分)[(（]?分?[)）]?\s*(?:[:：]|为|是)?\s*"
                             r"(\d{1,3}(?:\.\d{1,2})?)\s*分?")


_GRADE_SENTENCE = re.compile(r"(?:(?:评价级次|评价等级|评价结果|自评等级|等级|等次)\s*(?:为|是|[:：])|属于)\s*[“\"]?(优秀|良好|合格|不合格|优|良|中|差)")


_DIGIT_RUN = re.compile(r"[\d.]+")
_POINTS_NUMBER = re.compile(r"(?:0|[1-9]\d*)(?:\.\d{1,2})?")


def _weight_score(run: str) -> tuple[str, str] | None:
    """A 总分 row run together (总分100100): its 分值 and 得分, when exactly one split of the digits gives
    two numbers with 0 < 得分 <= 分值 <= 100."""
    pairs = [(run[:i], run[i:]) for i in range(1, len(run))
             if _POINTS_NUMBER.fullmatch(run[:i]) and _POINTS_NUMBER.fullmatch(run[i:])
             and 0 < Decimal(run[i:]) <= Decimal(run[:i]) <= 100]
    return pairs[0] if len(pairs) == 1 else None


def parse_summary(rows: list[Row]) -> tuple[str | None, str | None, Line | None, str | None]:
    """(total score text, grade text, line, total weight text) from a 总分 row (总分 | 100 | 96 | 优:
    weight then score; 总分(100分) | 100: the weight in the label), else from a sentence."""
    v = vocab()
    for r in rows:
        cells = r.cells
        for i, c in enumerate(cells):
            k = key(c)
            if v.summary.get(k) == "total" or (k.startswith("总分") and len(k) <= 8):
                rest = cells[i + 1:]
                nums = []
                for t in rest:
                    if v.summary.get(key(t)) == "grade" or grade_of(t):
                        break
                    if num(t) is not None:
                        nums.append(t)
                    else:
                        break
                grade = next((t for t in rest if grade_of(t)), None)
                if nums:
                    pts = _POINTS.search(normalize(c))
                    weight = nums[0] if len(nums) >= 2 else (pts.group(1) if pts else None)
                    return nums[-1], grade, r.line, weight
    for r in rows:
        if m := _TOTAL_SENTENCE.search(normalize(r.text)):
            g = _GRADE_SENTENCE.search(normalize(r.text)[m.end():])
            run = _DIGIT_RUN.match(normalize(r.text), m.start(2)).group(0)
            if run != m.group(2) and (pair := _weight_score(run)):
                return pair[1], g.group(1) if g else None, r.line, pair[0]  # 总分100100: 分值 100, 得分 100
            return m.group(2), g.group(1) if g else None, r.line, None
    return None, None, None, None


_RESULT_PROJECT = re.compile(r"[：:]\s*([^：:，,。]+?)项目绩效自评价结果")


def _result_project(line: Line | None) -> str | None:
    """The project a report's result sentence names (…评分结果：X项目绩效自评价结果为:总得分…)."""
    m = _RESULT_PROJECT.search(normalize(line.text)) if line is not None else None
    return m.group(1).strip() if m else None


_NUMBERING = re.compile(r"^(?:[(（]?\d+[)）]?|[一二三四五六七八九十]+)\s*[.．、]?\s*")


@lru_cache(maxsize=None)
def _heading_words() -> dict[str, str]:
    return {key(r["word"]): r["field"] for r in _rows("eval_vocabulary.csv") if r["block"] == "heading_field"}


def _heading_fields(rows: list[Row]) -> dict[str, str]:
    """Fields printed as a numbered heading the vocabulary names (heading_field: （2）. 项目年度目标) with
    their text the paragraph below it."""
    words = _heading_words()
    out: dict[str, str] = {}
    for r, nxt in zip(rows, rows[1:]):
        if len(r.cells) == 1 and len(nxt.cells) == 1 and (f := words.get(key(_NUMBERING.sub("", normalize(r.cells[0]))))):
            out.setdefault(f, nxt.cells[0])
    return out


def _text_year(rows: list[Row]) -> int | None:
    """The year the form's text prints most (2021年), when no title or heading states its year."""
    years = Counter(int(m.group(1)) for r in rows for m in re.finditer(r"(20\d{2})\s*年", normalize(r.text)))
    return years.most_common(1)[0][0] if years else None


def _grade(rows: list[Row]) -> str | None:
    v = vocab()
    for r in rows:
        for i, c in enumerate(r.cells):
            if v.summary.get(key(c)) == "grade" and i + 1 < len(r.cells) and grade_of(key(r.cells[i + 1])):
                return key(r.cells[i + 1])
    return None


# ---------------------------------------------------------------------------------------- score table

SECTION_TOTAL = '{"kind": "section_total"}'  # eval_score_items.note of a section's subtotal row


@lru_cache(maxsize=None)
def _score_table_words() -> tuple[dict[str, str], frozenset[str]]:
    """(header word -> criterion / sub_criterion / weight / score, section words) of a score table
    printed as a table of its own (评分表: 二级指标 | 三级指标 | 指标分值 | 评价得分)."""
    rows = _rows("eval_vocabulary.csv")
    return ({key(r["word"]): r["field"] for r in rows if r["block"] == "score_table_col"},
            frozenset(key(r["word"]) for r in rows if r["block"] == "score_section"))


def _score_table_header(row: Row) -> bool:
    if len(row.cells) < 3:
        return False
    cols, _ = _score_table_words()
    flds = {cols.get(key(c)) for c in row.cells}
    ind = {vocab().ind_cols.get(key(c)) for c in row.cells}
    return {"criterion", "weight", "score"} <= flds and not ind & {"target", "actual"}


def parse_score_table(rows: list[Row]) -> tuple[list[dict], bool]:
    """(score items, read down to the total row) of a score table (评分表). Its cells drift from row
    to row: each row read by the order of its cells — its words (criterion, then sub-criterion; one
    word: a sub-criterion of the criterion above), then its numbers (weight, score). A row that
    prints a section word alone (投入: | 20 | 20.00) is the section's subtotal; the table ends at the
    total row (综合得分). A table with columns kept in a note (参考分值, 计算分析情况) is read by
    column position instead (`_positional_score_table`)."""
    cols, sections = _score_table_words()
    v = vocab()
    start = next((i for i, r in enumerate(rows) if _score_table_header(r)), None)
    if start is None:
        return [], False
    heads = [r for r in rows[start:start + 2] if any(cols.get(key(c)) in ("reference", "note") for c in r.cells)]
    if heads:
        return _positional_score_table(rows, start)
    items: list[dict] = []
    section = criterion = None
    for r in rows[start + 1:]:
        texts = [t for t in r.cells if num(t) is None and parse_amount(t).state != "not_applicable"]
        numbers = [t for t in r.cells if num(t) is not None]
        k0 = key(texts[0]) if texts else ""
        if v.summary.get(k0) == "total":
            return items, True
        if not numbers or not texts:
            continue
        if k0 in sections and len(texts) == 1:
            section, criterion = k0, None
            items.append(score_item_record(seq=len(items) + 1, line=r.line, section=section, criterion=None,
                                           sub_criterion=None, weight=numbers[0],
                                           score=numbers[1] if len(numbers) > 1 else None, note=SECTION_TOTAL))
            continue
        if len(texts) >= 2:
            criterion, sub = squash(texts[0]), squash(texts[1])
        else:
            sub = squash(texts[0])
        items.append(score_item_record(seq=len(items) + 1, line=r.line, section=section, criterion=criterion,
                                       sub_criterion=sub, weight=numbers[0],
                                       score=numbers[1] if len(numbers) > 1 else None))
    return items, False


def _positional_score_table(rows: list[Row], start: int) -> tuple[list[dict], bool]:
    """A score table read by column: the header (二级指标 | 三级指标 | 指标分值 | | 计算分析情况 | 评价得分)
    and, when the row below names sub-columns (参考分值 | 设定分值), those in their places. The weight
    is the set points (设定分值), else the reference points; the reference points and the analysis text
    are kept in the item's note under their printed header words. A section row (投入 | | 16 | 16 |
    —— | 16.00) is the section's subtotal."""
    cols, sections = _score_table_words()
    v = vocab()
    at: dict[str, int] = {}
    words: dict[int, str] = {}
    body = start + 1
    for r in rows[start:start + 2]:
        hits = [(i, cols.get(key(c))) for i, c in enumerate(r.raw) if c]
        if r is not rows[start] and not all(f for _, f in hits):
            break  # not a sub-header row
        for i, f in hits:
            if f:
                at[f] = i  # a sub-header's column replaces the spanning one above it
                words[i] = key(r.raw[i])
        body = rows.index(r) + 1
    if "reference" in at and at.get("weight") == at["reference"]:
        del at["weight"]  # 指标分值 spans 参考分值 | 设定分值
    c2, c3, c_score = at.get("criterion"), at.get("sub_criterion"), at.get("score")
    c_weight, c_ref = at.get("weight"), at.get("reference")
    notes = [i for f, i in sorted(at.items(), key=lambda t: t[1]) if f in ("reference", "note")]

    def cell(r: Row, i: int | None) -> str:
        return r.raw[i] if i is not None and i < len(r.raw) else ""

    items: list[dict] = []
    section = criterion = None
    for r in rows[body:]:
        if not r.cells:
            continue
        if v.summary.get(key(r.cells[0])) == "total":
            return items, True
        first = squash(cell(r, c2))
        weight = cell(r, c_weight) or cell(r, c_ref)
        if key(first) in sections and not squash(cell(r, c3)):
            section, criterion = key(first), None
            note = {words[i]: cell(r, i) for i in notes if i == c_ref}
            items.append(score_item_record(seq=len(items) + 1, line=r.line, section=section, criterion=None,
                                           sub_criterion=None, weight=weight, score=cell(r, c_score),
                                           note=json.dumps({**note, "kind": "section_total"}, ensure_ascii=False)))
            continue
        if first:
            criterion = first
        name = squash(cell(r, c3))
        if not name:
            continue
        note = {words[i]: cell(r, i) for i in notes if cell(r, i)}
        items.append(score_item_record(seq=len(items) + 1, line=r.line, section=section, criterion=criterion,
                                       sub_criterion=name, weight=weight, score=cell(r, c_score),
                                       note=json.dumps(note, ensure_ascii=False)))
    return items, False


# ---------------------------------------------------------------------------------------- sign-off

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@lru_cache(maxsize=None)
def _signoff_words() -> dict[str, tuple[str, ...]]:
    rows = _rows("eval_vocabulary.csv")
    return {f: tuple(key(r["word"]) for r in rows if r["block"] == "signoff" and r["field"] == f)
            for f in ("evaluator", "end", "date")}


def parse_signoff(rows: list[Row]) -> tuple[str | None, str | None]:
    """(evaluators, fill date) from the form's sign-off block: the names listed one a row under the
    evaluators' label (评价人员 | 姓名 | 职称/职务 …), down to the signature row (负责人…); the date
    printed after 填报日期 (written YYYY-MM-DD)."""
    w = _signoff_words()
    evaluator = date = None
    for i, r in enumerate(rows):
        if evaluator is None and r.cells and key(r.cells[0]).startswith(w["evaluator"] or ("\x00",)):
            names = []
            for nxt in rows[i + 1:]:
                first = key(nxt.cells[0]) if nxt.cells else ""
                if not first or first.startswith(w["end"] or ("\x00",)):
                    break
                names.append(nxt.cells[0])
            evaluator = "、".join(names) or None
        for i, c in enumerate(r.cells if date is None and any(x in r.text for x in w["date"]) else ()):
            at = next((key(c).find(x) + len(x) for x in w["date"] if x in key(c)), None)
            if at is None:
                continue
            # the date right after the word, in its cell or in the next one
            after = [key(c)[at:].lstrip(":："), r.cells[i + 1] if i + 1 < len(r.cells) else ""]
            if m := next((m for t in after if (m := _ISO_DATE.match(t.strip()))), None):
                date = m.group(0)
                break
    return evaluator, date


# ---------------------------------------------------------------------------------------- counts

_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[部章节])\s*")
_CLAUSE_END = re.compile(r"[,，。;；:：、()（）\s]")
_LABEL_HEAD = re.compile(r"^(?:其中|现有|共有|另有|共|有|即)+")
_LABEL_TAIL = re.compile(r"(?:共有|共计|合计|总计|有|共|计|为|约)+$")
_BEFORE_WORD = re.compile(r"(?:等|共|有|计|设)$")


def parse_counts(rows: list[Row]) -> list[dict]:
    """The counts of a department's basic facts (机构设置: 内设副科级事业单位2个, …等16个股室; 人员编制:
    现有编制人员205人, 其中…离休2人) printed under a heading the vocabulary names (count_section):
    each number followed by a measure word (count_unit) with what it counts — the words after it
    (16个股室) when the words before end in 等/有/共, else the words before it (编制人员205人). The
    section ends at the next heading the vocabulary does not name."""
    v = vocab()
    if not v.count_sections or not v.count_units:
        return []
    units = "|".join(map(re.escape, v.count_units))
    number = re.compile(rf"(?<![\d.．])(\d{{1,6}})\s*({units})(?!次|民币|均|以上|以下|左右)")
    out: list[dict] = []
    section: str | None = None
    inside = False
    for r in rows:
        text = normalize(" ".join(r.cells)).strip()
        if m := _HEADING.match(text):
            head = text[m.end():]
            if len(head) <= 30:  # a heading: inside a section the vocabulary names, or out of one
                inside = any(w in key(head) for w in v.count_sections)
                section = squash(head) if inside else None
                continue
        if not inside:
            continue
        for m in number.finditer(text):
            before = _CLAUSE_END.split(text[:m.start()])[-1]
            after = _CLAUSE_END.split(text[m.end():])[0]
            if after and (not before or _BEFORE_WORD.search(before)) and re.fullmatch(r"[\u4e00-\u9fff]{1,8}", after):
                label = after
            else:
                label = _LABEL_TAIL.sub("", _LABEL_HEAD.sub("", before))
                label = label.rsplit("的", 1)[-1]
            if not re.fullmatch(r"[\u4e00-\u9fff]{2,20}", label or "") or label.endswith(("年", "月", "日")):
                continue
            out.append(count_record(seq=len(out) + 1, line=r.line, section=section, label=label, value=m.group(1),
                                    unit=m.group(2), printed=m.group(0)))
    return out


# ---------------------------------------------------------------------------------------- fields

def parse_fields(rows: list[Row]) -> dict[str, str]:
    """Fields by label: the value in the next cell (项目名称 | X) or after a colon (项目名称:X). Labels
    printed with no value beside them, on consecutive rows, take the lone values printed on the rows
    right below, in order (a cell whose text wrapped onto rows of its own). A department printed as a
    number (主管部门及代码 | 202) is its code. An options list with boxes (1、持续性项目 ☑ 2、新增性项目 □)
    is not a value."""
    v = vocab()
    out: dict[str, str] = {}
    pending: list[str] = []  # fields whose label was printed without its value
    for r in rows:
        labelled = False
        for i, c in enumerate(r.cells):
            k = key(c)
            if k in v.fields:
                labelled = True
                nxt = r.cells[i + 1] if i + 1 < len(r.cells) else None
                if nxt and key(nxt) not in v.fields and key(nxt) not in v.funds_cols:
                    _set_field(out, v.fields[k], nxt)
                else:
                    pending.append(v.fields[k])
                continue
            m = re.match(r"^([^:：]{1,10})[:：]\s*(\S.{0,40})$", normalize(c))
            if m and key(m.group(1)) in v.fields:
                out.setdefault(v.fields[key(m.group(1))], squash(m.group(2)).split("填报日期")[0])
        if labelled:
            continue
        if pending and len(r.cells) == 1 and not is_valueish(r.cells[0]):
            _set_field(out, pending.pop(0), r.cells[0])  # a lone value below labels left without theirs
        else:
            pending = []
    return out


_BOXES = re.compile(r"[□☑☐☒■]")


def _set_field(out: dict[str, str], field: str, text: str) -> None:
    value = squash(text)
    if _BOXES.search(value):
        return
    if field == "department_name" and value.isdigit():
        field = "department_code"
    out.setdefault(field, value)


# ---------------------------------------------------------------------------------------- target tables

def _targets_header(row: Row) -> dict[str, list[int]] | None:
    """A 绩效目标表 listing one project a row (项目名称 | 总计 | 财政拨款 … | 绩效目标 | 绩效指标):
    field -> printed column positions."""
    v = vocab()
    cols: dict[str, list[int]] = {}
    for c in row.line.cells:
        f = v.targets_cols.get(key(c.text))
        if f:
            cols.setdefault(f, []).append(c.col)
    return cols if {"project_name", "indicators", "total"} <= cols.keys() else None


# 1、1-产出指标；11-数量指标；会议活动保障次数；实施周期指标值:每年≥20场；年度指标值:每年≥20场。
_TARGET_ITEM = re.compile(r"(?:^|[。；;])\s*\d+、")


def _target_indicators(text: str, line: Line) -> list[dict]:
    v = vocab()
    out = []
    for item in filter(None, (s.strip(" 。") for s in _TARGET_ITEM.split(text))):
        parts = [p.strip() for p in re.split(r"[；;]", item) if p.strip()]
        named = {}
        plain = []
        for p in parts:
            m = re.match(r"^([^:：]{2,10})[:：]\s*(.*)$", p)
            if m and key(m.group(1)) in v.targets_items:
                named[v.targets_items[key(m.group(1))]] = m.group(2).strip()
            else:
                plain.append(re.sub(r"^\d+-", "", p))
        if not plain:
            continue
        levels, name = plain[:-1], plain[-1]
        out.append(indicator_record(seq=len(out) + 1, line=line, level1=levels[0] if levels else None,
                                    level2=levels[1] if len(levels) > 1 else None, name=name,
                                    target_initial=None, target=named.get("target") or named.get("period_target"),
                                    actual=None))
    return out


def parse_target_tables(rows: list[Row], doc_year: int | None) -> tuple[list[EvaluationRecords], set[int]]:
    """One targets-only evaluation per project row of a 绩效目标表 (actual values NULL), and the
    indices of the rows read."""
    out: list[EvaluationRecords] = []
    used: set[int] = set()
    cols = None
    unit = None
    fields = parse_fields(rows[:3])
    scale = Decimal(1)
    for i, r in enumerate(rows):
        if (h := _targets_header(r)) is not None:
            cols, used = h, used | {i}
            ctx = normalize(" ".join(x.text for x in rows[max(0, i - 2):i]))
            if m := re.search(r"单位[:：]\s*(万元|元|千元|亿元)", ctx):
                scale = UNIT_TO_WAN[m.group(1)]
            continue
        if cols is None:
            continue
        name = r.line.cell(cols["project_name"][0]).strip()
        total = r.line.cell(cols["total"][0]).strip()
        if not name or amount_of(total) is None:
            if r.cells and key(r.cells[0]).startswith(("部门名称", "单位")) or _title_scope(r.cells[0] if r.cells else ""):
                used.add(i)
                continue
            cols = None if not name else cols
            continue
        used.add(i)
        indicators_text = " ".join(r.line.cell(c) for c in cols["indicators"]).strip()
        if not indicators_text:
            if key(name) not in vocab().funds_rows:
                unit = squash(name)  # a using unit's subtotal line: the projects below are its own
            continue
        funds = [fund_record(seq=1, line=r.line, fund_source="total",
                             fund_label=next((squash(x.text) for x in _header_line(rows, i).cells
                                              if x.col == cols["total"][0]), None),
                             printed={"budget_full_year_wan": total, "alignment": "position"},
                             budget_full_year_wan=_wan(total, scale))]
        for c in cols.get("source", []):
            t = r.line.cell(c).strip()
            if amount_of(t) is not None:
                label = next((squash(x.text) for x in _header_line(rows, i).cells if x.col == c), None)
                funds.append(fund_record(seq=len(funds) + 1, line=r.line, fund_source=key(label or ""), fund_label=label,
                                         printed={"budget_full_year_wan": t, "alignment": "position"},
                                         budget_full_year_wan=_wan(t, scale)))
        for f in funds[1:]:
            f["parent_source"] = "total"
        goal = " ".join(r.line.cell(c) for c in cols.get("annual_goal", [])).strip() or None
        ev = evaluation_record(form=FORM, scope="project", project_name=squash(name),
                               unit_name=unit or fields.get("unit_name"), fiscal_year=doc_year, annual_goal=goal,
                               page=r.line.page, line_start=r.line.lineno, line_end=r.line.lineno,
                               source_ref=r.line.source_ref, complete=False)
        out.append(EvaluationRecords(ev, funds, _target_indicators(indicators_text, r.line), [],
                                     ["a targets-only form: actual values are not printed"]))
    return out, used


def _header_line(rows: list[Row], i: int) -> Line:
    """The targets header line above row i."""
    for j in range(i, -1, -1):
        if _targets_header(rows[j]) is not None:
            return rows[j].line
    return rows[i].line


# ---------------------------------------------------------------------------------------- forms

@lru_cache(maxsize=None)
def _form_codes() -> tuple[tuple[str, str], ...]:
    return tuple((normalize(squash(r["word"])), r["field"]) for r in _rows("eval_vocabulary.csv")
                 if r["block"] == "form_layout")


def form_code(rows: list[Row]) -> str:
    """The form's code in the warehouse (evaluations.form): the template whose words the form prints
    (vocabulary form_layout: its title's words, then `&` words printed anywhere in the form, e.g.
    财政支出项目绩效自评表 -> city_project, whose funds are printed by source with no total line),
    else `general`."""
    title = normalize("".join(r.text for r in rows[:1]))
    text = None
    for w, code in _form_codes():
        head, *rest = w.split("&")
        if head not in title:
            continue
        text = text if text is not None else normalize("".join(r.text for r in rows))
        if all(x in text for x in rest):
            return code
    return FORM


def _title_scope(cell: str) -> str | None:
    s = normalize(squash(cell)).replace("（", "(").replace("）", ")")
    if len(s) > 60:
        return None
    for w, scope in vocab().titles:
        if w in s:
            return scope
    return None


_ANNEX = re.compile(r"^(?:\[[^\]]*\])*附件\s*\d*\s*[.．:：、]?")  # ([bookmark: …] a converter's anchor)


def find_forms(rows: list[Row], titled: bool = False) -> list[tuple[str | None, list[Row]]]:
    """(scope from the title, rows) per form; without a title row, one form of all rows when the
    text names a form (`titled`: a title run into other text) or prints an indicator header."""
    starts = [(i, sc) for i, r in enumerate(rows) if r.cells and (sc := _title_scope(r.cells[0]))]
    if not starts:
        # no title (cut off): a form only where its indicator table's header is printed, never a
        # final-accounts table that happens to print 预算数/执行数
        return [(None, rows)] if titled or any(_ind_header(r) for r in rows) else []
    first, scope = starts[0]
    if _ANNEX.match(normalize(squash(rows[first].cells[0]))):
        # a report whose form is its annex (附件1.项目支出绩效自评表): the report before it is the form's
        # text (its funds table, its total score stated in a sentence); the annex's title printed again
        # right below it (a caption over the table) starts no form of its own
        starts = [(0, scope)] + [(i, sc) for i, sc in starts[1:]
                                 if not (i == first + 1 and key(rows[i].cells[0]) == key(_ANNEX.sub("", rows[first].cells[0]))
                                         or i == first + 1 and _ANNEX.match(normalize(squash(rows[i].cells[0]))))]
    out = []
    for n, (i, sc) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(rows)
        out.append((sc, rows[i:end]))
    return out


def _year(rows: list[Row], doc_year: int | None) -> int | None:
    for r in rows[:6]:
        t = normalize(r.text)
        if m := FORM_YEAR.search(t):
            return int(m.group(1))
        if m := re.search(r"(20\d{2})\s*年度", t):
            return int(m.group(1))
    return doc_year


def parse_form(scope: str | None, rows: list[Row], doc_year: int | None, doc_scope: str | None,
               cover: dict[str, str] | None = None) -> EvaluationRecords | None:
    """One form; `cover`: the fields printed on the document's cover (a report's 评价项目名称/单位),
    used where the form prints none."""
    warnings: list[str] = []
    fund_items: list[dict] = []
    # a titled form whose rows start before its title: a report, its form the annex (find_forms)
    annex = scope is not None and bool(rows[0].cells) and not _title_scope(rows[0].cells[0])
    funds, _ = parse_funds(rows, warnings, fund_items)
    inds, items, end = parse_indicators(rows, warnings)
    items = fund_items + [{**it, "seq": it["seq"] + len(fund_items)} for it in items]
    from loaders.parsers.eval_reading_order import (breakdown_lines, reading_order_funds, reading_order_indicators,
                                                    with_reading_order_items)
    table, table_ended = parse_score_table(rows)
    if table:
        items = items + [{**it, "seq": it["seq"] + len(items)} for it in table]
    else:
        items = with_reading_order_items(items, rows)  # (a module that imports this one)
    inds = inds or reading_order_indicators(rows, warnings)
    funds = funds or reading_order_funds(rows, warnings)
    funds = funds + breakdown_lines(rows, funds)
    inds = _execution_row(inds, funds)
    total_text, grade_text, total_line, weight_text = parse_summary(rows)
    if not inds:  # a table whose cells ran together into runs of digits: split where the identities decide
        inds = _fused_run_indicators(rows, warnings, funds, total_text, weight_text)
    grade_text = grade_text or _grade(rows)
    if not funds and not inds and total_text is None:
        return None
    if not funds and not inds and scope is None and doc_scope is None:
        return None  # a total score alone counts only in a document that names its form
    f = parse_fields(rows)
    if cover and not f:
        f = cover
    scope = scope or doc_scope or "project"
    if scope == "report":
        scope = "department" if "整体支出" in normalize("".join(r.text for r in rows[:5])) else "project"
    # read down to its 总分 row: else the form is cut off (or its table not understood) and sums over
    # its rows are not checkable
    # (an annex form closes its report: its table ends with the document)
    complete = (bool(inds) and (end is not None or annex) or table_ended) and total_text is not None
    if not complete:
        warnings.append("the indicator table was not read down to a 总分 row: the form's sums are not checkable")
    elif any(f["fund_source"] == "total" and "unaligned" in f["printed"] for f in funds):
        complete = False  # the budget-execution weight and score are parts of the sums
        warnings.append("the funds total line could not be placed: the form's sums are not checkable")
    first, last = rows[0].line, rows[-1].last
    evaluator, fill_date = parse_signoff(rows)
    # an annex form's provenance: its report's result, the line that states the total score
    ref = (total_line or first).source_ref if annex else first.source_ref
    ev = evaluation_record(
        form=form_code(rows), scope="department" if scope == "department" else "project", evaluator=evaluator, fill_date=fill_date,
        project_name=f.get("project_name") or _result_project(total_line), unit_name=f.get("unit_name"),
        department_name=f.get("department_name"), department_code=f.get("department_code"),
        project_attribute=f.get("project_attribute"), project_period=f.get("project_period"),
        annual_goal=_heading_fields(rows).get("annual_goal"),
        fiscal_year=_year(rows, doc_year) or (_text_year(rows) if annex else None), total_score=num(total_text), total_score_text=total_text,
        total_weight=num(weight_text),
        grade=grade_of(grade_text), grade_text=grade_text, page=first.page, line_start=first.lineno,
        line_end=last.lineno, source_ref=ref, complete=complete)
    counts = parse_counts(rows) if ev["scope"] == "department" else []
    from loaders.parsers.eval_goals import goal_figures
    return EvaluationRecords(ev, funds, inds, items, warnings, counts, goal_figures(rows))


def parse_general(doc: SourceDoc, doc_year: int | None = None, skip: list[tuple[int, int]] = ()) -> list[EvaluationRecords]:
    """Every evaluation form of the document not inside a line range in `skip` (read by a layout parser)."""
    lines = [ln for ln in doc.lines if not any(a <= ln.lineno <= b for a, b in skip)]
    rows = logical_rows(lines)
    head = normalize("".join(r.text for r in rows[:30]))
    doc_scope = next((sc for w, sc in vocab().titles if w in head), None)
    if doc_scope is None and is_report_heading("".join(r.text for r in rows[:3])):
        doc_scope = "report"
    if doc_scope == "report" and "整体支出" in head:
        doc_scope = "department"  # 部门（机关）整体支出绩效评价报告
    out, used = parse_target_tables(rows, _year(rows, doc_year))
    rows = [r for i, r in enumerate(rows) if i not in used]
    if used and not any(_funds_header(r) or _ind_header(r) for r in rows):
        return out
    cover = parse_fields(rows[:20]) if doc_scope in ("report", "department") else None
    for scope, form_rows in find_forms(rows, titled=doc_scope is not None):
        rec = parse_form(scope, form_rows, doc_year, doc_scope, cover)
        if rec is not None:
            out.append(rec)
    return out
