"""晋中 forms of 004 (samples/004_6023eec06e43d371.txt): one department-wide form (lines 3-57) and
three city project forms (lines 59, 127, 202). Expected values are printed at the lines named."""
from decimal import Decimal as D

import pytest

from loaders.parsers.evaluations import parse_evaluations


@pytest.fixture(scope="module")
def recs(doc004):
    return parse_evaluations(doc004)


@pytest.fixture(scope="module")
def by_name(recs):
    return {r.evaluation["project_name"]: r for r in recs}


def _item(rec, sub):
    return next(s for s in rec.score_items if s["sub_criterion"] == sub)


def test_four_forms_in_order(recs, doc004):
    assert [r.evaluation["form"] for r in recs] == ["city_department", "city_project", "city_project", "city_project"]
    assert [r.evaluation["line_start"] for r in recs] == [3, 59, 127, 202]
    assert recs[2].evaluation["eval_id"] == f"{doc004.doc_id}:3"
    assert all(r.evaluation["fiscal_year"] == 2020 for r in recs)  # "(2020 年度)"


def test_department_funds(recs):
    dept = recs[0]
    assert dept.evaluation["scope"] == "department" and dept.evaluation["project_name"] is None
    (f,) = dept.funds
    # lines 10-12: 26.66 + 22728.40 − 10504.26 + 5.35 = 11,123.37 + 1132.78
    assert (f["carryover_prior_wan"], f["budget_initial_wan"], f["adjustment_wan"], f["other_adjustment_wan"],
            f["executed_wan"], f["balance_wan"]) == (D("26.66"), D("22728.40"), D("-10504.26"), D("5.35"),
                                                     D("11123.37"), D("1132.78"))
    assert '"executed_wan": "11,123.37"' in f["printed"]
    assert f["line"] == 10


def test_department_scores(recs):
    dept = recs[0]
    e = dept.evaluation  # lines 51-52, evaluators lines 54-56
    assert (e["total_score"], e["grade"]) == (D("100.00"), "优")
    assert e["evaluator"] == "姚国瑞、王素琴、赵晓红"
    i = _item(dept, "固定资产利用")  # line 41: 4 / 4.00, 计算分析情况 95%
    assert (i["section"], i["criterion"], i["weight"], i["score"], i["line"]) == ("过程", "资产管理", D(4), D(4), 41)
    assert "95%" in i["note"]
    sections = [s for s in dept.score_items if s["criterion"] is None]
    assert [(s["section"], s["weight"]) for s in sections] == [("投入", D(16)), ("过程", D(42)), ("产出", D(22)), ("效果", D(20))]
    criteria = [s for s in dept.score_items if s["criterion"] is not None]
    assert len(criteria) == 26  # lines 22-50 less the section rows 27, 42, 46
    assert sum(s["score"] for s in criteria) == e["total_score"]


def test_city_header(by_name):
    e = by_name["优势企业转型项目信息化平台"].evaluation  # lines 65-67
    assert (e["department_code"], e["unit_name"], e["project_attribute"], e["project_period"]) == (
        "202", "晋中市工业和信息化局", "经常性项目", "2020-01-01至2020-12-31")
    assert (e["total_score"], e["grade"], e["fill_date"]) == (D("100.00"), "优", "2021-07-13")  # lines 119-124
    assert e["evaluator"] == "张莹华、韩思敏"
    # lines 132-135: values printed on orphan lines below their labels, as printed (truncated)
    e = by_name["企业技术创新奖励补助"].evaluation
    assert (e["unit_name"], e["project_period"]) == ("中市工业和信息化", "201905至202012")
    e = by_name["新动能专项资金"].evaluation  # lines 209-210: no unit, no period printed
    assert e["unit_name"] is None and e["project_period"] is None


