"""City form extracted column by column (000, 001): rows rebuilt only where counts agree."""
from decimal import Decimal as D

from loaders.parsers.evaluations import parse_evaluations


def test_001_indicators_rebuilt(doc001):
    (rec,) = parse_evaluations(doc001)
    e = rec.evaluation
    assert (e["project_name"], e["unit_name"], e["department_name"], e["fiscal_year"]) == (
        "中小企业公共服务平台运营经费", "晋中市转型综改促进中心", "经建科", 2021)  # lines 76, 147, 8, 74
    assert (e["total_score"], e["grade"], e["fill_date"]) == (D("100.00"), "优", "2022-06-24")  # lines 193-199
    # 9 label rows (lines 22-30) and 9 target/actual rows (lines 96-104): aligned in order
    assert len(rec.indicators) == 9 and all(i["aligned"] for i in rec.indicators)
    i = rec.indicators[1]  # line 23 平台运营 <-> line 97 "1年 | 1年"
    assert (i["indicator_name"], i["line"], i["target_text"], i["actual_text"]) == ("平台运营", 23, "1年", "1年")
    assert (i["target_value"], i["actual_value"], i["value_unit"], i["is_achieved"]) == (D(1), D(1), "年", True)
    last = rec.indicators[-1]  # line 30 <-> line 104
    assert (last["level1"], last["indicator_name"], last["target_value"]) == ("满意度指标", "服务对象满意度", D(95))


def test_001_funds_and_scores(doc001):
    (rec,) = parse_evaluations(doc001)
    city = next(f for f in rec.funds if f["fund_source"] == "市级预算资金")
    assert (city["budget_initial_wan"], city["executed_wan"]) == (D(40), D(40))  # lines 149, 152
    # 26 weight rows (lines 113-138) and 26 scores (lines 168-193)
    assert all(s["aligned"] for s in rec.score_items)
    s = next(s for s in rec.score_items if s["sub_criterion"] == "算执行率")  # line 119 / 174
    assert (s["section"], s["criterion"], s["weight"], s["score"]) == ("投入", "资金落实", D(3), D(3))


def test_000_counts_disagree_nothing_guessed(doc000):
    (rec,) = parse_evaluations(doc000)
    e = rec.evaluation
    assert (e["project_name"], e["total_score"], e["grade"]) == ("市级中小企业发展专项", D("95.00"), "优")  # 79, 208-209
    # 14 label rows (lines 22-36) vs 15 target/actual rows (lines 98-113): not paired
    assert rec.indicators and not any(i["aligned"] for i in rec.indicators)
    assert not any(i["indicator_name"] and i["target_text"] for i in rec.indicators)
    rng = next(i for i in rec.indicators if i["target_text"] == "60-70户")  # line 100
    assert (rng["comparator"], rng["target_value"], rng["target_value_high"], rng["actual_value"]) == (
        "between", D(60), D(70), D(56))
    # 26 weights (lines 121-147) but 14 scores (lines 195-208): weights kept, scores unplaced
    placed = [s for s in rec.score_items if s["weight"] is not None]
    assert len(placed) == 25 and all(s["score"] is None and not s["aligned"] for s in placed)
    assert [s["score"] for s in rec.score_items if s["weight"] is None][:2] == [D(4), D(30)]
    total = next(f for f in rec.funds if f["fund_source"] == "total")
    assert total["funds_received_wan"] == D(2000)  # line 159
