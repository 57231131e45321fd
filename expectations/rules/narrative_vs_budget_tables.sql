{#- BU-070: a figure a budget's 说明 states equals the budget table's (seed budget_narrative_cells says
    which cell), for a budget published as a 说明 file and a 报表 file (int_budget_parts): the 说明's
    figures against the 报表's tables, only when the two were matched strongly (match_quality
    content); a weak pair is not checked. Tolerance: half a printed digit of each; a table that prints
    more digits (万元 to 6 places) is rounded to the 说明's digit first, so a correctly rounded figure
    is no rounding hint. A figure stated while
    the table prints the cell blank is a mismatch; when the table or its row is not there the instance
    is not checkable. The finding is the 说明's; the operand names the 报表 file and the cell. -#}
{% from '_narrative.sql' import figures, table_cells, vs_table_head %}
with f as ({{ figures() }}),
pairs as (
    select p.narrative_doc_id, p.tables_doc_id, d.source_name as tables_name
    from int_budget_parts p
    join dim_document d on d.doc_id = p.tables_doc_id
    where p.match_quality = 'content'
),
cells as ({{ table_cells('budget_narrative_cells', lines_model) }}),
i as (
    select n.*, p.tables_name, s.cell_zh as seed_cell_zh, c.doc_id is not null as cell_found, c.cell_state,
           c.printed_text as cell_printed, coalesce(c.amount_wan, c.value_numeric) as cell_v,
           coalesce(c.half_unit_wan, 0.5) as cell_half, c.source_ref as cell_ref, c.table_title as cell_table,
           exists (select 1 from {{ lines_model }} l where l.doc_id = p.tables_doc_id and l.table_code = s.table_code) as table_found
    from f n
    join pairs p on p.narrative_doc_id = n.doc_id
    join budget_narrative_cells s on s.item = n.item and s.measure = n.measure
    left join cells c on c.doc_id = p.tables_doc_id and c.n_item = n.item and c.n_measure = n.measure
    where n.amount_wan is not null
)
select
    {{ vs_table_head('budget_table') }}
    -- a table printing more digits than the 说明 (万元 to 6 places) is compared rounded to the 说明's digit
    cast(case when cell_half < half then round(cell_v / (2 * half)) * (2 * half) else cell_v end as decimal(20, 6)) as expected,
    cast(half + case when cell_state = 'value' then cell_half else 0 end as decimal(20, 6)) as tolerance,
    tables_name || ' ' || coalesce(cell_table, seed_cell_zh) || ' '
        || coalesce(case when cell_state = 'value' then cell_printed end, '（空白 blank）')
        || coalesce(' (' || cell_ref || ')', '') as operands,
    cell_found and cell_state in ('value', 'blank') as checkable,
    case when not table_found then '报表中未印该表 table not printed in the 报表 file'
         when not cell_found then '表中未找到该行 row not found'
         when cell_state not in ('value', 'blank') then '表中为“——” not applicable' end as not_checkable_reason,
    sentence,
    source_ref, page, line
from i
