"""The fault site (江口区民政局): every way a small server or a document can fail a crawl.

Not part of the default web (the demo and the scored crawls stay as they are): a test or
an operator asks for it by name, ``build_web(1, ["faults"])`` or
``nianbao demo-web --site faults``. Its report column lists one report a year, each with
one fault; the crawl must finish, record each failure against this site and its URL,
and still archive the reports that can be read.

Readable despite a wrong answer (gold):
  2024 an ordinary HTML report (the control);
  2023 an HTML report served as application/octet-stream;
  2022 a PDF attachment served as text/html;            2021 a PDF with no Content-Type;
  2020 a DOCX attachment served as application/octet-stream;
  2019 a .doc whose Content-Disposition names ``../../../<canary>.doc``;
  2018 a PDF linked as ``../../../../etc/passwd.pdf`` whose Content-Disposition gives an
       absolute path: file names from the web must never become paths on our disk.
Transport faults, on the report article (errors, no report):
  2017 connection reset; 2016 truncated body (Content-Length larger than what is sent);
  2015 redirect loop (A → B → A); 2014 endless body; 2013 slow answer (SLOW_SECONDS
  before the first byte); 2012 a body that trickles forever.
Hostile documents, as attachments of report articles (errors, no report):
  2011 DOCX zip bomb; 2010 DOCX entity bomb; 2009 PDF of 20,000 pages;
  2008 PDF page tree that loops; 2007 PDF xref chain that loops; 2006 PDF content bomb.

Day 2 (for "a failed report is not gone"): a quiet night, the readable reports alone,
but the 2024 report article resets the connection (archived on day 1, it must stay, not
be judged gone) and the 2023 report is no longer listed (it is gone: the control).
"""
from __future__ import annotations

import datetime as dt
from html import escape

from localweb.render import doc as doc_renderer
from localweb.render import docx as docx_renderer
from localweb.render import hostile
from localweb.render import pdf as pdf_renderer
from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, Options, Resource, Route, Site, article, at, link_list

ORGAN = "江口区民政局"
CONTACTS = Contacts(phone=["0856-6221870"], email=["jkqmzj@163.com"], address=["江口区凯德街道梵净山大道8号"],
                    postcode=["554400"])
SLOW_SECONDS = 8.0            # more than the tests' DOWNLOAD_TIMEOUT, less than the product's
CANARY = "nianbao-escaped-canary"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# year -> (what is wrong, how the report is published)
READABLE = {
    2024: ("control", "html"),
    2023: ("html as application/octet-stream", "html"),
    2022: ("pdf as text/html", "pdf"),
    2021: ("pdf without Content-Type", "pdf"),
    2020: ("docx as application/octet-stream", "docx"),
    2019: ("doc named ../../../canary", "doc"),
    2018: ("pdf at ../etc/passwd.pdf", "pdf"),
}
TRANSPORT = {2017: "reset", 2016: "truncated", 2015: "redirect loop", 2014: "endless", 2013: "slow", 2012: "trickle"}
HOSTILE = {
    2011: ("zip bomb", "docx", hostile.zip_bomb_docx),
    2010: ("entity bomb", "docx", hostile.entity_bomb_docx),
    2009: ("many pages", "pdf", lambda: hostile.many_pages_pdf(20_000)),
    2008: ("looping page tree", "pdf", hostile.looping_pages_pdf),
    2007: ("looping xref", "pdf", hostile.looping_xref_pdf),
    2006: ("content bomb", "pdf", hostile.content_bomb_pdf),
}


def article_path(year: int) -> str:
    return f"/xxgk/ndbg/{year + 1}01/t{year + 1}0115_{560000 + year}.html"


def attachment_path(year: int, extension: str) -> str:
    if year == 2018:
        return "/etc/passwd.pdf"
    return f"/xxgk/ndbg/{year + 1}01/P0{year + 1}0115{year % 100:02d}.{extension}"


