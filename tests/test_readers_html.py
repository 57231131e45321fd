"""HTML reader: tables into the Word reader's cell grid, paragraphs in order, page furniture dropped,
declared charsets, and pages of absolutely positioned text rebuilt by their coordinates.

The small pages are written here with the figures of the real 烟台市退役军人事务局 2026 budget page
(`shared/fixtures/real/files/shandong_yantai_veterans_bureau_2026_dept_budget.html`, 公开表1 and
公开表7); the real pages are read when `../shared` is beside the project."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from loaders.model import DocumentError
from loaders.readers import read_document
from loaders.readers.html import read_html

FILES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "files"
YANTAI = FILES / "shandong_yantai_veterans_bureau_2026_dept_budget.html"
KUNMING = FILES / "yunnan_kunming_audit_bureau_2026_dept_budget.html"
real = pytest.mark.skipif(not YANTAI.exists(), reason="../shared is not beside the project")


def rows(lines):
    return [[c.text for c in ln.cells] for ln in lines]


# 公开表7 (一般公共预算“三公”经费支出情况表) of the 烟台 page, as a <table>: a header over three rows
THREE_PUBLIC = """<table border=1>
<tr><td colspan=6>2025年预算数</td><td colspan=6>2026年预算数</td></tr>
<tr><td rowspan=2>合计</td><td rowspan=2>因公出国（境）<br>经费</td><td colspan=3>公务用车购置及运行维护费</td>
    <td rowspan=2>公务接待费</td>
    <td rowspan=2>合计</td><td rowspan=2>因公出国（境）<br>经费</td><td colspan=3>公务用车购置及运行维护费</td>
    <td rowspan=2>公务接待费</td></tr>
<tr><th>小计</th><th>公务用车购置经费</th><th>公务用车运行维护费</th>
    <th>小计</th><th>公务用车购置经费</th><th>公务用车运行维护费</th></tr>
<tr><td>28.10</td><td></td><td>19.90</td><td></td><td>19.90</td><td>8.20</td>
    <td>25.02</td><td></td><td>17.40</td><td></td><td>17.40</td><td>7.62</td></tr>
</table>"""


def test_rowspan_and_colspan_give_the_word_grid():
    lines, pages = read_html(("<html><body>" + THREE_PUBLIC + "</body></html>").encode())
    assert pages is None
    assert rows(lines) == [
        ["2025年预算数", "", "", "", "", "", "2026年预算数", "", "", "", "", ""],
        ["合计", "因公出国（境） 经费", "公务用车购置及运行维护费", "", "", "公务接待费",
         "合计", "因公出国（境） 经费", "公务用车购置及运行维护费", "", "", "公务接待费"],
        ["", "", "小计", "公务用车购置经费", "公务用车运行维护费", "",
         "", "", "小计", "公务用车购置经费", "公务用车运行维护费", ""],
        ["28.10", "", "19.90", "", "19.90", "8.20", "25.02", "", "17.40", "", "17.40", "7.62"],
    ]
    assert [ln.source_ref for ln in lines] == ["l1", "l2", "l3", "l4"]


def test_paragraphs_in_order_furniture_dropped_nbsp_and_br():
    page = """<html><head><title>t</title><style>p{color:red}</style><script>var x = "收入总计";</script></head>
