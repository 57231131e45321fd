"""The 说明 (narrative) of a 决算 or 预算 document: every figure it states, with what it is about.

A narrative restates the tables in sentences (`本年支出合计3858.81万元,其中:基本支出3702.91万元,占95.96%`).
Each `<number><unit>` (万元/元/%/辆/个) becomes one figure with
- `item`: the last item phrase before it (`seeds/narrative_items.csv`; function classes from
  `function_subjects.csv`), skipping parentheses already closed and the base named after 占;
- `measure`: the last cue word between the previous figure and this one (`seeds/narrative_measures.csv`):
  current, prior_year, budget, change (with direction up/down/flat), change_pct, share_pct,
  completion_pct, count. A figure with no cue is the document's own year: `current` in a 决算,
  `budget` in a 预算 document.
Beside each figure the parser records what the identities of the narrative need (references by
`figure_no`): a percentage's numerator and denominator, a change's level and stated base, a 其中
list's head (`list_head_no`), and comparison sentences (`决算数大于年初预算数`) as `measure = 'comparison'`.
The arithmetic is done by the rules (FA-070…073), never here.

Input lines are joined into paragraphs (PDF text wraps mid-word and spaces CJK characters apart);
every figure keeps the line it was printed on (`source_ref`) and its printed text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from loaders.model import Line, SourceDoc
from loaders.numbers import half_unit_wan, parse_amount, to_wan
from loaders.reference import _rows

PARSER_NAME = "narrative"
PARSER_VERSION = "4"  # 2: a run of table cells joined into one token is no figure; 3: totals scoped by their chapter;
# 4: a change percentage keeps its change's base; 定额 qualifies an item; a clause 无 under an amount's words states 0

MONEY = {"万元", "元", "千元", "亿元"}
_FIGURE = re.compile(r"(?<![\d.])(\d[\d,]*(?:\.\d+)?)(万元/人|元/人|万元|亿元|千元|元|%|辆|个|批次|人次|人(?!员|民)|万$)")
COUNTS = {"辆", "个", "批次", "人次", "人"}
_HEADING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[、.](?!\d)|[①-⑳])")
_DROP = re.compile(r"[\s“”\"'‘’「」『』]")
_YEAR = re.compile(r"(20\d{2})年")
_CHAPTER = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)")
_COMPARISON = re.compile(r"(大于|小于|高于|低于|超过|少于|等于|持平于?)(?:年初)?预算")
_NOT_CUE = re.compile(r"一般公共预算|预算法|预算管理|预决算|部门预算|预算单位|预算绩效")
_SENTENCE_END = "。;!?"
_CLAUSE_END = ",;:、。!?"
# words that may stand between an item and its figure without naming another subject
_FILLER = re.compile(r"20\d{2}年度?|全年|本年度?|上年度?|去年|同比|相比|比|较|与|和|为|是|共计?|合计|总计|累计|总额|支出|"
                     r"收入|金额|万元|元|数|其中|分别|实际|年初|预算|决算|增加|减少|增长|下降|上升|上涨|降低|的|达到?|约|占|完成|持平|"
                     r"无增减|无变化|主要|安排|费用?|经费|定额|本部门|本单位|情况|如下|[^\u4e00-\u9fff]")
_SHARE_OF = re.compile(r"占[^,;。%]*?\d[\d.]*%")  # 占政府采购预算的52.55%: names the whole, not the next subject
_SUBJECT_START = {"支出": "expenditure_total", "收入": "income_total"}
_NONE_STATED = re.compile(r"(?<=[。:])无(?=[。;]?$)")  # 2、关于政府采购支出情况。无。
NOT_AMOUNTS = {"vehicles", "vehicle_category", "vehicles_purchased", "subordinate_units", "evaluated_projects"}
COUNT_ONLY = {"vehicles_purchased"}  # items that are only ever a count (计划购置0辆)


@dataclass
class Figure:
    no: int
    para: int
    pos: int  # offset in the paragraph text
    end: int
    section: str | None
    item: str | None
    phrase: str | None
    measure: str
    value: Decimal
    decimals: int
    unit: str
    printed: str
    line: Line
    direction: str | None = None
    base: str | None = None  # change: prior_year | budget
    base_item: str | None = None  # share: the whole named after 占
    num_no: int | None = None
    den_no: int | None = None
    den_kind: str | None = None  # figure | level_minus_change
    list_head_no: int | None = None
    in_parens: bool = False
    chapter: str | None = None
    quote: str = ""  # the words a finding quotes: the figure's clause, from its first operand's clause
    named: bool = False  # its own clause names the item (not carried over from before)
    repeat_of: int | None = None  # an earlier figure of the same item and measure in the same chapter

    @property
    def is_level(self) -> bool:
        return self.measure in ("current", "budget", "prior_year")


@dataclass
class _Para:
    text: str
    lines: list[Line]  # the line of each character
    offsets: list[int]  # each character's offset in its line's text
    section: str | None
    chapter: str | None = None
    carry_item: str | None = None  # an item named by a preceding line that ends with ':'


@lru_cache(maxsize=None)
def item_phrases() -> list[tuple[str, str]]:
    """(phrase, item), longest first: the seed's phrases and the level-1 function classes."""
    rows = [(_norm(r["phrase"]), r["item"]) for r in _rows("narrative_items.csv")]
    rows += [(_norm(r["name"]), f"function:{r['code']}") for r in _rows("function_subjects.csv") if r["level"] == "1"]
    return sorted(set(rows), key=lambda x: -len(x[0]))


