"""Rows of a document to codebook cells: the statistical tables of sections 二, 三 and 四.

Works on `Document.rows` whatever the reader, in four steps:
1. split the document into sections by their headings (二、主动公开…, 三、收到和处理…,
   四、…行政复议、行政诉讼…), falling back to "the whole document" when none is found;
2. turn rows into *logical rows* — label cells then figure cells — regrouping cells by
   their labels where the text printed one cell per line or ran cells together, and
   splitting a cell where spaces separate its figures (a row copied out as one line);
3. match each logical row's label to a codebook row by meaning (`labels`), and the
   section 二 headings to columns;
4. read the figures into the row's columns: blank cells are None, a lone 0 over a merged
   row is spread over it, digits run together are split by the table's arithmetic
   (`digits`), extra trailing cells are dropped — every inferred cell is reported.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from extractors import codebook, digits, labels, reportwords
from extractors.document import Document
from extractors.documents.grid import BOX_DRAWING

# a signed change may be printed in words: 减4, 增加5, 减少2
_NUMBER = re.compile(r"^([+\-−－]|增加|减少|增|减)?(\d+(?:,\d{3})*(?:\.\d+)?)(?:件|个|项|条|次|人|万元|元)?$")
# a figure dressed up: bracketed, (0) as some offices print a zero, or with a footnote
# marker, 1234* / 12※ (cells are normalised: （０） is (0) here)
_DRESSED = re.compile(r"^\((.+)\)$|^(.*\d)(?:[*※]+|[①-⑩])$")
_BLANKISH = re.compile(r"^[-－—–/／\\、.·…_]+$|^(?:无|空|/)$")
# one cell holding two runs of digits with a single space between them ("1 6"): a figure a
# stray space broke, or two cells a flattening ran into one; only the row's arithmetic tells
_BROKEN_FIGURE = re.compile(r"^\d+ \d+$")
_BROKEN_MARK = "\u2423"
_LOST_CHARACTER = re.compile(r"^[?？\ufffd]+\s*(\d+(?:\.\d+)?)$")
_TRAILING_DIGITS = re.compile(r"^(.*[^\d\s.,+\-])(\d+)$")
_MAX_LABEL = 80
# a row printed as one line: an optional label, then figures each after a space
_FIGURE = r"[+\-−－]?\d+(?:,\d{3})*(?:\.\d+)?"
# a blank cell printed as a dash or slash among the figures: 1,234 4 — — — 1 1,239
_DASH = r"(?:[-－—–]{1,3}|[/／])"
_SPACED_FIGURES = re.compile(
    rf"^(.*?[^\s\d.,+\-−－—–/／]\s+|\s*)((?:(?:{_FIGURE}|{_DASH})[\s\u3000\u00a0]+)*(?:{_FIGURE}|{_DASH}))[\s\u3000\u00a0]*$")
# a row printed figures first, label last: 1366 28 23 13 18 26 1474 一、本年新收政府信息公开申请数量
# (digits in the label only as its numbering: 1.属于国家秘密)
_LEADING_FIGURES = re.compile(
    rf"^\s*((?:(?:{_FIGURE}|{_DASH})[\s\u3000\u00a0]+)+)((?:\d{{1,2}}[.．、]|[^\s\d+\-−－—–/／])(?:[^\d]|\d{{1,2}}[.．、])*?)"
    rf"[\s\u3000\u00a0]*$")
# full-width separators inside full-width figures (１，２３４ and ２．５), read as ASCII before splitting
_FULLWIDTH_SEPARATOR = re.compile(r"(?<=[０-９])(?:，(?=[０-９]{3}(?![０-９]))|．(?=[０-９]))")
_LABEL_GAP = re.compile(r"(?<=\S)(?:[\s\u3000\u00a0]{2,}|\t|\u3000)(?=\S)")  # between label cells, not around them

LABEL, VALUE, BLANK, RUN = "label", "value", "blank", "run"
# a cell that holds a figure's place but no figure that can be read with certainty (a
# figure behind a character the copy lost: "? 5")
UNSURE = "unsure"
# a cell of two digit runs split by a space ("1 6"): 16, or 1 and 6
BROKEN = "broken"


@dataclass
class Token:
    kind: str
    text: str = ""
    value: int | float | None = None


@dataclass
class LogicalRow:
    labels: list[str]
    cells: list[Token]          # figure cells (VALUE/BLANK/RUN) after the labels
    lead_blanks: int = 0        # blank cells between the labels and the first figure
    lead_cells: list[Token] = field(default_factory=list)  # blanks before any label
    # whether the row's figures share the printed line of its label (a table row printed as
    # one line, or a real table row): then the line's end is the row's end, and a lone 0
    # before it is the row's only cell. One cell per line shows no row's end.
    one_line: bool = True
    # its figures are one printed line of their own, under its labels (section 四's row of
    # figures under the table's header)
    figures_line: bool = False

    @property
    def label(self) -> str:
        return "".join(self.labels)


@dataclass
class TableReading:
    cells: dict = field(default_factory=dict)
    inferred: set = field(default_factory=set)
    template: str | None = None
    notes: list = field(default_factory=list)
    # (keys, candidate splits) of digit runs the row arithmetic left ambiguous
    ambiguous: list = field(default_factory=list)
    # True when the rows are real table rows, where a lone "12" is twelve, not 1 and 2
    cell_rows: bool = True
    # rows with more cells than columns: how each row read that fitted one way only dropped
    # its extra cells (Counter of ways), and the rows that fitted several ways, kept blank
    extra_ways: Counter = field(default_factory=Counter)
    extra_pending: list = field(default_factory=list)
    # key -> why the cell was left out (its place or value is not certain)
    left_out: dict = field(default_factory=dict)
    # key -> (row label, column, how it was read): for a person checking a figure
    provenance: dict = field(default_factory=dict)
    # rows whose blanks' places were lost: a cut-off last row is then not read either
    short_rows: int = 0
    # the row a cut-off copy ends in, settled once every other row is read
    truncated: list = field(default_factory=list)
    # the document's last figure token, and whether a cell end follows it in the text
    last_token: object = None
    last_token_ended: bool = True
    # text that prints each table row as one line (label and figures together), so a line's
    # end is a row's end: most labelled rows share their label's line
    rows_as_lines: bool = False
    # section 二 rows read by their place, their label lost
    unlabelled: set = field(default_factory=set)


def read_tables(document: Document) -> TableReading:
    rows = _normalised_rows(document.rows, document.cell_rows or document.line_cells)
    sections = _split_sections(rows)
    reading = TableReading(cell_rows=document.cell_rows)
    if sections.pop("_after_end", False):
        reading.notes.append("tables after the report's end (another report or a 解读 on the same page) not read")
    reading.template = _template(sections, rows)
    logical_rows = {name: _logical_rows(sections.get(name, []), document.cell_rows) for name in ("active", "requests", "review")}
    _mark_document_end(document.last_cell_ended, rows, sections, logical_rows, reading)
    labelled = [r for rs in logical_rows.values() for r in rs if r.labels and r.cells]
    reading.rows_as_lines = bool(labelled) and sum(r.one_line for r in labelled) * 2 > len(labelled)
    for name in ("active", "requests", "review"):
        logical = logical_rows[name]
        if name == "active":
            _read_active(logical, reading)
        elif name == "requests":
            _read_requests(logical, reading)
        else:
            _read_review(logical, reading, headless=bool(sections.get("_headless")))
    settle_extra_columns(reading)
    settle_truncated(reading)
    if reading.template is None:
        reading.template = _template_of_request_rows(reading.cells)
    if reading.cells:
        digits.resolve_ambiguous(reading)
    reading.cells = {k: reading.cells[k] for k in sorted(reading.cells, key=lambda k: codebook.key_order().get(k, 10**6))}
    return reading


def _mark_document_end(last_cell_ended, rows, sections, logical_rows, reading) -> None:
    """Remember the last figure of a document that ends inside a table row (a copy cut
    off mid-table), and whether anything after it in the printed text ends its cell."""
    last = next((i for i in range(len(rows) - 1, -1, -1) if any(c for c in rows[i])), None)
    if last is None or sections.get("_headless"):
        return
    row = rows[last]
    if not _NUMBER.match(next(c for c in reversed(row) if c) or ""):
        return
    section = next((name for name in ("active", "requests", "review")
                    if any(r is row for r in sections.get(name, []) or [])), None)
    if section is None or not logical_rows[section]:
        return
    final = logical_rows[section][-1]
    tokens = list(final.cells or final.lead_cells)
    ended = False
    while tokens and tokens[-1].kind == BLANK:  # the empty cell after a row's last pipe
        tokens.pop()
        ended = True
    if tokens and tokens[-1].kind in (VALUE, RUN):
        reading.last_token = tokens[-1]
        reading.last_token_ended = ended or last_cell_ended


# --- cells and tokens -------------------------------------------------------------

def _normalised_rows(rows, cell_rows: bool = True):
    """Every cell simplified (one OpenCC call for the whole document) and normalised."""
    sep = "\x1f"
    rows = [[part for c in row for part in _spaced_cells(c, cell_rows)] for row in rows]
    flat = [c for row in rows for c in row if c is not None]
    simplified = labels.to_simplified(reportwords.strip_pinyin_glosses(sep.join(flat))).split(sep) if flat else []
    if len(simplified) != len(flat):  # the converter touched a separator: go cell by cell
        simplified = [labels.to_simplified(reportwords.strip_pinyin_glosses(c)) for c in flat]
    it = iter(simplified)
    out = []
    for row in rows:
        out.append([None if c is None else (labels.normalise(next(it)) or None) for c in row])
    return out


def _spaced_cells(cell, cell_rows: bool = True) -> list:
    """A cell whose figures are separated by spaces, as one cell per figure.

    Text copied out of a web page or a PDF often keeps a table row as one line with
    spaces (or non-breaking or ideographic spaces) between the cells:
    "二、上年结转政府信息公开申请数量  0  0  1  0  0  0  1". Normalising would run the
    figures together ("0010001") and leave them to the arithmetic to split; the spaces
    already say where one cell ends. A label before the figures is kept as one cell,
    split only where two or more spaces separate label cells; spaces inside a label
    ("三、本 年度办 理结果", letter-spaced by a PDF) are not separators.
    """
    if cell is None:
        return [None]
    cell = _FULLWIDTH_SEPARATOR.sub(lambda m: "," if m.group() == "，" else ".", cell).translate(BOX_DRAWING)
    if _LOST_CHARACTER.match(cell.strip()):
        return [cell.strip()]
    if cell.count("|") >= 2 or ("|" in cell and all(_NUMBER.match(p.strip()) for p in cell.split("|") if p.strip())):
        # a pipe table that reached us as lines of text (a PDF of a text report)
        parts = cell.split("|")
        while parts and not parts[-1].strip():
            parts.pop()
        return [p for part in parts for p in (_spaced_cells(part.strip()) if part.strip() else [None])]
    if cell_rows and _BROKEN_FIGURE.match(cell.strip()):  # (one cell per line: a space is a separator)
        return [cell.strip().replace(" ", _BROKEN_MARK)]  # one figure or two: the row decides
    m = _SPACED_FIGURES.match(cell)
    if m and not re.search(r"\d", m.group(2)):
        m = None  # dashes alone are no row of figures (— — — after a label, a rule of dashes)
    if not m:
        lead = _LEADING_FIGURES.match(cell)
        if lead and re.search(r"\d", lead.group(1)) and (len(lead.group(1).split()) >= 3 or _names_a_row(lead.group(2))):
            # figures first, then the label (text copied out of some PDF viewers): the row
            # as a table prints it, label first
            return [p for p in _LABEL_GAP.split(lead.group(2).strip()) if p] + lead.group(1).split()
    if not m or not re.search(r"\s", cell.strip()):
        return [p for p in _LABEL_GAP.split(cell) if p.strip()] or [cell]
    head = m.group(1).strip()
    figures = m.group(2).split()
    if not head and len(figures) < 2:
        return [cell]
    parts = [p for p in _LABEL_GAP.split(head) if p] if head else []
    return parts + figures


def _names_a_row(label: str) -> bool:
    """Whether a label names a row of the codebook's tables (行政许可, 1.属于国家秘密)."""
    text = labels.normalise(labels.to_simplified(label))
    return bool(labels.active_row(text) or labels.request_row(text) or labels.review_row(text))


