-- one row per criterion of an evaluation's score sheet (评分表); section subtotals have criterion NULL
select
    eval_id,
    doc_id,
    seq,
    section,
    criterion,
    sub_criterion,
    coalesce(json_extract_string(note, '$.kind'), 'criterion') as item_kind,
    cast(weight as decimal(20, 6)) as weight,
    weight_text,
    {{ half_unit_sql('weight_text') }} as weight_half_unit,
    cast(score as decimal(20, 6)) as score,
    score_text,
    {{ half_unit_sql('score_text') }} as score_half_unit,
    note,
    coalesce(aligned, true) as aligned,
    page,
    line,
    source_ref
from {{ source('raw', 'eval_score_items') }}
