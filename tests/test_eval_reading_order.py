"""Evaluation forms whose table reached the text in reading order or interleaved, read from real
excerpts (../shared/fixtures/real/excerpts, labels in labels_pe.yaml). Every number asserted here is
read from the excerpt and line named in the test."""
import json
from decimal import Decimal
from pathlib import Path

import pytest

from loaders.model import Cell, Line
from loaders.parsers import evaluations
from loaders.parsers.eval_reading_order import (continued_row, cut_off_row, reading_order_indicators,
                                                reading_order_score_items)
from loaders.parsers.evaluation_forms import Row
from loaders.readers import read_document

EXCERPTS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "excerpts"
needs_corpus = pytest.mark.skipif(not EXCERPTS.is_dir(), reason="../shared real corpus not present")


def _forms(name):
    p = EXCERPTS / name
    return evaluations.parse_evaluations(read_document(p, p.read_bytes()))


def _row(text: str) -> Row:
    ln = Line(lineno=1, cells=(Cell(0, text),))
    return Row([text], ln, ln)


@needs_corpus
def test_score_sheet_in_reading_order_guangshui():
    # pe_03.txt line 2 (PDF text layer): 项目权重 评价内容 分值 自评分 项目决策 2 分 决策依据 2 2 … 财务制度 3 3 …
    # 组织机构 项目管理 13 分 2 2 … 运行监管 4 4 … 目标申报 4 4 0.5 分,扣完为止 … 产出 指标 40 分 项目 绩效 85 分
    [rec] = _forms("pe_03.txt")
    items = {i["criterion"]: (i["weight"], i["score"], i["section"]) for i in rec.score_items}
    assert items["项目决策"] == (2, None, "项目决策")  # a group: "N 分", its score not printed
    assert items["决策依据"] == (2, 2, None)  # a criterion: weight and score
    assert items["财务制度"] == (3, 3, None)
    assert items["项目管理"] == (13, None, "项目管理")
    assert items["组织机构"] == (2, 2, None)  # its pair printed after the merged 项目管理 13 分 cell
    assert items["运行监管"] == (4, 4, None)
    assert items["目标申报"] == (4, 4, None)  # 0.5 分 after it is rubric text
    assert items["产出指标"] == (40, None, "产出指标")  # printed with a space inside: 产出 指标
    assert items["项目绩效"] == (85, None, "项目绩效")
    # the rubric's points (计 2 分, 扣 1 分, 15 分÷三级指标个数) are never read as items
    assert set(items) == {"项目决策", "决策依据", "财务制度", "项目管理", "组织机构", "运行监管", "目标申报",
                          "产出指标", "项目绩效"}
    assert rec.evaluation["total_score"] == 95  # 自评总分: 95


@needs_corpus
def test_indicator_row_wrapped_over_two_printed_lines_guangshui():
    # pe_03.txt line 2: header 一级 指标 二级 指标名称 年初指 年终完 自评 复核 评价标准 指标 (三级指标) 标值 成值
    # 分 分, then 乡村道路建设 300 公 300 公 15 1、提供… 养护里程 里 里
    [rec] = _forms("pe_03.txt")
    [ind] = rec.indicators
    assert ind["indicator_name"] == "乡村道路建设养护里程"
    assert (ind["target_initial_text"], ind["actual_text"], ind["score"]) == ("300公里", "300公里", 15)
    assert (ind["target_value"], ind["actual_value"], ind["value_unit"]) == (300, 300, "公里")
    assert ind["line"] == 2


def test_reading_order_needs_its_headers_and_row_shape():
    # without a score-sheet header nothing is read, though "决策依据 2 2" is printed
    assert reading_order_score_items([_row("项目决策 2 分 决策依据 2 2")]) == []
    # a score above the weight is no weight/score pair
    assert reading_order_score_items([_row("评价内容 分值 自评分 决策依据 2 3")]) == []
    # a criterion waiting for its pair takes it only when it is the only one waiting
    items = reading_order_score_items([_row("评价内容 分值 自评分 组织机构 运行监管 项目管理 13 分 2 2")])
    assert [i["criterion"] for i in items] == ["项目管理"]
    # ... and only the pair printed right after a group's "N 分": a later pair is some other row's
    assert reading_order_score_items([_row("评价内容 分值 自评分 组织机构 满意度调查 10 9")]) == []
    # a wrapped header whose second line does not hold the rests it owes is not a header
    warnings: list[str] = []
    assert reading_order_indicators([_row("一级 指标 年初指 年终完 自评 指标 成值 标值 分 乡村道路 3 3 1")],
                                    warnings) == []
    # two values under target / actual / score / review: which of score and review is blank is unknown
    assert reading_order_indicators([_row("一级 指标 年初指 年终完 自评 复核 指标 标值 成值 分 分 道路里程 3 3")],
                                    warnings) == []


