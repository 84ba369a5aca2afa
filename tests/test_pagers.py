"""The pure rules that read a column's pagers (crawler.pagers) and a site's search form
(crawler.search), on pager and form markup as real CMS pages print it."""
from __future__ import annotations

from crawler.pagers import column_key, column_pages, page_count, page_function, request_key
from crawler.search import search_requests

COLUMN = "http://bureau.example/zwgk/index.html"
GO_PAGE = """<script>function goPage(n){ n = parseInt(n, 10); if (n <= 1) { location.href = 'index.html'; return; }
location.href = 'index_' + (n - 1) + '.html'; }</script>"""


def urls(paging):
    return sorted(url for _, url, _ in paging.requests)


def test_go_page_links_with_the_pages_own_function_give_every_page_up_to_the_total():
    html = (f"<body><div class=pager>共6页 当前第1页 <a href=\"javascript:goPage(1)\">首页</a> <b>1</b> "
            f"<a href=\"javascript:goPage(2)\">2</a> <a href=\"javascript:goPage(2)\">下一页</a> "
            f"<a href=\"javascript:goPage(6)\">尾页</a></div>{GO_PAGE}</body>")
    paging = column_pages(html, COLUMN)
    assert paging.total == 6 and paging.current == 1
    assert urls(paging) == [f"http://bureau.example/zwgk/index_{n}.html" for n in range(1, 6)]


def test_the_last_pages_call_gives_the_total_when_none_is_printed():
    html = f"<a href=\"javascript:goPage(2)\">下一页</a> <a href=\"javascript:goPage(4)\">尾页</a>{GO_PAGE}"
    paging = column_pages(html, COLUMN)
    assert paging.total == 4 and len(paging.requests) == 3


def test_a_pager_function_from_a_site_script_that_submits_the_page_form():
    html = ("<form name=pageForm action=\"list.jsp\" method=post><input type=hidden name=cid value=19>"
            "<input type=hidden name=curPage value=1></form> 共47条 第1/4页 "
            "<a href=\"javascript:void(0)\" onclick=\"goPage(2)\">下一页</a>")
    paging = column_pages(html, "http://bureau.example/xxgk/list.jsp?cid=19")
    assert paging.total == 4
    assert sorted(fields["curPage"] for method, url, fields in paging.requests if method == "POST") == ["2", "3", "4"]
    assert all(fields["cid"] == "19" and url == "http://bureau.example/xxgk/list.jsp" for _, url, fields in paging.requests)


def test_a_function_that_sets_a_field_by_id_and_submits():
    html = ("<script>function toPage(p){ document.getElementById('pno').value = p; document.forms[0].submit(); }</script>"
            "<form action=\"/list.do\"><input type=hidden name=pageIndex id=pno value=1><input type=hidden name=col value=7>"
            "</form> 页次：1/3 <input type=button value=\"下一页\" onclick=\"toPage(2)\">")
    assert page_function(html, "toPage") == ("form", "pno")
    paging = column_pages(html, "http://bureau.example/list.do")
    assert urls(paging) == ["http://bureau.example/list.do?pageIndex=2&col=7", "http://bureau.example/list.do?pageIndex=3&col=7"]


def test_last_page_link_and_next_link_fill_the_pages_between():
    html = "<div>共5页 <a href=\"list_2.shtml\">下一页</a> <a href=\"list_5.shtml\">尾页</a></div>"
    paging = column_pages(html, "http://bureau.example/qt/list.shtml")
    assert urls(paging) == [f"http://bureau.example/qt/list_{n}.shtml" for n in range(2, 6)]
    # numbered from 1 after index.html, the 尾页's number alone gives the total
    html = "<a href=\"index_1.html\">2</a> <a href=\"index_1.html\">下一页</a> <a href=\"index_4.html\">尾页</a>"
    paging = column_pages(html, COLUMN)
    assert paging.total == 5 and len(urls(paging)) == 4


def test_a_pager_without_a_count_leads_one_page_on_and_no_further():
    html = "<ul><li><a href=\"2023/\">2023</a></li></ul><a href=\"index_1.html\">下一页</a>"
    paging = column_pages(html, COLUMN)
    assert urls(paging) == ["http://bureau.example/zwgk/index_1.html"] and paging.total is None
    assert column_pages("<p>共12条</p><ul><li><a href=\"./t1.html\">通知</a></li></ul>", COLUMN).requests == []


def test_counts_and_keys():
    assert page_count("共 6 页") == 6 and page_count("第3/7页") == 7 and page_count("页次：2/9 每页15条") == 9
    assert column_key("http://b.example/zwgk/index.html") == column_key("http://b.example/zwgk/") == "http://b.example/zwgk/"
    assert request_key("POST", "http://b.example/l.jsp", {"p": "2", "c": "1"}) == "http://b.example/l.jsp c=1&p=2"


def test_a_trs_was5_search_form_and_a_q_style_one():
    was5 = ("<form action=\"/was5/web/search\" method=\"get\" target=\"_blank\"><input type=\"hidden\" name=\"channelid\" "
            "value=\"246218\"><input type=\"text\" name=\"searchword\" placeholder=\"请输入关键字\"><input type=\"submit\" "
            "value=\"搜索\"></form>")
    assert search_requests(was5, "http://b.example/") == [
        ("GET", "http://b.example/was5/web/search?channelid=246218&searchword=%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A", {})]
    q = "<form action=\"search\"><input name=\"q\" type=\"search\"><button>站内搜索</button></form>"
    assert search_requests(q, "http://b.example/mzj/index.html") == [
        ("GET", "http://b.example/mzj/search?q=%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A", {})]


def test_a_form_that_searches_nothing_is_no_search():
    login = "<form action=\"/login.do\" method=post><input name=\"username\"><input type=password name=pwd></form>"
    page = "<form action=\"list.jsp\"><input name=\"page\" value=\"2\"><input type=submit value=\"GO\"></form>"
    assert search_requests(login, "http://b.example/") == [] and search_requests(page, "http://b.example/") == []


def test_a_disclosure_link_to_the_countys_platform_is_one_and_the_national_portals_is_not():
    from crawler.discovery import Link, is_platform_link, registered_domain

    bureau = "http://mzj.weishan.gov.cn/index.html"
    assert is_platform_link(Link("http://www.weishan.gov.cn/xxgk/bm/", "政府信息公开"), bureau)
    assert is_platform_link(Link("http://xxgk.weishan.gov.cn/", "信息公开"), bureau)
    assert not is_platform_link(Link("http://www.gov.cn/zhengce/xxgk/", "政府信息公开"), bureau)  # the national portal
    assert not is_platform_link(Link("http://www.weishan.gov.cn/xwzx/", "新闻中心"), bureau)
    assert not is_platform_link(Link("http://mzj.weishan.gov.cn/xxgk/", "政府信息公开"), bureau)  # its own section
    assert registered_domain("http://a.b.example.com.cn/") == "example.com.cn"


def test_a_calendars_days_are_no_pages_and_session_ids_are_dropped():
    html = ("<table class=cal><tr>" + "".join(f"<td><a href=\"calendar.jsp?day={d}\">{d}</a></td>" for d in range(1, 29))
            + "</tr></table><a href=\"list.jsp;jsessionid=ABC123?page=2\">下一页</a>")
    assert urls(column_pages(html, "http://old.example/ndbg/list.jsp")) == ["http://old.example/ndbg/list.jsp?page=2"]
