{{ config(materialized='table') }}
-- one row per landed document (stg_documents) with the unit and year it is about: its own, except
-- for the 报表 file of a budget published as a 说明 file and a 报表 file (int_budget_parts), which
-- prints no unit name or year and takes the 说明's; parts_of names that 说明 and parts_match says
-- how the two were matched. Each document keeps its doc_id. The models that key a document's rows
-- on its unit and year read this, not stg_documents.
with parts as (select * from {{ ref('int_budget_parts') }})
select
    d.doc_id, d.source_path, d.source_name, d.file_format, d.doc_kind,
    case when p.tables_doc_id is not null then p.unit_name else d.unit_name end as unit_name,
    case when p.tables_doc_id is not null then p.unit_code else d.unit_code end as unit_code,
    case when p.tables_doc_id is not null then p.unit_id else d.unit_id end as unit_id,
    case when p.tables_doc_id is not null then coalesce(d.admin_level, n.admin_level) else d.admin_level end as admin_level,
    case when p.tables_doc_id is not null then coalesce(d.region, n.region) else d.region end as region,
    case when p.tables_doc_id is not null then p.fiscal_year else d.fiscal_year end as fiscal_year,
    d.amount_unit, d.parser, d.parser_version, d.status, d.n_tables, d.n_cells, d.warnings, d.pages,
    d.size_bytes, d.text_source,
    coalesce(p.narrative_doc_id, q.tables_doc_id) as parts_of,
    coalesce(p.match_quality, q.match_quality) as parts_match
from {{ ref('stg_documents') }} d
left join parts p on p.tables_doc_id = d.doc_id
left join {{ ref('stg_documents') }} n on n.doc_id = p.narrative_doc_id
left join parts q on q.narrative_doc_id = d.doc_id
