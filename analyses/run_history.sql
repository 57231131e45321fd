-- The history of runs on this warehouse: when, what, how many documents and findings.
select started_at, ended_at, command, status, inputs, parsed, skipped, quarantined, facts, errors, warnings, hints, message
from fdw_runs
order by started_at desc;
