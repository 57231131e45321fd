-- Units with the most identity findings, by rule and severity (latest run).
select u.unit_name, f.fiscal_year, f.rule_id, f.severity, count(*) as n_findings
from dq_findings f
left join dim_unit u using (unit_id)
group by u.unit_name, f.fiscal_year, f.rule_id, f.severity
order by case f.severity when 'error' then 0 when 'warning' then 1 else 2 end, n_findings desc, f.rule_id;
