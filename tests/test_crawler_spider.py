"""The `reports` spider on saved pages (city-scrapers style): what it follows and what not."""
import pytest
from scrapy.http import HtmlResponse, Request, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.spiders.reports import ReportsSpider


@pytest.fixture
def files():
    from pathlib import Path
    return Path(__file__).parent / "files" / "sites"


def make_spider(name):
    crawler = get_crawler(ReportsSpider)
    return ReportsSpider.from_crawler(crawler, seeds=[])


def response_for(files, path, url, seed, role="list", cls=HtmlResponse, **meta):
    request = Request(url, meta={"seed": seed, "role": role, **meta})
    return cls(url=url, body=(files / path).read_bytes(), request=request)


def requests_by_role(results):
    out = {}
    for r in results:
        out.setdefault(r.meta["role"], []).append(r)
    return out


def test_trs_list_gives_reports_and_create_page_html_pages_but_no_decoys(files):
    seed = {"name": "通城县民政局", "url": "http://x.gov.cn/"}
    spider = make_spider(seed)
    results = list(spider.parse(response_for(files, "trs/index.html", "http://x.gov.cn/xxgk/ndbg/index.html", seed)))
    roles = requests_by_role(results)
    assert sorted(r.url for r in roles["article"]) == [
        "http://x.gov.cn/xxgk/ndbg/202401/t20240117_3011223.html",
        "http://x.gov.cn/xxgk/ndbg/202501/t20250115_3460884.html",
    ]
    lists = {r.url for r in roles["list"]}
    assert {f"http://x.gov.cn/xxgk/ndbg/index_{n}.html" for n in (1, 2, 3)} <= lists
    assert all(r.callback == spider.parse_article for r in roles["article"])


def test_hanweb_column_reads_the_datastore_and_posts_to_the_dataproxy(files):
    seed = {"name": "嘉兴市民政局", "url": "http://x.gov.cn/"}
    spider = make_spider(seed)
    results = list(spider.parse(response_for(files, "hanweb/col.html", "http://x.gov.cn/col/col4471234/index.html", seed)))
    roles = requests_by_role(results)
    assert sorted(r.url for r in roles["article"]) == [
        "http://x.gov.cn/art/2024/1/20/art_4471234_5200001.html",
        "http://x.gov.cn/art/2025/1/13/art_4471234_5443023.html",
    ]
    posts = [r for r in roles["list"] if r.method == "POST"]
    assert len(posts) == 2 and b"columnid=4471234" in posts[0].body


def test_hanweb_dataproxy_answer_gives_the_older_reports(files):
    seed = {"name": "嘉兴市民政局", "url": "http://x.gov.cn/"}
    spider = make_spider(seed)
    url = "http://x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=6&perpage=3"
    response = response_for(files, "hanweb/dataproxy.xml", url, seed, cls=XmlResponse, hanweb_proxy=True,
                            hanweb_next_start=7)
    roles = requests_by_role(spider.parse(response))
    assert sorted(r.url for r in roles["article"]) == [
        "http://x.gov.cn/art/2022/1/19/art_4471234_4900001.html",
        "http://x.gov.cn/art/2023/1/18/art_4471234_5100001.html",
    ]
    assert not any(r.method == "POST" for r in roles.get("list", []))  # total known: asked for at once


def test_portal_keeps_only_the_seed_organs_reports(files):
    seed = {"name": "通城县民政局", "url": "http://portal.gov.cn/zwgk/bmnb/index.html"}
    spider = make_spider(seed)
    results = list(spider.parse(response_for(files, "portal/bmnb.html", seed["url"], seed, role="home")))
    roles = requests_by_role(results)
    assert sorted(r.url.rsplit("_", 1)[1] for r in roles["article"]) == ["090001.html", "100001.html", "100003.html"]
    assert {r.url for r in roles["list"]} >= {"http://portal.gov.cn/zwgk/bmnb/index_1.html"}


def test_js_shell_is_requested_again_through_the_browser(files):
    seed = {"name": "某县民政局", "url": "http://js.gov.cn/"}
    spider = make_spider(seed)
    results = list(spider.parse(response_for(files, "jsapp/list.html", "http://js.gov.cn/ndbg/", seed)))
    assert len(results) == 1 and results[0].meta["playwright"] is True and results[0].dont_filter


