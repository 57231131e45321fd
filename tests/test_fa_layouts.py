"""决算 tables of real layouts: text split into cells, tables exported one cell per line re-flowed into
rows by their header (loaders/tables.py), 三公 tables in three orientations, a table split over
pages counted once. Every figure is read off the real excerpt or file cited (file, line or page);
the real corpus is never committed: those tests skip when `../shared/fixtures/real/` is absent."""
from pathlib import Path

import pytest

from conftest import ROOT, cells, one
from loaders.classify import FINAL_ACCOUNTS, classify
from loaders.parsers.final_accounts import parse_final_accounts
from loaders.readers import read_document
from loaders.readers.text import read_text, split_cells
from loaders.tables import split_pipes

REAL = ROOT.parent / "shared" / "fixtures" / "real"
EXCERPTS = REAL / "excerpts"
FILES = REAL / "files"
needs_excerpts = pytest.mark.skipif(not EXCERPTS.exists(), reason="real excerpts not available")


def _read(path: Path):
    doc = read_document(path)
    return doc, parse_final_accounts(doc)


def _excerpt(name: str):
    return _read(EXCERPTS / name)


# ------------------------------------------------------------------ splitting a text line into cells

def test_split_cells_tabs_and_space_runs():
    # fa_05.txt l6-l8 (合 计 77.00 68.30) laid out with runs of spaces: a spaced label and a spaced
    # number stay one cell each
    assert split_cells("合    计     77. 00    68.30") == ["合 计", "77. 00", "68.30"]
    assert split_cells("一般公共预算\t77.00\t68.30") == ["一般公共预算", "77.00", "68.30"]
    assert split_cells("   ") == []
    assert split_cells("\t") == ["", ""]  # sample 003 l246: a blank cell of a tab-separated form
    assert split_cells("预 算 数 |") == ["预 算 数 |"]  # bars are read by the table layers


def test_bars_split_into_cells_by_the_table_layer():
    # fa_06.txt l5-l15: one cell per line closed by ` |`, a lone `|` for a blank cell, a blank line
    lines = split_pipes(read_text("预 算 数 |\n|\n\n0.53 |\n".encode()))
    assert [[c.text for c in ln.cells] for ln in lines] == [["预 算 数"], [""], [], ["0.53"]]
    assert lines[1].is_blank and lines[2].is_blank
    # fa_09.txt l1, l3: a whole row between bars
    [row] = split_pipes(read_text("项(xiàng)目 | 本-预(yù)算数(shù) |".encode()))
    assert [c.text for c in row.cells] == ["项(xiàng)目", "本-预(yù)算数(shù)"]
    [row] = split_pipes(read_text("岳陽(yáng)縣2015-“三公”經(jīng)費(fèi)匯總情況決算表 | |".encode()))
    assert row.cells[1].text == ""


# ------------------------------------------------------------------ one cell per line

@needs_excerpts
def test_summary_one_cell_per_line_separated_by_blank_lines():
    doc, fa = _excerpt("fa_01.txt")
    assert classify(doc) == FINAL_ACCOUNTS
    assert (fa.unit_name, fa.fiscal_year, fa.amount_unit) == ("南漳县招商服务中心", 2019, "万元")  # l8, l43
    c = one(fa, table_code="T_SUMMARY", side="income", row_label="一、一般公共预算财政拨款收入")
    assert (c["printed_text"], c["line"], c["aligned"]) == ("440.55", 75, True)  # l71-l75
    c = one(fa, table_code="T_SUMMARY", side="expenditure", row_label="一、一般公共服务支出")
    assert (c["printed_text"], c["line"], c["row_no"]) == ("423.20", 81, 29)  # 行次 29 (l79) is no amount
    assert not cells(fa, table_code="T_SUMMARY", printed_text="29")


@needs_excerpts
def test_vanished_blank_cell_shows_as_one_more_blank_line():
    # fa_04.txt l87-l92: 一、一般公共服务支出, 35, then two blank lines: its 决算数 is blank
    _, fa = _excerpt("fa_04.txt")
    c = one(fa, table_code="T_SUMMARY", side="expenditure", row_label="一、一般公共服务支出")
    assert c["cell_state"] == "blank" and c["value"] is None
    c = one(fa, table_code="T_SUMMARY", side="expenditure", row_label="五、教育支出")
    assert c["printed_text"] == "409.52" and c["line"] == 131


