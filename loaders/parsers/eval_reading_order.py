"""Evaluation-form tables whose cells reach us in reading order, one word after another (a PDF text
layer that lost its table: `项目决策 2 分 决策依据 2 2 复核分 评价标准及依据 有项目年度…`).

A human reads such a table by the kinds of its tokens, not by their positions:
- a score sheet (评价内容 | 分值 | 自评分 | 复核分 | 评价标准): a criterion word the vocabulary knows
  (seeds/eval_vocabulary.csv, block score_item, and the indicator group words) followed by `N 分` is a
  group's weight; followed by two bare numbers it is a criterion's weight and score (score <= weight).
  A criterion whose numbers are not beside it (its cell's text was printed before a merged group cell
  that sits in the middle of its rows: `组织机构 项目管理 13 分 2 2`) takes the bare pair printed right
  after that group's `N 分`, when it is the only criterion waiting. The rubric text around (`…计 2 分,没有不得分`)
  is never read: its points are followed by punctuation, not by a word of the sheet;
- an indicator row whose cells wrapped onto a second printed line (`乡村道路建设 300 公 300 公 15 …
  养护里程 里 里`): the second line holds, in column order, the rest of the name and the rest of each
  wrapped value; the row is landed only when the tokens after its values show exactly that shape.
Nothing is guessed: a token sequence of any other shape is left unread.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from loaders.model import Line, squash
from loaders.numbers import normalize
from loaders.parsers.evaluation_forms import Row, key, vocab
from loaders.parsers.indicators import score_item_record
from loaders.reference import _rows


@dataclass(frozen=True)
class ScoreVocab:
    cols: dict[str, str]  # header word -> criterion / weight / score / review / standard
    items: frozenset[str]  # criterion words of score sheets (项目决策, 决策依据, …)


@lru_cache(maxsize=None)
def score_vocab() -> ScoreVocab:
    rows = _rows("eval_vocabulary.csv")
    return ScoreVocab(cols={key(r["word"]): r["field"] for r in rows if r["block"] == "score_col"},
                      items=frozenset(key(r["word"]) for r in rows if r["block"] == "score_item"))


_POINTS = re.compile(r"^(?:0|[1-9]\d{0,2})(?:\.\d{1,2})?$")  # a bare number of points: no %, no unit
_MAX_JOIN = 3  # a label printed with spaces inside (项目 绩效) spans at most this many tokens


def _tokens(rows: list[Row]) -> list[tuple[str, Line]]:
    return [(normalize(t), r.line) for r in rows for c in r.cells for t in c.split()]


def _header_end(toks: list[tuple[str, Line]]) -> int | None:
    """Index after a score-sheet header: a criterion column word followed, within the next three
    tokens, by a weight and a score column word."""
    cols = score_vocab().cols
    for i, (t, _) in enumerate(toks):
        if cols.get(key(t)) != "criterion":
            continue
        window = [cols.get(key(x)) for x, _ in toks[i + 1:i + 4]]
        if "weight" in window and "score" in window:
            last = max(n for n, f in enumerate(window) if f in ("weight", "score"))
            return i + 2 + last
    return None


def _label_at(toks: list[tuple[str, Line]], i: int) -> tuple[str, int, bool] | None:
    """(label, index after it, is a criterion word) when the tokens from i spell a word of the sheet;
    the longest spelling wins."""
    sv, levels = score_vocab(), vocab().levels
    for n in range(_MAX_JOIN, 0, -1):
        if i + n > len(toks):
            continue
        word = key("".join(t for t, _ in toks[i:i + n]))
        if word in sv.items:
            return word, i + n, True
        if levels.get(word) in ("level1", "level2"):
            return word, i + n, False
    return None


def _points(toks: list[tuple[str, Line]], i: int) -> str | None:
    return toks[i][0] if i < len(toks) and _POINTS.fullmatch(toks[i][0]) else None


def _is_fen(toks: list[tuple[str, Line]], i: int) -> bool:
    return i < len(toks) and toks[i][0] == "分"


def _pair(toks: list[tuple[str, Line]], i: int) -> tuple[str, str] | None:
    """Two bare numbers at i (weight, score: score <= weight), the second not a `N 分` of text."""
    a, b = _points(toks, i), _points(toks, i + 1)
    if a is None or b is None or _is_fen(toks, i + 2) or Decimal(b) > Decimal(a):
        return None
    return a, b


def reading_order_score_items(rows: list[Row]) -> list[dict]:
    """Score-item records (section NULL: which group a criterion belongs to is not in reading order)
    of a score sheet printed in reading order; [] when no score-sheet header is printed."""
    toks = _tokens(rows)
    start = _header_end(toks)
    if start is None:
        return []
    out: list[dict] = []
    waiting: list[tuple[str, Line]] = []  # criteria whose numbers were not printed beside them
    group_end = -1  # the index after the last group's `N 分`

    def add(label: str, line: Line, weight: str, score: str | None, group: bool):
        out.append(score_item_record(seq=len(out) + 1, line=line, section=label if group else None,
                                     criterion=label, sub_criterion=None, weight=weight, score=score))

    i = start
    while i < len(toks):
        lab = _label_at(toks, i)
        if lab is None:
            if i == group_end and len(waiting) == 1 and (pair := _pair(toks, i)):
                label, line = waiting.pop()
                add(label, line, pair[0], pair[1], False)
                i += 2
                continue
            i += 1
            continue
        label, j, criterion = lab
        line = toks[i][1]
        if (w := _points(toks, j)) is not None and _is_fen(toks, j + 1):
            add(label, line, w, None, True)  # 项目管理 13 分: a group's weight
            i = group_end = j + 2
        elif (pair := _pair(toks, j)) is not None:
            add(label, line, pair[0], pair[1], False)  # 决策依据 2 2: weight and score
            i = j + 2
        else:
            if criterion:
                waiting.append((label, line))
            i = j
    return out


def with_reading_order_items(items: list[dict], rows: list[Row]) -> list[dict]:
    """`items` and, after them, the reading-order score items not already read (same word, weight)."""
    seen = {(it["criterion"], it["weight"]) for it in items}
    new = [it for it in reading_order_score_items(rows) if (it["criterion"], it["weight"]) not in seen]
    return items + [{**it, "seq": len(items) + n} for n, it in enumerate(new, start=1)]


# ---------------------------------------------------------------------------------------- indicator rows

_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")  # a name's text: characters only, no digit or punctuation
_FRAGMENT = re.compile(r"^[\u4e00-\u9fff]{1,2}$")  # the part of a unit on one printed line (公 | 里)
_VALUE = re.compile(r"^[≥≤<>=]?(?:0|[1-9]\d*)(?:\.\d+)?%?$")
_VALUE_COLS = ("target_initial", "target", "actual", "weight", "score")


def _columns_words() -> dict[str, str]:
    words = dict(vocab().ind_cols)
    words.update({w: f for w, f in score_vocab().cols.items() if f in ("review", "standard")})
    return words


def _wrapped_header(toks: list[tuple[str, Line]], i: int) -> tuple[list[str], int] | None:
    """(columns, index after the header) of an indicator header starting at i whose cells wrapped
    over two printed lines: `一级 指标 二级 指标名称 年初指 年终完 自评 复核 评价标准 指标 (三级指标) 标值
    成值 分 分` — each first-line fragment is the start of exactly one column word, the second line
    holds the rests in the same order."""
    words = _columns_words()
    cols: list[str] = []
    rests: list[set[str]] = []  # the rests the second printed line owes, in column order
    j, wrapped = i, False
    while j < len(toks):
        t = key(toks[j][0])
        if not t:
            j += 1  # a bracketed note: (三级指标)
            continue
        if rests and t in rests[0]:
            rests.pop(0)
            wrapped, j = True, j + 1
            if not rests:
                return cols, j
            continue
        if wrapped:
            return None  # the second line printed something that is not the rest it owes
        two = key(t + toks[j + 1][0]) if j + 1 < len(toks) else ""
        if t in words or two in words:
            cols.append(words.get(t) or words[two])
            j += 1 if t in words else 2
            continue
        starts = {w for w in words if w.startswith(t) and w != t} if len(t) >= 2 else set()
        if not starts or len({words[w] for w in starts}) != 1:
            break
        cols.append(words[next(iter(starts))])
        rests.append({w[len(t):] for w in starts})
        j += 1
    return None


def _row_values(toks: list[tuple[str, Line]], q: int) -> tuple[list[tuple[str, str]], int]:
    """The values printed after a name from q: a number, with the start of its unit when one follows
    (300 公); and the index after them."""
    values: list[tuple[str, str]] = []
    while q < len(toks) and _VALUE.fullmatch(toks[q][0]):
        number, unit = toks[q][0], ""
        q += 1
        if q < len(toks) and _FRAGMENT.fullmatch(toks[q][0]) and not number.endswith("%"):
            unit, q = toks[q][0], q + 1
        values.append((number, unit))
    return values, q


def _place_in_order(values: list[tuple[str, str]], cols: list[str]) -> dict[str, str] | None:
    """Values read left to right into the value columns: all of them, or all but trailing review
    columns (复核分, filled by the reviewer, not by the form's author); each value of its column's
    kind (points bare and at most 100)."""
    if len(values) > len(cols) or any(f != "review" for f in cols[len(values):]):
        return None
    out = {}
    for (number, unit), f in zip(values, cols):
        if f in ("weight", "score", "review"):
            if unit or not _POINTS.fullmatch(number):
                return None
        out[f] = number + unit
    return out


def reading_order_indicators(rows: list[Row], warnings: list[str]) -> list[dict]:
    """Indicator rows of a table printed in reading order under a wrapped header; [] when none."""
    from loaders.parsers.indicators import indicator_record

    toks = _tokens(rows)
    header = next((h for i in range(len(toks)) if (h := _starts_level1(toks, i))), None)
    if header is None:
        return []
    cols, p = header
    vcols = [f for f in cols if f in _VALUE_COLS or f == "review"]
    words = _columns_words()
    out: list[dict] = []
    while p < len(toks):
        name, line = toks[p]
        values, q = _row_values(toks, p + 1)
        m = _place_in_order(values, vcols) if _WORD.fullmatch(name) and key(name) not in words \
            and len(values) >= 2 else None
        if m is None:
            p += 1
            continue
        units = [n for n, (_, u) in enumerate(values) if u]
        # the row's second printed line: the rest of the name, then the rest of each wrapped unit
        nxt = q
        for r in range(q, min(q + 4, len(toks))):
            rest = toks[r + 1:r + 1 + len(units)]
            if units and _WORD.fullmatch(toks[r][0]) and len(rest) == len(units) and \
                    all(_FRAGMENT.fullmatch(t) for t, _ in rest):
                name += toks[r][0]
                for n, (t, _) in zip(units, rest):
                    f = vcols[n]
                    m[f] += t
                nxt = r + 1 + len(units)
                break
        out.append(indicator_record(seq=len(out) + 1, line=line, level1=None, level2=None, name=squash(name),
                                    target_initial=m.get("target_initial"), target=m.get("target"),
                                    actual=m.get("actual"), weight=m.get("weight"), score=m.get("score")))
        p = max(nxt, q)
    if out:
        warnings.append(f"line {out[0]['line']}: indicator table in reading order (a text layer without its "
                        f"columns); {len(out)} rows read whose values fill the columns in order")
    return out


def _starts_level1(toks: list[tuple[str, Line]], i: int) -> tuple[list[str], int] | None:
    t = key(toks[i][0])
    two = key(t + toks[i + 1][0]) if i + 1 < len(toks) else ""
    if vocab().ind_cols.get(t) != "level1" and vocab().ind_cols.get(two) != "level1":
        return None
    h = _wrapped_header(toks, i)
    return h if h and {"target", "target_initial"} & set(h[0]) and "actual" in h[0] else None


# ---------------------------------------------------------------------------------------- breakdowns

NO_PARENT = "-"  # eval_funds.parent_source of a line that adds up into nothing (stg_eval_funds)
_LABELLED = re.compile(r"([^\d:：.%]+)[:：]((?:0|[1-9]\d*)(?:\.\d+)?)?")
_QIZHONG = re.compile(r"^其中[:：]?")


@lru_cache(maxsize=None)
def breakdown_vocab() -> dict[str, frozenset[str]]:
    """Breakdown heading (按收入性质分) -> the lines it is made of (一般公共预算, 其他资金 …)."""
    out: dict[str, set[str]] = {}
    for r in _rows("eval_vocabulary.csv"):
        if r["block"] == "funds_breakdown":
            out.setdefault(key(r["field"]), set()).add(key(r["word"]))
    return {h: frozenset(m) for h, m in out.items()}


def breakdown_lines(rows: list[Row], funds: list[dict]) -> list[dict]:
    """Funds lines of the breakdowns printed under the 年度资金总额 row as `label: amount` with no
    column of their own (按收入性质分: 2456.18 按支出性质分: 2456.18 其中:一般公共预算: 2456.18 其中:基本支出:
    2299.98 …: two breakdowns side by side, their lines interleaved row by row). Each line belongs to the
    breakdown whose members the vocabulary names (funds_breakdown), wherever it is printed; a line
    with an amount that no heading names leaves the breakdowns unread. An amount lands under 全年预算数
    (the figure the year's funds are stated in), marked `alignment: label` — its column is not
    printed; the lines add up into their heading (PE-009), the headings into nothing (each restates
    the total). Blank lines land nothing (blank is not 0)."""
    words = breakdown_vocab()
    total = next((f for f in funds if f["fund_source"] == "total"), None)
    if total is None or not words or any(_QIZHONG.sub("", key(f["fund_label"] or "")) in words
                                         or any(_QIZHONG.sub("", key(f["fund_label"] or "")) in m for m in words.values())
                                         for f in funds):
        return []  # no funds block, or its breakdowns were read as rows of the block
    stops = vocab().funds_stop
    for n, r in enumerate(rows):
        own = squash(normalize(r.text))
        if not any(h in own for h in words):
            continue
        text = squash(normalize(" ".join(x.text for x in rows[n:n + 8])))
        seg = text[min(text.find(h) for h in words if h in text):]
        seg = seg[:min([i for w in stops if (i := seg.find(w)) > 0] or [len(seg)])]
        items: list[tuple[str, str]] = []
        for m in _LABELLED.finditer(seg):
            label, amount = m.group(1), m.group(2) or ""
            if items and _QIZHONG.fullmatch(items[-1][0]) and not items[-1][1]:
                label = items.pop()[0] + ":" + label  # 其中: 一般公共预算
            items.append((label, amount))
        heads = {key(lab): (lab, amount) for lab, amount in items if key(lab) in words}
        if not heads:
            return []
        members: dict[str, list[tuple[str, str]]] = {h: [] for h in heads}
        for lab, amount in items:
            k = _QIZHONG.sub("", key(lab))
            if k in heads:
                continue
            owner = next((h for h in heads if k in words[h]), None)
            if owner is None:
                if amount:
                    return []
                continue
            if amount:
                members[owner].append((lab, amount))
        scale = _scale_of(total)
        out: list[dict] = []
        for h, (head_label, head_amount) in heads.items():
            for lab, amount, parent in [(head_label, head_amount, NO_PARENT)] + [(x, a, h) for x, a in members[h]]:
                out.append(_breakdown_line(len(funds) + len(out) + 1, r.line, lab, amount, parent, scale))
        return out
    return []


def _scale_of(total: dict) -> Decimal:
    """万元 per printed unit of the funds block, as its total line was read (a block in 元: 0.0001)."""
    from loaders.parsers.evaluation_forms import amount_of

    printed = json.loads(total["printed"] or "{}")
    for f in ("budget_full_year_wan", "executed_wan", "budget_initial_wan"):
        a = amount_of(printed.get(f) or "")
        if total.get(f) is not None and a:
            return total[f] / a
    return Decimal(1)


def _breakdown_line(seq: int, line: Line, label: str, amount: str, parent: str, scale: Decimal) -> dict:
    from loaders.parsers.indicators import fund_record

    printed = {"budget_full_year_wan": amount, "alignment": "label"} if amount else {}
    rec = fund_record(seq=seq, line=line, fund_source=key(label), fund_label=label, printed=printed,
                      budget_full_year_wan=(Decimal(amount) * scale) if amount else None)
    rec["parent_source"] = parent
    return rec


# ---------------------------------------------------------------------------------------- short rows

def continued_row(prev: dict[str, str], cells: list[str], cols: list[str]) -> dict[str, str] | None:
    """The row above completed by a row that printed no name (`减轻贫困学生家庭经济负担 | 有效` then
    `有效 | 10 | 10`: the target, then the actual, weight and score on the next printed row): when the
    row above stopped before its score, and this row's cells, all of them values, fit the columns
    after the last one the row above filled in exactly one way. A qualitative target has no unit:
    its unit column is not a place for a value."""
    from loaders.parsers.evaluation_forms import place_indicator
    from loaders.parsers.indicators import parse_value

    if not prev or "score" not in cols or prev.get("score") or not cells:
        return None
    last = max((cols.index(f) for f in prev if f in cols), default=-1)
    qualitative = not parse_value(prev.get("target") or prev.get("target_initial") or "").is_numeric
    rest = [f for f in cols[last + 1:] if not (f == "unit" and qualitative)]
    m = place_indicator(cells, rest)
    return {**prev, **m} if m else None


def cut_off_row(values: list[str], cols: list[str]) -> dict[str, str] | None:
    """The values of a row the text ends in (the form cut off before its 总分 row): the row's first
    cells, in column order, each of its column's kind."""
    from loaders.parsers.evaluation_forms import _ind_type_ok

    if not values or len(values) > len(cols):
        return None
    m = dict(zip(cols, values))
    return m if all(_ind_type_ok(f, t) for f, t in m.items()) else None


# ---------------------------------------------------------------------------------------- funds by source

@lru_cache(maxsize=None)
def source_vocab() -> tuple[dict[str, str], frozenset[str]]:
    """(header word -> `source` or `total`, row labels) of a funds block whose columns are the funds'
    sources (中央 | 省、地 | 本级 | 其他 | 合计 | 执行数 | 执行率), seeds block funds_source_col / funds_source_row."""
    rows = _rows("eval_vocabulary.csv")
    return ({key(r["word"]): r["field"] for r in rows if r["block"] == "funds_source_col"},
            frozenset(key(r["word"]) for r in rows if r["block"] == "funds_source_row"))


def _source_header(toks: list[str], i: int) -> tuple[list[str], int] | None:
    """The columns of a sources header starting at token i, and the index after it. Unit notes
    ((万元)) are skipped; a word wrapped over the header's two printed lines (执行 … 率: the second
    line prints the units, then the word's rest) is joined."""
    from loaders.parsers.evaluation_forms import _UNIT_NOTE

    sources, _ = source_vocab()
    funds = vocab().funds_cols
    cols: list[str] = []
    wrapped: int | None = None  # the column whose word is waiting for its rest
    j = i
    while j < len(toks):
        k = key(toks[j])
        if not k or _UNIT_NOTE.fullmatch(normalize(toks[j])):
            j += 1
            continue
        if k in sources:
            cols.append(f"{sources[k]}:{k}")
        elif k in funds:
            cols.append(funds[k])
        elif wrapped is not None and key(cols[wrapped] + k) in funds:
            cols[wrapped] = funds[key(cols[wrapped] + k)]
            wrapped = None
        elif wrapped is None and not re.search(r"\d", k) and any(w.startswith(k) and w != k for w in funds):
            wrapped = len(cols)
            cols.append(k)
        else:
            break
        j += 1
    if wrapped is not None:
        cols = cols[:wrapped] + cols[wrapped + 1:]
    if sum(c.startswith("source:") for c in cols) < 2 or not any(c.startswith("total:") for c in cols) \
            or "executed_wan" not in cols:
        return None
    return cols, j


def _source_identities(cols: list[str], n: int) -> list:
    """On a complete placement of the n printed values: 合计 = Σ the sources printed (a blank source
    adds nothing); 执行率 = 执行数 / 合计 — a rate is printed only beside the two amounts it is
    computed from, so a placement leaving either of them blank cannot be the row's."""
    from loaders.parsers.evaluation_forms import _identities, amount_of

    total = next(c for c in cols if c.startswith("total:"))

    def sums(m: dict[str, str]) -> bool | None:
        if len(m) < n or total not in m:
            return None
        parts = [amount_of(t) for c, t in m.items() if c.startswith("source:")]
        return not parts or abs(sum(parts) - amount_of(m[total])) <= Decimal("0.01")

    def rate(m: dict[str, str]) -> bool | None:
        if len(m) < n or "execution_rate_pct" not in m:
            return None
        if total not in m or "executed_wan" not in m:
            return False
        return _identities({"budget_full_year_wan": m[total], "executed_wan": m["executed_wan"],
                            "execution_rate_pct": m["execution_rate_pct"]}, None) is not None

    return [sums, rate]


def reading_order_funds(rows: list[Row], warnings: list[str]) -> list[dict]:
    """The funds row of a block whose columns are its sources (中央 | 省、地 | 本级 | 其他 | 合计 | 执行数 |
    执行率) printed in reading order: the header, then the row's figures with other cells' words
    between them (`… 率 309 309 来源 项目年度目标 … 项目资金 日 309 100 %`). The row is the one whose
    label (funds_source_row) is among those words; its figures are the numbers up to the first
    token that mixes digits and words (a numbered goal: 1.完成…). They are placed under the columns in
    order by the block's identities (placement.py); a column lands only when every placement that
    survives puts the same figure under it — the others' figures are kept as printed (unaligned)."""
    from loaders import placement
    from loaders.parsers.evaluation_forms import _UNIT_NOTE, _type_ok, _wan, is_valueish, num
    from loaders.parsers.indicators import fund_record
    from loaders.numbers import UNIT_TO_WAN

    sources, labels = source_vocab()
    if not sources or not labels:
        return []
    for r in rows:
        toks = normalize(" ".join(r.cells)).split()
        for i, t in enumerate(toks):
            if sources.get(key(t)) != "source" or (head := _source_header(toks, i)) is None:
                continue
            cols, j = head
            unit = _UNIT_NOTE.search(" ".join(toks[i:j]))
            scale = UNIT_TO_WAN[unit.group(1)] if unit else Decimal(1)
            values: list[str] = []
            label = None
            while j < len(toks) and len(values) < len(cols):
                t = toks[j]
                if j + 1 < len(toks) and toks[j + 1] == "%":
                    t, j = t + " %", j + 1  # the rate as printed: `100 %`
                if is_valueish(t):
                    values.append(t)
                elif re.search(r"\d", t):
                    break
                elif label is None and key(t) in labels:
                    label = t
                j += 1
            if label is None or not values:
                return []
            kinds = [placement.Column(c, lambda v, c=c: _type_ok("execution_rate_pct" if c == "execution_rate_pct"
                                                                 else "executed_wan", v)) for c in cols]
            cands = placement.candidates(values, kinds, _source_identities(cols, len(values)))
            agreed = {c: cands[0][c] for c in cols if cands and c in cands[0] and all(m.get(c) == cands[0][c] for m in cands)}
            fields = {("budget_full_year_wan" if c.startswith("total:") else c): v for c, v in agreed.items()
                      if not c.startswith("source:")}
            if not fields:
                warnings.append(f"line {r.line.lineno}: funds row {label!r}: {len(values)} values could not be placed "
                                f"under the {len(cols)} source columns ({len(cands)} placements); landed unaligned")
                return [fund_record(seq=1, line=r.line, fund_source="total", fund_label=label,
                                    printed={"unaligned": " ".join(values)})]
            rest = list(values)
            for v in agreed.values():
                rest.remove(v)
            printed = {**fields, "alignment": "identities, agreed by every placement"}
            if rest:
                printed["unaligned"] = " ".join(rest)
            amounts = {f: (num(v) if f == "execution_rate_pct" else _wan(v, scale)) for f, v in fields.items()}
            return [fund_record(seq=1, line=r.line, fund_source="total", fund_label=label, printed=printed, **amounts)]
    return []
