"""HTML report page -> Document.

Government report pages come in every vintage: TRS/Hanweb article pages with the report
in one content div, old sites laid out with nested tables, MS-Word "save as web page"
exports (cells wrapped in <p><span>, mso- styles, <o:p>), and newer front ends that draw
the statistical tables with <div> grids. The reader

1. decodes the bytes (extractors.encoding: GBK pages with no or a wrong charset),
2. reads title and publication date from <meta> (before anything is removed),
3. removes site chrome -- navigation, header, footer, sidebars -- by tag, id/class and
   the footer's own words (主办单位, 网站标识码, ICP备...), so the site's phone number never
   reaches the body, where contacts are read,
4. finds the content root: from <body>, step into the child holding most of the
   non-link text while one does,
5. walks the root in document order: blocks become one-cell rows, *leaf* tables and div
   grids become grids (extractors.documents.grid), nested layout tables are walked through,
6. gives the cleaned root to trafilatura once for the running text, each data table it
   has already read in step 5 standing in as one line per table row: trafilatura's own
   table handling took two thirds of a report page's reading time (6 of 9 ms on the
   national web's pages) to produce the same cell texts again. (Not a table nested in a
   layout table: trafilatura writes the outer table, lines and all, as table cells.)

All DOM passes are linear, so the whole read stays within a small factor of trafilatura's
own time on the page.
"""
from __future__ import annotations

import re
import time

import lxml.html
from lxml import etree

from extractors.document import Document, Row
from extractors.documents import grid
from extractors.encoding import decode
from extractors.errors import ExtractionError

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_NOISE_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed",
               "select", "option", "button", "input", "textarea", "svg", "map", "link")
_CHROME_TAGS = {"nav", "header", "footer", "aside", "menu"}
# id/class words of chrome; a token like "main-nav" or "foot_wrap" is split on - and _.
_CHROME_WORDS = {"nav", "navbar", "navigation", "menu", "menus", "header", "footer", "foot",
                 "sidebar", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "copyright",
                 "share", "banner", "search", "topbar", "bottom", "toolbar", "login",
                 "friendlink", "links", "weizhi", "dqwz", "daohang"}
# ...unless the same token names a part of a div table ("table-header" is a grid row).
_GRID_WORDS = {"table", "tbl", "tr", "td", "th", "row", "cell", "thead", "tbody", "col"}
_TOKEN_SPLIT = re.compile(r"[-_\s]+")
_FOOTER_MARKERS = re.compile(
    r"主办单位|承办单位|主办[:：]|网站标识码|ICP备|ICP证|公网安备|版权所有|Copyright|©|技术支持[:：]|网站地图|政府网站找错",
    re.I)
_TOOL_LINE = re.compile(r"打印|关闭(本页|窗口)|字号|字体[:：]|分享到|收藏|上一篇|下一篇|返回顶部")
# Blocks end a line of text; everything else is inline.
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dd", "dt",
           "table", "tr", "td", "th", "tbody", "thead", "tfoot", "caption", "section",
           "article", "main", "blockquote", "pre", "center", "form", "address", "hr",
           "header", "footer", "nav", "aside", "figure", "figcaption", "body", "html"}
# Containers the content-root search may step into (never into a paragraph or a data table).
_CONTAINERS = {"html", "body", "div", "section", "article", "main", "center", "form", "table",
               "tbody", "thead", "tr", "td", "th", "font"}
_MAX_LOOSE_CELL = 80  # a cell of a div-drawn row outside a table is a label or a figure
_CJK_CHAR = re.compile(rf"[{grid.CJK}]")
_REPORT_TITLE = re.compile(r"年度?报告|年报")
_YEAR_IN_TITLE = re.compile(r"(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4}")
# a title's element by its class or id: title, art_title, tit, bt, biaoti, headline
_TITLE_CLASS = re.compile(r"title|(?:^|[\s_\-])(?:tit|bt|biaoti|headline)(?:$|[\s_\-\d])")
_TITLE_SUFFIX = re.compile(r"\s*(?:[-_|｜—－]{1,2}|——)\s*")
_PUBLISHED_METAS = ("pubdate", "publishdate", "publish_date", "publishtime", "article:published_time",
                    "og:published_time", "firstpublishedtime", "datepublished", "dc.date.issued",
                    "dcterms.issued", "dc.date", "releasedate", "createdate")
