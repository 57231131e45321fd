"""Indicator values of performance self-evaluations, and what the evaluation parsers share.

`parse_value("≥400户")` -> comparator '>=', number 400, unit '户'. Qualitative values (良好, 及时,
达成预期指标) and dates stay text: no number. A range `60-70户` is comparator 'between' with a low
and a high number. `achieved()` compares target and actual only when their units agree.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from loaders.model import Line, squash
from loaders.numbers import normalize, parse_amount

GE, LE, EQ, GT, LT, BETWEEN = ">=", "<=", "=", ">", "<", "between"

_SYMBOLS = [("≥", GE), (">=", GE), ("≤", LE), ("<=", LE), ("=", EQ), (">", GT), ("<", LT)]
_WORD_PREFIX = [("不低于", GE), ("不少于", GE), ("大于等于", GE), ("不超过", LE), ("不高于", LE), ("不多于", LE),
                ("小于等于", LE), ("大于", GT), ("高于", GT), ("超过", GT), ("小于", LT), ("低于", LT), ("等于", EQ)]
_WORD_SUFFIX = [("以上", GE), ("以内", LE), ("以下", LE)]
_NUMBER = r"[0-9]+(?:[.,][0-9]+)*"
_VALUE = re.compile(rf"^({_NUMBER})\s*(.*)$")
_RANGE = re.compile(rf"^({_NUMBER})\s*[-~～—至]\s*({_NUMBER})\s*(.*)$")
_DATE = re.compile(r"\d{4}\s*[-./年]\s*\d{1,2}|^(?:19|20)\d{2}年|\d{1,2}月|年底|年内|年初|前$|之前")
# a unit: short, no digits, no sentence words
_UNIT = re.compile(r"^[^\d\s，,。；;：:]{0,8}$")

# "(2023年度)" / "(2020 年度)" under a form's title
FORM_YEAR = re.compile(r"[（(]\s*(\d{4})\s*年度?\s*[)）]")


def form_year(lines) -> int | None:
    """The year printed under a form's title, "(2023年度)", in the first of `lines`."""
    for ln in lines:
        if m := FORM_YEAR.search(normalize(ln.text)):
            return int(m.group(1))
    return None


@dataclass(frozen=True)
class Value:
    text: str
    comparator: str | None = None
    number: Decimal | None = None
    high: Decimal | None = None
    unit: str | None = None

    @property
    def is_numeric(self) -> bool:
        return self.number is not None


def _dec(s: str) -> Decimal | None:
    a = parse_amount(s)
    return a.value if a.is_value else None


def parse_value(text: str | None) -> Value:
    """Comparator, number and unit of a printed indicator value; text only when it is qualitative."""
    raw = (text or "").strip()
    s = unicodedata.normalize("NFKC", raw).replace(" ", "").replace("\u3000", "")
    if not s:
        return Value(raw)
    comp = None
    for sym, c in _SYMBOLS:
        if s.startswith(sym):
            comp, s = c, s[len(sym):]
            break
    if comp is None:
        for word, c in _WORD_PREFIX:
            if s.startswith(word):
                comp, s = c, s[len(word):]
                break
    if _DATE.search(s):
        return Value(raw)  # a date or deadline stays text
    m = _RANGE.match(s)
    if m and comp is None:
        lo, hi, unit = _dec(m.group(1)), _dec(m.group(2)), m.group(3)
        unit = unit or None
        if lo is not None and hi is not None and (unit is None or _UNIT.match(unit)):
            return Value(raw, BETWEEN, lo, hi, unit)
        return Value(raw)
    m = _VALUE.match(s)
    if not m:
        return Value(raw)
    number, unit = _dec(m.group(1)), m.group(2)
    for word, c in _WORD_SUFFIX:
        if unit.endswith(word):
            unit = unit[: -len(word)]
            comp = comp or c
            break
    if number is None or not _UNIT.match(unit):
        return Value(raw)
    return Value(raw, comp, number, None, unit or None)