@needs_excerpts
def test_bar_cells_and_row_numbers_that_look_like_amounts():
    # fa_03.txt: 九、医疗卫生与计划生育支出 | 43 | 45 and 十一、城乡社区支出 | 45 | (blank)
    _, fa = _excerpt("fa_03.txt")
    c = one(fa, table_code="T_SUMMARY", side="expenditure", row_label="九、医疗卫生与计划生育支出")
    assert (c["printed_text"], c["row_no"]) == ("45", 43)
    c = one(fa, table_code="T_SUMMARY", side="expenditure", row_label="十一、城乡社区支出")
    assert (c["cell_state"], c["row_no"]) == ("blank", 45)


@needs_excerpts
def test_three_public_rows_traditional_script_and_single_table_classified():
    doc, fa = _excerpt("fa_07.txt")
    assert classify(doc) == FINAL_ACCOUNTS  # the only 决算 table of the page
    c = one(fa, table_code="T_THREE_PUBLIC", item="reception", column_code="actual")
    assert (c["printed_text"], c["line"]) == ("6.28", 16)  # l14-l16 公務(wù)接待費 12 | 6.28
    assert one(fa, table_code="T_THREE_PUBLIC", item="vehicle_purchase", column_code="budget")["printed_text"] == "0"
    # no cover: the heading (l1) opens with the unit's name and the year
    assert (fa.unit_name, fa.fiscal_year) == ("九华山风景区宗教事务局", 2019)
    # fa_08.txt: neither cover nor heading; the 说明's first sentence (l24) names 杜集區政府辦
    assert _excerpt("fa_08.txt")[1].unit_name == "杜集区政府办"


@needs_excerpts
def test_one_value_of_two_lands_unaligned_unless_identities_place_it(tmp_path):
    # fa_05.txt l9-l10: 因公出国(境)费 printed one value, 0.00: 预算数 or 决算数 both keep 合计 = Σ
    _, fa = _excerpt("fa_05.txt")
    c = one(fa, table_code="T_THREE_PUBLIC", item="outbound_travel", printed_text="0.00")
    assert c["aligned"] is False and c["column_code"] is None
    # fa_08.txt l9-l11 (因公出国(境)费 | 20 | |) with the blank-cell bars removed: only 预算数 keeps
    # 合计 49.9 = 20 + 14.9 + 15 (and 决算数 7.69 = 5.21 + 2.48), so 20 is placed there
    text = "\n".join(ln for ln in (EXCERPTS / "fa_08.txt").read_text(encoding="utf-8").splitlines()
                     if ln.strip() != "|")
    (tmp_path / "fa_08_no_blank_cells.txt").write_text(text, encoding="utf-8")
    _, fa = _read(tmp_path / "fa_08_no_blank_cells.txt")
    c = one(fa, table_code="T_THREE_PUBLIC", item="outbound_travel", printed_text="20")
    assert (c["aligned"], c["column_code"]) == (True, "budget")


@needs_excerpts
def test_column_unit_in_header_and_title_prefixes():
    _, fa = _excerpt("fa_10.txt")  # l3 `2020年度支出 (万元)`, l26-l27 总“三公”经费支出 1928.76
    c = one(fa, table_code="T_THREE_PUBLIC", item="total", column_code="actual")
    assert (c["printed_text"], c["unit"]) == ("1928.76", "万元")
    assert not cells(fa, row_label="使用项目")  # the count table after it (l30-) is not 三公 money
    _, fa = _excerpt("fa_09.txt")  # l1 岳陽縣2015-“三公”經費匯總情況決算表
    assert (fa.unit_name, fa.fiscal_year) == ("岳阳县", 2015)
    assert one(fa, table_code="T_THREE_PUBLIC", item="total")["printed_text"] == "3318"