@needs_corpus
def test_side_by_side_breakdowns_under_the_funds_total_lingling():
    # pe_13.txt line 30: 年度资金总额2456.182456.182456.1810100%10按收入性质分:2456.18按支出性质分:2456.18
    # 其中:一般公共预算:2456.18其中:基本支出:2299.98政府性基金拨款:项目支出:156.2纳入专户管理的非税收入拨款:其他资金:
    [rec] = _forms("pe_13.txt")
    lines = {f["fund_label"]: (f["budget_full_year_wan"], f["parent_source"]) for f in rec.funds}
    assert lines["按收入性质分"] == (Decimal("2456.18"), "-")  # a heading restates the total: adds into nothing
    assert lines["按支出性质分"] == (Decimal("2456.18"), "-")
    assert lines["其中:一般公共预算"] == (Decimal("2456.18"), "按收入性质分")
    assert lines["其中:基本支出"] == (Decimal("2299.98"), "按支出性质分")
    assert lines["项目支出"] == (Decimal("156.2"), "按支出性质分")  # printed between the 收入 lines
    assert "政府性基金拨款" not in lines and "其他资金" not in lines  # blank: nothing landed, never 0
    total = next(f for f in rec.funds if f["fund_source"] == "total")
    assert (total["budget_full_year_wan"], total["executed_wan"], total["execution_score"]) == \
        (Decimal("2456.18"), Decimal("2456.18"), 10)


@needs_corpus
def test_row_without_a_name_completes_the_row_above_yongde():
    # pe_06.txt lines 19-21: | 效益指标 | 经济效益 指标 | 减轻贫困学生家庭经济负担 | / | 有效 | / | 有效 | 10 | 10 |
    [rec] = _forms("pe_06.txt")
    r = next(i for i in rec.indicators if i["indicator_name"] == "减轻贫困学生家庭经济负担")
    assert (r["target_text"], r["actual_text"], r["weight"], r["score"], r["aligned"]) == ("有效", "有效", 10, 10, True)
    assert not any(i["indicator_name"] == "有效" for i in rec.indicators)
    assert (r["level1"], r["level2"]) == ("效益指标", "经济效益指标")


def test_continued_and_cut_off_rows_only_when_unique():
    cols = ["comparator", "target", "unit", "actual", "weight", "score", "deviation"]
    assert continued_row({"target": "有效"}, ["有效", "10", "10"], cols) == \
        {"target": "有效", "actual": "有效", "weight": "10", "score": "10"}
    # the row above printed its score: nothing continues it
    assert continued_row({"target": "有效", "score": "10"}, ["有效", "10", "10"], cols) is None
    # a numeric target keeps its unit column: 米 | 10 | 10 fits more than one way
    assert continued_row({"target": "5"}, ["10", "10"], cols) is None
    assert cut_off_row(["20", "20"], ["target", "actual", "score"]) == {"target": "20", "actual": "20"}
    assert cut_off_row(["20%", "20"], ["score", "actual"]) is None  # 20% is no score


@needs_corpus
def test_funds_by_source_columns_in_reading_order_guangshui():
    # pe_03.txt line 2: 中央 省、地 本级 其他 合计 执行数 执行 (万元)×6 率 309 309 来源 项目年度目 标 单位领导审签:
    # 乡村道路建设养护项目 项目属性 项目资金 日 309 100 % 1.完成乡村道路建设养护里程 300 公里
    [rec] = _forms("pe_03.txt")
    [total] = rec.funds
    assert total["fund_label"] == "项目资金"
    # 100 % must be 执行率, so 合计 and 执行数 are printed: the last two 309s; the first is one of the
    # four sources, which one is not printed — it stays unaligned
    assert (total["budget_full_year_wan"], total["executed_wan"], total["execution_rate_pct"]) == (309, 309, 100)
    printed = json.loads(total["printed"])
    assert printed["execution_rate_pct"] == "100 %" and printed["unaligned"] == "309"
    assert total["source_ref"] == "l2"


def test_funds_by_source_columns_only_what_every_placement_agrees_on():
    from loaders.parsers.eval_reading_order import reading_order_funds

    head = "中央 省、地 本级 其他 合计 执行数 执行 (万元) (万元) (万元) (万元) (万元) (万元) 率 "
    # the figures of pe_03.txt line 2 (309 309 … 309 100 %): 合计/执行数/执行率 decided, the source not
    [f] = reading_order_funds([_row(head + "309 309 来源 项目资金 日 309 100 %")], [])
    assert (f["budget_full_year_wan"], f["executed_wan"], f["execution_rate_pct"]) == (309, 309, 100)
    # no rate printed: 309 309 309 fits one source + 合计 + 执行数, or sources alone — nothing is decided
    warnings: list[str] = []
    [f] = reading_order_funds([_row(head + "309 309 项目资金 309 1.完成")], warnings)
    assert f["budget_full_year_wan"] is None and json.loads(f["printed"]) == {"unaligned": "309 309 309"}
    assert "could not be placed" in warnings[0]
    # a rate that does not divide the amounts: no placement
    [f] = reading_order_funds([_row(head + "300 300 项目资金 300 90 %")], [])
    assert f["executed_wan"] is None
    # no row label of the block among the words: not this block's row
    assert reading_order_funds([_row(head + "309 309 309 100 %")], []) == []
