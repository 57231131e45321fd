"""The finance bureau's data-quality report: one HTML page and the same findings as a spreadsheet.

Written from the warehouse (dq_findings, dq_rule_results, dim_document, dim_unit), in words a
finance officer reads: what each rule means (Chinese and English), which documents were checked,
and for each finding the unit, table, row, printed value, expected value, difference and line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import jinja2
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from expectations.charts import PALETTE, hbar, scatter
from expectations.runner import OCR_DOUBTFUL_BELOW

HTML_NAME = "dq_report.html"
XLSX_NAME = "dq_findings.xlsx"
GX_DOCS = "gx/index.html"  # Great Expectations' Data Docs of the last check (expectations/gx_project.py)

SEVERITY_ZH = {"error": "错误", "warning": "警告", "hint": "尾数提示"}
KIND_ZH = {"table": "表内勾稽 table arithmetic", "narrative": "说明自身 narrative", "consistency": "说明与表一致 consistency",
           "completeness": "完整性 completeness", "publication": "出版瑕疵 publication"}
KIND_ORDER = list(KIND_ZH)


@dataclass
class ReportPaths:
    html: Path
    xlsx: Path


def _frames(db_path: Path) -> dict[str, pd.DataFrame | None]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        def q(sql: str) -> pd.DataFrame:
            return con.sql(sql).df()
        return {
            "findings": q("""
                select f.*, d.source_name, u.unit_name
                from dq_findings f
                left join dim_document d using (doc_id)
                left join dim_unit u on u.unit_id = f.unit_id
                order by case f.severity when 'error' then 0 when 'warning' then 1 else 2 end,
                         f.rule_id, d.source_name, f.line"""),
            "rules": q("select * from dq_rule_results order by rule_id"),
            "coverage": _optional(con, """
                select d.source_name, u.unit_name, d.fiscal_year, sum(c.checks) as checks, sum(c.not_checkable) as not_checkable,
                       string_agg(c.rule_id || '：' || c.reasons, '；' order by c.rule_id) filter (where c.not_checkable > 0) as reasons
                from dq_document_checks c join dim_document d using (doc_id) left join dim_unit u on u.unit_id = d.unit_id
                group by all order by not_checkable desc, d.source_name"""),
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
            "documents": q("""select source_name, doc_kind, unit_name, fiscal_year, file_format, status,
                                     quarantine_stage, quarantine_reason, n_cells, doc_id
                              from dim_document order by status, source_name"""),
        }


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

<h2>发现 · Findings ({{ findings|length }})</h2>
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
</table>{% endif %}{% endfor %}{% else %}<p>无 · none</p>{% endfor %}

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
{% for d in parsed %}<tr><td>{{ d.source_name }}</td><td>{{ d.doc_kind }}</td><td>{{ d.unit_name or '（未知）' }}</td><td>{{ d.fiscal_year or '' }}</td><td>{{ d.file_format }}</td><td class="num">{{ d.n_cells }}</td><td class="num">{{ coverage.get(d.source_name, '0 / 0') }}</td><td><small>{{ d.doc_id[:16] }}…</small></td></tr>{% endfor %}
</table>
<p><small>位置：l = 行号（文本），p = 页码（PDF）。Where: l = line of the text, p = page of a PDF. Amounts in 万元.</small></p>
</body></html>
""")


GRADES = ["优", "良", "中", "差"]


def _optional(con, sql: str) -> pd.DataFrame | None:
    """A chart's data, or None when the warehouse has no such table yet (older builds)."""
    try:
        return con.sql(sql).df()
    except duckdb.CatalogException:
        return None


