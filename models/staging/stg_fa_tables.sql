-- one row per final-accounts table found in a document
select
    doc_id,
    table_code,
    table_title,
    printed_table_no,
    unit_name,
    cast(fiscal_year as integer) as fiscal_year,
    amount_unit,
    note,
    n_cells,
    n_values,
    page,
    line_start,
    line_end,
    source_ref
from {{ landed('fa_tables') }} as fa_tables