def _tokens(cell) -> list[Token]:
    if cell is None or _BLANKISH.match(cell):
        return [Token(BLANK)]
    if _BROKEN_MARK in cell:
        first, second = cell.split(_BROKEN_MARK, 1)
        if first.isdigit() and second.isdigit():
            return [Token(BROKEN, cell, int(first + second))]
    lost = _LOST_CHARACTER.match(cell)
    if lost:
        # a character the copy could not render stands before the figure (a non-breaking
        # space gone to "?"): a 0 is still 0, but before another figure it may have been
        # a minus sign or a digit
        value = _number("", lost.group(1))
        return [Token(VALUE, lost.group(1), value) if value == 0 else Token(UNSURE, cell)]
    m = _NUMBER.match(cell) or _NUMBER.match(_DRESSED.sub(lambda d: d.group(1) or d.group(2), cell))
    if m:
        return [Token(VALUE, cell, _number(m.group(1), m.group(2)))]
    m = _TRAILING_DIGITS.match(cell)
    if m and len(m.group(1)) <= _MAX_LABEL and re.search(r"[\u4e00-\u9fff]", m.group(1)):
        return [Token(LABEL, m.group(1)), Token(RUN, m.group(2))]
    return [Token(LABEL, cell)]


def _number(sign: str, digits_text: str):
    text = digits_text.replace(",", "")
    value = float(text) if "." in text else int(text)
    if isinstance(value, float) and value.is_integer() and not text.endswith(".0"):
        value = int(value)
    return -value if sign in ("-", "−", "－", "减", "减少") else value


