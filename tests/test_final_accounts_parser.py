"""Values of 002 (山西省小企业发展促进局 2023 决算) asserted against what it prints, line by line."""
from decimal import Decimal

import pytest

from loaders.model import DocumentError
from loaders.parsers.final_accounts import parse_final_accounts
from loaders.readers import read_document

from conftest import S002, altered_copy, cells, one

D = Decimal



def test_document_metadata(fa002):
    # 部门名称：山西省小企业发展促进局 / 2023年度 / 金额单位：万元 (lines 81-85)
    assert (fa002.unit_name, fa002.fiscal_year, fa002.amount_unit) == ("山西省小企业发展促进局", 2023, "万元")


def test_all_ten_tables_found_by_title(fa002):
    codes = [t["table_code"] for t in fa002.tables]
    assert codes == ["T_SUMMARY", "T_INCOME", "T_EXPENDITURE", "T_FISCAL_SUMMARY", "T_GPB_EXPENDITURE",
                     "T_BASIC_DETAIL", "T_GOV_FUND", "T_SOE_CAPITAL", "T_THREE_PUBLIC", "T_STATS"]
    assert [t["printed_table_no"] for t in fa002.tables] == [f"公开{n:02d}表" for n in range(1, 11)]


def test_tables_are_found_by_title_not_by_number(tmp_path):
    # renumber 收入支出决算总表 (line 79 "公开01表") and give the 三公 table another number: nothing changes
    p = altered_copy(S002, tmp_path / "a.txt", 79, "公开01表", "公开07表")
    p = altered_copy(p, tmp_path / "b.txt", 382, "公开09表", "表七")
    fa = parse_final_accounts(read_document(p))
    assert [t["table_code"] for t in fa.tables][0] == "T_SUMMARY"
    assert one(fa, table_code="T_THREE_PUBLIC", item="total", column_code="actual")["amount_wan"] == D("3.52")


def test_summary_two_sided(fa002):
    # line 90: 一、一般公共预算财政拨款收入 1 3,584.96 | 一、一般公共服务支出 32 27.00
    inc = one(fa002, table_code="T_SUMMARY", side="income", row_no=1)
    assert (inc["printed_text"], inc["amount_wan"], inc["line"], inc["row_role"]) == ("3,584.96", D("3584.96"), 90, "item")
    exp = one(fa002, table_code="T_SUMMARY", side="expenditure", row_no=32)
    assert (exp["row_label"], exp["amount_wan"], exp["line"]) == ("一、一般公共服务支出", D("27.00"), 90)
    # line 117 本年收入合计 3,585.52 / 本年支出合计 3,605.97; line 119 年初 30.68 / 年末 10.24; line 121 总计 3,616.20
    assert one(fa002, table_code="T_SUMMARY", side="income", row_role="current_total")["amount_wan"] == D("3585.52")
    assert one(fa002, table_code="T_SUMMARY", side="expenditure", row_role="current_total")["amount_wan"] == D("3605.97")
    assert one(fa002, table_code="T_SUMMARY", side="income", row_role="opening_balance")["amount_wan"] == D("30.68")
    assert one(fa002, table_code="T_SUMMARY", side="expenditure", row_role="closing_balance")["amount_wan"] == D("10.24")
    assert [c["amount_wan"] for c in cells(fa002, table_code="T_SUMMARY", row_role="grand_total")] == [D("3616.20")] * 2
    # line 91: 二、政府性基金预算财政拨款收入 is blank: kept as blank, never 0
    blank = one(fa002, table_code="T_SUMMARY", side="income", row_no=2)
    assert (blank["cell_state"], blank["amount_wan"], blank["printed_text"]) == ("blank", None, "")


def test_fiscal_summary_spaced_numbers(fa002):
    # lines 249-254 print "3, 584. 96", "3, 605. 94", "30. 68", "9. 70", "3, 615. 64"
    f = lambda **w: one(fa002, table_code="T_FISCAL_SUMMARY", **w)
    c = f(side="income", row_role="current_total")
    assert (c["printed_text"], c["amount_wan"], c["line"]) == ("3, 584. 96", D("3584.96"), 249)
    assert f(side="expenditure", row_role="current_total", column_code="total")["amount_wan"] == D("3605.94")
    assert f(side="expenditure", row_role="current_total", column_code="gpb")["amount_wan"] == D("3605.94")
    assert f(side="income", row_role="opening_balance")["amount_wan"] == D("30.68")
    assert f(side="income", row_role="opening_by_fund", row_no=29)["amount_wan"] == D("30.68")
    assert f(side="expenditure", row_role="closing_balance", column_code="total")["amount_wan"] == D("9.70")
    assert f(side="income", row_role="grand_total")["amount_wan"] == D("3615.64")


