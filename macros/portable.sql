{#-
  The few places where DuckDB's and Spark SQL's dialects differ (issue 14), one adapter-dispatched
  macro each. The default__ implementation is the DuckDB text the models had before (the DuckDB build
  is unchanged); spark__ is the Spark SQL equivalent. String literals are the same text on both
  engines: the spark target sets spark.sql.parser.escapedStringLiterals (a backslash in a literal is
  the regex's own, as in DuckDB).
-#}

{#- a string type for typed NULLs -#}
{% macro type_text() %}{{ return(adapter.dispatch('type_text')()) }}{% endmacro %}
{% macro default__type_text() %}varchar{% endmacro %}
{% macro spark__type_text() %}string{% endmacro %}

{#- lowercase hex SHA-256 of a string's UTF-8 bytes -#}
{% macro sha256_hex(expr) %}{{ return(adapter.dispatch('sha256_hex')(expr)) }}{% endmacro %}
{% macro default__sha256_hex(expr) %}sha256({{ expr }}){% endmacro %}
{% macro spark__sha256_hex(expr) %}sha2({{ expr }}, 256){% endmacro %}

{#- every match of `pattern` replaced -#}
{% macro regexp_replace_all(expr, pattern, replacement) %}{{ return(adapter.dispatch('regexp_replace_all')(expr, pattern, replacement)) }}{% endmacro %}
{% macro default__regexp_replace_all(expr, pattern, replacement) %}regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}, 'g'){% endmacro %}
{% macro spark__regexp_replace_all(expr, pattern, replacement) %}regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}){% endmacro %}

{#- true when `pattern` matches anywhere in the text -#}
{% macro regexp_found(expr, pattern) %}{{ return(adapter.dispatch('regexp_found')(expr, pattern)) }}{% endmacro %}
{% macro default__regexp_found(expr, pattern) %}regexp_matches({{ expr }}, {{ pattern }}){% endmacro %}
{% macro spark__regexp_found(expr, pattern) %}({{ expr }} rlike {{ pattern }}){% endmacro %}

{#- a JSON document's member as text ('$.key') -#}
{% macro json_text(expr, path) %}{{ return(adapter.dispatch('json_text')(expr, path)) }}{% endmacro %}
{% macro default__json_text(expr, path) %}json_extract_string({{ expr }}, {{ path }}){% endmacro %}
{% macro spark__json_text(expr, path) %}get_json_object({{ expr }}, {{ path }}){% endmacro %}

{#- the value of `expr` on the row where `by` is largest, rows whose `expr` is NULL skipped (DuckDB's arg_max) -#}
{% macro value_at_max(expr, by) %}{{ return(adapter.dispatch('value_at_max')(expr, by)) }}{% endmacro %}
{% macro default__value_at_max(expr, by) %}arg_max({{ expr }}, {{ by }}){% endmacro %}
{% macro spark__value_at_max(expr, by) %}max_by({{ expr }}, case when {{ expr }} is not null then {{ by }} end){% endmacro %}

{#- a text split on a literal separator, with one more element appended; and membership -#}
{% macro split_append(expr, separator, element) %}{{ return(adapter.dispatch('split_append')(expr, separator, element)) }}{% endmacro %}
{% macro default__split_append(expr, separator, element) %}list_append(string_split({{ expr }}, '{{ separator }}'), {{ element }}){% endmacro %}
{% macro spark__split_append(expr, separator, element) %}array_append(split({{ expr }}, '\Q{{ separator }}\E'), {{ element }}){% endmacro %}

{% macro list_has(list_expr, element) %}{{ return(adapter.dispatch('list_has')(list_expr, element)) }}{% endmacro %}
{% macro default__list_has(list_expr, element) %}list_contains({{ list_expr }}, {{ element }}){% endmacro %}
{% macro spark__list_has(list_expr, element) %}array_contains({{ list_expr }}, {{ element }}){% endmacro %}

{#- every column but `columns` (DuckDB's * exclude, Spark's * except) -#}
{% macro star_except(columns) %}{{ return(adapter.dispatch('star_except')(columns)) }}{% endmacro %}
{% macro default__star_except(columns) %}* exclude ({{ columns | join(', ') }}){% endmacro %}
{% macro spark__star_except(columns) %}* except ({{ columns | join(', ') }}){% endmacro %}

{#- the values of a group joined by `separator` in ascending order (one text per group) -#}
{% macro sorted_string_agg(expr, separator) %}{{ return(adapter.dispatch('sorted_string_agg')(expr, separator)) }}{% endmacro %}
{% macro default__sorted_string_agg(expr, separator) %}string_agg({{ expr }}, {{ separator }} order by {{ expr }}){% endmacro %}
{% macro spark__sorted_string_agg(expr, separator) %}array_join(array_sort(collect_list({{ expr }})), {{ separator }}){% endmacro %}

{#- union of selects whose columns are matched by name. Spark SQL has no UNION BY NAME (4.3): it matches
    positions, so a model using this lists every branch's columns, in the first branch's order. -#}
{% macro union_all_by_name() %}{{ return(adapter.dispatch('union_all_by_name')()) }}{% endmacro %}
{% macro default__union_all_by_name() %}union all by name{% endmacro %}
{% macro spark__union_all_by_name() %}union all{% endmacro %}

{#- Seeds on Spark: dbt-spark's session mode binds each CSV value as '<python str>', so an empty cell
    lands as the text 'None' (not NULL) and a quote breaks the statement. Here the rows are written
    as SQL literals: empty -> NULL, as dbt-duckdb loads them. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
    {%- set sql -%}
      insert into {{ this.render() }} values
      {% for row in chunk -%}
        ({%- for col_name in agate_table.column_names -%}
          {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
          cast({{ spark_literal(row[loop.index0]) }} as {{ type }})
          {%- if not loop.last %}, {% endif -%}
        {%- endfor -%}){%- if not loop.last %},{% endif %}
      {% endfor -%}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- if loop.first %}{% do statements.append(sql) %}{% endif -%}
  {%- endfor -%}
  {{ return(statements[0] if statements else '') }}
{% endmacro %}

{% macro spark_literal(value) -%}
  {%- if value is none -%} null
  {%- elif value is sameas true or value is sameas false -%} {{ 'true' if value else 'false' }}
  {%- elif value is number -%} {{ value }}
  {%- else -%}
    {#- string literals are raw text (escapedStringLiterals): a quote or backslash cannot be escaped -#}
    {%- if "'" in (value | string) or '\\' in (value | string) -%}
      {{ exceptions.raise_compiler_error("seed value with a quote or backslash, not loadable on Spark: " ~ value) }}
    {%- endif -%}
    '{{ value }}'
  {%- endif -%}
{%- endmacro %}
