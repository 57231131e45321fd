"""The bureau's report at any scale (issue 13): every error and warning listed on the page, rounding
hints listed while few and counted per rule and per document when many, and the spreadsheet — every
finding, streamed from Arrow batches by expectations/xlsx_stream.py — read back with openpyxl.

The warehouse is built from sample 002 (山西省小企业发展促进局 2023 决算): 5 errors, 3 warnings and
26 rounding hints, among them FA-004 at l121 (3,585.52 + 30.68 = 3,616.20 against 3,605.97 + 10.24 =
3,616.21, DOMAIN.md). "Many" is made by lowering HINTS_LISTED below 26: the mechanism is the same at
33,600 hints."""
from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pytest
from openpyxl import load_workbook

from conftest import S002, fdw_run
from expectations import report
from expectations.xlsx_stream import Sheet, write_xlsx


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    home = tmp_path_factory.mktemp("report_home")
    con = fdw_run(home, S002)
    yield home / "warehouse.duckdb", con
    con.close()


def _counts(con):
    return dict(con.execute("select severity, count(*) from dq_findings group by severity").fetchall())


def test_few_hints_are_listed_one_by_one(warehouse, tmp_path):
    db, con = warehouse
    n = _counts(con)
    assert n["hint"] <= report.HINTS_LISTED
    html = report.write_report(db, tmp_path, "t").html.read_text(encoding="utf-8")
    assert f"发现 · Findings ({sum(n.values())})" in html
    assert html.count("<small>hint</small>") == n["hint"]  # one row per hint, as before
    assert "第121行 (line 121)" in html and "尾数提示汇总" not in html


def test_many_hints_are_counted_per_rule_and_document_and_errors_stay_listed(warehouse, tmp_path, monkeypatch):
    db, con = warehouse
    n = _counts(con)
    monkeypatch.setattr(report, "HINTS_LISTED", n["hint"] - 1)
    html = report.write_report(db, tmp_path, "t").html.read_text(encoding="utf-8")
    assert "<small>hint</small>" not in html and "第121行 (line 121)" not in html  # no hint row
    assert html.count("<small>error</small>") == n["error"] and html.count("<small>warning</small>") == n["warning"]
    for (where,) in con.execute("select source_ref from dq_findings where severity <> 'hint'").fetchall():
        assert report._where({"source_ref": where}) in html
    summary = html[html.index("尾数提示汇总"):]
    assert f"共 {n['hint']} 处尾数提示，分布在 1 个文件中" in summary and 'href="dq_findings.xlsx"' in summary
    for rule, count in con.execute("select rule_id, count(*) from dq_findings where severity = 'hint' group by 1").fetchall():
        assert f'<td class="id">{rule}</td>' in summary and f'<td class="num">{count}</td>' in summary
    assert f'<td>{S002.name}</td><td>山西省小企业发展促进局 2023</td><td class="num">{n["hint"]}</td>' in summary
    # every other section is still there
    for section in ("规则 · Rules", "检查不完整的文件", "隔离的文件", "已检查的文件 · Documents", "图表 · Charts"):
        assert section in html


def test_the_spreadsheet_lists_every_finding_when_the_page_summarises(warehouse, tmp_path, monkeypatch):
    db, con = warehouse
    monkeypatch.setattr(report, "HINTS_LISTED", 0)
    wb = load_workbook(report.write_report(db, tmp_path, "t").xlsx)
    assert wb.sheetnames == ["发现 Findings", "规则 Rules", "检查覆盖 Coverage", "文件 Documents"]
    ws = wb["发现 Findings"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == sum(_counts(con).values())
    # l121: the 总计 3,616.20 printed, 3,616.21 by the rule (a rounding hint)
    [l121] = [r for r in rows if r["规则 rule"] == "FA-004" and r["位置 where"] == "l121"]
    expected, actual, printed = con.execute("""select expected, actual, actual_printed from dq_findings
                                               where rule_id = 'FA-004' and source_ref = 'l121'""").fetchone()
    assert (l121["应为 expected"], l121["印刷数(万元) printed value"], l121["印刷数 printed"]) == (float(expected), float(actual), printed)
    assert l121["级别 severity"] == "hint" and l121["文件 document"] == S002.name and l121["单位 unit"] == "山西省小企业发展促进局"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "00DDDDDD" and ws.freeze_panes == "A2"
    assert ws.column_dimensions["Q"].width == 48 and header[16] == "说明"  # the message column is wide
    n_docs = con.execute("select count(*) from dim_document").fetchone()[0]
    assert wb["文件 Documents"].max_row == n_docs + 1
    # a streaming reader (openpyxl read-only, as pandas.read_excel uses it) sizes each sheet by its dimension
    streamed = load_workbook(tmp_path / report.XLSX_NAME, read_only=True)
    assert [(streamed[s].max_row, streamed[s].max_column) for s in ("发现 Findings", "文件 Documents")] == [
        (len(rows) + 1, len(header)), (n_docs + 1, wb["文件 Documents"].max_column)]


def test_xlsx_stream_keeps_text_numbers_and_nulls(tmp_path):
    # 002 l97-98: 484.41 and 95.34 (Arrow's decimal -> double cast gives 484.40999999999997);
    # l121: 总计 3,616.20 with its row label; l412: 工程 printed blank stays an empty cell, never 0
    batch = pa.record_batch({
        "label": pa.array(["总计 <合计> & 小计", " 年初结转和结余\x01", "工程"]),
        "printed": pa.array(["3,616.20", "30.68", None]),
        "amount": pa.array([Decimal("484.41"), Decimal("95.34"), None], pa.decimal128(20, 6)),
        "line": pa.array([97, 98, 412], pa.int32()),
        "ratio": pa.array([float("nan"), 24.02, None]),
        "aligned": pa.array([True, False, None]),
    })
    path = tmp_path / "t.xlsx"
    n = write_xlsx(path, [Sheet("发现 Findings", ["行 row", "印刷数", "万元", "line", "%", "aligned"], [48, 16, 16, 16, 16, 16],
                                [batch.slice(0, 2), batch.slice(2)])])
    assert n == 3
    ws = load_workbook(path)["发现 Findings"]
    assert [c.value for c in ws[1]] == ["行 row", "印刷数", "万元", "line", "%", "aligned"]
    assert [[c.value for c in r] for r in ws.iter_rows(min_row=2)] == [
        ["总计 <合计> & 小计", "3,616.20", 484.41, 97, None, True],
        [" 年初结转和结余", "30.68", 95.34, 98, 24.02, False],
        ["工程", None, None, 412, None, None]]
    assert ws.freeze_panes == "A2" and ws.column_dimensions["A"].width == 48 and ws["A1"].alignment.wrap_text
