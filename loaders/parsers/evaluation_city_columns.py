"""City project form, column-by-column variant (000, 001: PDF text extracted one column at a time).

The labels come first (项目名称 … the indicator labels … the 评分表 labels), then, further down, each
value column as its own run of lines: the target/actual pairs under `目标值 | 实际完成指标值`, the
completion words under `完成进度`, the weights under `三级指标 | 指标分值`, and after `年 月 日` the
unit, the period, the seven amounts, then the scores under `评价得分`, the grade and the fill date.

Rows are rebuilt by aligning these runs with the label rows in order, only when their counts agree.
Where they do not, what is certain is kept (the label rows, the value pairs, the weights) and
emitted with aligned=False, without pairing them up: nothing is guessed.
"""
from __future__ import annotations

import json
import re

from loaders.model import Line, SourceDoc, squash
from loaders.numbers import normalize, parse_amount
from loaders.parsers.evaluation_forms import SECTION_TOTAL, level_parents
from loaders.parsers.evaluation_province import carry_levels, is_label
from loaders.parsers.indicators import (FORM_YEAR, form_year, EvaluationRecords, evaluation_record, finish, fund_record, grade_of,
                                        indicator_record, nonempty, num, score_item_record)

PARSER_NAME = "evaluation_city_columns"
PARSER_VERSION = "1"
FORM = "city_project"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECTIONS = ("投入", "过程", "产出", "效果")
# the seven amount slots of the 晋中 project form, in printed order (see 004 lines 68-74)
FUND_SLOTS = (("市级预算资金", "budget_initial_wan"), ("其他", "budget_initial_wan"), ("total", "funds_received_wan"),
              ("市级预算资金", "executed_wan"), ("上年结转资金", "executed_wan"), ("上级财政资金", "executed_wan"),
              ("其他", "executed_wan"))
_COMPLETION_WORDS = ("已完成", "未完成", "完成", "部分完成")


def _is_form(lines: list[Line]) -> bool:
    text = "".join(ln.squashed for ln in lines)
    if "财政支出项目绩效自评表" not in text or "实际完成指标值" not in text:
        return False
    name_line = next((ln for ln in lines if ln.squashed.startswith("项目名称")), None)
    return name_line is not None and len(nonempty(name_line)) == 1  # value not beside its label


def _index(lines: list[Line], pred, start: int = 0) -> int | None:
    return next((i for i in range(start, len(lines)) if pred(lines[i])), None)


def _indicator_labels(lines: list[Line]) -> list[tuple[Line, str | None, str | None, str]]:
    i = _index(lines, lambda ln: "绩效指标" in ln.squashed and "三级" in ln.squashed)
    if i is None:
        return []
    out, l1, l2 = [], None, None
    for ln in lines[i + 1:]:
        if ln.squashed.startswith("项目绩效情况"):
            break
        labels, rest = [], []
        for _, t in nonempty(ln):
            (labels if not rest and is_label(t) else rest).append(squash(t) if not rest and is_label(t) else t)
        if not rest and len(labels) >= 2 and not labels[-1].endswith("指标"):
            rest = [labels.pop()]  # 服务对象满意度 as the indicator itself
        l1, l2 = carry_levels(labels, l1, l2, level_parents())
        if rest:
            out.append((ln, l1, l2, " ".join(rest)))
    return out


def _run_after(lines: list[Line], header, accept) -> list[Line]:
    """The run of lines after the first `header` line that `accept` takes; blank lines it does not
    take are passed over, any other line ends the run."""
    i = _index(lines, header)
    if i is None:
        return []
    out = []
    for ln in lines[i + 1:]:
        if accept(ln):
            out.append(ln)
        elif not ln.is_blank:
            break
    return out


def _value_pairs(lines: list[Line]) -> list[tuple[Line, str, str]]:
    run = _run_after(lines, lambda ln: [squash(t) for _, t in nonempty(ln)] == ["目标值", "实际完成指标值"],
                     lambda ln: len(ln.cells) >= 2)
    return [(ln, ln.cells[0].text.strip(), ln.cells[1].text.strip()) for ln in run]


def _completion(lines: list[Line]) -> list[tuple[Line, str]]:
    run = _run_after(lines, lambda ln: ln.squashed == "完成进度", lambda ln: ln.squashed in _COMPLETION_WORDS)
    return [(ln, ln.squashed) for ln in run]


