-- one row per figure stated in a document's narrative (说明), and per comparison sentence
-- (measure = 'comparison': 决算数大于年初预算数, no value); num_no / den_no / list_head_no point at
-- the figures (figure_no) an identity of the narrative compares
select
    doc_id,
    figure_no,
    paragraph_no,
    section,
    topic,
    item,
    item_phrase,
    measure,
    direction,
    base,
    base_item,
    printed_text,
    cast(value as decimal(20, 6)) as value_numeric,
    decimals,
    unit as value_unit,
    cast(amount_wan as decimal(20, 6)) as amount_wan,
    cast(half_unit_wan as decimal(20, 6)) as half_unit_wan,
    num_no,
    den_no,
    den_kind,
    list_head_no,
    repeat_of,
    sentence,
    page,
    line,
    source_ref
from {{ landed('narrative_figures') }} as narrative_figures
