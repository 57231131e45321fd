-- one row per fiscal year that any landed document reports on
select
    fiscal_year,
    count(distinct doc_id) as n_documents,
    count(distinct unit_id) as n_units
from {{ ref('stg_documents') }}
where fiscal_year is not null
group by fiscal_year
