-- one row per input that could not be landed
select
    coalesce(doc_id, reject_id) as doc_id,
    reject_id,
    source_path,
    source_name,
    file_format,
    stage,
    reason,
    detail,
    size_bytes
from {{ landed('rejects', 'reject_id') }} as rejects
