{#- PE-008: an indicator whose actual value misses its target (is_achieved = False, decided by the
    parser from the comparator, the values and the completion column) yet scores its full weight.
    One instance per indicator with a known achievement, a weight above 0 and a score; flag 1 when it
    misses and scores full marks. -#}
{% from '_pe.sql' import evaluations, head %}
with ev as ({{ evaluations() }})
select
    {{ head() }},
    coalesce(i.indicator_name, i.level2, i.level1) as row_label,
    '得分 score' as column_label,
    'full_marks:' || i.seq as check_key,
    i.score as actual,
    '得分 ' || i.score_text || '（满分 ' || i.weight_text || '）' as actual_printed,
    i.weight as expected,
    '低于满分 ' || i.weight_text || ' 分 below full marks' as expected_printed,
    cast(0 as decimal(20, 6)) as tolerance,
    '目标值 target ' || coalesce(i.target_text, '') || '，实际完成值 actual ' || coalesce(i.actual_text, '')
        || coalesce('，偏差原因 ' || i.deviation_reason, '') as operands,
    case when not i.is_achieved and i.score >= i.weight then 1 else 0 end as flag,
    i.source_ref, i.page, i.line
from fct_indicator_achievement i
join ev using (eval_id)
where i.aligned and i.is_achieved is not null and i.weight > 0 and i.score is not null
  and i.placement is null  -- a split placed by the scoring rule cannot test it
