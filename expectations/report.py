"""The finance bureau's data-quality report: one HTML page and the same findings as a spreadsheet.

Written from the warehouse (dq_findings, dq_rule_results, dim_document, dim_unit), in words a
finance officer reads: what each rule means (Chinese and English), which documents were checked,
and for each finding the unit, table, row, printed value, expected value, difference and line.

At province scale (issue 13) the report is written after every `fdw run` and must cost seconds, not
the pipeline's time again. A 20,300-document home has 35,000 findings, 33,600 of them rounding hints
(尾数提示: normal rounding, not errors), and writing them took 17 s (932 MB peak): 11 s building a
million openpyxl cells, 4 s turning every finding into a pandas Series and a dict, 4 s rendering
one HTML row per hint (a 49 MB page nobody reads). So:

- The spreadsheet still lists every finding — it is the bureau's working list — but is streamed
  from DuckDB in Arrow batches into expectations/xlsx_stream.py, which builds each batch's cells
  with Arrow kernels: no Python object per cell, one batch in memory.
- The HTML lists every error and warning as before. Rounding hints are listed one by one only while
  there are at most HINTS_LISTED of them (the samples and small homes keep their page as it was);
  above that they are counted per rule and per document (the TOP_HINT_DOCUMENTS documents with the
  most), and the page names the spreadsheet that lists them all. Every other section stays; the
  score-vs-grade chart draws one point per score and grade printed (with its count) once there are
  more than SCATTER_POINTS evaluations (90,954 circles made 11 MB of a 100k home's page).
- Findings are read from DuckDB as Python records once, and only those the page lists; the
  documents table is rendered from batches as the page is streamed to disk (Jinja's generate), so
  neither all findings nor all documents are held as dicts while the HTML is written.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import duckdb
import jinja2

from expectations.charts import PALETTE, hbar, scatter
from expectations.runner import OCR_DOUBTFUL_BELOW
from expectations.xlsx_stream import Sheet, write_xlsx

HTML_NAME = "dq_report.html"
XLSX_NAME = "dq_findings.xlsx"
GX_DOCS = "gx/index.html"  # Great Expectations' Data Docs of the last check (expectations/gx_project.py)
HINTS_LISTED = 500  # more rounding hints than this: the page counts them, the spreadsheet lists them
SCATTER_POINTS = 500  # more evaluations than this: the score-vs-grade chart draws one point per (score, grade) with its count
TOP_HINT_DOCUMENTS = 100  # documents named in the hint summary (most hints first)
BATCH_ROWS = 2048  # rows read at a time (a DuckDB vector): a spreadsheet batch, a slice of the documents table

SEVERITY_ZH = {"error": "错误", "warning": "警告", "hint": "尾数提示"}
KIND_ZH = {"table": "表内勾稽 table arithmetic", "narrative": "说明自身 narrative", "consistency": "说明与表一致 consistency",
           "completeness": "完整性 completeness", "publication": "出版瑕疵 publication"}
KIND_ORDER = list(KIND_ZH)
SEVERITY_ORDER = "case f.severity when 'error' then 0 when 'warning' then 1 else 2 end"


@dataclass
class ReportPaths:
    html: Path
    xlsx: Path


def _records(con, sql: str, params: list | None = None) -> list[dict]:
    """The query's rows as dicts, NULL as None (never NaN)."""
    return con.sql(sql, params=params).to_arrow_table().to_pylist()


def _optional(con, sql: str) -> list[dict] | None:
    """A section's or chart's rows, or None when the warehouse has no such table yet (older builds)."""
    try:
        return _records(con, sql)
    except duckdb.CatalogException:
        return None


def _columns(con, table: str) -> set[str]:
    return {r[0] for r in con.execute("select column_name from duckdb_columns() where table_name = ? and schema_name = 'main'",
                                      [table]).fetchall()}


FINDINGS_FROM = """from dq_findings f left join dim_document d using (doc_id) left join dim_unit u on u.unit_id = f.unit_id"""
FINDINGS_ORDER = f"order by {SEVERITY_ORDER}, f.rule_id, d.source_name, f.line"
COVERAGE_SQL = """
    select d.source_name, u.unit_name, d.fiscal_year, sum(c.checks) as checks, sum(c.not_checkable) as not_checkable,
           string_agg(c.rule_id || '：' || c.reasons, '；' order by c.rule_id) filter (where c.not_checkable > 0) as reasons
    from dq_document_checks c join dim_document d using (doc_id) left join dim_unit u on u.unit_id = d.unit_id
    group by all order by not_checkable desc, d.source_name, u.unit_name, d.fiscal_year"""
DOCUMENTS_SQL = """select source_name, doc_kind, unit_name, fiscal_year, file_format, status,
                          quarantine_stage, quarantine_reason, n_cells, doc_id
                   from dim_document order by status, source_name"""


