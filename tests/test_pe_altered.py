"""Each PE/DE rule breaks on a copy of a sample with one printed number (or grade) changed.

One `fdw run` over all altered copies (as tests/test_pipeline_e2e.py does for the FA rules)."""
from __future__ import annotations

import pytest

from conftest import SAMPLES, altered_copy, fdw_run

S002 = next(SAMPLES.glob("002_*.txt"))
S004 = next(SAMPLES.glob("004_*.txt"))

# rule -> (sample, line, printed, replacement, occurrence, line of the form the finding is reported on)
ALTERATIONS = {
    "PE-001": (S002, 628, "\t1\t1\t", "\t2\t1\t", 1, 614),  # 业务工作经费 印刷资料 分值 1 -> 2: weights 101
    "PE-002": (S002, 654, "96.75", "97.75", 1, 614),  # 业务工作经费 总分
    "PE-003": (S002, 629, "\t2\t2\t", "\t2\t3\t", 1, 629),  # 出差人次 得分 3 of 分值 2
    "PE-004": (S002, 622, "87.53", "88.53", 1, 622),  # 资金总额 执行率
    "PE-005": (S002, 622, "\t8.75\t", "\t9.75\t", 1, 622),  # 资金总额 得分 (预算执行率)
    "PE-006": (S002, 622, "33.501", "34.501", 1, 622),  # 资金总额 资金结(转)余
    "PE-007": (S002, 654, "96.75\t优", "96.75\t良", 1, 614),  # 业务工作经费 等级
    "PE-008": (S002, 627, "≥2次", "≥1次", 3, 627),  # 组织开展集体活动 实际完成值 below ≥2次, still 2 of 2
    "PE-009": (S002, 623, "384.4", "394.4", 1, 622),  # 省级财政资金 目标申报数: 资金总额 384.4 ≠ Σ sources
    "PE-010": (S004, 94, "20.00", "19.00", 1, 94),  # 优势企业转型 评分表 投入 小计 得分
    "DE-001": (S004, 12, "1132.78", "1142.78", 1, 10),  # 部门整体 年末结余金额
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("pe_corpus")
    for rule, (src, line, old, new, k, _) in ALTERATIONS.items():
        altered_copy(src, corpus / f"{rule}.txt", line, old, new, k)
    con = fdw_run(tmp_path_factory.mktemp("pe_altered_home"), corpus)
    yield con
    con.close()


@pytest.mark.parametrize("rule", sorted(ALTERATIONS))
def test_each_pe_rule_fires_on_its_altered_copy(built, rule):
    _, line, _, _, _, where = ALTERATIONS[rule]
    rows = built.execute("""select f.severity, f.line, f.operands, f.message from dq_findings f join dim_document d using (doc_id)
                            where d.source_name = ? and f.rule_id = ? and f.severity <> 'hint'""",
                         [f"{rule}.txt", rule]).fetchall()
    assert rows, f"{rule} did not fire"
    # the finding is reported where the altered figure sits, or on its form, or names the line among its operands
    assert any(r[1] in (line, where) or f"l{line})" in (r[2] or "") for r in rows), rows
    assert all(r[3] for r in rows)


def test_unaltered_rules_stay_quiet_on_an_unrelated_copy(built):
    # DE-001's copy only changes the department block of 004: no project rule fires on it
    rules = {r[0] for r in built.execute("""select f.rule_id from dq_findings f join dim_document d using (doc_id)
                                            where d.source_name = 'DE-001.txt' and f.severity <> 'hint'""").fetchall()}
    assert rules == {"DE-001"}