# --- sections ---------------------------------------------------------------------

def _row_heading(row) -> tuple[str | None, list]:
    """The section a row's heading opens, and what of the row is left for that section.

    The heading is the row's whole text (a caption row, a merged cell repeated over the
    row), or else its first cell when the rest is the table's column header: a table
    whose first row reads "三、收到和处理政府信息公开申请情况 | 申请人情况", or the start
    of its first cell when a single-spaced flattening ran the header into it.
    """
    texts = [c for c in row if c]
    if not texts or any(_NUMBER.match(t) for t in texts):
        return None, []
    whole = labels.section_of_heading("".join(dict.fromkeys(texts)))
    if whole:
        return whole, []
    first = labels.section_of_heading(texts[0]) if len(texts) > 1 else None
    rest = row[row.index(texts[0]) + 1:]
    if first is None:
        first, tail = labels.heading_at_start(texts[0])
        rest = ([tail] if tail else []) + rest
    if first is None or first == "end":
        return None, []
    return first, rest


def _split_sections(rows) -> dict[str, list]:
    """The rows of each table section, by its heading. A heading of a section already read
    that comes after the report's end (五、存在的主要问题 / 六、其他需要报告的事项) opens
    another document on the same page (the next department's report, the report's 解读):
    its rows are not this report's, and must not fill the rows this report did not print."""
    sections: dict[str, list] = {}
    current = None
    ended = False
    before: list = []  # rows ahead of the first heading
    for row in rows:
        heading, rest = _row_heading(row) if row else (None, [])
        if heading and not sections and heading != "end" and before:
            # a later page of a split article starts inside a table whose heading was on the
            # page before (三's rows, then 四、…): rows ahead of the first heading belong to
            # the sections before it, which their labels tell apart
            order = ("active", "requests", "review")
            for name in order[:order.index(heading)]:
                sections[name] = list(before)
        if heading:
            if heading == "end":
                ended = bool(sections)
                current = None
                continue
            if ended and heading in sections:
                current = None
                sections["_after_end"] = True
                continue
            current = heading
            # a second heading of the same section (a repeated caption) keeps adding to it
            sections.setdefault(current, [])
            if rest:
                sections[current].append(rest)
            continue
        if current:
            sections[current].append(row)
        elif not sections and not ended:
            before.append(row)

    if not sections:
        # No headings (a bare table, a page that prints only the grids): let the
        # labels sort the rows out; section 四's unlabeled figure row is recognised
        # by its width.
        sections = {"active": rows, "requests": rows, "review": rows, "_headless": True}
    return sections


def _template(sections, rows) -> str | None:
    text = "".join(c for row in sections.get("active", rows) if row is not True for c in (row or []) if c)
    if labels.FORMAT_2021_WORDS.search(text):
        return "2021"
    if labels.FORMAT_2019_WORDS.search(text):
        return "2019"
    return None


