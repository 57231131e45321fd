"""The general evaluation-form parser on real excerpts of other layouts (../shared/fixtures/real/excerpts,
labels in labels_pe.yaml). Every number asserted here is read from the excerpt named in the test."""
from decimal import Decimal
from pathlib import Path

import pytest

from loaders.model import Cell, Line
from loaders.parsers import evaluations
from loaders.parsers.evaluation_forms import logical_rows, place, segment_fused
from loaders.readers import read_document

EXCERPTS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "excerpts"
needs_corpus = pytest.mark.skipif(not EXCERPTS.is_dir(), reason="../shared real corpus not present")

_AMOUNT_COLS = ["budget_initial_wan", "budget_full_year_wan", "executed_wan", "funds_received_wan"]
FUNDS_COLS = ["budget_initial_wan", "budget_full_year_wan", "executed_wan", "execution_weight",
              "execution_rate_pct", "execution_score"]


def _forms(name):
    p = EXCERPTS / name
    return evaluations.parse_evaluations(read_document(p, p.read_bytes()))


def _total(rec):
    return next(f for f in rec.funds if f["fund_source"] == "total")


def _ind(rec, prefix):
    return next(i for i in rec.indicators if i["indicator_name"].startswith(prefix))


@needs_corpus
def test_pipe_rows_with_weight_before_target_anhui():
    # pe_01.txt: 绩效目标自评表, 分值 printed before 年度指标值, actual headed 全年实际值
    [rec] = _forms("pe_01.txt")
    ev = rec.evaluation
    assert (ev["project_name"], ev["unit_name"], ev["fiscal_year"]) == ("河西村特色种养补贴到户项目", "张庄寨镇人民政府", 2023)
    t = _total(rec)  # line 7: 年度资金总额: | 9.48 | 9.48 | 10 | 100% | 10
    assert (t["budget_full_year_wan"], t["executed_wan"], t["execution_weight"], t["execution_rate_pct"],
            t["execution_score"]) == (Decimal("9.48"), Decimal("9.48"), 10, 100, 10)
    veg = _ind(rec, "★补助各类瓜果蔬菜种植面积")  # line 15: | 20 | 29.5亩 | 29.5亩 | 20
    assert (veg["weight"], veg["target_text"], veg["actual_text"], veg["score"]) == (20, "29.5亩", "29.5亩", 20)
    assert (veg["level1"], veg["level2"]) == ("产出指标", "数量指标")
    peach = _ind(rec, "其中桃树种植面积")  # line 16: only target and actual printed
    assert (peach["target_text"], peach["actual_text"], peach["weight"], peach["score"]) == ("1.5亩", "1.5亩", None, None)
    income = _ind(rec, "特色产业带动增加受益农户收入")  # line 33: ≥11.376万元 | 12万元
    assert (income["comparator"], income["target_value"], income["value_unit"], income["is_achieved"]) == \
        (">=", Decimal("11.376"), "万元", True)


@needs_corpus
def test_short_funds_row_placed_by_identities_department_form():
    # pe_05.txt line 6: 年度资金总额 | 329.77 | 329.77 | 338.31 | 10 | 102.59% — the 得分 cell is empty:
    # five values under six columns; only 得分 blank fits 执行率 = 338.31/329.77 = 102.59%
    [rec] = _forms("pe_05.txt")
    assert rec.evaluation["scope"] == "department"
    t = _total(rec)
    assert (t["budget_initial_wan"], t["budget_full_year_wan"], t["executed_wan"], t["execution_weight"],
            t["execution_rate_pct"], t["execution_score"]) == (Decimal("329.77"), Decimal("329.77"),
                                                               Decimal("338.31"), 10, Decimal("102.59"), None)
    deadline = _ind(rec, "指标1:完成美丽宜居自然村庄验收时间")  # line 24: 9月前 | 7月 (dates stay text)
    assert (deadline["target_text"], deadline["actual_text"], deadline["target_value"]) == ("9月前", "7月", None)


@needs_corpus
def test_one_cell_per_line_ending_in_pipe():
    # pe_09.txt lines 25-31: 年度资金总额 | 150万 | 150万 | 125.25万 | 100 | 83.5% | 98 (one cell a line)
    [rec] = _forms("pe_09.txt")
    t = _total(rec)
    assert (t["budget_full_year_wan"], t["executed_wan"], t["execution_weight"], t["execution_rate_pct"],
            t["execution_score"]) == (150, Decimal("125.25"), 100, Decimal("83.5"), 98)
    rate = _ind(rec, "预算执行率")  # 100% | 83.5% | 20 | 18
    assert (rate["target_text"], rate["actual_text"], rate["weight"], rate["score"]) == ("100%", "83.5%", 20, 18)


