"""Performance self-evaluations end to end on the five bundled samples (`fdw run`): the marts hold what
the documents print, and the PE/DE findings are the document problems DOMAIN.md lists.

Line numbers are 1-based lines of the sample text files."""
from __future__ import annotations

import hashlib
import re
from decimal import Decimal as D

import pytest

from loaders.units import unit_id_of

from conftest import SAMPLES, fdw_run


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    con = fdw_run(tmp_path_factory.mktemp("pe_home"), SAMPLES)
    yield con
    con.close()


def doc(con, prefix):
    return con.execute("select doc_id from dim_document where source_name like ?", [prefix + "_%"]).fetchone()[0]


def test_nothing_quarantined(wh):
    assert wh.execute("select status, count(*) from dim_document group by status").fetchall() == [("parsed", 5)]


def test_002_business_funds_and_score(wh):
    d = doc(wh, "002")
    assert wh.execute("select count(*) from fct_performance_evaluation where doc_id = ?", [d]).fetchone()[0] == 16
    # line 622: 资金总额： 384.4 384.4 268.75 235.249 33.501 87.53 8.75
    row = wh.execute("""select b.budget_initial_declared_wan, b.budget_initial_wan, b.budget_full_year_wan, b.executed_wan,
                               b.balance_wan, b.execution_rate_pct, b.execution_score, b.funds_received_wan, b.source_ref
                        from fct_budget_execution b join fct_performance_evaluation e using (eval_id)
                        where e.doc_id = ? and e.project_name = '业务工作经费'""", [d]).fetchall()
    assert row == [(D("384.4"), D("384.4"), D("268.75"), D("235.249"), D("33.501"), D("87.53"), D("8.75"), None, "l622")]
    # line 654: 总 分 96.75 优
    assert wh.execute("""select total_score, grade, grade_expected, scope, form from fct_performance_evaluation
                         where doc_id = ? and project_name = '业务工作经费'""", [d]).fetchall() == [
        (D("96.75"), "优", "优", "project", "province_project")]


def test_002_indicator_row(wh):
    # line 837: 服务企业数 ≥400户 (target) ≥387户 (actual) 3 3
    rows = wh.execute("""select target_text, actual_text, comparator, target_value, actual_value, value_unit, weight, score,
                                is_achieved, aligned, source_ref
                         from fct_indicator_achievement where indicator_name = '服务企业数'""").fetchall()
    assert rows == [("≥400户", "≥387户", ">=", D(400), D(387), "户", D(3), D(3), False, True, "l837")]


def test_004_department_funds(wh):
    # lines 10-12: 上年结转 26.66, 年初预算 22728.40, 预算调整 -10504.26, 其他调整 5.35, 预算执行 11,123.37, 年末结余 1132.78
    rows = wh.execute("""select scope, project_id, carryover_prior_wan, budget_initial_wan, adjustment_wan, other_adjustment_wan,
                                executed_wan, balance_wan, execution_rate_pct
                         from fct_budget_execution where doc_id = ? and scope = 'department'""", [doc(wh, "004")]).fetchall()
    assert rows == [("department", None, D("26.66"), D("22728.40"), D("-10504.26"), D("5.35"), D("11123.37"), D("1132.78"), None)]


def test_004_city_project_amounts_from_sources(wh):
    # 新动能专项资金, lines 211-214: 预算资金 市级 20000.00 + 其他 0.00; 预算下达资金 5000.00; 实际支出 市级 5000.00
    rows = wh.execute("""select b.budget_initial_wan, b.funds_received_wan, b.executed_wan, b.amounts_from, b.execution_rate_pct
                         from fct_budget_execution b join dim_project p using (project_id)
                         where p.project_name = '新动能专项资金'""").fetchall()
    assert rows == [(D("20000"), D("5000"), D("5000"), "sum of sources", None)]


def test_003_county_report_unit_unknown(wh):
    # 003 line 116: 总得分99.1分，属于"优秀"; the report names no unit
    rows = wh.execute("""select total_score, grade, grade_normalized, grade_expected, unit_id, project_name
                         from fct_performance_evaluation where doc_id = ?""", [doc(wh, "003")]).fetchall()
    assert rows == [(D("99.1"), "优秀", "优", "优", None, "小升规企业奖励资金")]


