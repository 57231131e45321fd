{#- PE-004: 执行率 = 全年执行数 / 全年预算数 × 100, in percentage points, wherever a rate is printed and the
    full-year budget is not zero. Tolerance: half a printed digit of the rate plus the effect of
    rounding the two amounts, 100 × (h_exec / budget + exec × h_budget / budget²). -#}
{% from '_pe.sql' import evaluations, line_of, printed, head %}
with ev as ({{ evaluations() }})
select
    {{ head() }},
    coalesce(f.fund_label, '资金总额') as row_label,
    '执行率 execution rate (%)' as column_label,
    'execution_rate' as check_key,
    f.execution_rate_pct as actual,
    json_extract_string(f.printed, '$.execution_rate_pct') as actual_printed,
    cast(100 * f.executed_wan / f.budget_full_year_wan as decimal(20, 6)) as expected,
    {#- in double, as DuckDB divides decimals (Spark's decimal division would keep 6 decimals of each ratio) #}
    cast(f.execution_rate_half_unit
         + 100 * (cast(f.executed_half_unit as double) / cast(f.budget_full_year_wan as double)
                  + cast(f.executed_wan * f.budget_full_year_half_unit as double)
                    / cast(f.budget_full_year_wan * f.budget_full_year_wan as double))
         as decimal(20, 6)) as tolerance,
    '100 × 全年执行数 ' || {{ printed('f', 'executed_wan') }} || ' / 全年预算数 ' || {{ printed('f', 'budget_full_year_wan') }}
        || ' (' || f.source_ref || ')' as operands,
    f.source_ref, ev.page, {{ line_of('f.source_ref') }} as line
from fct_eval_fund_lines f
join ev using (eval_id)
where f.execution_rate_pct is not null and f.executed_wan is not null and f.budget_full_year_wan > 0
