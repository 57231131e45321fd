"""County self-evaluation report (曲沃 2021, 003): a Word report converted one table cell per line.

A table cell is a tab-indented line (two or more cells in the Line); a line with no tab ends the
table row. Parsed: the 预算执行情况 table (rows with 行次 and formulas such as `(5)=(3)-(4)`, one
eval_funds row per funding column), the indicator table of 附件1 (一级/二级/目标指标, 权重, 目标值,
业绩值, 完成率, 指标得分, 偏差原因; the sections (一)-(四) repeat the same rows without 完成率 and are
used only when 附件1 is missing), and the total score and grade stated in the text
(`总得分99.1分，属于"优秀"`). The unit is not named in the report: unit_name stays NULL.
"""
from __future__ import annotations

import re
from collections import Counter

from loaders.model import Line, SourceDoc, squash
from loaders.numbers import parse_amount
from loaders.parsers.indicators import (EvaluationRecords, evaluation_record, finish, fund_record, grade_of,
                                        indicator_record, num)

PARSER_NAME = "evaluation_county"
PARSER_VERSION = "1"
FORM = "county_report"

_TOTAL = re.compile(r"总得分\s*([0-9]+(?:\.[0-9]+)?)\s*分")
_GRADE = re.compile(r"属于\s*[\"“”']?\s*(优秀|良好|合格|不合格|优|良|中|差)")
_PROJECT = re.compile(r"[：:]\s*([^：:，,。]+?)项目绩效自评价结果")
_ROWNO = re.compile(r"^[（(]\d+[)）]")

# funding columns of the 预算执行情况 table, in printed order after 项目 and 行次
FUND_COLUMNS = ("total", "财政资金小计", "中央级", "省级", "市级", "县区级", "上年结转资金", "其他资金")
# 行次 -> eval_funds column
ROW_FIELDS = {1: "budget_initial_wan", 2: "budget_full_year_wan", 3: "funds_received_wan", 4: "executed_wan",
              5: "balance_wan", 7: "execution_rate_pct"}


def _cell(ln: Line) -> str:
    return " ".join(c.text.strip() for c in ln.cells if c.text.strip())


def cell_rows(doc: SourceDoc) -> list[list[Line]]:
    """Runs of consecutive tab-indented lines: one run per table row."""
    runs, cur = [], []
    for ln in doc.lines:
        if len(ln.cells) >= 2:
            cur.append(ln)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def _parse_funds(runs: list[list[Line]]) -> list[dict]:
    data = [r for r in runs if len(r) >= 3 and _ROWNO.match(squash(_cell(r[1])))]
    if not data:
        return []
    per_column: dict[int, dict] = {k: {"printed": {}, "values": {}} for k in range(len(FUND_COLUMNS))}
    for run in data:
        label, rowno = _cell(run[0]), squash(_cell(run[1]))
        n = int(re.match(r"^[（(](\d+)", rowno).group(1))
        field = ROW_FIELDS.get(n)
        for k, ln in enumerate(run[2:2 + len(FUND_COLUMNS)]):
            text = _cell(ln)
            key = field or f"{label}{rowno}"
            per_column[k]["printed"][key] = text
            if field:
                a = parse_amount(text)
                per_column[k]["values"][field] = a.value if a.is_value else None
    first = data[0][0]
    rows = []
    for k, source in enumerate(FUND_COLUMNS):
        col = per_column[k]
        rows.append(fund_record(seq=k + 1, line=first, fund_source=source, fund_label=source,
                                printed=col["printed"], **col["values"]))
    return rows


