"""Discovery, seeds and per-CMS parsing, without a network (pure functions and saved pages)."""
import pytest

from crawler import discovery
from crawler.cms import hanweb, jsapp, jsp, trs
from crawler.discovery import Link
from crawler.seeds import parse_seeds


@pytest.mark.parametrize("title,expected", [
    ("通城县民政局2024年政府信息公开工作年度报告", True),
    ("2023年政府信息公开工作年度报告", True),
    ("通城县民政局2024年政府信息公开工作年度...", True),
    ("政府信息公开年报（2022年）", True),
    ("民政局二〇二二年政府信息公开工作年度报告", True),
    ("通城县民政局2024年政务公开工作要点", False),
    ("通城县民政局2023年法治政府建设情况报告", False),
    ("《2023年政府信息公开工作年度报告》解读", False),
    ("通城县民政局2024年部门预算公开", False),
    ("关于开展冬季救助工作的通知", False),
    ("政府信息公开工作年度报告", False),  # no year: a column, not a report
    # the same report under other names agencies give it
    ("通城县民政局2023年度政府信息公开工作报告", True),
    ("通城县民政局2023年政府信息公开工作情况报告", True),
    ("通城县民政局关于2023年度政府信息公开工作的报告", True),
    ("通城县民政局2023年度政务信息公开工作报告", True),
    ("通城县民政局2023年度工作报告", False),
    ("通城县民政局2023年信息公开工作总结", False),
])
def test_report_titles(title, expected):
    assert discovery.is_report_title(title) is expected


@pytest.mark.parametrize("title", ["通城县民政局2023年度政府信息公开工作报告", "通城县民政局关于2023年度政府信息公开工作的报告",
                                   "通城县民政局2023年度政务信息公开工作报告"])
def test_a_report_under_another_name_is_a_report_to_the_extractor_too(title):
    from extractors import extract

    record = extract(f"{title}\n一、总体情况\n正文。\n".encode("utf-8"))
    assert record["is_report"] and record["title"] == title and record["year"] == 2023


@pytest.mark.parametrize("url,text,expected", [
    ("http://a.gov.cn/xxgk/ndbg/index_2.shtml", "2", True),
    ("http://a.gov.cn/xxgk/ndbg/index_2.jhtml", "2", True),       # JEECMS
    ("http://a.gov.cn/xxgk/ndbg/list-2.html", "2", True),
    ("http://a.gov.cn/xxgk/ndbg/index.aspx?currentPage=2", "2", True),
    ("http://a.gov.cn/xxgk/ndbg/list.jsp?page_no=2", "2", True),
    ("http://a.gov.cn/xxgk/ndbg/2.html", "2", True),             # page 2 named by its number
    ("http://a.gov.cn/xxgk/ndbg/269247.html", "2", False),       # an article that happens to be linked as "2"
    ("http://a.gov.cn/xxgk/tzgg/2.html", "2", False),            # another column's page 2
])
def test_list_pages_of_other_cms(url, text, expected):
    assert discovery.is_pagination(Link(url, text), "http://a.gov.cn/xxgk/ndbg/index.html") is expected


def test_bare_titles_count_only_inside_the_report_column():
    assert not discovery.is_report_title("2023年度报告")
    assert discovery.is_report_title("2023年度报告", in_report_column=True)


def test_year_of_arabic_and_chinese_numerals():
    assert discovery.year_of("通城县民政局2024年政府信息公开工作年度报告") == 2024
    assert discovery.year_of("二〇二二年政府信息公开工作年度报告") == 2022


def test_organ_forms():
    assert discovery.organ_forms("通城县民政局") == ["通城县民政局", "县民政局", "民政局"]
    assert discovery.organ_forms("黄石市下陆区民政局")[:2] == ["黄石市下陆区民政局", "下陆区民政局"]


