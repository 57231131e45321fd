{#- PE-009, funds by source add up: each total line (资金总额; in the county report also 财政资金小计) =
    Σ the lines that add up into it (parent_fund_source), column by column, where the total prints the
    column and at least one source does. Tolerance: half a printed digit per figure. A source line
    whose values could not be placed under the header (printed.unaligned) is a missing operand: the
    sums it belongs to are not checkable. -#}
{% from '_pe.sql' import evaluations, line_of, printed, head %}
{%- set columns = {
    'budget_initial_declared_wan': '年初预算数·目标申报数',
    'budget_initial_wan': '年初预算数·预算编制数',
    'budget_full_year_wan': '全年预算数',
    'funds_received_wan': '实际到位资金',
    'executed_wan': '全年执行数',
    'balance_wan': '资金结(转)余',
} %}
with ev as ({{ evaluations() }}),
cells as (
{%- for col, label in columns.items() %}
    select eval_id, fund_source, parent_fund_source, fund_label, source_ref,
           '{{ col }}' as col, '{{ label }}' as col_label, {{ col }} as v,
           {{ col | replace('_wan', '') }}_half_unit as h, {{ printed('f', col) }} as printed_text,
           json_extract_string(f.printed, '$.unaligned') is not null as unplaced
    from fct_eval_fund_lines f
    {{ 'union all' if not loop.last }}
{%- endfor %}
),
sums as (
    select eval_id, parent_fund_source, col,
           sum(v) as expected, coalesce(sum(h), 0) as tol, count(v) as n,
           string_agg(fund_label || ' ' || printed_text || ' (' || source_ref || ')', ' + ' order by {{ line_of('source_ref') }}, fund_label, printed_text)
               filter (where v is not null) as operands
    from cells
    where parent_fund_source is not null
    group by eval_id, parent_fund_source, col
    having not bool_or(unplaced)
)
select
    {{ head() }},
    coalesce(t.fund_label, '资金总额') as row_label,
    t.col_label as column_label,
    t.fund_source || ':' || t.col as check_key,
    t.v as actual,
    t.printed_text as actual_printed,
    s.expected,
    coalesce(t.h, 0) + s.tol as tolerance,
    s.operands,
    t.source_ref, ev.page, {{ line_of('t.source_ref') }} as line
from cells t
join sums s on s.eval_id = t.eval_id and s.parent_fund_source = t.fund_source and s.col = t.col
join ev on ev.eval_id = t.eval_id
where t.v is not null and s.n > 0
