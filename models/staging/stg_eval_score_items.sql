-- one row per criterion of an evaluation's score sheet (评分表); section subtotals have criterion NULL
select
    eval_id,
    doc_id,
    seq,
    section,
    criterion,
    sub_criterion,
    coalesce({{ json_text('note', "'$.kind'") }}, 'criterion') as item_kind,
    {{ points_columns() }}
    note,
    coalesce(aligned, true) as aligned,
    page,
    line,
    source_ref
from {{ landed('eval_score_items') }} as eval_score_items
