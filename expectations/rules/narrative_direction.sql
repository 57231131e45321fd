{#- FA-073: comparison words agree with the figures they compare. A sentence saying 大于/高于/超过
    (or 小于/低于/少于) 预算 about the actual and budget figures stated before it, and a change stated
    as 增加/减少 beside both figures it is the difference of; 持平/无增减/无变化 says they are equal (within
    half a printed digit of each). The base may be a figure only the table prints (`支出0万元,与2021年度预算
    相比无增减` while the 三公 table's 预算数 is 20). flag 1 when the word contradicts them. -#}
{% from '_narrative.sql' import figures, table_cells, changes_against_table %}
with f as ({{ figures() }}),
i as (
    select c.*, a.v as a_v, b.v as b_v, a.printed_text as a_printed, b.printed_text as b_printed,
           a.half + b.half as ab_half
    from f c
    join f a on a.doc_id = c.doc_id and a.figure_no = c.num_no
    join f b on b.doc_id = c.doc_id and b.figure_no = c.den_no
    where c.den_kind = 'figure' and c.direction in ('up', 'down', 'flat')
      and (c.measure = 'comparison' or c.measure = 'change')
    union all
    select * exclude (b_table) from ({{ changes_against_table() }})
)
select
    doc_id, unit_id, fiscal_year,
    cast(null as varchar) as table_code,
    where_printed as table_title,
    coalesce(item, '') as row_label,
    measure as column_label,
    'direction:' || figure_no as check_key,
    cast(a_v - b_v as decimal(20, 6)) as actual,
    printed_text as actual_printed,
    cast(0 as decimal(20, 6)) as expected,
    case when abs(a_v - b_v) <= ab_half then '相等/持平 equal' when a_v > b_v then '增加/大于 up' else '减少/小于 down' end as expected_printed,
    cast(0 as decimal(20, 6)) as tolerance,
    a_printed || ' vs ' || b_printed as operands,
    case when (direction = 'up' and a_v <= b_v) or (direction = 'down' and a_v >= b_v)
              or (direction = 'flat' and abs(a_v - b_v) > ab_half) then 1 else 0 end as flag,
    sentence,
    source_ref, page, line
from i
