"""Which links lead to reports, and which titles are reports: the generic part of a crawl.

Every bureau site, whatever its CMS, is walked the same way: from the seed page follow
links into the information-disclosure section (政府信息公开) and its annual-report column
(年报 / 年度报告, ndbg, xxgknb ...), page through that column, and open the articles whose
titles are this organ's yearly reports. Everything here is a pure function of strings so
it can be tested without a network; CMS families that page or list differently add their
own links in `crawler.cms`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from crawler.cms import jsp
from extractors import dates, reportwords

# --- titles -----------------------------------------------------------------------------

_YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)(?!\d)")
_CN_YEAR = re.compile("([一二][〇零○ＯO九][〇零○ＯO一二三四五六七八九]{2})年")
# a year as a title writes it, with its 年 or 年度
_YEAR_WORD = re.compile(r"(?:(?<!\d)(?:19[89]\d|20[0-4]\d)(?!\d)|[一二][〇零○ＯO九][〇零○ＯO一二三四五六七八九]{2})\s*年?度?")
# what a report's title may say in the report column, where it need not name disclosure work
# (2023年度报告; 年度报 also covers a truncated 年度报告)
_BARE_REPORT_WORDS = re.compile(r"年度报|年报|年度工作报告")


def clean_title(title: str | None) -> str:
    """A title with whitespace, ellipses and quotes removed (lists truncate long titles)."""
    title = re.sub(r"\s+", "", title or "")
    return re.sub(r"(\.{2,}|…+|⋯+)$", "", title).strip("\"'“”《》")


def year_of(title: str | None) -> int | None:
    """The year a report title covers: 2023 in 通城县民政局2023年政府信息公开工作年度报告."""
    title = clean_title(title)
    found = _YEAR.search(title)
    if found:
        return int(found.group(1))
    found = _CN_YEAR.search(title)
    if found:
        return dates.cn_year(found.group(1))
    return None


def is_report_title(title: str | None, *, in_report_column: bool = False) -> bool:
    """Whether a link's title is a yearly information-disclosure report to open.

    What a report title is, and which titles are lookalikes, is `reportwords`' (the
    extractor judges the texts by the same words). Two things are a link's: a title
    without a year names a column, not a report; and inside the annual-report column a
    bare 2023年度报告 is enough, as is a title the list cut short.
    """
    truncated = bool(re.search(r"(\.{2,}|…+|⋯+)\s*$", title or ""))
    title = clean_title(title)
    if not title or year_of(title) is None or reportwords.is_lookalike(title):
        return False
    if reportwords.names_report(title):
        return True
    if in_report_column and _BARE_REPORT_WORDS.search(title):
        return True
    # a list cut 政府信息公开工作年度报告 short after 工作 or 年度
    if truncated and re.search(r"信息公开[^年]*(?:工作|年度|年)$", title):
        return True
    # in the report column, cut anywhere after the year (石门县卫生健康局2023年政府信…,
    # with or without the ellipsis): a blind test's list of 20-character titles gave nothing
    return in_report_column and _cut_report_title(title, truncated)


# how a report's title goes on after its year, as far as a list may cut it
_REPORT_TITLE_TAILS = ("政府信息公开工作年度报告", "政府信息公开年度报告", "政务公开工作年度报告", "信息公开工作年度报告",
                       "信息公开年度报告", "政府信息公开年报", "信息公开年报", "政务信息公开工作年度报告")
_YEAR_THEN = re.compile(r"(?:19|20)\d{2}\s*年度?")


def _cut_report_title(title: str, truncated: bool) -> bool:
    """A report title cut short after its year: what follows the year begins a report's
    title; with nothing after the year, only where the list shows it cut (…)."""
    found = _YEAR_THEN.search(title)
    if not found:
        return False
    rest = title[found.end():]
    if not rest:
        return truncated
    return len(rest) >= 2 and any(tail.startswith(rest) for tail in _REPORT_TITLE_TAILS)


# --- organs ------------------------------------------------------------------------------

# an administrative level ends with one of these; what follows is the department
_ADMIN_LEVEL = re.compile(r"(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|州|盟|地区|县|区|旗|新区)")
_ORGAN_LIKE = re.compile(
    r"[\u4e00-\u9fff]{1,12}?(?:人民政府办公室|人民政府|委员会|办公室|管理局|局|委|办|厅|署|法院|检察院|"
    r"街道办事处|街道|镇|乡|中心|所|站|队|馆|院|会|部)"
)
_REPORT_PHRASES = re.compile(
    r"政府信息公开工作年度报告|政府信息公开年度报告|政府信息公开工作年报|政府信息公开年报|政务公开工作年度报告|"
    r"信息公开工作年度报告|信息公开年度报告|信息公开年报|政府信息公开|政务公开|信息公开|工作年度报告|"
    r"年度报告|年度报|年报|工作|年度|关于|发布|公布|的"
)


_ATTACHMENT_PREFIX = re.compile(r"^(?:附件\s*\d*|附|点击下载|下载)\s*[:：]?\s*")


# Departments whose short names titles use as often as their full ones (柳溪县人社局2023年…)
_SHORT_NAMES = {
    "人力资源和社会保障局": ("人社局",), "市场监督管理局": ("市场监管局", "市监局"),
    "住房和城乡建设局": ("住建局",), "卫生健康委员会": ("卫健委",), "卫生健康局": ("卫健局",),
    "发展和改革委员会": ("发改委",), "发展和改革局": ("发改局",), "自然资源和规划局": ("自然资源局", "自规局"),
    "文化广电旅游局": ("文旅局", "文广旅局"), "文化广电和旅游局": ("文旅局", "文广旅局"),
    "文化和旅游局": ("文旅局",), "退役军人事务局": ("退役军人局",), "医疗保障局": ("医保局",),
    "应急管理局": ("应急局",), "交通运输局": ("交通局",), "民族宗教事务局": ("民宗局",),
    "科学技术局": ("科技局",), "教育体育局": ("教体局",), "生态环境局": ("环境局",), "农业农村局": ("农业局",),
    "行政审批服务局": ("审批局",), "人民政府办公室": ("政府办",), "城市管理局": ("城管局",),
}


def organ_forms(name: str | list[str]) -> list[str]:
    """The ways a title may name an organ, longest first.

    通城县民政局 → [通城县民政局, 县民政局, 民政局]: a portal's list writes the full name,
    the bureau's own site often only 县民政局 or 民政局.
    """
    if not isinstance(name, str):  # the seed's name and its former names (a seed list's aliases)
        return sorted(dict.fromkeys(form for one in name for form in organ_forms(one)), key=len, reverse=True)
    name = re.sub(r"\s+", "", name)
    forms = [name]
    levels = [m for m in _ADMIN_LEVEL.finditer(name) if len(name) - m.end() >= 2]
    forms += [name[m.end():] for m in levels]
    if levels:  # 县民政局: the last level's character and the department
        forms.append(levels[-1].group(0)[-1] + name[levels[-1].end():])
    for full, shorts in _SHORT_NAMES.items():  # 柳溪县人社局, 县人社局, 人社局
        forms += [form.replace(full, short) for form in list(forms) if form.endswith(full) for short in shorts]
    seen: list[str] = []
    for form in sorted(forms, key=len, reverse=True):
        if form not in seen:
            seen.append(form)
    return seen


def names_this_organ(title: str, organ: str | list[str]) -> bool:
    """Whether a report title belongs to `organ`: it names it, or names no organ at all.

    A county portal lists every department's reports; only those naming the seed organ
    (通城县民政局 / 县民政局 / 民政局, not 崇阳县民政局 nor 通城县财政局) are its. A title that
    names no organ (2023年政府信息公开工作年度报告 on the bureau's own site) is kept.
    """
    if not isinstance(organ, str):  # any of the seed's names (its own, its former ones)
        return any(names_this_organ(title, one) for one in organ)
    rest = _ATTACHMENT_PREFIX.sub("", clean_title(title))  # 附件1：通城县民政局… is the organ's file
    rest = _YEAR_WORD.sub("", rest)  # 2022年度通城县民政局… is as much the organ's as 通城县民政局2022年…
    rest = re.sub(r"[（）()【】\[\]〔〕:：,，、.。\-—_ 0-9年]", "", rest)
    rest = _REPORT_PHRASES.sub("", rest)
    if not rest:
        return True
    for form in organ_forms(organ):
        at = rest.find(form)
        if at < 0:
            continue
        before = rest[:at]
        # 湖北省通城县民政局 is ours; 崇阳县民政局 (another county's bureau) is not
        return not before or bool(re.search(r"(?:省|自治区|市|州|盟)$", before)) or organ.startswith(before) \
            or organ.find(before + form) >= 0
    return not _ORGAN_LIKE.search(rest)


# --- links ---------------------------------------------------------------------------------

_DISCLOSURE_TEXT = re.compile(r"政府信息公开|信息公开|政务公开|公开目录|部门信息|部门公开|法定主动公开|主动公开")
_REPORT_COLUMN_TEXT = re.compile(r"年度报告|年报|年度报表")
_DISCLOSURE_URL = re.compile(r"(?:^|[/_.?=&])(?:xxgk|zwgk|zfxxgk|xxgkml|gkml|gkmlpt|zfxxgkzl|govinfo|gongkai|openness|public|xxgkzl)(?:[/_.?=&\d]|$)", re.I)
_REPORT_COLUMN_URL = re.compile(r"ndbg|xxgknb|zfxxgknb|gknb|gzndbg|ndbb|annualreport|zfxxgkndbg|(?:^|/)nb(?:/|_|\d)", re.I)
_NOT_HTML = re.compile(r"\.(?:jpe?g|png|gif|bmp|svg|ico|css|js|mp[34]|avi|flv|zip|rar|7z|exe|apk|xlsx?|pptx?|txt|xml)(?:$|\?)", re.I)
# a report's file: PDF, Word (DOC/DOCX, and WPS: Kingsoft's Word 97 files), OFD (the
# national fixed-layout format), or a ZIP holding one -- a ZIP that holds none is read,
# found to be no report, and not kept
_ATTACHMENT = re.compile(r"\.(pdf|docx?|wps|ofd|zip)(?:$|[?#&])", re.I)
_PAGINATION_TEXT = re.compile(r"^(?:下一页|下页|后页|尾页|末页|>|>>|›|»|\d{1,3})$")
_PAGINATION_URL = re.compile(r"(?:index|list|default)[_-]\d+\.(?:s?html?|jhtml|jsp|aspx?|php)$"
                             r"|[?&](?:page|pageno|page_no|pagenum|pageindex|page_index|curpage|currpage|currentpage|p|pn|"
                             r"pagenumber)=\d+", re.I)
# an article's file: a name numbered with five digits or more (TRS t20240531_413022.html,
# Hanweb art_4521_68112.html, content_123456.html), not a column's index_2.html or col4521/
_ARTICLE_FILE = re.compile(r"/[^/]*\d{5,}[^/]*\.(?:s?html?|jhtml|jsp|aspx?|php)$", re.I)
_NEVER_FOLLOW_TEXT = re.compile(r"解读|要点|预算|决算|English|无障碍|长者|关怀|登录|注册|邮箱|RSS|微博|微信")


@dataclass(frozen=True)
class Link:
    """An anchor found on a page: absolute URL and the best title it offers."""

    url: str
    text: str
    # the document of an <iframe>/<frame>: part of the page that embeds it, not a link away
    embedded: bool = False


def links_in(html: str, base_url: str, root=None, templates: dict | None = None) -> list[Link]:
    """Every anchor of a page (and inside Hanweb `<datastore>` records), canonical and once each.

    `root`: the page already parsed (a Scrapy response's `selector.root`), so that a page is
    parsed once. The anchors are walked with lxml itself, not through parsel selectors: one
    selector object per anchor and per text node was a tenth of a worker's CPU.
    `templates`: URL templates of the site's script functions read from its script files
    (`crawler.cms.scriptcalls`), for links written as `openArticle('2371')`; the page's
    own inline scripts are read here.
    """
    from parsel import Selector

    from crawler.cms import hanweb

    roots = [root if root is not None else Selector(text=html).root]
    roots += [Selector(text=f).root for f in hanweb.record_fragments(html)]
    base_url = _declared_base(roots[0], base_url)
    links, seen = [], set()
    known = None
    for tree in roots:
        if not hasattr(tree, "iter"):  # parsel's root of an empty page is no element
            continue
        for element in tree.iter("a", "area", "option", "iframe", "frame", "embed", "object"):
            if element.tag in ("area", "option"):
                # an image map's areas, and a drop-down of departments or pages
                # (<select onchange="location=this.value">) whose values are addresses
                value = element.get("href") if element.tag == "area" else element.get("value")
                if element.tag == "option" and not _OPTION_URL.match(value or ""):
                    continue
                url = canonical_url(value, base_url) if value else None
                if url is None or url in seen:
                    continue
                seen.add(url)
                links.append(Link(url, clean_title(element.get("alt") or element.get("title") or " ".join(element.itertext()))))
                continue
            if element.tag == "a":
                href = element.get("href")
                url = canonical_url(href, base_url) if href is not None else None
                if url is None:  # <a href="javascript:void(0)" onclick="window.open('/art/…html')">
                    url, known = _script_link(element, href, base_url, tree, templates, known)
                url = url and _viewed_file(url)
                if url is None or url in seen:
                    continue
                seen.add(url)
                text = link_title(" ".join(element.itertext()), element.get("title"))
                if not text:  # an image link (a banner): its picture's alt text names it
                    text = clean_title(" ".join(img.get("alt") or img.get("title") or "" for img in element.iter("img")))
                if _GENERIC_TEXT.match(text):  # 查看, 详情, 更多>>: the row around the link names it
                    text = _row_text(element) or text
                links.append(Link(url, text))
            else:
                url = canonical_url(element.get("data" if element.tag == "object" else "src"), base_url)
                url = url and _viewed_file(url)
                if url is None or url in seen:
                    continue
                seen.add(url)
                links.append(Link(url, clean_title(element.get("title") or element.get("name")), embedded=True))
        # a list row that is itself the link: <li onclick="location.href='/art/…html'">,
        # <tr onclick="openArticle('2371')"> (a blind test: a script-built column of <div
        # onclick> rows gave nothing, rendered or not), named by its own text
        for element in tree.xpath("//*[@onclick or @data-url or @data-href][not(self::a or self::area or self::option)]"):
            url, known = _script_link(element, None, base_url, tree, templates, known)
            url = url and _viewed_file(url)
            if url is None or url in seen:
                continue
            text = link_title(" ".join(element.itertext()), element.get("title"))
            if not text or len(text) > MAX_ROW_TITLE:  # a block wrapping a whole list is no row
                continue
            seen.add(url)
            links.append(Link(url, text))
    return links


MAX_ROW_TITLE = 120


def _script_link(element, href, base_url: str, tree, templates, known):
    """The address a script opens from this element (its onclick or javascript: href, a
    data-url it reads, a call to one of the site's functions), and the functions known so
    far (the page's own are read once, before the site's script files)."""
    from crawler.cms import scriptcalls

    script = f"{href or ''} {element.get('onclick') or ''}"
    url = _scripted_target(script, base_url)
    if url is None:  # <a href="javascript:void(0)" data-url="/content/…html">: the script reads it
        url = next((canonical_url(element.get(a), base_url) for a in _DATA_URL_ATTRIBUTES if element.get(a)), None)
    if url is None and scriptcalls.call(script):
        if known is None:
            inline = " ".join(t for script_element in tree.iter("script") if not script_element.get("src")
                              for t in [script_element.text or ""])
            known = {**(templates or {}), **scriptcalls.templates(inline)}
        made = scriptcalls.resolve(script, known)
        url = canonical_url(made, base_url) if made else None
    return url, known


# an <option> whose value is an address, not a code: /xxgk/mzj/, ./index_2.html, http://…
_OPTION_URL = re.compile(r"^\s*(?:https?://|/|\./|\.\./|[\w\-./]+\.(?:s?html?|jhtml|jsp|aspx?|php)(?:[?#]|$))", re.I)
# where a script-driven link keeps its address
_DATA_URL_ATTRIBUTES = ("data-url", "data-href", "data-link", "data-src")
# a page's address inside a script call: window.open('…'), location.href="…", openDetail('…')
_SCRIPTED_URL = re.compile(
    r"""['"]((?:https?://[^'"\s]+|[\w\-./%]+?\.(?:s?html?|jhtml|jsp|aspx?|php|pdf|docx?|wps|ofd|zip))(?:[;?][^'"\s]*)?)['"]""", re.I)


_GENERIC_TEXT = re.compile(r"^(?:[\[【(（]?(?:查看|详情|详细|点击查看|查看详情|阅读全文|全文|原文|更多|more|MORE|More)"
                           r"[\]】)）]?\s*(?:>>|»|>|＞＞)?|>>|»|＞＞)?$")


def _row_text(anchor) -> str:
    """The text of the list row (li, tr, dd, p) an anchor sits in, without the anchor's."""
    row = anchor.getparent()
    while row is not None and row.tag not in ("li", "tr", "dd", "p", "dt"):
        row = row.getparent()
    if row is None:
        return ""
    own = " ".join(anchor.itertext())
    text = clean_title(" ".join(row.itertext()).replace(own, " ", 1))
    return text if len(text) <= 120 else ""


def _declared_base(tree, page_url: str) -> str:
    """The page's <base href> (relative links resolve against it), else its own URL."""
    if not hasattr(tree, "iter"):
        return page_url
    for base in tree.iter("base"):
        href = base.get("href")
        if href and href.strip():
            return canonical_url(href, page_url) or page_url
    return page_url


# a page that only sends the browser elsewhere: location.href = "…", location.replace("…")
_SCRIPT_REDIRECT = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*['"]([^'"]+)['"]"""
    r"""|location\.(?:replace|assign)\(\s*['"]([^'"]+)['"]\s*\)""")


def script_redirect(script: str, base_url: str) -> str | None:
    """Where a page's inline script sends the visitor (a portal's root page often holds
    nothing but `window.location.href = "/col/col123/index.html"`), or None."""
    found = _SCRIPT_REDIRECT.search(script)
    if not found:
        return None
    return canonical_url(found.group(1) or found.group(2), base_url)


def _viewed_file(url: str) -> str:
    """The document a viewer page shows (…/pdfjs/web/viewer.html?file=/uploads/x.pdf), else the URL.

    A report published as a PDF is often linked, or embedded, through such a viewer; the
    viewer's own page holds no report, the file does."""
    parts = urlsplit(url)
    if not _ATTACHMENT.search(parts.query):
        return url
    for name, value in parse_qsl(parts.query):
        if name.lower() in ("file", "url", "src", "path", "filepath", "fileurl", "pdf", "doc") \
                and _ATTACHMENT.search(urlsplit(value).path):
            return canonical_url(value, url) or url
    return url


def _scripted_target(script: str, base_url: str) -> str | None:
    """The URL a `javascript:` link or an onclick handler opens, when it is written out."""
    if not script.strip():
        return None
    found = _SCRIPTED_URL.search(script)
    return canonical_url(found.group(1), base_url) if found else None


# a download whose URL names no file type: …/downfile.jsp?id=5, /attach/download?fileId=…
_DOWNLOAD_URL = re.compile(r"down(?:load)?(?:file)?|attach(?:ment)?|getfile|fujian", re.I)
_DOWNLOAD_TEXT = re.compile(r"^附件|下载|^[（(]?(?:点击)?(?:查看|打开)(?:附件|原文|全文)")


def report_attachments(links: list[Link]) -> list[Link]:
    """The attachments of a report article worth fetching (not a 解读 or 预算 file).

    A file is known by its extension (in the path, the query or the link text) or, when
    the URL names none, by a download link's words and address (附件：… on …/downfile.jsp?id=5):
    what it is, the pipeline learns from its bytes."""
    return [link for link in links if not reportwords.is_lookalike(link.text) and not link.url.endswith("/")
            and (is_attachment_url(link.url, link.text) or _is_download_link(link))]


_PAGE_PATH = re.compile(r"(?:/|\.(?:s?html?|jhtml|jsp|aspx?|php|cgi|do|action))$", re.I)


def titled_downloads(links: list[Link], organ: str, page_url: str) -> list[Link]:
    """On a report's page, links named with the organ's report title whose address names no
    page or file type (/oss/file?fid=88): the report's file, served with its name only in
    Content-Disposition. Pages (上一篇 / 下一篇, the page itself) and known files aside."""
    return [link for link in links if link.url != page_url and not is_attachment_url(link.url, link.text)
            and not _PAGE_PATH.search(urlsplit(link.url).path) and not _NOT_HTML.search(urlsplit(link.url).path)
            and is_report_title(link.text) and names_this_organ(link.text, organ) and same_site(link.url, page_url)]


def _is_download_link(link: Link) -> bool:
    parts = urlsplit(link.url)
    return bool(_DOWNLOAD_TEXT.search(link.text) and _DOWNLOAD_URL.search(f"{parts.path}?{parts.query}")
                and not _NOT_HTML.search(parts.path))


def canonical_url(url: str, base: str | None = None) -> str | None:
    """An absolute http(s) URL without fragment or session ids, or None for other schemes."""
    url = (url or "").strip()
    if not url or url.lower().startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
        return None
    absolute = urljoin(base, url) if base else url
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    absolute = urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))
    return jsp.strip_session_id(absolute)


