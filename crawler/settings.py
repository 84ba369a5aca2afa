"""All of the crawl's settings, in one place (Scrapy convention).

Defaults are for a nightly crawl of small government servers: polite first (robots.txt,
one or two requests at a time per site, AutoThrottle, a User-Agent that says who we are),
bounded (pages, depth and bytes per site; a maximum response size), and robust (retries
with backoff honouring Retry-After, timeouts). `bench/crawl.py` and the tests override the
politeness knobs for the local web; nothing else should need to.
"""
import os
import shutil

from scrapy.settings import default_settings

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao/nianbao; yearly-report archive for researchers)"

# --- politeness ---------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 64                 # across sites: politeness is per site (below), not global
CONCURRENT_REQUESTS_PER_DOMAIN = 2       # per site: the slot is the site's origin (ScopeMiddleware)
DOWNLOAD_DELAY = 0.5
DOWNLOAD_DELAY_JITTER = 0.5               # ±50% of the delay, as RANDOMIZE_DOWNLOAD_DELAY did
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
NIANBAO_MAX_CRAWL_DELAY = 10.0  # a robots.txt Crawl-delay is obeyed up to this many seconds
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = True                   # some JSP portals loop without their session cookie
TELNETCONSOLE_ENABLED = False
# Items (and requests) of one response handled side by side. Scrapy starts this many tasks
# for every response whatever it yields (default 100); ours yield a few: a report and its
# attachments at most, and reading is limited by NIANBAO_EXTRACT_WORKERS anyway.
CONCURRENT_ITEMS = 8

# --- scope and limits -----------------------------------------------------------------------
# seed → section → column → page 2 … page N → article → attachment: every list page is a
# level, and a column of 300 items at 10 a page is 30 of them (a blind test lost the oldest
# years of such a column at 10); traps are held by the per-shape and per-site budgets below
DEPTH_LIMIT = 60
DEPTH_PRIORITY = 0
SITE_MAX_PAGES = 3000                    # requests per seed
SITE_MAX_BYTES = 1024 * 1024 * 1024      # bytes downloaded per seed
SITE_MAX_PER_URL_TEMPLATE = 120          # pages per URL shape (digits blanked): calendar traps
# a site whose walk found no report is searched by its own search form for 年度报告, at the
# end of the crawl (off for distributed workers: one worker sees only its share of a site)
NIANBAO_SITE_SEARCH = True
DOWNLOAD_MAXSIZE = 40 * 1024 * 1024      # = extractors.MAX_BYTES: nothing larger is a report
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
URLLENGTH_LIMIT = 1000
DOWNLOAD_TIMEOUT = 60
REDIRECT_MAX_TIMES = 5
# Requests to private, loopback and link-local addresses are refused (SSRF guard, see
# crawler.middlewares.PrivateAddressMiddleware); the local web on 127.0.0.1 needs True
# (-s NIANBAO_ALLOW_PRIVATE_HOSTS=True, or the environment variable of that name = 1).
NIANBAO_ALLOW_PRIVATE_HOSTS = os.environ.get("NIANBAO_ALLOW_PRIVATE_HOSTS", "").lower() in ("1", "true", "yes")
NIANBAO_PRIVATE_NETWORKS = []            # CIDRs that count as private instead of "not global" (tests)

# --- robustness ---------------------------------------------------------------------------------
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# and a browser page that did not load in time (Playwright's TimeoutError, told by its name
# in BackoffRetryMiddleware: naming its class here would import Playwright every night)
RETRY_EXCEPTIONS = default_settings.RETRY_EXCEPTIONS
RETRY_BACKOFF_BASE = 2.0                 # seconds; doubled per attempt
RETRY_BACKOFF_MAX = 60.0                 # and a Retry-After longer than this is capped to it
HTTPERROR_ALLOW_ALL = False