@needs_corpus
def test_cells_separated_by_blank_lines_and_points_in_block_label():
    # pe_10.txt: 预算执行情况(万元)(20分) | 预算数 50 | 执行数 10 | 执行率 20 | 得分 4; 公猪舍(≥**平方米) 22.8 22.8 1
    [rec] = _forms("pe_10.txt")
    t = _total(rec)
    assert (t["budget_full_year_wan"], t["executed_wan"], t["execution_rate_pct"], t["execution_weight"],
            t["execution_score"]) == (50, 10, 20, 20, 4)
    pig = _ind(rec, "公猪舍")
    assert (pig["target_text"], pig["actual_text"], pig["score"]) == ("22.8", "22.8", 1)
    assert (pig["comparator"], pig["value_unit"]) == (">=", "平方米")  # from the label's (≥**平方米)
    # the text ends inside the last row (lines 449-453: 种母猪(≥头) | 20 | 20, then end of file): what is
    # printed is the row's start — target and actual; the score was cut off, not left blank
    sow = _ind(rec, "种母猪")
    assert sow["aligned"] is True and (sow["target_text"], sow["actual_text"], sow["score"]) == ("20", "20", None)


@needs_corpus
def test_misaligned_pipe_rows_comparator_and_unit_columns_yuan():
    # pe_06.txt: amounts in 元; the empty 年初预算数 cell dropped; comparator (≧) and unit in own columns
    [rec] = _forms("pe_06.txt")
    t = _total(rec)
    assert t["budget_initial_wan"] is None
    assert t["budget_full_year_wan"] == Decimal("38.766462")  # 387664.62 元
    assert '"budget_full_year_wan": "387664.62"' in t["printed"]
    know = _ind(rec, "政策知晓率")  # ═ | 100 | % | 98% | 10 | 9
    assert (know["comparator"], know["target_value"], know["value_unit"], know["actual_text"], know["weight"],
            know["score"]) == ("=", 100, "%", "98%", 10, 9)
    assert (rec.evaluation["total_weight"], rec.evaluation["total_score"], rec.evaluation["grade"]) == \
        (100, 96, "优")  # 总分 | 100 | 96 | 优


@needs_corpus
def test_fused_funds_runs_segmented_only_when_unique():
    # pe_02.txt: 年度资金总额:202010100.00%10 = 20|20|10|100.00%|10
    [rec] = _forms("pe_02.txt")
    t = _total(rec)
    assert (t["budget_full_year_wan"], t["executed_wan"], t["execution_weight"], t["execution_rate_pct"],
            t["execution_score"]) == (20, 20, 10, 100, 10)
    # pe_13.txt: 2456.182456.182456.1810100%10 = 2456.18|2456.18|2456.18|10|100%|10
    [rec] = _forms("pe_13.txt")
    t = _total(rec)
    assert (t["budget_initial_wan"], t["budget_full_year_wan"], t["execution_rate_pct"]) == \
        (Decimal("2456.18"), Decimal("2456.18"), 100)
    # pe_08.txt: ".32.06.5" lost its digits: no amount placed, nothing guessed (the source row's
    # rate, weight and score at the end of its run are read: test_fused_source_row_reads_only_…)
    [rec] = _forms("pe_08.txt")
    assert all(f[c] is None for f in rec.funds for c in _AMOUNT_COLS)
    assert rec.evaluation["total_score"] == Decimal("97.93")  # 自评总分(分)97.93


@needs_corpus
def test_prose_report_total_score_from_sentence():
    # pe_14.txt line 3: "…开展了绩效评价,综合评分为97分。"
    [rec] = _forms("pe_14.txt")
    assert rec.evaluation["total_score"] == 97


