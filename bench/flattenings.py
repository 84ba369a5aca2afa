"""How the extractor holds up when the seed reports' tables are flattened other ways.

    python3 bench/flattenings.py [--no-office]

The five seed reports (../shared/reports) print their tables in a few ways of their own.
Here each report whose rows can be recovered (tab- or pipe-separated, or one cell per
line with a blank line after each row) is laid out again as other sites and tools do:
cells separated by spaces, by ideographic spaces, one cell per line, an HTML table, HTML
paragraphs padded with &nbsp;, a Markdown table, comma-separated values, and, with LibreOffice (`soffice`), that HTML table saved as
DOCX and the plain text printed to PDF (no ruled table). Each is extracted and compared
with the report's gold record: exact, or how many cells differ.

Some differences are the flattening's, not the reader's: spaces cannot say where a blank
cell was, so a row of 10 figures for 15 columns fills the first ten. The cells column
counts cells equal to gold over all gold cells. Not part of the test run.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO))

from extractors import ExtractionError, extract  # noqa: E402

_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


def table_rows(text: str) -> list[list[str]] | None:
    """The report as rows of cells, or None when its flattening hides where cells end."""
    lines = text.splitlines()
    if sum("\t" in line.strip() for line in lines) >= 5:
        return [[c.strip() for c in line.split("\t")] if "\t" in line else [line.strip()] for line in lines]
    if sum(line.count("|") >= 2 for line in lines) >= 5:
        return [[c.strip() for c in line.rstrip().rstrip("|").split("|")] if "|" in line else [line.strip()]
                for line in lines]
    if sum(1 for line in lines if re.fullmatch(r"\t\d+", line)) >= 20:  # one cell per line, rows end blank
        rows, row = [], []
        for line in lines + [""]:
            if line.strip():
                row.append(line.strip())
                continue
            if row:
                # a group of short cells is a table row; prose and headings stay lines
                rows.extend([row] if len(row) > 1 and all(len(c) <= 40 and not _HEADING.match(c) or i == 0
                                                          for i, c in enumerate(row)) else [[c] for c in row])
            row = []
        return rows
    return None  # cells run together: no row to lay out again


def spaced(gap: str):
    def render(rows):
        return "\n".join(gap.join(cell for cell in row if cell) for row in rows)
    return render


def cell_per_line(rows) -> str:
    out = []
    for row in rows:
        out += [c or "\t" for c in row] + [""] if len(row) > 1 else [row[0] if row else "", ""]
    return "\n".join(out)


def html_table(rows) -> str:
    """Tables as a word processor keeps them: every row of a table as wide as its widest,
    each cell where the report put it (a blank cell stays an empty cell); the rest as
    paragraphs."""
    out, table = ["<html><head><meta charset='utf-8'></head><body>"], []
    for row in rows + [[]]:
        if len(row) > 1:
            table.append(row)
            continue
        if table:
            width = max(len(r) for r in table)
            out.append("<table border='1'>" + "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r + [""] * (width - len(r))) + "</tr>"
                for r in table) + "</table>")
            table = []
        if row and row[0]:
            out.append(f"<p>{html.escape(row[0])}</p>")
    return "\n".join(out + ["</body></html>"])


def markdown(rows) -> str:
    """Tables as Markdown: border pipes, a |---| rule under each table's first row."""
    out, in_table = [], False
    for row in rows:
        if len(row) > 1:
            out.append("| " + " | ".join(row) + " |")
            if not in_table:
                out.append("|" + "---|" * len(row))
        else:
            out.append(row[0] if row else "")
        in_table = len(row) > 1
    return "\n".join(out)


