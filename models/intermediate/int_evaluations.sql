-- one row per self-evaluation, with the unit and project it is about resolved to stable ids.
--
-- Which unit: the name printed on the form (实施单位 / 预算单位), except that
--   * a unit code printed with several spellings in one document is one unit, named as the document
--     names itself when it is one of them (002: 238001 printed as 山西省小企业发展促进局 and as
--     山西省小微企业发展促进局), else by its most frequent spelling;
--   * a printed fragment of the document's own unit name is the document's unit (004 prints
--     实施单位 "中市工业和信息化", cut off by the PDF extraction, for 晋中市工业和信息化局);
--   * no name printed: the document's unit (004's department-wide form), else NULL (003 names no unit).
-- unit_id is the hash of that name, computed like loaders.units.unit_id_of (see macro unit_id_sql).
-- project_id = 'P' + 15 hex of SHA-256 of (unit_id, normalized project name); an evaluation whose
-- unit is unknown keys its project on the document instead (nothing says two such projects are one).
with e as (
    select e.*, d.unit_name as doc_unit_name, d.unit_id as doc_unit_id, d.doc_kind
    from {{ ref('stg_evaluations') }} e
    left join {{ ref('int_documents') }} d using (doc_id)
    where {{ fdw_changed('e.doc_id') }}
),
code_names as (
    select doc_id, unit_code,
           coalesce(max(case when unit_name = doc_unit_name then unit_name end), mode(unit_name)) as code_unit_name
    from e
    where unit_code is not null and unit_name is not null
    group by doc_id, unit_code
),
resolved as (
    select
        e.*,
        case
            when cn.code_unit_name is not null then cn.code_unit_name
            when e.unit_name is null then e.doc_unit_name
            when e.doc_unit_name is not null and contains(e.doc_unit_name, e.unit_name) then e.doc_unit_name
            else e.unit_name
        end as resolved_unit_name,
        case
            when cn.code_unit_name is not null and cn.code_unit_name <> e.unit_name then 'same unit code'
            when e.unit_name is null and e.doc_unit_name is not null then 'document unit'
            when e.unit_name is not null and e.doc_unit_name is not null and e.unit_name <> e.doc_unit_name
                 and contains(e.doc_unit_name, e.unit_name) then 'fragment of document unit'
            when e.unit_name is not null then 'as printed'
        end as unit_resolution
    from e
    left join code_names cn on cn.doc_id = e.doc_id and cn.unit_code = e.unit_code
),
ids as (
    select *,
        {{ unit_id_sql('resolved_unit_name') }} as unit_id,
        -- project names compared without spaces, with full-width brackets and dashes folded
        nullif({{ regexp_replace_all("translate(coalesce(project_name, ''), '（）［］—', '()[]-')", "'\\s+'", "''") }}, '') as project_key
    from resolved
)
select
    {{ star_except(['unit_name', 'resolved_unit_name', 'doc_unit_name', 'doc_unit_id', 'project_key']) }},
    resolved_unit_name as unit_name,
    unit_name as unit_name_printed,
    case when scope = 'project' and project_key is not null then
        'P' || left({{ sha256_hex("coalesce(unit_id, 'doc:' || doc_id) || '|' || project_key") }}, 15)
    end as project_id,
    project_key
from ids
