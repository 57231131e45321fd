"""Province project self-evaluation form (山西 `XXX项目支出绩效自评表`, `(2023年度)`).

Found anywhere in a document (002 carries 16 of them as attachments of its final accounts). Each form:
header (项目名称, 主管部门及代码 `238-…`, 预算单位 `238001-…`), a funds block (年初预算数 split into
目标申报数/预算编制数, 全年预算数, 全年执行数, 资金结(转)余, 执行率, 得分) with a 资金总额 row and one row per
funding source, 年度目标/实际完成情况, the indicator table (一级/二级/三级 …) and the 总分 row.

Cells drift between columns from form to form and from row to row. Funds values are aligned to the
header by position when positions agree, else by the order of the non-empty cells. Indicator rows
are placed by trying small column shifts against the header and keeping the one that fits best.
"""
from __future__ import annotations

import re

from loaders.model import Line, SourceDoc, squash
from loaders.parsers.indicators import (form_year, EvaluationRecords, evaluation_record, finish, fund_record, grade_of,
                                        indicator_record, nonempty, num)
from loaders.numbers import normalize, parse_amount

PARSER_NAME = "evaluation_province"
PARSER_VERSION = "1"
FORM = "province_project"

_TITLE = re.compile(r"^(.+?)项目支出绩效自评表$")
_CODE_NAME = re.compile(r"^\s*(\d+)\s*[-－—]\s*(.+)$")
DEFAULT_EXECUTION_WEIGHT = "10"

FUND_FIELDS = ("budget_initial_declared_wan", "budget_initial_wan", "budget_full_year_wan", "executed_wan",
               "balance_wan", "execution_rate_pct", "execution_score")
_FUND_HEADERS = {"全年预算数": 2, "全年执行数": 3, "资金结(转)余": 4, "资金结（转）余": 4, "结余": 4, "执行率": 5, "得分": 6}

L1_WORDS = {"产出指标", "效益指标", "满意度指标", "成本指标", "产出", "效益", "满意度"}
L1_ONLY = {"产出指标", "效益指标", "满意度指标"}
_IND_HEADERS = ("一级指标", "二级指标", "三级指标", "年初指标值", "调整后指标值", "实际完成值", "分值", "得分")


def carry_levels(labels: list[str], l1: str | None, l2: str | None,
                 parent_of: dict[str, str] | None = None) -> tuple[str | None, str | None]:
    """The 一级/二级 of an indicator row from the labels printed before its name. A group label is
    printed only on the group's first row, so the current ones carry down: a 一级 label starts a new
    group (and clears 二级); a 二级 label replaces 二级 (and, with `parent_of`, infers its 一级 when
    none is printed on the row)."""
    labels = [squash(x) for x in labels]
    new_l1 = new_l2 = None
    if len(labels) == 1:
        if labels[0] in L1_ONLY:
            new_l1 = labels[0]
        else:
            new_l2 = labels[0]
    elif len(labels) >= 2:
        new_l1, new_l2 = labels[0], labels[-1]
    if new_l1:
        l1, l2 = new_l1, None
    if new_l2:
        l2 = new_l2
        if not new_l1 and parent_of and l2 in parent_of:
            l1 = parent_of[l2]
    return l1, l2


def is_label(text: str) -> bool:
    s = squash(text)
    return s in L1_WORDS or s.endswith("指标") or s in L2_WORDS


L2_WORDS = {"服务对象满意", "服务对象满意度", "经济效益", "社会效益", "生态效益", "可持续影响"}


def _looks_like_value(text: str) -> bool:
    s = normalize(text)
    return bool(s) and (s[0] in "≥≤=<>" or parse_amount(s.rstrip("%")).is_value)


def find_forms(doc: SourceDoc) -> list[tuple[str, list[Line]]]:
    """(title, lines of the form) for each form, in document order."""
    lines = doc.nonblank()
    starts = []
    for i, ln in enumerate(lines):
        cells = nonempty(ln)
        if len(cells) == 1 and _TITLE.match(squash(cells[0][1])) and "部门整体" not in cells[0][1]:
            starts.append(i)
    out = []
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        body = lines[i:end]
        stop = next((k for k, ln in enumerate(body) if k and squash(ln.text).startswith("备注")), len(body))
        out.append((lines[i].text, body[:stop]))
    return out


def _after(line: Line, col: int) -> str | None:
    return next((t for c, t in nonempty(line) if c > col), None)


def _split_code(text: str | None) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    m = _CODE_NAME.match(text)
    return (m.group(1), squash(m.group(2))) if m else (None, squash(text))


# --------------------------------------------------------------------------- funds

