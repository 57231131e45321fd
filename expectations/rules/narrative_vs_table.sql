{#- FA-070: a figure the narrative repeats equals the table's (seed narrative_table_cells says which
    cell). Tolerance: half a printed digit of each. A figure stated while the table prints the cell
    blank is a mismatch; when the table or its row is not there the instance is not checkable (FA-090
    reports a missing table).
    A change stated against a base only the table prints (`公务接待费支出5.21万元,与2021年度预算相比,减少0.1万元`
    beside the 三公 table's 预算数 14.9) equals the stated level minus that cell, when its word agrees with
    the figures (a contradicting word is FA-073's). -#}
{% from '_narrative.sql' import figures, table_cells, changes_against_table, vs_table_head %}
with f as ({{ figures() }}),
docs_with_tables as (select distinct doc_id from fct_final_account_lines),
cells as ({{ table_cells() }}),
ct as ({{ changes_against_table() }}),
i as (
    select n.*, s.cell_zh as seed_cell_zh, c.doc_id is not null as cell_found, c.cell_state, c.printed_text as cell_printed,
           coalesce(c.amount_wan, c.value_numeric) as cell_v, coalesce(c.half_unit_wan, 0.5) as cell_half,
           c.source_ref as cell_ref, c.table_title as cell_table,
           exists (select 1 from fct_final_account_lines l where l.doc_id = n.doc_id and l.table_code = s.table_code) as table_found,
           n.doc_id in (select doc_id from docs_with_tables) as has_tables
    from f n
    join narrative_table_cells s on s.item = n.item and s.measure = n.measure
    left join cells c on c.doc_id = n.doc_id and c.n_item = n.item and c.n_measure = n.measure
)
select
    {{ vs_table_head('table') }}
    cast(cell_v as decimal(20, 6)) as expected,
    cast(half + case when cell_state = 'value' then cell_half else 0 end as decimal(20, 6)) as tolerance,
    coalesce(cell_table, seed_cell_zh) || ' ' || coalesce(case when cell_state = 'value' then cell_printed end, '（空白 blank）')
        || coalesce(' (' || cell_ref || ')', '') as operands,
    cell_found and cell_state in ('value', 'blank') as checkable,
    case when not has_tables then '说明单独发布，无表可比 narrative published without tables'
         when not table_found then '表未印 table not printed'
         when not cell_found then '表中未找到该行 row not found'
         when cell_state not in ('value', 'blank') then '表中为“——” not applicable' end as not_checkable_reason,
    sentence,
    source_ref, page, line
from i
union all
select
    doc_id, unit_id, fiscal_year,
    cast(null as varchar) as table_code,
    where_printed as table_title,
    coalesce(item, '') as row_label,
    b_table || ' 预算数' as column_label,
    'table_change:' || figure_no as check_key,
    cast(signed as decimal(20, 6)) as actual,
    printed_text as actual_printed,
    cast(a_v - b_v as decimal(20, 6)) as expected,
    cast(half + ab_half as decimal(20, 6)) as tolerance,
    a_printed || ' − ' || b_printed as operands,
    true as checkable,
    cast(null as varchar) as not_checkable_reason,
    sentence,
    source_ref, page, line
from ct
where (direction = 'up' and a_v > b_v) or (direction = 'down' and a_v < b_v)
