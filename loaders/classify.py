"""What kind of document is this? Decided from its text, never from its file name."""
from __future__ import annotations

import re

from loaders.model import SourceDoc

from loaders.parsers.evaluation_forms import is_report_heading
from loaders.parsers.final_accounts import find_tables, title_kind, title_of
from loaders.parsers.narrative import item_figures
from loaders.tables import amount_like

FINAL_ACCOUNTS = "final_accounts"
BUDGET = "budget"
PROJECT_EVALUATION = "project_evaluation"
DEPARTMENT_EVALUATION = "department_evaluation"
EVALUATION_REPORT = "evaluation_report"

_DEPT_MARKERS = ("部门整体支出绩效自评表", "部门整体支出绩效评价", "整体支出绩效自评")
_PROJECT_MARKERS = ("项目支出绩效自评表", "绩效自评表", "绩效自评报告", "绩效目标实现情况", "评价结果等次",
                    "一级指标", "三级指标", "绩效指标", "绩效目标自评表")
# a document titled as a targets table (its first lines), not one that merely attaches one (部门预算)
_TITLE_MARKERS = ("绩效目标表", "绩效评价表")  # …资金绩效评价表: a form titled so, one funds block, no indicator words
_REPORT_MARKERS = ("绩效评价报告",)


def classify(doc: SourceDoc) -> str | None:
    """final_accounts / department_evaluation / project_evaluation / evaluation_report / budget, or None:
    not a fiscal document.

    A final-accounts document has two of its tables named by title, or one table found by its title
    with amounts printed under it (a narrative that merely names a table is not enough: its figures
    sit inside sentences). Evaluations are recognised by their form's fixed words; a 说明 without
    tables by the figures it states (`narrative_kind`)."""
    lines = doc.nonblank()
    if (kind := _tables_kind(doc, lines)) is not None:
        return kind
    text = "".join(ln.squashed for ln in lines[:400])
    if any(m in text for m in _DEPT_MARKERS):
        return DEPARTMENT_EVALUATION
    title = "".join(ln.squashed for ln in lines[:2])
    if any(m in title for m in _TITLE_MARKERS):
        return PROJECT_EVALUATION
    hits = sum(1 for m in _PROJECT_MARKERS if m in text)
    if hits >= 2 or ("评分表" in text and "项目名称" in text):
        return PROJECT_EVALUATION
    if any(m in text for m in _REPORT_MARKERS) or is_report_heading("".join(ln.squashed for ln in lines[:3])):
        return EVALUATION_REPORT  # a 绩效评价报告 in prose: its score is stated in a sentence
    return narrative_kind(text, lines)


def _tables_kind(doc: SourceDoc, lines) -> str | None:
    """final_accounts or budget when the document prints tables: two of them named by title, or one
    found by its title with amounts printed under it (a narrative that merely names a table is not
    enough: its figures sit inside sentences). Which kind, by whose vocabulary names more distinct
    tables (收支决算总表 … against 收支预算总表, 收支总体情况表 …); a tie is a 决算."""
    named: dict[str, set[str]] = {FINAL_ACCOUNTS: set(), BUDGET: set()}
    for ln in lines:
        if found := title_of(ln):
            named[title_kind(ln)].add(found[0])
    kind = BUDGET if len(named[BUDGET]) > len(named[FINAL_ACCOUNTS]) else FINAL_ACCOUNTS
    if len(named[kind]) >= 2:
        return kind
    with_amounts = [t for t in find_tables(doc) if sum(1 for ln in t.body for x in ln.texts if amount_like(x)) >= 2]
    if with_amounts:
        return BUDGET if sum(t.kind == BUDGET for t in with_amounts) * 2 > len(with_amounts) else FINAL_ACCOUNTS
    return None


def narrative_kind(text: str, lines) -> str | None:
    """A 说明 published without its tables: at least two figures of known items (万元/元). It
    reports a 决算 when it says 决算 or sets spending against 年初预算; else a 预算 that it names."""
    if item_figures(lines) < 2:
        return None
    plain = re.sub(r"一般公共预算|预算法|预决算", "", text)
    title = re.sub(r"一般公共预算|预算法|预决算|预算绩效|预算管理", "", "".join(ln.squashed for ln in lines[:8] if len(ln.squashed) < 60))
    if "预算" in title and "决算" not in title:
        return BUDGET  # 2026年部门预算情况说明 (its text may mention last year's 决算)
    if "决算" in plain or re.search(r"[比较与]年初预算|完成预算|预算执行", plain):
        return FINAL_ACCOUNTS
    if "预算" in plain:
        return BUDGET
    return FINAL_ACCOUNTS
