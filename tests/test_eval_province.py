"""Province project form (山西): the 16 attachments of 002. Every expected value is printed in
samples/002_e8cf1b33a1664aff.txt at the line named in the test."""
from decimal import Decimal as D

import pytest

from loaders.parsers.evaluation_province import align_fund_values, parse_province


@pytest.fixture(scope="module")
def forms(doc002):
    return {r.evaluation["project_name"]: r for r in parse_province(doc002)}


@pytest.fixture(scope="module")
def recs(doc002):
    return parse_province(doc002)


def _fund(rec, source):
    return next(f for f in rec.funds if f["fund_source"] == source)


def _ind(rec, name):
    return next(i for i in rec.indicators if i["indicator_name"] == name)


def test_sixteen_forms_in_document_order(recs, doc002):
    # titles at lines 614, 664, …, 1129
    assert len(recs) == 16
    assert [r.evaluation["eval_id"] for r in recs] == [f"{doc002.doc_id}:{n}" for n in range(1, 17)]
    assert recs[0].evaluation["line_start"] == 614 and recs[-1].evaluation["line_start"] == 1129
    assert all(r.evaluation["fiscal_year"] == 2023 for r in recs)  # "(2023年度)"


def test_header_codes(forms):
    # line 619: 238-山西省小企业发展促进局 / 238001-山西省小企业发展促进局
    e = forms["业务工作经费"].evaluation
    assert (e["department_code"], e["department_name"]) == ("238", "山西省小企业发展促进局")
    assert (e["unit_code"], e["unit_name"]) == ("238001", "山西省小企业发展促进局")
    # line 761 prints the other spelling of the unit under the same code
    e = forms["山西省民营企业工程系列高级职称任职资格评审"].evaluation
    assert (e["department_code"], e["unit_name"]) == ("238", "山西省小微企业发展促进局")


def test_business_funds_total_and_grade(forms):
    rec = forms["业务工作经费"]
    f = _fund(rec, "total")  # line 622
    assert f["line"] == 622
    assert (f["budget_initial_declared_wan"], f["budget_initial_wan"], f["budget_full_year_wan"],
            f["executed_wan"], f["balance_wan"], f["execution_rate_pct"], f["execution_score"]) == (
        D("384.4"), D("384.4"), D("268.75"), D("235.249"), D("33.501"), D("87.53"), D("8.75"))
    assert f["execution_weight"] == D(10)  # not printed: the national weight
    assert _fund(rec, "省级财政资金")["line"] == 623
    e = rec.evaluation  # line 654
    assert e["total_score"] == D("96.75") and e["grade"] == "优"


def test_shifted_subheader_aligned_by_order(forms):
    # lines 733-736: 目标申报数/预算编制数 printed far right, 执行率/得分 two columns right of their headers
    f = _fund(forms["干部履职能力提升培训"], "total")
    assert (f["budget_full_year_wan"], f["executed_wan"], f["balance_wan"], f["execution_rate_pct"],
            f["execution_score"]) == (D("25.6"), D("22.452"), D("3.148"), D("87.7"), D("8.77"))


def test_blank_balance_stays_blank(forms):
    # line 928: 资金结(转)余 blank, 执行率 100%, 得分 10; line 929: 得分 blank
    rec = forms["中小企业发展专项转移支付——“小升规”奖励资金"]
    total, src = _fund(rec, "total"), _fund(rec, "省级财政资金")
    assert total["balance_wan"] is None and total["execution_rate_pct"] == D(100) and total["execution_score"] == D(10)
    assert src["execution_score"] is None and src["executed_wan"] == D(37230)
    assert rec.evaluation["total_score"] == D(100) and rec.evaluation["grade"] is None  # line 942: no grade


def test_declared_vs_budgeted(forms):
    # line 1049: 目标申报数 2040, 预算编制数 1940
    f = _fund(forms["中小企业发展专项转移支付——“双创基地”奖励资金"], "省级财政资金")
    assert f["budget_initial_declared_wan"] == D(2040) and f["budget_initial_wan"] == D(1940)


