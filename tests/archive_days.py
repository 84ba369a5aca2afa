"""Two synthetic crawls of four bureau sites, built from real gold records (tests/files/archive).

Day 1: 惠济区 (page), 湘乡市 (page), 鞍山市 (PDF attachment), 阜新市细河区 2023 (page),
and 黄石市下陆区 whose site will fail on day 2.
Day 2: 惠济区's page has a new footer (other bytes, same record); 湘乡市's report is
silently corrected in two cells; 鞍山市's attachment is gone (404); 阜新市细河区 publishes
its 2024 report; 黄石市下陆区's site is blocked, so its report is not judged gone.
"""
from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

from archive import Archive

FILES = Path(__file__).parent / "files" / "archive"

SITES = {
    "惠济区民政局": "http://huiji.example/",
    "湘乡市民政局": "http://xiangxiang.example/",
    "鞍山市民政局": "http://anshan.example/",
    "阜新市细河区民政局": "http://xihe.example/",
    "黄石市下陆区民政局": "http://xialu.example/",
}
GOLD = {
    "惠济区民政局": "gold_000_089711a08f4e65e5.json",
    "湘乡市民政局": "gold_001_5fb52927817c21c8.json",
    "阜新市细河区民政局": "gold_002_350edbf2c6a86c93.json",
    "鞍山市民政局": "gold_003_1c776fab70e51185.json",
}
# the silent correction of 湘乡市's report: exactly these two cells
REVISION = {"requests.new_requests.total": (0, 6), "requests.granted.total": (0, 5)}
TEXT = "{organ}{year}年政府信息公开工作年度报告。本机关持续做好政府信息公开工作，推进养老服务、社会救助信息公开。"


def gold(organ: str) -> dict:
    record = json.loads((FILES / GOLD[organ]).read_text(encoding="utf-8"))
    record.pop("source", None)
    return record


def url_of(organ: str, year: int, ext: str = "html") -> str:
    return f"{SITES[organ]}art/{year}/{organ}.{ext}"


def item(organ: str, record: dict, day: int, *, footer: str = "", ext: str = "html") -> dict:
    """A crawled report item as the crawler's pipeline hands it over."""
    record = copy.deepcopy(record)
    record["organ"] = organ
    text = TEXT.format(organ=organ, year=record["year"])
    body = f"<html><body><h1>{record.get('title')}</h1><p>{text}</p><footer>{footer}</footer></body></html>".encode()
    url = url_of(organ, record["year"], ext)
    return {
        "seed_name": organ,
        "seed_url": SITES[organ],
        "url": url,
        "page_url": url.replace(".pdf", ".html"),
        "fetched_at": f"2026-11-{20 + day:02d}T10:00:00Z",
        "status": 200,
        "content_type": "application/pdf" if ext == "pdf" else "text/html; charset=utf-8",
        "headers": {"ETag": f'"{organ}-{day}"'},
        "etag": f'"{organ}-{day}"',
        "last_modified": None,
        "body": body,
        "sha256": hashlib.sha256(body).hexdigest(),
        "record": {**record, "inferred": [], "text": text},
        "text": text,
        "published": record.get("published"),
        "contacts": record.get("contacts"),
    }


def seeds() -> list[dict]:
    return [{"name": name, "url": url} for name, url in SITES.items()]


def stats(failed=()) -> dict:
    return {url: {"name": name, "pages": 5, "reports": 1, "errors": int(name in failed), "reasons": {},
                  "status": "failed" if name in failed else "ok"} for name, url in SITES.items()}


def day1_items() -> list[dict]:
    huangshi = gold("惠济区民政局") | {"title": "黄石市下陆区民政局2024年政府信息公开工作年度报告"}
    return [
        item("惠济区民政局", gold("惠济区民政局"), 1, footer="访问量：1001"),
        item("湘乡市民政局", gold("湘乡市民政局"), 1),
        item("鞍山市民政局", gold("鞍山市民政局"), 1, ext="pdf"),
        item("阜新市细河区民政局", gold("阜新市细河区民政局"), 1),
        item("黄石市下陆区民政局", huangshi, 1),
    ]


def revised_xiangxiang() -> dict:
    record = gold("湘乡市民政局")
    for key, (_, new) in REVISION.items():
        record["cells"][key] = new
    return record


def xihe_2024() -> dict:
    record = gold("阜新市细河区民政局")
    record["year"] = 2024
    record["title"] = "阜新市细河区民政局2024年政府信息公开工作年度报告"
    record["cells"]["requests.new_requests.natural"] = 3
    record["cells"]["requests.denied.process_info.natural"] = 2
    record["cells"]["requests.denied.process_info.total"] = 2
    return record


def day2_items() -> list[dict]:
    return [
        item("惠济区民政局", gold("惠济区民政局"), 2, footer="访问量：1377"),
        item("湘乡市民政局", revised_xiangxiang(), 2),
        item("阜新市细河区民政局", gold("阜新市细河区民政局"), 2),
        item("阜新市细河区民政局", xihe_2024(), 2),
    ]


def build(path) -> dict:
    """Run both days into a new archive at path; return the outcomes of each store()."""
    outcomes = {}
    with Archive(path) as archive:
        crawl = archive.begin_crawl(seeds(), started_at="2026-11-21T09:00:00Z")
        for it in day1_items():
            outcomes[("day1", it["seed_name"], it["record"]["year"])] = archive.store(crawl, it)
        archive.end_crawl(crawl, stats(), ended_at="2026-11-21T11:00:00Z")

        crawl = archive.begin_crawl(seeds(), started_at="2026-11-22T09:00:00Z")
        for it in day2_items():
            outcomes[("day2", it["seed_name"], it["record"]["year"])] = archive.store(crawl, it)
        archive.mark_gone(crawl, url_of("鞍山市民政局", 2024, "pdf"), "http_404")
        archive.end_crawl(crawl, stats(failed=("黄石市下陆区民政局",)), ended_at="2026-11-22T11:00:00Z")
    return outcomes


def store_extracted(path, organ: str, record: dict) -> None:
    """One crawl into the archive at path that stores one extracted record as organ's."""
    crawled = item(organ, record, 1)
    crawled["record"] = {**record, "organ": organ}
    with Archive(path) as archive:
        crawl = archive.begin_crawl(seeds(), started_at="2026-11-21T09:00:00Z")
        archive.store(crawl, crawled)
        archive.end_crawl(crawl, stats(), ended_at="2026-11-21T11:00:00Z")
