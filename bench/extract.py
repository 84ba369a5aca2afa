"""Extraction speed and memory, by format, over generated reports.

    python3 bench/extract.py [--reports 200]

Generates N reports with the local web's generator (both formats, random figures),
renders each as plain text (tab-separated tables), an HTML article page with site
chrome, a PDF and a DOCX, then times `extractors.extract` on each set and prints
reports/s, the peak memory of the run (tracemalloc), and the HTML time as a ratio to
`trafilatura.extract` alone on the same pages (goal: <= 2.0x). Also checks every
extraction against the generator's figures, so a fast wrong extractor does not pass.
"""
from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc

import trafilatura

from extractors import extract
from localweb import report as reports
from localweb.render import docx as render_docx
from localweb.render import html as render_html
from localweb.render import pdf as render_pdf
from localweb.tables import place, report_tables

CHROME = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} - 某某市民政局</title>
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{published} 09:30"></head>
<body><div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/jggk/">机构概况</a></li>
<li><a href="/xxgk/">政府信息公开</a></li><li><a href="/tzgg/">通知公告</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="main"><div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 年度报告</div>
<div class="article"><h1>{title}</h1><div class="info">发布时间：{published} 来源：办公室</div>
<div class="content">{body}</div></div></div>
<div class="footer">主办单位：某某市民政局 网站标识码：1234000001 ICP备案：京ICP备12345678号 电话：010-88886666</div>
</body></html>"""


def text_version(report) -> str:
    """The report as a text copy: prose, then each table tab-separated."""
    lines = [report.title, *report.intro]
    for heading, table in report_tables(report):
        lines.append(heading)
        grid = {}
        for r, c, cell in place(table):
            grid[(r, c)] = cell.text
        rows = max(r for r, _ in grid) + 1
        cols = max(c for _, c in grid) + 1
        for r in range(rows):
            lines.append("\t".join(grid.get((r, c), "") for c in range(cols)))
    for heading, paragraphs in report.sections:
        lines.append(heading)
        lines.extend(paragraphs)
    return "\n".join(lines)


def documents(n: int):
    out = {"text": [], "html": [], "pdf": [], "docx": []}
    truth = []
    for i in range(n):
        year = 2019 + i % 7
        report = reports.generate(f"第{i}号县民政局", year, blanks=i % 3)
        truth.append(report)
        out["text"].append(text_version(report).encode("utf-8"))
        page = CHROME.format(title=report.title, published=report.published.isoformat(),
                             body=render_html.report_body(report, style="word" if i % 2 else "plain"))
        out["html"].append(page.encode("utf-8"))
        out["pdf"].append(render_pdf.render(report))
        out["docx"].append(render_docx.render(report))
    return out, truth


def timed(fn, items):
    start = time.perf_counter()
    results = [fn(x) for x in items]
    return time.perf_counter() - start, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200, help="reports per format (default 200)")
    args = parser.parse_args()
    print(f"generating {args.reports} reports in 4 formats ...", flush=True)
    docs, truth = documents(args.reports)
    for kind in docs:  # warm-up: imports, OpenCC dictionaries, font caches
        extract(docs[kind][0])
    figures = {}
    for kind, items in docs.items():
        seconds, records = timed(extract, items)
        exact = sum(1 for rec, rep in zip(records, truth) if rec["cells"] == rep.cells)
        figures[kind] = seconds
        print(f"{kind:5s} {len(items) / seconds:8.1f} reports/s   {seconds / len(items) * 1000:7.1f} ms/report   "
              f"cells exact {exact}/{len(items)}", flush=True)
    # memory in a pass of its own: tracemalloc slows Python down several times
    for kind, items in docs.items():
        tracemalloc.start()
        for item in items[:20]:
            extract(item)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{kind:5s} peak traced memory while extracting: {peak / 2**20:.1f} MiB")
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"machine load average during the run: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")
    ours, bare = interleaved(docs["html"])
    print(f"trafilatura.extract alone: {len(docs['html']) / bare:.1f} pages/s")
    print(f"HTML extraction / trafilatura.extract = {ours / bare:.2f}x (goal <= 2.0x; "
          f"page by page, alternating, so both see the same machine load)")


def interleaved(pages: list[bytes]) -> tuple[float, float]:
    """Seconds of `extract` and of `trafilatura.extract` over the same pages, timed in turn."""
    ours = bare = 0.0
    for page in pages:
        start = time.perf_counter()
        extract(page)
        middle = time.perf_counter()
        trafilatura.extract(page.decode("utf-8"))
        ours, bare = ours + middle - start, bare + time.perf_counter() - middle
    return ours, bare


if __name__ == "__main__":
    main()