def link_title(text: str | None, title_attr: str | None) -> str:
    """Lists cut long titles short (…) and keep the whole one in @title: take the longer."""
    text, title_attr = clean_title(text), clean_title(title_attr)
    return title_attr if len(title_attr) > len(text) else text


def is_attachment_url(url: str, text: str = "") -> bool:
    """A PDF, DOC, DOCX, WPS, OFD or ZIP file, by the URL's path/query or the link text's file name."""
    return bool(_ATTACHMENT.search(urlsplit(url).path) or _ATTACHMENT.search(urlsplit(url).query)
                or _ATTACHMENT.search(clean_title(text)))


def is_page_url(url: str) -> bool:
    """Whether a URL may be an HTML page (not an image, script, archive or spreadsheet)."""
    return not _NOT_HTML.search(urlsplit(url).path) and not is_attachment_url(url)


def is_report_column(link: Link) -> bool:
    """A link into the annual-report column: 信息公开年报, 年度报告, …/ndbg/, xxgknb …"""
    if _NEVER_FOLLOW_TEXT.search(link.text):
        return False
    if year_of(link.text) is not None and len(link.text) > 12:
        return False  # an article title, not a column name
    return bool(_REPORT_COLUMN_TEXT.search(link.text) or _REPORT_COLUMN_URL.search(urlsplit(link.url).path)
                or "annualreport" in link.url.lower())


