{#- PE-010, score sheet (评分表) of the city forms: each section subtotal (投入, 过程, 产出, 效果) = Σ the
    criteria of its section, for `measure` weight or score, rows the parser could pair only
    (aligned). Tolerance: half a printed digit per figure. -#}
{% from '_pe.sql' import evaluations, line_of, head %}
with ev as ({{ evaluations() }}),
items as (select * from fct_evaluation_score_items where aligned and section is not null),
sums as (
    select eval_id, section,
           sum({{ measure }}) as expected, coalesce(sum({{ measure }}_half_unit), 0) as tol, count({{ measure }}) as n,
           string_agg(coalesce(sub_criterion, criterion) || ' ' || {{ measure }}_text || ' (' || source_ref || ')', ' + '
                      order by line) filter (where {{ measure }} is not null) as operands
    from items
    where item_kind = 'criterion'
    group by eval_id, section
)
select
    {{ head() }},
    t.section || ' 小计 subtotal' as row_label,
    {{ "'指标分值 weight'" if measure == 'weight' else "'评价得分 score'" }} as column_label,
    t.section || ':{{ measure }}' as check_key,
    t.{{ measure }} as actual,
    t.{{ measure }}_text as actual_printed,
    s.expected,
    coalesce(t.{{ measure }}_half_unit, 0) + s.tol as tolerance,
    s.operands,
    t.source_ref, ev.page, t.line
from items t
join sums s on s.eval_id = t.eval_id and s.section = t.section
join ev on ev.eval_id = t.eval_id
where t.item_kind = 'section_total' and t.{{ measure }} is not null and s.n > 0
