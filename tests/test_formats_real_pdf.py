"""The real 上海市普陀区财政局 2024 部门决算 PDF (a template the 002 tests never saw), read by the PDF
reader and parsed by the unchanged parsers. Every figure below is read off the printed page cited.

The PDF is never committed: tests skip when `shared/fixtures/real/` is not beside the repository."""
import time
from decimal import Decimal

import pytest

from conftest import REAL_PDF, cells, one

D = Decimal

pytestmark = pytest.mark.skipif(not REAL_PDF.exists(), reason="real Shanghai PDF not available")


@pytest.fixture(scope="module")
def real():
    from loaders.parsers.final_accounts import parse_final_accounts
    from loaders.readers import read_document

    doc = read_document(REAL_PDF)
    return doc, parse_final_accounts(doc)



def test_document_and_tables(real):
    doc, fa = real
    assert doc.file_format == "pdf" and doc.pages == 25
    # cover (p1): 上海市普陀区财政局 / 2024年度部门决算; the tables print 单位：万元 but no 部门名称
    assert (fa.unit_name, fa.fiscal_year, fa.amount_unit) == ("上海市普陀区财政局", 2024, "万元")
    # the 目录 (p2) lists the titles too: only the tables themselves count (p6 … p20)
    found = {t["table_code"]: t["page"] for t in fa.tables}
    assert found == {"T_SUMMARY": 6, "T_INCOME": 8, "T_EXPENDITURE": 10, "T_FISCAL_SUMMARY": 12,
                     "T_GPB_EXPENDITURE": 15, "T_BASIC_DETAIL": 16, "T_THREE_PUBLIC": 18,
                     "T_GOV_FUND": 19, "T_SOE_CAPITAL": 20}


def test_summary_without_row_numbers_across_two_pages(real):
    _, fa = real
    # p6 header: 项目 决算数 项目 决算数 (no 行次 column)
    f = lambda **w: one(fa, table_code="T_SUMMARY", **w)
    inc = f(side="income", row_label="一、一般公共预算财政拨款收入")
    assert (inc["amount_wan"], inc["page"], inc["row_no"]) == (D("2940.05"), 6, None)
    assert f(side="income", row_label="八、其他收入")["amount_wan"] == D("6.20")
    assert f(side="income", row_label="二、政府性基金预算财政拨款收入")["cell_state"] == "blank"
    assert f(side="expenditure", row_label="一、一般公共服务支出")["amount_wan"] == D("2106.66")
    assert f(side="expenditure", row_label="八、社会保障和就业支出")["amount_wan"] == D("326.71")
    assert f(side="expenditure", row_label="九、卫生健康支出")["amount_wan"] == D("60.99")
    assert f(side="expenditure", row_label="十九、住房保障支出")["amount_wan"] == D("445.69")
    # p6 last row: 本年收入合计 2,946.25 | 本年支出合计 2,940.05
    assert f(side="income", row_role="current_total")["amount_wan"] == D("2946.25")
    assert f(side="expenditure", row_role="current_total")["amount_wan"] == D("2940.05")
    # p7 (the table continues): 年初结转和结余 49.14 | 年末结转和结余 55.34; 总计 2,995.39 on both sides
    opening = f(side="income", row_role="opening_balance")
    assert (opening["amount_wan"], opening["page"]) == (D("49.14"), 7)
    assert f(side="expenditure", row_role="closing_balance")["amount_wan"] == D("55.34")
    assert [c["amount_wan"] for c in cells(fa, table_code="T_SUMMARY", row_role="grand_total")] == [D("2995.39")] * 2
    # p7: 使用非财政拨款结余（含专用结余） printed blank
    assert f(side="income", row_role="reserves_used")["cell_state"] == "blank"


