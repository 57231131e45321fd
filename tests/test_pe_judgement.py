"""PE-005's rounding envelope at the printed precision, and the judgement rules PE-011 (execution above
budget), PE-012 (an indicator's score against its own target and actual), PE-013 (budget-execution
score left blank) and PE-014 (a cost indicator's amount above the amount executed): each catches an altered copy of real text and stays quiet on the unaltered text.

The real excerpts live in ../shared/fixtures/real/excerpts (skipped when absent); the line numbers and
figures below are those files' (and samples/002's)."""
from __future__ import annotations

import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest

from conftest import S002, altered_copy, fdw_run

EXCERPTS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "excerpts"
pytestmark = pytest.mark.skipif(not EXCERPTS.is_dir(), reason="../shared real corpus not present")

# name -> (source, line, printed, replacement, occurrence); None: the unaltered text
COPIES = {
    # pe_04 line 2: 指标8:适龄儿童疫苗接种率 100.00% 97.30% 分值 2 得分 1.9 (2 × 97.30% = 1.946 ≈ 1.9)
    "pe04_ind8_1.5.txt": ("pe_04.txt", 2, "97.30% 2 1.9", "97.30% 2 1.5", 1),
    # pe_06 line 16: 营养改善计划覆盖率 ≧100 %, actual 100%, 分值 10, 得分 10 (met, full marks)
    "pe06_met_8.txt": ("pe_06.txt", 16, "| 100% | 10 | 10 |", "| 100% | 10 | 8 |", 1),
    # pe_09 line 28: 年度资金总额 全年执行数 125.25万 of 全年预算数 150万
    "pe09_over_budget.txt": ("pe_09.txt", 28, "125.25万", "165.25万", 1),
    # pe_06 line 8: 年度资金总额 … 分值 10 | 执行率 100% | 得分 10
    "pe06_score_blank.txt": ("pe_06.txt", 8, "| 10 | 100% | 10 |", "| 10 | 100% | |", 1),
    # pe_09 line 144: 成本指标 市民中心运行维护费 实际完成值 150万 (全年执行数 125.25万, line 28)
    "pe09_cost_120.txt": ("pe_09.txt", 144, "150万", "120万", 1),
    # pe_09 line 80: indicator 预算执行率 100% -> 83.5%, 分值 20, 得分 18 (20 × 83.5% = 16.7)
    "pe09_rate_17.txt": ("pe_09.txt", 80, "18", "17", 1),
    "pe_04.txt": None, "pe_05.txt": None, "pe_06.txt": None, "pe_09.txt": None,
    # samples/002 line 622: 资金总额 … 执行率 87.53 得分 8.75 (10 × 87.53% = 8.753): printed with one
    # decimal, 8.8 is the rounding of 8.753 (±0.05), 8.7 is not
    "s002_score_8.8.txt": (S002, 622, "\t8.75\t", "\t8.8\t", 1),
    "s002_score_8.7.txt": (S002, 622, "\t8.75\t", "\t8.7\t", 1),
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("pe_judgement")
    for name, spec in COPIES.items():
        if spec is None:
            shutil.copy(EXCERPTS / name, corpus / name)
        else:
            src, line, old, new, k = spec
            altered_copy(src if isinstance(src, Path) else EXCERPTS / src, corpus / name, line, old, new, k)
    c = fdw_run(tmp_path_factory.mktemp("pe_judgement_home"), corpus)
    yield c
    c.close()


def findings(con, name, rule, severity=None):
    sql = """select f.severity, f.row_label, f.actual, f.expected, f.message from dq_findings f
             join dim_document d using (doc_id) where d.source_name = ? and f.rule_id = ?"""
    rows = con.execute(sql, [name, rule]).fetchall()
    return [r for r in rows if severity is None or r[0] == severity]


def test_pe012_proportional_score_caught_and_consistent_one_left_alone(con):
    # unaltered pe_04: 指标8 1.9 (≈ 1.946) passes; 指标12 1.8 against 2 × 203/214 = 1.897 and 指标14 1 (the
    # form scores with one decimal: 1.0) against 2 × 69/120 = 1.15 are flagged
    rows = findings(con, "pe_04.txt", "PE-012", "warning")
    labels = {r[1].split(":")[0] for r in rows}
    assert {"指标12", "指标14"} <= labels and "指标8" not in labels and "指标15" not in labels
    i14 = next(r for r in rows if r[1].startswith("指标14"))
    assert i14[2] == D("1") and abs(i14[3] - D("1.15")) < D("0.001")
    # altered: 指标8 printed 1.5 against 1.946
    assert any(r[1].startswith("指标8") for r in findings(con, "pe04_ind8_1.5.txt", "PE-012", "warning"))


def test_pe012_met_target_needs_full_marks(con):
    # pe_06 资金到位及时率 ≧100, actual 100%, printed 7 of 10: flagged; 营养改善计划覆盖率 10 of 10: not
    rows = findings(con, "pe_06.txt", "PE-012", "warning")
    assert any(r[1] == "资金到位及时率" and r[2] == D("7") and r[3] == D("10") for r in rows)
    assert not any(r[1] == "营养改善计划覆盖率" for r in rows)
    assert any(r[1] == "营养改善计划覆盖率" and r[2] == D("8")
               for r in findings(con, "pe06_met_8.txt", "PE-012", "warning"))


def test_pe011_execution_above_budget(con):
    # pe_05 line 6: 全年预算数 329.77, 全年执行数 338.31
    rows = findings(con, "pe_05.txt", "PE-011", "warning")
    assert any(r[2] == D("329.77") and r[3] == D("338.31") for r in rows)
    assert not findings(con, "pe_09.txt", "PE-011")  # 125.25万 of 150万
    assert any(r[3] == D("165.25") for r in findings(con, "pe09_over_budget.txt", "PE-011", "warning"))


def test_pe013_blank_execution_score(con):
    # pe_05 line 6: 分值 10, 执行率 102.59%, 得分 blank -> 10 × min(102.59%, 100%) = 10
    rows = findings(con, "pe_05.txt", "PE-013", "warning")
    assert len(rows) == 1 and rows[0][3] == D("10")
    assert not findings(con, "pe_06.txt", "PE-013")
    assert findings(con, "pe06_score_blank.txt", "PE-013", "warning")


def test_pe005_envelope_follows_printed_decimals(con):
    # 8.8 is 8.753 rounded to one decimal: a hint at most; 8.7 is beyond ±0.05: an error
    assert not findings(con, "s002_score_8.8.txt", "PE-005", "error")
    err = findings(con, "s002_score_8.7.txt", "PE-005", "error")
    assert err and err[0][2] == D("8.7")


def test_pe014_cost_above_amount_executed(con):
    # pe_09: 成本指标 实际完成值 150万 (line 144) > 全年执行数 125.25万 (line 28)
    rows = findings(con, "pe_09.txt", "PE-014", "warning")
    assert len(rows) == 1 and rows[0][2] == D("125.25") and rows[0][3] == D("150")
    assert not [r for r in findings(con, "pe09_cost_120.txt", "PE-014") if r[0] != "hint"]


def test_pe012_execution_rate_indicator_scored_as_pe005(con):
    # pe_09 line 80: 预算执行率 printed 18 of 20 at 83.5 % (no comparator; the rate itself: 20 × 83.5 % =
    # 16.7); the form scores whole points (±0.5): 17 is the rounding of 16.7, 18 is not
    rows = findings(con, "pe_09.txt", "PE-012", "warning")
    assert [(r[1], r[2], r[3]) for r in rows] == [("预算执行率", D("18"), D("16.7"))]
    assert not findings(con, "pe09_rate_17.txt", "PE-012", "warning")
