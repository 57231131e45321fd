-- one row per cell of an amount column of a final-accounts table (blank cells included)
select
    doc_id,
    table_code,
    table_title,
    printed_table_no,
    side,
    block,
    section,
    row_label,
    row_key,
    row_no,
    row_role,
    subject_code,
    case length(subject_code) when 3 then 1 when 5 then 2 when 7 then 3 end as subject_level,
    case
        when subject_code is null then null
        when table_code = 'T_BASIC_DETAIL' then 'economic'
        else 'function'
    end as subject_kind,
    subject_name,
    item,
    column_label,
    column_code,
    column_no,
    printed_text,
    cell_state,
    cast(value as decimal(20, 6)) as value_numeric,
    decimals,
    unit as value_unit,
    cast(amount_wan as decimal(20, 6)) as amount_wan,
    cast(half_unit_wan as decimal(20, 6)) as half_unit_wan,
    coalesce(aligned, true) as aligned,
    page,
    line,
    col,
    source_ref,
    ocr_confidence
from {{ landed('final_account_cells') }} as final_account_cells