def _template_of_request_rows(cells: dict) -> str | None:
    """The format, where section 二 is not there to say it (a later page of a split
    article, a copy that starts at 三), from a section 三 row only one format prints: (六)
    其他处理 as one row (2019) or as its three sub-rows (2021)."""
    formats = {fmt for key in cells if key.startswith("requests.")
               for fmt in [codebook.request_row_formats().get(key.split(".", 1)[1].rsplit(".", 1)[0])] if fmt and len(fmt) == 1}
    return next(iter(formats))[0] if len(formats) == 1 else None


# --- logical rows -----------------------------------------------------------------

def _logical_rows(rows, cell_rows: bool) -> list[LogicalRow]:
    if rows is True or not rows:
        return []
    if cell_rows and all(len([c for c in row if c]) <= 1 for row in rows):
        # a table that reached the document one cell per block (a page's <p> per cell, a
        # WeChat article's flex rows): read as one cell per line, regrouped by its labels
        return _from_lines(rows)
    return _from_cell_rows(rows) if cell_rows else _from_lines(rows)


def _from_cell_rows(rows) -> list[LogicalRow]:
    """Each physical row is one table row; a label after figures starts another."""
    out = []
    for row in rows:
        if not row:
            continue
        current = None
        lead = []
        for cell in row:
            for tok in _tokens(cell):
                if tok.kind == LABEL:
                    if len(tok.text) > _MAX_LABEL:
                        current = None
                        continue
                    if current is None or current.cells:
                        current = LogicalRow([tok.text], [], lead_cells=lead)
                        out.append(current)
                        lead = []
                    else:
                        current.labels.append(tok.text)
                elif current is None:
                    lead.append(tok)
                else:
                    current.cells.append(tok)
        if current is None and lead:
            out.append(LogicalRow([], [], lead_cells=lead))
    return out


def _from_lines(rows) -> list[LogicalRow]:
    """One cell per line, or cells run together: regroup by labels.

    Labels accumulate (a heading over several lines, a wrapped label) until figures
    follow; the next label after figures starts a new row; an empty line ends a row
    that already has figures.
    """
    out = []
    current = None
    lead = []
    label_line, lead_line, figure_lines = {}, {}, {}
    for line, row in enumerate(rows):
        if not row:
            if current is not None and current.cells:
                current = None
            elif current is None and lead:
                out.append(LogicalRow([], [], lead_cells=lead, one_line=False))
                lead = []
            continue
        for cell in row:
            for tok in _tokens(cell):
                if tok.kind == LABEL:
                    if len(tok.text) > _MAX_LABEL:
                        current = None
                        lead = []
                        continue
                    if lead and current is None and any(t.kind != BLANK for t in lead):
                        out.append(LogicalRow([], [], lead_cells=lead, one_line=False))
                    lead = [] if current is None else lead
                    if current is None or current.cells:
                        current = LogicalRow([tok.text], [])
                        out.append(current)
                    else:
                        current.labels.append(tok.text)
                    label_line[id(current)] = line
                elif current is None:
                    lead.append(tok)
                    lead_line[id(tok)] = line
                else:
                    current.cells.append(tok)
                    if label_line.get(id(current)) != line:
                        current.one_line = False
                        figure_lines.setdefault(id(current), set()).add(line)
    if current is None and lead and any(t.kind != BLANK for t in lead):
        out.append(LogicalRow([], [], lead_cells=lead, one_line=False))
    for row in out:
        if not row.labels and row.lead_cells:
            row.one_line = len({lead_line.get(id(t)) for t in row.lead_cells}) == 1
        elif not row.one_line and len(figure_lines.get(id(row), ())) == 1:
            row.figures_line = True
    return out


def _match(row: LogicalRow, matcher) -> tuple[str | None, str]:
    """The codebook row a logical row is, trying its last label first (earlier labels
    are headings or group labels), then the last two, three joined (wrapped labels)."""
    for n in range(1, min(3, len(row.labels)) + 1):
        label = "".join(row.labels[-n:])
        if "。" in re.sub(r"[(（][^()（）]*[)）]", "", label):  # (an instruction in brackets may end in one)
            break  # a sentence (现将…予以公开，详见附件。) is prose, never a table's row label
        key = matcher(label)
        if key:
            context = "".join(row.labels[:-n])
            return key, context
    return None, row.label


# --- figures ----------------------------------------------------------------------