def test_units_from_evaluations(wh):
    units = {r[0]: r[1:] for r in wh.execute(
        "select unit_name, unit_id, unit_code, department_code, admin_level from dim_unit").fetchall()}
    # 002 lines 619/925: 238-/238001-山西省小企业发展促进局 and 山西省小微企业发展促进局: one unit (code 238001)
    assert units["山西省小企业发展促进局"][1:] == ("238001", "238", "province")
    # 004 line 66: 主管部门及代码 202, 实施单位 晋中市工业和信息化局; line 134 prints the fragment 中市工业和信息化
    assert units["晋中市工业和信息化局"][1:] == (None, "202", "city")
    assert set(units) == {"山西省小企业发展促进局", "晋中市工业和信息化局", "晋中市转型综改促进中心"}
    # the SQL id is the id loaders.units.unit_id_of gives the printed name
    for name, (uid, *_rest) in units.items():
        assert uid == unit_id_of(name)
    # every evaluation of 004 (the department-wide form prints no unit) belongs to its unit
    assert wh.execute("select distinct unit_id from fct_performance_evaluation where doc_id = ?",
                      [doc(wh, "004")]).fetchall() == [(unit_id_of("晋中市工业和信息化局"),)]


def test_unit_id_sql_matches_python_on_spaced_names(wh):
    from pathlib import Path
    import re
    macro = (Path(__file__).resolve().parents[1] / "macros" / "evaluation_helpers.sql").read_text(encoding="utf-8")
    # the whitespace class the macro removes (its {% set spaces %} block, passed to regexp_replace_all)
    pattern = re.search(r"\{%- set spaces -%\}\s*'([^']+)'", macro).group(1)
    for name in ["山西省 小企业发展促进局", "晋中市\u3000工业和信息化局", "\xa0上海市普陀区财政局\t"]:
        got = wh.execute(f"select 'U' || left(sha256(regexp_replace(?, '{pattern}', '', 'g')), 15)", [name]).fetchone()[0]
        assert got == unit_id_of(name), name


def test_project_ids_are_stable_and_one_per_project(wh):
    rows = wh.execute("select project_id, unit_id, project_name from dim_project").fetchall()
    assert len(rows) == 22  # 16 (002) + 3 (004) + 000 + 001 + 003
    for pid, uid, name in rows:
        if uid is not None:
            key = re.sub(r"\s+", "", name.translate(str.maketrans("（）［］—", "()[]-")))
            assert pid == "P" + hashlib.sha256(f"{uid}|{key}".encode()).hexdigest()[:15]


def test_years(wh):
    assert [r[0] for r in wh.execute("select fiscal_year from dim_year order by 1").fetchall()] == [2020, 2021, 2023]


def pe_findings(wh):
    return sorted(wh.execute("""select f.rule_id, f.severity, left(d.source_name, 3), f.line from dq_findings f
                                join dim_document d using (doc_id)
                                where (f.rule_id like 'PE-%' or f.rule_id like 'DE-%') and f.severity <> 'hint'""").fetchall())


def test_pe_findings_on_the_samples_are_the_documents_problems(wh):
    assert pe_findings(wh) == [
        # 002 小升规 (form at line 920): scores 20+10+8+10+30+10 (lines 933-941) + 执行 10 (line 928) = 98, 总分 100 (line 942)
        ("PE-002", "error", "002", 920),
        # 办公大楼管理费 (line 664): 总分 85 graded 差 (line 687); 办公大楼取暖费、水电费 (line 697): 90 graded 差 (line 718)
        ("PE-007", "error", "002", 664),
        ("PE-007", "error", "002", 697),
        # 服务企业数 ≥400户 target, ≥387户 actual, 3 of 3 points (line 837)
        ("PE-008", "warning", "002", 837),
        # 双创基地 line 1048: 资金总额 预算编制数 2040 but its only source (line 1049) 1940
        ("PE-009", "error", "002", 1048),
        # line 1049: 目标申报数 2040 vs 预算编制数 1940
        ("PE-009", "warning", "002", 1049),
    ]
    msg = wh.execute("select message from dq_findings where rule_id = 'PE-007' and line = 697").fetchone()[0]
    assert "办公大楼取暖费、水电费" in msg and "“差”" in msg and "优" in msg


def test_de001_holds_for_004(wh):
    from expectations.runner import instances, load_rules
    rule = next(r for r in load_rules() if r.id == "DE-001")
    df = instances(wh.cursor(), rule)
    # 26.66 + 22728.40 − 10504.26 + 5.35 = 11123.37 + 1132.78 = 12256.15
    assert len(df) == 1 and float(df.loc[0, "actual"]) == 12256.15 and float(df.loc[0, "expected"]) == 12256.15
    assert df.loc[0, "excess"] <= 0
