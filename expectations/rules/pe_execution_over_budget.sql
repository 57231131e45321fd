{#- PE-011 (warning): the amount executed does not exceed the full-year budget (全年执行数 ≤ 全年预算数),
    on every funds line printing both. comparison ge: the budget (actual) must be at least the amount
    executed (expected); tolerance: half a printed digit of each. -#}
{% from '_pe.sql' import evaluations, line_of, printed, head %}
with ev as ({{ evaluations() }})
select
    {{ head() }},
    coalesce(f.fund_label, '资金总额') as row_label,
    '全年预算数 full-year budget' as column_label,
    'budget>=executed' as check_key,
    f.budget_full_year_wan as actual,
    {{ printed('f', 'budget_full_year_wan') }} as actual_printed,
    f.executed_wan as expected,
    cast(f.budget_full_year_half_unit + f.executed_half_unit as decimal(20, 6)) as tolerance,
    '全年执行数 ' || {{ printed('f', 'executed_wan') }} || ' (' || f.source_ref || ')' as operands,
    f.source_ref, ev.page, {{ line_of('f.source_ref') }} as line
from fct_eval_fund_lines f
join ev using (eval_id)
where f.budget_full_year_wan is not null and f.executed_wan is not null