def is_report_column_url(url: str) -> bool:
    """A URL that names the annual-report column in its path or query (…/ndbg/, ?column=ndbg)."""
    parts = urlsplit(url)
    return bool(_REPORT_COLUMN_URL.search(parts.path) or _REPORT_COLUMN_URL.search(parts.query)
                or "annualreport" in url.lower())


def is_disclosure_section(link: Link) -> bool:
    """A link into the information-disclosure section: 政府信息公开, 政务公开, /xxgk/ …

    By its address alone, a page of the section's columns, not an article filed in one
    of them (/xxgk/tzgg/202405/t20240531_413022.html, a news item titled 某局开展…): the
    walk read every short news headline of a section as a way in, every night."""
    if _NEVER_FOLLOW_TEXT.search(link.text) or len(link.text) > 16:
        return False
    if _DISCLOSURE_TEXT.search(link.text):
        return True
    parts = urlsplit(link.url)
    return bool(_DISCLOSURE_URL.search(parts.path + "?" + parts.query)) and not _ARTICLE_FILE.search(parts.path)


def is_platform_link(link: Link, page_url: str) -> bool:
    """A bureau's 政府信息公开 link to another site of its county's or city's domain
    (mzj.weishan.gov.cn → www.weishan.gov.cn/xxgk/): the disclosure platform where the
    bureau's reports are published among every department's. By its words, not its
    address (any link of a section has /xxgk/ in it); a link to another domain (the
    national portal's 政府信息公开 in a footer) is none."""
    if same_site(link.url, page_url) or not is_page_url(link.url) or not names_disclosure(link):
        return False
    return registered_domain(link.url) == registered_domain(page_url)