def test_expenditure_by_function_subject_basic_and_project(real):
    _, fa = real
    # p10: codes split over 类 | 款 | 项 cells; the 合计 row shares its line with the 类 款 项 header
    row = lambda code: {c["column_code"]: c["amount_wan"]
                        for c in cells(fa, table_code="T_EXPENDITURE", subject_code=code)}
    total = {c["column_code"]: c["amount_wan"] for c in cells(fa, table_code="T_EXPENDITURE", row_role="total")}
    assert (total["total"], total["basic"], total["project"]) == (D("2940.05"), D("2336.91"), D("603.14"))
    assert total["remit_to_higher"] is None and total["operating"] is None  # blank columns stay blank
    assert (row("201")["total"], row("201")["basic"], row("201")["project"]) == (D("2106.66"), D("1503.52"), D("603.14"))
    assert (row("2010601")["total"], row("2010601")["basic"], row("2010601")["project"]) == (D("1511.89"), D("1503.52"), D("8.37"))
    assert (row("2010608")["total"], row("2010608")["basic"], row("2010608")["project"]) == (D("449.52"), None, D("449.52"))
    assert (row("208")["total"], row("208")["basic"], row("208")["project"]) == (D("326.72"), D("326.72"), None)
    # p10: "机关事业单位职业年金缴费支" / "出" wrapped over two lines with its amounts between: one row
    wrapped = one(fa, table_code="T_EXPENDITURE", subject_code="2080506", column_code="basic")
    assert (wrapped["subject_name"], wrapped["amount_wan"], wrapped["page"]) == ("机关事业单位职业年金缴费支出", D("80.38"), 10)
    # p11: the table continues without its header: 2210203 购房补贴 258.50 | 258.50
    cont = one(fa, table_code="T_EXPENDITURE", subject_code="2210203", column_code="basic")
    assert (cont["subject_name"], cont["amount_wan"], cont["page"]) == ("购房补贴", D("258.50"), 11)
    # p8 收入决算表: 2010602 一般行政管理事务 16.19 = 10.00 财政拨款 + 6.19 其他收入
    inc = {c["column_code"]: c["amount_wan"] for c in cells(fa, table_code="T_INCOME", subject_code="2010602")}
    assert (inc["total"], inc["fiscal_grant"], inc["other"]) == (D("16.19"), D("10.00"), D("6.19"))


def test_basic_detail_two_blocks(real):
    _, fa = real
    f = lambda code: one(fa, table_code="T_BASIC_DETAIL", subject_code=code)
    # p16 left block (人员经费 301/303), right block (公用经费 302/310); codes split over 类 | 款
    assert (f("301")["amount_wan"], f("301")["block"]) == (D("2082.85"), "personnel")
    assert (f("30102")["subject_name"], f("30102")["amount_wan"]) == ("津贴补贴", D("1238.58"))
    # p16: "机关事业单位基本养老保险缴" / "费" wrapped, 160.75 printed between the two lines
    assert (f("30108")["subject_name"], f("30108")["amount_wan"]) == ("机关事业单位基本养老保险缴费", D("160.75"))
    assert f("30103")["cell_state"] == "blank"  # 奖金: printed empty
    assert (f("302")["amount_wan"], f("302")["block"]) == (D("171.07"), "public")
    assert f("30201")["amount_wan"] == D("21.21")
    assert f("30212")["subject_name"] == "因公出国（境）费用"  # p16: spaced-out and wrapped
    # p17: the table continues; 310 资本性支出 13.58 and 31002 办公设备购置 13.58 in the right block only
    assert (f("310")["amount_wan"], f("310")["page"], f("31002")["amount_wan"]) == (D("13.58"), 17, D("13.58"))
    assert f("30309")["amount_wan"] == D("0.31")
    # p17 last row: 人员经费合计 2,152.26 | 公用经费合计 184.65
    totals = {c["block"]: c["amount_wan"] for c in cells(fa, table_code="T_BASIC_DETAIL", row_role="total")}
    assert totals == {"personnel": D("2152.26"), "public": D("184.65")}


def test_three_public_items_as_column_pairs(real):
    _, fa = real
    # p18: 合计 / 因公出国（境）费 / 公务用车购置及运行费 (小计, 购置费, 运行费) / 公务接待费, each with
    # 预算数 决算数 under it; the only printed figures: 0.95 under 合计 预算数 and 公务接待费 预算数
    got = {(c["item"], c["column_code"]): (c["cell_state"], c["amount_wan"]) for c in cells(fa, table_code="T_THREE_PUBLIC")}
    assert len(got) == 12
    assert got[("total", "budget")] == ("value", D("0.95"))
    assert got[("reception", "budget")] == ("value", D("0.95"))
    for item in ("total", "outbound_travel", "vehicle_subtotal", "vehicle_purchase", "vehicle_operation", "reception"):
        assert got[(item, "actual")] == ("blank", None)  # 决算数 printed empty (p21 narrative: 0.00)


def test_read_and_parse_under_a_second():
    from loaders.parsers.final_accounts import parse_final_accounts
    from loaders.readers import read_document

    start = time.process_time()
    parse_final_accounts(read_document(REAL_PDF))
    assert time.process_time() - start < 2.0  # measured ~0.3 s on one core; 2 s leaves room for slow CI

