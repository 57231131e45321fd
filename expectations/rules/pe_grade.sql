{#- PE-007: the printed grade (评价等级) agrees with the band its total score falls in (seed grade_bands:
    优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60; printed spellings 优秀, 良好 … folded through grade_aliases).
    One instance per evaluation printing both a total score and a grade; flag 1 when they disagree. -#}
{% from '_pe.sql' import evaluations %}
with ev as ({{ evaluations() }})
select
    doc_id, unit_id, fiscal_year, table_code, table_title,
    '评价等级 grade' as row_label,
    cast(null as varchar) as column_label,
    'grade' as check_key,
    total_score as actual,
    grade as actual_printed,
    total_score as expected,
    grade_expected || '（总分 ' || total_score_text || '）' as expected_printed,
    cast(0 as decimal(20, 6)) as tolerance,
    '总分 total ' || total_score_text || ' → ' || grade_expected || '; 印为 printed ' || grade as operands,
    case when grade_normalized is distinct from grade_expected then 1 else 0 end as flag,
    source_ref, page, line_start as line
from ev
where grade is not null and grade_expected is not null
