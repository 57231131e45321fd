"""Budget disclosures (预算公开): their tables recognised by the same vocabulary-driven table layer as
the 决算 tables, landed in fct_budget_lines, checked by the BU rules (the FA identities on the budget
tables). Every figure is read off the real document cited; the real files live in
../shared/fixtures/real/files and the tests that read them skip when it is absent."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import altered_copy, fdw_run

D = Decimal
FILES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "files"
XINFANG_2026 = FILES / "central_national_xinfang_admin_2026_dept_budget.pdf"
TEMPLATE = FILES / "shanghai_putuo_2026_unit_budget_official_template.xls"
JIANGSU_CSV = FILES / "jiangsu_procuratorate_2017_2019_budget_summary_extract.csv"
CHANGSHA = FILES / "hunan_changsha_petition_bureau_2026_dept_budget.pdf"

real = pytest.mark.skipif(not FILES.exists(), reason="real corpus (../shared/fixtures/real/files) not available")

# 国家信访局 2026 部门预算, 部门收支总表 (XINFANG_2026 p5, lines 58-70), retyped with its blank cells kept
# (`| |`): a budget summary as a text document.
XINFANG_SUMMARY = """国家信访局2026年部门预算
部门收支总表
单位：万元
收入 | 支出
项目 | 预算数 | 项目 | 预算数
一、一般公共预算拨款收入 | 16,474.82 | 一、一般公共服务支出 | 47,179.30
二、政府性基金预算拨款收入 | | 二、教育支出 | 118.01
三、事业收入 | | 三、社会保障和就业支出 | 2,208.19
四、事业单位经营收入 | | 四、住房保障支出 | 1,111.44
五、其他收入 | 31,888.00 | |
本年收入合计 | 48,362.82 | 本年支出合计 | 50,616.94
使用非财政拨款结余 | | 结转下年 |
上年结转 | 2,254.12 | |
收入总计 | 50,616.94 | 支出总计 | 50,616.94
"""


def _parse(path: Path):
    from loaders.classify import classify
    from loaders.parsers.final_accounts import parse_final_accounts
    from loaders.readers import read_document

    doc = read_document(path)
    kind = classify(doc)
    return kind, (parse_final_accounts(doc, kind) if kind in ("budget", "final_accounts") else None)


def _one(parsed, **where):
    found = [c for c in parsed.cells if all(c[k] == v for k, v in where.items())]
    assert len(found) == 1, (where, found)
    return found[0]


@real
def test_real_budget_pdf_tables_by_their_titles():
    kind, bu = _parse(XINFANG_2026)
    assert kind == "budget"
    assert (bu.unit_name, bu.fiscal_year) == ("国家信访局", 2026)
    # 部门收支总表 p5, 部门收入总表 p6, 部门支出总表 p7, 财政拨款收支总表 p9, 一般公共预算支出表 p10,
    # 一般公共预算基本支出表 p12, 政府性基金 p14, 国有资本经营 p15, “三公” p16, 项目绩效目标表 p29;
    # the 目录 (p5 l56 …) names none of them twice in a row
    codes = {t["table_code"]: t["page"] for t in bu.tables}
    assert {k: codes.get(k) for k in ("T_SUMMARY", "T_INCOME", "T_EXPENDITURE", "T_FISCAL_SUMMARY",
                                      "T_GPB_EXPENDITURE", "T_BASIC_DETAIL", "T_THREE_PUBLIC")} == {
        "T_SUMMARY": 5, "T_INCOME": 6, "T_EXPENDITURE": 7, "T_FISCAL_SUMMARY": 9, "T_GPB_EXPENDITURE": 10,
        "T_BASIC_DETAIL": 12, "T_THREE_PUBLIC": 16}
    assert len(codes) >= 9
    # p5:l67 本年收入合计 48,362.82; p5:l70 收入总计 / 支出总计 50,616.94 (roles from the budget vocabulary)
    c = _one(bu, table_code="T_SUMMARY", side="income", row_role="current_total")
    assert (c["printed_text"], c["amount_wan"], c["source_ref"]) == ("48,362.82", D("48362.82"), "p5:l67")
    assert _one(bu, table_code="T_SUMMARY", side="expenditure", row_role="grand_total")["amount_wan"] == D("50616.94")
    assert _one(bu, table_code="T_SUMMARY", side="income", row_role="opening_balance")["printed_text"] == "2,254.12"
    # p16:l227 “三公” 2026 年预算数: 合计 112.61, 因公出国（境）费 68.50, 公务接待费 5.51
    assert _one(bu, table_code="T_THREE_PUBLIC", item="total")["amount_wan"] == D("112.61")
    assert _one(bu, table_code="T_THREE_PUBLIC", item="outbound_travel")["column_code"] == "budget"
    assert _one(bu, table_code="T_THREE_PUBLIC", item="reception")["printed_text"] == "5.51"


@real
def test_budget_with_targets_tables_is_not_an_evaluation():
    """长沙市信访局 2026 部门预算 prints 项目支出绩效目标表 (p22) and 部门整体支出绩效目标表 (p30): still a
    budget, with its tables (部门收支总表 … p12-p21)."""
    kind, bu = _parse(CHANGSHA)
    assert kind == "budget"
    assert {"T_SUMMARY", "T_INCOME", "T_EXPENDITURE", "T_FISCAL_SUMMARY", "T_PERF_TARGETS"} <= {t["table_code"] for t in bu.tables}


@real
def test_blank_official_template_lands_no_figure():
    """The 上海市普陀区 单位预算 template (.xls, 16 sheets): tables recognised, 合计 rows empty, the 说明
    full of XXX placeholders; parsed as a budget, no cell and no figure landed, and it says so."""
    kind, bu = _parse(TEMPLATE)
    assert kind == "budget"
    # sheets 7-10: 财务收支预算总表, 收入预算总表, 支出预算总表, 财政拨款收支预算总表
    assert {"T_SUMMARY", "T_INCOME", "T_EXPENDITURE", "T_FISCAL_SUMMARY"} <= {t["table_code"] for t in bu.tables}
    assert {t["page"] for t in bu.tables if t["table_code"] == "T_SUMMARY"} == {7}
    assert bu.cells == [] and bu.narrative == [] and bu.defects == []
    assert bu.warnings[0].startswith("空白模板 blank template")


@real
def test_csv_read_as_positioned_cells_and_an_extract_is_no_disclosure(tmp_path):
    """The Jiangsu CSV is a machine extract of 收支预算总表 (one record per year, no title, unit or
    year printed): read like a one-sheet spreadsheet, then quarantined with a reason."""
    from loaders.pipeline import ingest_file
    from loaders.readers import read_document
    from loaders.writer import RawStore

    doc = read_document(JIANGSU_CSV)
    assert doc.file_format == "csv" and doc.pages == 1
    first = doc.lines[1]  # record 2: 2019-01-01,24169.74,…
    assert first.source_ref == "p1:l2" and [c.text for c in first.cells][:2] == ["2019-01-01", "24169.74"]
    assert first.cells[1].col == 1
    store = RawStore(tmp_path)
    store.ensure()
    out = ingest_file(JIANGSU_CSV, store)
    assert out.status == "quarantined" and out.reason.startswith("not a fiscal document")


def test_bu_rules_are_the_fa_identities_on_the_budget_lines():
    from expectations.runner import load_rules

    rules = {r.id: r for r in load_rules()}
    bu = [r for r in rules.values() if r.id.startswith("BU-")]
    assert len(bu) >= 5
    for r in bu:
        fa = rules["FA-" + r.id[3:]]
        assert r.lines_model == "fct_budget_lines"
        # own checks: BU-003/004 the rows after 本年收入合计; BU-070 a 说明 file against its 报表 file
        assert r.checks == fa.checks or r.id in ("BU-003", "BU-004", "BU-070")
        assert "from fct_budget_lines" in r.sql(r.checks[0]) and "from fct_final_account_lines" not in r.sql(r.checks[0])
    assert "from fct_final_account_lines" in rules["FA-005"].sql(rules["FA-005"].checks[0])


def test_budget_tables_land_in_their_mart_and_an_altered_total_is_found(tmp_path):
    """The 部门收支总表 of 国家信访局 2026 (as printed) holds its identities; a copy whose 收入总计 is
    altered (50,616.94 -> 50,661.94, line 14) breaks 收入总计 = 本年收入合计 + 上年结转 (BU-003) and
    收入总计 = 支出总计 (BU-005). Neither lands in the 决算 marts."""
    src = tmp_path / "in" / "xinfang_2026_budget_summary.txt"
    src.parent.mkdir()
    src.write_text(XINFANG_SUMMARY, encoding="utf-8")
    bad = altered_copy(src, tmp_path / "in" / "xinfang_2026_budget_summary_altered.txt", 14, "50,616.94", "50,661.94")
    # 二、教育支出 118.01 -> 181.01 (line 7): 本年支出合计 50,616.94 no longer the sum of its items (BU-002)
    bad2 = altered_copy(src, tmp_path / "in" / "xinfang_2026_budget_summary_altered2.txt", 7, "118.01", "181.01")
    con = fdw_run(tmp_path / "home", src, bad, bad2)
    docs = dict(con.execute("select source_name, doc_id from dim_document where doc_kind = 'budget'").fetchall())
    assert set(docs) == {src.name, bad.name, bad2.name}
    lines = con.execute("select row_label, printed_text, amount_wan, source_ref from fct_budget_lines "
                    "where doc_id = ? and table_code = 'T_SUMMARY' and cell_state = 'value' and side = 'income' "
                    "order by source_ref", [docs[src.name]]).fetchall()
    assert ("本年收入合计", "48,362.82", D("48362.820000"), "l11") in lines
    assert con.execute("select count(*) from fct_final_account_lines").fetchone()[0] == 0
    found = con.execute("select doc_id, rule_id, severity from dq_findings where rule_id like 'BU-%' and severity = 'error'").fetchall()
    assert sorted((next(n for n, i in docs.items() if i == d), r) for d, r, _ in found) == [
        (bad.name, "BU-003"), (bad.name, "BU-005"), (bad2.name, "BU-002")]
    checked = con.execute("select rule_id from dq_rule_results where rule_id like 'BU-%' and n_instances > 0").fetchall()
    assert {"BU-002", "BU-003", "BU-004", "BU-005"} <= {r for (r,) in checked}
