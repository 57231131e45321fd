-- one row per 三公 item (or printed total / subtotal) of one document (= one unit-year): the 决算's
-- 预算数/决算数, or a 预算公开's 预算数 (doc_kind budget; no actual)
select
    doc_id,
    doc_kind,
    fiscal_year,
    unit_id,
    item,
    any_value(row_label) as item_label,
    max(case when column_code = 'budget' then amount_wan end) as budget_wan,
    max(case when column_code = 'actual' then amount_wan end) as actual_wan,
    max(case when column_code = 'budget' then printed_text end) as budget_printed,
    max(case when column_code = 'actual' then printed_text end) as actual_printed,
    any_value(source_ref) as source_ref
from {{ ref('int_fa_cells') }}
where table_code = 'T_THREE_PUBLIC' and item is not null and {{ fdw_changed() }}
group by doc_id, doc_kind, fiscal_year, unit_id, item
