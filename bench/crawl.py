"""How fast the crawler walks the local web, against a bare Scrapy spider on the same URLs.

    python bench/crawl.py [--day 1] [--sites trs,hanweb,...]

Starts the local web, crawls it with `nianbao crawl` (politeness off: no delay, no
AutoThrottle, 8 requests per site), then has a bare Scrapy spider fetch exactly the URLs
the crawl fetched (from the local web's access log) and do nothing with them, twice:
all URLs at once, and in discovery order (each URL only after the page that linked it,
the Referer the crawl sent). Prints pages/s and reports/s of the crawl and the ratio of
its page rate to each bare run's (goal: >= 0.5). The first ratio charges the crawler for
having to discover its URLs one page after another; the second compares like with like
and measures what the crawl adds per page (parsing, scope, reading, the browser). The
machine's timer lateness is printed first: the browser's waits are timers. Timings are Scrapy's own `elapsed_time_seconds`, so interpreter start-up
is left out of both. Prints figures; not part of the test run.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POLITENESS_OFF = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
                  "-s", "CONCURRENT_REQUESTS=32", "-s", "RETRY_BACKOFF_MAX=1", "-s", "NIANBAO_PROGRESS_INTERVAL=0",
                  "-s", "NIANBAO_ALLOW_PRIVATE_HOSTS=True"]  # the local web is on 127.0.0.1


def elapsed_of(log: str) -> float:
    """Scrapy's elapsed_time_seconds from the stats dump at the end of a crawl's log."""
    found = re.search(r"'elapsed_time_seconds': ([0-9.]+)", log)
    if not found:
        raise SystemExit("no elapsed_time_seconds in the crawl's log:\n" + log[-2000:])
    return float(found.group(1))


def run(args: list[str]) -> str:
    result = subprocess.run(args, cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stderr


def bare_spider(urls_file: str, in_order: bool) -> None:
    """Fetch every (method, URL) of the file with plain Scrapy and throw the answers away.

    `in_order`: each URL only once the page that linked it (its Referer in the crawl) has
    been fetched, as a crawler that must discover its URLs gets them; otherwise all of
    them at once.
    """
    import scrapy
    from scrapy.crawler import CrawlerProcess

    entries = [tuple(entry) for entry in json.loads(Path(urls_file).read_text())]
    fetched = {url for _, url, _ in entries}
    children: dict[str, list] = {}
    roots = []
    for method, url, referer in entries:
        if in_order and referer in fetched and referer != url:
            children.setdefault(referer, []).append((method, url))
        else:
            roots.append((method, url))

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self):
            for method, url in roots:
                yield self.request(method, url)

        def request(self, method, url):
            return scrapy.Request(url, method=method, dont_filter=True, callback=self.parse, errback=self.failed,
                                  meta={"entry": url})

        def parse(self, response):
            yield from self.next_of(response.meta["entry"], response.url)

        def failed(self, failure):
            yield from self.next_of(failure.request.meta["entry"], failure.request.url)

        def next_of(self, *urls):
            for url in dict.fromkeys(urls):
                for method, child in children.pop(url, ()):
                    yield self.request(method, child)

    process = CrawlerProcess({
        "ROBOTSTXT_OBEY": False, "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "DOWNLOAD_DELAY": 0, "RETRY_ENABLED": False, "HTTPERROR_ALLOW_ALL": True, "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False, "DOWNLOAD_MAXSIZE": 0,
    })
    process.crawl(BareSpider)
    process.start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--day", type=int, default=1)
    parser.add_argument("--sites", default="", help="Comma-separated site families (default: the whole local web); "
                        "e.g. all but jsapp, to see the crawl without the browser.")
    parser.add_argument("--bare", help=argparse.SUPPRESS)  # internal: run the bare spider on a URL list
    parser.add_argument("--in-order", action="store_true", help=argparse.SUPPRESS)  # internal: … in discovery order
    options = parser.parse_args()
    if options.bare:
        bare_spider(options.bare, options.in_order)
        return

    sys.path.insert(0, str(REPO))
    from localweb.server import LocalWeb
    from localweb.web import build_web

    from bench.machine import describe

    print(describe(), flush=True)
    work = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    print(f"building the day-{options.day} local web …", flush=True)
    with LocalWeb(build_web(options.day, [s for s in options.sites.split(",") if s] or None)) as web:
        files = web.web.write(work, web.urls)
        out = work / "reports.jsonl"
        started = time.monotonic()
        log = run([sys.executable, "-m", "nianbao.cli", "crawl", "-v", "--seeds", str(files["seeds"]), "--jsonl", str(out),
                   *POLITENESS_OFF])
        wall = time.monotonic() - started
        ours = elapsed_of(log)
        fetched = [(a.method, web.urls[a.site] + a.path, a.referer) for a in web.log]
        reports = sum(1 for line in out.read_text(encoding="utf-8").splitlines() if line.strip())
        urls_file = work / "urls.json"
        urls_file.write_text(json.dumps(fetched))
        web.log.clear()
        bare = elapsed_of(run([sys.executable, str(Path(__file__).resolve()), "--bare", str(urls_file)]))
        web.log.clear()
        bare_in_order = elapsed_of(run([sys.executable, str(Path(__file__).resolve()), "--bare", str(urls_file),
                                        "--in-order"]))
        web.log.clear()
        walk = elapsed_of(run([sys.executable, "-m", "nianbao.cli", "crawl", "-v", "--seeds", str(files["seeds"]),
                               "--jsonl", str(work / "none.jsonl"), *POLITENESS_OFF, "-s", "ITEM_PIPELINES={}"]))
        walked = len(web.log)

    pages = len(fetched)
    print(f"crawler:  {pages} requests, {reports} reports in {ours:.1f} s (wall {wall:.1f} s): "
          f"{pages / ours:.1f} pages/s, {reports / ours:.2f} reports/s")
    print(f"bare:     {pages} requests in {bare:.1f} s: {pages / bare:.1f} pages/s (all URLs given at once)")
    print(f"bare, in discovery order: {pages} requests in {bare_in_order:.1f} s: {pages / bare_in_order:.1f} pages/s "
          f"(each URL after the page that linked it)")
    print(f"walk:     {walked} requests in {walk:.1f} s without reading the documents: {walked / walk:.1f} pages/s")
    print(f"ratio:    {bare / ours:.2f} of the bare spider's page rate (goal >= 0.5); "
          f"{(walked / walk) / (pages / bare):.2f} for the walk alone (discovery, scope, browser)")
    print(f"ratio to the bare spider in discovery order: {bare_in_order / ours:.2f}; "
          f"{(walked / walk) / (pages / bare_in_order):.2f} for the walk alone")


if __name__ == "__main__":
    main()
