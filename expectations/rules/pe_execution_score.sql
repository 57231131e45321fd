{#- PE-005: budget-execution score = weight × min(执行率, 100 %).
    form province (and county report): the funds line's printed 得分 against its weight (10) × the printed
    rate (else 执行数 / 全年预算数); tolerance: half a printed digit of the score + weight × half a digit
    of the rate.
    form city: the score sheet's 预算执行率 criterion against its weight × min(实际支出 / 预算下达, 1), as the
    city form defines the rate; tolerance: half a digit of the score + weight × the rounding of the ratio. -#}
{% from '_pe.sql' import evaluations, line_of, printed %}
with ev as ({{ evaluations() }})
{%- if form == 'province' %}
select
    ev.doc_id, ev.unit_id, ev.fiscal_year, ev.table_code, ev.table_title,
    coalesce(f.fund_label, '资金总额') as row_label,
    '得分 score' as column_label,
    'execution_score' as check_key,
    f.execution_score as actual,
    {{ printed('f', 'execution_score') }} as actual_printed,
    cast(f.execution_weight * least(coalesce(f.execution_rate_pct, 100 * f.executed_wan / nullif(f.budget_full_year_wan, 0)), 100) / 100
         as decimal(20, 6)) as expected,
    cast(coalesce(f.execution_score_half_unit, 0) + f.execution_weight * coalesce(f.execution_rate_half_unit, 0) / 100
         as decimal(20, 6)) as tolerance,
    '分值 ' || cast(cast(f.execution_weight as double) as varchar) || ' × 执行率 '
        || coalesce({{ printed('f', 'execution_rate_pct') }} || '%', '(未印 not printed)') || ' (' || f.source_ref || ')' as operands,
    f.source_ref, ev.page, {{ line_of('f.source_ref') }} as line
from fct_eval_fund_lines f
join ev using (eval_id)
where f.execution_score is not null and f.execution_weight is not null
  and (f.execution_rate_pct is not null or f.budget_full_year_wan > 0)
{%- else %}
, c as (
    select * from fct_evaluation_score_items
    where aligned and item_kind = 'criterion' and score is not null and sub_criterion like '%执行率'
)
select
    ev.doc_id, ev.unit_id, ev.fiscal_year, ev.table_code, ev.table_title,
    coalesce(c.section || ' · ', '') || c.sub_criterion as row_label,
    '评价得分 score' as column_label,
    'execution_score' as check_key,
    c.score as actual,
    c.score_text as actual_printed,
    cast(c.weight * least(b.executed_wan / b.funds_received_wan, 1) as decimal(20, 6)) as expected,
    cast(coalesce(c.score_half_unit, 0)
         + c.weight * (0.005 * b.n_sources / b.funds_received_wan
                       + b.executed_wan * coalesce(b.funds_received_half_unit, 0) / (b.funds_received_wan * b.funds_received_wan))
         as decimal(20, 6)) as tolerance,
    '分值 ' || c.weight_text || ' × 实际支出资金 ' || cast(cast(b.executed_wan as double) as varchar) || ' / 预算下达资金 '
        || cast(cast(b.funds_received_wan as double) as varchar) || ' (' || b.source_ref || ')' as operands,
    c.source_ref, ev.page, c.line
from c
join fct_budget_execution b using (eval_id)
join ev using (eval_id)
where b.form = 'city_project' and b.funds_received_wan > 0 and b.executed_wan is not null
{%- endif %}
