{#- PE-003: 0 ≤ score ≤ weight, for every scored indicator, score-sheet row and budget-execution line.
    bound upper: the weight (actual) must be at least the score (expected), comparison ge;
    bound lower: the score (actual) must be at least 0 (expected). -#}
{% from '_pe.sql' import evaluations, line_of, head %}
with ev as ({{ evaluations() }}),
scored as (
    select eval_id, coalesce(indicator_name, level2, level1) as label, weight, weight_text, score, score_text, source_ref
    from fct_indicator_achievement where aligned and score is not null and placement is null  -- a split placed by 0 <= 得分 <= 分值
    union all
    select eval_id, coalesce(sub_criterion, criterion, section), weight, weight_text, score, score_text, source_ref
    from fct_evaluation_score_items where aligned and score is not null and item_kind <> 'unplaced_score'
    union all
    select eval_id, '预算执行率', execution_weight, cast(execution_weight as varchar), execution_score,
           cast(execution_score as varchar), source_ref
    from fct_budget_execution where execution_score is not null
)
select
    {{ head() }},
    s.label as row_label,
{%- if bound == 'upper' %}
    '分值 weight' as column_label,
    'weight>=score' as check_key,
    s.weight as actual,
    s.weight_text as actual_printed,
    s.score as expected,
    '得分 score ' || coalesce(s.score_text, '') || ' (' || s.source_ref || ')' as operands,
{%- else %}
    '得分 score' as column_label,
    'score>=0' as check_key,
    s.score as actual,
    s.score_text as actual_printed,
    cast(0 as decimal(20, 6)) as expected,
    '0' as operands,
{%- endif %}
    cast(0 as decimal(20, 6)) as tolerance,
    s.source_ref, ev.page, {{ line_of('s.source_ref') }} as line
from scored s
join ev using (eval_id)
{%- if bound == 'upper' %}
where s.weight is not null
{%- endif %}