@needs_corpus
def test_lettered_header_row_numbers_and_received_rate_yaan():
    # pe_07.txt: 绩效评价表 whose header words sit one a line with (A)…(E) under them (lines 14-27),
    # each row's 行次 printed before its values, 统筹整合资金数(B) blank, a 佐证材料 note after the values
    from loaders.classify import PROJECT_EVALUATION, classify
    assert classify(read_document(EXCERPTS / "pe_07.txt")) == PROJECT_EVALUATION  # line 1: …资金绩效评价表
    [rec] = _forms("pe_07.txt")
    total, central, local, other = rec.funds
    # line 30-31: 年度资金总额(万元): 1 52.800000 / 52.800000 52.800000 100.00% 30.800000 58.33%
    assert total["fund_source"] == "total"
    assert (total["budget_full_year_wan"], total["funds_received_wan"], total["funds_received_rate_pct"],
            total["executed_wan"], total["execution_rate_pct"]) == (Decimal("52.800000"), Decimal("52.800000"),
                                                                   Decimal("100.00"), Decimal("30.800000"), Decimal("58.33"))
    # line 32-33: 其中:中央财政资金(万元) 2 52.800000 … 58.33% 预算下达文件、资金到位及支出凭证 (the note is not a row)
    assert central["fund_label"] == "其中:中央财政资金(万元)"
    assert (central["executed_wan"], central["execution_rate_pct"]) == (Decimal("30.800000"), Decimal("58.33"))
    # lines 34 and 42: only the 行次 (3, 4) printed: blank, never an amount
    assert local["fund_label"] == "地方财政资金(万元)" and other["fund_label"].startswith("其他资金")
    for f in (local, other):
        assert all(f[c] is None for c in ("budget_full_year_wan", "funds_received_wan", "executed_wan",
                                          "execution_rate_pct")), f


@needs_corpus
def test_basic_fact_counts_of_a_department_report_nanxian():
    # pe_14.txt: 机关整体支出绩效评价报告, counts in the prose under 二、单位基本概况
    [rec] = _forms("pe_14.txt")
    got = {(c["label"], c["count_value"], c["count_unit"], c["line"]) for c in rec.counts}
    # line 6: 内设副科级事业单位2个 … 乡镇财政等16个股室;直属事业单位10个
    assert {("内设副科级事业单位", 2, "个", 6), ("股室", 16, "个", 6), ("直属事业单位", 10, "个", 6)} <= got
    # line 8: 现有编制人员205人。其中,局机关在职113人、离休2人、退休75人、财政事务中心10人,国库集中支付中心5人
    assert {("编制人员", 205, "人", 8), ("局机关在职", 113, "人", 8), ("离休", 2, "人", 8), ("退休", 75, "人", 8),
            ("财政事务中心", 10, "人", 8), ("国库集中支付中心", 5, "人", 8)} <= got
    # line 10 under (三)部门预算单位构成: …的单位有3个
    assert any(c["count_value"] == 3 and c["section"] == "部门预算单位构成" for c in rec.counts)
    # line 3 (自评得分情况: 中发〔2018〕34号, 97分) and lines 12-13 (单位职责) are outside the section
    assert all(c["line"] in (6, 8, 10) for c in rec.counts)


@needs_corpus
def test_funds_block_points_land_as_a_score_item_changning():
    # pe_10.txt line 71-73: 预算执行情况(万元) (20分) over the funds header; line 139 产出指标(40分)
    [rec] = _forms("pe_10.txt")
    items = {(i["section"], i["weight"]) for i in rec.score_items}
    assert {("预算执行情况", 20), ("产出指标", 40)} <= items


@needs_corpus
def test_indicator_table_run_together_without_separators_zhongjiang():
    # pe_02.txt line 1: the whole form flattened with no separators; header 分值 年度指标值 全年实际值 得分
    [rec] = _forms("pe_02.txt")
    got = {i["indicator_name"]: (i["level1"], i["level2"], i["weight_text"], i["target_text"], i["actual_text"],
                                 i["score_text"]) for i in rec.indicators}
    # …产出指标(70分)数量指标安装坡面水标尺10≥266米≥266米10…
    assert got["安装坡面水标尺"] == ("产出指标", "数量指标", "10", "≥266米", "≥266米", "10")
    # …质量指标项目(工程)验收合格率20100%100%20…
    assert got["项目(工程)验收合格率"] == ("产出指标", "质量指标", "20", "100%", "100%", "20")
    # …成本指标项目计划总投资1020万元20万元10…
    assert got["项目计划总投资"][2:] == ("10", "20万元", "20万元", "10")
    # …群众生产生活条件改善状况10显著提升显著提升10…: qualitative, printed alike
    assert got["群众生产生活条件改善状况"][2:] == ("10", "显著提升", "显著提升", "10")
    assert got["受益脱贫(含监测对象)户满意度"][1:] == ("服务对象满意度指标", "10", "≥95%", "≥95%", "10")
    # the groups' printed points: 产出指标(70分) 效益指标(20分) 满意度指标(10分)
    assert [(i["section"], i["weight"]) for i in rec.score_items if not i["note"]] == \
        [("产出指标", 70), ("效益指标", 20), ("满意度指标", 10)]
    # ………总分100100注: 分值 100, 得分 100
    assert (rec.evaluation["total_weight"], rec.evaluation["total_score"]) == (100, 100)
    # the run reaches its 总分 and each of its 9 rows split one way only: the table is read whole, its
    # sums are checkable (PE-001: 10 + 100 = 110 weights; PE-002: 10 + 100 = 110 scores against 总分 100)
    assert rec.evaluation["complete"] is True
    # 注:1.一级指标分值统一设置为:产出指标50分、效益指标30分、满意度指标10分、预算资金执行率10分 (PE-017)
    assert [(i["section"], i["weight"]) for i in rec.score_items if i["note"] and "stated_weight" in i["note"]] == \
        [("产出指标", 50), ("效益指标", 30), ("满意度指标", 10), ("预算执行率", 10)]