def _same_unit(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


_COMPLETION = re.compile(r"^(?:已?完成|未完成.*|达成预期指标?|已达成)$")


def achieved(target: Value, actual: Value, completion: str | None = None) -> bool | None:
    """True/False from the numbers when target and actual are comparable (same unit or unit-less),
    else from a completion column (已完成/完成 -> True, 未完成 -> False), else None."""
    if target.is_numeric and actual.is_numeric and _same_unit(target.unit, actual.unit):
        t, a, c = target.number, actual.number, target.comparator
        if actual.comparator == c and a == t and c is not None:
            return True  # the actual printed with the target's own bound (>95% for >95%)
        if c == GE:
            return a >= t
        if c == GT:
            return a > t
        if c == LE:
            return a <= t
        if c == LT:
            return a < t
        if c == BETWEEN:
            return t <= a <= target.high
        if c == EQ:
            return a == t
        if a == t:
            return True  # no comparator printed: met when equal, direction unknown otherwise
    word = squash(completion or "")
    if word:
        if word.startswith("未完成") or word.startswith("未达"):
            return False
        if word in ("已完成", "完成", "达成预期指标", "达成预期指", "已达成") or word.startswith("已完成"):
            return True
    return None


# --------------------------------------------------------------------------- shared helpers

GRADES = ("优秀", "良好", "合格", "不合格", "优", "良", "中", "差")


@lru_cache(maxsize=1 << 16)
def num(text: str | None) -> Decimal | None:
    """A printed score, weight or rate as Decimal (a trailing % dropped); None for blank or words."""
    s = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "")
    if s.endswith("%"):
        s = s[:-1]
    if s.endswith("分"):
        s = s[:-1]
    a = parse_amount(s)
    return a.value if a.is_value else None


def grade_of(text: str | None) -> str | None:
    s = squash(text or "").strip(":：\"“”")
    return s if s in GRADES else None


def nonempty(line: Line) -> list[tuple[int, str]]:
    return [(c.col, c.text.strip()) for c in line.cells if c.text.strip()]


def printed_json(d: dict) -> str:
    return json.dumps({k: v for k, v in d.items() if v not in (None, "")}, ensure_ascii=False, sort_keys=True)


@dataclass
class EvaluationRecords:
    """One evaluation form: its `evaluations` row and the rows of the three child tables."""
    evaluation: dict
    funds: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    score_items: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # counts of a department's basic facts (机构/人员: 内设机构 N个, 编制人员 N人), see count_record
    counts: list[dict] = field(default_factory=list)
    # figures stated in the goal block's sentences (年度总体目标: 预期目标 / 实际完成情况), see goal_record
    goals: list[dict] = field(default_factory=list)


def indicator_record(*, seq: int, line: Line, level1: str | None, level2: str | None, name: str | None,
                     target_initial: str | None, target: str | None, actual: str | None,
                     weight: str | None = None, score: str | None = None, completion: str | None = None,
                     deviation: str | None = None, aligned: bool = True, comparator: str | None = None,
                     unit: str | None = None) -> dict:
    """An `eval_indicators` row (without eval_id/doc_id, added by the caller). `comparator`/`unit`:
    printed apart from a bare-number target (their own column, or the indicator's label)."""
    tv = parse_value(target if target else target_initial)
    if tv.is_numeric and (comparator or unit):
        tv = Value(tv.text, tv.comparator or comparator, tv.number, tv.high, tv.unit or unit)
    av = parse_value(actual)
    words = [w for w in (completion, actual if not av.is_numeric else None) if w and _COMPLETION.match(squash(w))]
    completion_word = words[0] if words else completion
    return {
        "seq": seq, "level1": level1 or None, "level2": level2 or None, "indicator_name": name or None,
        "target_initial_text": target_initial or None, "target_text": target or None, "actual_text": actual or None,
        "comparator": tv.comparator, "target_value": tv.number, "target_value_high": tv.high,
        "actual_value": av.number, "value_unit": (tv.unit or av.unit) if tv.is_numeric else av.unit,
        "weight": num(weight), "weight_text": weight or None, "score": num(score), "score_text": score or None,
        "completion_text": completion or None, "is_achieved": achieved(tv, av, completion_word),
        "deviation_reason": deviation or None, "aligned": aligned,
        "page": line.page, "line": line.lineno, "source_ref": line.source_ref,
    }


