-- one row per budget unit (unit_id is derived from the unit's printed name, stable across reloads)
with named as (
    select unit_id, unit_name, unit_code, admin_level, region, fiscal_year, doc_id
    from {{ ref('stg_documents') }}
    where unit_id is not null
)
select
    unit_id,
    arg_max(unit_name, fiscal_year) as unit_name,
    max(unit_code) as unit_code,
    max(case when unit_code is not null then split_part(unit_code, '-', 1) end) as department_code,
    arg_max(admin_level, fiscal_year) as admin_level,
    arg_max(region, fiscal_year) as region,
    min(fiscal_year) as first_year,
    max(fiscal_year) as last_year,
    count(distinct doc_id) as n_documents
from named
group by unit_id