_DATE_IN_PAGE = r"(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)"
# a labelled date: 发布日期：…, or in a metadata table's cells with no colon (发布日期 | 2025-01-15);
# a bare 日期/时间 label only on its own, not the end of 截止日期 / 统计时间
_PUBLISHED_IN_PAGE = re.compile(
    r"([发發]布(?:[时時][间間]|日期)|公[开開]日期)\s*[:：]?\s*" + _DATE_IN_PAGE
    + r"|([发發]文日期|(?<![\u4e00-\u9fff])(?:日期|[时時][间間]))\s*[:：]\s*" + _DATE_IN_PAGE
    + r"|(成文日期)\s*[:：]?\s*" + _DATE_IN_PAGE)  # (traditional characters too: 發布日期)
# an unlabelled date in the article's information bar (<span>2025-01-15 10:23</span>)
_INFO_BAR = re.compile(r"info|date|time|pub|fbsj|rq|source|attr|property|xx", re.I)
_BARE_DATE = re.compile(r"^\D{0,6}(\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)")
_ICON_SRC = re.compile(r"logo|icon|print|share|close|wza|arrow|bullet|spacer|blank|pixel|qrcode|ewm|weixin|weibo", re.I)


def read(data: bytes, *, declared_charset: str | None = None, deadline: float, **_) -> Document:
    """Read an HTML page; see the module docstring for the steps."""
    source = _XML_DECLARATION.sub("", decode(data, declared_charset), count=1)
    try:
        page = lxml.html.document_fromstring(source)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError("unreadable", f"no HTML document in the page ({exc})") from None
    etree.strip_elements(page, etree.Comment, etree.ProcessingInstruction, *_NOISE_TAGS, with_tail=False)
    title = _title(page)
    published = _published(page)

    chars = _measure(page)
    _remove_chrome(page, chars)
    chars = _measure(page)
    body = page.find("body")
    root = _content_root(body if body is not None else page, chars)

    walker = _BodyWalker(chars, deadline)
    walker.walk_root(root)
    for element in walker.skipped:
        element.drop_tree()
    images = _count_images(root)
    for element, cells in walker.grids:
        if not _inside_table(element, root):  # trafilatura would write the lines as an outer table's cell
            _replace_with_lines(element, cells)
    text = _running_text(root) or grid.rows_text(walker.rows)
    notes = []
    if not walker.rows:
        notes.append("no report body found in the page")
    return Document(rows=walker.rows, text=text, kind="html", cell_rows=True,
                    title=title, published=published, images=images, notes=notes)


# ---------------------------------------------------------------- metadata

def _meta(page, *names: str) -> str | None:
    """The first non-empty <meta name|property|itemprop=...> content among names, in order."""
    found = {}
    for meta in page.iter("meta"):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip().lower()
        content = _collapse(meta.get("content") or "")
        if key and content and key not in found:
            found[key] = content
    for name in names:
        if found.get(name):
            return found[name]
    return None


def _title(page) -> str | None:
    """ArticleTitle / og:title (minus a site name appended), else a heading that names a
    report and its year, else <title> minus the site."""
    meta = _meta(page, "articletitle", "og:title", "title")
    if meta and _YEAR_IN_TITLE.search(meta):
        return _report_part(meta)
    for element in page.iter("h1", "h2", "h3", "div", "p", "span", "td"):
        marker = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
        if element.tag.startswith("h") or _TITLE_CLASS.search(marker):
            text = _collapse(element.text_content())
            # a column's heading (政府信息公开年报) names no year: not this report's title
            if 6 <= len(text) <= 80 and _REPORT_TITLE.search(text) and _YEAR_IN_TITLE.search(text):
                return text
    if meta:
        return _report_part(meta)
    head_title = page.find(".//title")
    if head_title is None:
        return None
    return _report_part(_collapse(head_title.text_content()))