def test_legacy_jsp_gb2312_list_strips_session_ids_and_skips_the_calendar(files):
    seed = {"name": "某县民政局", "url": "http://old.gov.cn/"}
    spider = make_spider(seed)
    results = list(spider.parse(response_for(files, "jsp/list.html", "http://old.gov.cn/mzj/ndbg/list.jsp", seed)))
    urls = {r.url for r in results}
    assert "http://old.gov.cn/mzj/ndbg/view.jsp?id=2020" in urls
    assert "http://old.gov.cn/mzj/ndbg/list.jsp?page=2" in urls
    assert not any("calendar" in u or "jsessionid" in u for u in urls)


def test_report_article_becomes_an_item_and_its_attachments_plain_requests():
    seed = {"name": "通城县民政局", "url": "http://x.gov.cn/"}
    spider = make_spider(seed)
    body = ("<html><head><title>2023年政府信息公开工作年度报告</title></head><body><p>详见附件。</p>"
            "<a href='/u/2023nb.pdf'>2023年报告.pdf</a><a href='/u/2023jd.pdf'>2023年报告解读.pdf</a></body></html>").encode()
    request = Request("http://x.gov.cn/t1.html", meta={"seed": seed, "role": "article"})
    response = HtmlResponse(url=request.url, body=body, request=request,
                            headers={"ETag": '"abc"', "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"})
    item, *attachments = list(spider.parse_article(response))
    assert item["url"] == item["page_url"] == "http://x.gov.cn/t1.html"
    assert item["etag"] == '"abc"' and item["last_modified"].startswith("Wed")
    assert len(item["sha256"]) == 64 and item["seed_name"] == "通城县民政局"
    assert [a.url for a in attachments] == ["http://x.gov.cn/u/2023nb.pdf"]
    assert attachments[0].meta["attachment"] and "playwright" not in attachments[0].meta


SEED = {"name": "通城县民政局", "url": "http://x.gov.cn/"}


@pytest.fixture
def spider():
    return make_spider(SEED)


def _page(url, body, role, **meta):
    """A saved page of the seed's site, as the spider receives it in `role`."""
    request = Request(url, meta={"seed": SEED, "role": role, **meta})
    return HtmlResponse(url=url, body=f"<html><body>{body}</body></html>".encode("utf-8"), request=request)


def test_a_column_that_shows_its_list_in_a_frame_reads_the_frame_as_the_list(spider):
    column = _page("http://x.gov.cn/xxgk/ndbg/index.html", "<h3>政府信息公开年报</h3>"
                   "<iframe src='/xxgk/ndbg/list.jsp?col=12' width='100%'></iframe>"
                   "<iframe src='https://weather.example.com/widget.html'></iframe>", "list")
    requests = list(spider.parse(column))
    assert [(r.url, r.meta["role"]) for r in requests] == [("http://x.gov.cn/xxgk/ndbg/list.jsp?col=12", "list")]


def test_a_frame_on_the_seed_page_is_followed_only_into_the_disclosure_section(spider):
    home = _page("http://x.gov.cn/", "<a href='/jggk/'>机构概况</a><a href='/hdjl/'>互动交流</a><a href='/news/'>新闻</a>"
                 "<iframe src='/xxgk/index.html' title='政府信息公开'></iframe>"
                 "<iframe src='/video/player.html'></iframe>", "home")
    assert [(r.url, r.meta["role"]) for r in spider.parse(home)] == [("http://x.gov.cn/xxgk/index.html", "home")]


def test_a_frameset_seed_page_is_read_through_its_frames(spider):
    request = Request("http://x.gov.cn/", meta={"seed": SEED, "role": "home"})
    home = HtmlResponse(url=request.url, request=request, body=(
        "<html><frameset rows='120,*'><frame src='top.html' name='top'><frame src='main.html' name='main'>"
        "</frameset></html>").encode())
    assert [r.url for r in spider.parse(home)] == ["http://x.gov.cn/top.html", "http://x.gov.cn/main.html"]


def test_a_seed_page_that_only_redirects_by_script_is_followed_without_the_browser(spider):
    home = _page("http://x.gov.cn/", "<script>window.location.href = '/col/col123/index.html';</script>", "home")
    requests = list(spider.parse(home))
    assert [(r.url, r.meta["role"]) for r in requests] == [("http://x.gov.cn/col/col123/index.html", "home")]
    assert "playwright" not in requests[0].meta