def _sections(con, listed: str) -> dict:
    """What the page shows, read from the warehouse: the findings it lists (`listed`: a condition
    on dq_findings f) and the sections beside them."""
    return {
        "findings": _records(con, f"select f.*, d.source_name, u.unit_name {FINDINGS_FROM} where {listed} {FINDINGS_ORDER}"),
        "rules": _records(con, "select * from dq_rule_results order by rule_id"),
        "incomplete": _optional(con, f"select * from ({COVERAGE_SQL}) where not_checkable > 0 "
                                          "order by not_checkable desc, source_name, unit_name, fiscal_year") or [],
        "execution": _optional(con, """
                select u.unit_name, b.fiscal_year, s.scope_zh || coalesce('（' || b.subject_code || '）', '') as scope_name,
                       b.budget_initial_wan, b.executed_wan, b.execution_rate_pct, b.match_quality,
                       bd.source_name as budget_document, fd.source_name as final_document
                from fct_budget_execution b join budget_vs_final_scopes s using (scope)
                left join dim_unit u on u.unit_id = b.unit_id
                left join dim_document bd on bd.doc_id = b.budget_doc_id left join dim_document fd on fd.doc_id = b.final_doc_id
                where b.source = 'budget_vs_final' and b.execution_rate_pct is not null
                order by b.execution_rate_pct, u.unit_name, b.fiscal_year, s.ord limit 20"""),
        "xd_disagreements": _optional(con, """
                select u.unit_name, x.fiscal_year, x.scope_zh || coalesce('（' || x.subject_code || '）', '') as scope_name,
                       x.budget_restated_printed, x.budget_restated_ref, x.budget_published_printed, x.budget_published_ref,
                       x.final_source_name, x.budget_source_name, x.match_quality, f.severity, f.difference
                from dq_findings f
                join int_budget_vs_final x on x.doc_id = f.doc_id and f.check_key = 'xd:' || x.scope || coalesce(':' || x.subject_code, '')
                left join dim_unit u on u.unit_id = x.unit_id
                where f.rule_id = 'XD-001' and f.severity in ('error', 'warning')
                order by f.severity, u.unit_name, x.fiscal_year, x.scope_ord"""),
        "quarantined": _records(con, "select * from dim_document where status = 'quarantined' order by source_name"),
    }


def _hint_summary(con, rules: list[dict]) -> dict:
    """Rounding hints counted per rule and per document (the documents with the most first)."""
    titles = {r["rule_id"]: r for r in rules}
    by_rule = _records(con, """select rule_id, count(*) as n, count(distinct doc_id) as n_documents, max(abs(difference)) as max_difference
                               from dq_findings where severity = 'hint' group by rule_id order by rule_id""")
    for r in by_rule:
        r.update(title_zh=titles.get(r["rule_id"], {}).get("title_zh"), title_en=titles.get(r["rule_id"], {}).get("title_en"),
                 max_difference_fmt=_num(r["max_difference"]))
    by_document = _records(con, f"""
        select d.source_name, u.unit_name, d.fiscal_year, count(*) as n, string_agg(distinct f.rule_id, ', ' order by f.rule_id) as rules
        {FINDINGS_FROM} where f.severity = 'hint'
        group by f.doc_id, d.source_name, u.unit_name, d.fiscal_year order by n desc, d.source_name limit ?""", [TOP_HINT_DOCUMENTS])
    [(n_documents,)] = con.execute("select count(distinct doc_id) from dq_findings where severity = 'hint'").fetchall()
    return {"by_rule": by_rule, "by_document": by_document, "n_documents": n_documents, "listed_up_to": HINTS_LISTED}


def _parsed_documents(con) -> Iterator[dict]:
    """The parsed documents with their checks (checked / not checkable), read a batch at a time."""
    reader = con.sql("""
        select d.source_name, d.doc_kind, d.unit_name, d.fiscal_year, d.file_format, d.n_cells, d.doc_id,
               coalesce(c.checks, 0) || ' / ' || coalesce(c.not_checkable, 0) as coverage
        from dim_document d left join ({checks}) c using (doc_id)
        where d.status = 'parsed' order by d.source_name""".format(checks=(
        "select doc_id, sum(checks) as checks, sum(not_checkable) as not_checkable from dq_document_checks group by doc_id"
        if _columns(con, "dq_document_checks") else "select null::varchar as doc_id, 0 as checks, 0 as not_checkable"))
    ).to_arrow_reader(BATCH_ROWS)
    for batch in reader:
        yield from batch.to_pylist()


