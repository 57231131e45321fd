"""HTML reader (selectolax): a saved government page turned into lines, in document order.

* Text outside tables: each block (paragraph, heading, list item, `div`) is a line of one cell;
  `<br>` starts a new line. Scripts, styles, forms and navigation (`<nav>`, `<header>`, `<footer>`,
  `<aside>`, `role=navigation`, and elements whose class or id names a menu, breadcrumb, share bar…)
  are dropped.
* A `<table>` row is a line with one cell per grid column, as the Word reader makes them: a cell
  spanning columns (colspan) gives its text once at its first column, the columns it covers stay
  empty but keep their place; a cell spanning rows (rowspan) gives its text in its first row and
  leaves its column empty in the rows below. `<br>` and paragraphs inside a cell become spaces. A
  table holding tables (an old page laid out with tables) is page layout, not data: its cells are
  read as blocks, its inner tables as tables.
* Pages of absolutely positioned text (`<div style="position:absolute;top:…;left:…">`, what a PDF
  or Word file exported to HTML looks like, with its table rules drawn as thin bordered boxes; the
  position may come from single-class `<style>` rules and from `bottom` instead of `top`) are
  rebuilt by their coordinates through the PDF reader's layout (`pdf.layout_pages`): the same
  rows, columns and merged cells as the PDF would give. Character widths are estimated from the
  font size (a Chinese or full-width character one em, others half an em).

The charset comes from a byte-order mark, else the page's declaration (`<meta charset=gbk>`,
`content="text/html; charset=gb2312"`), else UTF-8, else GB18030 (`text.decode`). Lines are
numbered through the document (`l<n>`, as for Word); `Line.page` stays None. The number of
positioned pages is returned as the document's page count (None when there are none).
"""
from __future__ import annotations

import re
import unicodedata
from contextvars import ContextVar

from selectolax.lexbor import LexborHTMLParser, LexborNode

from loaders.model import Cell, Line
from loaders.readers.pdf import Char, layout_pages
from loaders.readers.text import decode

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_DROP = {"script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside", "form",
         "select", "button", "iframe", "object", "svg", "canvas", "input", "textarea", "img", "map"}
# class or id words of page furniture around the article (whole words of the attribute value)
_FURNITURE = re.compile(r"(?:^|[\s_-])(nav|navbar|menu|breadcrumbs?|crumbs?|share|toolbar|sidebar|footer|"
                        r"header|topbar|copyright|fontsize|print)(?:$|[\s_-])", re.I)
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
          "article", "main", "blockquote", "pre", "center", "address", "figure", "figcaption", "caption",
          "body", "html", "hr", "fieldset", "legend", "details", "summary"}
_WS = re.compile(r"[ \t\r\n\f\u00a0\u2002\u2003\u2009\u200b]+")
_STYLE = re.compile(r"([a-z-]+)\s*:\s*([^;]+)")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_LENGTH = re.compile(r"^(-?[\d.]+)\s*(pt|px|em)?$")
MIN_POSITIONED = 3  # a container with at least this many positioned text boxes is a page


# declarations of the page's class rules (`.x1{left:12pt}`), for the document being read
_CLASS_RULES: ContextVar[dict[str, dict[str, str]]] = ContextVar("class_rules", default={})


def _declarations(text: str) -> dict[str, str]:
    return {k.lower(): v.strip().lower() for k, v in _STYLE.findall(text or "")}


def _class_rules(tree: LexborHTMLParser) -> dict[str, dict[str, str]]:
    """Declarations of the `<style>` rules whose selector is one class (`.p`, `.x1,.x2`): how
    converters position text boxes by class instead of inline."""
    rules: dict[str, dict[str, str]] = {}
    for style in tree.css("style"):
        css = re.sub(r"/\*.*?\*/|@[^{]+\{[^{}]*\{[^{}]*\}\s*\}", "", style.text() or "", flags=re.S)
        for selectors, body in _RULE.findall(css):
            decl = _declarations(body)
            for sel in selectors.split(","):
                sel = sel.strip()
                if re.fullmatch(r"\.[\w-]+", sel):
                    rules.setdefault(sel[1:], {}).update(decl)
    return rules


def _style(node: LexborNode) -> dict[str, str]:
    """The element's style: its classes' rules, then its inline style."""
    attrs = node.attributes
    rules = _CLASS_RULES.get()
    out: dict[str, str] = {}
    if rules and attrs.get("class"):
        for cls in attrs["class"].split():
            out.update(rules.get(cls, {}))
    out.update(_declarations(attrs.get("style") or ""))
    return out


