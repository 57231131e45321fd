{#-
  The raw layer (loaders/writer.py): each raw table is a few segment files, and the manifest says
  which segment holds the current rows of each document (key = doc_id; rejects: reject_id). A row
  is current when the manifest names its key and its file's segment (loaders.writer.visible_rows_sql
  is the same query for Python).

  Incremental builds (loaders/warehouse.py build): `fdw` writes the keys landed or changed since
  the published warehouse was built into main.fdw_changes and the segments that hold them into
  main.fdw_change_segments; a model then reads only those segments' rows of those keys, and its pre-hook
  (fdw_delete_changed) deletes the rows it held for them. `--full-refresh` rebuilds everything.
-#}
{% macro landed(name, key='doc_id') -%}
{{ return(adapter.dispatch('landed')(name, key)) }}
{%- endmacro %}

{% macro default__landed(name, key='doc_id') -%}
(
    select r.* exclude (filename)
    {%- set segments = run_query('select segment from main.fdw_change_segments order by 1').columns[0].values() if execute and is_incremental() else none %}
    {%- if segments is not none %}
    from read_parquet([
        '{{ env_var("FDW_RAW_DIR", "data/raw") }}/{{ name }}/_empty.parquet'
        {%- for s in segments %}, '{{ env_var("FDW_RAW_DIR", "data/raw") }}/{{ name }}/{{ s }}.parquet'{% endfor -%}
    ], union_by_name = true, filename = true) r
    {%- else %}
    from {{ source('raw', name) }} r
    {%- endif %}
    semi join {{ source('raw', 'manifest') }} m
        on m.key = r.{{ key }} and m.segment = regexp_extract(r.filename, '([^/]+)\.parquet$', 1)
    where {{ fdw_changed('r.' ~ key) }}
)
{%- endmacro %}

{#- Spark (issue 14): the models are tables there, rebuilt whole (Spark has no delete on plain Parquet),
    so every current row is read; the file a row came from is Spark's hidden _metadata column. The
    raw segments' schemas are merged (spark.sql.parquet.mergeSchema, set by the spark target) as
    DuckDB's union_by_name does. -#}
{% macro spark__landed(name, key='doc_id') -%}
{%- set raw = env_var("FDW_RAW_DIR", "data/raw") %}
(
    select r.*
    from parquet.`{{ raw }}/{{ name }}/*.parquet` r
    left semi join parquet.`{{ raw }}/manifest/manifest.parquet` m
        on m.key = r.{{ key }} and m.segment = regexp_extract(r._metadata.file_path, '([^/]+)\.parquet$', 1)
)
{%- endmacro %}

{#- a predicate: the key is one of the documents this incremental build is for (true on a full build) -#}
{% macro fdw_changed(column='doc_id') -%}
{%- if is_incremental() -%} {{ column }} in (select key from main.fdw_changes) {%- else -%} true {%- endif -%}
{%- endmacro %}

{#- pre-hook of every incremental model: the rows it held for changed documents go -#}
{% macro fdw_delete_changed() -%}
{%- if is_incremental() -%} delete from {{ this }} where {{ fdw_changed('doc_id') }} {%- else -%} select 1 {%- endif -%}
{%- endmacro %}