_TEMPLATE = jinja2.Environment(autoescape=True).from_string("""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>数据质量报告 · Data-quality report · {{ run_id }}</title>
<style>
 body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222;max-width:1400px}
 h1{font-size:1.6em;margin-bottom:0} .sub{color:#666;margin-top:.2em}
 .status{display:inline-block;padding:.6em 1.2em;border-radius:6px;font-size:1.2em;font-weight:bold;margin:1em 0}
 .ok{background:#e3f4e1;color:#1d6b18} .bad{background:#fde2e1;color:#a11} .warn{background:#fff3d6;color:#8a5a00}
 table{border-collapse:collapse;width:100%;margin:.5em 0 2em;font-size:.9em}
 th,td{border:1px solid #ccc;padding:.35em .5em;vertical-align:top;text-align:left}
 th{background:#f2f2f2} td.id{white-space:nowrap;font-weight:bold} td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
 tr.error td:first-child{border-left:4px solid #c00} tr.warning td:first-child{border-left:4px solid #e90}
 tr.hint td:first-child{border-left:4px solid #9ab}
 .cards{display:flex;gap:1em;flex-wrap:wrap} .card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:9em}
 .card b{display:block;font-size:1.6em} small{color:#666} .ops{color:#555;font-size:.85em}
 .charts figure{margin:0 0 1.5em 0}
</style></head><body>
<h1>财政决算与绩效自评 数据质量报告</h1>
<div class="sub">Data-quality report of the fiscal disclosures · run {{ run_id }} · {{ generated }}</div>
{% if last_run and last_run.status == 'failed' %}<div class="status bad">最近一次运行失败 · the last run failed ({{ last_run.run_id }}, {{ last_run.ended_at }}): {{ last_run.message }}<br><small>以下是上一次成功运行发布的仓库的结果 · below: the last warehouse that was published successfully</small></div><br>{% endif %}
{% if n_error %}<div class="status bad">发现 {{ n_error }} 处勾稽关系错误 · {{ n_error }} identity error(s) found</div>
{% elif n_warning %}<div class="status warn">无错误，{{ n_warning }} 处警告 · no errors, {{ n_warning }} warning(s)</div>
{% else %}<div class="status ok">所有勾稽关系均成立 · every identity holds{% if n_hint %}（{{ n_hint }} 处尾数误差提示 · rounding hints only）{% endif %}</div>{% endif %}
<div class="cards">
 <div class="card"><b>{{ n_parsed }}</b>已解析文件<br><small>documents parsed</small></div>
 <div class="card"><b>{{ n_quarantined }}</b>隔离文件<br><small>documents quarantined</small></div>
 <div class="card"><b>{{ n_error }}</b>错误<br><small>errors</small></div>
 <div class="card"><b>{{ n_warning }}</b>警告<br><small>warnings</small></div>
 <div class="card"><b>{{ n_hint }}</b>尾数提示<br><small>rounding hints</small></div>
</div>
<p><small>尾数提示：印刷数字四舍五入后，合计与各项之和相差不超过每项半个末位（两位小数的万元数每项 0.005 万元），属正常尾数误差，不是错误。
A rounding hint is a difference within half a printed digit per term (0.005 万元 per two-decimal figure): normal rounding, not an error.</small></p>

{% if charts %}<h2>图表 · Charts</h2>
<div class="charts">{% for c in charts %}<figure>{{ c | safe }}</figure>{% endfor %}</div>
<p><small>表格在下方 · the tables follow below.</small></p>{% endif %}

<h2>规则 · Rules</h2>
{% if gx_docs %}<p><small>Great Expectations 的验证结果 · Great Expectations validation results:
{% if gx_pages %}本次运行 this run: {% for name, href in gx_pages %}<a href="{{ href }}">{{ name }}</a>{{ ", " if not loop.last }}{% endfor %} · {% endif %}<a href="{{ gx_docs }}">Data Docs</a>（所有运行 every run）</small></p>{% endif %}
<table><tr><th>规则</th><th>含义</th><th>Meaning</th><th>检查文件数<br><small>documents</small></th><th>检查次数<br><small>checks</small></th><th>无法检查<br><small>not checkable</small></th><th>错误<br><small>errors</small></th><th>警告<br><small>warnings</small></th><th>尾数提示<br><small>hints</small></th></tr>
{% for r in rules %}<tr class="{{ 'error' if r.n_errors else ('warning' if r.n_warnings else '') }}"><td class="id">{{ r.rule_id }}</td><td>{{ r.title_zh }}<br><small>{{ r.formula }}</small></td><td>{{ r.title_en }}</td>
<td class="num">{{ r.n_documents }}</td><td class="num">{{ r.n_instances }}</td><td class="num">{{ r.not_checkable if r.not_checkable is not none else '' }}</td><td class="num">{{ r.n_errors }}</td><td class="num">{{ r.n_warnings }}</td><td class="num">{{ r.n_hints }}</td></tr>{% endfor %}
</table>

<h2>发现 · Findings ({{ n_findings }})</h2>
<p><small>按文件和类型分组：表内勾稽、说明自身、说明与表一致、完整性、出版瑕疵。说明类发现并列引用说明原文与所对照的数字。
Grouped by document and kind; a narrative finding quotes the sentence beside the figure it is compared with.</small></p>
{% for doc in by_document %}<h3>{{ doc.source_name }} <small>{{ doc.unit_name or '（未知）' }} {{ doc.fiscal_year or '' }} · {{ doc.n }} 项</small></h3>
{% for grp in doc.kinds %}<h4>{{ grp.kind_zh }} ({{ grp.findings|length }})</h4>
{% if grp.narrative %}<table><tr><th>级别<br><small>severity</small></th><th>规则</th><th>说明原文<br><small>the sentence</small></th><th>所述数字<br><small>stated</small></th><th>对照<br><small>compared with</small></th><th>应为<br><small>expected</small></th><th>位置<br><small>where</small></th><th>说明 · Explanation</th></tr>
{% for f in grp.findings %}<tr class="{{ f.severity }}"><td>{{ sev[f.severity] }}<br><small>{{ f.severity }}</small></td><td class="id">{{ f.rule_id }}</td>
<td>“{{ f.sentence }}”<br><small>{{ f.table_title }}</small></td><td class="num">{{ f.actual_printed or '' }}</td><td class="ops">{{ f.operands or '' }}</td><td class="num">{{ f.expected_fmt if f.expected is not none else '' }}</td>
<td>{{ f.where }}</td><td><small>{{ f.message }}<br>{{ f.message_en }}</small></td></tr>{% endfor %}
</table>{% else %}<table><tr><th>级别<br><small>severity</small></th><th>规则</th><th>表 · 行 · 列<br><small>table · row · column</small></th>
<th>印刷数<br><small>printed</small></th><th>应为<br><small>expected</small></th><th>差额<br><small>difference</small></th><th>容差<br><small>envelope</small></th><th>位置<br><small>where</small></th><th>说明 · Explanation</th></tr>
{% for f in grp.findings %}<tr class="{{ f.severity }}"><td>{{ sev[f.severity] }}<br><small>{{ f.severity }}</small></td><td class="id">{{ f.rule_id }}</td>
<td>{{ f.table_title }}<br>「{{ f.row_label }}」{% if f.column_label %}<br><small>{{ f.column_label }}</small>{% endif %}</td>
<td class="num">{{ f.actual_printed or '（空白）' }}</td><td class="num">{{ f.expected_fmt }}</td><td class="num">{{ f.difference_fmt }}</td><td class="num">±{{ f.tolerance_fmt }}</td>
<td>{{ f.where }}</td><td>{{ f.message }}<br><small>{{ f.message_en }}</small>{% if f.operands %}<div class="ops">= {{ f.operands }}</div>{% endif %}</td></tr>{% endfor %}
</table>{% endif %}{% endfor %}{% else %}<p>{% if hints %}无错误或警告 · no errors or warnings{% else %}无 · none{% endif %}</p>{% endfor %}{% if hints %}
<h3>尾数提示汇总 · Rounding hints, summarised ({{ n_hint }})</h3>
<p><small>共 {{ n_hint }} 处尾数提示，分布在 {{ hints.n_documents }} 个文件中，超过 {{ hints.listed_up_to }} 处，此处按规则和文件汇总；逐条明细（表、行、列、印刷数、应为、差额、位置）见 <a href="{{ xlsx_name }}">{{ xlsx_name }}</a> 的「发现 Findings」表（级别 hint）。
{{ n_hint }} rounding hints in {{ hints.n_documents }} documents, more than {{ hints.listed_up_to }}: counted here by rule and by document; every one is listed, with its table, row, column, printed value, expected value, difference and line, in <a href="{{ xlsx_name }}">{{ xlsx_name }}</a> (sheet 发现 Findings, severity hint).</small></p>
<table><tr><th>规则</th><th>含义 · meaning</th><th>尾数提示<br><small>hints</small></th><th>文件数<br><small>documents</small></th><th>最大差额<br><small>largest difference</small></th></tr>
{% for r in hints.by_rule %}<tr class="hint"><td class="id">{{ r.rule_id }}</td><td>{{ r.title_zh or '' }}<br><small>{{ r.title_en or '' }}</small></td><td class="num">{{ r.n }}</td><td class="num">{{ r.n_documents }}</td><td class="num">{{ r.max_difference_fmt }}</td></tr>{% endfor %}
</table>
<table><tr><th>文件 · file</th><th>单位 · unit</th><th>尾数提示<br><small>hints</small></th><th>规则 · rules</th></tr>
{% for d in hints.by_document %}<tr class="hint"><td>{{ d.source_name }}</td><td>{{ d.unit_name or '（未知）' }} {{ d.fiscal_year or '' }}</td><td class="num">{{ d.n }}</td><td>{{ d.rules }}</td></tr>{% endfor %}
</table>{% if hints.n_documents > hints.by_document|length %}<p><small>以上为尾数提示最多的 {{ hints.by_document|length }} 个文件；其余 {{ hints.n_documents - hints.by_document|length }} 个文件见 {{ xlsx_name }}。
The {{ hints.by_document|length }} documents with the most hints; the other {{ hints.n_documents - hints.by_document|length }} are in {{ xlsx_name }}.</small></p>{% endif %}{% endif %}

{% if execution or xd_disagreements %}<h2>预算执行：预算公开与决算对照 · Budget disclosure vs final accounts</h2>
<p><small>同一单位同一年度的预算公开与决算（按单位编码或名称匹配）：预算公开所列预算、决算支出与执行率（决算 ÷ 预算）。
A unit-year's budget disclosure set against its final accounts (units matched by code or name): the budget published, the amount spent, the execution rate.</small></p>
{% if xd_disagreements %}<h3>决算复述的年初预算与预算公开不一致 · The final accounts restate another budget than was published ({{ xd_disagreements|length }})</h3>
<ul>{% for x in xd_disagreements %}<li class="{{ x.severity }}">{{ sev[x.severity] }}：{{ x.unit_name or '（未知单位）' }} {{ x.fiscal_year }} 年「{{ x.scope_name }}」——决算《{{ x.final_source_name }}》称年初预算为 {{ x.budget_restated_printed }}（{{ x.budget_restated_ref }}），
而预算公开《{{ x.budget_source_name }}》所列为 {{ x.budget_published_printed }}（{{ x.budget_published_ref }}），相差 {{ x.difference_fmt }} 万元。{% if x.match_quality == 'name_weak' %}<small>（两文件仅按名称弱匹配，可能口径不同 · matched on the name only after dropping 机关/本部/汇总: possibly another scope）</small>{% endif %}
<br><small>The final accounts state an initial budget of {{ x.budget_restated_printed }} for this scope; the budget disclosure published {{ x.budget_published_printed }}.</small></li>{% endfor %}</ul>{% endif %}
{% if execution %}<h3>执行率最低的单位与口径 · Lowest execution ({{ execution|length }})</h3>
<table><tr><th>单位 · unit</th><th>年度 · year</th><th>口径 · scope</th><th>预算公开 · budget</th><th>决算 · spent</th><th>执行率 · rate</th><th>匹配 · match</th><th>文件 · documents</th></tr>
{% for e in execution %}<tr><td>{{ e.unit_name or '（未知）' }}</td><td>{{ e.fiscal_year }}</td><td>{{ e.scope_name }}</td><td class="num">{{ e.budget_fmt }}</td><td class="num">{{ e.executed_fmt }}</td><td class="num">{{ e.rate_fmt }}%</td><td>{{ e.match_quality }}</td><td><small>{{ e.budget_document }} · {{ e.final_document }}</small></td></tr>{% endfor %}
</table>{% endif %}{% endif %}

<h2>检查不完整的文件 · Documents whose checks were incomplete ({{ incomplete|length }})</h2>
<p><small>“0 个错误”不等于“全部检查过”：某项运算数未印出（表缺失、该行未找到、合计为空白、说明单独发布无表可比）时，该项检查计为“无法检查”，不报错误。
"0 errors" never hides "nothing was checked": an instance whose operand is not printed is counted as not checkable, never reported as an error.</small></p>
{% if incomplete %}<table><tr><th>文件 · file</th><th>单位 · unit</th><th>已检查 · checked</th><th>无法检查 · not checkable</th><th>原因 · why (rule: reason)</th></tr>
{% for c in incomplete %}<tr class="warning"><td>{{ c.source_name }}</td><td>{{ c.unit_name or '（未知）' }} {{ c.fiscal_year or '' }}</td><td class="num">{{ c.checks }}</td><td class="num">{{ c.not_checkable }}</td><td><small>{{ c.reasons }}</small></td></tr>{% endfor %}
</table>{% else %}<p>无 · none</p>{% endif %}

{% if doubtful %}<h2>OCR 低置信度金额 · Amounts read by OCR with low confidence ({{ doubtful|length }})</h2>
<p><small>扫描件经 OCR 识别，以下金额的识别置信度低于 {{ doubtful_below }}，请对照原件核实。These amounts were read from a scan with a recognition score below {{ doubtful_below }}: check them against the page.</small></p>
<table><tr><th>文件 · file</th><th>表 · table</th><th>行 · row</th><th>列 · column</th><th>识别为 · read as</th><th>置信度 · score</th><th>位置 · where</th></tr>
{% for d in doubtful %}<tr class="warning"><td>{{ d.source_name }}</td><td>{{ d.table_title }}</td><td>{{ d.row_label }}</td><td>{{ d.column_label }}</td><td class="num">{{ d.printed_text }}</td><td class="num">{{ '%.2f'|format(d.ocr_confidence) }}</td><td>{{ d.source_ref }}</td></tr>{% endfor %}
</table>{% endif %}

<h2>隔离的文件 · Quarantined documents ({{ quarantined|length }})</h2>
{% if quarantined %}<table><tr><th>文件 · file</th><th>环节 · stage</th><th>原因 · reason</th></tr>
{% for d in quarantined %}<tr class="warning"><td>{{ d.source_name }}</td><td>{{ d.quarantine_stage }}</td><td>{{ d.quarantine_reason }}</td></tr>{% endfor %}
</table>{% else %}<p>无 · none</p>{% endif %}

<h2>已检查的文件 · Documents</h2>
<table><tr><th>文件 · file</th><th>类型 · kind</th><th>单位 · unit</th><th>年度 · year</th><th>格式 · format</th><th>单元格 · cells</th><th>已检查 / 无法检查<br><small>checked / not checkable</small></th><th>doc_id</th></tr>
{% for d in parsed %}<tr><td>{{ d.source_name }}</td><td>{{ d.doc_kind }}</td><td>{{ d.unit_name or '（未知）' }}</td><td>{{ d.fiscal_year or '' }}</td><td>{{ d.file_format }}</td><td class="num">{{ d.n_cells }}</td><td class="num">{{ d.coverage }}</td><td><small>{{ d.doc_id[:16] }}…</small></td></tr>{% endfor %}
</table>
<p><small>位置：l = 行号（文本），p = 页码（PDF）。Where: l = line of the text, p = page of a PDF. Amounts in 万元.</small></p>
</body></html>
""")


