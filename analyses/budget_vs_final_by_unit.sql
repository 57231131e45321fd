-- Budget execution across documents, lowest first: for each 决算 unit-year, scope by scope (支出合计,
-- 基本/项目, 财政拨款, 一般公共预算, 三公 and its items, 一般公共预算 by function class), the budget
-- the unit's budget disclosure (预算公开) of that year published, what the 决算 spent, the execution rate
-- (决算 ÷ 预算), the 年初预算 the 决算 itself restates and XD-001's verdict on the two budgets.
-- budget_document is empty when the warehouse holds no 预算公开 of the unit-year (the row then shows
-- what the 决算 alone says); match_quality says how the two documents were matched to one unit
-- (name_weak: only after dropping 机关/本部/汇总).
select coalesce(u.unit_name, x.unit_name) as unit_name, x.fiscal_year,
       x.scope_zh || coalesce('（' || x.subject_code || coalesce(' ' || x.subject_name, '') || '）', '') as scope_name,
       x.budget_published_wan,
       x.actual_wan as final_actual_wan,
       cast(round(100 * x.actual_wan / nullif(x.budget_published_wan, 0), 2) as decimal(20, 2)) as execution_rate_pct,
       x.budget_restated_wan,
       x.budget_restated_wan - x.budget_published_wan as restated_minus_published_wan,
       case when f.severity is not null then f.severity
            when x.budget_restated_wan is not null and x.budget_published_wan is not null then 'holds'
            else 'not checkable' end as xd001,
       x.match_quality,
       x.budget_source_name as budget_document, x.final_source_name as final_document,
       x.budget_published_from, x.budget_published_ref, x.budget_restated_ref, x.actual_ref
from int_budget_vs_final x
left join dim_unit u on u.unit_id = x.unit_id
left join (select doc_id, check_key, min(severity) as severity from dq_findings where rule_id = 'XD-001' group by all) f
  on f.doc_id = x.doc_id and f.check_key = 'xd:' || x.scope || coalesce(':' || x.subject_code, '')
order by execution_rate_pct nulls last, unit_name, x.fiscal_year, x.scope_ord, x.subject_code;