@lru_cache(maxsize=None)
def measure_cues() -> list[tuple[str, str, str]]:
    return sorted(((_norm(r["cue"]), r["measure"], r["direction"]) for r in _rows("narrative_measures.csv")),
                  key=lambda x: -len(x[0]))


@lru_cache(maxsize=None)
def scopes() -> list[tuple[str, str, str]]:
    return [(r["section_word"], r["item"], r["scoped_item"]) for r in _rows("narrative_scopes.csv")]


@lru_cache(maxsize=None)
def parts_of() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in _rows("narrative_parts.csv"):
        out.setdefault(r["total_item"], set()).add(r["part_item"])
    return out


@lru_cache(maxsize=None)
def families() -> dict[tuple[str, str], str]:
    """(total, part) -> the decomposition the part belongs to (by type, by function class, by source…):
    a 其中 list never mixes two."""
    return {(r["total_item"], r["part_item"]): r["family"] for r in _rows("narrative_parts.csv")}


def family(total: str, part: str) -> str | None:
    return families().get((total, "function:*" if part.startswith("function:") else part))


def is_part(total: str | None, item: str | None) -> bool:
    parts = parts_of().get(total or "", set())
    return bool(item) and (item in parts or (item.startswith("function:") and "function:*" in parts))


def _norm(s: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", s or ""))


def _paragraphs(lines: list[Line]) -> list[_Para]:
    paras: list[_Para] = []
    chars: list[str] = []
    owners: list[Line] = []
    offs: list[int] = []
    section: str | None = None
    chapter: str | None = None
    carry: str | None = None

    def close():
        nonlocal chars, owners, offs, carry
        if chars:
            text = "".join(chars)
            paras.append(_Para(text, owners, offs, section, chapter, carry_item=carry))
            carry = _last_item(text) if text.endswith(":") else None
        chars, owners, offs = [], [], []

    for ln in lines:
        raw = unicodedata.normalize("NFKC", ln.text)
        kept = [(ch, k) for k, ch in enumerate(raw) if not _DROP.match(ch)]
        t = "".join(ch for ch, _ in kept)
        if not t:
            continue
        if _HEADING.match(t):
            close()
            head = re.split(r"[。:,;]", t, maxsplit=1)[0][:40]
            section = head
            if _CHAPTER.match(t):
                chapter = head
            carry = None
        chars.extend(t)
        owners.extend([ln] * len(t))
        offs.extend(k for _, k in kept)
        if t[-1] in "。!?" or (_HEADING.match(t) and not _FIGURE.search(t)) or len(t) < 30 and not _FIGURE.search(t):
            close()
    close()
    return paras


def _last_item(text: str) -> str | None:
    hit = _item_at(text, len(text))
    return hit[1] if hit else None


def _strip_closed_parens(text: str) -> str:
    """The text with every closed (...) group blanked out (same length, so offsets hold)."""
    prev = None
    while prev != text:
        prev = text
        text = re.sub(r"\([^()]*\d[^()]*\)", lambda m: "#" * len(m.group(0)), text)
    return text


def _item_at(text: str, end: int) -> tuple[int, str, str] | None:
    """(start, item, phrase) of the item phrase that ends last before `end`; of two overlapping
    phrases the one that starts first (三公经费支出决算 is 三公, not 支出决算)."""
    visible = _SHARE_OF.sub(lambda m: "#" * len(m.group(0)), _strip_closed_parens(text[:end]))
    best = None
    for phrase, item in item_phrases():
        i = visible.rfind(phrase)
        if i < 0:
            continue
        cand = (i + len(phrase), i, phrase, item)
        if best is None or cand[0] > best[0] or (cand[0] == best[0] and len(phrase) > len(best[2])):
            best = cand
    if best is None:
        return None
    stop, start, phrase, item = best
    # an earlier phrase that overlaps or touches the chosen one names it better (公务接待费 in
    # 公务接待费支出预算, 三公经费 in 三公经费支出决算)
    for p2, it2 in item_phrases():
        i = visible.rfind(p2, max(0, start - len(p2)), start + len(p2) - 1)
        if 0 <= i < start and i + len(p2) >= start:
            return i, it2, p2
    return start, item, phrase


def _cue(segment: str, year: int | None, pct: bool = False) -> tuple[str | None, str | None, int]:
    """(measure, direction, position) of the last cue word in a segment; a year before the
    document's is a prior-year cue. A percentage reads only share, completion and change cues."""
    seg = _NOT_CUE.sub(lambda m: "#" * len(m.group(0)), segment)
    best: tuple[int, str, str] | None = None
    for cue, measure, direction in measure_cues():
        if pct and measure not in ("share_pct", "completion_pct", "change"):
            continue
        i = seg.rfind(cue)
        if i >= 0 and (best is None or i + len(cue) > best[0]):
            best = (i + len(cue), measure, direction or None)
    if year and not pct:
        for m in _YEAR.finditer(seg):
            y = int(m.group(1))
            if y < year and (best is None or m.end() > best[0]):
                best = (m.end(), "prior_year", None)
    if best is None:
        return None, None, -1
    return best[1], best[2], best[0]


def _base_of_change(segment: str, year: int | None) -> str:
    seg = _NOT_CUE.sub("#", segment)
    if re.search(r"上年|去年|同比|上一年", seg) or (year and any(int(y) < year for y in _YEAR.findall(seg))):
        return "prior_year"
    if "预算" in seg:
        return "budget"
    return "prior_year"


def _printed(p: _Para, start: int, end: int) -> str:
    """The figure as printed on its line, spaces kept (`30.66 万元`); in traditional script
    (`502.4 萬元`) when the reader normalised the line."""
    ln = p.lines[start]
    last = max(k for k in range(start, end) if p.lines[k] is ln)
    text = unicodedata.normalize("NFKC", ln.text)
    shown = text[p.offsets[start]:p.offsets[last] + 1]
    printed = " ".join(c.as_printed for c in ln.cells if c.as_printed.strip())
    if printed != ln.text:  # normalised: the same digits in the printed line, same occurrence
        printed = unicodedata.normalize("NFKC", printed)
        number = _FIGURE.match(shown.replace(" ", ""))
        if number:
            unit = r"(?:\s*\S(?:\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\))?){%d}" % len(number.group(2))
            pat = r"(?<![\d.,])" + r"\s*".join(re.escape(ch) for ch in number.group(1)) + unit
            nth = len(re.findall(pat, text[:p.offsets[start]]))
            hits = list(re.finditer(pat, printed))
            if len(hits) > nth:
                return hits[nth].group(0)
    return shown


def parse_narrative(doc: SourceDoc, lines: list[Line], doc_year: int | None, doc_kind: str) -> list[dict]:
    """Every figure of the narrative lines, as raw `narrative_figures` records."""
    default_measure = "budget" if doc_kind == "budget" else "current"
    figures: list[Figure] = []
    comparisons: list[dict] = []
    paras = _paragraphs(lines)
    for pn, p in enumerate(paras):
        prev_end = 0
        for m in _FIGURE.finditer(p.text):
            number, unit = m.group(1), m.group(2)
            if unit == "万":  # a text cut right after 万 (excerpts end mid-word)
                unit = "万元"
            a = parse_amount(number)
            if not a.is_value or a.decimals > 6:
                # more decimals than any stated figure carries: table cells run together into one
                # token when a table's text was joined into the paragraph (`3681.5 423 423 1000%`)
                continue
            segment = p.text[prev_end:m.start()]
            seg_offset = prev_end
            prev_end = m.end()
            share_at = segment.rfind("占") if unit == "%" else -1
            item_end = m.start() if share_at < 0 else seg_offset + share_at
            hit = _item_at(p.text, item_end)
            item, phrase = (hit[1], hit[2]) if hit else (p.carry_item, None)
            clause_start = max(p.text.rfind(c, 0, item_end) for c in _CLAUSE_END) + 1
            gap = _strip_closed_parens(p.text[max(clause_start, hit[0] + len(hit[2]) if hit else 0):item_end])
            words = _FILLER.sub("", gap)
            if hit is None or hit[0] + len(hit[2]) <= clause_start:
                lead = p.text[clause_start:clause_start + 2]
                if lead in _SUBJECT_START and (clause_start == 0 or p.text[clause_start - 1] in "。:"):
                    item, phrase, words = _SUBJECT_START[lead], lead, ""
            if len(words) >= 2:  # the words before the figure name something the vocabulary does not know
                item, phrase = None, None
            elif hit and hit[0] + len(hit[2]) <= clause_start:
                # an item named in an earlier clause carries over only when the figure before this one
                # (outside brackets) is that item's: 基本支出952.50万元,比上年增加39.77万元
                last = next((f for f in reversed(figures) if f.para == pn and not f.in_parens), None)
                labelled = p.text.startswith(":", hit[0] + len(hit[2]))  # (二)支出预算:2023年年初预算数1643.29万元
                if not labelled and (last is None or last.item != item):
                    item, phrase = None, None
            for word, generic, scoped in scopes():  # 收支总计 under 四、财政拨款收入支出决算总体情况说明
                # the heading over the figure, or the chapter it belongs to (七、政府性基金…情况说明 /
                # 1.其他支出（类）…: 本年支出决算 is the fund's, not the unit's)
                if item == generic and (word in (p.section or "") or word in (p.chapter or "")):
                    item = scoped
                    break
            if unit == "个":  # 6个事业单位: a count names its item after the number
                after = _item_at(p.text[m.end():m.end() + 12], 12)
                if after:
                    item, phrase = after[1], after[2]
            if item in COUNT_ONLY and unit not in COUNTS:
                item, phrase = None, None  # 计划购置设备…万元: vehicles bought are counted, an amount is something else
            # cue words count after the item phrase when it lies in this segment
            cue_from = max(0, hit[0] + len(hit[2]) - seg_offset) if hit and hit[0] >= seg_offset else 0
            measure, direction, _ = _cue(segment[cue_from:], doc_year, pct=unit == "%")
            base = base_item = None
            if unit == "%":
                if measure == "share_pct":
                    named = _item_at(segment[share_at:], len(segment) - share_at)
                    base_item = named[1] if named else None
                    if base_item is None and doc_kind != "budget" and "预算" in _NOT_CUE.sub("#", segment[share_at:]):
                        measure = "completion_pct"  # 占总预算比为66.22%: 决算 / 预算
                elif measure == "change":
                    measure = "change_pct"
                elif measure not in ("completion_pct",):
                    last = figures[-1] if figures and figures[-1].para == pn else None
                    measure = "change_pct" if last and last.measure == "change" and not segment.strip("()") else "share_pct"
                    if measure == "change_pct":
                        direction, base = last.direction, last.base
            elif unit in COUNTS:
                own = _cue(p.text[clause_start:m.start()], doc_year)[0]
                measure = "change" if own == "change" else "count"
            elif measure in (None, "share_pct", "completion_pct"):
                before = next((f for f in reversed(figures) if f.para == pn and f.is_level), None)
                same_sentence = before is not None and not any(c in p.text[before.end:m.start()] for c in "。")
                measure = before.measure if same_sentence and before.measure == "budget" else default_measure
            if measure in ("budget", "current") and doc_year and \
                    any(int(y) < doc_year for y in _YEAR.findall(p.text[clause_start:m.start()])):
                measure = "prior_year"  # 比2025年年初预算数44021.20万元: last year's budget
            if measure == "change_pct" and base is None and figures and figures[-1].para == pn \
                    and figures[-1].measure == "change" and not _YEAR.search(segment):
                base = figures[-1].base  # 比预算数减少1188万元,下降23.70%: the change's base
            if measure in ("change", "change_pct") and base is None:
                base = _base_of_change(segment, doc_year)
            if measure == "change_pct" and direction is None:
                prev = figures[-1] if figures else None
                direction = prev.direction if prev and prev.measure == "change" else None
            depth = p.text[:m.start()].count("(") - p.text[:m.start()].count(")")
            figures.append(Figure(len(figures) + 1, pn, m.start(), m.end(), p.section, item, phrase, measure,
                                  a.value, a.decimals, unit, _printed(p, m.start(), m.end()),
                                  p.lines[m.start()], direction, base, base_item, in_parens=depth > 0,
                                  named=bool(hit) and hit[0] >= clause_start))
        # 关于政府采购支出情况。无。: a clause that is only 无, under words naming an amount, states none
        for wm in _NONE_STATED.finditer(p.text):
            hit = _item_at(p.text, wm.start())
            if hit is None or hit[1] in NOT_AMOUNTS or any(f.para == pn for f in figures) \
                    or _FILLER.sub("", p.text[hit[0] + len(hit[2]):wm.start()]):
                continue
            figures.append(Figure(len(figures) + 1, pn, wm.start(), wm.end(), p.section, hit[1], hit[2],
                                  default_measure, Decimal(0), 2, "万元", wm.group(0), p.lines[wm.start()], named=True))
        # 无增减 / 持平 without a figure: a change of 0, stated in words
        for fm in re.finditer(r"无增减|持平|无变化|未发生增减变动", p.text):
            if _COMPARISON.match(p.text[fm.start():]):
                continue
            here = [f for f in figures if f.para == pn and f.pos < fm.start()]
            level = next((f for f in reversed(here) if f.is_level), None)
            if level is None or any(f.measure == "change" and f.pos > level.pos for f in here):
                continue
            hit = _item_at(p.text, fm.start())
            figures.append(Figure(len(figures) + 1, pn, fm.start(), fm.end(), p.section, hit[1] if hit else p.carry_item,
                                  hit[2] if hit else None, "change", Decimal(0), 2, "万元", fm.group(0),
                                  p.lines[fm.start()], "flat", _base_of_change(p.text[level.end:fm.start()], doc_year)))
        for cm in _COMPARISON.finditer(p.text):
            hit = _item_at(p.text, cm.start())
            comparisons.append({"para": pn, "pos": cm.start(), "item": hit[1] if hit else p.carry_item,
                                "word": cm.group(1), "line": p.lines[cm.start()], "section": p.section,
                                "sentence": _sentence(p.text, cm.start())})
    figures.sort(key=lambda f: (f.para, f.pos))
    for n, f in enumerate(figures, start=1):
        f.no = n
    for f in figures:
        f.chapter = paras[f.para].chapter
    _link(figures, paras, doc_kind)
    for f in figures:
        f.quote = _quote(paras[f.para].text, figures, f)
    return [_record(doc, f, paras) for f in figures] + _comparisons(doc, comparisons, figures)


def _quote(text: str, figures: list[Figure], f: Figure) -> str:
    first = f
    if f.num_no is not None and figures[f.num_no - 1].para == f.para and f.measure.endswith("_pct"):
        first = figures[f.num_no - 1]
    start = max(text.rfind(c, 0, first.pos) for c in _CLAUSE_END) + 1
    ends = [i for i in (text.find(c, f.end) for c in _CLAUSE_END) if i >= 0]
    return text[start:(min(ends) if ends else len(text))][:200]


def _sentence(text: str, pos: int) -> str:
    start = max(text.rfind(c, 0, pos) for c in _SENTENCE_END) + 1
    ends = [i for i in (text.find(c, pos) for c in _SENTENCE_END) if i >= 0]
    return text[start:(min(ends) + 1 if ends else len(text))][:300]


def _latest(figures: list[Figure], upto: int, item: str | None, measures: tuple[str, ...]) -> Figure | None:
    for f in reversed(figures[:upto]):
        if f.item == item and f.measure in measures:
            return f
    return None


# totals a 决算 说明 may restate in several subsections of one chapter (FA-072 repeat)
AGGREGATES = {"grand_total", "income_total", "expenditure_total", "fiscal_total", "fiscal_income", "fiscal_expenditure",
              "gpb_expenditure", "three_public_total"}


def _link(figures: list[Figure], paras: list[_Para], doc_kind: str) -> None:
    """The operands each identity of the narrative needs, by figure number."""
    for i, f in enumerate(figures):
        if f.item is None or f.unit.endswith("/人"):
            continue  # a figure of something the vocabulary does not know, or a rate per head, is compared with nothing
        if f.measure == "change":
            lvl = _latest(figures, i, f.item, ("current", "budget"))
            if lvl is not None and lvl.list_head_no is not None and not f.named and \
                    lvl.no == max(m.no for m in figures if m.list_head_no == lvl.list_head_no) and \
                    not any(c.measure == "change" and c.num_no == lvl.list_head_no for c in figures[:i]):
                continue  # 其中:A, B, 同比增加X — X may be the total's change or B's: not said
            if lvl is not None and (lvl.para == f.para or lvl.section == f.section):
                f.num_no = lvl.no
                base = _latest(figures, i, f.item, ("prior_year",) if f.base == "prior_year" else ("budget",))
                if base is not None and base.para == f.para and base.no != lvl.no:
                    f.den_no, f.den_kind = base.no, "figure"
        elif f.measure == "change_pct":
            ch = figures[i - 1] if i and figures[i - 1].measure == "change" and figures[i - 1].para == f.para else None
            if ch is not None and ch.item == f.item and ch.direction in ("up", "down", "flat"):
                f.num_no = ch.no
                if ch.den_no is not None:
                    f.den_no, f.den_kind = ch.den_no, "figure"
                elif ch.num_no is not None:
                    f.den_no, f.den_kind = ch.num_no, "level_minus_change"
        elif f.measure == "completion_pct":
            cur = _latest(figures, i, f.item, ("current",))
            bud = _latest(figures, i, f.item, ("budget",))
            if cur and bud and f.para - min(cur.para, bud.para) <= 1:
                f.num_no, f.den_no, f.den_kind = cur.no, bud.no, "figure"
        elif f.measure == "share_pct":
            part = figures[i - 1] if i and figures[i - 1].is_level and figures[i - 1].para == f.para else None
            if part is None:
                continue
            whole = None
            if f.base_item and f.base_item != part.item:
                whole = _latest(figures, i, f.base_item, (part.measure,))
                if whole is not None and paras[whole.para].section != paras[f.para].section:
                    whole = None  # 占一般公共预算项目支出总额的100%: a whole stated elsewhere may be another scope
            elif part.list_head_no is not None:
                whole = figures[part.list_head_no - 1]
            else:
                subj = _first_item(paras[f.para].text, f.pos)
                if subj and subj != part.item and is_part(subj, part.item):
                    whole = _latest(figures, i, subj, (part.measure,))
            if whole is not None and whole.no != part.no:
                f.num_no, f.den_no, f.den_kind = part.no, whole.no, "figure"
        if f.is_level:
            _open_list(figures, i, paras)
            same = _latest(figures, i, f.item, (f.measure,))
            if same is not None and same.chapter == f.chapter and f.chapter is not None and f.unit in MONEY \
                    and f.item in AGGREGATES and f.measure == "current" and doc_kind != "budget":
                f.repeat_of = same.no


def _first_item(text: str, pos: int) -> str | None:
    start = max(text.rfind(c, 0, pos) for c in "。") + 1
    for k in range(start, pos):
        hit = _item_at(text[:k + 1], k + 1)
        if hit and hit[0] >= start:
            return hit[1]
    return None


def _open_list(figures: list[Figure], i: int, paras: list[_Para]) -> None:
    """A level figure of a total followed by 其中 (or a bracket) opens a list: the level figures up to
    the end of that sentence (or bracket) are its parts. The list is dropped — never guessed — when a
    figure in it is of an unknown item, another measure, or not a part; when it mixes two
    decompositions; or when the next sentence goes on naming parts."""
    head = figures[i]
    if not parts_of().get(head.item or "") or head.unit not in MONEY:
        return
    rest = [f for f in figures[i + 1:] if f.is_level and f.unit in MONEY]
    stop = _list_end(paras, head, rest[0] if rest else None)
    if stop is None:
        return
    members: list[Figure] = []
    inside = [f for f in rest if (f.para, f.pos) < stop]
    for f in inside:
        if any(is_part(m.item, f.item) for m in members):
            continue  # a part of a part (公务用车购置费 under 公务用车购置及运行费)
        if f.item is None or f.measure != head.measure or f.item == head.item or not is_part(head.item, f.item):
            return
        if members and family(head.item, f.item) != family(head.item, members[0].item):
            return
        if any(m.item == f.item for m in members):
            continue
        members.append(f)
    after = next((f for f in rest if (f.para, f.pos) >= stop), None)
    if after is not None and paras[after.para].section == paras[head.para].section and is_part(head.item, after.item) \
            and not any(m.item == after.item or is_part(m.item, after.item) for m in members):
        return  # the parts go on in the next sentence: where the list ends is not said
    if len(members) < 2:
        return
    for m in members:
        if m.list_head_no is None:
            m.list_head_no = head.no


def _list_end(paras: list[_Para], head: Figure, nxt: Figure | None) -> tuple[int, int] | None:
    """(paragraph, offset) where the 其中 list after `head` ends: the bracket right after the figure
    closes, or the sentence ends (。outside brackets). None when neither a bracket right after the
    figure nor 其中 before the next level figure opens a list."""
    text = paras[head.para].text
    if text.startswith("(", head.end):
        marker, p, k = "(", head.para, head.end
    else:
        marker, p, k = None, head.para, head.end
        while p < len(paras):
            t = paras[p].text
            limit = nxt.pos if nxt is not None and nxt.para == p else len(t)
            at = t.find("其中", k, limit)
            if at >= 0:
                marker, k = "其中", at + 2
                break
            if nxt is not None and nxt.para == p:
                return None
            p, k = p + 1, 0
        if marker is None:
            return None
    depth = 0
    while p < len(paras):
        t = paras[p].text
        while k < len(t):
            ch = t[k]
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if marker == "(" and depth == 0:
                    return p, k
            elif ch == "。" and depth <= 0:
                return p, k
            k += 1
        if p + 1 < len(paras) and paras[p + 1].section != paras[p].section and \
                _level(paras[p + 1].section) <= _level(paras[head.para].section):
            return p + 1, 0  # a heading of the same or a higher level ends the list
        p, k = p + 1, 0
    return p, 0


_LEVELS = [re.compile(r"^第[一二三四五六七八九十]+部分"), re.compile(r"^[一二三四五六七八九十]+、"),
           re.compile(r"^\([一二三四五六七八九十]+\)"), re.compile(r"^\d{1,2}[、.](?!\d)"), re.compile(r"^\(\d{1,2}\)"),
           re.compile(r"^[①-⑳]")]


def _level(section: str | None) -> int:
    """How high a heading is: 第一部分 0, 一、 1, (一) 2, 1、 3, (1) 4, ① 5; no heading 6."""
    return next((n for n, rx in enumerate(_LEVELS) if section and rx.match(section)), len(_LEVELS))


def _record(doc: SourceDoc, f: Figure, paras: list[_Para]) -> dict:
    money = f.unit in MONEY  # 万元/人 (a rate per head) is not an amount
    return {
        "doc_id": doc.doc_id, "figure_no": f.no, "paragraph_no": f.para + 1, "section": f.section,
        "topic": _topic(f.item), "item": f.item, "item_phrase": f.phrase, "measure": f.measure,
        "direction": f.direction, "base": f.base, "base_item": f.base_item,
        "printed_text": f.printed, "value": f.value, "decimals": f.decimals, "unit": f.unit,
        "amount_wan": to_wan(f.value, f.unit) if money else None,
        "half_unit_wan": half_unit_wan(f.decimals, f.unit) if money else None,
        "num_no": f.num_no, "den_no": f.den_no, "den_kind": f.den_kind, "list_head_no": f.list_head_no,
        "repeat_of": f.repeat_of,
        "sentence": f.quote or _sentence(paras[f.para].text, f.pos),
        "page": f.line.page, "line": f.line.lineno, "source_ref": f.line.source_ref,
    }


def _comparisons(doc: SourceDoc, comparisons: list[dict], figures: list[Figure]) -> list[dict]:
    out = []
    for n, c in enumerate(comparisons, start=1):
        upto = sum(1 for f in figures if (f.para, f.pos) < (c["para"], c["pos"]))
        cur = _latest(figures, upto, c["item"], ("current",))
        bud = _latest(figures, upto, c["item"], ("budget",))
        if c["item"] is None and not (cur and bud and cur.para == bud.para == c["para"]):
            cur = bud = None  # 决算数小于预算数 about figures of an unknown item: only within its paragraph
        word = c["word"]
        direction = "up" if word in ("大于", "高于", "超过") else "down" if word in ("小于", "低于", "少于") else "flat"
        ln = c["line"]
        out.append({
            "doc_id": doc.doc_id, "figure_no": len(figures) + n, "paragraph_no": c["para"] + 1, "section": c["section"],
            "topic": _topic(c["item"]), "item": c["item"], "item_phrase": None, "measure": "comparison",
            "direction": direction, "base": "budget", "base_item": None, "printed_text": word + "预算",
            "value": None, "decimals": None, "unit": None, "amount_wan": None, "half_unit_wan": None,
            "num_no": cur.no if cur else None, "den_no": bud.no if bud else None,
            "den_kind": "figure" if cur and bud else None, "list_head_no": None, "repeat_of": None,
            "sentence": c["sentence"],
            "page": ln.page, "line": ln.lineno, "source_ref": ln.source_ref,
        })
    return out


def _topic(item: str | None) -> str | None:
    if not item:
        return None
    if item.startswith("procurement") or item.startswith("awarded"):
        return "procurement"
    if item in ("three_public_total", "outbound_travel", "vehicle_subtotal", "vehicle_purchase", "vehicle_operation", "reception"):
        return "three_public"
    return None


def narrative_year(lines: list[Line]) -> int | None:
    """The year a narrative reports on: the first `20xx年` of its title lines, else the most frequent."""
    years = [int(y) for ln in lines for y in _YEAR.findall(_norm(ln.text))]
    for ln in lines[:12]:
        m = _YEAR.search(_norm(ln.text))
        if m:
            return int(m.group(1))
    return max(set(years), key=years.count) if years else None


def item_figures(lines: list[Line]) -> int:
    """How many money figures follow an item phrase of the vocabulary: what makes text a 说明."""
    n = 0
    for p in _paragraphs(lines):
        for m in _FIGURE.finditer(p.text):
            hit = _item_at(p.text, m.start()) if m.group(2) in MONEY else None
            n += bool(hit) and m.start() - (hit[0] + len(hit[2])) <= 8
    return n


# publication defects a reader sees (FA-080 placeholders and dates, FA-081 punctuation)
_DOUBLED = re.compile(r"[,、;:。]{2,}")
_PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:X{2,}|x{3,}|×{2,}|某某)(?![A-Za-z])")
_DATED = re.compile(r"截[至止](20\d{2})年(?:12月31日|底|末)")
# a heading or title that names the year it reports on (`一、2023年度收入支出决算总体情况说明`, `2023年度部门决算`):
# short, no sentence inside, ends with what it is about
_HEADING_YEAR = re.compile(r"^[^,;。:]{0,24}?(20\d{2})年度?[^,;。:\d]{0,30}(?:决算|说明|情况|决算表)[。:]?$")
_COMPARED = re.compile(r"比|较|相比|上年|截[至止]|以来|至20")