GRADES = ["优", "良", "中", "差"]


def charts(con) -> list[str]:
    """The report's pictures, as inline SVG: findings by rule and severity, 三公 budget vs actual,
    budget execution rate by project, total score vs printed grade."""
    out = []
    rows: dict[str, list] = {}
    for r in _records(con, "select rule_id, severity, count(*) as n from dq_findings group by all order by rule_id"):
        rows.setdefault(r["rule_id"], []).append((r["severity"], float(r["n"])))
    out.append(hbar("发现：按规则与级别 · Findings by rule and severity", list(rows.items())))
    t = _optional(con, """
        select u.unit_name, t.fiscal_year, t.item_label, t.budget_wan, t.actual_wan
        from fct_three_public_expenses t left join dim_unit u using (unit_id)
        where t.item <> 'total' and (t.budget_wan is not null or t.actual_wan is not null)
        order by 1, 2, 3 limit 40""")
    if t:
        out.append(hbar("三公经费：预算数与决算数（万元）· Three public expenses, budget vs actual (万元)",
                        [(f"{r['unit_name'] or ''} {r['fiscal_year'] or ''} {r['item_label']}",
                          [("budget", float(r["budget_wan"] or 0)), ("actual", float(r["actual_wan"] or 0))])
                         for r in t], stacked=False))
    e = _optional(con, """
        select coalesce(p.project_name, '（部门整体）') as name, u.unit_name, b.execution_rate_pct
        from fct_budget_execution b
        left join dim_project p using (project_id)
        left join dim_unit u on u.unit_id = b.unit_id
        where b.execution_rate_pct is not null
        order by b.execution_rate_pct limit 30""")
    if e:
        out.append(hbar("预算执行率（%，最低的在前）· Budget execution rate (%, lowest first)",
                        [(f"{r['name']}", [("执行率 rate", float(r["execution_rate_pct"]))]) for r in e],
                        stacked=False, unit="%"))
    evaluations = """
        select e.total_score, e.grade, coalesce(p.project_name, '（部门整体）') as name
        from fct_performance_evaluation e left join dim_project p using (project_id)
        where e.total_score is not null and e.grade is not null"""
    n_points = _optional(con, f"select count(*) as n from ({evaluations})")
    if n_points and n_points[0]["n"] > SCATTER_POINTS:  # one point per score and grade printed, with its count
        evaluations = f"""select total_score, grade, count(*) || ' 项评价 evaluations' as name
                          from ({evaluations}) group by all order by total_score, grade"""
    g = _optional(con, evaluations)
    if g:
        pts = []
        for r in g:
            grade = str(r["grade"])[:1]
            if grade not in GRADES:
                continue
            band = next(b for b, lo in zip(GRADES, (90, 80, 60, -1)) if float(r["total_score"]) >= lo)
            color = PALETTE["actual"] if band == grade else PALETTE["error"]
            pts.append((float(r["total_score"]), GRADES.index(grade), f"{r['name']}: {float(r['total_score'])} → {r['grade']}", color))
        out.append(scatter("总分与等级（红点：等级与分数不符）· Total score vs grade (red: grade disagrees with score)",
                           pts, "总分 total score", GRADES))
    return [c for c in out if c]


