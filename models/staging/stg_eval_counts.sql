-- one count of a department's basic facts (机构/人员) printed in an evaluation: 编制人员 205人
select
    eval_id,
    doc_id,
    seq,
    section,
    label,
    cast(count_value as decimal(20, 6)) as count_value,
    count_unit,
    printed_text,
    page,
    line,
    source_ref
from {{ landed('eval_counts') }} as eval_counts