def _figures(row: LogicalRow, width: int, rule: str | None, key_prefix: str, columns, reading: TableReading, *, keep_lead=False):
    """Read `width` figures of a logical row into reading.cells under key_prefix.column.

    A figure goes into a column only where its place is certain: every cell of the row is
    printed, or the layout shows where the blanks are. Where it does not (fewer figures
    than columns, blanks dropped or never drawn), the row's cells are left out, not null
    and not guessed, and `reading.left_out` says why."""
    cells = list(row.lead_cells) + list(row.cells) if keep_lead else list(row.cells)
    # blanks before the first figure of a labelled row are the empty label columns of a
    # flattened table, unless the figures need them
    lead = 0
    if not keep_lead:
        while lead < len(cells) and cells[lead].kind == BLANK:
            lead += 1
    core = cells[lead:]
    trail = 0
    while core and core[-1].kind == BLANK:
        core.pop()
        trail += 1
    keys = [f"{key_prefix}.{c}" for c in columns]
    label = row.labels[-1] if row.labels else ""
    if not core:
        # a printed row whose cells are all blank: its blanks were all counted as leading
        # ones when nothing came after them
        # (section 四's header row ends in its groups' labels over blank cells: not a row)
        blanks = trail if key_prefix.startswith("review") else lead + trail
        if key_prefix.startswith("requests.") and reading.template and \
                reading.template not in codebook.request_row_formats().get(key_prefix.split(".", 1)[1], ("2021", "2019")):
            return False  # a 2021 table's group label (（六）其他处理) is no 2019 row of blanks
        if blanks >= width and not any(k in reading.cells for k in keys):
            _place(reading, keys, [None] * width, label, columns, "blank cell")
            return True
        return False
    if any(k in reading.cells and reading.cells[k] is not None for k in keys):
        return False  # the row was already read (a repeated caption or a wrapped label)
    values: list
    how = "cell"
    if any(t.kind == BROKEN for t in core):
        core = _settle_broken(core, width, rule, key_prefix, reading)
        if core is None:
            _leave_out(reading, keys, f"{key_prefix}: a cell of two digit runs split by a space, and the row's "
                                      "arithmetic does not say whether it is one figure or two")
            reading.notes.append(f"{key_prefix}: a figure broken by a space could not be settled: left out")
            return True
        reading.inferred.update(keys)
        how = "cell; a figure broken by a space settled by the row's arithmetic"
    if any(t.kind == UNSURE for t in core):
        reason = (f"{key_prefix}: a cell printed {next(t.text for t in core if t.kind == UNSURE)!r} "
                  "is no figure that can be read with certainty")
        reading.notes.append(reason + ": left out")
        _leave_out(reading, keys, reason)
        return True
    if len(core) == 1 and width > 1 and (core[0].kind == RUN or (not reading.cell_rows and re.fullmatch(r"\d{2,}", core[0].text))):
        split = digits.split_run(core[0].text, width, rule)
        if split is None:
            reading.notes.append(f"{key_prefix}: digits {core[0].text} run together cannot be split into {width} cells")
            _leave_out(reading, keys, f"{key_prefix}: digits {core[0].text} run together cannot be split into {width} cells")
            digits.remember_ambiguous(reading, keys, core[0].text, width, rule)
            return True
        values, how = split, "split digits"
    else:
        core = [Token(VALUE, t.text, _number("", t.text)) if t.kind == RUN else t for t in core]
        if len(core) == width:
            values = [t.value if t.kind == VALUE else None for t in core]
        elif len(core) > width:
            figures = [t.value for t in core if t.kind == VALUE]
            if len(figures) == width and (rule is None or digits.satisfies(figures, rule)):
                # a grid rebuilt from a PDF's rulings splits columns where other rows have
                # sub-columns: the empty slivers are not cells, the figures are
                values = figures
                how = "empty slivers between the figures dropped"
                reading.notes.append(f"{key_prefix}: {len(core)} cells for {width} columns; empty cells between "
                                     f"the {width} figures dropped")
            else:
                ways = _extra_ways(core, width, rule)
                fitting = [values for n, (_, values) in enumerate(ways) if values not in (v for _, v in ways[:n])]
                if len(fitting) == 1:
                    reading.extra_ways.update(w for w, values in ways if values == fitting[0])
                elif len(fitting) > 1:
                    reading.extra_pending.append((keys, ways, len(core)))
                if len(fitting) > 1:
                    # an extra column (a 合计 of the 法人 columns, a 备注) can be dropped more
                    # than one way that adds up: which is which is not printed, so nothing is
                    # guessed (a shifted row once put the subtotal under 总计 without a word)
                    reason = f"{key_prefix}: {len(core)} cells for {width} columns, and {len(fitting)} ways to drop the extra ones add up"
                    reading.notes.append(reason + ": left out")
                    _leave_out(reading, keys, reason)
                    return True
                if not fitting:
                    reason = f"{key_prefix}: {len(core)} cells for {width} columns, and no way to drop the extra ones adds up"
                    reading.notes.append(reason + ": left out")
                    _leave_out(reading, keys, reason)
                    return True
                values = fitting[0]
                how = "extra cells dropped, the only reading that adds up"
                reading.notes.append(f"{key_prefix}: {len(core)} cells for {width} columns; extra cells dropped")
        elif len(core) == 1 and core[0].value == 0 and lead == 0 and (reading.cell_rows or (row.one_line and reading.rows_as_lines)):
            # one printed 0 first in a row of real cells, the rest of the row empty: a
            # merged cell spanning the row (never blanks followed by a printed total)
            values, how = [0] * width, "merged cell: one 0 spanning the row"
        else:
            values = _fewer_figures(core, lead, trail, width, reading)
            if values is None:
                if _is_document_end(core, reading):
                    if lead and reading.cell_rows:
                        _leave_out(reading, keys, f"{key_prefix}: the document ends in this row, after blank "
                                                  "cells whose columns are not certain")
                        return True
                    return _truncated_row(row, [Token(BLANK)] * lead + core if not reading.cell_rows else core,
                                          keys, columns, key_prefix, reading)
                reason = (f"{key_prefix}: {len(core)} figure(s) for {width} columns, and the layout does not show "
                          "which columns the blanks were in")
                reading.notes.append(reason + ": left out")
                _leave_out(reading, keys, reason)
                if not (len(core) == 1 and core[0].value == 0):  # a lone 0 is a merged cell, no dropped blank
                    reading.short_rows += 1
                return True
            how = "cell; the blank cells' places as printed"
    _place(reading, keys, values, label, columns, how)
    if how != "cell" and not how.startswith("cell;") and how != "empty slivers between the figures dropped":
        reading.inferred.update(keys)
    return True


