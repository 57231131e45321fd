-- Self-evaluations whose printed grade disagrees with their total score (优 ≥ 90, 良 80–<90,
-- 中 60–<80, 差 < 60; bands in seeds/grade_bands.csv).
select u.unit_name, e.fiscal_year, coalesce(e.project_name, '（部门整体 department-wide）') as evaluated,
       e.total_score, e.grade as grade_printed, e.grade_expected, d.source_name, e.source_ref
from fct_performance_evaluation e
left join dim_unit u on u.unit_id = e.unit_id
left join dim_document d using (doc_id)
where e.grade_normalized is distinct from e.grade_expected
  and e.grade is not null and e.total_score is not null
order by u.unit_name, e.fiscal_year, e.total_score;