def _indicator_tables(runs: list[list[Line]]) -> tuple[list[dict], Line | None, dict | None]:
    """Rows of 附件1 (else of the section tables) and the 预算执行率 row (-> funds)."""
    hdr_i = next((i for i, r in enumerate(runs) if [squash(_cell(x)) for x in r][:3] == ["一级指标", "二级指标", "目标指标"]),
                 None)
    full = hdr_i is not None
    if full:
        header = [squash(_cell(x)) for x in runs[hdr_i]]
        # the last row of the report may lose its trailing (blank) 偏差原因 cell
        body = [r for r in runs[hdr_i + 1:] if len(header) - 1 <= len(r) <= len(header)]
    else:
        header = ["二级指标", "三级指标", "权重", "目标值", "业绩值", "得分"]
        body, after_header = [], False
        for r in runs:
            if [squash(_cell(x)) for x in r] == header:
                after_header = True
            elif after_header and len(r) == 6:
                body.append(r)
            else:
                after_header = False
    rows, execution, l1 = [], None, None
    for run in body:
        cells = dict(zip(header, [_cell(x) for x in run]))
        line = run[0]
        if full:
            l1 = squash(cells.get("一级指标", "")) or l1
        name = cells.get("目标指标") or cells.get("三级指标")
        weight = cells.get("权重")
        score = cells.get("指标得分") or cells.get("得分")
        if squash(name or "") == "预算执行率":
            execution = {"weight": weight, "score": score, "target": cells.get("目标值"),
                         "actual": cells.get("业绩值"), "line": line}
            continue
        rows.append(indicator_record(seq=len(rows) + 1, line=line, level1=l1 if full else None,
                                     level2=squash(cells.get("二级指标", "")), name=name, target_initial=None,
                                     target=cells.get("目标值"), actual=cells.get("业绩值"), weight=weight,
                                     score=score, completion=cells.get("完成率"),
                                     deviation=cells.get("偏差原因分析及改进措施")))
    return rows, (execution or {}).get("line"), execution


def _doc_year(doc: SourceDoc) -> int | None:
    years = Counter(int(m.group(1)) for ln in doc.nonblank() for m in re.finditer(r"(20\d{2})\s*年", ln.text))
    return years.most_common(1)[0][0] if years else None


def parse_county(doc: SourceDoc, start: int = 1, doc_year: int | None = None) -> list[EvaluationRecords]:
    text = doc.full_text
    if "附件1" not in text and "预算执行情况" not in text:
        return []
    runs = cell_rows(doc)
    funds = _parse_funds(runs)
    inds, _, execution = _indicator_tables(runs)
    if not funds and not inds:
        return []
    if funds and execution:
        funds[0]["execution_weight"] = num(execution["weight"])
        funds[0]["execution_score"] = num(execution["score"])
        funds[0]["printed"] = funds[0]["printed"][:-1] + (
            f', "execution_weight": "{execution["weight"]}", "execution_score": "{execution["score"]}"'
            f', "execution_line": {execution["line"].lineno}}}')
    total_text = grade_text = project = goal = None
    total_line = None
    for ln in doc.nonblank():
        s = ln.text
        if total_text is None and (m := _TOTAL.search(s)):
            total_text, total_line = m.group(1), ln
            if g := _GRADE.search(s[m.end():]):
                grade_text = g.group(1)
            if p := _PROJECT.search(s):
                project = p.group(1).strip()
    lines = doc.nonblank()
    for i, ln in enumerate(lines):
        if "项目年度目标" in ln.squashed and i + 1 < len(lines):
            goal = lines[i + 1].text
            break
    first, last = lines[0], lines[-1]
    ev = evaluation_record(form=FORM, scope="project", project_name=project, unit_name=None,
                           fiscal_year=doc_year or _doc_year(doc), total_score=num(total_text),
                           total_score_text=total_text, grade=grade_of(grade_text), grade_text=grade_text,
                           annual_goal=goal, page=first.page, line_start=first.lineno, line_end=last.lineno,
                           source_ref=(total_line or first).source_ref)
    warnings = [] if total_line else ["total score (总得分…分) not found in the text"]
    return [finish(doc.doc_id, start, EvaluationRecords(ev, funds, inds, [], warnings))]