@pytest.mark.parametrize("title,ours", [
    ("通城县民政局2024年政府信息公开工作年度报告", True),
    ("县民政局2023年政府信息公开工作年度报告", True),
    ("民政局二〇二二年政府信息公开工作年度报告", True),
    ("2023年政府信息公开工作年度报告", True),
    ("湖北省通城县民政局2023年政府信息公开工作年度报告", True),
    ("通城县财政局2024年政府信息公开工作年度报告", False),
    ("崇阳县民政局2024年政府信息公开工作年度报告", False),
    ("通城县人民政府2024年政府信息公开工作年度报告", False),
    ("附件1：通城县民政局2024年政府信息公开工作年度报告.pdf", True),   # an attachment named after its report
    ("2022年度通城县民政局政府信息公开工作年度报告", True),   # the year first, as 年度
    ("二〇二二年度通城县民政局政府信息公开工作年度报告", True),
    ("关于2023年度通城县民政局政府信息公开工作的年度报告", True),
    ("2022年度崇阳县民政局政府信息公开工作年度报告", False),
    ("附件：崇阳县民政局2024年政府信息公开工作年度报告.pdf", False),
])
def test_portal_titles_belong_to_the_seed_organ_only(title, ours):
    assert discovery.names_this_organ(title, "通城县民政局") is ours


def test_links_into_the_disclosure_section_and_report_column():
    assert discovery.is_disclosure_section(Link("http://a.gov.cn/xxgk/", "政府信息公开"))
    assert discovery.is_disclosure_section(Link("http://a.gov.cn/zwgk/index.html", "政务"))
    assert not discovery.is_disclosure_section(Link("http://a.gov.cn/hdjl/", "互动交流"))
    # by its address alone, an article filed under /xxgk/ (a news item) is no way into the section
    assert not discovery.is_disclosure_section(Link("http://a.gov.cn/xxgk/tzgg/202405/t20240531_413022.html",
                                                    "某区民政局开展防汛救灾应急演练"))
    assert not discovery.is_disclosure_section(Link("http://a.gov.cn/art/2024/5/31/art_4521_68112.html?xxgk=1", "通知"))
    assert discovery.is_disclosure_section(Link("http://a.gov.cn/xxgk/zfxxgk/index_2.html", "更多"))
    assert discovery.is_disclosure_section(Link("http://a.gov.cn/col/col4521/index.html?xxgk=1", "目录"))
    assert discovery.is_disclosure_section(Link("http://a.gov.cn/xxgk/20240531/t20240531_413022.html", "政府信息公开"))
    assert discovery.is_report_column(Link("http://a.gov.cn/xxgk/ndbg/", "信息公开年报"))
    assert discovery.is_report_column(Link("http://a.gov.cn/zwgk/zfxxgknb/", "年度数据"))
    assert discovery.is_report_column(Link("http://a.gov.cn/module/xxgk/xxgkAnnualReport.jsp?fbtime=2023", "2023"))
    assert not discovery.is_report_column(Link("http://a.gov.cn/xxgk/jd/", "年报解读"))


def test_session_ids_and_fragments_are_stripped():
    assert jsp.strip_session_id("http://a.gov.cn/list.jsp;jsessionid=ABC123?page=2") == "http://a.gov.cn/list.jsp?page=2"
    assert jsp.strip_session_id("http://a.gov.cn/v.jsp?id=3&jsessionid=XYZ") == "http://a.gov.cn/v.jsp?id=3"
    assert discovery.canonical_url("view.jsp;jsessionid=A1?id=1#top", "http://A.gov.cn/x/") == "http://a.gov.cn/x/view.jsp?id=1"
    assert discovery.canonical_url("javascript:void(0)", "http://a.gov.cn/") is None


def test_attachments_by_path_query_or_link_text():
    assert discovery.is_attachment_url("http://a.gov.cn/u/2024报告.PDF")
    assert discovery.is_attachment_url("http://a.gov.cn/download.jsp?file=r.docx")
    assert discovery.is_attachment_url("http://a.gov.cn/down?id=9", "年度报告.wps")
    assert not discovery.is_attachment_url("http://a.gov.cn/t2024_1.html")


