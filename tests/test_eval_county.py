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
