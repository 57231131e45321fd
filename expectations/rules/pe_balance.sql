{#- PE-006: 资金结(转)余 = 全年预算数 − 全年执行数, on every funds line that prints all three (province
    form, county report). Tolerance: half a printed digit per figure. -#}
{% from '_pe.sql' import evaluations, line_of, printed, head %}
with ev as ({{ evaluations() }})
select
    {{ head() }},
    coalesce(f.fund_label, '资金总额') as row_label,
    '资金结(转)余 balance' as column_label,
    'balance:' || f.fund_source as check_key,
    f.balance_wan as actual,
    {{ printed('f', 'balance_wan') }} as actual_printed,
    f.budget_full_year_wan - f.executed_wan as expected,
    f.balance_half_unit + f.budget_full_year_half_unit + f.executed_half_unit as tolerance,
    '全年预算数 ' || {{ printed('f', 'budget_full_year_wan') }} || ' − 全年执行数 ' || {{ printed('f', 'executed_wan') }}
        || ' (' || f.source_ref || ')' as operands,
    f.source_ref, ev.page, {{ line_of('f.source_ref') }} as line
from fct_eval_fund_lines f
join ev using (eval_id)
where f.balance_wan is not null and f.budget_full_year_wan is not null and f.executed_wan is not null
  and f.scope = 'project'
