"""City project self-evaluation form (晋中 `财政支出项目绩效自评表`).

Tabular variant (the three project forms of 004): cells drift between columns from row to row, so
rows are read by their labels and the order of their non-empty cells, not by column position.
Header (项目名称, 主管部门及代码, 实施单位/预算单位, 项目属性, 项目期), funds (预算资金 by source, 预算下达资金,
实际支出资金 by source), indicators (二级/三级, 目标值, 实际完成指标值, 完成进度), the 评分表 (投入/过程/产出/效果,
指标分值, 评价得分), 综合得分, 评价结果等次, 评价人员, 填报日期.

Column-by-column variant (000, 001: text extracted from a PDF one column at a time): see
`evaluation_city_columns`.
"""
from __future__ import annotations

import re

from loaders.model import Line, SourceDoc, squash
from loaders.numbers import parse_amount
from loaders.parsers.evaluation_province import carry_levels, is_label
from loaders.parsers.indicators import (form_year, EvaluationRecords, evaluation_record, finish, fund_record, grade_of,
                                        indicator_record, nonempty, num, score_item_record)

PARSER_NAME = "evaluation_city"
PARSER_VERSION = "1"
FORM = "city_project"

_TITLE = "财政支出项目绩效自评表"
_SECTION = re.compile(r"^(投入|过程|产出|效果)[:：]?$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# 二级 -> 一级 in the national indicator framework: used only when a row prints a 二级 label and no 一级
L2_PARENT = {"数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
             "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标",
             "可持续影响指标": "效益指标", "服务对象满意度指标": "满意度指标"}

BUDGET_GROUP, ACTUAL_GROUP = "预算资金", "实际支出资金"
SECTION_TOTAL = '{"kind": "section_total"}'  # eval_score_items.note of a section subtotal row
ITEM_LABELS = ("市级预算资金", "县级预算资金", "其他", "上年结转资金", "上级财政资金")


def find_forms(doc: SourceDoc) -> list[list[Line]]:
    lines = doc.nonblank()
    starts = [i for i, ln in enumerate(lines) if _TITLE in ln.squashed and "部门整体" not in ln.squashed
              and "项目支出绩效自评表" not in ln.squashed]
    out = []
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        out.append(lines[i:end])
    return out


def is_amount(text: str) -> bool:
    return parse_amount(text).is_value


# --------------------------------------------------------------------------- header

def parse_header(body: list[Line]) -> dict:
    out = {"project_name": None, "department_code": None, "department_name": None, "unit_name": None,
           "project_attribute": None, "project_period": None}
    pending: list[str] = []  # labels printed with their value missing: values come on orphan lines below
    for ln in body:
        cells = nonempty(ln)
        if not cells:
            continue
        s = ln.squashed
        if s.startswith("项目资金情况") or s.startswith("项目概况"):
            break
        labels = {squash(t): c for c, t in cells}
        found = False
        for key, field in (("项目名称", "project_name"), ("主管部门及代码", "department"), ("主管部门", "department"),
                           ("实施单位", "unit_name"), ("预算单位", "unit_name"), ("项目属性", "project_attribute"),
                           ("项目期", "project_period"), ("项目日期", "project_period")):
            if key not in labels:
                continue
            found = True
            col = labels[key]
            nxt = next(((c, t) for c, t in cells if c > col), None)
            value = nxt[1] if nxt and squash(nxt[1]) not in _HEADER_LABELS else None
            if value is None:
                pending.append(field)
            elif field == "department":
                if squash(value).isdigit():
                    out["department_code"] = squash(value)
                else:
                    out["department_name"] = squash(value)
            else:
                out[field] = value
        if not found and len(cells) == 1 and pending:
            field = pending.pop(0)  # an orphan value line fills the first label left without value
            if field != "department":
                out[field] = cells[0][1]
    return out


_HEADER_LABELS = {"项目名称", "主管部门及代码", "主管部门", "实施单位", "预算单位", "项目属性", "项目期", "项目日期"}


# --------------------------------------------------------------------------- funds

def parse_funds(body: list[Line]) -> list[dict]:
    start = next((i for i, ln in enumerate(body) if ln.squashed.startswith("项目资金情况")), None)
    if start is None:
        return []
    group = None
    budget: dict[str, tuple[str, Line]] = {}
    actual: dict[str, tuple[str, Line]] = {}
    released: tuple[str, Line] | None = None
    for ln in body[start:]:
        s = ln.squashed
        if s.startswith("项目概况") or s.startswith("绩效目标"):
            break
        cells = nonempty(ln)
        texts = [squash(t) for _, t in cells]
        amounts = [t for _, t in cells if is_amount(t)]
        amount = amounts[-1] if amounts else ""
        if "预算下达资金" in texts:
            released = (amount, ln)
            if ACTUAL_GROUP in texts:
                group = ACTUAL_GROUP
            continue
        for t in texts:
            if t == BUDGET_GROUP or t == ACTUAL_GROUP:
                group = t
        item = next((t for t in texts if t in ITEM_LABELS), None)
        if item is None or group is None:
            continue
        target = budget if group == BUDGET_GROUP else actual
        if item not in target:
            target[item] = (amount, ln)
    rows: list[dict] = []
    if released is not None:
        text, ln = released
        rows.append(fund_record(seq=1, line=ln, fund_source="total", fund_label="预算下达资金",
                                printed={"funds_received_wan": text}, funds_received_wan=_wan(text)))
    for item in [*budget, *(k for k in actual if k not in budget)]:
        b = budget.get(item)
        a = actual.get(item)
        ln = (b or a)[1]
        printed = {"budget_initial_wan": b[0] if b else None, "executed_wan": a[0] if a else None}
        if a and b:
            printed["executed_line"] = a[1].lineno
        rows.append(fund_record(seq=len(rows) + 1, line=ln, fund_source=item, fund_label=item, printed=printed,
                                budget_initial_wan=_wan(b[0]) if b else None,
                                executed_wan=_wan(a[0]) if a else None))
    return rows


def _wan(text: str):
    a = parse_amount(text or "")
    return a.value if a.is_value else None


# --------------------------------------------------------------------------- indicators

def _carry(labels, l1, l2):
    return carry_levels(labels, l1, l2, L2_PARENT)


def parse_indicators(body: list[Line]) -> list[dict]:
    hdr_i = next((i for i, ln in enumerate(body) if "三级" in ln.squashed and "目标值" in ln.squashed), None)
    if hdr_i is None:
        return []
    has_completion = "完成进度" in body[hdr_i].squashed
    n_values = 3 if has_completion else 2
    rows: list[dict] = []
    l1 = l2 = None
    for ln in body[hdr_i + 1:]:
        s = ln.squashed
        if s.startswith("项目绩效情况") or s.startswith("评分表"):
            break
        cells = nonempty(ln)
        labels, rest = [], []
        for _, t in cells:
            if not rest and is_label(t):
                labels.append(squash(t))
            else:
                rest.append(t)
        if not rest and len(labels) >= 2 and not labels[-1].endswith("指标"):
            rest = [labels.pop()]  # 服务对象满意度 as the indicator itself
        l1, l2 = _carry(labels, l1, l2)
        if len(rest) < 2:
            continue  # a label on its own, or an indicator slot left empty (指标2:)
        name, values = rest[0], rest[1:]
        aligned = len(values) <= n_values
        values = (values + [None] * 3)[:3]
        rows.append(indicator_record(seq=len(rows) + 1, line=ln, level1=l1, level2=l2, name=name,
                                     target_initial=None, target=values[0], actual=values[1],
                                     completion=values[2] if n_values == 3 or not aligned else None,
                                     aligned=aligned))
    return rows


# --------------------------------------------------------------------------- score sheet and footer

def parse_score_sheet(body: list[Line], start_word: str = "评分表") -> tuple[list[dict], dict]:
    """Score items of the 评分表 (sections 投入/过程/产出/效果 with their criteria) and the footer:
    综合得分, 评价结果等次, 评价人员, 填报日期."""
    start = next((i for i, ln in enumerate(body) if ln.squashed.startswith(start_word)), None)
    footer = {"total_text": None, "grade_text": None, "evaluator": None, "fill_date": None,
              "line_end": body[-1].lineno if body else None}
    if start is None:
        return [], footer
    items: list[dict] = []
    section = criterion = None
    i = start + 1
    lines = body
    while i < len(lines):
        ln = lines[i]
        cells = nonempty(ln)
        texts = [t for _, t in cells if num(t) is None and parse_amount(t).state != "not_applicable"]
        numbers = [t for _, t in cells if num(t) is not None]
        key = squash(texts[0]) if texts else ""
        if key.startswith("综合得分"):
            footer["total_text"] = numbers[-1] if numbers else None
            i += 1
            continue
        if key.startswith("评价结果等次"):
            footer["grade_text"] = next((t for t in texts[1:] if grade_of(t)), None)
            i += 1
            continue
        if key.startswith("评价人员") or (key == "姓名"):
            names = []
            for nxt in lines[i + 1:]:
                ncells = nonempty(nxt)
                first = squash(ncells[0][1]) if ncells else ""
                if not ncells or first.startswith("负责人") or first.startswith("单位负责人"):
                    break
                names.append(ncells[0][1])
            footer["evaluator"] = "、".join(names) or None
            i += 1
            continue
        if "填报日期" in ln.squashed:
            m = _DATE.search(ln.text)
            footer["fill_date"] = m.group(0) if m else None
        if key.startswith("单位负责人"):
            footer["line_end"] = ln.lineno
            break
        if footer["total_text"] is not None or not numbers:
            i += 1
            continue
        sec = _SECTION.match(key)
        if sec and len(texts) == 1:
            section, criterion = sec.group(1), None
            items.append(score_item_record(seq=len(items) + 1, line=ln, section=section, criterion=None,
                                           sub_criterion=None, weight=numbers[0],
                                           score=numbers[1] if len(numbers) > 1 else None, note=SECTION_TOTAL))
        elif texts:
            if len(texts) >= 2:
                criterion, sub = squash(texts[0]), squash(texts[1])
            else:
                sub = squash(texts[0])
            items.append(score_item_record(seq=len(items) + 1, line=ln, section=section, criterion=criterion,
                                           sub_criterion=sub, weight=numbers[0],
                                           score=numbers[1] if len(numbers) > 1 else None))
        i += 1
    return items, footer


# --------------------------------------------------------------------------- form

def parse_form(doc: SourceDoc, body: list[Line], doc_year: int | None) -> EvaluationRecords:
    warnings: list[str] = []
    title = body[0]
    year = form_year(body[:4])
    hdr = parse_header(body)
    funds = parse_funds(body)
    inds = parse_indicators(body)
    items, footer = parse_score_sheet(body)
    if not items:
        warnings.append(f"{title.text}: 评分表 not found")
    ev = evaluation_record(
        form=FORM, scope="project", project_name=hdr["project_name"], unit_name=hdr["unit_name"],
        department_name=hdr["department_name"], department_code=hdr["department_code"],
        project_attribute=hdr["project_attribute"], project_period=hdr["project_period"],
        fiscal_year=year or doc_year, total_score=num(footer["total_text"]), total_score_text=footer["total_text"],
        grade=grade_of(footer["grade_text"]), grade_text=footer["grade_text"], evaluator=footer["evaluator"],
        fill_date=footer["fill_date"], page=title.page, line_start=title.lineno, line_end=footer["line_end"],
        source_ref=title.source_ref)
    return EvaluationRecords(ev, funds, inds, items, warnings)


def parse_city(doc: SourceDoc, start: int = 1, doc_year: int | None = None) -> list[EvaluationRecords]:
    out = []
    for body in find_forms(doc):
        if not any(ln.squashed.startswith("项目名称") and len(nonempty(ln)) >= 2 for ln in body[:12]):
            continue  # no value next to 项目名称: the column-by-column variant (000, 001)
        rec = parse_form(doc, body, doc_year)
        if not rec.funds and not rec.indicators and not rec.score_items:
            continue
        out.append(finish(doc.doc_id, start + len(out), rec))
    return out
