-- one row per scope (budget_vs_final_scopes) of one final-accounts document (决算): the 年初预算 it
-- restates (budget_restated_*: its 说明's 年初预算为X万元, else the 三公 table's 预算数 unless the
-- column says 全年预算) and what was spent (actual_*: the table cell, else the 说明's 决算 figure).
-- A 其中 part (基本支出, 项目支出) of the 说明 counts only under the total the scope names.
with scopes as (select * from {{ ref('budget_vs_final_scopes') }}),
fa_docs as (
    select doc_id, fiscal_year, unit_id from {{ ref('int_documents') }}
    where doc_kind = 'final_accounts' and {{ fdw_changed() }}
),
cells as (
    select c.doc_id, s.scope, s.column_code as scope_column, c.column_code, c.column_label,
           case when s.scope = 'function_class' then c.subject_code end as subject_code,
           case when s.scope = 'function_class' then c.subject_name end as subject_name,
           c.amount_wan, c.half_unit_wan, c.printed_text, c.source_ref, c.page, c.line, c.col
    from {{ ref('int_fa_cells') }} c
    join scopes s on s.table_code = c.table_code
     and (s.row_role is null or c.row_role = s.row_role)
     and (s.table_item is null or c.item = s.table_item)
     and (s.scope <> 'function_class' or length(c.subject_code) = 3)
     and (c.column_code = s.column_code or (s.column_code is null and c.column_code in ('budget', 'actual')))
    semi join fa_docs f on f.doc_id = c.doc_id
    where c.cell_state = 'value' and c.amount_wan is not null and {{ fdw_changed('c.doc_id') }}
),
table_actual as (
    select * from cells where column_code = coalesce(scope_column, 'actual')
    qualify row_number() over (partition by doc_id, scope, subject_code order by line, col) = 1
),
table_restated as (  -- the 三公 table's 预算数, when it is the 年初预算 (not 全年预算数)
    select * from cells where scope_column is null and column_code = 'budget' and coalesce(column_label, '') not like '%全年%'
    qualify row_number() over (partition by doc_id, scope, subject_code order by line, col) = 1
),
figures as (
    select n.* from {{ ref('stg_narrative_figures') }} n
    semi join fa_docs f using (doc_id)
    where n.amount_wan is not null and n.measure in ('budget', 'current') and {{ fdw_changed('n.doc_id') }}
),
narrative as (
    select n.doc_id, s.scope, n.measure, n.amount_wan, n.half_unit_wan, n.printed_text, n.source_ref, n.page, n.line
    from figures n
    join scopes s on s.narrative_item = n.item
    left join {{ ref('stg_narrative_figures') }} h on h.doc_id = n.doc_id and h.figure_no = n.list_head_no
    where s.narrative_head_item is null or h.item = s.narrative_head_item
    qualify row_number() over (partition by n.doc_id, s.scope, n.measure order by n.figure_no) = 1
),
keys as (
    select doc_id, scope, subject_code, subject_name from table_actual
    union select doc_id, scope, subject_code, subject_name from table_restated
    union select doc_id, scope, null, null from narrative
)
select
    k.doc_id, f.fiscal_year, f.unit_id, k.scope, k.subject_code, k.subject_name,
    coalesce(nb.amount_wan, tb.amount_wan) as budget_restated_wan,
    coalesce(nb.half_unit_wan, tb.half_unit_wan) as budget_restated_half_unit_wan,
    coalesce(nb.printed_text, tb.printed_text) as budget_restated_printed,
    coalesce(nb.source_ref, tb.source_ref) as budget_restated_ref,
    case when nb.amount_wan is not null then 'narrative' when tb.amount_wan is not null then 'table' end as budget_restated_from,
    coalesce(ta.amount_wan, nc.amount_wan) as actual_wan,
    coalesce(ta.half_unit_wan, nc.half_unit_wan) as actual_half_unit_wan,
    coalesce(ta.printed_text, nc.printed_text) as actual_printed,
    coalesce(ta.source_ref, nc.source_ref) as actual_ref,
    case when ta.amount_wan is not null then 'table' when nc.amount_wan is not null then 'narrative' end as actual_from,
    coalesce(nb.page, tb.page, ta.page, nc.page) as page,
    coalesce(nb.line, tb.line, ta.line, nc.line) as line
from keys k
join fa_docs f using (doc_id)
left join table_actual ta on ta.doc_id = k.doc_id and ta.scope = k.scope and ta.subject_code is not distinct from k.subject_code
left join table_restated tb on tb.doc_id = k.doc_id and tb.scope = k.scope and tb.subject_code is not distinct from k.subject_code
left join narrative nb on nb.doc_id = k.doc_id and nb.scope = k.scope and nb.measure = 'budget' and k.subject_code is null
left join narrative nc on nc.doc_id = k.doc_id and nc.scope = k.scope and nc.measure = 'current' and k.subject_code is null