def _report_part(title: str) -> str | None:
    """The part of "report title_site name" that names the report."""
    parts = [p for p in _TITLE_SUFFIX.split(title) if p]
    if not parts:
        return None
    return next((p for p in parts if _REPORT_TITLE.search(p)), parts[0])


def _published(page) -> str | None:
    """Raw date string: a <meta> first, else a labelled date anywhere on the page (发布日期
    before 发文日期 or a bare 日期/时间, 成文日期 last: a gkmlpt metadata table lists 成文日期
    first), else an unlabelled date in the article's information bar."""
    meta = _meta(page, *_PUBLISHED_METAS)
    if meta:
        return meta
    found = {}
    for match in _PUBLISHED_IN_PAGE.finditer(page.text_content()):
        rank = next(i for i in range(3) if match.group(2 * i + 1))
        found.setdefault(rank, match.group(2 * rank + 2))
    if found:
        return _collapse(found[min(found)])
    for element in page.iter("div", "span", "p", "td", "li", "em", "i", "font"):
        marker = f"{element.get('class') or ''} {element.get('id') or ''}"
        if _INFO_BAR.search(marker):
            bare = _BARE_DATE.match(_collapse(element.text_content()))
            if bare and len(_collapse(element.text_content())) <= 120:
                return bare.group(1)
    return None


# ---------------------------------------------------------------- finding the body

def _measure(page) -> dict:
    """Element -> (all text chars, chars outside links) of its subtree, in one pass."""
    elements = [e for e in page.iter() if isinstance(e.tag, str)]
    chars = {}
    for element in reversed(elements):  # children before parents
        own = len((element.text or "").strip())
        total, nonlink = own, own
        for child in element:
            tail = len((child.tail or "").strip())
            child_all, child_nonlink = chars.get(child, (0, 0))
            total += child_all + tail
            nonlink += (0 if child.tag == "a" else child_nonlink) + tail
        if element.tag == "a":
            nonlink = 0
        chars[element] = (total, nonlink)
    return chars


def _tokens(element) -> set[str]:
    words = set()
    for value in (element.get("id"), element.get("class")):
        if value:
            for token in value.lower().split():
                words.add(token)
                words.update(_TOKEN_SPLIT.split(token))
    return words


def _remove_chrome(page, chars) -> None:
    """Drop nav/header/footer/sidebars named as such, unless one holds most of the page."""
    body = page.find("body")
    page_chars = chars.get(body if body is not None else page, (0, 0))[1] or 1
    doomed = []
    for element in page.iter():
        if not isinstance(element.tag, str) or element.tag in ("html", "body"):
            continue
        words = _tokens(element)
        if element.tag in _CHROME_TAGS or (words & _CHROME_WORDS and not words & _GRID_WORDS):
            if chars.get(element, (0, 0))[1] <= 0.4 * page_chars:
                doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _content_root(node, chars):
    """Step from <body> into the child holding >= 70% of the non-link text, while one does."""
    while True:
        total = chars.get(node, (0, 0))[1]
        children = [c for c in node if isinstance(c.tag, str) and c.tag in _CONTAINERS
                    and not _is_leaf_grid(c)]
        best = max(children, key=lambda c: chars.get(c, (0, 0))[1], default=None)
        if best is None or total == 0 or chars.get(best, (0, 0))[1] < 0.7 * total:
            return node
        node = best


# ---------------------------------------------------------------- tables and div grids