def publication_defects(doc: SourceDoc, lines: list[Line], doc_year: int | None, doc_kind: str) -> list[dict]:
    """Doubled or stray punctuation (`。。`, `,、`), placeholders left in (`XX单位`, `XXX万元`) and, in a
    决算, a dated statement (`截至2023年12月31日`) or a heading (`一、2023年度收入支出决算总体情况说明`) of
    another year than the 2024 决算's."""
    out = []
    for ln in lines:
        t = unicodedata.normalize("NFKC", ln.text)
        found = [("punctuation", m) for m in _DOUBLED.finditer(re.sub(r"\s", "", t))]
        found += [("placeholder", m) for m in _PLACEHOLDER.finditer(t)]
        if doc_kind != "budget" and doc_year:
            found += [("date_year", m) for m in _DATED.finditer(re.sub(r"\s", "", t)) if int(m.group(1)) != doc_year]
            squashed = re.sub(r"\s", "", t)
            if (m := _HEADING_YEAR.match(squashed)) and int(m.group(1)) != doc_year and not _COMPARED.search(squashed):
                found.append(("heading_year", _YEAR.search(squashed, m.start(1))))
        for kind, m in found:
            src = m.string
            out.append({"doc_id": doc.doc_id, "defect": kind, "printed_text": m.group(0),
                        "context": re.sub(r"[\d.,%]*\d[\d.,%]*", "…", src[max(0, m.start() - 12):m.end() + 8]),
                        "expected": str(doc_year) if kind in ("date_year", "heading_year") else None,
                        "page": ln.page, "line": ln.lineno, "source_ref": ln.source_ref})
    return out


