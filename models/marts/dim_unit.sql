-- one row per budget unit (unit_id is derived from the unit's printed name, stable across reloads):
-- the units documents are about, and the units their self-evaluation forms name (resolved in
-- int_evaluations). Codes come from the documents, else from the forms (预算单位 238001, 主管部门 238).
with named as (
    select unit_id, unit_name, unit_code, admin_level, region, fiscal_year, doc_id,
           case when unit_code is not null then split_part(unit_code, '-', 1) end as department_code,
           1 as from_document
    from {{ ref('int_documents') }}
    where unit_id is not null
    union all
    select unit_id, unit_name, unit_code, null, null, fiscal_year, doc_id, department_code, 0
    from {{ ref('int_evaluations') }}
    where unit_id is not null
)
select
    unit_id,
    {{ value_at_max('unit_name', 'coalesce(fiscal_year, 0) * 10 + from_document') }} as unit_name,
    max(unit_code) as unit_code,
    coalesce(max(department_code) filter (where from_document = 1), max(department_code)) as department_code,
    {{ value_at_max('admin_level', 'fiscal_year') }} filter (where admin_level is not null) as admin_level,
    {{ value_at_max('region', 'fiscal_year') }} filter (where region is not null) as region,
    min(fiscal_year) as first_year,
    max(fiscal_year) as last_year,
    count(distinct doc_id) as n_documents
from named
group by unit_id