def names_disclosure(link: Link) -> bool:
    """A link worded as the way into a disclosure section (政府信息公开, 部门信息公开 …)."""
    return len(link.text) <= 16 and not _NEVER_FOLLOW_TEXT.search(link.text) and bool(_DISCLOSURE_TEXT.search(link.text))


# second-level names under a country code that are no one's domain (gov.cn, com.cn …)
_SHARED_SECOND_LEVEL = {"gov", "com", "net", "org", "edu", "ac"}


def registered_domain(url: str) -> str:
    """The domain a host belongs to: weishan.gov.cn for mzj.weishan.gov.cn, example.com
    for www.example.com; an IP address is its own."""
    host = (urlsplit(url).hostname or "").lower()
    labels = host.split(".")
    if re.fullmatch(r"[\d.]+|[0-9a-f:]+", host) or len(labels) <= 2:
        return host
    keep = 3 if len(labels[-1]) == 2 and labels[-2] in _SHARED_SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def is_below(url: str, page_url: str) -> bool:
    """Whether `url` is on the site of `page_url`, in its directory or below it."""
    here = urlsplit(page_url).path.rsplit("/", 1)[0] + "/"
    return same_site(url, page_url) and urlsplit(url).path.startswith(here)


def is_organ_link(link: Link, organ: str) -> bool:
    """A link named after the seed's organ (县民政局 in a portal's list of departments, an
    image map's area, a drop-down's option): the way to its pages on the portal. The name
    and little else: a news title that mentions the organ (县民政局召开…) is no such link."""
    if len(link.text) > 20 or _NEVER_FOLLOW_TEXT.search(link.text):
        return False
    for form in organ_forms(organ):
        if form in link.text:
            rest = link.text.replace(form, "", 1)
            return len(rest) <= 2 or bool(_DISCLOSURE_TEXT.fullmatch(rest))
    return False


