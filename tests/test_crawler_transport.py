"""Middlewares and pipelines on their own: scope, budgets, blocks, retries, resumable output."""
import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from crawler.middlewares import (BackoffRetryMiddleware, ScopeMiddleware, SiteBudgetMiddleware, block_reason,
                                 parse_retry_after)
from crawler.pipelines import archive_site_stats, read_jsonl_keys

SEED = {"name": "通城县民政局", "url": "http://tc.gov.cn:8080/xxgk/"}


def request(url, **meta):
    return Request(url, meta={"seed": SEED, **meta})


def test_pages_stay_on_the_seed_origin_but_attachments_may_live_elsewhere():
    scope = ScopeMiddleware(get_crawler())
    assert scope.process_request(request("http://tc.gov.cn:8080/a.html")) is None
    with pytest.raises(IgnoreRequest, match="off-site"):
        scope.process_request(request("http://tc.gov.cn:9090/a.html"))  # another port is another site
    with pytest.raises(IgnoreRequest):
        scope.process_request(request("http://www.xianning.gov.cn/a.html"))
    assert scope.process_request(request("http://files.cdn.cn/r.pdf", attachment=True)) is None


def test_a_seed_page_that_moved_is_followed_and_its_new_origin_is_the_sites():
    scope = ScopeMiddleware(get_crawler())
    moved = request("https://www.tc.gov.cn/xxgk/", seed_page=True, redirect_urls=["http://tc.gov.cn:8080/xxgk/"])
    assert scope.process_request(moved) is None  # the seed's own redirect (http → https, www.)
    with pytest.raises(IgnoreRequest, match="off-site"):  # any other page's redirect off the site is not
        scope.process_request(request("https://www.tc.gov.cn/a.html", redirect_urls=["http://tc.gov.cn:8080/a.html"]))
    assert scope.process_request(request("https://www.tc.gov.cn/a.html", also_allowed_origins=["https://www.tc.gov.cn"])) is None


def test_each_site_is_its_own_download_slot_even_on_one_host():
    scope = ScopeMiddleware(get_crawler())
    a, b = Request("http://127.0.0.1:8001/"), Request("http://127.0.0.1:8002/")
    scope.process_request(a), scope.process_request(b)
    assert a.meta["download_slot"] != b.meta["download_slot"]


def test_a_session_id_put_back_by_a_redirect_is_stripped():
    scope = ScopeMiddleware(get_crawler())
    replaced = scope.process_request(request("http://tc.gov.cn:8080/list.jsp;jsessionid=ABC?page=2"))
    assert replaced.url == "http://tc.gov.cn:8080/list.jsp?page=2"


def test_calendar_traps_and_site_limits_stop():
    crawler = get_crawler(settings_dict={"SITE_MAX_PER_URL_TEMPLATE": 5, "SITE_MAX_PAGES": 8})
    budget = SiteBudgetMiddleware(crawler)
    for month in range(1, 6):
        budget.process_request(request(f"http://tc.gov.cn:8080/cal/?month=2025-{month:02d}"))
    with pytest.raises(IgnoreRequest, match="trap"):
        budget.process_request(request("http://tc.gov.cn:8080/cal/?month=2025-06"))
    for n in range(3):
        budget.process_request(request(f"http://tc.gov.cn:8080/p{n}/x.html"))
    with pytest.raises(IgnoreRequest, match="limit"):
        budget.process_request(request("http://tc.gov.cn:8080/other.html"))


@pytest.mark.parametrize("status,body,blocked", [
    (412, b"<script>challenge()</script>", True),
    (202, b"<html><script>var t=1;</script></html>", True),
    (200, "<html><body>访问过于频繁，请稍后再试</body></html>".encode("utf-8"), True),
    (200, "<html><body>您的访问被拦截</body></html>".encode("gb18030"), True),
    (200, "<html><body>2023年政府信息公开工作年度报告</body></html>".encode("utf-8"), False),
    (404, b"not found", False),
])
def test_waf_pages_are_blocks(status, body, blocked):
    assert (block_reason(status, body) is not None) is blocked


def test_a_block_names_what_the_page_says_in_either_encoding():
    for codec in ("utf-8", "gb18030"):
        page = "<html><body>对不起，您的访问被拦截</body></html>".encode(codec)
        assert block_reason(200, page) == "blocked: page says 您的访问被拦截"
    assert block_reason(403, b"<h1>ACCESS DENIED</h1>") == "blocked: page says Access Denied"


def test_retry_after_seconds_or_date_and_capped_backoff():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("soon") is None
    crawler = get_crawler(settings_dict={"RETRY_BACKOFF_BASE": 1.0, "RETRY_BACKOFF_MAX": 10.0})
    retry = BackoffRetryMiddleware(crawler.settings)
    assert retry.delay(Request("http://a/"), b"2") == 2.0
    assert retry.delay(Request("http://a/"), b"120") == 10.0
    assert retry.delay(Request("http://a/", meta={"retry_times": 2}), None) == 4.0