@needs_excerpts
def test_narrative_only_document_lands_no_table():
    # nar_01 is a 决算 说明 without tables: it is a final-accounts document by its narrative (its
    # figures land in fct_narrative_figures), but the table names in its sentences are no tables
    doc = read_document(EXCERPTS / "nar_01.txt")
    assert classify(doc) == FINAL_ACCOUNTS
    parsed = parse_final_accounts(doc)
    assert parsed.tables == [] and parsed.cells == [] and parsed.narrative


# ------------------------------------------------------------------ real PDFs

FOSHAN = FILES / "guangdong_foshan_rail_transit_bureau_2019_dept_final_accounts.pdf"
XIAN = FILES / "shaanxi_xian_health_commission_2022_dept_final_accounts.pdf"


@pytest.mark.skipif(not FOSHAN.exists(), reason="real file not available")
def test_table_split_over_pages_is_counted_once():
    fa = parse_final_accounts(read_document(FOSHAN))
    assert [t["table_code"] for t in fa.tables].count("T_SUMMARY") == 1  # pp5-7, header repeated
    # 本年收入合计 1668.14 (p6) once; the 合计 row of 收入决算表 printed on p8 and p9 once
    assert one(fa, table_code="T_SUMMARY", side="income", row_role="current_total")["printed_text"] == "1668.14"
    assert one(fa, table_code="T_INCOME", row_role="total", column_code="total")["printed_text"] == "1668.14"
    # p15 一般公共预算财政拨款支出决算表: `本年支出合计` heads the total column
    assert one(fa, table_code="T_GPB_EXPENDITURE", row_role="total", column_code="total")["printed_text"] == "1668.14"


@pytest.mark.skipif(not XIAN.exists(), reason="real file not available")
def test_three_public_with_budget_and_actual_as_rows_and_numbering_under_names():
    fa = parse_final_accounts(read_document(XIAN))
    # p161 公开09表: 预算数 / 决算数 rows under a three-line header
    c = one(fa, table_code="T_THREE_PUBLIC", item="vehicle_operation", column_code="actual")
    assert (c["printed_text"], c["page"]) == ("450.96", 161)
    assert one(fa, table_code="T_THREE_PUBLIC", item="total", column_code="budget")["printed_text"] == "593.46"
    # p147 收入决算表: 栏次 printed under 科目名称 is no header word
    assert one(fa, table_code="T_INCOME", row_role="total", column_code="total")["printed_text"] == "2,015,094.22"


def test_unit_name_wrapped_over_two_cover_lines():
    """The Shanghai fixture's cover (p1: 上海市普陀区财政局 / 2024年度部门决算) with the name wrapped
    over two lines, as long names are printed, and its 收入支出决算总表 title (p6)."""
    from loaders.model import Cell, Line, SourceDoc
    from loaders.parsers.final_accounts import unit_from_cover

    def doc(*texts):
        return SourceDoc("cover", "cover.pdf", "pdf", lines=[Line(n, [Cell(t, 0)], page=1) for n, t in enumerate(texts, 1)])

    assert unit_from_cover(doc("上海市普陀区", "财政局", "2024年度部门决算")) == "上海市普陀区财政局"
    assert unit_from_cover(doc("上海市普陀区财政局", "2024年度部门决算")) == "上海市普陀区财政局"
    # a name that ends like one is not joined to the line above it
    assert unit_from_cover(doc("收入支出决算总表", "上海市普陀区财政局", "2024年度部门决算")) == "上海市普陀区财政局"


# ------------------------------------------------------------------ 三公: one reading, any orientation

