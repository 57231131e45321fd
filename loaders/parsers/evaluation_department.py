"""Department-wide self-evaluation form (晋中 `部门整体支出绩效自评表`, first form of 004).

Funds: 上年结转金额, 年初预算金额, 预算调整金额, 其他调整资金, 预算执行金额, 年末结余金额 (label/value pairs,
万元) -> one `eval_funds` row (fund_source 'total'). Score table (二级/三级, 参考分值, 设定分值,
计算分析情况, 评价得分) -> `eval_score_items`; 综合得分, 评价结果等次, 评价人员.

Not parsed: the income/expenditure table printed in 元 inside the narrative cell 预算执行情况.
"""
from __future__ import annotations

import json
import re

from loaders.model import Line, SourceDoc, squash
from loaders.numbers import normalize, parse_amount, to_wan
from loaders.parsers.indicators import (form_year, EvaluationRecords, evaluation_record, finish, fund_record, grade_of,
                                        nonempty, num, score_item_record)

PARSER_NAME = "evaluation_department"
PARSER_VERSION = "1"
FORM = "city_department"

_TITLE = "部门整体支出绩效自评表"
_SECTION = re.compile(r"^(投入|过程|产出|效果)[:：]?$")
_FUND_LABELS = (("上年结转", "carryover_prior_wan"), ("年初预算", "budget_initial_wan"),
                ("预算调整", "adjustment_wan"), ("其他调整", "other_adjustment_wan"),
                ("预算执行", "executed_wan"), ("年末结余", "balance_wan"))
_UNIT = re.compile(r"[（(]\s*(万元|元)\s*[)）]")


def find_forms(doc: SourceDoc) -> list[list[Line]]:
    lines = doc.nonblank()
    starts = [i for i, ln in enumerate(lines) if _TITLE in ln.squashed and len(nonempty(ln)) == 1]
    out = []
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        # the form ends where the next form's title starts (a project form follows in 004)
        stop = next((k for k in range(i + 1, end) if "绩效自评表" in lines[k].squashed), end)
        out.append(lines[i:stop])
    return out


def _parse_funds(body: list[Line]) -> list[dict]:
    printed: dict[str, str] = {}
    values: dict[str, object] = {}
    first_line = None
    for ln in body:
        cells = nonempty(ln)
        for k, (c, t) in enumerate(cells):
            label = squash(t)
            field = next((f for word, f in _FUND_LABELS if label.startswith(word) and "金额" in label or
                          label.startswith(word) and "资金" in label), None)
            if field is None or k + 1 >= len(cells):
                continue
            text = cells[k + 1][1]
            a = parse_amount(text)
            if not (a.is_value or a.state == "blank"):
                continue
            unit = _UNIT.search(normalize(t))
            unit = unit.group(1) if unit else "万元"
            printed[field] = text
            values[field] = a.value if unit == "万元" else to_wan(a.value, unit)
            first_line = first_line or ln
    if first_line is None:
        return []
    return [fund_record(seq=1, line=first_line, fund_source="total", fund_label="部门整体", printed=printed, **values)]


def _parse_scores(body: list[Line]) -> tuple[list[dict], dict]:
    footer = {"total_text": None, "grade_text": None, "evaluator": None}
    hdr_i = next((i for i, ln in enumerate(body) if "二级指标" in ln.squashed and "评价得分" in ln.squashed), None)
    if hdr_i is None:
        return [], footer
    hdr = body[hdr_i]
    cols = {squash(t): c for c, t in nonempty(hdr)}
    sub = body[hdr_i + 1] if hdr_i + 1 < len(body) else None
    subcols = {squash(t): c for c, t in nonempty(sub)} if sub is not None else {}
    c2, c3 = cols.get("二级指标", 0), cols.get("三级指标", 1)
    c_ref = subcols.get("参考分值", cols.get("指标分值", 2))
    c_set = subcols.get("设定分值", c_ref + 1)
    c_note, c_score = cols.get("计算分析情况", c_set + 1), cols.get("评价得分", c_set + 2)
    items: list[dict] = []
    section = criterion = None
    for i, ln in enumerate(body[hdr_i + 2:], start=hdr_i + 2):
        cells = nonempty(ln)
        if not cells:
            continue
        key = squash(cells[0][1])
        if key.startswith("综合得分"):
            nums = [t for _, t in cells if num(t) is not None]
            footer["total_text"] = nums[-1] if nums else None
            continue
        if key.startswith("评价结果等次"):
            footer["grade_text"] = next((t for _, t in cells[1:] if grade_of(t)), None)
            continue
        if key.startswith("评价人员"):
            names = []
            for nxt in body[i + 1:]:
                nc = nonempty(nxt)
                if not nc or squash(nc[0][1]).startswith("单位负责人") or squash(nc[0][1]).startswith("负责人"):
                    break
                names.append(nc[0][1])
            footer["evaluator"] = "、".join(names) or None
            break
        first = squash(ln.cell(c2))
        if (m := _SECTION.match(first)) and not squash(ln.cell(c3)):
            section, criterion = m.group(1), None
            items.append(score_item_record(seq=len(items) + 1, line=ln, section=section, criterion=None,
                                           sub_criterion=None, weight=ln.cell(c_set) or ln.cell(c_ref),
                                           score=ln.cell(c_score),
                                           note=json.dumps({"参考分值": ln.cell(c_ref), "kind": "section_total"},
                                                           ensure_ascii=False)))
            continue
        if first:
            criterion = first
        name = squash(ln.cell(c3))
        if not name:
            continue
        note = {"参考分值": ln.cell(c_ref), "计算分析情况": ln.cell(c_note)}
        items.append(score_item_record(seq=len(items) + 1, line=ln, section=section, criterion=criterion,
                                       sub_criterion=name, weight=ln.cell(c_set) or ln.cell(c_ref),
                                       score=ln.cell(c_score),
                                       note=json.dumps({k: v for k, v in note.items() if v}, ensure_ascii=False)))
    return items, footer


def parse_form(doc: SourceDoc, body: list[Line], doc_year: int | None) -> EvaluationRecords:
    title = body[0]
    year = form_year(body[:4])
    unit = None
    for ln in body[:6]:
        for c, t in nonempty(ln):
            if squash(t).startswith("填报单位"):
                rest = re.sub(r"^填报单位[（(]公章[)）][:：]?", "", squash(t))
                unit = rest or None
    funds = _parse_funds(body)
    items, footer = _parse_scores(body)
    ev = evaluation_record(
        form=FORM, scope="department", project_name=None, unit_name=unit, fiscal_year=year or doc_year,
        total_score=num(footer["total_text"]), total_score_text=footer["total_text"],
        grade=grade_of(footer["grade_text"]), grade_text=footer["grade_text"], evaluator=footer["evaluator"],
        page=title.page, line_start=title.lineno, line_end=body[-1].lineno, source_ref=title.source_ref)
    warnings = [] if funds else [f"line {title.lineno}: department funds (上年结转/年初预算/…) not found"]
    return EvaluationRecords(ev, funds, [], items, warnings)


def parse_department(doc: SourceDoc, start: int = 1, doc_year: int | None = None) -> list[EvaluationRecords]:
    out = []
    for body in find_forms(doc):
        rec = parse_form(doc, body, doc_year)
        if not rec.funds and not rec.score_items:
            continue
        out.append(finish(doc.doc_id, start + len(out), rec))
    return out
