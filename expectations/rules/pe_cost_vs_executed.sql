{#- PE-014 (warning): the amount a cost indicator (二级指标 of seed eval_cost_levels) reports as actually
    spent, printed as money (万元 / 万 / 元, nothing per unit such as 元/人), does not exceed the amount the
    funds block says the project executed (全年执行数 of its total line). comparison ge: the executed
    amount (actual) must be at least the cost (expected); tolerance: half a printed digit of each. -#}
{% from '_pe.sql' import evaluations, line_of, printed, head, decimals_of, unit_printed, is_cost_level %}
with ev as ({{ evaluations() }}),
costs as (
    select i.*, {{ unit_printed('i.actual_text') }} as actual_unit
    from fct_indicator_achievement i
    where i.aligned and i.actual_value is not null
      and regexp_matches(trim(i.actual_text), '^[0-9]')
      and {{ is_cost_level('i.level2') }}
),
money as (
    select *,
           case actual_unit when '元' then actual_value / 10000 else actual_value end as cost_wan,
           case actual_unit when '元' then 0.00005 else 0.5 end / power(10, {{ decimals_of('actual_text') }}) as cost_half
    from costs
    where actual_unit in ('万元', '万', '元')
),
totals as (
    select * from fct_eval_fund_lines where fund_source = 'total' and executed_wan is not null
)
select
    {{ head() }},
    coalesce(m.indicator_name, m.level2) as row_label,
    '全年执行数 amount executed' as column_label,
    'cost<=executed:' || m.seq as check_key,
    t.executed_wan as actual,
    {{ printed('t', 'executed_wan') }} as actual_printed,
    cast(m.cost_wan as decimal(20, 6)) as expected,
    cast(t.executed_half_unit + m.cost_half as decimal(20, 6)) as tolerance,
    '成本指标 ' || coalesce(m.indicator_name, '') || ' 实际完成值 ' || m.actual_text || ' (' || m.source_ref || ')，全年执行数 '
        || {{ printed('t', 'executed_wan') }} || ' (' || t.source_ref || ')' as operands,
    m.source_ref, m.page, m.line
from money m
join totals t using (eval_id)
join ev using (eval_id)
-- one total line per evaluation: two (a form printed twice) leave the comparison not checkable
where (select count(*) from totals t2 where t2.eval_id = m.eval_id) = 1
