-- Indicators whose actual value missed the target, with the score given and the printed reason.
-- is_achieved comes from the numbers where target and actual are comparable, else from the form's
-- completion column; NULL (unknown) rows are left out.
select u.unit_name, i.fiscal_year, p.project_name, i.level1, i.level2, i.indicator_name,
       i.target_text, i.actual_text, i.weight, i.score,
       i.score >= i.weight as full_marks_anyway, i.deviation_reason, i.source_ref
from fct_indicator_achievement i
left join dim_project p using (project_id)
left join dim_unit u on u.unit_id = i.unit_id
where i.is_achieved = false
order by full_marks_anyway desc, u.unit_name, p.project_name, i.seq;