_UNIT_SUFFIX = re.compile(r"[(（](?:汇总|本级|部门汇总|单位汇总|部门|合并)[)）]$")


def header_defects(doc: SourceDoc, headers: list[tuple[Line, int | None, str | None]], doc_year: int | None,
                   doc_unit: str | None) -> list[dict]:
    """FA-080 in the tables: a table whose header prints another year than the document's
    (`2023年度收入支出决算总表` in the 2024 决算), or another unit than the other tables
    (`编制单位:` a name that is not the document's, nor contains it or is contained in it).
    headers: (title line, printed year, printed unit name) of each table."""
    out = []
    unit = _UNIT_SUFFIX.sub("", _norm(doc_unit or ""))
    for ln, year, name in headers:
        found = []
        if year and doc_year and year != doc_year:
            found.append(("table_year", f"{year}年", str(doc_year)))
        own = _UNIT_SUFFIX.sub("", _norm(name or ""))
        if own and unit and own not in unit and unit not in own:
            found.append(("table_unit", name, doc_unit))
        for kind, printed, expected in found:
            out.append({"doc_id": doc.doc_id, "defect": kind, "printed_text": printed,
                        "context": re.sub(r"[\d.,%]*\d[\d.,%]*", "…", _norm(ln.text))[:40],
                        "expected": expected, "page": ln.page, "line": ln.lineno, "source_ref": ln.source_ref})
    return out