def _score_labels(lines: list[Line]) -> list[Line]:
    i = _index(lines, lambda ln: ln.squashed.startswith("评分表"))
    if i is None:
        return []
    out = []
    for ln in lines[i + 1:]:
        if ln.is_blank:
            continue
        if ln.squashed.startswith("综合得分"):
            out.append(ln)
            break
        out.append(ln)
    return out


def _weights(lines: list[Line]) -> list[tuple[Line, str, str]]:
    run = _run_after(lines, lambda ln: [squash(t) for _, t in nonempty(ln)] == ["三级指标", "指标分值"],
                     lambda ln: len(ln.cells) >= 2 and num(ln.cells[1].text) is not None)
    return [(ln, ln.cells[0].text.strip(), ln.cells[1].text.strip()) for ln in run]


def _tail(lines: list[Line]) -> dict:
    """Values after the signature line `年 月 日`: unit, period, amounts; the scores; grade; date."""
    out = {"unit": None, "period": None, "amounts": [], "scores": [], "grade": None, "fill_date": None}
    i = _index(lines, lambda ln: squash(ln.text) == "年月日")
    if i is None:
        return out
    rest = [ln for ln in lines[i + 1:] if not ln.is_blank]
    k = 0
    if k < len(rest) and not parse_amount(rest[k].text).is_value:
        out["unit"], k = (rest[k].text.strip(), rest[k]), k + 1
    if k < len(rest) and "至" in rest[k].text:
        out["period"], k = rest[k].text.strip(), k + 1
    while k < len(rest) and len(rest[k].cells) == 1 and parse_amount(rest[k].text).is_value:
        out["amounts"].append(rest[k])
        k += 1
    j = _index(rest, lambda ln: ln.squashed == "评价得分", k)
    start = j + 1 if j is not None else k
    for ln in rest[start:]:
        if num(ln.text) is not None and len(ln.cells) == 1 and not _DATE.search(ln.text):
            out["scores"].append(ln)
            continue
        if grade_of(ln.text) and out["grade"] is None:
            out["grade"] = ln
            continue
        if out["scores"]:
            break
    for ln in reversed(rest):
        if m := _DATE.fullmatch(ln.text.strip()):
            out["fill_date"] = m.group(0)
            break
    return out


def _evaluators(lines: list[Line]) -> str | None:
    i = _index(lines, lambda ln: "姓名" in [squash(t) for _, t in nonempty(ln)])
    if i is None:
        return None
    names = []
    for ln in lines[i + 1:]:
        cells = nonempty(ln)
        if not cells or squash(cells[0][1]).startswith("负责人") or squash(cells[0][1]).startswith("评价人员"):
            break
        names.append(cells[0][1])
    return "、".join(names) or None