def charts(db_path: Path) -> list[str]:
    """The report's pictures, as inline SVG: findings by rule and severity, 三公 budget vs actual,
    budget execution rate by project, total score vs printed grade."""
    out = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        f = con.sql("select rule_id, severity, count(*) as n from dq_findings group by all order by rule_id").df()
        rows: dict[str, list] = {}
        for r in f.itertuples():
            rows.setdefault(r.rule_id, []).append((r.severity, float(r.n)))
        out.append(hbar("发现：按规则与级别 · Findings by rule and severity", list(rows.items())))
        t = _optional(con, """
            select u.unit_name, t.fiscal_year, t.item_label, t.budget_wan, t.actual_wan
            from fct_three_public_expenses t left join dim_unit u using (unit_id)
            where t.item <> 'total' and (t.budget_wan is not null or t.actual_wan is not null)
            order by 1, 2, 3 limit 40""")
        if t is not None and not t.empty:
            out.append(hbar("三公经费：预算数与决算数（万元）· Three public expenses, budget vs actual (万元)",
                            [(f"{r.unit_name or ''} {r.fiscal_year or ''} {r.item_label}",
                              [("budget", float(r.budget_wan or 0)), ("actual", float(r.actual_wan or 0))])
                             for r in t.itertuples()], stacked=False))
        e = _optional(con, """
            select coalesce(p.project_name, '（部门整体）') as name, u.unit_name, b.execution_rate_pct
            from fct_budget_execution b
            left join dim_project p using (project_id)
            left join dim_unit u on u.unit_id = b.unit_id
            where b.execution_rate_pct is not null
            order by b.execution_rate_pct limit 30""")
        if e is not None and not e.empty:
            out.append(hbar("预算执行率（%，最低的在前）· Budget execution rate (%, lowest first)",
                            [(f"{r.name}", [("执行率 rate", float(r.execution_rate_pct))]) for r in e.itertuples()],
                            stacked=False, unit="%"))
        g = _optional(con, """
            select e.total_score, e.grade, coalesce(p.project_name, '（部门整体）') as name
            from fct_performance_evaluation e left join dim_project p using (project_id)
            where e.total_score is not null and e.grade is not null""")
        if g is not None and not g.empty:
            pts = []
            for r in g.itertuples():
                grade = str(r.grade)[:1]
                if grade not in GRADES:
                    continue
                band = next(b for b, lo in zip(GRADES, (90, 80, 60, -1)) if float(r.total_score) >= lo)
                color = PALETTE["actual"] if band == grade else PALETTE["error"]
                pts.append((float(r.total_score), GRADES.index(grade), f"{r.name}: {r.total_score} → {r.grade}", color))
            out.append(scatter("总分与等级（红点：等级与分数不符）· Total score vs grade (red: grade disagrees with score)",
                               pts, "总分 total score", GRADES))
    return [c for c in out if c]


def _num(v) -> str:
    """Two decimals as printed; more only when the figure has them (0.015, 235.249)."""
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "（空白）"
    text = f"{float(v):,.6f}".rstrip("0")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def _where(f: pd.Series) -> str:
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


def _execution_rows(df: pd.DataFrame | None) -> list[dict]:
    """Budget vs final accounts, lowest execution first (empty when the warehouse has none)."""
    if df is None:
        return []
    return [dict(r, budget_fmt=_num(r["budget_initial_wan"]), executed_fmt=_num(r["executed_wan"]),
                 rate_fmt=_num(r["execution_rate_pct"])) for r in df.to_dict("records")]


def _xd_rows(df: pd.DataFrame | None) -> list[dict]:
    """XD-001 disagreements, each said in a sentence (empty when none or no such table)."""
    if df is None:
        return []
    return [dict(r, difference_fmt=_num(abs(r["difference"]) if r["difference"] is not None else None)) for r in df.to_dict("records")]


def _gx_pages(out_dir: Path, run_id: str) -> list[tuple[str, str]]:
    """(suite, relative link) of this run's GE validation pages: rendered as plain HTML, they read
    without network (the Data Docs index lists runs with scripts loaded from CDNs)."""
    pages = sorted((out_dir / GX_DOCS).parent.glob(f"validations/*/{run_id}/*/*.html"))
    return [(p.relative_to(out_dir).parts[2], p.relative_to(out_dir).as_posix()) for p in pages]