@needs_corpus
def test_fused_indicator_table_with_a_row_not_split_is_incomplete_zhongjiang():
    # pe_02.txt line 1 altered: 水标尺宽度10≥50厘米≥50厘米10 -> …≥50厘米≥50米10 (target and actual in other
    # units: no split fits), so one row is left out and a sum over the table would be partial
    text = (EXCERPTS / "pe_02.txt").read_text(encoding="utf-8").replace("水标尺宽度10≥50厘米≥50厘米10", "水标尺宽度10≥50厘米≥50米10")
    [rec] = evaluations.parse_evaluations(read_document(Path("pe_02_altered.txt"), text.encode("utf-8")))
    assert "水标尺宽度" not in {i["indicator_name"] for i in rec.indicators} and len(rec.indicators) == 8
    assert rec.evaluation["complete"] is False


@needs_corpus
def test_fused_source_row_reads_only_its_rate_weight_and_score_liangping():
    # pe_08.txt line 2: 年初预算数全年(调整)预算数全年执行数执行率执行率权重执行率得分年度总金额.32.06.5
    # 其中财政拨款.32.06.579.27107.93 — the amounts lost digits in the OCR; the end splits only as
    # 79.27 | 10 | 7.93 (10 × 79.27% = 7.93)
    [rec] = _forms("pe_08.txt")
    total = _total(rec)
    assert total["budget_full_year_wan"] is None and "unaligned" in total["printed"]
    src = next(f for f in rec.funds if f["fund_label"] == "其中财政拨款")
    assert (src["execution_rate_pct"], src["execution_weight"], src["execution_score"]) == \
        (Decimal("79.27"), Decimal("10"), Decimal("7.93"))
    assert src["budget_full_year_wan"] is None and src["executed_wan"] is None


def test_placement_unique_or_none():
    # three amounts, two dashes under six columns: the amounts land in the same place whatever the dashes
    m = place(["150万", "150万", "125.25万", "—", "—"], FUNDS_COLS)
    assert m == {"budget_initial_wan": "150万", "budget_full_year_wan": "150万", "executed_wan": "125.25万"}
    # two bare amounts under six columns: 年初/全年/执行 cannot be told apart -> no placement
    assert place(["20", "20"], FUNDS_COLS) is None
    # a fused run with two readings that both satisfy the identities is not segmented
    assert segment_fused("1010100%10", ["budget_full_year_wan", "executed_wan", "execution_rate_pct",
                                        "execution_score"]) is None


def test_logical_rows_from_lines_of_one_or_many_cells():
    def ln(i, *texts):
        return Line(i, [Cell(t, j) for j, t in enumerate(texts)])
    # one cell per line ending in " |", the row closed by a run of pipes; a lone "|" is a blank cell
    rows = logical_rows([ln(1, "年度资金总额 |"), ln(2, "150万 |"), ln(3, "|"), ln(4, "98 |"), ln(5, "||||||")])
    assert [r.raw for r in rows] == [["年度资金总额", "150万", "", "98"]]
    # the same row split by the reader into cells
    rows = logical_rows([ln(1, "年度资金总额 ", " 150万 ", " ", " 98 ", "", "", "")])
    assert [r.cells for r in rows] == [["年度资金总额", "150万", "98"]]


