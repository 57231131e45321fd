-- one row per landed document
select
    doc_id,
    source_path,
    source_name,
    file_format,
    doc_kind,
    nullif(trim(unit_name), '') as unit_name,
    unit_code,
    unit_id,
    admin_level,
    region,
    cast(fiscal_year as integer) as fiscal_year,
    amount_unit,
    parser,
    parser_version,
    status,
    n_tables,
    n_cells,
    nullif(warnings, '') as warnings,
    pages,
    size_bytes,
    text_source
from {{ landed('documents') }} as documents
