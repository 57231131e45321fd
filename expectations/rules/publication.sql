{#- FA-080 / FA-081: what a reader of the published text sees — a placeholder left where a name or
    figure belongs, a dated statement or a heading of another year than the document's, a table header
    printing another year or unit than the document's, doubled or stray punctuation; PE-015: a self-evaluation's
    file name (its own, or one the text cites as 《….docx》) of another year than its form's heading. One instance per defect found (defects: which kinds this check reports); flag 1. -#}
select
    n.doc_id, d.unit_id, d.fiscal_year,
    cast(null as varchar) as table_code,
    case when n.defect like 'table\_%' escape '\' then '表头 table header'
         when n.defect = 'file_year' then '文件名 file name' else '正文 text' end as table_title,
    n.context as row_label,
    cast(null as varchar) as column_label,
    n.defect || ':' || n.source_ref as check_key,
    cast(1 as decimal(20, 6)) as actual,
    n.printed_text as actual_printed,
    cast(0 as decimal(20, 6)) as expected,
    case n.defect when 'placeholder' then '实际的单位名称或数字 the actual name or figure'
                  when 'date_year' then n.expected || '年（本决算年度 the year of these accounts）'
                  when 'heading_year' then n.expected || '年（本决算年度 the year of these accounts）'
                  when 'table_year' then n.expected || '年（本决算年度 the year of these accounts）'
                  when 'table_unit' then n.expected || '（其他各表的单位 the unit the other tables name）'
                  when 'file_year' then n.expected || '年（自评表表头所印年度 the year the form''s heading prints；文件名只是旁证 a file name is weak evidence）'
                  else '单个标点 a single punctuation mark' end as expected_printed,
    cast(0 as decimal(20, 6)) as tolerance,
    cast(null as varchar) as operands,
    1 as flag,
    n.source_ref, n.page, n.line
from stg_narrative_defects n
join dim_document d using (doc_id)
where n.defect in ({% for k in defects %}'{{ k }}'{{ ", " if not loop.last }}{% endfor %})