def _num(v) -> str:
    """Two decimals as printed; more only when the figure has them (0.015, 235.249)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "（空白）"
    text = f"{float(v):,.6f}".rstrip("0")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def _where(f: dict) -> str:
    """p3:l45 -> 第3页第45行 (page 3, line 45); l117 -> 第117行 (line 117)."""
    m = re.match(r"^(?:p(\d+):)?l(\d+)$", f["source_ref"] or "")
    if not m:
        return f["source_ref"] or ""
    page, line = m.groups()
    return (f"第{page}页" if page else "") + f"第{line}行 (" + (f"page {page}, " if page else "") + f"line {line})"


def _by_document(rows: list[dict]) -> list[dict]:
    """Findings grouped by document (most errors first), then by kind in KIND_ORDER."""
    docs: dict[str, dict] = {}
    for f in rows:
        d = docs.setdefault(f.get("source_name") or "", {"source_name": f.get("source_name"), "unit_name": f.get("unit_name"),
                                                        "fiscal_year": f.get("fiscal_year"), "n": 0, "errors": 0, "groups": {}})
        d["n"] += 1
        d["errors"] += f["severity"] == "error"
        kind = f.get("kind") if isinstance(f.get("kind"), str) else "table"
        d["groups"].setdefault(kind, []).append(f)
    out = []
    for d in sorted(docs.values(), key=lambda d: (-d["errors"], str(d["source_name"]))):
        d["kinds"] = [{"kind_zh": KIND_ZH.get(k, k), "narrative": k in ("narrative", "consistency") and
                       all(isinstance(f.get("sentence"), str) for f in d["groups"][k]), "findings": d["groups"][k]}
                      for k in sorted(d["groups"], key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else 99)]
        out.append(d)
    return out


def _execution_rows(rows: list[dict] | None) -> list[dict]:
    """Budget vs final accounts, lowest execution first (empty when the warehouse has none)."""
    return [dict(r, budget_fmt=_num(r["budget_initial_wan"]), executed_fmt=_num(r["executed_wan"]),
                 rate_fmt=_num(r["execution_rate_pct"])) for r in rows or []]


def _xd_rows(rows: list[dict] | None) -> list[dict]:
    """XD-001 disagreements, each said in a sentence (empty when none or no such table)."""
    return [dict(r, difference_fmt=_num(abs(r["difference"]) if r["difference"] is not None else None)) for r in rows or []]


def _gx_pages(out_dir: Path, run_id: str) -> list[tuple[str, str]]:
    """(suite, relative link) of this run's GE validation pages: rendered as plain HTML, they read
    without network (the Data Docs index lists runs with scripts loaded from CDNs)."""
    pages = sorted((out_dir / GX_DOCS).parent.glob(f"validations/*/{run_id}/*/*.html"))
    return [(p.relative_to(out_dir).parts[2], p.relative_to(out_dir).as_posix()) for p in pages]


def _doubtful_amounts(con) -> list[dict]:
    """Amounts read by OCR below the doubtful threshold (none in a warehouse without OCR columns)."""
    try:
        return _records(con, """
            select d.source_name, l.table_title, l.row_label, l.column_label, l.printed_text,
                   l.ocr_confidence, l.source_ref
            from fct_final_account_lines l join dim_document d using (doc_id)
            where l.cell_state = 'value' and l.ocr_confidence < ?
            order by d.source_name, l.line, l.col""", [OCR_DOUBTFUL_BELOW])
    except duckdb.Error:
        return []


def write_report(db_path: Path, out_dir: Path, run_id: str, last_run: dict | None = None) -> ReportPaths:
    out_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db_path), read_only=True) as con:
        sev = dict(con.execute("select severity, count(*) from dq_findings group by severity").fetchall())
        n_hint = int(sev.get("hint", 0))
        summarised = n_hint > HINTS_LISTED
        fr = _sections(con, "f.severity <> 'hint'" if summarised else "true")
        rows = fr["findings"]
        for f in rows:
            f.update(expected_fmt=_num(f["expected"]), difference_fmt=_num(f["difference"]),
                     tolerance_fmt=_num(f["tolerance"]), where=_where(f))
        n_parsed, n_quarantined = con.execute("""select count(*) filter (where status = 'parsed'),
                                                        count(*) filter (where status = 'quarantined') from dim_document""").fetchall()[0]
        html_path = out_dir / HTML_NAME
        tmp = html_path.with_suffix(".html.tmp")
        _TEMPLATE.stream(
            run_id=run_id, last_run=last_run, charts=charts(con), generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            rules=fr["rules"], n_findings=sum(sev.values()) if not summarised else f"{len(rows)} + {n_hint} 尾数提示 rounding hints",
            sev=SEVERITY_ZH, by_document=_by_document(rows), hints=_hint_summary(con, fr["rules"]) if summarised else None,
            xlsx_name=XLSX_NAME, incomplete=fr["incomplete"], doubtful=_doubtful_amounts(con), doubtful_below=OCR_DOUBTFUL_BELOW,
            quarantined=fr["quarantined"], parsed=_parsed_documents(con), n_parsed=n_parsed, n_quarantined=n_quarantined,
            n_error=int(sev.get("error", 0)), n_warning=int(sev.get("warning", 0)), n_hint=n_hint,
            gx_docs=GX_DOCS if (out_dir / GX_DOCS).exists() else None, gx_pages=_gx_pages(out_dir, run_id),
            execution=_execution_rows(fr["execution"]), xd_disagreements=_xd_rows(fr["xd_disagreements"]),
        ).dump(str(tmp), encoding="utf-8")
        tmp.replace(html_path)
        del rows, fr
        xlsx_path = out_dir / XLSX_NAME
        _write_xlsx(con, xlsx_path)
    return ReportPaths(html_path, xlsx_path)


WIDE = {"message", "message_en", "operands", "title_zh", "title_en", "quarantine_reason", "sentence", "reasons"}
FINDING_COLUMNS = {
    "severity": "级别 severity", "rule_id": "规则 rule", "kind": "类型 kind", "unit_name": "单位 unit", "fiscal_year": "年度 year",
    "source_name": "文件 document", "sentence": "说明原文 sentence", "table_title": "表 table", "row_label": "行 row", "column_label": "列 column",
    "actual_printed": "印刷数 printed", "actual": "印刷数(万元) printed value", "expected": "应为 expected",
    "difference": "差额 difference", "tolerance": "容差 envelope", "source_ref": "位置 where", "message": "说明",
    "message_en": "explanation", "operands": "运算项 operands", "doc_id": "doc_id", "run_id": "run_id"}
RULE_COLUMNS = {
    "rule_id": "规则 rule", "title_zh": "含义", "title_en": "meaning", "formula": "公式 formula",
    "severity": "级别 severity", "n_documents": "检查文件数 documents", "n_instances": "检查次数 checks",
    "not_checkable": "无法检查 not checkable", "n_errors": "错误 errors", "n_warnings": "警告 warnings",
    "n_hints": "尾数提示 hints"}
COVERAGE_COLUMNS = {
    "source_name": "文件 file", "unit_name": "单位 unit", "fiscal_year": "年度 year", "checks": "已检查 checked",
    "not_checkable": "无法检查 not checkable", "reasons": "原因 why"}
DOCUMENT_COLUMNS = {
    "source_name": "文件 file", "status": "状态 status", "doc_kind": "类型 kind", "unit_name": "单位 unit",
    "fiscal_year": "年度 year", "file_format": "格式 format", "quarantine_stage": "环节 stage",
    "quarantine_reason": "隔离原因 reason", "n_cells": "单元格 cells", "doc_id": "doc_id"}


def _sheet(con, title: str, sql: str, headers: dict[str, str]) -> Sheet:
    """A sheet of the columns of `headers` the query has (an older warehouse may lack some), in that
    order; the rows are read when the workbook is written, a batch at a time."""
    [(names,)] = con.execute(f"select list(column_name) from (describe ({sql}))").fetchall()
    cols = [c for c in headers if c in names]
    query = f"select {', '.join(f'q.{c}' for c in cols)} from ({sql}) q"
    [(rows,)] = con.execute(f"select count(*) from ({sql})").fetchall()
    return Sheet(title, [headers[c] for c in cols], [48 if c in WIDE else 16 for c in cols], _batches(con, query), rows)


def _batches(con, sql: str) -> Iterator:
    """The query's record batches; run when the first is asked for (one open result at a time)."""
    yield from con.sql(sql).to_arrow_reader(BATCH_ROWS)


def _write_xlsx(con, path: Path) -> None:
    """Every finding, the rules, the checks per document and the documents, as sheets."""
    sheets = [_sheet(con, "发现 Findings", f"select f.*, d.source_name, u.unit_name {FINDINGS_FROM} {FINDINGS_ORDER}", FINDING_COLUMNS),
              _sheet(con, "规则 Rules", "select * from dq_rule_results order by rule_id", RULE_COLUMNS)]
    if _columns(con, "dq_document_checks"):
        sheets.append(_sheet(con, "检查覆盖 Coverage", COVERAGE_SQL, COVERAGE_COLUMNS))
    sheets.append(_sheet(con, "文件 Documents", DOCUMENTS_SQL, DOCUMENT_COLUMNS))
    write_xlsx(path, sheets)
