-- Documents that could not be landed, and why.
select source_name, file_format, quarantine_stage, quarantine_reason, size_bytes, doc_id
from dim_document
where status = 'quarantined'
order by source_name;