def test_ofd_and_zip_files_are_report_attachments_and_no_pages():
    links = [Link("http://a.gov.cn/u/P020250120.ofd", "附件：2024年度报告"), Link("http://a.gov.cn/u/nb2024.ZIP", "2024年报"),
             Link("http://a.gov.cn/down?id=9", "2024年政府信息公开工作年度报告.ofd"),
             Link("http://a.gov.cn/u/jd2024.zip", "2024年报解读")]
    assert [link.url for link in discovery.report_attachments(links)] == [link.url for link in links[:3]]
    assert not any(discovery.is_page_url(link.url) for link in links[:2])


def test_url_template_blanks_numbers():
    assert discovery.url_template("http://a/cal.jsp?date=2024-02") == discovery.url_template("http://a/cal.jsp?date=1999-12")


def test_trs_create_page_html(files):
    html = (files / "trs/index.html").read_text(encoding="utf-8")
    pages = trs.list_page_urls(html, "http://x.gov.cn/xxgk/ndbg/index.html")
    assert pages == ["http://x.gov.cn/xxgk/ndbg/index.html"] + [f"http://x.gov.cn/xxgk/ndbg/index_{n}.html" for n in (1, 2, 3)]
    variant = "<script>var countPage = 3; createPageHTML('page_div', countPage, 1, 'index', 'shtml', 40);</script>"
    assert trs.list_page_urls(variant, "http://x/a/index_1.shtml")[-1] == "http://x/a/index_2.shtml"


def test_hanweb_datastore_and_dataproxy_paging(files):
    html = (files / "hanweb/col.html").read_text(encoding="utf-8")
    assert len(hanweb.record_fragments(html)) == 3
    paging = hanweb.paging(html, "http://x.gov.cn/col/col4471234/index.html")
    assert paging.total == 8 and paging.perpage == 3 and paging.form["columnid"] == "4471234"
    assert paging.form["unitid"] == "8801"
    requests = hanweb.next_page_requests(paging)
    assert [url.split("?")[1] for url, _ in requests] == [
        "startrecord=4&endrecord=6&perpage=3", "startrecord=7&endrecord=8&perpage=3"]
    assert requests[0][0].startswith("http://x.gov.cn/module/web/jpage/dataproxy.jsp?")


def test_js_shell_needs_the_browser_but_ordinary_pages_do_not(files):
    assert jsapp.needs_browser((files / "jsapp/list.html").read_text(encoding="utf-8"))
    assert not jsapp.needs_browser((files / "trs/index.html").read_text(encoding="utf-8"))
    assert not jsapp.needs_browser((files / "hanweb/col.html").read_text(encoding="utf-8"))


def test_seed_rows_with_problems_are_named_by_line_and_the_rest_kept():
    text = ("name,url,region\n"
            "通城县民政局,http://tc.gov.cn/,湖北\n"
            ",http://noname.gov.cn/,x\n"
            "坏网址局,ftp://bad,x\n"
            "\n"
            "通城县民政局,http://tc.gov.cn/,湖北\n"
            "崇阳县民政局,https://cy.gov.cn/mzj/,湖北\n")
    seeds, problems = parse_seeds(text)
    assert [s.name for s in seeds] == ["通城县民政局", "崇阳县民政局"]
    assert seeds[0].extra == {"region": "湖北"} and seeds[1].origin == "https://cy.gov.cn"
    assert [p.line for p in problems] == [3, 4, 6]
    assert "no name" in str(problems[0]) and "bad url" in str(problems[1]) and "duplicate" in str(problems[2])
    assert "line 6" in str(problems[2])


def test_seed_csv_without_the_header_is_one_clear_problem():
    seeds, problems = parse_seeds("http://a.gov.cn/,某局\n")
    assert seeds == [] and "header" in str(problems[0])