def comma_separated(rows) -> str:
    """Tables as CSV (a spreadsheet's export pasted in): cells holding a comma are quoted."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        if len(row) > 1:
            writer.writerow(row)
        else:
            out.write((row[0] if row else "") + "\n")
    return out.getvalue()


def html_paragraphs(rows) -> str:
    return "<html><head><meta charset='utf-8'></head><body>" + "".join(
        "<p>" + "&nbsp;&nbsp;&nbsp;".join(html.escape(c) for c in row if c) + "</p>" for row in rows) + "</body></html>"


TEXT_LAYOUTS = {"two spaces": (spaced("  "), "txt"), "ideographic space": (spaced("\u3000"), "txt"),
                "one cell per line": (cell_per_line, "txt"), "HTML table": (html_table, "html"),
                "HTML paragraphs": (html_paragraphs, "html"), "Markdown table": (markdown, "txt"),
                "CSV": (comma_separated, "txt")}
# (what is converted, to what). No PDF of the tables: LibreOffice lays these generated
# tables out wider than the page and the PDF clips their last column (measured: glyphs
# and rules past x = 595 on an A4 page), which would measure the layout, not the reader;
# ruled-table PDFs are the local web's (reportlab) and bench/extract.py's.
OFFICE = {"DOCX of the HTML table": ("html", "docx:MS Word 2007 XML"), "PDF of the plain text": ("txt", "pdf")}


def convert(source: Path, to: str, out: Path) -> Path:
    options = ["--infilter=Text (encoded):UTF8,,,"] if source.suffix == ".txt" else []
    result = subprocess.run(["soffice", "--headless", *options, "--convert-to", to, "--outdir", str(out), str(source)],
                            capture_output=True, text=True, timeout=180)
    made = out / f"{source.stem}.{to.split(':')[0]}"
    if not made.exists():
        raise SystemExit(f"soffice could not convert {source.name} to {to}: {result.stderr[-500:] or result.stdout[-500:]}")
    return made


def compare(data: bytes, name: str, gold: dict) -> tuple[str, int, int]:
    """(verdict, cells equal to gold, gold cells)."""
    try:
        record = extract(data, filename=name)
    except ExtractionError as exc:
        return f"error {exc.reason}", 0, len(gold["cells"])
    keys = set(gold["cells"]) | set(record["cells"])
    wrong = [k for k in keys if gold["cells"].get(k) != record["cells"].get(k)]
    others = [f for f in ("organ", "year", "template") if record.get(f) != gold.get(f)]
    equal = sum(1 for k in gold["cells"] if record["cells"].get(k) == gold["cells"][k])
    verdict = "exact" if not wrong and not others else \
        ", ".join(([f"{len(wrong)} cells"] if wrong else []) + [f"{f} differs" for f in others])
    return verdict, equal, len(gold["cells"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-office", action="store_true", help="Skip the LibreOffice conversions (DOCX, PDF).")
    options = parser.parse_args()
    office = not options.no_office and shutil.which("soffice")
    reports = sorted((SHARED / "reports").glob("*.txt"))
    golds = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (SHARED / "gold").glob("*.json")}
    work = Path(tempfile.mkdtemp(prefix="nianbao-flattenings-"))
    results: dict[str, list[tuple[str, str, int, int]]] = {}
    try:
        for path in reports:
            rows = table_rows(path.read_text(encoding="utf-8"))
            if rows is None:
                print(f"{path.stem}: its cells run together; not laid out again")
                continue
            gold = golds[path.stem]
            for layout, (render, suffix) in TEXT_LAYOUTS.items():
                data = render(rows).encode("utf-8")
                if layout == "HTML table":
                    (work / f"{path.stem}.html").write_bytes(data)  # LibreOffice's source for the DOCX
                results.setdefault(layout, []).append((path.stem, *compare(data, f"x.{suffix}", gold)))
            if office:
                (work / f"{path.stem}.txt").write_bytes(path.read_bytes())
                for layout, (source, to) in OFFICE.items():
                    made = convert(work / f"{path.stem}.{source}", to, work / to.split(":")[0])
                    results.setdefault(layout, []).append((path.stem, *compare(made.read_bytes(), made.name, gold)))
        if not office and not options.no_office:
            print("soffice not found: no DOCX or PDF layouts (bash install.sh installs LibreOffice)")
        print(f"\n{'layout':<26} {'exact':>6} {'cells':>7}   per report")
        for layout, rows in results.items():
            exact = sum(1 for _, verdict, *_ in rows if verdict == "exact")
            equal, total = sum(r[2] for r in rows), sum(r[3] for r in rows)
            detail = "; ".join(f"{stem[:3]} {verdict}" for stem, verdict, *_ in rows if verdict != "exact") or "-"
            print(f"{layout:<26} {exact:>3}/{len(rows):<2} {equal / total:>7.3f}   {detail}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
