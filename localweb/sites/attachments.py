"""Family 4: reports only as attachments (北山区民政局).

Each report article says one sentence and links the report as a PDF, a DOCX, a legacy
.doc, an OFD (the national fixed-layout format) or a ZIP holding the DOCX (named in GBK,
as Chinese Windows archivers write, beside a note); the gold URL is the attachment, where
the report's content is. The 2021 article also links a ZIP of photos: read, no report, a
decoy. For 2024 the report is printed in the page body *and* offered as a PDF copy: one
report (gold URL = the article page), not two. Day 2: the 2022 DOCX is removed (404)
while its article still links it.
"""
from __future__ import annotations

from html import escape

from localweb.render import doc as doc_renderer
from localweb.render import docx as docx_renderer
from localweb.render import ofd as ofd_renderer
from localweb.render import pdf as pdf_renderer
from localweb.render.archive import gbk_zip
from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Chrome, Options, Site, article, at, link_list, news_body, news_items

ORGAN = "北山区民政局"
CONTACTS = Contacts(phone=["0471-6923315"], email=["bsqmzj@sina.com"], address=["北山区新华东街21号"], postcode=["010050"])
# year -> (attachment kind, faults, blanks, number)
REPORTS = {
    2019: ("doc", (), 0, 120011),
    2020: ("zip", ("row_total",), 0, 121387),
    2021: ("pdf", (), 0, 122954),
    2022: ("docx", (), 0, 124406),
    2023: ("ofd", ("balance",), 2, 125873),
    2024: ("body+pdf", (), 0, 127310),
}
CONTENT_TYPES = {"pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "doc": "application/msword", "ofd": "application/ofd", "zip": "application/zip"}
# linked from the 2021 article beside its report: photos, no report
PHOTOS_YEAR = 2021
REMOVED_ON_DAY_2 = 2022


def attachment_bytes(report, kind: str) -> bytes:
    if kind == "pdf":
        return pdf_renderer.render(report)
    if kind == "ofd":
        return ofd_renderer.render(report)
    docx_bytes = docx_renderer.render(report)
    if kind == "zip":
        return gbk_zip({"填报说明.txt": "本压缩包内为年度报告正式文本，请以此为准。".encode("gbk"),
                        f"{report.title}.docx": docx_bytes})
    return docx_bytes if kind == "docx" else doc_renderer.render(docx_bytes)


def photos_zip(year: int) -> bytes:
    """A ZIP of a year's work photos: pictures only, no report in it."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 200)).save(buffer, "PNG")
    return gbk_zip({f"{year}年政务公开工作照片/{n}.png": buffer.getvalue() for n in (1, 2, 3)})


def build(options: Options) -> Site:
    site = Site(key="attachments", family="reports only as attachments", organ=ORGAN, seed_name=ORGAN,
                seed_path="/index.html")
    chrome = Chrome(ORGAN, site_code="1501020008", icp="蒙ICP备09002233号", phone="0471-6900110",
                    nav={"首页": "/index.html", "机构概况": "/jggk/index.html", "政府信息公开": "/zwgk/index.html",
                         "通知公告": "/tzgg/index.html", "互动交流": "/hdjl/index.html"})
    items = []
    for year, (kind, faults, blanks, number) in sorted(REPORTS.items(), reverse=True):
        report = generate(ORGAN, year, contacts=CONTACTS, faults=faults, blanks=blanks)
        date = report.published
        page = f"/zwgk/ndbg/{date:%Y%m}/t{date:%Y%m%d}_{number}.html"
        extension = "pdf" if kind == "body+pdf" else kind
        attachment = f"/zwgk/ndbg/{date:%Y%m}/P0{date:%Y%m%d}{number % 1000:03d}{year % 100:02d}.{extension}"
        link = (f"<p>附件：<a href=\"{attachment}\" target=\"_blank\">{escape(report.title)}.{extension}</a></p>")
        if kind == "body+pdf":
            content = report_body(report) + f"\n<p>本报告另附PDF版本供下载。</p>\n{link}"
            site.add_gold(page, report)
        else:
            content = f"<p style=\"text-indent:2em\">现将《{escape(report.title)}》予以公布，详见附件。</p>\n{link}"
            if year == PHOTOS_YEAR:
                photos = f"/zwgk/ndbg/{date:%Y%m}/P0{date:%Y%m%d}{number % 1000:03d}{year % 100:02d}_2.zip"
                content += f"\n<p>附件2：<a href=\"{photos}\">{year}年度政务公开工作照片.zip</a></p>"
                site.add(photos, photos_zip(year), content_type=CONTENT_TYPES["zip"], modified=at(date))
                site.decoys.append((photos, "zip without a report"))
            if not (year == REMOVED_ON_DAY_2 and options.day >= 2):
                site.add_gold(attachment, report)
        site.add(page, article(chrome, report.title, at(date), content, meta={"PubDate": f"{date:%Y-%m-%d} 09:30"}),
                 modified=at(date))
        if not (year == REMOVED_ON_DAY_2 and options.day >= 2):
            site.add(attachment, attachment_bytes(report, extension), content_type=CONTENT_TYPES[extension],
                     modified=at(date))
        items.append((page, report.title, date))
    site.add("/zwgk/ndbg/index.html", chrome.page("政府信息公开年报", "<h3>政府信息公开年报</h3>\n" + link_list(items)))

    news = []
    for i, (title, date) in enumerate(news_items(ORGAN, "tzgg")):
        path = f"/tzgg/{date:%Y%m}/t{date:%Y%m%d}_{130000 + i * 53}.html"
        site.add(path, article(chrome, title, at(date, 11), news_body(ORGAN, title, date)))
        news.append((path, title, date))
    for number, start in enumerate(range(0, len(news), 12)):
        pager = " ".join(f"<a href=\"/tzgg/index{'' if n == 0 else '_' + str(n)}.html\">{n + 1}</a>"
                         for n in range(-(-len(news) // 12)))
        name = "/tzgg/index.html" if number == 0 else f"/tzgg/index_{number}.html"
        site.add(name, chrome.page("通知公告", link_list(news[start:start + 12]) + f"\n<div class=\"page\">{pager}</div>"))
    site.add("/zwgk/index.html", chrome.page("政府信息公开", "<ul><li><a href=\"/zwgk/ndbg/index.html\">政府信息公开年报</a></li>"
                                              "<li><a href=\"/tzgg/index.html\">通知公告</a></li></ul>"))
    site.add("/jggk/index.html", chrome.page("机构概况", f"<p>{ORGAN}负责全区民政工作。</p>"))
    site.add("/hdjl/index.html", chrome.page("互动交流", "<p>局长信箱</p>"))
    site.add("/index.html", chrome.page("首页", link_list(news[:6]) + "\n<p><a href=\"/zwgk/ndbg/index.html\">政府信息公开年报</a></p>"))
    return site