def _settle_broken(core, width, rule, key_prefix, reading):
    """The row's tokens with each broken cell read as one figure or as two: the one reading
    that gives the row's width and keeps its arithmetic (where the row has one); None when
    not exactly one does."""
    broken = [i for i, t in enumerate(core) if t.kind == BROKEN]
    if len(broken) > 3:
        return None
    readings = []
    shorter = False
    for choice in range(2 ** len(broken)):
        tokens = []
        for i, t in enumerate(core):
            if t.kind != BROKEN:
                tokens.append(t)
            elif choice >> broken.index(i) & 1:
                a, b = t.text.split(_BROKEN_MARK)
                tokens += [Token(VALUE, a, int(a)), Token(VALUE, b, int(b))]
            else:
                tokens.append(Token(VALUE, t.text.replace(_BROKEN_MARK, ""), t.value))
        values = [t.value if t.kind == VALUE else None for t in tokens]
        if len(tokens) == width and (rule is None or digits.satisfies(values, rule)):
            readings.append(tokens)
        elif rule is None and len(tokens) < width:
            shorter = True  # a reading with blanks unprinted is as likely as a full one
    if len(readings) != 1 or (rule is None and shorter):
        # with no arithmetic (section 二) the count alone decides, and only where every
        # other reading has more figures than the row has columns
        return None
    reading.notes.append(f"{key_prefix}: a figure broken by a space read as the row's arithmetic says")
    return readings[0]


def _fewer_figures(core, lead, trail, width, reading):
    """The values of a row with fewer figures than columns when its blanks' places are
    printed (as many blank cells around the figures as the row lacks), else None."""
    present = [t.value if t.kind == VALUE else None for t in core]
    missing = width - len(core)
    if lead + trail == missing:
        return [None] * lead + present + [None] * trail
    if not reading.cell_rows:
        return None
    # blanks then the figures, the empty cells after them a row end's ("| | | 0 |")
    figures_last = lead == missing
    # the figures first, then at least as many empty cells as the row lacks (merged filler
    # after the last column); blanks before them, if any, the label's empty columns
    figures_first = trail >= missing and (lead == 0 or trail == missing)
    if figures_last and not figures_first:
        return [None] * lead + present
    if figures_first and not figures_last:
        return present + [None] * missing
    return None  # either way would do: which is not printed


def _is_document_end(core, reading) -> bool:
    """Whether the row's figures run to the end of the document (a copy cut mid-row)."""
    return reading.last_token is not None and any(t is reading.last_token for t in core)


def _truncated_row(row, core, keys, columns, key_prefix, reading) -> bool:
    """A row the document ends in: its printed cells are the first columns, kept only when
    no other row of the document lost its blanks' places; the cut-off columns are left out.
    The very last figure counts only when it is ended (a cell end after it, or a 0, which
    no digit continues)."""
    tokens = list(core)
    if tokens and tokens[-1] is reading.last_token and not reading.last_token_ended and tokens[-1].value != 0:
        tokens.pop()
    values = [t.value if t.kind == VALUE else None for t in tokens]
    reading.truncated.append((keys, values, row.label, columns, key_prefix))
    return True


def _place(reading, keys, values, label, columns, how):
    for k, v, column in zip(keys, values, columns):
        reading.cells[k] = v
        reading.left_out.pop(k, None)
        reading.provenance[k] = (label, column, how)


def _leave_out(reading, keys, reason):
    for k in keys:
        if k not in reading.cells:
            reading.left_out[k] = reason


def settle_truncated(reading: TableReading) -> None:
    """The row a cut-off copy ends in, read as far as it goes when every other row of the
    document printed all its cells (else its blanks' places are lost like theirs)."""
    for keys, values, label, columns, key_prefix in reading.truncated:
        if reading.short_rows:
            _leave_out(reading, keys, f"{key_prefix}: the document ends in this row, and other rows lost their blanks' places")
            continue
        _place(reading, keys[:len(values)], values, label, columns, "cell; the document ends in this row")
        _leave_out(reading, keys[len(values):], f"{key_prefix}: the document ends before this cell")
        reading.notes.append(f"{key_prefix}: the document ends in this row: {len(values)} of {len(keys)} cells read")


def _extra_ways(core, width, rule) -> list[tuple[str, list]]:
    """Every way ("window 1": a run of consecutive cells, extra ones before or after; "drop
    6": all cells but one, an extra column inside the row) of reading `width` cells out of
    more that satisfies the row's rule, with the values it gives; [] without a rule."""
    values = [t.value if t.kind == VALUE else None for t in core]
    ways = [(f"window {i}", values[i:i + width]) for i in range(len(values) - width + 1)]
    if len(values) == width + 1:
        ways += [(f"drop {i}", values[:i] + values[i + 1:]) for i in range(len(values))]
    return [(name, way) for name, way in ways if rule and digits.satisfies(way, rule)]


def settle_extra_columns(reading: TableReading) -> None:
    """Rows left blank because their extra cells could be dropped several ways: where every
    row that fitted one way only dropped the same cells (the table's own extra column, a
    合计 of the 法人 columns), read them that way too."""
    if not reading.extra_pending or not reading.extra_ways:
        return
    way, count = reading.extra_ways.most_common(1)[0]
    if count < 2 or len([w for w, n in reading.extra_ways.items() if n == count]) > 1:
        return
    for keys, ways, cells in reading.extra_pending:
        chosen = [values for name, values in ways if name == way]
        if not chosen:
            continue
        _place(reading, keys, chosen[0], "", [k.rsplit(".", 1)[1] for k in keys], f"extra cells dropped as the table's other rows dropped theirs ({way})")
        reading.inferred.update(keys)
        row = keys[0].rsplit(".", 1)[0]
        reading.notes[:] = [n for n in reading.notes if not (n.startswith(f"{row}: ") and "ways to drop" in n)]
        reading.notes.append(f"{row}: {cells} cells for {len(keys)} columns; read as the table's other rows were ({way})")


# --- the three tables -------------------------------------------------------------

