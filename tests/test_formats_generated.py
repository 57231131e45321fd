"""Final accounts and a project self-evaluation generated as .docx, .xlsx and .pdf from the same
structured content (tests/docgen.py), read by the format readers and parsed by the unchanged
parsers: every cell must land with the value the content prints, whatever the format."""
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import S002, cells, one
from docgen import (EXPENDITURE_ROWS, FINAL_ACCOUNTS_DOC, evaluation_blocks, write_docx, write_image_only_pdf,
                    write_pdf, write_xlsx)

D = Decimal
FORMATS = ["docx", "xlsx", "pdf"]
FA_WIDTHS = {0: [250, 80, 250, 80], 1: [80, 250, 100, 100, 100]}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    paths = {"fa.docx": write_docx(FINAL_ACCOUNTS_DOC, out / "fa.docx"),
             "fa.xlsx": write_xlsx(FINAL_ACCOUNTS_DOC, out / "fa.xlsx"),
             "ev.docx": write_docx(evaluation_blocks(S002), out / "ev.docx"),
             "ev.xlsx": write_xlsx(evaluation_blocks(S002), out / "ev.xlsx"),
             "scan.pdf": write_image_only_pdf(out / "scan.pdf"),
             "fa.pdf": write_pdf(FINAL_ACCOUNTS_DOC, out / "fa.pdf", col_widths=FA_WIDTHS),
             "ev.pdf": write_pdf(evaluation_blocks(S002), out / "ev.pdf")}
    ev_txt = out / "ev.txt"  # the same form as plain text: the reference parse
    ev_txt.write_text("\n".join(S002.read_text(encoding="utf-8").split("\n")[663:695]), encoding="utf-8")
    paths["ev.txt"] = ev_txt
    return paths


def _fa(generated, fmt):
    from loaders.parsers.final_accounts import parse_final_accounts
    from loaders.readers import read_document

    doc = read_document(generated[f"fa.{fmt}"])
    return doc, parse_final_accounts(doc)



@pytest.mark.parametrize("fmt", FORMATS)
def test_final_accounts_tables_and_metadata(generated, fmt):
    doc, fa = _fa(generated, fmt)
    assert doc.file_format == fmt
    assert [t["table_code"] for t in fa.tables] == ["T_SUMMARY", "T_EXPENDITURE", "T_THREE_PUBLIC", "T_INCOME"]
    income = {c["column_code"]: c["amount_wan"] for c in cells(fa, table_code="T_INCOME", subject_code="201")}
    assert income == {"total": D("300.00"), "fiscal_grant": D("295.00"), "other": D("5.00")}
    assert (fa.unit_name, fa.fiscal_year, fa.amount_unit) == ("测试区示范局", 2024, "万元")


