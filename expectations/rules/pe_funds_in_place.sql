{#- PE-010, 资金到位率 score of the city project form = weight × min(预算下达资金 / 预算资金, 1), 预算资金 being
    the sum of the budget sources. Tolerance: half a digit of the score + weight × the rounding of the
    ratio (two-decimal 万元 per figure). -#}
{% from '_pe.sql' import evaluations %}
with ev as ({{ evaluations() }}),
c as (
    select * from fct_evaluation_score_items
    where aligned and item_kind = 'criterion' and score is not null and sub_criterion like '%到位率'
)
select
    ev.doc_id, ev.unit_id, ev.fiscal_year, ev.table_code, ev.table_title,
    coalesce(c.section || ' · ', '') || c.sub_criterion as row_label,
    '评价得分 score' as column_label,
    'funds_in_place_score' as check_key,
    c.score as actual,
    c.score_text as actual_printed,
    cast(c.weight * least(b.funds_received_wan / b.budget_initial_wan, 1) as decimal(20, 6)) as expected,
    cast(coalesce(c.score_half_unit, 0)
         + c.weight * (coalesce(b.funds_received_half_unit, 0.005) / b.budget_initial_wan
                       + b.funds_received_wan * 0.005 * b.n_sources / (b.budget_initial_wan * b.budget_initial_wan))
         as decimal(20, 6)) as tolerance,
    '分值 ' || c.weight_text || ' × 预算下达资金 ' || cast(cast(b.funds_received_wan as double) as varchar) || ' / 预算资金 '
        || cast(cast(b.budget_initial_wan as double) as varchar) || ' (' || b.source_ref || ')' as operands,
    c.source_ref, ev.page, c.line
from c
join fct_budget_execution b using (eval_id)
join ev using (eval_id)
where b.form = 'city_project' and b.budget_initial_wan > 0 and b.funds_received_wan is not null
