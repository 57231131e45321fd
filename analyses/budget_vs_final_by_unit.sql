-- Budget execution across documents, lowest first: for each unit-year whose budget disclosure
-- (预算公开) and final accounts (决算) are both in the warehouse, scope by scope (支出合计, 基本/项目,
-- 财政拨款, 一般公共预算, 三公 and its items, 一般公共预算 by function class): the budget the 预算公开
-- published, what the 决算 spent, the execution rate (决算 ÷ 预算), the 年初预算 the 决算 itself
-- restates and whether XD-001 found it to disagree with the published budget. match_quality says how
-- the two documents were matched to one unit (name_weak: only after dropping 机关/本部/汇总).
select u.unit_name, b.fiscal_year,
       s.scope_zh || coalesce('（' || b.subject_code || '）', '') as scope_name,
       b.budget_initial_wan as budget_published_wan,
       b.executed_wan as final_actual_wan,
       b.execution_rate_pct,
       b.budget_restated_wan,
       b.budget_restated_wan - b.budget_initial_wan as restated_minus_published_wan,
       coalesce(f.severity, case when b.budget_restated_wan is not null then 'holds' end) as xd001,
       b.match_quality,
       bd.source_name as budget_document, fd.source_name as final_document,
       b.amounts_from as budget_from, b.source_ref
from fct_budget_execution b
join budget_vs_final_scopes s using (scope)
left join dim_unit u on u.unit_id = b.unit_id
left join dim_document bd on bd.doc_id = b.budget_doc_id
left join dim_document fd on fd.doc_id = b.final_doc_id
left join (select doc_id, check_key, min(severity) as severity from dq_findings where rule_id = 'XD-001' group by all) f
  on f.doc_id = b.doc_id and f.check_key = 'xd:' || b.scope || coalesce(':' || b.subject_code, '')
where b.source = 'budget_vs_final'
order by b.execution_rate_pct nulls last, u.unit_name, b.fiscal_year, s.ord, b.subject_code;
