"""All performance self-evaluation forms of a document, whatever their layout, in document order.

Each layout parser finds its own forms; this module runs them all, orders the forms by their first
line and numbers them (eval_id = f"{doc_id}:{n}", n 1-based in document order), and turns the
records into the rows of the raw tables `evaluations`, `eval_funds`, `eval_indicators`,
`eval_score_items`.
"""
from __future__ import annotations

import re
from collections import Counter

from loaders.model import SourceDoc
from loaders.parsers import eval_statements, evaluation_city_columns, evaluation_forms, evaluation_province
from loaders.parsers.indicators import EvaluationRecords, finish

PARSER_NAME = "evaluations"
# bump when any layout parser changes what it lands
PARSER_VERSION = "9"  # 6: runs of digits split when the scoring rule confirms the split (placement); 7: source-column funds, goal-sentence figures; 8: city/department forms by the general parser; 9: county report forms by the general parser

LAYOUTS = (evaluation_province.parse_province, evaluation_city_columns.parse_city_columns)


def document_year(doc: SourceDoc) -> int | None:
    years = Counter()
    for ln in doc.nonblank()[:60]:
        for m in re.finditer(r"(20\d{2})\s*年度", ln.text):
            years[int(m.group(1))] += 1
    return years.most_common(1)[0][0] if years else None


def parse_evaluations(doc: SourceDoc) -> list[EvaluationRecords]:
    year = document_year(doc)
    found: list[EvaluationRecords] = []
    for parse in LAYOUTS:
        found.extend(parse(doc, doc_year=year))
    # forms of any other layout, read by their words; the lines the layout parsers read are left to them
    done = [(r.evaluation["line_start"] or 0, r.evaluation["line_end"] or 0) for r in found]
    found.extend(evaluation_forms.parse_general(doc, doc_year=year, skip=done))
    found.sort(key=lambda r: (r.evaluation["line_start"] or 0))
    for r in found:
        eval_statements.annotate(doc, r)
    return [finish(doc.doc_id, n, r) for n, r in enumerate(found, start=1)]


def to_tables(records: list[EvaluationRecords]) -> dict[str, list[dict]]:
    return {"evaluations": [r.evaluation for r in records],
            "eval_funds": [f for r in records for f in r.funds],
            "eval_indicators": [i for r in records for i in r.indicators],
            "eval_score_items": [s for r in records for s in r.score_items],
            "eval_counts": [c for r in records for c in r.counts],
            "eval_goals": [g for r in records for g in r.goals]}


def defects(doc: SourceDoc, records: list[EvaluationRecords]) -> list[dict]:
    """`narrative_defects` rows of an evaluation document (PE-015: a file name of another year)."""
    return eval_statements.year_defects(doc, records)


def summary_fields(records: list[EvaluationRecords]) -> dict:
    """`documents` fields for a document that holds only evaluations: the unit printed as 实施单位 /
    预算单位 (most frequent), else NULL; the year of the forms."""
    units = Counter(r.evaluation["unit_name"] for r in records if r.evaluation["unit_name"])
    years = Counter(r.evaluation["fiscal_year"] for r in records if r.evaluation["fiscal_year"])
    codes = Counter(r.evaluation["unit_code"] for r in records if r.evaluation["unit_code"])
    return {"unit_name": units.most_common(1)[0][0] if units else None,
            "unit_code": codes.most_common(1)[0][0] if codes else None,
            "fiscal_year": years.most_common(1)[0][0] if years else None,
            "amount_unit": "万元",
            "n_tables": len(records),
            "n_cells": sum(len(r.funds) + len(r.indicators) + len(r.score_items) for r in records),
            "warnings": "\n".join(f"{r.evaluation['eval_id']}: {w}" for r in records for w in r.warnings)}
