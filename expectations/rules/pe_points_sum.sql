{#- PE-001 (measure weight): Σ weights = 100; PE-002 (measure score): Σ scores = total score.
    The parts of an evaluation are its score sheet's section subtotals when it has a score sheet (city
    and department forms), else the budget-execution line plus its indicators (province form, county
    report). Evaluations with a part the parser could not pair (aligned = False) are left out: their
    sums would be partial. One instance per evaluation with at least one part printed. The row label
    spells the sum out by group (weights: the budget-execution line and each 一级指标; scores: the
    budget-execution score and the indicators' scores; score sheets: each section), so the reader sees
    where a total of 110 comes from. A form not read whole has no instance, except for the weights when
    those read already exceed 100 (weights are never negative: the whole form's sum can only be larger). -#}
{% from '_pe.sql' import evaluations, line_of, head, points %}
with ev as ({{ evaluations() }}),
sheet_evals as (
    select distinct eval_id from fct_evaluation_score_items where item_kind = 'section_total'
),
parts as (
    select eval_id, {{ measure }} as v, {{ measure }}_half_unit as h, section as label, {{ measure }}_text as printed,
           source_ref, aligned, section as grp, seq as ord
    from fct_evaluation_score_items
    where item_kind = 'section_total'
    union all
    select eval_id, execution_{{ measure }}, {{ 'execution_score_half_unit' if measure == 'score' else 'cast(0 as decimal(20, 6))' }},
           '预算执行率', cast(execution_{{ measure }} as varchar), source_ref, true,
           '预算执行率{{ '得分' if measure == 'score' else '' }}', 0
    from fct_budget_execution
    where eval_id not in (select eval_id from sheet_evals)
    union all
    select eval_id, {{ measure }}, {{ measure }}_half_unit, coalesce(indicator_name, level2, level1), {{ measure }}_text,
           source_ref, aligned, {{ "coalesce(level1, '各指标')" if measure == 'weight' else "'各指标得分'" }}, seq
    from fct_indicator_achievement
    where eval_id not in (select eval_id from sheet_evals)
),
groups as (
    select eval_id, grp, sum(v) as v, min({{ line_of('source_ref') }}) as first_line, min(ord) as first_ord
    from parts where v is not null
    group by eval_id, grp
),
breakdown as (
    select eval_id, string_agg(grp || ' ' || {{ points('v') }}, ' + ' order by first_line, first_ord, grp) as spelled
    from groups group by eval_id
),
sums as (
    select eval_id,
           sum(v) as expected,
           coalesce(sum(h), 0) as tol,
           count(v) as n,
           -- the parts other than the budget-execution line that print this measure: none (a form
           -- whose indicators print a score but no weight) leaves the sum not checkable
           count(v) filter (where label <> '预算执行率') as n_parts,
           -- a budget-execution line that leaves this measure blank: a missing operand
           coalesce(bool_and(v is not null) filter (where label = '预算执行率'), true) as execution_printed,
           -- ordered by line, then by position and label: parts printed on one line (a form read as one
           -- line) would otherwise come in whatever order the engine aggregates them
           string_agg(label || ' ' || coalesce(printed, '') || ' (' || source_ref || ')', ' + '
                      order by {{ line_of('source_ref') }}, ord, label, printed)
               filter (where v is not null) as operands
    from parts
    group by eval_id
    having bool_and(aligned)
)
select
    {{ head() }},
{%- if measure == 'weight' %}
    case when ev.complete then '分值合计 total weight：'
         else '已读部分的分值合计（表未读完，全表合计只会更大）weights of the part read (the form is not read whole; its full sum can only be larger)：'
    end || coalesce(b.spelled, '') as row_label,
    '分值 weight' as column_label,
    'weights' as check_key,
    s.expected as actual,
    cast(null as varchar) as actual_printed,
    cast(100 as decimal(20, 6)) as expected,
    s.tol as tolerance,
{%- else %}
    '总分 total score：' || coalesce(b.spelled, '') as row_label,
    '得分 score' as column_label,
    'scores' as check_key,
    ev.total_score as actual,
    ev.total_score_text as actual_printed,
    s.expected,
    coalesce(ev.total_score_half_unit, 0) + s.tol as tolerance,
{%- endif %}
    s.operands,
    ev.source_ref, ev.page, ev.line_start as line
from sums s
join ev using (eval_id)
left join breakdown b using (eval_id)
where s.n > 0
  and s.n_parts > 0
  and s.execution_printed
  -- a form cut off before its 总分 row: its sums are not checkable, except that weights are never
  -- negative, so weights read that already exceed 100 prove the whole form's do
  and (ev.complete{{ ' or s.expected > 100 + s.tol' if measure == 'weight' else '' }})