def is_other_organ_link(link: Link, organ: str) -> bool:
    """A link named after another organ (县财政局 in a portal's department list): its
    pages, and the reports in them that name no organ, are that organ's."""
    text = link.text
    return bool(text) and len(text) <= 20 and bool(_ORGAN_LIKE.fullmatch(text)) and not is_organ_link(link, organ)


def is_year_subcolumn(link: Link, page_url: str) -> bool:
    """In a report column, per-year sub-columns (2024年, 2024n/) hold the reports."""
    text = link.text
    return bool(re.fullmatch(r"(?:19|20)\d\d年?度?(?:年报|报告)?", text)) and same_site(link.url, page_url)


_COLUMN_PAGE = re.compile(r"(?:^|/)(?:index|default|list)(?:_\d+)?\.(?:s?html?|jhtml|jsp|php|aspx?)$", re.I)
_HANWEB_COLUMN = re.compile(r"/col/col\d+/", re.I)


def is_column_url(url: str) -> bool:
    """A URL that addresses a column (a directory, or its index page), not an article in it."""
    path = urlsplit(url).path
    return path.endswith("/") or bool(_COLUMN_PAGE.search(path) or _HANWEB_COLUMN.search(path))


def is_subcolumn(link: Link, page_url: str) -> bool:
    """In a report column, a column below it: a portal splits a year's reports by kind of
    office (县政府 / 县直部门 / 乡镇（街道）) in sub-directories of the year's column. Short
    link text, a column URL, strictly below this page's directory."""
    if len(link.text) > 10 or not same_site(link.url, page_url) or not is_column_url(link.url):
        return False
    here = urlsplit(page_url).path.rsplit("/", 1)[0] + "/"
    there = urlsplit(link.url).path
    return there.startswith(here) and there.rsplit("/", 1)[0] + "/" != here