_DISPLAY = re.compile(r"display\s*:\s*([a-z-]+)", re.I)
_GRID_COLUMNS = re.compile(r"grid-template-columns\s*:\s*([^;]+)", re.I)
_REPEAT = re.compile(r"repeat\(\s*(\d+)", re.I)
_GRID_SPAN = {"col": re.compile(r"grid-column\s*:\s*([^;]+)", re.I),
              "row": re.compile(r"grid-row\s*:\s*([^;]+)", re.I)}
_ROLES = {"table": "table", "grid": "table", "treegrid": "table", "rowgroup": "group", "row": "row",
          "cell": "cell", "gridcell": "cell", "columnheader": "cell", "rowheader": "cell"}
_DISPLAYS = {"table": "table", "inline-table": "table", "table-row-group": "group",
             "table-header-group": "group", "table-footer-group": "group", "table-row": "row",
             "table-cell": "cell", "grid": "cssgrid", "inline-grid": "cssgrid"}
_CLASS_PARTS = {"table": "table", "tbl": "table", "divtable": "table", "div-table": "table",
                "thead": "group", "tbody": "group", "tfoot": "group", "table-body": "group",
                "table-head": "group", "table-header": "row", "tr": "row", "row": "row",
                "table-row": "row", "tbl-row": "row", "td": "cell", "th": "cell", "cell": "cell",
                "table-cell": "cell", "tbl-cell": "cell"}


def _grid_part(element) -> str | None:
    """What an element is in a div-drawn table: table/cssgrid/group/row/cell, or None."""
    if element.tag in ("table", "tr", "td", "th", "tbody", "thead", "tfoot"):
        return None  # a real table is read as one
    role = (element.get("role") or "").strip().lower()
    if role in _ROLES:
        return _ROLES[role]
    style = element.get("style") or ""
    display = _DISPLAY.search(style)
    if display and display.group(1).lower() in _DISPLAYS:
        return _DISPLAYS[display.group(1).lower()]
    for token in (element.get("class") or "").lower().split():
        if token in _CLASS_PARTS:
            return _CLASS_PARTS[token]
    return None


def _is_leaf_grid(element) -> bool:
    """A <table> or div grid with no table inside: a data table, read as a grid."""
    if element.tag == "table":
        return element.find(".//table") is None
    if _grid_part(element) in ("table", "cssgrid"):
        return element.find(".//table") is None and not any(
            _grid_part(d) in ("table", "cssgrid") for d in element.iterdescendants() if isinstance(d.tag, str))
    return False


def _span_attr(element, kind: str) -> int:
    """rowspan/colspan from the attribute, data-attribute or a grid-row/column: span N style."""
    limit = grid.MAX_COLUMNS if kind == "col" else grid.MAX_ROWSPAN
    for name in (f"{kind}span", f"data-{kind}span"):
        if element.get(name):
            return grid.span(element.get(name), limit)
    style = _GRID_SPAN[kind].search(element.get("style") or "")
    if style:
        value = style.group(1)
        if "span" in value:
            return grid.span(value.split("span", 1)[1], limit)
        if "/" in value:
            start, end = (grid.span(v, 10**6) for v in value.split("/", 1))
            return max(1, min(end - start, limit))
    return 1


def _cell(element) -> grid.Cell:
    return grid.Cell(_cell_text(element), _span_attr(element, "row"), _span_attr(element, "col"))


def _table_cells(table) -> list[list[grid.Cell]]:
    return [[_cell(td) for td in tr if td.tag in ("td", "th")] for tr in table.iter("tr")]


