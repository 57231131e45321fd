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
    -- the enumeration printed after the count (直属事业单位10个，即A、B、…): how many items it names, a
    -- range when a 和/及 may join two items or sit inside one name; NULL when no enumeration follows
    cast(listed_min as integer) as listed_min,
    cast(listed_max as integer) as listed_max,
    listed_text,
    page,
    line,
    source_ref
from {{ landed('eval_counts') }} as eval_counts