def test_the_shipped_real_seed_list_parses_cleanly():
    from pathlib import Path
    from crawler.seeds import read_seeds
    seeds, problems = read_seeds(Path(__file__).parent.parent / "seeds" / "real_bureaus.csv")
    assert problems == [] and len(seeds) >= 50


def test_the_shipped_demo_seed_list_is_the_local_web_on_its_default_ports():
    """seeds/local_web.csv is what `nianbao demo-web` (first port 8401) serves, site for site."""
    from pathlib import Path
    from crawler.seeds import read_seeds
    from localweb.web import build_web
    web = build_web(1)
    bases = {site.key: f"http://127.0.0.1:{8401 + i}" for i, site in enumerate(web.sites)}
    seeds, problems = read_seeds(Path(__file__).parent.parent / "seeds" / "local_web.csv")
    assert problems == []
    assert [(s.name, s.url) for s in seeds] == [(s["name"], s["url"]) for s in web.seeds(bases)]


@pytest.fixture
def files():
    from pathlib import Path
    return Path(__file__).parent / "files" / "sites"


def test_trs_pager_definition_is_not_mistaken_for_the_call():
    html = ('<script>function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {}</script>'
            '<script>createPageHTML(3, 0, "index", "html");</script>')
    assert trs.list_page_urls(html, "http://x/ndbg/index.html")[-1] == "http://x/ndbg/index_2.html"


def test_hanweb_jpage_ajax_param_goes_into_the_form():
    html = ('<div id="17352"><script type="text/xml"><datastore><totalrecord>29</totalrecord><recordset>'
            + '<record><![CDATA[<li><a href="/art/2024/1/2/art_4521_1.html">x</a></li>]]></record>' * 15
            + '</recordset></datastore></script><script>$("#17352").jpage({perPage:15, totalRecord:29, '
            'proxyUrl:"/module/web/jpage/dataproxy.jsp", ajaxParam:{col:1, appid:1, webid:21, path:"/", columnid:4521, '
            'unitid:"17352", webname:"云溪区民政局", permissiontype:0}});</script></div>')
    paging = hanweb.paging(html, "http://x/col/col4521/index.html")
    assert paging.form["webid"] == "21" and paging.form["unitid"] == "17352" and paging.form["webname"] == "云溪区民政局"
    assert [u.split("?")[1] for u, _ in hanweb.next_page_requests(paging)] == ["startrecord=16&endrecord=29&perpage=15"]


def test_an_empty_shell_with_an_external_script_needs_the_browser():
    shell = ('<html><head><script src="/static/app.js" defer></script></head><body><div id="app"></div>'
             '<noscript>请开启浏览器的JavaScript功能。</noscript></body></html>')
    assert jsapp.needs_browser(shell)


def test_seed_urls_that_urlsplit_rejects_are_problems_not_a_crash():
    seeds, problems = parse_seeds("name,url\n"
                                  "甲局,http://[::1/\n"                 # unclosed IPv6 bracket: urlsplit raises
                                  "乙局,http://yi.gov.cn:99999/\n"       # port out of range
                                  "丙局,http://:8080/\n"                 # no host
                                  "丁局,http://ding.gov.cn/a b.html\n"   # a space
                                  "戊局,https://wu.gov.cn/\n")
    assert [s.name for s in seeds] == ["戊局"]
    assert [p.line for p in problems] == [2, 3, 4, 5]
    assert all("bad url" in str(p) for p in problems)
    assert "Invalid IPv6" in str(problems[0]) and "Port" in str(problems[1])


def test_a_gb18030_seed_file_from_excel_is_read(tmp_path):
    from crawler.seeds import read_seeds
    path = tmp_path / "seeds.csv"
    path.write_bytes("name,url\n通城县民政局,http://tc.gov.cn/\n".encode("gb18030"))
    seeds, problems = read_seeds(path)
    assert problems == [] and seeds[0].name == "通城县民政局"