# Section 二's rows that follow another in the same 第二十条 item, in both formats: a row
# whose label the copy lost, right under the header and before its successor, is that
# successor's predecessor.
_ACTIVE_PREDECESSOR = {"normative": "rules", "other_admin_services": "licensing", "coercion": "penalty"}


def _unlabelled_active_row(row: LogicalRow, following: LogicalRow | None, reading: TableReading) -> str | None:
    """The row a line of figures is when its label was lost (a mirror that dropped it):
    figures straight under the column header, then the item's next row."""
    if not row.labels or not row.cells or following is None or not following.labels:
        return None
    if not labels.active_columns(row.labels[-1]) or labels.active_row(row.labels[-1]):
        return None  # not straight under the column header
    successor, _ = _match(following, labels.active_row)
    key = _ACTIVE_PREDECESSOR.get(successor)
    if key is None or any(k.startswith(f"active.{key}.") for k in reading.cells):
        return None
    return key


def _read_active(rows: list[LogicalRow], reading: TableReading):
    template = reading.template or "2021"
    header: list[str] = []
    for i, row in enumerate(rows):
        key, context = _match(row, labels.active_row) if row.labels else (None, "")
        if context:
            found = labels.active_columns(context)
            if found:
                header = found
        if key is None:
            found = labels.active_columns(row.label) if row.labels else []
            if found:
                header = found
            key = _unlabelled_active_row(row, rows[i + 1] if i + 1 < len(rows) else None, reading)
            if key is None:
                continue
            reading.notes.append(f"active.{key}: its label is missing; read by its place, the row before {rows[i + 1].labels[-1]}")
            reading.unlabelled.add(key)
        if not row.cells:
            continue
        official = codebook.ACTIVE_COLUMNS[template].get(key)
        if official is None:  # a row of the other format (e.g. 2019's 政府集中采购 in a 2021 report)
            other = "2019" if template == "2021" else "2021"
            official = codebook.ACTIVE_COLUMNS[other].get(key)
        columns = official
        in_header = [c for c in header if c in official]
        if len(in_header) == len(official):
            columns = tuple(in_header)
        _figures(row, len(columns), None, f"active.{key}", columns, reading)
        if key in reading.unlabelled:
            reading.inferred.update(k for k in reading.cells if k.startswith(f"active.{key}."))
            for k in reading.cells:
                if k.startswith(f"active.{key}.") and k in reading.provenance:
                    label, column, how = reading.provenance[k]
                    reading.provenance[k] = ("(label missing)", column, how + "; the row by its place")


def _read_requests(rows: list[LogicalRow], reading: TableReading):
    width = len(codebook.REQUEST_COLUMNS)
    for i, row in enumerate(rows):
        following = rows[i + 1] if i + 1 < len(rows) else None
        if row.labels and not row.cells and following is not None and not following.labels \
                and len([t for t in following.lead_cells if t.kind in (VALUE, RUN)]) == width:
            # the label on one line, the row's figures on the next (each a row of its own)
            row = LogicalRow(row.labels, list(following.lead_cells))
        if not row.labels or not row.cells:
            continue
        row = _with_label_head(row, rows[i - 1] if i else None, labels.request_row)
        row = _with_label_tail(row, following, labels.request_row)
        key, _ = _match(row, labels.request_row)
        if key is None:
            continue
        cells = _wrapped_figures(row.cells, following, width)
        _figures(LogicalRow(row.labels, cells, lead_cells=row.lead_cells, one_line=row.one_line), width, "row_total", f"requests.{key}",
                 codebook.REQUEST_COLUMNS, reading)


_NUMBERED_LABEL = re.compile(r"^(?:[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、])")


def _with_label_head(row: LogicalRow, previous: LogicalRow | None, matcher) -> LogicalRow:
    """The row with its label begun on the line above, when a label wrapped over three
    lines put its figures on the middle one ("1. 本机关不" / "掌握相关政府 1 0 …" / "信息"):
    the label line above has no figures, and only the two together name a row."""
    if previous is None or not previous.labels or any(t.kind != BLANK for t in previous.cells):
        return row
    if matcher(row.labels[-1]) is not None or matcher(previous.labels[-1]) is not None:
        return row
    joined = previous.labels[-1] + row.labels[-1]
    if matcher(joined) is None:
        return row
    return LogicalRow(previous.labels[:-1] + [joined], row.cells, row.lead_blanks, row.lead_cells, row.one_line)


def _with_label_tail(row: LogicalRow, following: LogicalRow | None, matcher) -> LogicalRow:
    """The row with its label completed by the next row's, when the label broke off.

    Word and LibreOffice let a table row break across a page: the rest of its label opens
    the next page as a row of its own, with no figures ("5.属于" | 0 1 0 2 0 1 4, then
    "三类内部事务信息"). The row's last label names no codebook row on its own (its group
    label may: "（六）其他处理"), and joined with the next row's it does."""
    if following is None or not following.labels or any(t.kind != BLANK for t in following.cells):
        return row
    if matcher(row.labels[-1]) is not None or _NUMBERED_LABEL.match(following.labels[0]):
        return row  # a label complete on its own, or a next row of its own (2.…, （四）…) that lost its figures
    joined = row.labels[-1] + "".join(following.labels)
    if matcher(joined) is None:
        return row
    return LogicalRow(row.labels[:-1] + [joined], row.cells, row.lead_blanks, row.lead_cells, row.one_line)