def build(options: Options) -> Site:
    site = Site(key="faults", family="faults and hostile documents", organ=ORGAN, seed_name=ORGAN,
                seed_path="/index.html")
    chrome = Chrome(ORGAN, site_code="5206030011", icp="黔ICP备11003344号", phone="0856-6220000",
                    nav={"首页": "/index.html", "政府信息公开": "/xxgk/index.html"})
    items = []
    for year, (_, kind) in READABLE.items():
        if year == 2023 and options.day >= 2:
            continue  # withdrawn on day 2
        report = generate(ORGAN, year, contacts=CONTACTS)
        page = article_path(year)
        meta = {"PubDate": f"{report.published:%Y-%m-%d} 09:30"}
        if kind == "html":
            content = report_body(report)
            resource = site.add(page, article(chrome, report.title, at(report.published), content, meta=meta),
                                modified=at(report.published))
            if year == 2023:
                resource.content_type = "application/octet-stream"
            if year == 2024 and options.day >= 2:
                resource.fault = "reset"
            site.add_gold(page, report)
        else:
            attachment = attachment_path(year, kind)
            href = "../../../../etc/passwd.pdf" if year == 2018 else attachment
            content = (f"<p style=\"text-indent:2em\">现将《{escape(report.title)}》予以公布，详见附件。</p>\n"
                       f"<p>附件：<a href=\"{href}\">{escape(report.title)}.{kind}</a></p>")
            site.add(page, article(chrome, report.title, at(report.published), content, meta=meta),
                     modified=at(report.published))
            site.add(attachment, _document(report, kind), **_served_as(year, kind), modified=at(report.published))
            site.add_gold(attachment, report)
        items.append((page, report.title, report.published))
    for year, fault in (TRANSPORT if options.day == 1 else {}).items():
        report = generate(ORGAN, year, contacts=CONTACTS)
        page = article_path(year)
        resource = site.add(page, article(chrome, report.title, at(report.published), report_body(report)),
                            validators=False)
        if fault == "slow":
            resource.delay = SLOW_SECONDS
        elif fault == "redirect loop":
            other = page.replace(".html", "_1.html")
            site.routes += [Route("GET", page, lambda r, to=other: _redirect(to)),
                            Route("GET", other, lambda r, to=page: _redirect(to))]
        else:
            resource.fault = fault
        site.decoys.append((page, f"fault: {fault}"))
        items.append((page, report.title, report.published))
    for year, (attack, kind, make) in (HOSTILE if options.day == 1 else {}).items():
        title = f"{ORGAN}{year}年政府信息公开工作年度报告"
        published = dt.date(year + 1, 1, 15)
        page, attachment = article_path(year), attachment_path(year, kind)
        content = (f"<p style=\"text-indent:2em\">现将《{escape(title)}》予以公布，详见附件。</p>\n"
                   f"<p>附件：<a href=\"{attachment}\">{escape(title)}.{kind}</a></p>")
        site.add(page, article(chrome, title, at(published), content), modified=at(published))
        site.add(attachment, make(), content_type=DOCX_TYPE if kind == "docx" else "application/pdf",
                 modified=at(published))
        site.decoys.append((attachment, f"hostile: {attack}"))
        items.append((page, title, published))
    items.sort(key=lambda item: item[2], reverse=True)
    site.add("/xxgk/ndbg/index.html", chrome.page("政府信息公开年报", link_list(items)))
    site.add("/xxgk/index.html", chrome.page("政府信息公开", "<ul><li><a href=\"/xxgk/ndbg/index.html\">政府信息公开年报</a></li></ul>"))
    site.add("/index.html", chrome.page("首页", "<p><a href=\"/xxgk/ndbg/index.html\">政府信息公开年报</a></p>"))
    return site


def _document(report, kind: str) -> bytes:
    if kind == "pdf":
        return pdf_renderer.render(report)
    docx_bytes = docx_renderer.render(report)
    return docx_bytes if kind == "docx" else doc_renderer.render(docx_bytes)


def _served_as(year: int, kind: str) -> dict:
    """The wrong Content-Type (or Content-Disposition) each readable attachment is served with."""
    if year == 2022:
        return {"content_type": "text/html; charset=utf-8"}
    if year == 2021:
        return {"content_type": None}
    if year == 2020:
        return {"content_type": "application/octet-stream"}
    if year == 2019:
        return {"content_type": "application/msword",
                "headers": {"Content-Disposition": f"attachment; filename=\"../../../{CANARY}.doc\""}}
    return {"content_type": "application/pdf",
            "headers": {"Content-Disposition": f"attachment; filename=\"/tmp/{CANARY}.pdf\"; "
                                               f"filename*=UTF-8''..%2F..%2F{CANARY}.pdf"}}


def _redirect(location: str) -> Resource:
    return Resource(b"", status=302, headers={"Location": location}, validators=False)
