-- one row per procurement category of one document (= one unit-year): goods / works / services /
-- total from the statistics table, awarded_to_sme / awarded_to_small_micro from the narrative
with from_table as (
    select doc_id, fiscal_year, unit_id, item as category, amount_wan, printed_text,
           'table' as source, source_ref
    from {{ ref('int_fa_cells') }}
    where table_code = 'T_STATS' and section = 'procurement' and item is not null and doc_kind <> 'budget' and {{ fdw_changed() }}
),
from_narrative as (
    select n.doc_id, d.fiscal_year, d.unit_id, n.item as category, n.amount_wan, n.printed_text,
           'narrative' as source, n.source_ref,
           row_number() over (partition by n.doc_id, n.item order by n.line) as k
    from {{ ref('stg_narrative_figures') }} n
    join {{ ref('int_documents') }} d using (doc_id)
    where n.item in ('awarded_to_sme', 'awarded_to_small_micro') and n.measure = 'current' and {{ fdw_changed('n.doc_id') }}
)
select * from from_table
union all
select doc_id, fiscal_year, unit_id, category, amount_wan, printed_text, source, source_ref
from from_narrative where k = 1