MAX_ARTICLE_PAGES = 20  # an article "continued" over more pages than this is a trap


# a flip-book's text pages (FlipBuilder and its kind): <book>/files/basic-html/page8.html
_BOOK_PAGE = re.compile(r"^(.*/files/basic-html/)page(\d{1,4})\.html?$", re.I)
# a report page's link to the whole report elsewhere on the site (an e-book, a full-text page)
_READ_ON_TEXT = re.compile(r"^(?:点击|在线)?(?:阅读|查看)(?:全文|原文|电子书)?$|^(?:点击)?阅读全文|^电子书|^在线阅读|^点击阅读")


def continuation_pages(links: list[Link], page_url: str, html: str | None = None, first: str | None = None) -> list[str]:
    """The further pages of an article split over several, after `page_url` (a page of the
    article whose first page is `first`, itself by default), in their order.

    A pager announces them in one of three ways, all read here: links (TRS writes
    t20250115_3101.html, then t20250115_3101_1.html, _2.html … in the same directory, linked
    as 2, 3, 下一页; others add ?page=2 to the article's own address); the TRS script call
    `createPageHTML(3, 0, "t20250115_3101", "html")` that writes the pager in the browser
    (`html`: the page's own source); or a 下一页 with no address of its own (a script's
    button) on a page named by that convention, whose next page can only be stem_N. A
    flip-book's text pages are page1.html, page2.html … of its files/basic-html/ directory.
    The first page's own stem must not look like a part (news_12.html is an article of its
    own, not part 12 of news.html)."""
    parts = urlsplit(page_url)
    book = _BOOK_PAGE.match(parts.path)
    if book:
        found = {int(m.group(2)): link.url for link in links for m in [_BOOK_PAGE.match(urlsplit(link.url).path)]
                 if m and m.group(1) == book.group(1) and int(m.group(2)) > int(book.group(2))
                 and urlsplit(link.url).netloc == parts.netloc}
        return [found[n] for n in sorted(found)][:MAX_ARTICLE_PAGES]
    head = urlsplit(first or page_url)
    directory, _, name = head.path.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or re.search(r"_\d{1,2}$", stem):
        return []
    current = _part_number(page_url, head, stem, extension)
    if current is None:
        return []
    pattern = re.compile(rf"{re.escape(stem)}_(\d{{1,2}})\.{re.escape(extension)}")
    found = {}
    for link in links:
        other = urlsplit(link.url)
        there, _, other_name = other.path.rpartition("/")
        m = pattern.fullmatch(other_name)
        if m and there == directory and other.netloc == head.netloc and not other.query:
            found[int(m.group(1))] = link.url
        elif other.netloc == head.netloc and other.path == head.path and other.query:
            number = _query_page(other.query, head.query)
            if number is not None and number >= 2:
                found[number - 1] = link.url
    if html:
        from crawler.cms import trs

        for number, url in trs.article_page_urls(html, first or page_url):
            found.setdefault(number, url)
        if not any(n > current for n in found) and has_addressless_next(html):
            found[current + 1] = urlunsplit((head.scheme, head.netloc, f"{directory}/{stem}_{current + 1}.{extension}", "", ""))
    return [found[n] for n in sorted(found) if n > current][:MAX_ARTICLE_PAGES]


