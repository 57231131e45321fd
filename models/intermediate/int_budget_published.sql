-- one row per scope (budget_vs_final_scopes) of one budget disclosure (预算公开): what the document
-- published for the year, from its tables when they print the scope (amounts_from 'budget table'),
-- else from its 说明 (measure budget: 一般公共预算拨款支出预算X万元, “三公”经费预算数为X万元;
-- 'budget narrative'). A 其中 part (基本支出, 项目支出) counts only under the total the scope names.
-- Table cells: the budget documents' cells in the final-accounts cell layout (same table codes,
-- row roles and column codes: the tables are the same with 预算数 for 决算数).
with scopes as (select * from {{ ref('budget_vs_final_scopes') }}),
budget_docs as (
    select doc_id, fiscal_year, unit_id from {{ ref('int_documents') }}
    where doc_kind = 'budget' and {{ fdw_changed() }}
),
cells as (
    select c.doc_id, c.table_code, c.row_role, c.item, c.column_code, c.column_label, c.subject_code, c.subject_name,
           c.amount_wan, c.half_unit_wan, c.printed_text, c.source_ref, c.page, c.line, c.col
    from {{ ref('int_fa_cells') }} c
    semi join budget_docs b using (doc_id)
    where c.cell_state = 'value' and c.amount_wan is not null and {{ fdw_changed('c.doc_id') }}
),
from_tables as (
    select c.doc_id, s.scope,
           case when s.scope = 'function_class' then c.subject_code end as subject_code,
           case when s.scope = 'function_class' then c.subject_name end as subject_name,
           c.amount_wan, c.half_unit_wan, c.printed_text, c.source_ref, c.page, c.line,
           'budget table' as amounts_from
    from cells c
    join scopes s on s.table_code = c.table_code
     and (s.row_role is null or c.row_role = s.row_role)
     and (s.table_item is null or c.item = s.table_item)
     and c.column_code = coalesce(s.column_code, 'budget')
     and (s.scope <> 'function_class' or length(c.subject_code) = 3)
    qualify row_number() over (partition by c.doc_id, s.scope, subject_code order by c.line, c.col) = 1
),
figures as (
    select n.* from {{ ref('stg_narrative_figures') }} n
    semi join budget_docs b using (doc_id)
    where {{ fdw_changed('n.doc_id') }}
),
from_narrative as (
    select n.doc_id, s.scope, cast(null as {{ type_text() }}) as subject_code, cast(null as {{ type_text() }}) as subject_name,
           n.amount_wan, n.half_unit_wan, n.printed_text, n.source_ref, n.page, n.line,
           'budget narrative' as amounts_from
    from figures n
    join scopes s on s.narrative_item = n.item
    left join figures h on h.doc_id = n.doc_id and h.figure_no = n.list_head_no
    where n.measure = 'budget' and n.amount_wan is not null
      and (s.narrative_head_item is null or h.item = s.narrative_head_item)
    qualify row_number() over (partition by n.doc_id, s.scope order by n.figure_no) = 1
)
select b.fiscal_year, b.unit_id, p.*
from (
    select * from from_tables
    union all
    select n.* from from_narrative n
    where not exists (select 1 from from_tables t where t.doc_id = n.doc_id and t.scope = n.scope)
) p
join budget_docs b using (doc_id)
