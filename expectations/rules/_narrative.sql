{#- Narrative figures with their document's unit and year, and the value an identity uses: money in
    万元, other figures as printed; `signed` is a change with its direction (减少 negative). -#}
{% macro figures() -%}
    select n.*, d.unit_id, d.fiscal_year,
           coalesce(n.amount_wan, n.value_numeric) as v,
           case when n.direction = 'down' then -1 else 1 end * coalesce(n.amount_wan, n.value_numeric) as signed,
           coalesce(n.half_unit_wan, 0.5 * power(10, -coalesce(n.decimals, 0))) as half,
           '说明' || coalesce('（' || n.section || '）', '') as where_printed
    from stg_narrative_figures n
    join dim_document d using (doc_id)
{%- endmacro %}
{#- The table cell a narrative figure of (item, measure) restates (seed narrative_table_cells, or
    budget_narrative_cells for a budget's tables in fct_budget_lines), one per document: n_item,
    n_measure, cell_zh and the lines model's columns. -#}
{% macro table_cells(cells_seed='narrative_table_cells', lines_model='fct_final_account_lines') -%}
    select s.item as n_item, s.measure as n_measure, s.cell_zh, l.*
    from {{ cells_seed }} s
    join {{ lines_model }} l
      on l.table_code = s.table_code
     and (s.side is null or l.side = s.side)
     and (s.section is null or l.section = s.section)
     and (s.row_role is null or l.row_role = s.row_role)
     and (s.cell_item is null or l.item = s.cell_item)
     and (s.column_code is null or l.column_code = s.column_code)
    qualify row_number() over (partition by l.doc_id, s.item, s.measure order by l.line, l.col) = 1
{%- endmacro %}
{#- A change the narrative states against a base it does not restate (`支出0万元,与2021年度预算相比无增减`
    while only the table prints the 预算数): the change figure c, the level it is stated beside (a_*) and
    the table's cell of the same item for the base (b_*, cell_state 'value' only); ab_half: half a
    printed digit of each. -#}
{% macro changes_against_table() -%}
    select c.*, a.v as a_v, coalesce(t.amount_wan, t.value_numeric) as b_v, a.printed_text as a_printed,
           coalesce(t.table_title, t.cell_zh) || ' ' || t.printed_text || coalesce(' (' || t.source_ref || ')', '') as b_printed,
           a.half + coalesce(t.half_unit_wan, 0.5) as ab_half,
           coalesce(t.table_title, t.cell_zh) as b_table
    from f c
    join f a on a.doc_id = c.doc_id and a.figure_no = c.num_no and a.measure = 'current'
    join ({{ table_cells() }}) t on t.doc_id = c.doc_id and t.n_item = c.item and t.n_measure = c.base
    where c.measure = 'change' and c.den_no is null and c.base = 'budget' and t.cell_state = 'value'
      and c.direction in ('up', 'down', 'flat')
{%- endmacro %}
{#- The leading columns of a narrative-vs-table instance (FA-070, BU-070): the 说明 figure is the actual
    side; check_key = key_prefix:figure_no. -#}
{% macro vs_table_head(key_prefix) -%}
    doc_id, unit_id, fiscal_year,
    cast(null as varchar) as table_code,
    where_printed as table_title,
    coalesce(item, '') as row_label,
    seed_cell_zh as column_label,
    '{{ key_prefix }}:' || figure_no as check_key,
    cast(v as decimal(20, 6)) as actual,
    printed_text as actual_printed,
{%- endmacro %}