def test_a_jsonl_line_cut_by_a_kill_is_trimmed(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"url": "http://a/1", "sha256": "x"}\n{"url": "http://a/2", "sh', encoding="utf-8")
    assert read_jsonl_keys(path) == {("http://a/1", "x")}
    assert path.read_text(encoding="utf-8").endswith("}\n")


def test_site_statistics_in_the_archives_shape():
    sites = {"通城县民政局": {"url": "http://tc/", "pages": 9, "reports": 2, "blocks": 0, "errors": {"http 404": 1}},
             "崇阳县民政局": {"url": "http://cy/", "pages": 1, "reports": 0, "blocks": 1, "errors": {"blocked: HTTP 412 challenge": 1}}}
    shaped = archive_site_stats(sites, "finished")
    assert shaped["http://tc/"] == {"name": "通城县民政局", "pages": 9, "reports": 2, "errors": 1,
                                    "reasons": {"http 404": 1}, "status": "ok"}
    assert shaped["http://cy/"]["status"] == "blocked"  # a blocked site's reports are not judged gone
    assert archive_site_stats(sites, "shutdown")["http://tc/"]["status"] == "failed"


def _slot(delay):
    """A download slot without random jitter (the keyword changed name in Scrapy 2.19)."""
    from scrapy.core.downloader import Slot

    try:
        return Slot(concurrency=2, delay=delay, jitter=0)
    except TypeError:
        return Slot(concurrency=2, delay=delay, randomize_delay=False)


def _throttle(cls):
    from scrapy.utils.test import get_crawler as crawler_with

    throttle = cls.from_crawler(crawler_with(settings_dict={
        "AUTOTHROTTLE_ENABLED": True, "DOWNLOAD_DELAY": 0.05, "AUTOTHROTTLE_MAX_DELAY": 2.0}))
    throttle.mindelay, throttle.maxdelay = throttle._min_delay(), throttle._max_delay()
    return throttle


@pytest.mark.parametrize("status", [200, 304])
def test_a_site_delay_raised_by_one_slow_answer_comes_down_on_quick_answers(status):
    """A quiet night is mostly 304s: they must let the delay fall again as 200s do."""
    from scrapy.http import Response

    from crawler.throttle import ConditionalAutoThrottle

    throttle = _throttle(ConditionalAutoThrottle)
    slot = _slot(0.05)
    url = "http://tc.gov.cn/a.html"
    throttle._adjust_delay(slot, 0.209, Response(url, status=status))  # one slow answer
    assert slot.delay == pytest.approx(0.209)
    for _ in range(6):
        throttle._adjust_delay(slot, 0.002, Response(url, status=status))
    assert slot.delay < 0.06
    # an error page still cannot lower it (Scrapy's own rule, kept)
    throttle._adjust_delay(slot, 1.0, Response(url, status=304))
    raised = slot.delay
    throttle._adjust_delay(slot, 0.001, Response(url, status=503))
    assert slot.delay == raised


def test_scrapy_autothrottle_alone_keeps_the_delay_a_slow_304_set():
    """Why crawler.throttle exists: with Scrapy's class the delay never comes down on 304s."""
    from scrapy.extensions.throttle import AutoThrottle
    from scrapy.http import Response

    throttle = _throttle(AutoThrottle)
    slot = _slot(0.05)
    throttle._adjust_delay(slot, 0.209, Response("http://tc.gov.cn/a.html", status=304))
    for _ in range(6):
        throttle._adjust_delay(slot, 0.002, Response("http://tc.gov.cn/a.html", status=304))
    assert slot.delay == pytest.approx(0.209)


def test_the_crawl_uses_the_conditional_autothrottle():
    from crawler import settings

    assert settings.EXTENSIONS["scrapy.extensions.throttle.AutoThrottle"] is None
    assert "crawler.throttle.ConditionalAutoThrottle" in settings.EXTENSIONS


def test_both_forms_of_a_sites_own_address_are_the_site():
    scope = ScopeMiddleware(get_crawler())
    seed = {"name": "通城县民政局", "url": "https://www.tc.gov.cn/"}
    for url in ("http://www.tc.gov.cn/xxgk/", "https://tc.gov.cn/xxgk/", "http://tc.gov.cn:80/xxgk/"):
        assert scope.process_request(Request(url, meta={"seed": seed})) is None
    for url in ("https://www.tc.gov.cn:8443/xxgk/", "https://mzj.tc.gov.cn/xxgk/", "https://www.tc.gov.cn.evil.cn/"):
        with pytest.raises(IgnoreRequest, match="off-site"):
            scope.process_request(Request(url, meta={"seed": seed}))


def test_a_browser_page_that_did_not_load_in_time_is_retried_without_importing_playwright_to_say_so():
    # Playwright's TimeoutError is told by its name (crawler/middlewares.is_browser_timeout):
    # naming its class in RETRY_EXCEPTIONS imported Playwright on every night's start
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    from crawler.middlewares import is_browser_timeout

    assert is_browser_timeout(PlaywrightTimeout("Timeout 60000ms exceeded."))
    assert not is_browser_timeout(TimeoutError("a plain one"))
    from crawler import settings

    assert not any("playwright" in str(name) for name in settings.RETRY_EXCEPTIONS)