# the parameter of an article's own address that numbers its pages (?page=2, ?pageNo=2)
_PAGE_PARAMETER = re.compile(r"^(?:page|p|pageno|pagenum|pageindex|curpage|currpage|page_no|pn)$", re.I)


def _query_page(query: str, first_query: str) -> int | None:
    """The page number a query gives the article (page=3 → 3), if it differs from the
    first page's address by that parameter alone."""
    fields, base = parse_qsl(query, keep_blank_values=True), dict(parse_qsl(first_query, keep_blank_values=True))
    numbered = [(k, v) for k, v in fields if _PAGE_PARAMETER.match(k) and v.isdigit()]
    rest = {k: v for k, v in fields if not _PAGE_PARAMETER.match(k)}
    if len(numbered) != 1 or rest != {k: v for k, v in base.items() if not _PAGE_PARAMETER.match(k)}:
        return None
    return int(numbered[0][1])


def _part_number(page_url: str, head, stem: str, extension: str) -> int | None:
    """Which part of the article (0: its first page) `page_url` is, or None if none."""
    here = urlsplit(page_url)
    if here.netloc != head.netloc:
        return None
    if here.path == head.path:
        if here.query == head.query:
            return 0
        number = _query_page(here.query, head.query)
        return None if number is None else max(0, number - 1)
    m = re.fullmatch(rf"{re.escape(stem)}_(\d{{1,2}})\.{re.escape(extension)}", here.path.rpartition("/")[2])
    if m and here.path.rpartition("/")[0] == head.path.rpartition("/")[0]:
        return int(m.group(1))
    return None


