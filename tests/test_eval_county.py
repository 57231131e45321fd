"""County report (samples/003_413624b6244a8c00.txt): one cell per line."""
from decimal import Decimal as D

import pytest

from loaders.parsers.evaluations import parse_evaluations


@pytest.fixture(scope="module")
def rec(doc003):
    (r,) = parse_evaluations(doc003)
    return r


def test_total_grade_and_unit(rec):
    e = rec.evaluation  # line 116: 总得分99.1分，属于"优秀"
    assert (e["total_score"], e["grade"], e["form"]) == (D("99.1"), "优秀", "county_report")
    assert e["project_name"] == "小升规企业奖励资金"
    assert e["unit_name"] is None and e["department_name"] is None  # the report never names its unit
    assert e["fiscal_year"] == 2021  # line 208: 2021年


def test_budget_table(rec):
    total = next(f for f in rec.funds if f["fund_source"] == "total")
    # lines 30-105: (1) 25, (2) 25, (3) 25, (4) 25, (5)=(3)-(4) 0, (7)=(4)/(2) 100
    assert (total["budget_initial_wan"], total["budget_full_year_wan"], total["funds_received_wan"],
            total["executed_wan"], total["balance_wan"], total["execution_rate_pct"]) == (
        D(25), D(25), D(25), D(25), D(0), D(100))
    # line 238-245: 预算执行率 weight 10 score 10 -> the execution weight, not an indicator
    assert (total["execution_weight"], total["execution_score"]) == (D(10), D(10))
    central = next(f for f in rec.funds if f["fund_source"] == "中央级")
    assert central["budget_initial_wan"] is None and central["balance_wan"] == D(0)  # line 34 blank, line 78 "0"
    county = next(f for f in rec.funds if f["fund_source"] == "县区级")
    assert county["executed_wan"] == D(25)  # line 70


def test_indicators_from_annex(rec):
    names = [i["indicator_name"] for i in rec.indicators]
    assert names == ["申报企业达标数", "达标合格率", "资金拨付及时率%", "经济效益增长", "群众满意度"]
    i = rec.indicators[3]  # lines 278-286
    assert (i["level1"], i["level2"], i["weight"], i["score"], i["completion_text"]) == (
        "效益指标", "经济效益", D(18), D("17.1"), "95%")
    assert i["deviation_reason"] == "奖励企业的营业收入有所增加"
    # PE-001 / PE-002 over the whole report
    f = rec.funds[0]
    assert sum(i["weight"] for i in rec.indicators) + f["execution_weight"] == 100
    assert sum(i["score"] for i in rec.indicators) + f["execution_score"] == rec.evaluation["total_score"]
    assert rec.indicators[-1]["line"] == 288  # last row, its blank 偏差原因 cell is missing from the file


def test_read_by_the_general_parser(rec):
    # no layout parser of its own: the general parser's readings (evaluation_forms) read the report
    from loaders.parsers import evaluations
    assert not any(f.__module__.endswith("county") for f in evaluations.LAYOUTS)
    e = rec.evaluation
    # the report (lines 1-223) is the text of its annex form (line 224 附件1.项目支出绩效自评表); its
    # provenance is the result sentence (line 116)
    assert (e["line_start"], e["line_end"], e["source_ref"], e["complete"]) == (1, 295, "l116", True)
    # line 112 "（2）. 项目年度目标", its paragraph on line 113
    assert e["annual_goal"].startswith("积极与财政部门接洽") and e["annual_goal"].endswith("足额下达到企业。")


def test_tab_indented_cells_keep_their_place(doc003):
    from loaders.parsers.evaluation_forms import logical_rows
    rows = {r.line.lineno: r for r in logical_rows(doc003.lines)}
    # lines 30-39: 年初预算资金 | (1) | 25 | 25 | (blank x3, lines 34-36) | 25 | (blank x2: dropped at the end)
    assert rows[30].raw == ["年初预算资金", "(1)", "25", "25", "", "", "", "25"]
    # lines 19-28: the sub-header under 财政资金 starts with three blank cells
    assert rows[19].raw[:4] == ["", "", "", "小计"]


def test_sources_under_a_group_add_up_into_its_subtotal(rec):
    # lines 12-28: 年度总金额(万元) | 财政资金 (小计 | 中央级 | 省级 | 市级 | 县区级) | 上年结转资金(万元) | 其他资金(万元)
    got = [(f["fund_source"], f["fund_label"], f["parent_source"]) for f in rec.funds]
    assert got == [("total", "年度总金额", None), ("财政资金小计", "财政资金小计", "total"),
                   ("中央级", "中央级", "财政资金小计"), ("省级", "省级", "财政资金小计"), ("市级", "市级", "财政资金小计"),
                   ("县区级", "县区级", "财政资金小计"), ("上年结转资金", "上年结转资金", "total"),
                   ("其他资金", "其他资金", "total")]
    # line 85-87: 预算到位率 (6)=(3)/(2) is not a column the warehouse holds: kept as printed, 行次 with it
    import json
    assert json.loads(rec.funds[0]["printed"])["预算到位率(6)=(3)/(2)"] == "100"
    assert json.loads(rec.funds[0]["printed"])["execution_line"] == 238  # 预算执行率 row of 附件1
    assert "预算执行率" not in [i["indicator_name"] for i in rec.indicators]