def test_subject_tables(fa002):
    # line 197 支出决算表: 215 资源勘探工业信息等支出 2,999.19 | 1,175.86 | 1,823.33
    row = {c["column_code"]: c["amount_wan"] for c in cells(fa002, table_code="T_EXPENDITURE", subject_code="215")}
    assert (row["total"], row["basic"], row["project"]) == (D("2999.19"), D("1175.86"), D("1823.33"))
    assert row["remit_to_higher"] is None  # blank column 上缴上级支出
    # line 159 收入决算表: 2150805 中小企业发展专项 1,094.03 (本年收入合计 and 财政拨款收入)
    c = one(fa002, table_code="T_INCOME", subject_code="2150805", column_code="total")
    assert (c["subject_name"], c["amount_wan"], c["line"]) == ("中小企业发展专项", D("1094.03"), 159)
    # line 271 一般公共预算财政拨款支出决算表 合计 3,605.94 = 1,755.61 + 1,850.33; header 本年支出 spans three columns
    tot = {c["column_code"]: (c["column_label"], c["amount_wan"]) for c in cells(fa002, table_code="T_GPB_EXPENDITURE", row_role="total")}
    assert tot == {"total": ("本年支出/小计", D("3605.94")), "basic": ("本年支出/基本支出", D("1755.61")),
                   "project": ("本年支出/项目支出", D("1850.33"))}


def test_basic_detail_all_four_blocks_land(fa002):
    # lines 309-338: four code/name/amount blocks side by side on each line
    d = lambda code: one(fa002, table_code="T_BASIC_DETAIL", subject_code=code)
    assert (d("30101")["amount_wan"], d("30101")["block"], d("30101")["line"]) == (D("288.65"), "personnel", 310)  # block 1
    assert (d("30227")["amount_wan"], d("30227")["block"], d("30227")["line"]) == (D("92.58"), "public", 331)  # block 2
    assert (d("31002")["amount_wan"], d("31002")["line"]) == (D("21.73"), 330)  # block 3
    assert (d("309")["cell_state"], d("309")["printed_text"]) == ("not_applicable", "——")  # line 314, block 3
    assert (d("311")["cell_state"], d("311")["line"]) == ("not_applicable", 316)  # line 316, block 4
    assert d("31012")["cell_state"] == "blank"  # line 310, block 4: 拆迁补偿 blank
    totals = {c["block"]: c["amount_wan"] for c in cells(fa002, table_code="T_BASIC_DETAIL", row_role="total")}
    assert totals == {"personnel": D("1456.30"), "public": D("299.31")}  # line 338
    assert len({c["subject_code"] for c in cells(fa002, table_code="T_BASIC_DETAIL") if c["subject_code"]}) == 109


def test_empty_tables_invent_no_values(fa002):
    # 政府性基金 (公开07表) and 国有资本经营 (公开08表): 说明：本表无数据
    for code in ("T_GOV_FUND", "T_SOE_CAPITAL"):
        t = next(t for t in fa002.tables if t["table_code"] == code)
        assert t["note"] == "本表无数据" and t["n_values"] == 0
        assert all(c["cell_state"] == "blank" for c in cells(fa002, table_code=code))


def test_three_public(fa002):
    # line 394: 3.52 | | 3.52 | | 3.52 | | 3.52 | | 3.52 | | 3.52 |  (预算数 cols 1-6, 决算数 cols 7-12)
    for col in ("budget", "actual"):
        got = {c["item"]: c["amount_wan"] for c in cells(fa002, table_code="T_THREE_PUBLIC", column_code=col)}
        assert got == {"total": D("3.52"), "outbound_travel": None, "vehicle_subtotal": D("3.52"),
                       "vehicle_purchase": None, "vehicle_operation": D("3.52"), "reception": None}


def test_stats_procurement_running_cost_vehicles(fa002):
    s = {(c["section"], c["item"]): c for c in cells(fa002, table_code="T_STATS")}
    # lines 410-413: 合计 819.88 = 货物 20.39 + 工程 (blank) + 服务 799.49
    assert s[("procurement", "total")]["amount_wan"] == D("819.88")
    assert s[("procurement", "goods")]["amount_wan"] == D("20.39")
    assert s[("procurement", "works")]["cell_state"] == "blank"
    assert s[("procurement", "services")]["amount_wan"] == D("799.49")
    assert s[("running_cost", "admin_unit")]["amount_wan"] == D("299.31")  # line 416
    v = s[("assets", "vehicles_total")]  # line 419: 车辆数合计（辆） 4, a count, not money
    assert (v["value"], v["unit"], v["amount_wan"]) == (D("4"), "辆", None)


def test_narrative_sme_procurement(fa002):
    # line 550: 授予中小企业合同金额35.83万元 … 授予小微企业合同金额28.67万元
    got = {n["item"]: (n["amount_wan"], n["line"]) for n in fa002.narrative
           if n["item"] in ("awarded_to_sme", "awarded_to_small_micro") and n["measure"] == "current"}
    assert got == {"awarded_to_sme": (D("35.83"), 550), "awarded_to_small_micro": (D("28.67"), 550)}


def test_amounts_printed_in_yuan_are_converted(tmp_path):
    # the same 三公 table printed in 元: the value is converted, the printed text kept
    p = altered_copy(S002, tmp_path / "yuan.txt", 388, "金额单位：万元", "金额单位：元")
    fa = parse_final_accounts(read_document(p))
    c = one(fa, table_code="T_THREE_PUBLIC", item="total", column_code="budget")
    assert (c["printed_text"], c["unit"], c["amount_wan"]) == ("3.52", "元", D("0.000352"))


def test_a_broken_header_is_a_clear_error(tmp_path):
    # without the 项目 … 项目 header (line 88) the two-sided summary cannot be read
    p = altered_copy(S002, tmp_path / "x.txt", 88, "项目", "名称", occurrence=2)
    with pytest.raises(DocumentError, match="项目"):
        parse_final_accounts(read_document(p))
