-- one row per figure quoted in a document's narrative
select
    doc_id,
    topic,
    item,
    printed_text,
    cast(value as decimal(20, 6)) as value_numeric,
    unit as value_unit,
    cast(amount_wan as decimal(20, 6)) as amount_wan,
    sentence,
    page,
    line,
    source_ref
from {{ landed('narrative_figures') }} as narrative_figures