def test_new_momentum_funding_rate(by_name):
    rec = by_name["新动能专项资金"]
    total = next(f for f in rec.funds if f["fund_source"] == "total")
    city = next(f for f in rec.funds if f["fund_source"] == "市级预算资金")
    # line 211 预算资金 20000.00, line 213 预算下达资金 5000.00, line 214 实际支出 5000.00
    assert (city["budget_initial_wan"], total["funds_received_wan"], city["executed_wan"]) == (D(20000), D(5000), D(5000))
    i = _item(rec, "资金到位率")  # line 239: weight 3, score 0.75 = 3 × 5000 / 20000
    assert (i["weight"], i["score"], i["section"], i["criterion"]) == (D(3), D("0.75"), "投入", "资金落实")
    assert i["weight"] * total["funds_received_wan"] / city["budget_initial_wan"] == i["score"]
    assert (rec.evaluation["total_score"], rec.evaluation["grade"]) == (D("97.75"), "优")  # lines 260-261


def test_innovation_award(by_name):
    rec = by_name["企业技术创新奖励补助"]
    assert _item(rec, "预算执行率")["score"] == D("2.47")  # line 175
    city = next(f for f in rec.funds if f["fund_source"] == "市级预算资金")
    assert (city["budget_initial_wan"], city["executed_wan"]) == (D(345), D("284.17"))  # lines 136, 139
    i = next(i for i in rec.indicators if i["line"] == 164)  # >80% target, 100% actual
    assert (i["comparator"], i["target_value"], i["actual_value"], i["is_achieved"]) == (">", D(80), D(100), True)
    # line 150 (指标2: with nothing printed) lands no indicator
    assert all(i["line"] != 150 for i in rec.indicators)


def test_city_indicators(by_name):
    rec = by_name["优势企业转型项目信息化平台"]
    i = next(i for i in rec.indicators if i["indicator_name"] == "维护服务平台系统正常运营")  # line 79
    assert (i["level1"], i["level2"], i["target_text"], i["actual_text"], i["completion_text"]) == (
        "产出指标", "数量指标", "1套/年", "1套/年", "100%")
    assert (i["target_value"], i["value_unit"]) == (D(1), "套/年")
    i = next(i for i in rec.indicators if i["line"] == 83)
    assert (i["comparator"], i["target_value"], i["value_unit"]) == ("<=", D("0.5"), "小时")
    assert len(rec.indicators) == 10  # lines 79-88; 89-90 print labels only
    sections = {s["section"]: s for s in rec.score_items if s["criterion"] is None}
    assert {k: v["weight"] for k, v in sections.items()} == {"投入": 20, "过程": 20, "产出": 30, "效果": 30}


def test_forms_read_by_the_general_parser(recs):
    """The 晋中 layouts have no parser of their own any more: the general parser reads each form down
    to its 综合得分 row (lines 51, 119, 194, 260: `综合得分 | 100 | …`), so the forms' sums are
    checkable, and lands the printed total weight 100."""
    from loaders.parsers import evaluations
    assert not any(f.__module__.endswith(("evaluation_city", "evaluation_department")) for f in evaluations.LAYOUTS)
    assert [r.evaluation["complete"] for r in recs] == [True, True, True, True]
    assert [r.evaluation["total_weight"] for r in recs] == [D(100)] * 4
    assert [r.evaluation["total_score_text"] for r in recs] == ["100.00", "100.00", "99.47", "97.75"]


def test_department_score_notes(recs):
    """Line 20 names the sub-columns of 指标分值 (参考分值 | 设定分值): line 21 `投入 | | 16 | 16 | —— |
    16.00` is the section subtotal (weight 设定分值), line 41 keeps its 参考分值 and its analysis (`95%`)
    in the note, not as the score."""
    dept = recs[0]
    sec = dept.score_items[0]
    assert (sec["section"], sec["weight_text"], sec["score_text"], sec["line"]) == ("投入", "16", "16.00", 21)
    assert sec["note"] == '{"参考分值": "16", "kind": "section_total"}'
    it = next(s for s in dept.score_items if s["line"] == 41)
    assert (it["criterion"], it["sub_criterion"], it["weight_text"], it["score_text"]) == ("资产管理", "固定资产利用", "4.00", "4.00")
    assert it["note"] == '{"参考分值": "4", "计算分析情况": "95%"}'