@needs_corpus
def test_flattened_sheet_rows_read_by_header_order():
    # pe_04.txt line 2 (an xlsx flattened to one line): "指标8:适龄儿童疫苗接种率 100.00% 97.30% 2 1.9",
    # header order 年度指标值, 实际完成值 … 分值, 得分
    [rec] = _forms("pe_04.txt")
    r = _ind(rec, "指标8:适龄儿童疫苗接种率")
    assert (r["target_text"], r["actual_text"], r["weight"], r["score"]) == ("100.00%", "97.30%", 2, Decimal("1.9"))
    r = _ind(rec, "指标14:早孕建册数")
    assert (r["target_text"], r["actual_text"], r["score"]) == ("120人", "69人", 1)
    assert rec.evaluation["complete"] is False  # the excerpt ends before 总分: no sums to check


FILES = EXCERPTS.parent / "files"


def _file_forms(name):
    p = FILES / name
    if not p.exists():
        pytest.skip(f"{name} not present")
    return evaluations.parse_evaluations(read_document(p, p.read_bytes()))


@needs_corpus
def test_department_form_pdf_two_row_funds_header_ningde():
    # fujian_ningde_govt_office_2024_dept_overall_perf_selfeval.pdf, page 1: 合计 9209.55 | 790.22 |
    # 9999.77 | 8874.74 | 88.75 | 1125.03 | 11.2500 | 10 | 7 under 预算安排/拨付情况/结余情况 + 分值/得分
    [rec] = _file_forms("fujian_ningde_govt_office_2024_dept_overall_perf_selfeval.pdf")
    ev = rec.evaluation
    assert (ev["scope"], ev["unit_name"], ev["fiscal_year"], ev["total_score"], ev["grade"]) == \
        ("department", "宁德市人民政府办公室", 2024, Decimal("92.33"), "优")
    t = _total(rec)
    assert (t["budget_initial_wan"], t["adjustment_wan"], t["budget_full_year_wan"], t["executed_wan"],
            t["execution_rate_pct"], t["balance_wan"], t["execution_weight"], t["execution_score"]) == \
        (Decimal("9209.55"), Decimal("790.22"), Decimal("9999.77"), Decimal("8874.74"), Decimal("88.75"),
         Decimal("1125.03"), 10, 7)
    # 财政资金小计 adds up its numbered lines (①中央/②省级/③地方), not the total directly
    parents = {f["fund_label"]: f["parent_source"] for f in rec.funds}
    assert parents["③地方财政资金"] == "财政资金小计" and parents["财政资金小计"] == "total"
    r = _ind(rec, "市政府常务会议场次")  # ≥30次 | 20 | 2 | 1.33
    assert (r["target_text"], r["actual_text"], r["weight"], r["score"], r["is_achieved"]) == \
        ("≥30次", "20", 2, Decimal("1.33"), False)
    assert rec.evaluation["complete"] is True


@needs_corpus
def test_targets_table_one_project_a_row_guangzhou():
    # guangdong_guangzhou_govservice_data_bureau_2026_project_perf_targets.pdf page 1 line 7:
    # 广州12345政务服务便民热线平台运营项目 | 12,000.00 | 12,000.00 | … | 1、1-产出指标；12-质量指标；不满意回访率；…年度指标值:100%
    recs = _file_forms("guangdong_guangzhou_govservice_data_bureau_2026_project_perf_targets.pdf")
    rec = next(r for r in recs if r.evaluation["project_name"] == "广州12345政务服务便民热线平台运营项目")
    assert _total(rec)["budget_full_year_wan"] == Decimal("12000.00")
    r = _ind(rec, "不满意回访率")
    assert (r["level1"], r["level2"], r["target_text"], r["actual_text"], r["actual_value"]) == \
        ("产出指标", "质量指标", "100%", None, None)
    assert all(i["actual_text"] is None for r in recs for i in r.indicators)


@needs_corpus
def test_prose_evaluation_report_changsha():
    # hunan_changsha_sasac_2020_project_perf_evaluation_report.pdf page 24: "项目综合评分92.25分，评价级次为优"
    [rec] = _file_forms("hunan_changsha_sasac_2020_project_perf_evaluation_report.pdf")
    assert (rec.evaluation["total_score"], rec.evaluation["grade"]) == (Decimal("92.25"), "优")
    assert rec.evaluation["unit_name"] == "长沙市人民政府国有资产监督管理委员会"  # cover: 评价项目单位


@needs_corpus
def test_fill_date_only_after_its_word():
    """pe_10 prints `发布日期 2023-04-20` (line 4) and `填报日期:2023年4月15日` (line 13): the sign-off
    date is the one after 填报日期 (not written YYYY-MM-DD here, so not landed), never the page's
    publication date."""
    recs = _forms("pe_10.txt")
    assert recs and all(r.evaluation["fill_date"] is None for r in recs)