# 西安市卫生健康委员会 2022 决算, 公开09表 (XIAN p161, lines 3516-3521: 预算数 and 决算数 as rows under
# items as columns), and the same figures retyped in the other orientations 三公 tables are printed in:
# items as rows (the 项目 | 预算数 | 决算数 form), measures as column groups over the items (the national
# template) and a 预算数/决算数 pair under each item (上海 表七).
_XIAN_P161 = {
    "measures as rows": """项目 | 财政拨款安排的“三公”经费 | | | | |
| | 小计 | 因公出国（境）费用 | 公务用车购置及运行维护费 | | | 公务接待费
| | | | 小计 | 公务用车购置费 | 公务用车运行维护费 |
栏次 | 1 | 2 | 3 | 4 | 5 | 6
预算数 | 593.46 | | 591.60 | 136.48 | 455.12 | 1.86
决算数 | 587.55 | | 587.44 | 136.48 | 450.96 | 0.11""",
    "items as rows": """项目 | 预算数 | 决算数
合计 | 593.46 | 587.55
因公出国（境）费用 | |
公务用车购置及运行维护费 | 591.60 | 587.44
其中：公务用车购置费 | 136.48 | 136.48
公务用车运行维护费 | 455.12 | 450.96
公务接待费 | 1.86 | 0.11""",
    "measures over items": """预算数 | | | | | | 决算数 | | | | |
合计 | 因公出国（境）费用 | 公务用车购置及运行维护费 | | | 公务接待费 | 合计 | 因公出国（境）费用 | 公务用车购置及运行维护费 | | | 公务接待费
| | | 小计 | 公务用车购置费 | 公务用车运行维护费 | | | | 小计 | 公务用车购置费 | 公务用车运行维护费 |
1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12
593.46 | | 591.60 | 136.48 | 455.12 | 1.86 | 587.55 | | 587.44 | 136.48 | 450.96 | 0.11""",
    "a pair under each item": """合计 | | 因公出国（境）费用 | | 公务用车购置及运行维护费 | | | | | | 公务接待费 |
| | | | | 小计 | | 公务用车购置费 | | 公务用车运行维护费 | | |
预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数
593.46 | 587.55 | | | 591.60 | 587.44 | 136.48 | 136.48 | 455.12 | 450.96 | 1.86 | 0.11""",
}


@pytest.mark.parametrize("orientation", sorted(_XIAN_P161))
def test_three_public_read_alike_whichever_way_the_table_is_turned(tmp_path, orientation):
    path = tmp_path / "three_public.txt"
    path.write_text("财政拨款“三公”经费支出决算表\n单位：万元\n" + _XIAN_P161[orientation] + "\n", encoding="utf-8")
    fa = parse_final_accounts(read_document(path))
    got = {(c["item"], c["column_code"]): c["printed_text"] for c in fa.cells if c["item"]}
    assert got == {("total", "budget"): "593.46", ("total", "actual"): "587.55",
                   ("outbound_travel", "budget"): "", ("outbound_travel", "actual"): "",
                   ("vehicle_subtotal", "budget"): "591.60", ("vehicle_subtotal", "actual"): "587.44",
                   ("vehicle_purchase", "budget"): "136.48", ("vehicle_purchase", "actual"): "136.48",
                   ("vehicle_operation", "budget"): "455.12", ("vehicle_operation", "actual"): "450.96",
                   ("reception", "budget"): "1.86", ("reception", "actual"): "0.11"}
    assert all(c["cell_state"] == "blank" for c in fa.cells if c["item"] == "outbound_travel")


CHONGQING = FILES / "chongqing_govt_office_2026_dept_budget.pdf"


@pytest.mark.skipif(not CHONGQING.exists(), reason="real file not available")
def test_three_public_measure_of_another_year_is_not_this_tables():
    """重庆市人民政府办公厅 2026 预算, 表九 2026年财政拨款“三公”经费支出情况表 (p20 l302-l305): `2025年预算数`
    over six columns, `2026年预算数` over the next six. The 2026 figures are the table's 预算数; last
    year's are not landed as it (both would be column `budget` for one item)."""
    doc = read_document(CHONGQING)
    fa = parse_final_accounts(doc, "budget")
    got = {c["item"]: (c["printed_text"], c["column_code"], c["source_ref"])
           for c in fa.cells if c["table_code"] == "T_THREE_PUBLIC"}
    assert got == {"total": ("394.49", "budget", "p20:l305"), "outbound_travel": ("184.49", "budget", "p20:l305"),
                   "vehicle_subtotal": ("200.00", "budget", "p20:l305"), "vehicle_purchase": ("", "budget", "p20:l305"),
                   "vehicle_operation": ("200.00", "budget", "p20:l305"), "reception": ("10.00", "budget", "p20:l305")}
