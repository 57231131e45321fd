"""A budget published as a 说明 file and a 报表 file lands as one unit-year (issue 12, done-when).

The real case: ../shared/fixtures/real/files/beijing_finance_bureau_2026_dept_budget_explanation.pdf
(北京市财政局 2026 部门预算 说明, 10 pages) and …_tables.pdf (its 报表, 48 pages, no unit name or year
printed on any page). The text pair below is their real text, as loaders/readers reads them:
  说明  p1:l1 cover; p6:l111-116,126 收入预算; p7:l130-136 支出预算; p8:l144-156 “三公”经费预算.
  报表  p1:l1-5 and p2:l31-33 预算01表收支总表 (its first row and its totals);
        p7:l130-134 and p8:l160-165 预算04表财政拨款收支总表; p14:l257-261 预算09表“三公”经费支出表.
"""
from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from conftest import ROOT, fdw_run

REAL_FILES = ROOT.parent / "shared" / "fixtures" / "real" / "files"
REAL_EXPLANATION = REAL_FILES / "beijing_finance_bureau_2026_dept_budget_explanation.pdf"
REAL_TABLES = REAL_FILES / "beijing_finance_bureau_2026_dept_budget_tables.pdf"

EXPLANATION = """北京市财政局2026年度部门预算信息公开
第一部分 2026年度部门预算情况说明
二、收入预算情况说明
2026 年度收入预算 44169.36 万元，比 2025 年年初预算数 44021.20 万元增加 148.16 万元，增长 0.34%。主要原因是人员增加，基本经费预算有所增长。
（一）本年财政拨款收入 {fiscal_income} 万元
1.一般公共预算拨款收入 44156.64 万元。
（三）上年结转结余 12.72 万元
三、支出预算情况说明
2026 年支出预算 44169.36 万元，比 2025 年年初预算数 44021.20 万元增加 148.16 万元，增长 0.34%。
（一）基本支出。基本支出预算 28016.26 万元，占本年支出预算 63.43%。
（二）项目支出。项目支出预算 16153.10 万元，占本年支出预算 36.57%。
四、财政拨款“三公”经费预算情况说明
2026 年财政拨款“三公”经费预算 223.80 万元，比 2025 年财政拨款“三公”经费年初预算减少 32.23 万元，下降 12.59%。
（一）因公出国（境）费用。2026 年预算数 127.74 万元，主要用于公共管理政策交流等工作。
（二）公务接待费。2026 年预算数 11.64 万元，主要用于中央及相关省市各部门检查指导、考察调研、学习交流等公务接待工作。
（三）公务用车购置和运行维护费。2026年预算数84.42万元，包括公务用车购置费预算44.92 万元、公务用车运行维护费预算 39.50 万元。
"""
SUMMARY_ROWS = [
    "收入\t\t支出",
    "项目\t预算数\t项目\t预算数",
    "{first}\t44,156.640120\t一、一般公共服务支出\t37,644.195492",
    "本年收入合计\t44,156.640120\t本年支出合计\t44,169.357532",
    "上年结转结余\t12.717412\t年终结转结余\t",
    "收入总计\t44,169.357532\t支出总计\t44,169.357532",
]
TABLES = "\n".join(
    ["预算01表收支总表", "金额单位：万元"] + [r.format(first="一、一般公共预算拨款收入") for r in SUMMARY_ROWS] + [""]
    + ["预算04表财政拨款收支总表", "金额单位：万元"] + [r.format(first="一、一般公共预算资金") for r in SUMMARY_ROWS] + [""]
    + ["预算09表财政拨款“三公”经费支出表", "金额单位：万元",
       "“三公”经费财政拨款预算总额\t因公出国（境）费用\t公务接待费\t公务用车购置及运行维护费",
       "\t\t\t小计\t公务用车购置费\t公务用车运行维护费",
       "223.799250\t127.737000\t11.642250\t84.420000\t44.920000\t39.500000"]) + "\n"


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _docs(con) -> list[tuple]:
    return con.execute("""select source_name, unit_name, fiscal_year, parts_match,
                                 parts_of = (select doc_id from dim_document o where o.doc_id <> d.doc_id and o.parts_of = d.doc_id)
                          from dim_document d order by source_name""").fetchall()


def _bu070(con) -> tuple:
    return con.execute("select n_instances, n_errors, n_hints from dq_rule_results where rule_id = 'BU-070'").fetchall()[0]


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """The 说明 and the 报表 landed together from one folder."""
    folder = tmp_path_factory.mktemp("parts")
    _write(folder, "explanation.txt", EXPLANATION.format(fiscal_income="44156.64"))
    _write(folder, "tables.txt", TABLES)
    con = fdw_run(tmp_path_factory.mktemp("parts_home"), folder)
    yield con
    con.close()


