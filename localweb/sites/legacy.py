"""Family 5: a legacy JSP site in GB2312 (梅岭县民政局).

The encoding is declared only in ``<meta http-equiv>`` (the Content-Type header says just
text/html), the layout is tables inside tables, no ETag, and every link carries a
``;jsessionid=`` that differs from page to page, so one article has many URLs. Reports on
2019 and 2020 are in the 2019 format. The gold URL is the link without its jsessionid.

The report column shows its list in an ``<iframe>``, and the list's links are script calls
(``href="javascript:void(0)" onclick="window.open('show.jsp…')"``), as such sites' lists
often are: the two older reports are reachable no other way (the home page links the two
newest).
"""
from __future__ import annotations

import hashlib
from html import escape

from localweb.render.html import report_body
from localweb.report import Contacts, generate
from localweb.sites.base import Options, Site, at, news_body, news_items

ORGAN = "梅岭县民政局"
CONTACTS = Contacts(phone=["0797-4321567"], email=["mlxmzj@163.com"], address=["梅岭县城关镇解放路12号"], postcode=["341500"])
REPORTS = {2019: ("2019", "word", (), 0, 1023), 2020: ("2019", "plain", ("handled",), 0, 1187),
           2021: ("2021", "plain", (), 1, 1342), 2022: ("2021", "word", (), 0, 1498)}
SITE_PHONE = "0797-4300000"
NAV = (("首页", "/index.jsp"), ("机构概况", "/news/list.jsp?catid=10"), ("政府信息公开", "/news/list.jsp?catid=12"),
       ("通知公告", "/news/list.jsp?catid=11"), ("互动交流", "/hdjl/index.jsp"))


def session_link(href: str, on_page: str) -> str:
    """`href` with the jsessionid a visitor of `on_page` would be given."""
    session = hashlib.md5(on_page.encode()).hexdigest()[:24].upper()
    path, _, query = href.partition("?")
    return f"{path};jsessionid={session}" + (f"?{query}" if query else "")


def page(title: str, body: str, path: str) -> bytes:
    """A nested-table page in GB2312, the charset named only in <meta http-equiv>."""
    nav = "".join(f"<td class=\"nav\"><a href=\"{escape(session_link(h, path))}\">{label}</a></td>" for label, h in NAV)
    html = ("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n<html>\n<head>\n"
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\n"
            f"<title>{escape(title)}--{ORGAN}</title>\n</head>\n<body>\n"
            "<table width=\"980\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\" align=\"center\">\n"
            f"<tr><td><table width=\"100%\"><tr><td class=\"logo\">{ORGAN}</td></tr></table></td></tr>\n"
            f"<tr><td><table width=\"100%\" class=\"navbar\"><tr>{nav}</tr></table></td></tr>\n"
            f"<tr><td><table width=\"100%\"><tr><td width=\"200\" valign=\"top\">&nbsp;</td>"
            f"<td valign=\"top\"><table width=\"100%\"><tr><td>{body}</td></tr></table></td></tr></table></td></tr>\n"
            f"<tr><td><table width=\"100%\" class=\"bottom\"><tr><td align=\"center\">主办单位：{ORGAN}　"
            f"网站标识码：3607300005　赣ICP备06004567号<br>联系电话：{SITE_PHONE}</td></tr></table></td></tr>\n"
            "</table>\n</body>\n</html>\n")
    return html.encode("gb2312")


def list_body(path: str, title: str, items) -> str:
    rows = "".join(f"<tr><td>・<a href=\"{escape(session_link(h, path))}\">{escape(t)}</a></td><td>{d:%Y-%m-%d}</td></tr>"
                   for h, t, d in items)
    return f"<table width=\"100%\"><tr><td class=\"coltitle\">{title}</td></tr></table>\n<table width=\"100%\">{rows}</table>"


def frame_page(title: str, items, path: str) -> bytes:
    """The column's list as its <iframe> shows it: no chrome, links that are script calls."""
    rows = "".join(f"<tr><td>・<a href=\"javascript:void(0)\" onclick=\"window.open('{escape(session_link(h, path))}')\">"
                   f"{escape(t)}</a></td><td>{d:%Y-%m-%d}</td></tr>" for h, t, d in items)
    html = ("<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\n"
            f"<title>{escape(title)}</title>\n</head>\n<body>\n<table width=\"100%\">{rows}</table>\n</body>\n</html>\n")
    return html.encode("gb2312")


def show(title: str, published, content: str) -> str:
    return (f"<table width=\"100%\"><tr><td align=\"center\"><b>{escape(title)}</b></td></tr>"
            f"<tr><td align=\"center\">发布日期：{published:%Y-%m-%d}　　来源：本站</td></tr>"
            f"<tr><td>{content}</td></tr></table>")


def build(options: Options) -> Site:
    site = Site(key="legacy", family="legacy GB2312 JSP with jsessionid", organ=ORGAN, seed_name=ORGAN,
                seed_path="/index.jsp", strip_jsessionid=True)
    add = lambda path, title, body: site.add(path, page(title, body, path), content_type="text/html", validators=False)
    reports = []
    for year, (template, style, faults, blanks, number) in sorted(REPORTS.items(), reverse=True):
        report = generate(ORGAN, year, template=template, contacts=CONTACTS, faults=faults, blanks=blanks)
        path = f"/news/show.jsp?id={number}"
        add(path, report.title, show(report.title, at(report.published), report_body(report, style=style)))
        site.add_gold(path, report)
        reports.append((path, report.title, report.published))
    news = []
    for i, (title, date) in enumerate(news_items(ORGAN, "catid11")):
        path = f"/news/show.jsp?id={2000 + i}"
        add(path, title, show(title, at(date), news_body(ORGAN, title, date)))
        news.append((path, title, date))
    column, frame = "/news/list.jsp?catid=12", "/news/frame.jsp?catid=12"
    add(column, "政府信息公开年报", "<table width=\"100%\"><tr><td class=\"coltitle\">政府信息公开年报</td></tr></table>\n"
        f"<iframe src=\"{escape(session_link(frame, column))}\" width=\"100%\" height=\"600\" frameborder=\"0\"></iframe>")
    site.add(frame, frame_page("政府信息公开年报", [(h.replace("/news/", ""), t, d) for h, t, d in reports], frame),
             content_type="text/html", validators=False)
    for number in range(3):
        path = "/news/list.jsp?catid=11" + (f"&page={number + 1}" if number else "")
        pager = " ".join(f"<a href=\"{escape(session_link('/news/list.jsp?catid=11&page=' + str(n + 1), path))}\">{n + 1}</a>"
                         for n in range(3))
        add(path, "通知公告", list_body(path, "通知公告", news[number * 10:number * 10 + 10]) + f"<p>{pager}</p>")
    add("/news/list.jsp?catid=10", "机构概况", f"<p>{ORGAN}是县人民政府工作部门。</p>")
    add("/hdjl/index.jsp", "互动交流", "<p>局长信箱</p>")
    add("/index.jsp", "首页", list_body("/index.jsp", "通知公告", news[:6]) + list_body("/index.jsp", "政府信息公开年报", reports[:2]))
    return site
