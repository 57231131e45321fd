-- one row per source document: landed ones (status parsed) and quarantined ones (with the reason);
-- parts_of: the other file of a budget published as a 说明 file and a 报表 file (int_budget_parts)
select
    doc_id,
    source_name,
    source_path,
    file_format,
    doc_kind,
    unit_id,
    unit_name,
    fiscal_year,
    amount_unit,
    status,
    cast(null as {{ type_text() }}) as quarantine_stage,
    cast(null as {{ type_text() }}) as quarantine_reason,
    parser,
    parser_version,
    n_tables,
    n_cells,
    pages,
    size_bytes,
    warnings,
    text_source,
    parts_of,
    parts_match
from {{ ref('int_documents') }}
union all
select
    doc_id,
    source_name,
    source_path,
    file_format,
    null as doc_kind,
    null as unit_id,
    null as unit_name,
    null as fiscal_year,
    null as amount_unit,
    'quarantined' as status,
    stage as quarantine_stage,
    reason as quarantine_reason,
    null as parser,
    null as parser_version,
    0 as n_tables,
    0 as n_cells,
    null as pages,
    size_bytes,
    null as warnings,
    null as text_source,
    null as parts_of,
    null as parts_match
from {{ ref('stg_rejects') }}
where doc_id not in (select doc_id from {{ ref('int_documents') }})