def _pt(value: str | None, em: float = 12.0) -> float | None:
    """A CSS length in points (px are 0.75 pt)."""
    m = _LENGTH.match((value or "").strip())
    if not m:
        return None
    v = float(m.group(1))
    return v * 0.75 if m.group(2) == "px" else v * em if m.group(2) == "em" else v


def _is_furniture(node: LexborNode) -> bool:
    if node.tag in _DROP:
        return True
    attrs = node.attributes
    if (attrs.get("role") or "").lower() == "navigation" or "display:none" in (attrs.get("style") or "").replace(" ", ""):
        return True
    return any(_FURNITURE.search(attrs.get(a) or "") for a in ("class", "id"))


def _squeeze(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _inline_text(node: LexborNode) -> str:
    """All text inside a node, `<br>` and blocks as spaces, furniture dropped."""
    parts: list[str] = []

    def walk(n: LexborNode) -> None:
        for ch in n.iter(include_text=True):
            if ch.tag == "-text":
                parts.append(ch.text_content or "")
            elif ch.tag in ("-comment",) or not ch.is_element_node or _is_furniture(ch):
                continue
            elif ch.tag == "br":
                parts.append(" ")
            else:
                if ch.tag in _BLOCK or ch.tag in ("td", "th", "tr"):
                    parts.append(" ")
                walk(ch)
    walk(node)
    return _squeeze("".join(parts))


# ------------------------------------------------------------------ tables

def _table_rows(table: LexborNode) -> list[list[Cell]]:
    """The table's rows as grid lines: merged cells once, at their first row and column."""
    rows = []
    for sect in [table] + [c for c in table.iter() if c.tag in ("thead", "tbody", "tfoot")]:
        rows.extend(c for c in sect.iter() if c.tag == "tr")
    out: list[list[Cell]] = []
    below: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for tr in rows:
        texts: dict[int, str] = {}
        col = 0
        for td in (c for c in tr.iter() if c.tag in ("td", "th")):
            while below.get(col, 0) > 0:
                col += 1
            span = max(1, _int(td.attributes.get("colspan")))
            down = max(1, _int(td.attributes.get("rowspan")))
            texts[col] = _inline_text(td)
            for k in range(col, col + span):
                texts.setdefault(k, "")
                if down > 1:
                    below[k] = down  # decremented below, after this row
            col += span
        width = max([*texts, *(k for k, n in below.items() if n > 0)], default=-1) + 1
        out.append([Cell(text=texts.get(k, ""), col=k) for k in range(width)])
        for k in list(below):
            below[k] -= 1
            if below[k] <= 0:
                del below[k]
    return out


def _int(value: str | None) -> int:
    try:
        return int(float((value or "1").strip()))
    except ValueError:
        return 1


# ------------------------------------------------------------------ positioned pages

def _positioned(node: LexborNode) -> dict[str, str] | None:
    st = _style(node)
    if st.get("position") == "absolute" and ("top" in st or "bottom" in st or "left" in st):
        return st
    return None


def _is_page(node: LexborNode) -> bool:
    n = 0
    for ch in node.iter():
        if _positioned(ch) is not None and _squeeze(ch.text() or ""):
            n += 1
            if n >= MIN_POSITIONED:
                return True
    return False


def _advance(ch: str, size: float) -> float:
    return size if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5 * size


def _page_geometry(page: LexborNode) -> tuple[list[Char], list, list]:
    """Characters and rules of one page of positioned boxes, in points with y growing upwards."""
    boxes = []
    for node in page.traverse():
        if node.mem_id == page.mem_id or not node.is_element_node:
            continue
        st = _positioned(node)
        if st is not None:
            boxes.append((node, st))
    st_page = _style(page)
    height = _pt(st_page.get("height"))
    if height is None:
        height = max((_pt(st.get("top") or st.get("bottom")) or 0) + (_pt(st.get("height")) or 20) for _, st in boxes) + 10
    chars: list[Char] = []
    hs: list[tuple[float, float, float]] = []
    vs: list[tuple[float, float, float]] = []
    for node, st in boxes:
        size = _pt(st.get("font-size")) or 12.0
        left = _pt(st.get("left"), size) or 0.0
        top = _pt(st.get("top"), size)
        if top is None:  # placed by its bottom edge (the baseline of a text box)
            top = height - (_pt(st.get("bottom"), size) or 0.0) - (_pt(st.get("height"), size) or size)
        # a positioned box holding other positioned boxes leaves its text to them
        text = "" if any(_positioned(c) is not None for c in node.iter()) else _squeeze(node.text() or "")
        if text:
            line_h = _pt(st.get("line-height"), size) or size
            y1 = height - top - max(0.0, line_h - size) / 2
            x = left
            # white space collapsed as a browser shows it; an ideographic space (U+3000) is not
            # collapsible: a box indented with them starts further right
            for ch in _WS.sub(" ", node.text()).strip(" "):
                w = _advance(ch, size)
                if not ch.isspace():
                    chars.append(Char(ch, x, x + w, y1 - size, y1))
                x += w
            continue
        w, h = _pt(st.get("width")) or 0.0, _pt(st.get("height")) or 0.0
        for side in ("top", "bottom", "left", "right"):
            if not (st.get(f"border-{side}") or st.get("border")) or "none" in (st.get(f"border-{side}") or st.get("border")):
                continue
            if side in ("top", "bottom") and w >= 4.0:
                y = top if side == "top" else top + h
                hs.append((height - y, left, left + w))
            elif side in ("left", "right") and h >= 4.0:
                x = left if side == "left" else left + w
                vs.append((x, height - top - h, height - top))
        if not any(k.startswith("border") for k in st) and "background" in " ".join(st) and (w <= 3.0 or h <= 3.0):
            if w >= 4.0:  # a filled thin box drawn as a rule
                hs.append((height - top - h / 2, left, left + w))
            elif h >= 4.0:
                vs.append((left + w / 2, height - top - h, height - top))
    return chars, _merge_rules(hs), _merge_rules(vs)


def _merge_rules(segs: list[tuple[float, float, float]], tol: float = 0.5) -> list[tuple[float, float, float]]:
    """Collinear rules that touch or overlap as one: an export draws each cell's borders as its own
    boxes, so one table rule arrives as many pieces (the lines they cover are the same)."""
    out: list[list[float]] = []
    for pos, lo, hi in sorted(segs, key=lambda s: (round(s[0] / tol), s[1])):
        last = out[-1] if out else None
        if last and abs(last[0] - pos) <= tol and lo <= last[2] + tol:
            last[2] = max(last[2], hi)
        else:
            out.append([pos, lo, hi])
    return [tuple(s) for s in out]


# ------------------------------------------------------------------ document

def _blocks(root: LexborNode):
    """('line', [Cell]) and ('page', geometry) items in document order."""
    buf: list[str] = []

    def flush():
        text = _squeeze("".join(buf))
        buf.clear()
        if text:
            return [("line", [Cell(text=text, col=0)])]
        return []

    def walk(n: LexborNode, layout: bool = False):
        for ch in n.iter(include_text=True):
            if ch.tag == "-text":
                buf.append(ch.text_content or "")
                continue
            if not ch.is_element_node or _is_furniture(ch):
                continue
            if ch.tag == "br":
                yield from flush()
            elif ch.tag == "table" and len(ch.css("table")) > 1:
                # a table holding tables lays out the page: its cells are read as page content
                yield from flush()
                yield from walk(ch, layout=True)
                yield from flush()
            elif ch.tag == "table":
                yield from flush()
                for cells in _table_rows(ch):
                    yield ("line", cells)
            elif layout and ch.tag in ("thead", "tbody", "tfoot", "tr", "td", "th"):
                yield from flush()
                yield from walk(ch, layout=True)
                yield from flush()
            elif ch.tag in ("td", "th", "tr"):  # stray table parts outside a table
                yield from flush()
                buf.append(_inline_text(ch))
                yield from flush()
            elif _is_page(ch) and not any(_is_page(c) for c in ch.iter()):
                yield from flush()
                yield ("page", _page_geometry(ch))
            elif ch.tag in _BLOCK:
                yield from flush()
                yield from walk(ch)
                yield from flush()
            else:
                yield from walk(ch)
    yield from walk(root)
    yield from flush()


def read_html(data: bytes) -> tuple[list[Line], int | None]:
    m = _DECLARED.search(data[:8192])
    text = decode(data, m.group(1).decode("ascii") if m else None)
    tree = LexborHTMLParser(text)
    token = _CLASS_RULES.set(_class_rules(tree))
    try:
        return _read(tree)
    finally:
        _CLASS_RULES.reset(token)


def _read(tree: LexborHTMLParser) -> tuple[list[Line], int | None]:
    root = tree.body or tree.root
    lines: list[Line] = []
    pages: list = []
    n_pages = 0

    def add_pages():
        nonlocal n_pages
        if pages:
            for ln in layout_pages(pages):
                lines.append(Line(lineno=len(lines) + 1, cells=ln.cells))
            n_pages += len(pages)
            pages.clear()

    if root is not None:
        for kind, item in _blocks(root):
            if kind == "page":
                pages.append(item)
                continue
            add_pages()  # a run of pages is laid out together: a table continues over pages
            lines.append(Line(lineno=len(lines) + 1, cells=item))
    add_pages()
    return lines, (n_pages or None)
