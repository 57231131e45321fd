-- one row per fiscal year that any landed document or self-evaluation form reports on
with years as (
    select fiscal_year, doc_id, unit_id from {{ ref('int_documents') }}
    union all
    select fiscal_year, doc_id, unit_id from {{ ref('int_evaluations') }}
)
select
    fiscal_year,
    count(distinct doc_id) as n_documents,
    count(distinct unit_id) as n_units
from years
where fiscal_year is not null
group by fiscal_year