def test_nul_characters_and_an_oversized_field_are_named_and_the_rest_kept():
    seeds, problems = parse_seeds("name,url\n甲局,http://jia.gov.cn/\x00\n乙局," + "x" * 200_000 + "\n丙局,http://bing.gov.cn/\n")
    assert [s.name for s in seeds] == ["甲局", "丙局"]
    assert "NUL" in str(problems[0])
    assert problems[1].line == 3 and "cannot be read as CSV" in str(problems[1])


def test_the_links_of_a_page_already_parsed_are_read_from_that_parse(monkeypatch):
    """The spider hands over its response's parse: a page is parsed once, not twice."""
    import parsel

    html = ('<html><body><a href="/a">2024年<span>政府信息公开</span><!-- x -->年报</a>'
            '<a href="/b#top" title="民政局2023年政府信息公开工作年度报告">民政局2023年…</a><a>no href</a></body></html>')
    root = parsel.Selector(text=html).root
    parsed = []
    monkeypatch.setattr(parsel, "Selector", lambda *args, **kwargs: parsed.append(args or kwargs))
    assert discovery.links_in(html, "http://x.test/", root=root) == [
        Link("http://x.test/a", "2024年政府信息公开年报"),
        Link("http://x.test/b", "民政局2023年政府信息公开工作年度报告"),
    ]
    assert parsed == []


def test_office_columns_below_a_year_column_are_subcolumns():
    year = "http://a.gov.cn/zfxxgk/ndbg/2024n/"
    assert discovery.is_subcolumn(Link("http://a.gov.cn/zfxxgk/ndbg/2024n/qzbm/", "县直部门"), year)
    assert discovery.is_subcolumn(Link("http://a.gov.cn/zfxxgk/ndbg/2024n/xz/index.html", "乡镇（街道）"), year + "index.html")
    # an article in the column, a column beside it, a long text, another site: no
    assert not discovery.is_subcolumn(Link("http://a.gov.cn/zfxxgk/ndbg/2024n/202501/t20250120_1.htm", "县政府"), year)
    assert not discovery.is_subcolumn(Link("http://a.gov.cn/zfxxgk/ndbg/2023n/", "2023年"), year)
    assert not discovery.is_subcolumn(Link("http://a.gov.cn/zfxxgk/ndbg/2024n/qzbm/", "县直部门政府信息公开工作年度报告汇总"), year)
    assert not discovery.is_subcolumn(Link("http://b.gov.cn/zfxxgk/ndbg/2024n/qzbm/", "县直部门"), year)


def test_a_shell_whose_list_says_loading_needs_the_browser_beside_its_own_links():
    # a gkmlpt-style shell: the site's navigation (links of its own), an external script
    # whose source we do not read, and 加载中… where the catalogue will be
    nav = "".join(f'<a href="/mzj/{p}/">{t}</a>' for p, t in [("", "首页"), ("xxgk", "信息公开"), ("gkmlpt", "政府信息公开")])
    shell = (f'<html><head><script src="/mzj/gkmlpt/static/app.js" defer></script></head><body><nav>{nav}</nav>'
             '<main><div id="app"><div class="loading">加载中…</div></div></main><footer>某区民政局 版权所有</footer></body></html>')
    assert jsapp.is_loading(shell) and jsapp.needs_browser(shell)
    # "加载中" in prose, or a filled list, is no shell
    filled = shell.replace('<div class="loading">加载中…</div>', '<ul class="list"><li><a href="/a.html">通知</a></li></ul>')
    assert not jsapp.is_loading(filled) and not jsapp.needs_browser(filled)
    assert not jsapp.is_loading("<html><body><div class='content'><p>页面加载中的问题已修复。</p></div></body></html>")


@pytest.mark.parametrize("title,ours", [
    ("柳溪县人社局2023年政府信息公开工作年度报告", True),      # the short name of the department
    ("县人社局2022年政府信息公开工作年度报告", True),
    ("柳溪县人力资源和社会保障局2024年政府信息公开工作年度报告", True),
    ("桃县人社局2023年政府信息公开工作年度报告", False),        # another county's
    ("柳溪县住建局2023年政府信息公开工作年度报告", False),      # another department's
])
def test_a_department_named_by_its_short_name_is_the_seed_organ(title, ours):
    assert discovery.names_this_organ(title, "柳溪县人力资源和社会保障局") is ours


