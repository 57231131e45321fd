{#- A score of the city project form's score sheet that the form defines as weight × min(ratio, 1) of two
    funds figures of fct_budget_execution:
      PE-005 预算执行率 = 实际支出资金 / 预算下达资金 (numerator executed_wan, denominator funds_received_wan);
      PE-010 资金到位率 = 预算下达资金 / 预算资金 (numerator funds_received_wan, denominator budget_initial_wan).
    Tolerance: half a printed digit of the score + weight × the rounding of the ratio,
    h_num / den + num × h_den / den², a figure summed from n sources counting n × 0.005 万元. -#}
{% from '_pe.sql' import evaluations, head %}
{%- macro h(col) -%}
case when b.amounts_from = 'sum of sources' and '{{ col }}' in ('executed_wan', 'budget_initial_wan') then 0.005 * b.n_sources
     else coalesce(b.{{ col | replace('_wan', '') }}_half_unit, 0.005) end
{%- endmacro %}
with ev as ({{ evaluations() }}),
c as (
    select * from fct_evaluation_score_items
    where aligned and item_kind = 'criterion' and score is not null and sub_criterion like '{{ criterion_like }}'
)
select
    {{ head() }},
    coalesce(c.section || ' · ', '') || c.sub_criterion as row_label,
    '评价得分 score' as column_label,
    '{{ check_key }}' as check_key,
    c.score as actual,
    c.score_text as actual_printed,
    cast(c.weight * least(b.{{ numerator }} / b.{{ denominator }}, 1) as decimal(20, 6)) as expected,
    cast(coalesce(c.score_half_unit, 0)
         + c.weight * ({{ h(numerator) }} / b.{{ denominator }}
                       + b.{{ numerator }} * {{ h(denominator) }} / (b.{{ denominator }} * b.{{ denominator }}))
         as decimal(20, 6)) as tolerance,
    '分值 ' || c.weight_text || ' × {{ numerator_label }} ' || cast(cast(b.{{ numerator }} as double) as varchar)
        || ' / {{ denominator_label }} ' || cast(cast(b.{{ denominator }} as double) as varchar) || ' (' || b.source_ref || ')' as operands,
    c.source_ref, ev.page, c.line
from c
join fct_budget_execution b using (eval_id)
join ev using (eval_id)
where b.form = 'city_project' and b.{{ denominator }} > 0 and b.{{ numerator }} is not null