# --- pieces ---------------------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.PrivateAddressMiddleware": 50,  # first: no request, robots.txt's neither, to a private address
    "crawler.middlewares.ScopeMiddleware": 90,          # before robots.txt: drop off-scope first
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.SharedRobotsTxtMiddleware": 100,  # Scrapy's, shared by the workers of a distributed crawl
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.prefetch.PrefetchMiddleware": 540,                 # below retries and redirects: keeps final answers
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.BlockDetectionMiddleware": 560,
    "crawler.challenge.ChallengeMiddleware": 562,               # sees a script challenge before it is taken for a block
    "crawler.revisit.RevisitPolicyMiddleware": 565,             # before the budget: a skip costs nothing
    "crawler.middlewares.SiteBudgetMiddleware": 570,
    "crawler.middlewares.ConditionalRequestMiddleware": 580,
    "crawler.middlewares.CharsetMiddleware": 590,        # its response first: the text the rest read
    "crawler.middlewares.RedirectLoopMiddleware": 650,  # sees a redirect before RedirectMiddleware (600)
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
    "crawler.prefetch.PrefetchAwareDownloaderStats": 850,       # Scrapy's, counting a prefetched answer once
    "crawler.resume.ResumeCacheMiddleware": 900,
}
# `scrapy crawl reports -O out.jsonl` writes report records, as `nianbao crawl --jsonl` does
FEED_EXPORTERS = {"jsonlines": "crawler.exporters.ReportRecordExporter", "jsonl": "crawler.exporters.ReportRecordExporter"}
SPIDER_MIDDLEWARES = {
    "crawler.revisit.WalkPolicyMiddleware": 950,  # next to the spider: sees its requests as it makes them
}
ITEM_PIPELINES = {
    "crawler.pipelines.ExtractPipeline": 100,
    "crawler.pipelines.OneReportPipeline": 200,
    "crawler.pipelines.ValidatePipeline": 300,
    "crawler.pipelines.StorePipeline": 900,
}
# No remote-control server in an unattended crawl. Naming it in EXTENSIONS to switch it off
# is not enough: Scrapy (2.19) imports every module named there, and this one imports
# aiohttp's web server, 0.1-0.3 s of every night's start. So it is left out of the base list.
REMOTE_CONTROL_ENABLED = False
EXTENSIONS_BASE = {path: order for path, order in default_settings.EXTENSIONS_BASE.items()
                   if not path.endswith(".RemoteControl")}
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.throttle.ConditionalAutoThrottle": 0,                  # a 304 lowers a site's delay as a 200 does
    "crawler.sitestats.SiteStatsExtension": 500,
    "crawler.resume.JobdirGuard": 0,
    "crawler.console.ProgressDisplay": 600,
}
NIANBAO_EXTRACT_WORKERS = 0              # processes reading documents; 0 = one per spare core (2 to 4)
NIANBAO_EXTRACT_SECONDS = 60             # time budget to read one document (then it is a "timeout" error)
# Address space of each reading process (RLIMIT_AS, MB; 0 = none; crawler/reading.py): reading
# the test reports peaks under 250 MB of it; past this a document is built to exhaust memory
# ("extract hostile"), and the readers (2 to 4) cannot take the machine together.
NIANBAO_READER_MEMORY_MB = 1024
NIANBAO_PROGRESS_INTERVAL = 5.0          # seconds between progress lines in the log
# What the terminal shows while a crawl runs (set by `nianbao crawl`/`nightly`/`demo`, crawler/console.py):
# off, tty (a live line) or lines (a plain line every NIANBAO_PROGRESS_LINES_SECONDS: cron, the journal)
NIANBAO_PROGRESS_DISPLAY = "off"
NIANBAO_PROGRESS_LINES_SECONDS = 30.0
NIANBAO_DB = None                        # archive path (or set by `nianbao crawl --db`)
NIANBAO_JSONL = None                     # JSON Lines output when there is no archive
# The archive commits the crawl's documents in batches (archive.store.OpenBatch): at this many,
# or when the batch has been open this many seconds. A kill loses the open batch, which a
# rerun with the job directory stores again (crawler/resume.py).
NIANBAO_STORE_BATCH_ITEMS = 200
NIANBAO_STORE_BATCH_SECONDS = 2.0
# Distributed mode (`nianbao crawl --redis`, crawler/leases.py): a worker silent this long is
# taken for dead and its unfinished requests go back to the shared queue.
NIANBAO_WORKER_TIMEOUT = 60.0
# A report the archive holds without ETag/Last-Modified is downloaded again only when its
# copy is older than this (days; 0 = every night). With validators: a conditional request
# every night. See crawler/revisit.py.
NIANBAO_REVISIT_DAYS = 7
# The revisit policy (crawler/revisit.py): a site is walked whole at least weekly, or when it
# surprises a quiet walk; True walks every site whole tonight (`nianbao nightly --full`).
# NIANBAO_TODAY (an ISO date) is the night's date for the policy's rotation (tests).
NIANBAO_FULL_WALK = False
NIANBAO_TODAY = None
# A URL shape whose plain page was an empty shell (a JavaScript site) goes straight to the
# browser on the next nights; after this many days one plain fetch checks it again.
NIANBAO_SHELL_DAYS = 7
# A site's held reports are asked for (conditionally) while its server would otherwise wait
# for the walk to reach them, e.g. during a Retry-After (crawler/prefetch.py).
NIANBAO_PREFETCH = True
# Pages the browser built, kept with what they were built from (crawler/rendercache.py): a
# page whose inputs all answer as before is not built again. The file (default: beside the
# archive, <NIANBAO_DB>.renders) and how old a kept page may be (0: no cache).
NIANBAO_RENDER_CACHE = None
NIANBAO_RENDER_CACHE_DAYS = 7

# --- the browser, only for pages that need it (see crawler/cms/jsapp.py) -------------------------------
DOWNLOAD_HANDLERS = {
    "http": "crawler.browser.BrowserDownloadHandler",
    "https": "crawler.browser.BrowserHttpsDownloadHandler",
}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# Debian's chromium (playwright cannot download its own here); NIANBAO_CHROMIUM overrides.
CHROMIUM_PATH = os.environ.get("NIANBAO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
PLAYWRIGHT_LAUNCH_OPTIONS = {
    **({"executable_path": CHROMIUM_PATH} if CHROMIUM_PATH else {}),
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
             "--disable-extensions", "--no-first-run", "--mute-audio"],
    "timeout": 120_000,                  # launching takes ~1 s, but minutes on a crowded machine
}
# few pages at a time: the browser is for the odd JavaScript site, and on a busy machine
# many concurrent pages only make every one of them time out. Four, not two: a JavaScript
# column's reports come all at once, and two at a time their rendering was the last second
# of a local-web crawl (bench/crawl.py: 6.6 s -> 4.7 s on a quiet machine)
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 60_000
PLAYWRIGHT_ABORT_REQUEST = "crawler.middlewares.browser_should_abort"

# --- output --------------------------------------------------------------------------------------------
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
LOG_FORMATTER = "crawler.logformatter.CrawlLogFormatter"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
REQUEST_FINGERPRINTER_CLASS = "crawler.fingerprint.SeedRequestFingerprinter"  # a page is seen per seed
