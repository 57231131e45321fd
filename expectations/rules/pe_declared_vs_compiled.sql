{#- PE-009, 目标申报数 vs 预算编制数: the two halves of 年初预算数 on each funds line of the province form.
    A difference is reported (the budget compiled is not the amount declared), not an arithmetic error. -#}
{% from '_pe.sql' import evaluations, line_of, printed, head %}
with ev as ({{ evaluations() }})
select
    {{ head() }},
    coalesce(f.fund_label, '资金总额') as row_label,
    '年初预算数·预算编制数' as column_label,
    'declared_vs_compiled:' || f.fund_source as check_key,
    f.budget_initial_wan as actual,
    {{ printed('f', 'budget_initial_wan') }} as actual_printed,
    f.budget_initial_declared_wan as expected,
    f.budget_initial_half_unit + f.budget_initial_declared_half_unit as tolerance,
    '目标申报数 ' || {{ printed('f', 'budget_initial_declared_wan') }} || ' (' || f.source_ref || ')' as operands,
    f.source_ref, ev.page, {{ line_of('f.source_ref') }} as line
from fct_eval_fund_lines f
join ev using (eval_id)
where f.budget_initial_wan is not null and f.budget_initial_declared_wan is not null