# a 下一页 that is no link: a button, a span, an anchor whose href is a script or nothing
_NEXT_CONTROL = re.compile(r"^\s*(?:下一页|下页|后一页)\s*[>›»]*\s*$")


def has_addressless_next(html: str) -> bool:
    """Whether a page offers a 下一页 control with no address of its own (its script knows
    where it goes), not disabled: a pager the browser would use to show the next page."""
    import lxml.html

    if "下一页" not in html and "下页" not in html and "后一页" not in html:
        return False
    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return False
    for element in tree.iter("a", "span", "button", "input", "li"):
        text = element.get("value", "") if element.tag == "input" else element.text_content()
        if not _NEXT_CONTROL.match(text or ""):
            continue
        if element.tag == "a":
            href = (element.get("href") or "").strip()
            if href and not href.lower().startswith("javascript") and href != "#":
                continue  # an address: links_in has it
        elif element.tag == "li" and element.find(".//a") is not None:
            continue
        marks = " ".join(element.get(attr, "") for attr in ("class", "disabled", "aria-disabled")).lower()
        if "disabled" in marks or element.get("disabled") is not None or "true" in marks:
            continue
        if element.tag in ("span", "li") and not element.get("onclick"):
            continue  # text saying 下一页 (a pager's last page prints it so), no control
        return True
    return False


def book_first_page(links: list[Link], page_url: str) -> str | None:
    """The first text page of a flip-book this page links to (its <noscript> link, a
    contents page, any of its pages), unless this page is one of the book's pages."""
    if _BOOK_PAGE.match(urlsplit(page_url).path):
        return None
    for link in links:
        parts = urlsplit(link.url)
        m = _BOOK_PAGE.match(parts.path)
        if m:
            return urlunsplit((parts.scheme, parts.netloc, f"{m.group(1)}page1.html", "", ""))
    return None


def read_on_links(links: list[Link], page_url: str) -> list[Link]:
    """A report page's links to the report's full text elsewhere on the site: 点击阅读,
    阅读全文, 在线阅读, 电子书 (an e-book's page, a full-text page). Files are attachments."""
    return [link for link in links if _READ_ON_TEXT.search(link.text) and same_site(link.url, page_url)
            and is_page_url(link.url) and link.url != page_url]


def is_pagination(link: Link, page_url: str) -> bool:
    """下一页 / numbered page links of a list, kept to URLs that look like list pages."""
    if not same_site(link.url, page_url) or link.url == page_url:
        return False
    if _PAGINATION_URL.search(link.url):
        return True
    if _PAGINATION_TEXT.match(link.text) and not link.text.isdigit():
        return _same_directory(link.url, page_url)
    # page 2 of a list published as …/ndbg/2.html, linked as "2"
    if link.text.isdigit() and _same_directory(link.url, page_url):
        return urlsplit(link.url).path.rsplit("/", 1)[-1].split(".")[0] == link.text
    return False


def same_site(url: str, other: str) -> bool:
    """Same site: the same host and port, where http and https on their default ports and
    a host with or without `www.` are one site (pages link to both forms of their own
    address); another port is another site."""
    return site_key(url) == site_key(other)


def site_key(url: str) -> tuple[str, str]:
    """What makes two URLs one site (see `same_site`)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    default = port is None or (parts.scheme, port) in (("http", 80), ("https", 443))
    return host, "" if default else str(port)


def origin(url: str) -> str:
    """scheme://host[:port] of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def url_template(url: str) -> str:
    """The shape of a URL with its numbers blanked: calendar traps repeat one shape endlessly."""
    parts = urlsplit(url)
    keys = sorted(k.split("=", 1)[0] for k in parts.query.split("&") if k)
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def _same_directory(url: str, other: str) -> bool:
    return urlsplit(url).path.rsplit("/", 1)[0] == urlsplit(other).path.rsplit("/", 1)[0]
