"""No request to a private address (SSRF guard), and redirect loops named as such.

This machine has no public address, so the crawl test plays one: with
NIANBAO_PRIVATE_NETWORKS=127.0.0.2/32, 127.0.0.1 (the bureau site) counts as public
and 127.0.0.2 (an "intranet" server) as private. The site's 2021 PDF attachment
redirects into the intranet. With the guard the intranet server is never asked for
anything; the control crawl, with private hosts allowed, shows that the same redirect
is followed otherwise, so the first test would fail without the guard.
"""
from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from crawler.middlewares import PrivateAddressMiddleware, RedirectLoopMiddleware

REPO = Path(__file__).resolve().parent.parent
SEED = {"name": "通城县民政局", "url": "http://tc.gov.cn/"}


def guard(**settings):
    return PrivateAddressMiddleware(get_crawler(settings_dict={"NIANBAO_ALLOW_PRIVATE_HOSTS": False, **settings}))


def refused(middleware, url, **meta) -> bool:
    try:
        asyncio.run(middleware.process_request(Request(url, meta={"seed": SEED, **meta})))
    except IgnoreRequest as exc:
        assert str(exc).startswith("private address")
        return True
    return False


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/", "http://localhost/", "http://10.1.2.3/", "http://172.20.0.5/", "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[fd00::1]/",
    "http://0.0.0.0/", "http://100.64.0.1/",
])
def test_private_loopback_and_link_local_addresses_are_refused(url):
    assert refused(guard(), url)


def test_public_addresses_pass_and_the_setting_allows_private_ones():
    assert not refused(guard(), "http://202.96.134.133/xxgk/")
    assert not refused(guard(), "http://[2400:da00::6666]/")
    assert not refused(guard(NIANBAO_ALLOW_PRIVATE_HOSTS=True), "http://127.0.0.1:8080/")
    assert not refused(guard(NIANBAO_ALLOW_PRIVATE_HOSTS=True), "http://169.254.169.254/")


def test_the_private_networks_setting_replaces_the_default_test():
    middleware = guard(NIANBAO_PRIVATE_NETWORKS=["127.0.0.2/32"])
    assert not refused(middleware, "http://127.0.0.1:8080/")
    assert refused(middleware, "http://127.0.0.2:8080/", redirect_urls=["http://127.0.0.1:8080/a.pdf"])


def test_a_redirect_back_to_where_it_came_from_is_a_redirect_loop():
    loop = RedirectLoopMiddleware()
    request = Request("http://tc.gov.cn/b.html", meta={"redirect_urls": ["http://tc.gov.cn/a.html"]})
    with pytest.raises(IgnoreRequest, match="redirect loop"):
        loop.process_response(request, Response(request.url, status=302, headers={"Location": "/a.html"}))
    onward = Response(request.url, status=302, headers={"Location": "/c.html"})
    assert loop.process_response(request, onward) is onward


# ---------------------------------------------------------------- a crawl


def crawl(seeds: Path, db: Path, *settings: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NIANBAO_ALLOW_PRIVATE_HOSTS"}  # the product's default
    args = [sys.executable, "-m", "nianbao.cli", "crawl", "--seeds", str(seeds), "--db", str(db),
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NIANBAO_PROGRESS_INTERVAL=0",
            *[arg for pair in settings for arg in ("-s", pair)]]
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def webs():
    """The attachments site on 127.0.0.1 whose 2021 PDF redirects to an intranet on 127.0.0.2."""
    from localweb.server import LocalWeb
    from localweb.sites.base import Resource, Route
    from localweb.web import build_web

    public_web = build_web(1, ["attachments"])
    site = public_web.sites[0]
    path = next(p for p, record in site.gold if record["year"] == 2021)
    with LocalWeb(build_web(1, ["trs"]), host="127.0.0.2") as intranet, LocalWeb(public_web) as public:
        intranet.web.sites[0].resources["/secret.pdf"] = site.resources[path]
        secret = intranet.urls["trs"] + "/secret.pdf"
        site.routes.append(Route("GET", path, lambda r: Resource(b"", status=302, headers={"Location": secret},
                                                                  validators=False)))
        yield {"public": public, "intranet": intranet, "attachment": public.urls["attachments"] + path,
               "secret": secret, "organ": site.seed_name, "intranet_organ": intranet.web.sites[0].seed_name}


@pytest.mark.slow
def test_a_redirect_and_a_seed_into_private_addresses_are_refused(webs, tmp_path):
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("name,url\n" + "".join(f"{s['name']},{s['url']}\n" for s in
                                           webs["public"].web.seeds(webs["public"].urls)
                                           + webs["intranet"].web.seeds(webs["intranet"].urls)), encoding="utf-8")
    db = tmp_path / "a.db"
    result = crawl(seeds, db, "NIANBAO_ALLOW_PRIVATE_HOSTS=False", "NIANBAO_PRIVATE_NETWORKS=127.0.0.2/32")
    assert result.returncode == 0, result.stderr[-3000:]
    assert webs["intranet"].log == [], "the crawler asked the private address for something"
    with sqlite3.connect(db) as database:
        errors = dict(database.execute("SELECT url, reason FROM crawl_errors"))
        years = {year for (year,) in database.execute("SELECT year FROM reports WHERE organ = ?", [webs["organ"]])}
        pages = dict(database.execute("SELECT s.name, c.pages FROM crawl_sites c JOIN sites s ON s.id = c.site_id"))
    assert errors[webs["secret"]] == "private address" and errors[webs["attachment"]] == "private address"
    assert years == {2019, 2020, 2022, 2023, 2024}  # the rest of the public site is archived
    assert pages[webs["intranet_organ"]] == 0  # a seed on a private address is refused outright


@pytest.mark.slow
def test_control_without_the_guard_the_same_redirect_reaches_the_private_address(webs, tmp_path):
    seeds = tmp_path / "seeds.csv"
    seeds.write_text(f"name,url\n{webs['organ']},{webs['public'].urls['attachments']}/index.html\n", encoding="utf-8")
    result = crawl(seeds, tmp_path / "a.db", "NIANBAO_ALLOW_PRIVATE_HOSTS=True")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "/secret.pdf" in [access.path for access in webs["intranet"].log]


def test_the_browser_asks_no_private_address_either():
    """A JavaScript page rendered by chromium could fetch the intranet from its script."""
    from types import SimpleNamespace

    from crawler.middlewares import browser_should_abort

    guard()  # the crawl's guard, as Scrapy makes it
    script = SimpleNamespace(resource_type="fetch", url="http://169.254.169.254/latest/meta-data/")
    data = SimpleNamespace(resource_type="fetch", url="http://202.96.134.133/api/list.json")
    assert asyncio.run(browser_should_abort(script)) is True
    assert asyncio.run(browser_should_abort(data)) is False
    assert asyncio.run(browser_should_abort(SimpleNamespace(resource_type="image", url="http://202.96.134.133/a.png")))
