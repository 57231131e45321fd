-- one row per project of one unit (project_id stable across reloads: unit + normalized name)
-- (a form that prints no year, e.g. a 绩效目标表, has fiscal_year NULL: it still names its project)
select
    project_id,
    {{ value_at_max('project_name', 'coalesce(fiscal_year, 0) * 10000 + eval_no') }} as project_name,
    any_value(unit_id) as unit_id,
    {{ value_at_max('unit_name', 'coalesce(fiscal_year, 0)') }} as unit_name,
    max(project_attribute) as project_attribute,
    min(fiscal_year) as first_year,
    max(fiscal_year) as last_year,
    count(*) as n_evaluations,
    count(distinct doc_id) as n_documents
from {{ ref('int_evaluations') }}
where project_id is not null
group by project_id
