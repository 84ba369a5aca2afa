"""What a crawl imports before its first request: every night pays it (bench/recrawl.py).

Run in a fresh interpreter, as `nianbao nightly` is, so that nothing this test process
imported earlier hides an import.
"""
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# A crawl of one seed whose server refuses the connection: the whole start and close of a
# crawl, with no page to read. Prints the top-level packages of the modules it imported.
CRAWL_AND_LIST_MODULES = """
import sys
from crawler.commands import run_crawl
run_crawl(sys.argv[1], jsonl=sys.argv[2], overrides={"RETRY_ENABLED": False, "NIANBAO_ALLOW_PRIVATE_HOSTS": True, "LOG_LEVEL": "WARNING"})
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def imported_by_a_crawl(tmp_path) -> set[str]:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("name,url\n某县民政局,http://127.0.0.1:1/\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", CRAWL_AND_LIST_MODULES, str(seeds), str(tmp_path / "reports.jsonl")], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return set(result.stdout.split())


def test_a_crawl_does_not_import_scrapys_remote_control_server(tmp_path):
    modules = imported_by_a_crawl(tmp_path)
    assert "scrapy" in modules  # the crawl did run
    # Scrapy's remote-control extension is off, and its module (aiohttp's web server, a
    # tenth of a second or more) is not even imported: crawler/settings.py EXTENSIONS_BASE
    assert "aiohttp" not in modules


def test_a_crawl_with_no_javascript_page_does_not_import_the_browser(tmp_path):
    modules = imported_by_a_crawl(tmp_path)
    # scrapy-playwright and Playwright are imported when a page first needs the browser
    # (crawler/browser.py), and not to name a retryable exception either (settings.py)
    assert not modules & {"scrapy_playwright", "playwright"}, modules & {"scrapy_playwright", "playwright"}
