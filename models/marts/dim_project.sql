-- one row per project of one unit (project_id stable across reloads: unit + normalized name)
select
    project_id,
    arg_max(project_name, fiscal_year * 10000 + eval_no) as project_name,
    any_value(unit_id) as unit_id,
    arg_max(unit_name, fiscal_year) as unit_name,
    max(project_attribute) as project_attribute,
    min(fiscal_year) as first_year,
    max(fiscal_year) as last_year,
    count(*) as n_evaluations,
    count(distinct doc_id) as n_documents
from {{ ref('int_evaluations') }}
where project_id is not null
group by project_id