def _doubtful_amounts(db_path: Path) -> list[dict]:
    """Amounts read by OCR below the doubtful threshold (none in a warehouse without OCR columns)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        try:
            return con.execute("""
                select d.source_name, l.table_title, l.row_label, l.column_label, l.printed_text,
                       l.ocr_confidence, l.source_ref
                from fct_final_account_lines l join dim_document d using (doc_id)
                where l.cell_state = 'value' and l.ocr_confidence < ?
                order by d.source_name, l.line, l.col""", [OCR_DOUBTFUL_BELOW]).df().to_dict("records")
        except duckdb.Error:
            return []


def write_report(db_path: Path, out_dir: Path, run_id: str, last_run: dict | None = None) -> ReportPaths:
    out_dir.mkdir(parents=True, exist_ok=True)
    fr = _frames(db_path)
    findings = fr["findings"]
    rows = []
    for _, f in findings.iterrows():
        d = f.to_dict()
        d.update(expected_fmt=_num(f["expected"]), difference_fmt=_num(f["difference"]),
                 tolerance_fmt=_num(f["tolerance"]), where=_where(f))
        rows.append(d)
    docs = fr["documents"]
    sev = findings["severity"].value_counts().to_dict() if not findings.empty else {}
    cov = fr["coverage"] if fr["coverage"] is not None else pd.DataFrame(columns=["source_name", "checks", "not_checkable"])
    html = _TEMPLATE.render(
        run_id=run_id, last_run=last_run, charts=charts(db_path), generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        rules=fr["rules"].to_dict("records"), findings=rows, sev=SEVERITY_ZH, by_document=_by_document(rows),
        incomplete=cov[cov.not_checkable > 0].to_dict("records"),
        coverage={c.source_name: f"{int(c.checks)} / {int(c.not_checkable)}" for c in cov.itertuples()},
        doubtful=_doubtful_amounts(db_path), doubtful_below=OCR_DOUBTFUL_BELOW,
        quarantined=docs[docs.status == "quarantined"].to_dict("records"),
        parsed=docs[docs.status == "parsed"].to_dict("records"),
        n_parsed=int((docs.status == "parsed").sum()), n_quarantined=int((docs.status == "quarantined").sum()),
        n_error=int(sev.get("error", 0)), n_warning=int(sev.get("warning", 0)), n_hint=int(sev.get("hint", 0)),
        gx_docs=GX_DOCS if (out_dir / GX_DOCS).exists() else None, gx_pages=_gx_pages(out_dir, run_id),
        execution=_execution_rows(fr["execution"]), xd_disagreements=_xd_rows(fr["xd_disagreements"]),
    )
    html_path = out_dir / HTML_NAME
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(html_path)
    xlsx_path = out_dir / XLSX_NAME
    _write_xlsx(xlsx_path, findings, fr["rules"], docs, fr["coverage"])
    return ReportPaths(html_path, xlsx_path)


def _sheet(wb: Workbook, title: str, df: pd.DataFrame, headers: dict[str, str]) -> None:
    ws = wb.create_sheet(title)
    cols = [c for c in headers if c in df.columns]
    ws.append([headers[c] for c in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for rec in df[cols].itertuples(index=False):
        ws.append([_cell(v) for v in rec])
    for i, c in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 48 if c in ("message", "message_en", "operands", "title_zh", "title_en", "quarantine_reason", "sentence", "reasons") else 16
    ws.freeze_panes = "A2"


def _cell(v):
    """A value openpyxl can store: NULL/NA as an empty cell, Decimal and numpy numbers as floats."""
    if v is None or (not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v)):
        return None
    if hasattr(v, "as_tuple"):
        return float(v)
    return v.item() if hasattr(v, "item") else v


def _write_xlsx(path: Path, findings: pd.DataFrame, rules: pd.DataFrame, docs: pd.DataFrame,
                coverage: pd.DataFrame | None = None) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "发现 Findings", findings, {
        "severity": "级别 severity", "rule_id": "规则 rule", "kind": "类型 kind", "unit_name": "单位 unit", "fiscal_year": "年度 year",
        "source_name": "文件 document", "sentence": "说明原文 sentence", "table_title": "表 table", "row_label": "行 row", "column_label": "列 column",
        "actual_printed": "印刷数 printed", "actual": "印刷数(万元) printed value", "expected": "应为 expected",
        "difference": "差额 difference", "tolerance": "容差 envelope", "source_ref": "位置 where", "message": "说明",
        "message_en": "explanation", "operands": "运算项 operands", "doc_id": "doc_id", "run_id": "run_id"})
    _sheet(wb, "规则 Rules", rules, {
        "rule_id": "规则 rule", "title_zh": "含义", "title_en": "meaning", "formula": "公式 formula",
        "severity": "级别 severity", "n_documents": "检查文件数 documents", "n_instances": "检查次数 checks",
        "not_checkable": "无法检查 not checkable", "n_errors": "错误 errors", "n_warnings": "警告 warnings",
        "n_hints": "尾数提示 hints"})
    if coverage is not None:
        _sheet(wb, "检查覆盖 Coverage", coverage, {
            "source_name": "文件 file", "unit_name": "单位 unit", "fiscal_year": "年度 year", "checks": "已检查 checked",
            "not_checkable": "无法检查 not checkable", "reasons": "原因 why"})
    _sheet(wb, "文件 Documents", docs, {
        "source_name": "文件 file", "status": "状态 status", "doc_kind": "类型 kind", "unit_name": "单位 unit",
        "fiscal_year": "年度 year", "file_format": "格式 format", "quarantine_stage": "环节 stage",
        "quarantine_reason": "隔离原因 reason", "n_cells": "单元格 cells", "doc_id": "doc_id"})
    tmp = path.with_suffix(".xlsx.tmp")
    wb.save(tmp)
    tmp.replace(path)
