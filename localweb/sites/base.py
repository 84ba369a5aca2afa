"""What every local bureau site is made of: resources, dynamic routes, page chrome, news.

A `Site` is data: a map of path -> `Resource` (bytes, type, status, headers) for what
never changes while it is served, and `Route`s for what depends on the request (POST
paging, 503-then-200, a slow page, an endless calendar). Links inside pages are
root-relative, so the same bytes are served whatever port the site lands on, and the
gold records get their absolute URLs only when the web is started.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from email.utils import format_datetime
from html import escape
from typing import Callable

HTML = "text/html; charset=utf-8"


@dataclass
class Resource:
    body: bytes
    content_type: str | None = HTML
    status: int = 200
    headers: dict = field(default_factory=dict)
    # Serve ETag/Last-Modified and answer conditional requests with 304 (static CMS output).
    validators: bool = True
    modified: dt.datetime | None = None
    # Seconds to wait before answering (the slow page).
    delay: float = 0.0
    # A body too large to hold: `length` bytes produced chunk by chunk by `chunks()`.
    chunks: Callable | None = None
    length: int | None = None
    # A transport fault instead of a clean answer (localweb.server.FAULTS): "reset",
    # "truncated", "endless", "trickle". A content_type of None sends no Content-Type.
    fault: str | None = None

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'

    @property
    def last_modified(self) -> str:
        moment = self.modified or dt.datetime(2025, 1, 1)
        return format_datetime(moment.replace(tzinfo=dt.timezone.utc), usegmt=True)


@dataclass
class Request:
    method: str
    path: str           # without query, ;jsessionid removed
    query: dict         # first value of each parameter
    body: bytes
    headers: dict
    count: int          # how many times this site has seen this method+path+query (1 = first)


@dataclass
class Route:
    method: str
    path: str
    handler: Callable[[Request], Resource]
    prefix: bool = False


@dataclass
class Site:
    key: str            # short stable name: "trs", "hanweb", ...
    family: str         # the behaviour it reproduces (issue 4's list)
    organ: str          # 主办单位
    seed_name: str      # the seed entry's name (the organ whose reports are gold)
    seed_path: str      # where the seed URL points
    resources: dict[str, Resource] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    robots: str = "User-agent: *\nDisallow:\n"
    gold: list[tuple[str, dict]] = field(default_factory=list)      # (path, record without url)
    decoys: list[tuple[str, str]] = field(default_factory=list)     # (path, kind)
    strip_jsessionid: bool = False

    def add(self, path: str, body, content_type: str = HTML, **kwargs) -> Resource:
        if isinstance(body, str):
            body = body.encode("utf-8")
        resource = Resource(body=body, content_type=content_type, **kwargs)
        self.resources[path] = resource
        return resource

    def add_gold(self, path: str, report, **kwargs) -> None:
        self.gold.append((path, report.gold(url=None, organ=self.seed_name, **kwargs)))


@dataclass
class Chrome:
    """The parts of every page of one site: navigation and footer."""
    organ: str
    site_code: str      # 网站标识码
    icp: str            # ICP备案
    phone: str          # the site-wide phone, never a report contact
    nav: dict           # label -> href
    counter: int | None = None  # 您是第N位访问者

    def page(self, title: str, body: str, *, meta: dict | None = None, charset: str = "utf-8",
             head: str = "") -> str:
        metas = "".join(f'<meta name="{escape(k)}" content="{escape(str(v))}">\n' for k, v in (meta or {}).items())
        nav = "".join(f'<li><a href="{escape(href)}">{escape(label)}</a></li>' for label, href in self.nav.items())
        counter = f"<p class=\"counter\">您是本站第{self.counter}位访问者</p>" if self.counter is not None else ""
        return (f"<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"{charset}\">\n"
                f"<title>{escape(title)}_{escape(self.organ)}</title>\n{metas}{head}</head>\n<body>\n"
                f"<div class=\"header\"><h2 class=\"site-name\">{escape(self.organ)}</h2>\n<ul class=\"nav\">{nav}</ul></div>\n"
                f"<div class=\"main\">\n{body}\n</div>\n"
                f"<div class=\"footer\"><p>主办单位：{escape(self.organ)}　网站标识码：{self.site_code}　"
                f"<a href=\"https://beian.miit.gov.cn/\">{escape(self.icp)}</a></p>\n"
                f"<p>联系电话：{self.phone}　建议使用1366×768分辨率浏览</p>{counter}</div>\n</body>\n</html>\n")


NEWS_TEMPLATES = (
    "{organ}召开{year}年度民政工作会议", "{organ}开展“慈善一日捐”活动", "{organ}部署冬季困难群众救助工作",
    "关于开展{year}年度养老机构安全检查的通知", "{organ}赴社区调研居家养老服务工作", "关于公布{year}年第{n}批社会组织名单的公告",
    "{organ}召开党风廉政建设工作会议", "关于做好{year}年春节期间困难群众走访慰问工作的通知", "{organ}开展殡葬领域专项整治",
    "{organ}组织开展民政政策宣传进社区活动", "关于{year}年城乡低保标准调整的通知", "{organ}举办社会工作者职业水平考试培训",
    "{organ}开展防汛救灾应急演练", "关于征集{year}年民生实事项目建议的公告", "{organ}召开婚姻登记服务提升推进会",
    "{organ}开展老年人防诈骗宣传活动", "关于{year}年度社会组织年检工作的通知", "{organ}深入开展“我为群众办实事”实践活动",
    "{organ}召开区划地名工作推进会", "关于开展{year}年度儿童福利机构评估的通知", "{organ}开展第{n}个“中华慈善日”宣传活动",
    "{organ}组织收听收看全国民政工作视频会议", "{organ}督导检查养老服务机构消防安全", "关于公开征求《养老服务设施布局规划》意见的公告",
)


def news_items(organ: str, key: str, count: int = 24) -> list[tuple[str, dt.date]]:
    """`count` ordinary news titles with dates, newest first, the same for the same organ and key."""
    rng = random.Random(f"news|{organ}|{key}")
    items = []
    day = dt.date(2025, 12, 20)
    for i in range(count):
        day -= dt.timedelta(days=rng.randint(5, 40))
        template = NEWS_TEMPLATES[(i * 7 + rng.randint(0, 3)) % len(NEWS_TEMPLATES)]
        items.append((template.format(organ=organ, year=day.year, n=rng.randint(1, 9)), day))
    return items


def news_body(organ: str, title: str, date: dt.date) -> str:
    """A short ordinary article: two paragraphs and nothing that looks like a report."""
    return (f"<p style=\"text-indent:2em\">{date.month}月{date.day}日，{escape(title)}。会议强调，要坚持以人民为中心的发展思想，"
            f"扎实做好基本民生保障工作。</p>\n<p style=\"text-indent:2em\">{escape(organ)}相关科室负责同志参加。</p>")


def article(chrome: Chrome, title: str, published: dt.datetime, content: str, *, meta: dict | None = None,
            source: str = "办公室", extra: str = "", charset: str = "utf-8", views: int | None = None) -> str:
    """An article page: breadcrumb, title, 发布时间 line (with 浏览次数 when given), content."""
    counted = f"　浏览次数：{views}" if views is not None else ""
    body = (f"<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; 正文</div>\n"
            f"<h1 class=\"title\">{escape(title)}</h1>\n"
            f"<div class=\"info\">发布时间：{published:%Y-%m-%d %H:%M:%S}　来源：{escape(source)}{counted}</div>\n"
            f"<div class=\"content\" id=\"zoom\">\n{content}\n</div>\n{extra}")
    return chrome.page(title, body, meta=meta, charset=charset)


def link_list(items: list[tuple[str, str, dt.date]]) -> str:
    """<ul> of (href, title, date) in the usual list markup."""
    lines = [f'<li><a href="{escape(href)}" title="{escape(title)}" target="_blank">{escape(title)}</a>'
             f'<span class="date">{date:%Y-%m-%d}</span></li>' for href, title, date in items]
    return "<ul class=\"list\">\n" + "\n".join(lines) + "\n</ul>"


def at(date: dt.date, hour: int = 9, minute: int = 30) -> dt.datetime:
    return dt.datetime(date.year, date.month, date.day, hour, minute)


@dataclass(frozen=True)
class Options:
    """What a web is generated for: the day, and the knobs tests turn down to stay fast."""
    day: int = 1
    slow_seconds: float = 3.0       # the slow page's delay
    large_file_mb: int = 60         # the very large non-report file