def _wrapped_figures(cells: list[Token], following: LogicalRow | None, width: int) -> list[Token]:
    """A row's figure cells, completed by the next row when its figures ran onto the next line.

    A PDF whose table has no rulings prints a row as a line of text; a long label pushes
    the last figures onto a line of their own ("…不再处理其政府信息公开申请 0 0" / "0 0 0 0 0").
    The next row continues this one only if it has no label and the two together hold
    exactly the row's figures."""
    if following is None or following.labels or following.cells:
        return cells
    mine = [t for t in cells if t.kind != BLANK]
    more = [t for t in following.lead_cells if t.kind != BLANK]
    if not more or any(t.kind not in (VALUE, RUN) for t in more) or any(t.kind == RUN for t in mine + more):
        return cells
    return mine + more if len(mine) < width and len(mine) + len(more) == width else cells


_REVIEW_HEADER = re.compile(r"复议|诉讼|维持|纠正|审结")
_LITIGATION = re.compile(r"(?:\d[.、]?|[(（][一二三][)）])?行政诉讼")
# section 四's columns by their words, as a figure's own label ("维持 1", "结果维持：1")
_REVIEW_WORDS = (("upheld", re.compile(r"维持")), ("corrected", re.compile(r"纠正")), ("other", re.compile(r"其他")),
                 ("pending", re.compile(r"审结")), ("total", re.compile(r"^(?:总计|合计)")))


def _without_trailing_blanks(tokens: list[Token]) -> list[Token]:
    tokens = list(tokens)
    while tokens and tokens[-1].kind == BLANK:
        tokens.pop()
    return tokens


def _review_group(label: str) -> str | None:
    if "直接起诉" in label or "未经复议" in label:
        return "suit_direct"
    if "复议后起诉" in label:
        return "suit_after_review"
    if "行政复议" in label and "起诉" not in label and len(label) <= 14:
        return "review"
    return None


def _review_by_words(rows: list[LogicalRow], reading: TableReading) -> bool:
    """Section 四 printed with each figure beside its column's word: in a row ("维持 1
    纠正 1 … 总计 3", three groups of five in order), or as a list under the group headings
    ("（一）行政复议" / "结果维持：1" …). True when it was read so (15 figures, or each
    under a group heading)."""
    group, found = None, []
    for row in rows:
        if row.labels and not row.cells and _review_group(row.label):
            group = _review_group(row.label)
            continue
        figures = [t for t in row.cells if t.kind in (VALUE, RUN)]
        if not row.labels or len(figures) != 1 or len(row.cells) != 1:
            continue
        column = next((name for name, word in _REVIEW_WORDS if word.search(row.labels[-1])), None)
        if column is None or len(row.labels[-1]) > 8:
            continue
        token = figures[0]
        found.append((group, column, token.value if token.kind == VALUE else _number("", token.text)))
    if len(found) < len(codebook.REVIEW_COLUMNS):
        return False
    if any(g is None for g, _, _ in found):
        if len(found) != len(codebook.REVIEW_ROWS) * len(codebook.REVIEW_COLUMNS):
            return False
        # no group headings: the three groups of five in the table's order
        found = [(codebook.REVIEW_ROWS[i // len(codebook.REVIEW_COLUMNS)], column, value)
                 for i, (_, column, value) in enumerate(found)]
    for group, column, value in found:
        reading.cells.setdefault(f"review.{group}.{column}", value)
    return True


def _read_review(rows: list[LogicalRow], reading: TableReading, *, headless: bool = False):
    width = len(codebook.REVIEW_COLUMNS)
    columns = [f"{r}.{c}" for r in codebook.REVIEW_ROWS for c in codebook.REVIEW_COLUMNS]
    if not headless and _review_by_words(rows, reading):
        return
    for i, row in enumerate(rows):
        following = rows[i + 1] if i + 1 < len(rows) else None
        if row.labels and labels.review_row(row.labels[-1]) and not any(t.kind != BLANK for t in row.cells) \
                and following is not None and not following.labels \
                and len([t for t in following.lead_cells if t.kind in (VALUE, RUN)]) == width:
            # the row's label on one line, its five figures on the next
            row = LogicalRow(row.labels, _without_trailing_blanks(following.lead_cells))
        if row.labels and _LITIGATION.fullmatch(row.labels[-1]) and len(row.cells) == 2 * width:
            # 行政诉讼 as one row of ten: 未经复议直接起诉, then 复议后起诉, five each
            for n, kind in enumerate(("suit_direct", "suit_after_review")):
                _figures(LogicalRow(row.labels, row.cells[n * width:(n + 1) * width], one_line=row.one_line), width, "review_row",
                         f"review.{kind}", codebook.REVIEW_COLUMNS, reading)
            continue
        key, _ = _match(row, labels.review_row) if row.labels else (None, "")
        if key and row.cells and len([c for c in row.cells if c.kind != BLANK]) <= width + 1:
            _figures(row, width, "review_row", f"review.{key}", codebook.REVIEW_COLUMNS, reading)
            continue
        if any(k.startswith("review.") for k in reading.cells):
            continue
        # the official layout: one unlabeled row of 15 figures, 行政复议 then the two
        # kinds of 行政诉讼, five columns each; its leading blanks are cells
        figures = row.cells if row.labels else row.lead_cells
        if headless and row.labels and not _REVIEW_HEADER.search("".join(row.labels)):
            continue  # no section 四 heading: only figures under the table's own header are its row
        figures = _without_trailing_blanks(figures)  # (the empty cell after a row's last pipe)
        if not any(t.kind == BLANK for t in figures):  # leading blanks are positions: nothing to complete
            figures = _wrapped_figures(figures, rows[i + 1] if i + 1 < len(rows) else None, len(columns))
        if any(t.kind in (VALUE, RUN) for t in figures):
            _figures(LogicalRow([], [], lead_cells=figures, one_line=row.one_line or row.figures_line), len(columns), "review", "review", columns,
                     reading, keep_lead=True)
