"""The national-scale local web: N synthetic sites, each on its own loopback address, slow."""
from __future__ import annotations

import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from extractors import extract
from localweb.national import NationalWeb, address, latency, loopback_addresses_work, organ_name

pytestmark = pytest.mark.skipif(not loopback_addresses_work(), reason="127.0.0.0/8 is not all loopback here")


def test_names_addresses_and_latency_are_distinct_and_deterministic():
    assert len({organ_name(i) for i in range(3300)}) == 3300
    assert len({address(i) for i in range(3300)}) == 3300 and address(0) == "127.77.0.1"
    values = [latency("n0001", f"/p{i}") for i in range(500)]
    assert all(0.2 <= v <= 0.8 for v in values) and max(values) - min(values) > 0.5
    assert latency("n0001", "/p1") == latency("n0001", "/p1")


def get(url, headers=None):
    started = time.monotonic()
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers), time.monotonic() - started


def test_serves_n_sites_with_latency_reports_and_304():
    with NationalWeb(40) as web:
        assert len(set(web.urls.values())) == 40 and len({u.rsplit(":", 1)[1] for u in web.urls.values()}) == 1
        homes = [web.urls[key] + "/" for key in web.keys]
        with ThreadPoolExecutor(40) as pool:
            answers = list(pool.map(get, homes))
        assert all(status == 200 for status, *_ in answers)
        assert all(seconds >= latency(key, "/") - 0.01 for key, (*_, seconds) in zip(web.keys, answers))
        assert organ_name(7).encode() in answers[7][1]
        gold = web.gold()
        assert len(gold) == 40 * 3
        status, body, headers, _ = get(gold[4]["url"])
        record = extract(body, url=gold[4]["url"], content_type=headers["Content-Type"], organ=gold[4]["organ"])
        assert (record["year"], record["published"], record["cells"]) == (gold[4]["year"], gold[4]["published"],
                                                                           gold[4]["cells"])
        assert get(gold[4]["url"], {"If-None-Match": headers["ETag"]})[0] == 304
        assert get(web.urls["n0003"] + "/nothing.html")[0] == 404
        assert {(a.site, a.path) for a in web.log} >= {("n0003", "/nothing.html"), ("n0000", "/")}
