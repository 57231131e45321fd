{#- PE-005: budget-execution score = weight × min(执行率, 100 %), on the funds lines of the province form
    and the county report: the printed 得分 against its weight (10) × the printed rate (else 执行数 /
    全年预算数); tolerance: half a printed digit of the score (at the precision the form scores at, see
    score_half_unit) + weight × half a digit of the rate.
    The city form scores 预算执行率 in its score sheet: see pe_city_ratio_score. -#}
{% from '_pe.sql' import evaluations, line_of, printed, head, score_decimals, score_half_unit %}
with ev as ({{ evaluations() }}),
sd as ({{ score_decimals() }})
select
    {{ head() }},
    coalesce(f.fund_label, '资金总额') as row_label,
    '得分 score' as column_label,
    'execution_score' as check_key,
    f.execution_score as actual,
    {{ printed('f', 'execution_score') }} as actual_printed,
    cast(f.execution_weight * least(coalesce(f.execution_rate_pct, 100 * f.executed_wan / nullif(f.budget_full_year_wan, 0)), 100) / 100
         as decimal(20, 6)) as expected,
    cast({{ score_half_unit("json_extract_string(f.printed, '$.execution_score')", 'sd.decimals') }} + f.execution_weight * coalesce(f.execution_rate_half_unit, 0) / 100
         as decimal(20, 6)) as tolerance,
    '分值 ' || cast(cast(f.execution_weight as double) as varchar) || ' × 执行率 '
        || coalesce({{ printed('f', 'execution_rate_pct') }} || '%', '(未印 not printed)') || ' (' || f.source_ref || ')' as operands,
    f.source_ref, ev.page, {{ line_of('f.source_ref') }} as line
from fct_eval_fund_lines f
join ev using (eval_id)
left join sd using (eval_id)
where f.execution_score is not null and f.execution_weight is not null
  and (f.execution_rate_pct is not null or f.budget_full_year_wan > 0)

