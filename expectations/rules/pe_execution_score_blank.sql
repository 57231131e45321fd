{#- PE-013 (warning): the total funds line prints its weight (分值) and its execution rate but leaves its
    score (得分) blank, in a form that scores its indicators: the budget-execution score was not filled
    in. Only a weight printed on the line counts (not the template's default); flag 1 on each such line. -#}
{% from '_pe.sql' import evaluations, line_of, printed, head %}
with ev as ({{ evaluations() }}),
scored_forms as (
    select distinct eval_id from fct_indicator_achievement where score is not null
)
select
    {{ head() }},
    coalesce(f.fund_label, '资金总额') as row_label,
    '得分 score' as column_label,
    'execution_score_blank' as check_key,
    cast(null as decimal(20, 6)) as actual,
    cast(null as varchar) as actual_printed,
    cast(f.execution_weight * least(f.execution_rate_pct, 100) / 100 as decimal(20, 6)) as expected,
    cast(cast(f.execution_weight * least(f.execution_rate_pct, 100) / 100 as double) as varchar)
        || '（分值 × min(执行率, 100%)）' as expected_printed,
    cast(0 as decimal(20, 6)) as tolerance,
    '分值 ' || json_extract_string(f.printed, '$.execution_weight') || '，执行率 '
        || json_extract_string(f.printed, '$.execution_rate_pct') || ' (' || f.source_ref || ')' as operands,
    1 as flag,
    f.source_ref, ev.page, {{ line_of('f.source_ref') }} as line
from fct_eval_fund_lines f
join ev using (eval_id)
where f.fund_source = 'total'
  and f.execution_score is null and f.execution_rate_pct is not null
  and f.execution_weight > 0 and json_extract_string(f.printed, '$.execution_weight') is not null
  and f.eval_id in (select eval_id from scored_forms)