def test_a_link_named_after_the_organ_but_not_a_news_title_that_mentions_it():
    organ = "柏树县民政局"
    assert discovery.is_organ_link(Link("http://a.gov.cn/bm/mzj/", "县民政局"), organ)
    assert discovery.is_organ_link(Link("http://a.gov.cn/bm/mzj/", "柏树县民政局信息公开"), organ)
    assert not discovery.is_organ_link(Link("http://a.gov.cn/xwdt/t1.html", "县民政局召开冬季救助工作会议"), organ)
    assert not discovery.is_organ_link(Link("http://a.gov.cn/bm/slj/", "县水利局"), organ)


def test_a_seeds_former_names_name_its_reports():
    names = ["白沙县民政局", "白沙县民政和人力资源社会保障局"]
    assert discovery.names_this_organ("白沙县民政和人力资源社会保障局2018年政府信息公开工作年度报告", names)
    assert discovery.names_this_organ("白沙县民政局2023年政府信息公开工作年度报告", names)
    assert not discovery.names_this_organ("白沙县财政局2018年政府信息公开工作年度报告", names)
    assert discovery.organ_forms(names)[0] == "白沙县民政和人力资源社会保障局"


def test_a_list_row_that_is_itself_the_link_is_a_link():
    # <div onclick="location.href='…'">, <tr onclick="window.open('…')">, <li data-url="…">: a
    # script-built column of such rows gave no link at all (a blind test)
    html = """<div class="list">
      <div class="item" onclick="location.href='/art/2024/1/2/art_1_7024.html'"><span>某县民政局2023年政府信息公开工作年度报告</span></div>
      <table><tr onclick="window.open('/xxgk/2.html')"><td>关于开展排查的通知</td><td>2024-03-01</td></tr></table>
      <li data-url="/xxgk/3.html">2022年度报告</li>
      <li onclick="location.href='/art/4.html'"><a href="/art/4.html">带链接的行</a></li>
      <div onclick="location.href='/art/5.html'">""" + "很长的一段文字" * 30 + """</div></div>"""
    links = {link.url: link.text for link in discovery.links_in(html, "http://a.gov.cn/xxgk/")}
    assert links["http://a.gov.cn/art/2024/1/2/art_1_7024.html"] == "某县民政局2023年政府信息公开工作年度报告"
    assert links["http://a.gov.cn/xxgk/2.html"].startswith("关于开展排查的通知")
    assert links["http://a.gov.cn/xxgk/3.html"] == "2022年度报告"
    assert links["http://a.gov.cn/art/4.html"] == "带链接的行"  # once, as the anchor
    assert "http://a.gov.cn/art/5.html" not in links  # a block wrapping a whole text is no row


def test_a_report_title_a_list_cut_short_after_its_year_is_a_report_in_the_report_column():
    # list templates cut titles to N characters, with or without an ellipsis (a blind test:
    # 20-character titles gave no report at all)
    for cut in ("石门县卫生健康局2023年政府信息公开工…", "石门县卫生健康局2023年政府信…", "石门县卫生健康局2023年政府信息公开工",
                "石门县卫生健康局2023年度政府信", "石门县卫生健康局2023年…"):
        assert discovery.is_report_title(cut, in_report_column=True), cut
        assert not discovery.is_report_title(cut), cut  # elsewhere a cut title says too little
    for other in ("石门县卫生健康局2023年部门预…", "石门县卫生健康局2023年", "石门县卫生健康局2023年安全生产工作总结",
                  "关于做好2023年政府信息公开工作…"[:-1] + "的通知"):
        assert not discovery.is_report_title(other, in_report_column=True), other