def _div_grid_cells(container) -> list[list[grid.Cell]]:
    """Rows of a div table: row elements (through row groups), or cells flowed into columns."""
    rows, loose = [], []
    pending = list(container)
    while pending:
        element = pending.pop(0)
        if not isinstance(element.tag, str):
            continue
        part = _grid_part(element)
        if part == "group":
            pending[0:0] = list(element)
        elif part == "row":
            cells = [c for c in element if isinstance(c.tag, str)]
            typed = [c for c in cells if _grid_part(c) == "cell"]
            rows.append([_cell(c) for c in (typed or cells)])
        else:
            loose.append(element)
    if rows:
        return rows
    # a CSS grid: cells placed left to right into grid-template-columns columns
    columns = _GRID_COLUMNS.search(container.get("style") or "")
    if not columns:
        return []
    repeat = _REPEAT.search(columns.group(1))
    width = int(repeat.group(1)) if repeat else len(columns.group(1).split())
    width = max(1, min(width, grid.MAX_COLUMNS))
    return _flow(loose, width)


def _flow(elements, width: int) -> list[list[grid.Cell]]:
    """Auto-place CSS grid items row by row, skipping positions covered by row spans."""
    taken: set[tuple[int, int]] = set()
    rows: list[list[grid.Cell]] = []
    r = c = 0
    for element in elements:
        cell = _cell(element)
        colspan = min(cell.colspan, width)
        while True:
            if c + colspan > width:
                r, c = r + 1, 0
            if all((r, c + i) not in taken for i in range(colspan)):
                break
            c += 1
        while len(rows) <= r:
            rows.append([])
        rows[r].append(grid.Cell(cell.text, cell.rowspan, colspan))
        for dr in range(cell.rowspan):
            for dc in range(colspan):
                taken.add((r + dr, c + dc))
        c += colspan
    return rows


# ---------------------------------------------------------------- walking the body

class _BodyWalker:
    """Turns the content root into rows: one-cell rows for blocks, grids for data tables."""

    def __init__(self, chars, deadline: float):
        self.chars = chars
        self.deadline = deadline
        self.rows: list[Row] = []
        self.skipped = []
        self.grids: list[tuple[object, list[list[grid.Cell]]]] = []  # data tables read, and their cells
        self._line: list[str] = []
        self._seen = 0

    def walk_root(self, root) -> None:
        self._children(root)
        self._flush()

    def _children(self, element) -> None:
        if element.text:
            self._line.append(element.text)
        for child in element:
            if isinstance(child.tag, str):
                self._walk(child)
            if child.tail:
                self._line.append(child.tail)

    def _walk(self, element) -> None:
        self._seen += 1
        if self._seen % 500 == 0:
            self._check_deadline()
        tag = element.tag
        if tag == "br":
            self._flush()
            return
        block = tag in _BLOCKS or _grid_part(element) is not None
        if _grid_part(element) == "row" and self._loose_row(element):
            return
        if block and self._is_chrome(element):
            self.skipped.append(element)
            return
        if (tag == "table" or _grid_part(element) in ("table", "cssgrid")) and _is_leaf_grid(element):
            cells = _table_cells(element) if tag == "table" else _div_grid_cells(element)
            table_rows = grid.layout(cells)
            if table_rows and max(len(r) for r in table_rows) >= 2:
                self._check_deadline()
                self._flush()
                self.rows.extend(table_rows)
                self.rows.append([])
                self.grids.append((element, cells))
                return
            # a one-column "table" is a layout box: read its text as blocks
        if block:
            self._flush()
            self._children(element)
            self._flush()
        else:
            self._children(element)

    def _loose_row(self, element) -> bool:
        """A table row drawn with divs outside any table element (`<div class="row">` of
        `<span class="cell">`s straight in the article): its cells as one row. The cells
        are its children typed as cells, or else its children when each is short: a
        layout row (Bootstrap's "row" of "col-md-*" columns) holds the page, not figures."""
        children = [c for c in element if isinstance(c.tag, str)]
        cells = [c for c in children if _grid_part(c) == "cell"]
        if not cells and all(len(self._text(c)) <= _MAX_LOOSE_CELL for c in children):
            cells = children
        if len(cells) < 2:
            return False
        self._flush()
        self.rows.extend(grid.layout([[_cell(c) for c in cells]]))
        return True

    def _text(self, element) -> str:
        return element.text_content().strip()

    def _is_chrome(self, element) -> bool:
        """Link lists (menus, related links) and the site footer left inside the root."""
        total, nonlink = self.chars.get(element, (0, 0))
        if total == 0 or total > 400:
            return False
        if element.tag not in ("p", "li") and nonlink < 0.3 * total and total >= 8:
            return element.find(".//table") is None
        text = element.text_content()
        if _FOOTER_MARKERS.search(text):
            return True
        return total <= 40 and bool(_TOOL_LINE.search(text))

    def _flush(self) -> None:
        if self._line:
            text = _collapse("".join(self._line))
            self._line = []
            if text:
                self.rows.append([text])

    def _check_deadline(self) -> None:
        if time.monotonic() > self.deadline:
            raise ExtractionError("timeout", "reading the HTML page took longer than the time budget")


