"""A budget's 绩效目标表 pages land in the evaluation marts, targets only (issue 12, item 1 of What to build).

Real case: ../shared/fixtures/real/files/shaanxi_xian_finance_bureau_2026_dept_budget.pdf (西安市财政局 2026
部门预算), 表14-1 部门专项业务经费绩效目标表 on p44:l759-777 (项目名称 会计类考试考务; 指标值 and 分值权重
columns, no 实际完成值). The text below is its first lines as loaders/readers reads them (p44:l759-772)."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, fdw_run

REAL_BUDGET = ROOT.parent / "shared" / "fixtures" / "real" / "files" / "shaanxi_xian_finance_bureau_2026_dept_budget.pdf"

FORM = """表14-1
部门专项业务经费绩效目标表
(2026年度)
项目名称\t会计类考试考务
主管部门\t西安市财政局
资金金额(万元)\t实施期资金总额：\t1,083.57\t执行率分值（10分）
其中：财政拨款\t1,083.57
其他资金
总体目标\t按照省财政厅年度《全国会计专业技术资格考试陕西考区工作方案》安排，结合西安考区组考工作实际，统筹做好考试报名等工作。
年度绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t分值权重（90分）
成本指标\t经济成本指标\t考试机位单价(元/小时)\t19.75\t10
产出指标\t数量指标\t考试机位数量(个)\t≤12380\t7
\t\t考务培训次数(次)\t3\t7
"""


def test_a_target_form_is_read_with_its_targets_and_no_actuals(tmp_path):
    from loaders import pipeline
    from loaders.parsers import evaluations
    from loaders.readers import read_document

    path = tmp_path / "form.txt"
    path.write_text(FORM, encoding="utf-8")
    forms, unread = pipeline._budget_target_forms(evaluations.parse_evaluations(read_document(path)))
    assert unread == ""
    (form,) = forms
    assert form.evaluation["project_name"] == "会计类考试考务" and form.evaluation["fiscal_year"] == 2026
    # 分值权重 is the weight column: 19.75 / ≤12380 / 3 are targets, 10 / 7 / 7 weights (p44:l769-771)
    assert [(i["indicator_name"], i["target_text"], i["weight_text"], i["actual_text"]) for i in form.indicators] == [
        ("考试机位单价(元/小时)", "19.75", "10", None), ("考试机位数量(个)", "≤12380", "7", None),
        ("考务培训次数(次)", "3", "7", None)]


def test_a_form_whose_targets_were_not_all_placed_lands_nothing(tmp_path):
    from loaders import pipeline
    from loaders.parsers import evaluations
    from loaders.readers import read_document

    path = tmp_path / "form.txt"  # the 指标值 of the first row not printed: that row has no target
    path.write_text(FORM.replace("考试机位单价(元/小时)\t19.75\t10", "考试机位单价(元/小时)\t\t10"), encoding="utf-8")
    forms, unread = pipeline._budget_target_forms(evaluations.parse_evaluations(read_document(path)))
    assert forms == [] and unread.startswith("绩效目标表 not read") and "l2" in unread


@pytest.mark.skipif(not REAL_BUDGET.exists(), reason="../shared real corpus absent")
def test_the_real_budget_lands_its_target_forms_keyed_to_the_budget(tmp_path):
    with fdw_run(tmp_path / "home", REAL_BUDGET) as con:
        forms = con.execute("""select d.doc_kind, e.project_name, e.source_ref from fct_performance_evaluation e
                               join dim_document d using (doc_id) order by e.eval_no""").fetchall()
        # 表14-1 … 表14-13 and 表15: the forms whose every indicator has its target read; the others are
        # named in dim_document.warnings (e.g. 政府投资项目评审 p50:l882, whose 经济成本 row has none read)
        assert forms[:3] == [("budget", "会计类考试考务", "p44:l760"), ("budget", "绩效管理", "p45:l779"),
                             ("budget", "财政委托业务", "p46:l796")]
        assert len(forms) == 8
        warnings, = con.execute("select warnings from dim_document").fetchone()
        assert "绩效目标表 not read (a target not placed in every indicator row): p50:l882" in warnings
        # targets only: no actual, no score
        assert con.execute("""select count(*), count(target_text), count(actual_text), count(score)
                              from fct_indicator_achievement""").fetchall() == [(106, 106, 0, 0)]
        assert con.execute("""select indicator_name, target_text, weight_text from fct_indicator_achievement
                              where source_ref = 'p44:l770'""").fetchall() == [("考试机位数量(个)", "≤12380", "7")]
        assert con.execute("select count(*) from dq_findings where rule_id like 'PE-%'").fetchall() == [(0,)]