def _fund_columns(hdr: Line) -> list[int | None] | None:
    cols: list[int | None] = [None] * 7
    for c, t in nonempty(hdr):
        s = squash(t)
        if s == "年初预算数":
            cols[0], cols[1] = c, c + 1
        elif s in _FUND_HEADERS:
            cols[_FUND_HEADERS[s]] = c
    return cols if cols[0] is not None and cols[2] is not None else None


def align_fund_values(label_col: int, values: list[tuple[int, str]], field_cols: list[int | None]) -> tuple[dict[int, str], str]:
    """field index -> printed text, and how the row was aligned (position / order / shift / partial)."""
    pos = {c: i for i, c in enumerate(field_cols) if c is not None}
    first = field_cols[0]
    if label_col < first and values and all(c in pos for c, _ in values):
        return {pos[c]: t for c, t in values}, "position"
    if len(values) == len(FUND_FIELDS):
        return {i: t for i, (_, t) in enumerate(values)}, "order"
    if values:
        off = values[0][0] - first
        if all(c - off in pos for c, _ in values):
            return {pos[c - off]: t for c, t in values}, "shift"
    return {i: t for i, (_, t) in enumerate(values[:len(FUND_FIELDS)])}, "partial"


def _parse_funds(body: list[Line], warnings: list[str]) -> list[dict]:
    hdr_i = next((i for i, ln in enumerate(body) if "年初预算数" in ln.squashed and "全年预算数" in ln.squashed), None)
    if hdr_i is None:
        warnings.append("funds header (年初预算数/全年预算数) not found")
        return []
    field_cols = _fund_columns(body[hdr_i])
    if field_cols is None:
        warnings.append(f"funds header not understood (line {body[hdr_i].lineno})")
        return []
    rows = []
    for ln in body[hdr_i + 1:]:
        s = ln.squashed
        if "年度目标" in s or "绩效目标" in s or "一级指标" in s:
            break
        cells = nonempty(ln)
        if not cells or "目标申报数" in s:
            continue
        label_col, label = cells[0]
        if _looks_like_value(label):
            continue
        values = [(c, t) for c, t in cells[1:] if _looks_like_value(t) or parse_amount(t).state == "not_applicable"]
        mapped, how = align_fund_values(label_col, values, field_cols)
        if how == "partial":
            warnings.append(f"line {ln.lineno}: {len(values)} fund values could not be placed under the header "
                            "with certainty; assigned in order")
        key = squash(label).rstrip(":：")
        source = "total" if key in ("资金总额", "合计") else key
        printed = {FUND_FIELDS[i]: t for i, t in mapped.items()}
        amounts = {}
        for i, f in enumerate(FUND_FIELDS):
            text = mapped.get(i)
            if f.endswith("_wan"):
                a = parse_amount(text or "")
                amounts[f] = a.value if a.is_value else None
            else:
                amounts[f] = num(text)
        printed["alignment"] = how
        rows.append(fund_record(seq=len(rows) + 1, line=ln, fund_source=source, fund_label=label, printed=printed,
                                execution_weight=num(DEFAULT_EXECUTION_WEIGHT), **amounts))
    return rows


# --------------------------------------------------------------------------- indicators

def _header_cols(hdr: Line) -> dict[str, int]:
    cols = {}
    for c, t in nonempty(hdr):
        s = squash(t)
        for h in _IND_HEADERS:
            if s == h and h not in cols:
                cols[h] = c
        if s.startswith("偏差原因"):
            cols.setdefault("偏差原因", c)
    return cols


def _fit(line: Line, h: dict[str, int], d: int) -> int:
    name_c = h["三级指标"] + d
    name = line.cell(name_c)
    score = 0
    if not name:
        score -= 3
    elif _looks_like_value(name):
        score -= 2
    elif is_label(name):
        score += 0
    else:
        score += 1
    for k in ("调整后指标值", "实际完成值"):
        if line.cell(h[k] + d):
            score += 1
    for k, good in (("分值", 2), ("得分", 1)):
        t = line.cell(h[k] + d)
        if t:
            score += good if num(t) is not None else -3
    for c, t in nonempty(line):
        if c < name_c:
            if squash(t) == "绩效指标":
                continue
            score += 1 if is_label(t) else -2
    return score