<body><nav><a href="/">首页</a></nav><div class="crumbs">当前位置：政务公开</div>
<h1>2026年烟台市退役军人事务局部门预算</h1>
<p>公开表1&nbsp;收支总体情况表</p>
<p>一、财政拨款收入<br/>28,685.65</p>
<table><tr><td>本年收入合计</td><td>32,471.49</td></tr></table>
<p>收入总计 <span>35,874.49</span></p>
<div class="footer">版权所有</div></body></html>"""
    lines, _ = read_html(page.encode())
    assert rows(lines) == [["2026年烟台市退役军人事务局部门预算"], ["公开表1 收支总体情况表"], ["一、财政拨款收入"],
                           ["28,685.65"], ["本年收入合计", "32,471.49"], ["收入总计 35,874.49"]]


@pytest.mark.parametrize("declaration", ['<meta charset="gbk">', "<meta charset=gb2312>",
                                         '<meta http-equiv="Content-Type" content="text/html; charset=GBK">'])
def test_declared_gbk_charset(declaration):
    page = f"<html><head>{declaration}</head><body><p>部门（单位）：烟台市退役军人事务局</p></body></html>"
    lines, _ = read_html(page.encode("gbk"))
    assert rows(lines) == [["部门（单位）：烟台市退役军人事务局"]]


def test_utf16_page_with_bom():
    page = "<html><body><table><tr><td>政府性基金预算收入</td><td>218.00</td></tr></table></body></html>"
    lines, _ = read_html(b"\xff\xfe" + page.encode("utf-16-le"))
    assert rows(lines) == [["政府性基金预算收入", "218.00"]]


def _box(top, left, text, size=9.4):
    return (f'<div class="p" style="top:{top}pt;left:{left}pt;line-height:{size}pt;font-size:{size}pt;'
            f'width:auto;position:absolute;">{text}</div>')


def _rule(left, top, width, height):
    side = "border-bottom" if height == 0 else "border-right"
    return (f'<div class="r" style="position:absolute;left:{left}pt;top:{top}pt;width:{width}pt;'
            f'height:{height}pt;{side}:0.5pt solid #000000;"> </div>')


def test_positioned_page_rebuilt_into_rows_and_columns():
    # the first rows of 公开表1 as the 烟台 page prints them: ruled, boxes positioned in pt
    xs = [44.0, 184.4, 297.5, 439.0, 552.0]
    ys = [103.0, 121.5, 140.0, 158.5]
    rules = [_rule(xs[0], y, xs[-1] - xs[0], 0) for y in ys] + [_rule(x, ys[0], 0, ys[-1] - ys[0]) for x in xs]
    boxes = [_box(107.7, 104.26, "项目"), _box(107.7, 226.83, "预算数"), _box(107.7, 358.8, "项目"),
             _box(107.7, 481.37, "预算数"),
             _box(126.09, 44.95, "一、财政拨款收入"), _box(126.07, 253.08, "28,685.65", 9.43),
             _box(126.42, 299.5, "一、一般公共服务支出", 8.48),
             _box(144.47, 63.75, "一般公共预算收入"), _box(144.46, 253.08, "28,467.65", 9.43),
             _box(144.8, 299.5, "四、教育支出", 8.48), _box(144.46, 521.76, "148.95", 9.43)]
    page = ('<html><body><h1>收支总体情况表</h1><div class="page" style="width:595.0pt;height:842.0pt;position:relative">'
            + "".join(rules + boxes) + "</div><p>关闭</p></body></html>")
    lines, pages = read_html(page.encode())
    assert pages == 1
    assert rows(lines) == [["收支总体情况表"], ["项目", "预算数", "项目", "预算数"],
                           ["一、财政拨款收入", "28,685.65", "一、一般公共服务支出"],
                           ["一般公共预算收入", "28,467.65", "四、教育支出", "148.95"], ["关闭"]]
    assert [ln.source_ref for ln in lines] == ["l1", "l2", "l3", "l4", "l5"]
    assert lines[2].cells[1].x0 == pytest.approx(253.1, abs=0.1)


def test_registered_for_html_and_htm(tmp_path):
    for name in ("page.html", "page.HTM"):
        p = tmp_path / name
        p.write_text("<html><body><p>部门预算</p></body></html>", encoding="utf-8")
        doc = read_document(p)
        assert doc.file_format == "html" and doc.lines[0].text == "部门预算"
    empty = tmp_path / "empty.html"
    empty.write_text("<html><head><script>var a=1</script></head><body></body></html>", encoding="utf-8")
    with pytest.raises(DocumentError, match="no text"):
        read_document(empty)


@real
def test_real_yantai_positioned_pages():
    doc = read_document(YANTAI)
    assert doc.file_format == "html" and doc.pages == 52  # the cover has two boxes: read as text
    by_first = {}
    for ln in doc.lines:
        by_first.setdefault(ln.cell(0), []).append(ln)
    # 公开表1 收支总体情况表: income and expenditure side by side, four columns
    row = by_first["一、财政拨款收入"][0]
    assert row.texts == ["一、财政拨款收入", "28,685.65", "一、一般公共服务支出"]
    total = by_first["本年收入合计"][0]
    assert total.texts == ["本年收入合计", "32,471.49", "本年支出合计", "35,874.49"]
    # 公开表2 收入总体情况表: 类 code in column 0, subject name in column 3, amounts from column 4
    edu = by_first["205"][0]
    assert [(c.col, c.text) for c in edu.cells] == [(0, "205"), (3, "教育支出"), (4, "148.95"), (5, "39.15"),
                                                    (6, "39.15"), (10, "0.80"), (12, "109.00")]
    # 公开表7 三公: the merged header over two rows, the figures under their own columns
    i = next(k for k, ln in enumerate(doc.lines) if ln.text == "一般公共预算“三公”经费支出情况表")
    head1, head2, figures = doc.lines[i + 3], doc.lines[i + 4], doc.lines[i + 5]
    assert head1.cell(2) == "公务用车购置及运行维护费" and head1.cell(5) == "公务接待费"
    assert head2.cell(2) == "小计" and head2.cell(4) == "公务用车运行维护费"
    assert [(c.col, c.text) for c in figures.cells] == [(0, "28.10"), (2, "19.90"), (4, "19.90"), (5, "8.20"),
                                                        (6, "25.02"), (8, "17.40"), (10, "17.40"), (11, "7.62")]
    # the page's scripts and share bar are not text of the document
    assert not any("function" in ln.text or "分享" in ln.text for ln in doc.lines)


@real
def test_real_kunming_paragraphs():
    doc = read_document(KUNMING)
    texts = [ln.text for ln in doc.lines]
    assert all(ln.width == 1 for ln in doc.lines)  # no <table> on the page: one cell per paragraph
    assert "昆明市审计局（汇总）2026年部门预算编制说明" in texts
    assert "所属单位31个，其中：行政单位15个，参公单位0个，事业单位16个。" in texts
    # the table of contents keeps its order: 一 before 十七
    assert texts.index("一、部门财务收支预算总表") < texts.index("十七、部门项目中期规划预算表")
    assert not any("var " in t or "function(" in t for t in texts)


@real
def test_html_read_time():
    read_document(KUNMING)  # warm: the first read loads OpenCC for the script check
    times = []
    for _ in range(5):
        start = time.perf_counter()
        read_document(KUNMING)
        times.append(time.perf_counter() - start)
    assert min(times) < 0.05  # a 114 KB page of paragraphs reads in well under 50 ms


def test_page_laid_out_with_a_table_reads_its_content():
    # an older page: the whole article sits in a layout table; the data table inside stays a table
    page = ("<html><body><table width=100%><tr><td class=left>收支总体情况表</td></tr><tr><td>"
            "<p>部门（单位）：烟台市退役军人事务局</p><p>单位：万元</p>"
            "<table border=1><tr><td>本年收入合计</td><td>32,471.49</td><td>本年支出合计</td><td>35,874.49</td></tr>"
            "<tr><td>收入总计</td><td>35,874.49</td><td>支出总计</td><td>35,874.49</td></tr></table>"
            "</td></tr></table></body></html>")
    lines, _ = read_html(page.encode())
    assert rows(lines) == [["收支总体情况表"], ["部门（单位）：烟台市退役军人事务局"], ["单位：万元"],
                           ["本年收入合计", "32,471.49", "本年支出合计", "35,874.49"],
                           ["收入总计", "35,874.49", "支出总计", "35,874.49"]]


def test_unruled_positioned_page_columns_from_the_boxes():
    # 公开表7's figures without any rule: columns come from the boxes' extents, as for an unruled PDF
    top = 200.0
    boxes = [_box(180.0, 60.0, "合计"), _box(180.0, 140.0, "公务用车购置及运行维护费"), _box(180.0, 300.0, "公务接待费"),
             _box(top, 66.0, "28.10"), _box(top, 160.0, "19.90"), _box(top, 305.0, "8.20"),
             _box(top + 18, 66.0, "25.02"), _box(top + 18, 160.0, "17.40"), _box(top + 18, 305.0, "7.62")]
    page = '<div class="page" style="width:595pt;height:842pt;position:relative">' + "".join(boxes) + "</div>"
    lines, pages = read_html(page.encode())
    assert pages == 1
    assert [[(c.col, c.text) for c in ln.cells] for ln in lines] == [
        [(0, "合计"), (1, "公务用车购置及运行维护费"), (2, "公务接待费")],
        [(0, "28.10"), (1, "19.90"), (2, "8.20")], [(0, "25.02"), (1, "17.40"), (2, "7.62")]]


def test_positions_from_class_rules_and_bottom():
    # how pdf2htmlEX-style converters place boxes: classes in a <style> block, y from the page bottom
    css = ("<style>.pc{position:relative;width:595pt;height:842pt}.t{position:absolute;font-size:9.4pt}"
           ".x0{left:60pt}.x1{left:160pt}.x2{left:305pt}.y0{bottom:642pt}.y1{bottom:624pt}</style>")
    cells = [("x0 y0", "合计"), ("x1 y0", "公务用车购置及运行维护费"), ("x2 y0", "公务接待费"),
             ("x0 y1", "28.10"), ("x1 y1", "19.90"), ("x2 y1", "8.20"), ("x0 y1", "")]
    page = (f"<html><head>{css}</head><body><div class=pc>"
            + "".join(f'<div class="t {c}">{t}</div>' for c, t in cells) + "</div></body></html>")
    lines, pages = read_html(page.encode())
    assert pages == 1
    assert rows(lines) == [["合计", "公务用车购置及运行维护费", "公务接待费"], ["28.10", "19.90", "8.20"]]


def test_saved_page_is_ingested_and_quarantined_by_content_not_format(tmp_path):
    """A saved page goes through the pipeline: read as HTML, then classified by what it says (a page
    with no fiscal tables is "not a fiscal document", never "not a document format")."""
    import pyarrow.parquet as pq

    from loaders.pipeline import ingest

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notice.htm").write_bytes("<html><head><meta charset=gbk></head><body><p>关于召开会议的通知</p>"
                                       "</body></html>".encode("gbk"))
    summary = ingest([inbox], tmp_path / "home")
    (outcome,) = summary.outcomes
    assert outcome.status == "quarantined" and outcome.reason.startswith("not a fiscal document")
    rejects = pq.read_table(tmp_path / "home" / "raw" / "rejects").to_pylist()
    assert [(r["source_name"], r["file_format"], r["stage"]) for r in rejects] == [("notice.htm", "html", "classify")]
