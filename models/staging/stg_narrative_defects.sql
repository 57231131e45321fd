-- one row per publication defect of a document's text (FA-080 placeholders and dates, FA-081 punctuation)
select
    doc_id,
    defect,
    printed_text,
    context,
    expected,
    page,
    line,
    source_ref
from {{ landed('narrative_defects') }} as narrative_defects
