{#- DE-001, department-wide form: 上年结转 + 年初预算 + 预算调整 + 其他调整 = 预算执行 + 年末结余.
    actual: the printed uses (执行 + 结余); expected: the printed sources. Tolerance: half a printed digit
    per figure (six figures). -#}
{% from '_pe.sql' import evaluations, printed, head %}
with ev as ({{ evaluations() }})
select
    {{ head() }},
    '预算执行金额 + 年末结余金额' as row_label,
    '万元' as column_label,
    'department_funds' as check_key,
    f.executed_wan + f.balance_wan as actual,
    {{ printed('f', 'executed_wan') }} || ' + ' || {{ printed('f', 'balance_wan') }} as actual_printed,
    coalesce(f.carryover_prior_wan, 0) + coalesce(f.budget_initial_wan, 0) + coalesce(f.adjustment_wan, 0)
        + coalesce(f.other_adjustment_wan, 0) as expected,
    f.executed_half_unit + f.balance_half_unit + coalesce(f.carryover_prior_half_unit, 0) + coalesce(f.budget_initial_half_unit, 0)
        + coalesce(f.adjustment_half_unit, 0) + coalesce(f.other_adjustment_half_unit, 0) as tolerance,
    '上年结转 ' || coalesce({{ printed('f', 'carryover_prior_wan') }}, '(空白)') || ' + 年初预算 ' || coalesce({{ printed('f', 'budget_initial_wan') }}, '(空白)')
        || ' + 预算调整 ' || coalesce({{ printed('f', 'adjustment_wan') }}, '(空白)') || ' + 其他调整 ' || coalesce({{ printed('f', 'other_adjustment_wan') }}, '(空白)')
        || ' (' || f.source_ref || ')' as operands,
    f.source_ref, ev.page, f.line
from fct_eval_fund_lines f
join ev using (eval_id)
where f.scope = 'department' and f.fund_source = 'total' and f.executed_wan is not null and f.balance_wan is not null
