"""Budget disclosure (预算公开) vs final accounts (决算) of one unit-year (issue 12 items 3-4):
unit matching across documents, fct_budget_execution rows with source = 'budget_vs_final', rule XD-001,
the analysis and the report section.

The final accounts are the real Shanghai PDF (`shanghai_putuo_finance_bureau_2024_final_accounts.pdf`:
上海市普陀区财政局 2024 部门决算). No real budget of that unit-year is in the corpus, so the budget 说明
below is written from the sentences of a real Shanghai budget of the same template
(`files/shanghai_audit_bureau_2026_unit_budget.pdf`: p1:l1-2 cover and 预算单位 line, p6:l72-76 收支预算,
p20:l255-259 “三公”经费预算) with that unit's name and year replaced by the 决算's, and its figures
replaced by the 年初预算 the 决算 restates: p21:l322 一般公共预算财政拨款支出年初预算为2993.92万元,
p18:l279 三公 table 预算数 0.95 (合计 and 公务接待费). The altered copy prints 2,999.92 instead."""
from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REAL_PDF, fdw_run

BUDGET_2024 = """上海市2024年区级单位预算
预算单位：{name}
2024年单位预算编制说明
2024年，{name}收入预算2,993.92万元，其中：财政拨款收入2,993.92万元；事业收入0万元；事业单位经营收入0万元；其他收入0万元。
支出预算2,993.92万元，其中：财政拨款支出预算2,993.92万元。财政拨款支出预算中，一般公共预算拨款支出预算{gpb}万元；政府性基金拨款支出预算为0；国有资本经营预算拨款支出预算为0。
2024年“三公”经费预算数为0.95万元。其中：
（一）因公出国（境）费0.00万元。
（二）公务用车购置及运行费0.00万元。其中：公务用车购置费0.00万元；公务用车运行费0.00万元。
（三）公务接待费0.95万元。
"""
UNIT = "上海市普陀区财政局"  # the 决算's unit (cover, p1:l1)


