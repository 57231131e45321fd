"""Figures stated in the sentences of a form's goal block (年度总体目标 | 预期目标 | 实际完成情况), read from
real excerpts (../shared/fixtures/real/excerpts, labels in labels_pe.yaml). Every figure asserted here is
printed in the excerpt and line the test names."""
from pathlib import Path

import pytest

from loaders.model import Cell, Line
from loaders.parsers import evaluations
from loaders.parsers.eval_goals import figures, goal_figures
from loaders.parsers.evaluation_forms import Row
from loaders.readers import read_document

EXCERPTS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "excerpts"
needs_corpus = pytest.mark.skipif(not EXCERPTS.is_dir(), reason="../shared real corpus not present")


def _goals(name):
    p = EXCERPTS / name
    return [g for r in evaluations.parse_evaluations(read_document(p, p.read_bytes())) for g in r.goals]


def _row(*cells: str, lineno: int = 1) -> Row:
    ln = Line(lineno=lineno, cells=tuple(Cell(i, c) for i, c in enumerate(cells)))
    return Row(list(cells), ln, ln)


@needs_corpus
def test_numbered_targets_run_into_the_header_lingling():
    # pe_13.txt line 30 (of the logical row that starts at line 1: the sharing page's lines run into it): …其他资金:年度总体目标预期目标实际完成情况1:适龄儿童国家免疫规划接种率290%。2:减少艾滋病
    # 新发感染,降低艾滋病病死率,暗娼、男性同性性行为人群艾滋病检测比例70%o3:加强…完成率280%。4:进一步减少结核病感染
    got = {(g["goal_no"], g["subject"]): g for g in _goals("pe_13.txt")}
    first = got[(1, "适龄儿童国家免疫规划接种率")]
    assert (first["target_text"], first["actual_text"], first["value"], first["value_unit"]) == ("290%", None, 290, "%")
    assert first["column_label"] == "预期目标" and first["section"] == "年度总体目标"
    assert got[(2, "暗娼、男性同性性行为人群艾滋病检测比例")]["target_text"] == "70%"  # 70%o: the o is not read
    assert got[(3, "完成率")]["target_text"] == "280%"
    # 降低艾滋病病死率 has no figure; goal 4 none either
    assert set(got) == {(1, "适龄儿童国家免疫规划接种率"), (2, "暗娼、男性同性性行为人群艾滋病检测比例"), (3, "完成率")}
    assert {g["source_ref"] for g in got.values()} == {"l1"}  # the row's first line, as its funds line's


@needs_corpus
def test_results_in_their_own_cell_ezhou():
    # pe_09.txt line 57: 年度总体目标 | 预期目标 | 实际完成情况 |, line 61: 为更好的建设…费用。 |
    # 本年度财政拨款为150万元:执行数为125.25万元,完成预算的83.50%。 |
    got = [(g["column_label"], g["subject"], g["actual_text"], g["target_text"]) for g in _goals("pe_09.txt")]
    assert got == [("实际完成情况", "本年度财政拨款", "150万元", None), ("实际完成情况", "执行数", "125.25万元", None),
                   ("实际完成情况", "完成预算", "83.50%", None)]


@needs_corpus
def test_counts_tied_by_the_words_before_them_jinzhai():
    # pe_05.txt line 11 (实际完成情况): 1.启动燕子河镇龙马村、花石乡大湾村等4个精品示范村建设;2.整治美丽宜居自然村庄202个;
    # 3.完成农村户用卫生厕所改造3061户;4.全面完成2022年度10个省级中心村各项建设任务…
    got = [(g["goal_no"], g["subject"], g["actual_text"]) for g in _goals("pe_05.txt")]
    # 4个 follows an enumeration (…等): what it counts is printed after it — not landed; 10个 follows 2022年度
    assert got == [(2, "整治美丽宜居自然村庄", "202个"), (3, "完成农村户用卫生厕所改造", "3061户")]


def test_a_figure_lands_only_when_its_clause_names_it():
    # pe_09.txt line 61's sentence: each figure tied by the words of its own clause
    assert figures("本年度财政拨款为150万元:执行数为125.25万元,完成预算的83.50%。") == [
        ("本年度财政拨款", "150万元", "万元"), ("执行数", "125.25万元", "万元"), ("完成预算", "83.50%", "%")]
    # nar_01.txt line 4: a percentage after words that are not a rate (增长) is not tied; the amount is
    assert figures("与上年相比,增加30.66 万元,增长0.79%") == [("增加", "30.66万元", "万元")]
    # pe_04.txt line 2 (指标6): a table row, the count in a cell of its own: the words of another cell
    # do not tie it (only a statement's own clause does)
    assert figures("举办健康教育宣传咨询活动 12次") == []
    # pe_09.txt line 61's first clause, no figure; a bare number (no unit, no rate word) ties nothing
    assert figures("为更好的建设行政服务大厅窗口建设") == []
    assert figures("年度目标100") == []


def test_statements_need_their_columns():
    head = _row("年度总体目标", "预期目标", "实际完成情况")
    # two statement cells under two columns: each under its own
    got = goal_figures([head, _row("接种率≥90%", "接种率95%", lineno=2)])
    assert [(g["target_text"], g["actual_text"], g["line"]) for g in got] == [("≥90%", None, 2), (None, "95%", 2)]
    assert got[0]["comparator"] == ">="
    # one cell under two columns: which column is not printed — nothing
    assert goal_figures([head, _row("接种率≥90%", lineno=2)]) == []
    # run together, not numbered: where the target ends is not printed — nothing
    assert goal_figures([_row("年度总体目标预期目标实际完成情况接种率≥90%接种率95%")]) == []
    # run together and numbered, the numbering starting again at 1 for the second column
    got = goal_figures([_row("年度总体目标预期目标实际完成情况1:接种率≥90%。2:检测比例70%。1:接种率95%。2:检测比例72%")])
    assert [(g["goal_no"], g["target_text"], g["actual_text"]) for g in got] == [
        (1, "≥90%", None), (2, "70%", None), (1, None, "95%"), (2, None, "72%")]


def test_a_column_word_inside_a_goal_does_not_end_the_block():
    # pe_13.txt line 30: "…3:加强…完成率280%。" — 完成率 is also an indicator column word (003's 附件1 header);
    # pe_02.txt prints its indicator header run together: "一级指标二级指标三级指标…". Only a run of
    # column words starts the table.
    from loaders.parsers.eval_goals import _table_start
    from loaders.parsers.evaluation_forms import vocab
    stops = tuple(vocab().ind_cols) + tuple(vocab().levels) + ("绩效指标",)
    goal = "3:加强…完成率280%。4:进一步减少结核病感染"
    assert _table_start(goal, stops) == len(goal)
    assert _table_start(goal + "一级指标二级指标三级指标", stops) == len(goal)