def test_relative_links_resolve_against_the_pages_base_href(spider):
    request = Request("http://x.gov.cn/index.html", meta={"seed": SEED, "role": "list"})
    column = HtmlResponse(url="http://x.gov.cn/index.html", request=request, body=(
        "<html><head><base href='http://x.gov.cn/xxgk/ndbg/'></head><body>"
        "<a href='202501/t20250115_1.html'>通城县民政局2024年政府信息公开工作年度报告</a></body></html>").encode())
    assert [r.url for r in spider.parse(column)] == ["http://x.gov.cn/xxgk/ndbg/202501/t20250115_1.html"]


def test_a_download_link_without_a_file_type_is_fetched_as_an_attachment(spider):
    article = _page("http://x.gov.cn/xxgk/ndbg/t1.html", "<h1>通城县民政局2024年政府信息公开工作年度报告</h1>"
                    "<p>附件：<a href='/module/download/downfile.jsp?classid=0&amp;filename=2501151030.&amp;id=77'>"
                    "附件：通城县民政局2024年政府信息公开工作年度报告</a></p>"
                    "<a href='/attach/get?id=78'>附件：2024年报解读</a><a href='/xzzx/index.html'>下载中心</a>", "article")
    item, *attachments = list(spider.parse_article(article))
    assert [a.url for a in attachments] == ["http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=2501151030.&id=77"]


def test_report_links_written_as_script_calls_are_followed(spider):
    column = _page("http://x.gov.cn/xxgk/ndbg/index.html",
                   "<a href='javascript:void(0)' onclick=\"window.open('/xxgk/ndbg/202501/t20250115_1.html')\">"
                   "通城县民政局2024年政府信息公开工作年度报告</a>"
                   "<a href=\"javascript:openDetail('202401/t20240117_2.shtml')\">通城县民政局2023年政府信息公开工作年度报告</a>"
                   "<a href='#' onclick=\"window.open('show.jsp;jsessionid=A1B2?id=3')\">通城县民政局2022年政府信息公开工作年度报告</a>"
                   "<a href='javascript:void(0)' onclick='share()'>分享</a>", "list")
    articles = [r.url for r in spider.parse(column) if r.meta["role"] == "article"]
    assert articles == ["http://x.gov.cn/xxgk/ndbg/202501/t20250115_1.html",
                        "http://x.gov.cn/xxgk/ndbg/202401/t20240117_2.shtml",
                        "http://x.gov.cn/xxgk/ndbg/show.jsp?id=3"]  # its session id dropped


def test_a_report_shown_through_a_pdf_viewer_fetches_the_pdf_itself(spider):
    article = _page("http://x.gov.cn/xxgk/ndbg/t1.html", "<h1>通城县民政局2024年政府信息公开工作年度报告</h1>"
                    "<iframe src='/static/pdfjs/web/viewer.html?file=/uploads/2025/nb2024.pdf'></iframe>"
                    "<embed src='/uploads/2025/nb2024_tables.pdf' type='application/pdf'>", "article")
    item, *attachments = list(spider.parse_article(article))
    assert [a.url for a in attachments] == ["http://x.gov.cn/uploads/2025/nb2024.pdf",
                                            "http://x.gov.cn/uploads/2025/nb2024_tables.pdf"]
    assert all(a.meta["role"] == "attachment" for a in attachments)


def test_a_shell_whose_button_sets_location_still_goes_to_the_browser(spider):
    shell = _page("http://x.gov.cn/", "<div id='app'></div><button onclick=\"location.href='/search.html'\">搜索</button>"
                  "<script src='/static/app.js'></script><script>fetch('/api/site').then(r => r.json())</script>", "home")
    requests = list(spider.parse(shell))
    assert [r.url for r in requests] == ["http://x.gov.cn/"] and requests[0].meta.get("playwright")


def test_a_page_reached_as_a_list_that_is_this_organs_report_becomes_a_report_item(spider):
    # a report module's page, linked from the column by its year alone
    page = _page("http://x.gov.cn/module/xxgk/xxgkAnnualReport.jsp?fbtime=2022&area=1142",
                 "<p>一、总体情况</p><p>2022年，本局主动公开政府信息58条。</p>"
                 "<a href='/u/nb2022.pdf'>附件：统计表.pdf</a><a href='javascript:window.print()'>打印</a>", "list")
    page = page.replace(body=page.body.replace(b"<html>", "<html><head><title>通城县民政局2022年政府信息公开工作年度报告"
                                                          "</title></head>".encode("utf-8")))
    item, *attachments = list(spider.parse(page))
    assert item["url"] == page.url and item["seed_name"] == "通城县民政局"
    assert [a.url for a in attachments] == ["http://x.gov.cn/u/nb2022.pdf"]