def _budget(folder: Path, name: str, unit: str, gpb: str = "2,993.92") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(BUDGET_2024.format(name=unit, gpb=gpb), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def unaltered(tmp_path_factory):
    """One run: the 决算, its budget (same name) and a budget of the unit's 机关 (weak match, other figure)."""
    if not REAL_PDF.exists():
        pytest.skip("../shared real corpus absent")
    corpus = tmp_path_factory.mktemp("xd_corpus")
    _budget(corpus, "budget.txt", UNIT)
    _budget(corpus, "budget_jiguan.txt", UNIT + "（机关）", gpb="2,999.92")
    home = tmp_path_factory.mktemp("xd_home")
    con = fdw_run(home, corpus, REAL_PDF)
    yield con, home
    con.close()


@pytest.fixture(scope="module")
def altered(tmp_path_factory):
    """Two runs on one home: the 决算 alone, then (incremental) an altered budget printed as X（本级）."""
    if not REAL_PDF.exists():
        pytest.skip("../shared real corpus absent")
    home = tmp_path_factory.mktemp("xd_home_altered")
    fdw_run(home, REAL_PDF).close()
    before = _xd(home)
    corpus = tmp_path_factory.mktemp("xd_corpus_altered")
    _budget(corpus, "budget_altered.txt", UNIT + "（本级）", gpb="2,999.92")
    con = fdw_run(home, corpus)
    yield con, home, before
    con.close()


def _xd(home: Path) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select rule_id, severity from dq_findings where rule_id = 'XD-001'").fetchall() + \
            con.execute("select 'nc', reasons from dq_document_checks where rule_id = 'XD-001'").fetchall()


def _rows(con, scope: str) -> list[tuple]:
    return con.execute("""select budget_initial_wan, executed_wan, execution_rate_pct, budget_restated_wan, match_quality,
                                 amounts_from, bd.source_name, fd.source_name
                          from fct_budget_execution b
                          join dim_document bd on bd.doc_id = b.budget_doc_id
                          join dim_document fd on fd.doc_id = b.final_doc_id
                          where b.source = 'budget_vs_final' and b.scope = ?""", [scope]).fetchall()


def test_units_matched_by_name_and_weakly_after_dropping_jiguan(unaltered):
    con, _ = unaltered
    rows = con.execute("""select bd.source_name, m.match_quality from int_unit_matches m
                          join dim_document bd on bd.doc_id = m.budget_doc_id
                          join dim_document fd on fd.doc_id = m.final_doc_id
                          where fd.source_name = ? order by 1""", [REAL_PDF.name]).fetchall()
    assert rows == [("budget.txt", "name"), ("budget_jiguan.txt", "name_weak")]


def test_execution_rows_of_the_unit_year(unaltered):
    con, _ = unaltered
    # published 2,993.92 (budget 说明); spent 2,940.05 (一般公共预算财政拨款支出决算表 合计, p21:l322 too);
    # restated 年初预算 2993.92 (p21:l322); 98.20 % = 2940.05 / 2993.92. The 机关 budget's 2,999.92 is not used.
    assert _rows(con, "general_public_budget") == [
        (D("2993.92"), D("2940.05"), D("98.2"), D("2993.92"), "name", "budget narrative", "budget.txt", REAL_PDF.name)]
    # 支出合计: 支出决算表 合计 2,940.05 against 支出预算2,993.92
    assert [r[:3] for r in _rows(con, "total")] == [(D("2993.92"), D("2940.05"), D("98.2"))]
    # 公务接待费: budget 0.95, the 决算 spent 0.00 (p23:l370-371), restated 0.95 (三公 table p18:l279)
    assert [r[:4] for r in _rows(con, "reception")] == [(D("0.95"), D("0"), D("0"), D("0.95"))]


def test_no_xd001_finding_when_the_budgets_agree(unaltered):
    con, _ = unaltered
    assert con.execute("select count(*) from dq_findings where rule_id = 'XD-001'").fetchall() == [(0,)]
    checks, = con.execute("select n_instances, n_errors from dq_rule_results where rule_id = 'XD-001'").fetchall()
    assert checks == (3, 0)  # 一般公共预算 (说明), 三公合计 and 公务接待费 (三公 table 预算数)


def test_an_altered_budget_is_an_xd001_error_after_an_incremental_run(altered):
    con, home, before = altered
    # the 决算 alone: every XD-001 instance is not checkable, none is an error
    assert [b for b in before if b[0] == "XD-001"] == []
    assert any("no budget disclosure of this unit-year" in (b[1] or "") for b in before if b[0] == "nc")
    # the budget landed later, printed as X（本级） (another unit_id): matched by name, the 决算 checked again
    rows = con.execute("""select f.severity, f.actual, f.expected, f.difference, f.source_ref, f.row_label, d.source_name
                          from dq_findings f join dim_document d using (doc_id) where f.rule_id = 'XD-001'""").fetchall()
    assert rows == [("error", D("2993.92"), D("2999.92"), D("-6"), "p21:l322", "一般公共预算财政拨款支出", REAL_PDF.name)]
    assert _rows(con, "general_public_budget")[0][:5] == (D("2999.92"), D("2940.05"), D("98"), D("2993.92"), "name")  # 2940.05 / 2999.92 = 98.00 %
    html = (home / "reports" / "dq_report.html").read_text(encoding="utf-8")
    assert "决算复述的年初预算与预算公开不一致" in html and "而预算公开《budget_altered.txt》所列为 2,999.92" in html


def test_analysis_lists_lowest_execution_first_with_the_xd001_verdict(altered):
    _, home, _ = altered
    from loaders.cli import app

    out = home / "bvf.csv"
    result = CliRunner().invoke(app, ["query", "--home", str(home), "analyses/budget_vs_final_by_unit.sql", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    first = dict(zip(header, lines[1].split(",")))
    assert (first["scope_name"], first["execution_rate_pct"]) == ("公务接待费", "0.0")  # spent 0.00 of 0.95
    gpb = next(dict(zip(header, ln.split(","))) for ln in lines[1:] if ",一般公共预算财政拨款支出," in ln)
    assert (gpb["xd001"], gpb["budget_published_wan"], gpb["budget_restated_wan"]) == ("error", "2999.92", "2993.92")


# the first lines of real budgets in ../shared/fixtures/real/files (as loaders/readers reads them)
COVERS = {
    "shanghai_audit_bureau_2026_unit_budget.pdf": (["上海市2026年市级单位预算", "预算单位：上海市审计局"], "上海市审计局"),
    "fujian_fuzhou_commerce_bureau_2026_dept_budget.pdf": (["2026年度", "福州市商务局", "部门预算", "目录"], "福州市商务局"),
    "guangdong_guangzhou_petition_bureau_2026_dept_budget.pdf": (["2026年", "广州市信访局部门预算", "目录"], "广州市信访局"),
    "chongqing_publicity_dept_2026_dept_budget.pdf": (["中共重庆市委宣传部", "2026年部门预算情况说明"], "中共重庆市委宣传部"),
    "yunnan_kunming_govt_office_2026_dept_budget.html": (["部门预决算及“三公”经费", "昆明市人民政府办公室机关2026年预算公开"],
                                                         "昆明市人民政府办公室机关"),
    "beijing_finance_bureau_2026_dept_budget_explanation.pdf": (["北京市财政局2026年度部门预算信息公开", "目录"], "北京市财政局"),
}


@pytest.mark.parametrize("source", sorted(COVERS))
def test_budget_unit_from_its_label_or_cover(tmp_path, source):
    from loaders.pipeline import _budget_unit_name
    from loaders.readers import read_document

    lines, unit = COVERS[source]
    path = tmp_path / "cover.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert _budget_unit_name(read_document(path).nonblank()) == unit
