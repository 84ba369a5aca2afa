"""The local web of bureau sites: every behaviour of issue 4 is there, and the gold is right."""
from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from localweb.score import score
from localweb.web import build_web


def fetch(url, *, method="GET", data=None, headers=None):
    """(status, headers, body) of one request; errors are answers too."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def gold_of(local_web, site_key):
    base = local_web.urls[site_key]
    return [g for g in local_web.gold if g["url"].startswith(base + "/")]


# ---- generation -------------------------------------------------------------------

def test_generation_is_deterministic(local_web):
    again = build_web(1, **{"slow_seconds": 1.0, "large_file_mb": 48})
    for site, other in zip(local_web.webs[1].sites, again.sites):
        assert site.resources.keys() == other.resources.keys()
        for path, resource in site.resources.items():
            assert resource.body == other.resources[path].body, f"{site.key} {path} differs between generations"
        assert site.gold == other.gold


def test_every_family_is_there_with_reports_and_news(local_web):
    assert [s.key for s in local_web.web.sites] == ["trs", "hanweb", "jsapp", "attachments", "legacy", "county", "hostile"]
    years = {g["year"] for g in local_web.gold}
    assert {2019, 2024} <= years
    assert {g["template"] for g in local_web.gold} == {"2019", "2021", None}
    assert any(g["failed_checks"] for g in local_web.gold)
    assert any(None in g["cells"].values() for g in local_web.gold)
    assert all(g["published"].startswith(f"{g['year'] + 1}-01-") for g in local_web.gold)
    for site in local_web.web.sites:
        assert len(site.gold) >= 3, site.key


def test_seed_gold_and_decoy_files(local_web):
    lines = local_web.seeds_path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "name,url"
    assert len(lines) == 1 + len(local_web.web.sites)
    gold = [json.loads(l) for l in local_web.files["gold"].read_text(encoding="utf-8").splitlines()]
    assert gold == local_web.gold
    assert set(gold[0]) == {"url", "organ", "year", "title", "published", "template", "contacts", "cells", "failed_checks"}
    kinds = {d["kind"] for d in local_web.decoys}
    assert {"年度工作要点", "法治政府建设情况报告", "年报解读", "部门预算公开", "robots", "other_organ", "large_file"} <= kinds


def test_pages_have_navigation_and_a_footer_phone_that_is_no_report_contact(local_web):
    status, _, body = fetch(local_web.urls["trs"] + "/")
    html = body.decode()
    for label in ("首页", "机构概况", "政府信息公开", "通知公告", "互动交流", "主办单位", "网站标识码", "ICP备"):
        assert label in html
    footer_phone = re.search(r"联系电话：([\d-]+)", html).group(1)
    assert all(footer_phone not in g["contacts"]["phone"] for g in local_web.gold)


# ---- the sites --------------------------------------------------------------------

def test_trs_further_pages_only_through_create_page_html(local_web):
    base = local_web.urls["trs"]
    _, _, first = fetch(base + "/xxgk/ndbg/index.html")
    first = first.decode()
    assert 'createPageHTML(2, 0, "index", "html")' in first
    assert "index_1.html" not in first
    status, _, second = fetch(base + "/xxgk/ndbg/index_1.html")
    assert status == 200 and "年度报告" in second.decode()
    assert re.search(r'href="\./\d{6}/t\d{8}_\d{6}\.html"', first)


def test_trs_pubdate_and_conditional_requests(local_web):
    gold = gold_of(local_web, "trs")[0]
    status, headers, body = fetch(gold["url"])
    assert re.search(r'<meta name="PubDate" content="' + gold["published"], body.decode())
    assert "发布时间：" + gold["published"] in body.decode()
    assert fetch(gold["url"], headers={"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(gold["url"], headers={"If-Modified-Since": headers["Last-Modified"]})[0] == 304


def test_hanweb_datastore_and_post_only_paging(local_web):
    base = local_web.urls["hanweb"]
    _, _, page = fetch(base + "/col/col4521/index.html")
    page = page.decode()
    assert '<script type="text/xml">' in page and "<datastore>" in page
    assert page.count("<record><![CDATA[<li><a href=") == 15
    first_links = set(re.findall(r'href="(/art/[^"]+)"', page))
    proxy = base + "/module/web/jpage/dataproxy.jsp?startrecord=16&endrecord=30&perpage=15"
    form = b"col=1&appid=1&webid=21&path=%2F&columnid=4521&sourceContentType=1&unitid=17352&permissiontype=0"
    status, _, posted = fetch(proxy, method="POST", data=form)
    later_links = set(re.findall(r'href="(/art/[^"]+)"', posted.decode()))
    assert status == 200 and later_links and not (later_links & first_links)
    assert re.search(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_4521_\d+\.html", next(iter(later_links)))
    _, _, got = fetch(proxy + "&columnid=4521")
    assert "<record>" not in got.decode()
    gold_paths = {g["url"][len(base):] for g in gold_of(local_web, "hanweb")}
    assert gold_paths & later_links, "some reports must be reachable only through the POST"


def test_jsapp_raw_html_has_nothing_and_the_api_has_everything(local_web):
    base = local_web.urls["jsapp"]
    for gold in gold_of(local_web, "jsapp"):
        _, _, raw = fetch(gold["url"])
        assert "年度报告" not in raw.decode() and "href=" not in raw.decode()
    _, _, index = fetch(base + "/index.html")
    assert "<a " not in index.decode()
    _, _, listing = fetch(base + "/api/columns/ndbg/articles?page=1&size=10")
    urls = {base + item["url"] for item in json.loads(listing)["items"]}
    assert urls == {g["url"] for g in gold_of(local_web, "jsapp")}


def test_attachment_only_reports(local_web):
    gold = gold_of(local_web, "attachments")
    kinds = sorted(g["url"].rsplit(".", 1)[-1] for g in gold)
    assert kinds == ["doc", "docx", "html", "ofd", "pdf", "zip"]
    body_and_copy = [g for g in gold if g["url"].endswith(".html")]
    _, _, page = fetch(body_and_copy[0]["url"])
    assert ".pdf" in page.decode() and "申请人情况" in page.decode()
    for g in gold:
        status, headers, data = fetch(g["url"])
        assert status == 200 and headers["Content-Type"] != "text/html; charset=utf-8" or g["url"].endswith(".html")


def test_legacy_gb2312_declared_only_in_meta_with_jsessionid_links(local_web):
    base = local_web.urls["legacy"]
    status, headers, body = fetch(base + "/index.jsp")
    assert headers["Content-Type"] == "text/html"
    assert b'charset=gb2312"' in body
    text = body.decode("gb2312")
    sessions = set(re.findall(r";jsessionid=(\w+)", text))
    assert sessions
    _, _, other = fetch(base + "/news/list.jsp;jsessionid=ABC?catid=12")
    assert not sessions & set(re.findall(r";jsessionid=(\w+)", other.decode("gb2312")))
    assert [g["template"] for g in sorted(gold_of(local_web, "legacy"), key=lambda g: g["year"])][:2] == ["2019", "2019"]
    for g in gold_of(local_web, "legacy"):
        assert fetch(g["url"].replace("show.jsp", "show.jsp;jsessionid=XYZ"))[0] == 200
    # the report column shows its list in a frame, whose links are script calls only
    column = fetch(base + "/news/list.jsp?catid=12")[2].decode("gb2312")
    frame = re.search(r'<iframe src="([^"]+)"', column).group(1)
    listing = fetch(base + frame)[2].decode("gb2312")
    assert "show.jsp" not in column and "window.open('show.jsp;jsessionid=" in listing
    assert not re.search(r'href="[^"]*show\.jsp', listing)


def test_county_portal_lists_every_department(local_web):
    seed = next(s for s in local_web.seeds if s["name"] == "安平县民政局")
    _, _, page = fetch(seed["url"])
    organs = set(re.findall(r"(安平县\w+?局)20\d\d年", page.decode()))
    assert len(organs) >= 10
    assert {g["organ"] for g in gold_of(local_web, "county")} == {"安平县民政局"}
    assert len([d for d in local_web.decoys if d["kind"] == "other_organ"]) >= 30


def test_hostile_robots_trap_and_faults(local_web):
    base = local_web.urls["hostile"]
    _, _, robots = fetch(base + "/robots.txt")
    robots = robots.decode()
    assert "Disallow: /calendar/" in robots and "Disallow: /xxgk/ndbg/2018/" in robots
    _, _, month = fetch(base + "/calendar/?month=1999-12")
    assert "/calendar/?month=2000-01" in month.decode() and "/calendar/?month=1999-11" in month.decode()
    _, _, column = fetch(base + "/xxgk/ndbg/index.html")
    if b"503" in column:
        _, _, column = fetch(base + "/xxgk/ndbg/index.html")
    assert "/xxgk/ndbg/2018/" in column.decode()
    first = fetch(base + "/xxgk/ndbg/index.html")
    second = fetch(base + "/xxgk/ndbg/index.html")
    statuses = sorted([first[0], second[0]])
    assert statuses == [200, 503]
    unavailable = first if first[0] == 503 else second
    assert unavailable[1]["Retry-After"] == "1"
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as moved:
        opener.open(base + "/xxgk/nb/")
    assert moved.value.code == 301 and moved.value.headers["Location"] == "/xxgk/ndbg/index.html"
    _, _, news = fetch(base + "/xxgk/tzgg/index.html")
    dead = [h for h in re.findall(r'href="(/xxgk/tzgg/[^"]+)"', news.decode()) if fetch(base + h)[0] == 404]
    assert len(dead) == 2
    status, headers, _ = fetch(base + "/uploads/2024/nhqmz_xcsc.zip", method="HEAD")
    assert status == 200 and int(headers["Content-Length"]) > 40 * 1024 * 1024


def test_hostile_slow_page_and_image_only_report(local_web):
    gold = {g["year"]: g for g in gold_of(local_web, "hostile")}
    started = time.monotonic()
    assert fetch(gold[2023]["url"])[0] == 200
    assert time.monotonic() - started >= 0.9
    images = gold[2022]
    assert images["template"] is None and images["cells"] == {}
    _, _, page = fetch(images["url"])
    assert page.decode().count(".png") == 3 and "<table" not in page.decode().split('id="zoom"')[1]


def test_access_log_records_every_request(local_web):
    before = len(local_web.log)
    fetch(local_web.urls["trs"] + "/jggk/")
    entry = local_web.log[before]
    assert (entry.site, entry.method, entry.path, entry.status) == ("trs", "GET", "/jggk/", 200)


# ---- scorer -----------------------------------------------------------------------

def test_score_gold_against_itself_and_an_empty_crawl(local_web):
    perfect = score(local_web.gold, local_web.gold, local_web.decoys)
    for measure in ("recall", "precision", "cells", "dates", "contacts", "titles", "templates", "failed_checks", "urls"):
        assert perfect[measure] == 1.0, measure
    assert perfect["decoys_recorded"] == 0
    empty = score(local_web.gold, [], local_web.decoys)
    for measure in ("recall", "precision", "cells", "dates", "contacts"):
        assert empty[measure] == 0, measure


def test_score_counts_decoys_and_wrong_cells(local_web):
    gold = local_web.gold
    crawl = [dict(g) for g in gold]
    crawl[0] = {**crawl[0], "cells": {**crawl[0]["cells"], "requests.granted.natural": -1}}
    crawl.append({"url": local_web.decoys[0]["url"], "organ": "x", "year": 1})
    result = score(gold, crawl, local_web.decoys)
    assert result["recall"] == 1.0 and result["precision"] < 1.0
    assert 0.99 < result["cells"] < 1.0
    assert result["decoys_recorded"] == 1


# ---- day 2 ------------------------------------------------------------------------

def test_day_two_differs_from_day_one_exactly_as_listed(local_web):
    day1, day2 = local_web.generate(1), local_web.generate(2)
    changed, added, removed = {}, {}, {}
    for one, two in zip(day1.sites, day2.sites):
        for path in one.resources.keys() - two.resources.keys():
            removed.setdefault(one.key, []).append(path)
        for path in two.resources.keys() - one.resources.keys():
            added.setdefault(one.key, []).append(path)
        for path in one.resources.keys() & two.resources.keys():
            if one.resources[path].body != two.resources[path].body:
                changed.setdefault(one.key, []).append(path)
    trs1 = {g["year"]: (p, g) for p, g in day1.site("trs").gold}
    trs2 = {g["year"]: (p, g) for p, g in day2.site("trs").gold}
    # one report silently revised (two figures, same URL) and one page changed only in its counter
    assert sorted(changed.pop("trs")) == sorted([trs1[2023][0], trs1[2022][0]])
    diff = {k for k in trs1[2023][1]["cells"] if trs1[2023][1]["cells"][k] != trs2[2023][1]["cells"][k]}
    assert len(diff) == 2 and trs2[2023][0] == trs1[2023][0]
    assert trs1[2022][1] == trs2[2022][1]
    strip = lambda b: re.sub(rb"\xe6\xb5\x8f\xe8\xa7\x88\xe6\xac\xa1\xe6\x95\xb0\xef\xbc\x9a\d+", b"", b)  # 浏览次数：N
    page = trs1[2022][0]
    assert strip(day1.site("trs").resources[page].body) == strip(day2.site("trs").resources[page].body)
    # one new report at the top of the Hanweb list
    new_path = added.pop("hanweb")
    assert len(new_path) == 1 and changed.pop("hanweb") == ["/col/col4521/index.html"]
    first_record = re.search(r'<record><!\[CDATA\[<li><a href="([^"]+)"',
                             day2.site("hanweb").resources["/col/col4521/index.html"].body.decode()).group(1)
    assert first_record == new_path[0]
    # one attachment removed (its article still links it)
    assert len(removed.pop("attachments")) == 1
    assert not changed and not added and not removed
    assert len(day2.site("hanweb").gold) == len(day1.site("hanweb").gold) + 1
    assert len(day2.site("attachments").gold) == len(day1.site("attachments").gold) - 1


def test_switching_to_day_two_serves_new_etag_and_404(local_web):
    revised_url = next(g["url"] for g in gold_of(local_web, "trs") if g["year"] == 2023)
    _, before, _ = fetch(revised_url)
    removed = next(p for p, g in local_web.generate(1).site("attachments").gold if g["year"] == 2022)
    local_web.switch_day(2)
    try:
        status, after, _ = fetch(revised_url, headers={"If-None-Match": before["ETag"]})
        assert status == 200 and after["ETag"] != before["ETag"]
        assert fetch(local_web.urls["attachments"] + removed)[0] == 404
        assert "2025" in local_web.files["gold"].read_text(encoding="utf-8")
    finally:
        local_web.switch_day(1)


# ---- every gold record extracts exactly from the served bytes -----------------------

EXTRACTED_FIELDS = ("organ", "year", "title", "published", "template", "contacts", "cells", "failed_checks")


def seed_name_of(local_web, url):
    """The name of the seed whose site serves `url` (what the crawler passes as organ)."""
    origin = urlsplit(url).netloc
    return next(seed["name"] for seed in local_web.seeds if urlsplit(seed["url"]).netloc == origin)


def served_document(local_web, gold):
    """The bytes a crawler reads for this report: the page (rendered, for the JS site) or attachment."""
    if gold["url"].startswith(local_web.urls["jsapp"] + "/"):
        from localweb.sites.jsapp import rendered_article

        article_id = gold["url"].rsplit("=", 1)[1]
        _, headers, answer = fetch(f"{local_web.urls['jsapp']}/api/articles/{article_id}")
        return rendered_article(json.loads(answer)).encode("utf-8"), "text/html; charset=utf-8"
    status, headers, data = fetch(gold["url"])
    if status == 503:  # the hostile site's intermittent 503: retry once, as Retry-After says
        status, headers, data = fetch(gold["url"])
    assert status == 200, gold["url"]
    return data, headers.get("Content-Type")


def extraction_mismatches(local_web, golds):
    """Every field of every gold record the extractor gets wrong, as readable lines."""
    extractors = pytest.importorskip("extractors")
    mismatches = []
    for gold in golds:
        data, content_type = served_document(local_web, gold)
        organ = seed_name_of(local_web, gold["url"])
        record = extractors.extract(data, url=gold["url"], content_type=content_type, organ=organ)
        for field in EXTRACTED_FIELDS:
            if record.get(field) != gold[field]:
                if field == "cells":
                    wrong = {k: (gold["cells"].get(k), record["cells"].get(k)) for k in gold["cells"].keys() | record["cells"].keys()
                             if gold["cells"].get(k, "absent") != record["cells"].get(k, "absent")}
                    mismatches.append(f"{gold['url']} cells: {len(wrong)} wrong, e.g. {dict(list(wrong.items())[:4])}")
                else:
                    mismatches.append(f"{gold['url']} {field}: gold {gold[field]!r} extracted {record.get(field)!r}")
    return mismatches


def test_one_report_of_each_site_and_format_extracts_exactly(local_web):
    """The quick sample: the first report of every site and of every attachment type but .doc."""
    sample = {}
    for gold in local_web.gold:
        kind = gold["url"].rsplit(".", 1)[-1] if gold["url"].endswith((".pdf", ".docx")) else "page"
        sample.setdefault((urlsplit(gold["url"]).netloc, kind), gold)
    mismatches = extraction_mismatches(local_web, list(sample.values()))
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.slow
def test_every_gold_record_extracts_exactly(local_web):
    golds = [g for g in local_web.gold if not g["url"].endswith(".doc")]
    mismatches = extraction_mismatches(local_web, golds)
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.slow
def test_the_doc_report_extracts_exactly(local_web):
    """Apart because reading a .doc starts LibreOffice (~15 s)."""
    golds = [g for g in local_web.gold if g["url"].endswith(".doc")]
    assert len(golds) == 1
    mismatches = extraction_mismatches(local_web, golds)
    assert not mismatches, "\n".join(mismatches)