def test_withdrawn_budget_six_values(forms):
    # line 794: label in the 年初预算数 column, six values; line 795 seven values
    rec = forms["省民营经济发展服务工作专班工作经费"]
    t = _fund(rec, "total")
    assert (t["budget_initial_declared_wan"], t["budget_initial_wan"], t["budget_full_year_wan"]) == (D(100), D(100), D(0))
    assert t["execution_score"] is None
    assert _fund(rec, "省级财政资金")["execution_score"] == D("0.00")


@pytest.mark.parametrize("name,total,grade", [("办公大楼管理费", "85", "差"),   # line 687
                                              ("办公大楼取暖费、水电费", "90", "差"),  # line 718
                                              ("中小企业发展专项省本级", "98.62", "优")])  # line 911
def test_totals_and_grades(forms, name, total, grade):
    e = forms[name].evaluation
    assert e["total_score"] == D(total) and e["grade"] == grade


def test_service_enterprises_missed_target(forms):
    # line 837: 服务企业数 ≥400户 target, ≥387户 actual, 3 of 3 points
    i = _ind(forms["中小企业公共服务(山西省小企业发展服务中心)"], "服务企业数")
    assert (i["comparator"], i["target_value"], i["actual_value"], i["value_unit"]) == (">=", D(400), D(387), "户")
    assert i["is_achieved"] is False
    assert i["weight"] == i["score"] == D(3)
    assert i["level2"] == "数量指标"


def test_indicator_levels_carried_and_shifted(forms):
    rec = forms["业务工作经费"]
    # line 636 lacks the 二级 cell: name and values shifted left
    i = _ind(rec, "“十四五”中小企业发")
    assert (i["target_text"], i["actual_text"], i["weight"], i["score"]) == ("=1份", "=1份", D(2), D(2))
    assert i["level2"] == "数量指标"
    # line 638 starts with 绩效指标|产出指标|质量指标
    i = _ind(rec, "重大课题研究")
    assert (i["level1"], i["level2"], i["target_value"]) == ("产出指标", "质量指标", D(3))
    # line 639: carried down
    i = _ind(rec, "活动组织情况")
    assert (i["level1"], i["level2"], i["target_value"], i["is_achieved"]) == ("产出指标", "质量指标", None, True)
    # line 635: deviation reason and a missed target
    i = _ind(rec, "举办党建专题辅导讲座")
    assert i["score"] == D(0) and i["is_achieved"] is False and i["deviation_reason"].startswith("未开展专门讲座")
    # line 653
    i = _ind(rec, "服务中小企业满意度")
    assert (i["level1"], i["level2"]) == ("满意度指标", "服务对象满意")
    assert len(rec.indicators) == 26  # lines 627-653 less the blank 637


def test_indicator_weights_and_scores_sum_to_total(recs):
    # PE-001/PE-002 hold for 业务工作经费 (line 654: 96.75 = 8.75 + Σ indicator scores)
    rec = recs[0]
    assert sum(i["weight"] for i in rec.indicators) + 10 == 100
    assert sum(i["score"] for i in rec.indicators) + rec.funds[0]["execution_score"] == rec.evaluation["total_score"]


def test_blank_target_initial_stays_blank(forms):
    # line 682: 年初指标值 blank, 调整后指标值 未填报, 10 points, scored 5
    i = _ind(forms["办公大楼管理费"], "成本指标")
    assert i["target_initial_text"] is None and i["target_text"] == "未填报" and (i["weight"], i["score"]) == (D(10), D(5))


def test_provenance(recs):
    for r in recs:
        for row in [*r.funds, *r.indicators]:
            assert row["source_ref"] == f"l{row['line']}" and row["page"] is None and row["doc_id"] == r.evaluation["doc_id"]


def test_align_fund_values_rules():
    cols = [4, 5, 6, 7, 8, 9, 10]
    # positions agree
    assert align_fund_values(3, [(4, "a"), (6, "b")], cols)[0] == {0: "a", 2: "b"}
    # seven values elsewhere: by order
    assert align_fund_values(3, [(c, str(c)) for c in range(6, 14) if c != 11], cols)[1] == "order"
    # six values starting one column late: shifted
    mapped, how = align_fund_values(4, [(c, str(c)) for c in range(5, 11)], cols)
    assert how == "shift" and mapped[0] == "5" and 6 not in mapped
