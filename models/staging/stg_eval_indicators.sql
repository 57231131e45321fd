-- one row per indicator of an evaluation (aligned = False: a fragment the column-by-column form could not pair)
select
    eval_id,
    doc_id,
    seq,
    nullif(trim(level1), '') as level1,
    nullif(trim(level2), '') as level2,
    nullif(trim(indicator_name), '') as indicator_name,
    target_initial_text,
    target_text,
    actual_text,
    comparator,
    cast(target_value as decimal(20, 6)) as target_value,
    cast(target_value_high as decimal(20, 6)) as target_value_high,
    cast(actual_value as decimal(20, 6)) as actual_value,
    value_unit,
    {{ points_columns() }}
    completion_text,
    is_achieved,
    nullif(trim(deviation_reason), '') as deviation_reason,
    coalesce(aligned, true) as aligned,
    unaligned_text,
    placement,
    page,
    line,
    source_ref
from {{ landed('eval_indicators') }} as eval_indicators
