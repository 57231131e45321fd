{#- PE-017: the weights a form prints for its groups agree with the weights its own note fixes
    (注：一级指标分值统一设置为：产出指标50分、效益指标30分、满意度指标10分、预算资金执行率10分; landed as score
    items of kind stated_weight). A group's printed weight is the one its label prints (产出指标(70分)),
    else, on a form read down to its 总分 with every indicator placed, the sum of its indicators' weights;
    the budget-execution weight is the funds line's 分值. Weights are allotments: compared exactly
    (flag 1 when they differ). A stated group the form prints no weight for is not checkable. -#}
{% from '_pe.sql' import evaluations, head, points, line_of %}
with ev as ({{ evaluations() }}),
stated as (
    select eval_id, section as grp, regexp_replace(section, '指标$', '') as g, weight as stated, weight_text as stated_text,
           json_extract_string(note, '$.statement') as statement, source_ref as stated_ref, page, line
    from fct_evaluation_score_items
    where item_kind = 'stated_weight' and weight is not null
),
labelled as (
    -- 产出指标(70分): the group's own points, printed in its label
    select eval_id, regexp_replace(section, '指标$', '') as g, min(weight) as w, min(weight_text) as w_text,
           min(source_ref) as ref, count(distinct weight) as n, 1 as pref, '组标签 group label' as how
    from fct_evaluation_score_items
    where item_kind = 'criterion' and criterion = section and sub_criterion is null and weight is not null
    group by eval_id, regexp_replace(section, '指标$', '')
),
summed as (
    -- the group's indicators, on a form read whole (no indicator left unplaced, every weight printed)
    select i.eval_id, regexp_replace(i.level1, '指标$', '') as g, sum(i.weight) as w,
           {{ points('sum(i.weight)') }} as w_text, min(i.source_ref) as ref, 1 as n, 2 as pref,
           'Σ 三级指标分值 sum of its indicators (' || cast(count(*) as varchar) || ')' as how
    from fct_indicator_achievement i
    join ev using (eval_id)
    where ev.complete and i.level1 is not null
      and i.eval_id not in (select eval_id from fct_indicator_achievement where not aligned or weight is null)
    group by i.eval_id, regexp_replace(i.level1, '指标$', '')
),
execution as (
    select eval_id, '预算执行率' as g, execution_weight as w, {{ points('execution_weight') }} as w_text,
           source_ref as ref, 1 as n, 1 as pref, '资金情况 分值 funds line weight' as how
    from fct_budget_execution
    where execution_weight is not null and eval_id is not null
),
printed_weights as (
    select * from labelled where n = 1
    union all select * from summed
    union all select * from execution
    where eval_id not in (select eval_id from fct_budget_execution where execution_weight is not null group by eval_id having count(*) > 1)
),
best as (
    select eval_id, g, w, w_text, ref, how
    from (select *, row_number() over (partition by eval_id, g order by pref) as rn from printed_weights) p
    where rn = 1
)
select
    {{ head() }},
    s.grp as row_label,
    '分值 weight' as column_label,
    'stated_weight:' || s.grp as check_key,
    b.w as actual,
    b.w_text as actual_printed,
    s.stated as expected,
    s.stated_text || '（表注 note ' || s.stated_ref || '：“' || s.statement || '”）' as expected_printed,
    cast(0 as decimal(20, 6)) as tolerance,
    s.grp || ' 分值 ' || coalesce(b.w_text, '(未读到 not read)') || '，' || coalesce(b.how, '') || ' (' || coalesce(b.ref, '') || ')' as operands,
    case when b.w is not null and b.w <> s.stated then 1 else 0 end as flag,
    b.w is not null as checkable,
    case when b.w is null then '表未印该组分值 the form prints no weight for ' || s.grp end as not_checkable_reason,
    coalesce(b.ref, s.stated_ref) as source_ref, s.page, coalesce({{ line_of('b.ref') }}, s.line) as line
from stated s
join ev using (eval_id)
left join best b on b.eval_id = s.eval_id and b.g = s.g