def test_a_year_list_of_a_portal_titled_like_a_report_stays_a_list(spider):
    page = _page("http://x.gov.cn/xxgk/ndbg/2022/index.html",
                 "<a href='/xxgk/ndbg/2022/t1.html'>通城县民政局2022年政府信息公开工作年度报告</a>"
                 "<a href='/xxgk/ndbg/2022/t2.html'>通城县财政局2022年政府信息公开工作年度报告</a>", "list")
    page = page.replace(body=page.body.replace(b"<html>", "<html><head><title>2022年政府信息公开工作年度报告</title></head>"
                                                          .encode("utf-8")))
    assert [(r.url, r.meta["role"]) for r in spider.parse(page)] == [("http://x.gov.cn/xxgk/ndbg/2022/t1.html", "article")]


def test_links_of_a_seed_page_that_moved_to_https_are_on_the_site(spider):
    request = Request("http://x.gov.cn/", meta={"seed": SEED, "role": "home", "seed_page": True,
                                                 "redirect_urls": ["http://x.gov.cn/"]})
    home = HtmlResponse(url="https://www.x.gov.cn/", request=request, body=(
        "<html><body><a href='/xxgk/ndbg/'>政府信息公开年报</a><a href='http://x.gov.cn/xxgk/'>政府信息公开</a>"
        "<a href='https://other.gov.cn/xxgk/'>政府信息公开</a></body></html>").encode("utf-8"))
    requests = list(spider.parse(home))
    assert [r.url for r in requests] == ["https://www.x.gov.cn/xxgk/ndbg/", "http://x.gov.cn/xxgk/"]
    assert all(r.meta["also_allowed_origins"] == ["https://www.x.gov.cn"] for r in requests)
    assert not any(r.meta.get("seed_page") for r in requests)


def test_a_list_whose_links_say_only_view_is_read_by_its_rows(spider):
    column = _page("http://x.gov.cn/xxgk/ndbg/index.html",
                   "<table><tr><td>通城县民政局2024年政府信息公开工作年度报告</td><td>2025-01-15</td>"
                   "<td><a href='202501/t20250115_1.html'>查看</a></td></tr>"
                   "<tr><td>通城县民政局2024年法治政府建设情况报告</td><td>2025-02-20</td>"
                   "<td><a href='202502/t20250220_2.html'>查看</a></td></tr></table>"
                   "<p>政府信息公开年报 <a href='/xxgk/ndbg/index_1.html'>更多&gt;&gt;</a></p>", "list")
    roles = requests_by_role(spider.parse(column))
    assert [r.url for r in roles["article"]] == ["http://x.gov.cn/xxgk/ndbg/202501/t20250115_1.html"]
    assert [r.url for r in roles["list"]] == ["http://x.gov.cn/xxgk/ndbg/index_1.html"]


def test_report_links_kept_in_a_data_attribute_are_followed(spider):
    column = _page("http://x.gov.cn/xxgk/ndbg/index.html",
                   "<table><tr><td>1</td><td><a href='javascript:void(0);' data-url='/xxgk/ndbg/202501/t20250115_1.html'>"
                   "通城县民政局2024年政府信息公开工作年度报告</a></td><td>2025-01-15</td></tr></table>", "list")
    assert [r.url for r in spider.parse(column) if r.meta["role"] == "article"] == \
        ["http://x.gov.cn/xxgk/ndbg/202501/t20250115_1.html"]


def test_a_report_module_page_that_names_its_organ_only_in_its_heading_is_the_report(spider):
    # Hanweb's xxgkAnnualReport.jsp?fbtime=2023, reached from the column by its year alone
    body = ("<h1 class='title'>通城县民政局2023年政府信息公开工作年度报告</h1><div class='content'><p>一、总体情况</p></div>"
            "<a href='/index.html'>首页</a>")
    module = _page("http://x.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area=1&fbtime=2023",
                   body.replace("<h1", "<title>政府信息公开年报</title><h1", 1), "list")
    items = [r for r in spider.parse(module) if not hasattr(r, "meta")]
    assert [i["url"] for i in items] == ["http://x.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area=1&fbtime=2023"]