def _parse_indicators(body: list[Line], warnings: list[str]) -> tuple[list[dict], Line | None]:
    hdr_i = next((i for i, ln in enumerate(body) if "一级指标" in ln.squashed and "三级指标" in ln.squashed), None)
    if hdr_i is None:
        warnings.append("indicator header (一级/二级/三级指标) not found")
        return [], None
    h = _header_cols(body[hdr_i])
    if not all(k in h for k in ("三级指标", "调整后指标值", "实际完成值", "分值", "得分")):
        warnings.append(f"indicator header not understood (line {body[hdr_i].lineno})")
        return [], None
    h.setdefault("一级指标", h["三级指标"] - 2)
    h.setdefault("二级指标", h["三级指标"] - 1)
    h.setdefault("年初指标值", h["三级指标"] + 1)
    h.setdefault("偏差原因", h["得分"] + 1)
    rows: list[dict] = []
    l1 = l2 = None
    total_line = None
    for ln in body[hdr_i + 1:]:
        cells = nonempty(ln)
        if not cells:
            continue
        if squash(cells[0][1]).startswith("总分"):
            total_line = ln
            break
        if "自评结果" in ln.squashed or "绩效分析" in ln.squashed:
            break
        d = max((-2, -1, 0, 1, 2), key=lambda k: (_fit(ln, h, k), -abs(k)))
        name_c = h["三级指标"] + d
        labels = [t for c, t in cells if c < name_c and squash(t) != "绩效指标"]
        name = ln.cell(name_c)
        values = [ln.cell(h[k] + d) for k in ("年初指标值", "调整后指标值", "实际完成值", "分值", "得分")]
        l1, l2 = carry_levels(labels, l1, l2)
        if not name and not any(values):
            continue  # a label printed on a row of its own
        dev = " ".join(t for c, t in cells if c >= h["偏差原因"] + d)
        rows.append(indicator_record(seq=len(rows) + 1, line=ln, level1=l1, level2=l2, name=name,
                                     target_initial=values[0], target=values[1], actual=values[2],
                                     weight=values[3], score=values[4], deviation=dev))
    # a table whose first group has no 一级 label printed above it (the label fell on the first row
    # after a page break, e.g. 002 line 638): the rows before the first printed 一级 label take it
    first_l1 = next((r["level1"] for r in rows if r["level1"]), None)
    for r in rows:
        if r["level1"]:
            break
        r["level1"] = first_l1
    return rows, total_line


def _total(line: Line | None) -> tuple[str | None, str | None]:
    if line is None:
        return None, None
    cells = nonempty(line)[1:]
    score = next((t for _, t in cells if num(t) is not None), None)
    grade = next((t for _, t in cells if grade_of(t)), None)
    return score, grade


# --------------------------------------------------------------------------- form

def parse_form(doc: SourceDoc, title: str, body: list[Line], doc_year: int | None) -> EvaluationRecords:
    warnings: list[str] = []
    title_line = body[0]
    year = form_year(body[1:4])
    project = dept_code = dept_name = unit_code = unit_name = None
    goal = result = None
    for i, ln in enumerate(body):
        cells = nonempty(ln)
        if not cells:
            continue
        first = squash(cells[0][1])
        if first == "项目名称":
            project = _after(ln, cells[0][0])
        elif first.startswith("主管部门"):
            dept_code, dept_name = _split_code(_after(ln, cells[0][0]))
            unit_col = next((c for c, t in cells if squash(t) in ("预算单位", "实施单位")), None)
            if unit_col is not None:
                unit_code, unit_name = _split_code(_after(ln, unit_col))
        elif "年度目标" in ln.squashed and "实际完成情况" in ln.squashed and i + 1 < len(body):
            texts = [t for _, t in nonempty(body[i + 1])]
            goal = texts[0] if texts else None
            result = texts[1] if len(texts) > 1 else None
    funds = _parse_funds(body, warnings)
    inds, total_line = _parse_indicators(body, warnings)
    total_text, grade_text = _total(total_line)
    if total_line is None:
        warnings.append("总分 row not found")
    ev = evaluation_record(
        form=FORM, scope="project", project_name=project or re.sub(r"项目支出绩效自评表$", "", squash(title)),
        unit_name=unit_name, unit_code=unit_code, department_name=dept_name, department_code=dept_code,
        fiscal_year=year or doc_year, total_score=num(total_text), total_score_text=total_text,
        grade=grade_of(grade_text), grade_text=grade_text, annual_goal=goal, actual_result=result,
        page=title_line.page, line_start=title_line.lineno, line_end=body[-1].lineno,
        source_ref=title_line.source_ref)
    return EvaluationRecords(ev, funds, inds, [], warnings)


def parse_province(doc: SourceDoc, start: int = 1, doc_year: int | None = None) -> list[EvaluationRecords]:
    """Every province project form of the document; eval_id numbering starts at `start`."""
    out = []
    for title, body in find_forms(doc):
        rec = parse_form(doc, title, body, doc_year)
        if not rec.funds and not rec.indicators:
            continue
        out.append(finish(doc.doc_id, start + len(out), rec))
    return out