def score_item_record(*, seq: int, line: Line, section: str | None, criterion: str | None,
                      sub_criterion: str | None, weight: str | None, score: str | None, note: str | None = None) -> dict:
    return {"seq": seq, "section": section or None, "criterion": criterion or None,
            "sub_criterion": sub_criterion or None, "weight": num(weight), "weight_text": weight or None,
            "score": num(score), "score_text": score or None, "note": note or None, "aligned": True,
            "page": line.page, "line": line.lineno, "source_ref": line.source_ref}


def count_record(*, seq: int, line: Line, section: str | None, label: str, value: str, unit: str | None,
                 printed: str) -> dict:
    """An `eval_counts` row: one count of a department's basic facts (编制人员 205人) as printed."""
    return {"seq": seq, "section": section or None, "label": label, "count_value": num(value), "count_unit": unit or None,
            "printed_text": printed, "page": line.page, "line": line.lineno, "source_ref": line.source_ref}


def goal_record(*, seq: int, line: Line, section: str | None, column_label: str | None, goal_no: int | None,
                subject: str, printed: str, unit: str | None, kind: str, statement: str) -> dict:
    """An `eval_goals` row: one figure of the goal block's statements, under its column (kind `target`:
    预期目标, `actual`: 实际完成情况), with what its clause says it measures (`subject`)."""
    v = parse_value(printed)
    return {"seq": seq, "section": section or None, "column_label": column_label or None, "goal_no": goal_no,
            "subject": subject, "target_text": printed if kind == "target" else None,
            "actual_text": printed if kind == "actual" else None, "comparator": v.comparator, "value": v.number,
            "value_unit": unit or v.unit, "statement_text": statement, "page": line.page, "line": line.lineno,
            "source_ref": line.source_ref}


def finish(doc_id: str, n: int, rec: EvaluationRecords) -> EvaluationRecords:
    """Stamp eval_id/doc_id on every row of a form (n = 1-based order of the form in the document)."""
    eval_id = f"{doc_id}:{n}"
    rec.evaluation["eval_id"], rec.evaluation["doc_id"] = eval_id, doc_id
    for rows in (rec.funds, rec.indicators, rec.score_items, rec.counts, rec.goals):
        for r in rows:
            r["eval_id"], r["doc_id"] = eval_id, doc_id
    return rec


EVAL_COLUMNS = ("eval_id", "doc_id", "form", "scope", "project_name", "unit_name", "unit_code", "department_name",
                "department_code", "project_attribute", "project_period", "fiscal_year", "total_score",
                "total_score_text", "grade", "grade_text", "evaluator", "fill_date", "annual_goal", "actual_result",
                "page", "line_start", "line_end", "source_ref", "complete", "total_weight")


def evaluation_record(**kw) -> dict:
    rec = {c: None for c in EVAL_COLUMNS}
    rec.update(kw)
    return rec


def fund_record(*, seq: int, line: Line, fund_source: str, fund_label: str | None, printed: dict, **amounts) -> dict:
    rec = {"seq": seq, "fund_source": fund_source, "fund_label": fund_label,
           "budget_initial_declared_wan": None, "budget_initial_wan": None, "budget_full_year_wan": None,
           "funds_received_wan": None, "executed_wan": None, "balance_wan": None, "carryover_prior_wan": None,
           "adjustment_wan": None, "other_adjustment_wan": None, "execution_rate_pct": None, "funds_received_rate_pct": None,
           "execution_weight": None, "execution_score": None, "printed": printed_json(printed), "parent_source": None,
           "page": line.page, "line": line.lineno, "source_ref": line.source_ref}
    rec.update(amounts)
    return rec