def test_the_two_files_are_one_unit_year(pair):
    # both keep their doc_id; the 报表 takes the 说明's unit and year, matched strongly by content
    assert _docs(pair) == [("explanation.txt", "北京市财政局", 2026, "content", True),
                           ("tables.txt", "北京市财政局", 2026, "content", True)]
    assert pair.execute("select unit_name, n_documents from dim_unit").fetchall() == [("北京市财政局", 2)]
    assert pair.execute("select fiscal_year, n_documents, n_units from dim_year").fetchall() == [(2026, 2, 1)]
    # every table amount of the 报表 is the unit-year's
    assert pair.execute("""select distinct u.unit_name, l.fiscal_year from fct_budget_lines l
                           join dim_unit u using (unit_id)""").fetchall() == [("北京市财政局", 2026)]
    # 44169.36, 44156.64, 223.80, 127.74, 11.64, 44.92, 39.50 stated and printed; 28016.26, 16153.10 and
    # 84.42 stated only (the 报表 text above carries no 支出总表, and reads the 三公 小计 as a column)
    assert pair.execute("select n_agree, n_stated, same_folder from int_budget_parts").fetchall() == [(7, 10, True)]


def test_the_explanation_is_checked_against_the_tables(pair):
    # 收入预算 44169.36 = 收入总计 44,169.357532; 支出预算 44169.36 = 本年支出合计; 本年财政拨款收入 44156.64 =
    # 财政拨款收支总表 本年收入合计 44,156.640120: rounded to the 说明's 0.01 they agree, no rounding hint
    assert _bu070(pair) == (3, 0, 0)


def test_an_altered_explanation_figure_is_a_bu070_error(tmp_path):
    folder = tmp_path / "parts"
    _write(folder, "explanation.txt", EXPLANATION.format(fiscal_income="44165.64"))
    _write(folder, "tables.txt", TABLES)
    with fdw_run(tmp_path / "home", folder) as con:
        rows = con.execute("""select f.severity, f.actual, f.expected, d.source_name, f.operands from dq_findings f
                              join dim_document d using (doc_id) where f.rule_id = 'BU-070'""").fetchall()
    assert rows == [("error", D("44165.64"), D("44156.64"), "explanation.txt",
                     "tables.txt 预算04表财政拨款收支总表 44,156.640120 (l15)")]  # tables.txt line 15


def test_tables_landed_first_take_the_unit_when_the_explanation_lands_elsewhere(tmp_path):
    home = tmp_path / "home"
    with fdw_run(home, _write(tmp_path / "tables_folder", "tables.txt", TABLES)) as con:
        assert _docs(con) == [("tables.txt", None, None, None, None)]
        assert con.execute("select count(*) from fct_budget_lines where unit_id is not null").fetchall() == [(0,)]
    # the 说明 arrives in a later (incremental) run from another folder: a weak pair, unit and year taken
    # from it, the 报表's table rows re-derived; a weak pair is not cross-checked
    with fdw_run(home, _write(tmp_path / "explanation_folder", "explanation.txt",
                              EXPLANATION.format(fiscal_income="44165.64"))) as con:
        assert [d[:4] for d in _docs(con)] == [("explanation.txt", "北京市财政局", 2026, "content_weak"),
                                               ("tables.txt", "北京市财政局", 2026, "content_weak")]
        assert con.execute("""select distinct u.unit_name, l.fiscal_year from fct_budget_lines l
                              left join dim_unit u using (unit_id)""").fetchall() == [("北京市财政局", 2026)]
        assert con.execute("select unit_name, n_documents from dim_unit").fetchall() == [("北京市财政局", 2)]
        assert _bu070(con)[0] == 0


@pytest.mark.skipif(not REAL_TABLES.exists(), reason="../shared real corpus absent")
def test_the_real_beijing_pair_is_one_unit_year(tmp_path):
    with fdw_run(tmp_path / "home", REAL_EXPLANATION, REAL_TABLES) as con:
        assert _docs(con) == [(REAL_EXPLANATION.name, "北京市财政局", 2026, "content", True),
                              (REAL_TABLES.name, "北京市财政局", 2026, "content", True)]
        assert con.execute("select fiscal_year, n_documents, n_units from dim_year").fetchall() == [(2026, 2, 1)]
        assert con.execute("""select distinct u.unit_name, l.fiscal_year from fct_budget_lines l
                              join dim_unit u using (unit_id)""").fetchall() == [("北京市财政局", 2026)]
        # 13 of the 15 distinct amounts the 说明 states are printed in the 报表; not: 政府采购货物预算 716.98
        # (p9:l163; 预算10表 prints 716.974000, p15:l265) and 机关运行经费 1158.60 (p9:l167, no table prints it)
        assert con.execute("select n_agree, n_stated from int_budget_parts").fetchall() == [(13, 15)]
        # 收入预算, 支出预算 and 本年财政拨款收入 (p6:l112, p7:l131, p6:l115) agree with 预算01表 / 预算04表
        assert _bu070(con) == (3, 0, 0)
