-- one row per figure stated in the narrative (说明) of one document: item and measure from the
-- sentence's words, the value as printed (value, value_unit) and in 万元 when it is money
select
    n.doc_id,
    d.fiscal_year,
    d.unit_id,
    d.doc_kind,
    n.figure_no,
    n.section,
    n.item,
    n.measure,
    n.direction,
    n.base,
    n.value_numeric as value,
    n.value_unit,
    n.amount_wan,
    n.printed_text,
    n.sentence,
    n.page,
    n.line,
    n.source_ref
from {{ ref('stg_narrative_figures') }} n
join {{ ref('int_documents') }} d using (doc_id)
where n.measure <> 'comparison' and {{ fdw_changed('n.doc_id') }}