def parse_city_columns(doc: SourceDoc, start: int = 1, doc_year: int | None = None) -> list[EvaluationRecords]:
    lines = doc.lines
    if not _is_form(doc.nonblank()):
        return []
    warnings: list[str] = []
    nb = doc.nonblank()
    year = form_year(nb)
    ti = _index(nb, lambda ln: "财政支出项目绩效自评表" in ln.squashed)
    project = None
    for ln in nb[ti + 1:ti + 4]:
        if not FORM_YEAR.search(normalize(ln.text)) and len(nonempty(ln)) == 1:
            project = ln.text.strip()
            break
    dept = attr = None
    for ln in nb:
        cells = nonempty(ln)
        if cells and squash(cells[0][1]).startswith("主管部门") and len(cells) > 1:
            dept = squash(cells[1][1])
        if cells and squash(cells[0][1]) == "项目属性" and len(cells) > 1:
            attr = cells[1][1]
    tail = _tail(lines)

    # --- funds: the seven amounts fill the seven slots of the form, only when all seven are there
    funds: list[dict] = []
    amounts = tail["amounts"]
    if len(amounts) == len(FUND_SLOTS):
        by_source: dict[str, dict] = {}
        for ln, (source, field) in zip(amounts, FUND_SLOTS):
            rec = by_source.setdefault(source, {"line": ln, "printed": {}, "values": {}})
            rec["printed"][field] = ln.text.strip()
            rec["printed"][f"{field}_line"] = ln.lineno
            rec["values"][field] = parse_amount(ln.text).value
        for source, rec in by_source.items():
            funds.append(fund_record(seq=len(funds) + 1, line=rec["line"], fund_source=source,
                                     fund_label=None if source == "total" else source, printed=rec["printed"],
                                     **rec["values"]))
    elif amounts:
        warnings.append(f"{len(amounts)} amounts printed for the 7 fund slots: funds not aligned, not landed")

    # --- indicators
    labels, pairs, done = _indicator_labels(lines), _value_pairs(lines), _completion(lines)
    inds: list[dict] = []
    if labels and len(labels) == len(pairs):
        use_done = len(done) == len(pairs)
        if done and not use_done:
            warnings.append(f"{len(done)} completion words for {len(pairs)} indicators: not attached")
        for k, ((ln, l1, l2, name), (vln, target, actual)) in enumerate(zip(labels, pairs)):
            inds.append(indicator_record(seq=k + 1, line=ln, level1=l1, level2=l2, name=name, target_initial=None,
                                         target=target, actual=actual,
                                         completion=done[k][1] if use_done else None, aligned=True))
    else:
        if labels or pairs:
            warnings.append(f"{len(labels)} indicator label rows, {len(pairs)} target/actual rows, "
                            f"{len(done)} completion words: not paired (aligned=False)")
        for ln, l1, l2, name in labels:
            inds.append(indicator_record(seq=len(inds) + 1, line=ln, level1=l1, level2=l2, name=name,
                                         target_initial=None, target=None, actual=None, aligned=False))
        for vln, target, actual in pairs:
            inds.append(indicator_record(seq=len(inds) + 1, line=vln, level1=None, level2=None, name=None,
                                         target_initial=None, target=target, actual=actual, aligned=False))

    # --- score sheet: label rows (sections, criteria), weight rows, score values
    slabels, weights, scores = _score_labels(lines), _weights(lines), tail["scores"]
    items: list[dict] = []
    total_text = None
    if weights:
        n_items = len(weights) - 1  # the last weight row is the 综合得分 (100)
        scores_ok = len(scores) == len(weights)
        labels_ok = len(slabels) == len(weights)
        if not scores_ok:
            warnings.append(f"{len(scores)} scores for {len(weights)} score-sheet rows: scores not placed")
        section_iter = iter(_SECTIONS)
        section = criterion = None
        for k, (wln, frag, weight) in enumerate(weights[:n_items]):
            a_cells = [t for _, t in nonempty(slabels[k])] if labels_ok else []
            if not frag:  # a section row: " ⇥ 20"
                section, criterion = next(section_iter, None), None
                items.append(score_item_record(seq=len(items) + 1, line=wln, section=section, criterion=None,
                                               sub_criterion=None, weight=weight,
                                               score=scores[k].text.strip() if scores_ok else None,
                                               note=SECTION_TOTAL))
                continue
            crit = next((squash(t) for t in a_cells if len(squash(t)) >= 4 and not squash(t).endswith(":")), None)
            criterion = crit or criterion
            note = {"label_fragments": a_cells} if a_cells else {}
            if scores_ok:
                note["score_line"] = scores[k].lineno
            items.append(score_item_record(seq=len(items) + 1, line=wln, section=section, criterion=criterion,
                                           sub_criterion=squash(frag), weight=weight,
                                           score=scores[k].text.strip() if scores_ok else None,
                                           note=json.dumps(note, ensure_ascii=False) if note else None))
        for it in items:
            it["aligned"] = scores_ok and labels_ok
        if not scores_ok:
            for ln in scores[:-1]:
                items.append({**score_item_record(seq=len(items) + 1, line=ln, section=None, criterion=None,
                                                  sub_criterion=None, weight=None, score=ln.text.strip(),
                                                  note='{"kind": "unplaced_score"}'), "aligned": False})
    if scores:
        total_text = scores[-1].text.strip()  # the score run ends with 综合得分, right above the grade
    grade_text = tail["grade"].text.strip() if tail["grade"] is not None else None
    unit = tail["unit"][0] if tail["unit"] else None
    first, last = nb[0], nb[-1]
    ev = evaluation_record(form=FORM, scope="project", project_name=project, unit_name=unit, department_name=dept,
                           project_attribute=attr, project_period=tail["period"], fiscal_year=year or doc_year,
                           total_score=num(total_text), total_score_text=total_text, grade=grade_of(grade_text),
                           grade_text=grade_text, evaluator=_evaluators(lines), fill_date=tail["fill_date"],
                           page=first.page, line_start=first.lineno, line_end=last.lineno, source_ref=first.source_ref)
    rec = EvaluationRecords(ev, funds, inds, items, warnings)
    return [finish(doc.doc_id, start, rec)]