@pytest.mark.parametrize("fmt", FORMATS)
def test_merged_header_keeps_its_first_column(generated, fmt):
    doc, _ = _fa(generated, fmt)
    # summary header: 收入 merged over columns 0-1, 支出 over 2-3; the next line 项目 决算数 项目 决算数
    i = next(i for i, ln in enumerate(doc.lines) if ln.cell(0) == "收入")
    merged, header = doc.lines[i], doc.lines[i + 1]
    start = merged.cells[0].col
    assert [merged.cell(start + k) for k in range(4)] == ["收入", "", "支出", ""]
    assert [header.cell(start + k) for k in range(4)] == ["项目", "决算数", "项目", "决算数"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_summary_cell_by_cell(generated, fmt):
    _, fa = _fa(generated, fmt)
    rows = FINAL_ACCOUNTS_DOC[4][1][2:]
    for row in rows:
        for side, (label, amount) in (("income", row[0:2]), ("expenditure", row[2:4])):
            if not label:
                continue
            c = one(fa, table_code="T_SUMMARY", side=side, row_label=label)
            assert c["printed_text"].replace(",", "") == amount.replace(",", "") and c["amount_wan"] == D(amount), (fmt, c)
            assert c["source_ref"] and (c["page"] is not None or fmt == "docx")


@pytest.mark.parametrize("fmt", FORMATS)
def test_expenditure_cell_by_cell_and_across_pages(generated, fmt):
    _, fa = _fa(generated, fmt)
    total = {c["column_code"]: c["amount_wan"] for c in cells(fa, table_code="T_EXPENDITURE", row_role="total")}
    assert total == {"total": D("400.00"), "basic": D("300.00"), "project": D("100.00")}
    for code, name, *amounts in EXPENDITURE_ROWS:
        got = {c["column_code"]: c for c in cells(fa, table_code="T_EXPENDITURE", subject_code=code)}
        assert set(got) == {"total", "basic", "project"}, (fmt, code)
        for col, printed in zip(("total", "basic", "project"), amounts):
            assert got[col]["subject_name"] == name
            assert got[col]["amount_wan"] == (D(printed) if printed else None), (fmt, code, col)
            assert got[col]["cell_state"] == ("value" if printed else "blank")
    if fmt == "pdf":
        # the table crosses a page: its last row lands on page 2, in the same columns
        last = one(fa, table_code="T_EXPENDITURE", subject_code="2210203", column_code="basic")
        first = one(fa, table_code="T_EXPENDITURE", subject_code="201", column_code="basic")
        assert (first["page"], last["page"], last["col"]) == (1, 2, first["col"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_three_public_items_under_merged_groups(generated, fmt):
    _, fa = _fa(generated, fmt)
    got = {(c["item"], c["column_code"]): c["amount_wan"] for c in cells(fa, table_code="T_THREE_PUBLIC")}
    assert got == {
        ("total", "budget"): D("6.00"), ("outbound_travel", "budget"): None, ("vehicle_subtotal", "budget"): D("4.00"),
        ("vehicle_purchase", "budget"): None, ("vehicle_operation", "budget"): D("4.00"), ("reception", "budget"): D("2.00"),
        ("total", "actual"): D("5.10"), ("outbound_travel", "actual"): None, ("vehicle_subtotal", "actual"): D("3.60"),
        ("vehicle_purchase", "actual"): None, ("vehicle_operation", "actual"): D("3.60"), ("reception", "actual"): D("1.50"),
    }


def test_xlsx_numbers_as_stored_and_sheet_provenance(generated):
    from loaders.readers import read_document

    doc = read_document(generated["fa.xlsx"])
    # 395.00 is stored as the number 395.0 with format #,##0.00: the text is the stored value at the
    # format's precision, never the displayed "395.00" with separators
    ln = next(ln for ln in doc.lines if ln.cell(0) == "一、一般公共预算财政拨款收入")
    assert (ln.cell(1), ln.page, ln.source_ref) == ("395.00", 1, f"p1:l{ln.lineno}")


def test_xlsx_number_text():
    from loaders.readers.xlsx import number_text

    assert number_text(3584.96, "#,##0.00") == "3584.96"
    assert number_text(3584.0, "#,##0.00") == "3584.00"
    assert number_text(0.1 + 0.2, "General") == "0.3"
    assert number_text(122241483.61, "0.00") == "122241483.61"
    assert number_text(12, "0") == "12"


def _evaluation(path):
    from loaders.classify import classify
    from loaders.parsers import evaluations
    from loaders.readers import read_document

    doc = read_document(path)
    return classify(doc), evaluations.to_tables(evaluations.parse_evaluations(doc))


def _comparable(rows):
    drop = ("eval_id", "doc_id", "page", "line", "source_ref", "line_start", "line_end")
    return [{k: v for k, v in r.items() if k not in drop and not k.endswith("_line")} for r in rows]


@pytest.mark.parametrize("fmt", FORMATS)
def test_project_evaluation_form_in_every_format(generated, fmt):
    kind, got = _evaluation(generated[f"ev.{fmt}"])
    _, ref = _evaluation(generated["ev.txt"])
    assert kind == "project_evaluation"
    # 002 lines 664-695 (办公大楼管理费): 总分 85 graded 差, 资金总额 46 / 46 / 46 / 0
    ev = got["evaluations"][0]
    assert (ev["project_name"], ev["total_score"], ev["grade"], ev["fiscal_year"]) == ("办公大楼管理费", D("85"), "差", 2023)
    funds = got["eval_funds"][0]
    assert (funds["fund_source"], funds["budget_full_year_wan"], funds["executed_wan"]) == ("total", D("46"), D("0"))
    ind = {i["indicator_name"]: i for i in got["eval_indicators"]}
    assert (ind["日常保洁配备数"]["target_text"], ind["日常保洁配备数"]["weight"], ind["日常保洁配备数"]["score"]) == ("≥6人", D("10"), D("10"))
    assert ind["成本指标"]["deviation_reason"] == "成本为市场成本，未设立单独成本指标"
    # and everything else exactly as the plain-text form parses
    for table in ("evaluations", "eval_funds", "eval_indicators"):
        assert _comparable(got[table]) == _comparable(ref[table]), table


def test_unruled_pdf_columns_and_wrapped_labels(tmp_path):
    """No grid: columns from the cells' extents (left-aligned headers over right-aligned amounts),
    and a label wrapped in its narrow column merged back into its row."""
    from loaders.parsers.final_accounts import parse_final_accounts
    from loaders.readers import read_document

    path = write_pdf(FINAL_ACCOUNTS_DOC[:5] + FINAL_ACCOUNTS_DOC[5:8], tmp_path / "unruled.pdf",
                     col_widths={0: [120, 80, 200, 80], 1: [80, 250, 100, 100, 100]}, ruled=False)
    doc = read_document(path)
    fa = parse_final_accounts(doc)
    inc = one(fa, table_code="T_SUMMARY", side="income", row_label="一、一般公共预算财政拨款收入")
    assert inc["amount_wan"] == D("395.00")
    assert one(fa, table_code="T_SUMMARY", side="expenditure", row_role="grand_total")["amount_wan"] == D("412.50")
    assert one(fa, table_code="T_EXPENDITURE", subject_code="2080505", column_code="basic")["subject_name"] == \
        "机关事业单位基本养老保险缴费支出"


def test_scanned_pdf_is_quarantined_and_the_run_completes(generated, tmp_path):
    from loaders.pipeline import ingest

    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("scan.pdf", "fa.docx", "fa.xlsx", "ev.xlsx", "fa.pdf"):
        (folder / name).write_bytes(generated[name].read_bytes())
    summary = ingest([folder], tmp_path / "home")
    by_name = {Path(o.path).name: o for o in summary.outcomes}
    assert by_name["scan.pdf"].status == "quarantined"
    # a page with a filled rectangle and no image: nothing for OCR either (scans: tests/test_ocr.py)
    assert by_name["scan.pdf"].reason == "no text: the pages carry neither a text layer nor a scanned image"
    assert all(o.status == "parsed" and o.facts > 0 for n, o in by_name.items() if n != "scan.pdf"), by_name


@pytest.mark.parametrize("title,code", [
    ("上海市普陀区财政局2024年度收入支出决算总表", "T_SUMMARY"),
    ("2024年度部门收支决算总表", "T_SUMMARY"),
    ("山西省小企业发展促进局一般公共预算财政拨款支出决算表", "T_GPB_EXPENDITURE"),
    ("项目支出决算表", None),  # not a 支出决算表 with a prefix: 项目 is no unit name
    ("详见收入支出决算总表", None),  # a mention inside a sentence
])
def test_titles_with_unit_name_or_year_prefix(title, code):
    from loaders.model import Cell, Line
    from loaders.parsers.final_accounts import title_of

    found = title_of(Line(lineno=1, cells=[Cell(title, 0)]))
    assert (found[0] if found else None) == code


def test_rotated_landscape_pages_read_like_upright_ones(generated, tmp_path):
    """A landscape table stored on portrait pages with /Rotate 90 gives the same lines and cells."""
    from loaders.readers import read_document

    rotated = write_pdf(FINAL_ACCOUNTS_DOC, tmp_path / "rotated.pdf", col_widths=FA_WIDTHS, rotate=90)
    as_cells = lambda doc: [(ln.page, [(c.col, c.text) for c in ln.cells]) for ln in doc.lines]
    assert as_cells(read_document(rotated)) == as_cells(read_document(generated["fa.pdf"]))


@pytest.mark.parametrize("suffix,reason", [
    (".pdf", "not a readable PDF"), (".docx", "not a readable Word (.docx) file"),
    (".xlsx", "not a readable Excel (.xlsx) file"), (".xls", "not a readable Excel 97-2003 (.xls) file"),
])
def test_damaged_files_are_refused_with_a_plain_reason(tmp_path, suffix, reason):
    from loaders.model import DocumentError
    from loaders.readers import read_document

    path = tmp_path / f"damaged{suffix}"
    path.write_bytes(b"this is not what the name says")
    with pytest.raises(DocumentError) as e:
        read_document(path)
    assert e.value.stage == "read" and e.value.reason.startswith(reason)


def test_docx_paragraphs_inside_content_controls(tmp_path):
    import docx
    from docx.oxml.ns import qn

    from loaders.readers import read_document

    d = docx.Document()
    d.add_paragraph("收入支出决算总表")
    inner = d.add_paragraph("单位：万元")
    sdt = inner._p.makeelement(qn("w:sdt"), {})
    content = sdt.makeelement(qn("w:sdtContent"), {})
    inner._p.addprevious(sdt)
    sdt.append(content)
    content.append(inner._p)  # the paragraph now sits inside a content control (w:sdt)
    d.add_paragraph("总计")
    d.save(tmp_path / "sdt.docx")
    assert [ln.text for ln in read_document(tmp_path / "sdt.docx").lines] == ["收入支出决算总表", "单位：万元", "总计"]


def test_unruled_table_continuing_after_a_page_footer_keeps_its_columns(tmp_path):
    """The continuation page has no amount in 基本支出 at all and a page number printed between the
    two parts: the columns of the continued rows still come from the whole table."""
    from docgen import _subject_table
    from loaders.parsers.final_accounts import parse_final_accounts
    from loaders.readers import read_document

    rows = [(f"20101{k:02d}", f"事务{k}", "10.00", "10.00", "") for k in range(1, 12)]
    rows += [(f"20102{k:02d}", f"项目{k}", "5.00", "", "5.00") for k in range(1, 9)]
    blocks = [("p", "测试局"), ("p", "2024年度部门决算"), ("p", "收入支出决算总表"),
              ("t", [["项目", "决算数", "项目", "决算数"], ["本年收入合计", "200.00", "本年支出合计", "200.00"]]),
              *_subject_table("支出决算表", ["本年支出合计", "基本支出", "项目支出"], ["160.00", "120.00", "40.00"], rows)]
    path = write_pdf(blocks, tmp_path / "footer.pdf", col_widths={1: [80, 200, 100, 100, 100]}, ruled=False,
                     height=420, page_numbers=True)
    doc = read_document(path)
    fa = parse_final_accounts(doc)
    # the premise: page 2 prints no 基本支出 amount, and a page number stands between the two parts
    assert all(c["cell_state"] == "blank" for c in cells(fa, table_code="T_EXPENDITURE", column_code="basic", page=2))
    assert [ln.text for ln in doc.lines if ln.page == 1][-1] == "- 1 -"
    last = one(fa, table_code="T_EXPENDITURE", subject_code="2010208", column_code="project")
    first = one(fa, table_code="T_EXPENDITURE", subject_code="2010101", column_code="project")
    assert (last["page"] > first["page"], last["amount_wan"], last["col"]) == (True, D("5.00"), first["col"])
    assert one(fa, table_code="T_EXPENDITURE", subject_code="2010208", column_code="basic")["cell_state"] == "blank"


def test_shipped_font_subset_covers_every_generated_character():
    """The PDF fixtures need no system font: the subset in tests/fonts (with its OFL licence) holds
    every character the generated documents print, and stays small."""
    from docgen import FONT, _font_chars

    assert FONT.stat().st_size < 200_000
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONT.parent / "OFL.txt").read_text(encoding="utf-8")
    printed = {ch for b in FINAL_ACCOUNTS_DOC + evaluation_blocks(S002) if b[0] != "break"
               for text in ([b[1]] if b[0] == "p" else [c for row in b[1] for c in row if c])
               for ch in text if not ch.isspace()}
    assert not {ch for ch in printed if ord(ch) not in _font_chars()}
    with pytest.raises(ValueError, match="make_subset"):
        write_pdf([("p", "鑫")], Path("/dev/null"))  # a character no fixture prints