# ---------------------------------------------------------------- text helpers

def _collapse(text: str) -> str:
    """Whitespace runs -> one space; a source line break between CJK characters -> nothing."""
    return grid.clean_cell(text) or ""


def _cell_text(element) -> str | None:
    """A cell's text, lines (<p>, <br>) joined without a space between CJK characters."""
    lines, current = [], []

    def visit(node):
        if node.text:
            current.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                is_break = child.tag == "br" or child.tag in _BLOCKS
                if is_break:
                    lines.append("".join(current))
                    current.clear()
                visit(child)
                if is_break:
                    lines.append("".join(current))
                    current.clear()
            if child.tail:
                current.append(child.tail)

    visit(element)
    lines.append("".join(current))
    joined = ""
    for line in (_collapse(piece) for piece in lines):
        if not line:
            continue
        cjk_seam = joined and _CJK_CHAR.match(joined[-1]) and _CJK_CHAR.match(line[0])
        joined = joined + line if (not joined or cjk_seam) else f"{joined} {line}"
    return joined or None


def _count_images(root) -> int:
    """Pictures in the report body, not icons (print/share buttons, logos, spacers)."""
    count = 0
    for img in root.iter("img"):
        src = img.get("src") or img.get("data-src") or ""
        if _ICON_SRC.search(src):
            continue
        sizes = [grid.span(img.get(a), 10**5) for a in ("width", "height") if img.get(a)]
        if sizes and min(sizes) < 40:
            continue
        count += 1
    return count


def _inside_table(element, root) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is root:
            return False
        if ancestor.tag == "table":
            return True
    return False


def _replace_with_lines(table, cells: list[list[grid.Cell]]) -> None:
    """A data table -> one paragraph of a line per table row, "| cell | cell |" as
    trafilatura writes a table row; a merged cell printed once, as in the page. One
    paragraph, not one per row: trafilatura's fallback pass merges identical paragraphs,
    and a report's tables repeat rows ("信息内容 | 本年处理决定数量")."""
    block = etree.Element("p")
    lines = ["| " + " | ".join(texts) + " |" for texts in
             ([cell.text or "" for cell in row] for row in cells) if any(texts)]  # _cell_text cleaned them
    for n, line in enumerate(lines):
        if n == 0:
            block.text = line
        else:
            etree.SubElement(block, "br").tail = line
    block.tail = table.tail
    table.getparent().replace(table, block)


def _running_text(root) -> str | None:
    """trafilatura's text of the cleaned content root (one call per page)."""
    import trafilatura

    root.tag = "div"  # a <td> or <body> root serialises as a plain block
    fragment = "<html><body>" + lxml.html.tostring(root, encoding="unicode", with_tail=False) + "</body></html>"
    text = trafilatura.extract(fragment, include_tables=True, include_comments=False, favor_recall=True,
                               include_images=False, include_links=False, deduplicate=False, fast=True)
    return text.strip() if text and text.strip() else None
