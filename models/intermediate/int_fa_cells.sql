-- one row per table cell of a 决算 or 预算 document (doc_kind says which), with the document's unit and year, and for the expenditure
-- lines of the two-sided summaries the function class (类) they name
with cells as (
    select * from {{ ref('stg_final_account_cells') }} where {{ fdw_changed() }}
),
docs as (
    select doc_id, doc_kind, unit_id, fiscal_year from {{ ref('int_documents') }}
),
classes as (
    select code, name from {{ ref('function_subjects') }} where level = 1
)
select
    cells.*,
    docs.doc_kind,
    docs.unit_id,
    docs.fiscal_year,
    case
        when cells.table_code in ('T_SUMMARY', 'T_FISCAL_SUMMARY') and cells.side = 'expenditure' and cells.row_role = 'item'
            then classes.code
    end as summary_class_code
from cells
join docs using (doc_id)
left join classes
    on cells.table_code in ('T_SUMMARY', 'T_FISCAL_SUMMARY')
   and cells.side = 'expenditure'
   and cells.row_key = classes.name
