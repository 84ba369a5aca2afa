"""Build the reader fixtures in this folder: report pages and documents with known tables.

    python tests/files/make_fixtures.py      # rewrites the files next to this script

The same 2021-format tables are drawn in every container a report comes in (a hand-written
HTML table, an MS-Word HTML export, a div grid, a PDF, a DOCX and a DOC converted from it,
an OFD laid out from the PDF, a ZIP holding the DOCX), so the reader tests can demand the
same grid from each. The figures are chosen: some non-zero, one blank cell (不予处理 /
2.重复申请 / 法律服务机构), one printed 0 merged across a whole row (不予公开 /
1.属于国家秘密). Generated files are committed; this script documents how they were made
and rebuilds them when a reader needs a new case.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# ----------------------------------------------------------------- table specs
# A table is a list of rows; a cell is "text" or (text, rowspan, colspan).

ACTIVE_2021 = [
    [("第二十条第（一）项", 1, 4)],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "0", "0", "2"],
    ["行政规范性文件", "1", "0", "5"],
    [("第二十条第（五）项", 1, 4)],
    ["信息内容", ("本年处理决定数量", 1, 3)],
    ["行政许可", ("36", 1, 3)],
    [("第二十条第（六）项", 1, 4)],
    ["信息内容", ("本年处理决定数量", 1, 3)],
    ["行政处罚", ("3", 1, 3)],
    ["行政强制", ("0", 1, 3)],
    [("第二十条第（八）项", 1, 4)],
    ["信息内容", ("本年收费金额（单位：万元）", 1, 3)],
    ["行政事业性收费", ("1.25", 1, 3)],
]

_ZEROS = ["0"] * 7


def _requests_body(other_rows_2021: bool) -> list:
    """Section 三 after the header: label cells, then 7 figures per row."""
    denied = ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
              "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]
    unavailable = ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]
    not_processed = ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                     "5.要求行政机关确认或重新出具已获取信息"]
    other = ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
             "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"]
    handled_rows = 1 + 1 + 8 + 3 + 5 + (3 if other_rows_2021 else 1) + 1
    rows = [
        [("一、本年新收政府信息公开申请数量", 1, 3), "5", "1", "0", "0", "0", "0", "6"],
        [("二、上年结转政府信息公开申请数量", 1, 3), "1", "0", "0", "0", "0", "0", "1"],
        [("三、本年度办理结果", handled_rows, 1), ("（一）予以公开", 1, 2), "3", "1", "0", "0", "0", "0", "4"],
        [("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2), "1", "0", "0", "0", "0", "0", "1"],
    ]
    for i, label in enumerate(denied):
        figures = [("0", 1, 7)] if i == 0 else _ZEROS
        rows.append(([("（三）不予公开", 8, 1)] if i == 0 else []) + [label] + figures)
    for i, label in enumerate(unavailable):
        figures = ["1", "0", "0", "0", "0", "0", "1"] if i == 0 else _ZEROS
        rows.append(([("（四）无法提供", 3, 1)] if i == 0 else []) + [label] + figures)
    for i, label in enumerate(not_processed):
        figures = ["0", "0", "0", "0", "", "0", "0"] if i == 1 else _ZEROS
        rows.append(([("（五）不予处理", 5, 1)] if i == 0 else []) + [label] + figures)
    if other_rows_2021:
        for i, label in enumerate(other):
            rows.append(([("（六）其他处理", 3, 1)] if i == 0 else []) + [label] + _ZEROS)
    else:
        rows.append([("（六）其他处理", 1, 2)] + _ZEROS)
    rows.append([("（七）总计", 1, 2), "5", "1", "0", "0", "0", "0", "6"])
    rows.append([("四、结转下年度继续办理", 1, 3), "1", "0", "0", "0", "0", "0", "1"])
    return rows


REQUESTS_HEADER = [
    [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 1, 7)],
    [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
    ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
]
REQUESTS_2021 = REQUESTS_HEADER + _requests_body(True)
REQUESTS_2019 = REQUESTS_HEADER + _requests_body(False)

_RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
REVIEW = [
    [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
    [(r, 2, 1) for r in _RESULTS] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
    _RESULTS + _RESULTS,
    ["1", "0", "0", "0", "1", "0", "0", "0", "1", "1", "0", "0", "0", "0", "0"],
]

ACTIVE_2019 = [
    [("第二十条第（一）项", 1, 4)],
    ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
    ["规章", "0", "0", "0"],
    ["规范性文件", "2", "2", "10"],
    [("第二十条第（五）项", 1, 4)],
    ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
    ["行政许可", "12", "-2", "150"],
    ["其他对外管理服务事项", "3", "0", "20"],
    [("第二十条第（六）项", 1, 4)],
    ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
    ["行政处罚", "5", "+1", "8"],
    ["行政强制", "0", "0", "0"],
    [("第二十条第（八）项", 1, 4)],
    ["信息内容", "上一年项目数量", ("本年增/减", 1, 2)],
    ["行政事业性收费", "1", ("0", 1, 2)],
    [("第二十条第（九）项", 1, 4)],
    ["信息内容", "采购项目数量", ("采购总金额", 1, 2)],
    ["政府集中采购", "4", ("56.8", 1, 2)],
]


def cells(row):
    return [c if isinstance(c, tuple) else (c, 1, 1) for c in row]


# ----------------------------------------------------------------- report text

def report_parts(organ: str, year: int, phone: str, *, template: str = "2021") -> list:
    """The report as a list of ("h", text) / ("p", text) / ("table", spec) in order."""
    active, requests = (ACTIVE_2021, REQUESTS_2021) if template == "2021" else (ACTIVE_2019, REQUESTS_2019)
    return [
        ("p", f"本报告根据《中华人民共和国政府信息公开条例》和上级政务公开工作要求编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
              f"如对本报告有疑问，请与{organ}办公室联系（地址：鞍山市铁西区人民路38号，邮编：114013，联系电话：{phone}，电子邮箱：mzjgk@163.com）。"),
        ("h", "一、总体情况"),
        ("p", f"（一）主动公开。{year}年，我局通过政府门户网站主动公开政府信息126条，其中社会救助、养老服务等民生信息89条。"),
        ("p", "（二）依申请公开。全年共收到政府信息公开申请6件，均在法定期限内答复。"),
        ("h", "二、主动公开政府信息情况"),
        ("table", active),
        ("h", "三、收到和处理政府信息公开申请情况"),
        ("table", requests),
        ("h", "四、政府信息公开行政复议、行政诉讼情况"),
        ("table", REVIEW),
        ("h", "五、存在的主要问题及改进情况"),
        ("p", "政策解读形式较为单一。下一步，我局将丰富解读形式，提高公开质量。"),
        ("h", "六、其他需要报告的事项"),
        ("p", "本年度未收取信息处理费。"),
    ]


def html_table(spec) -> str:
    rows = []
    for row in spec:
        tds = "".join(
            f"<td{f' rowspan={r}' if r > 1 else ''}{f' colspan={c}' if c > 1 else ''}>{t}</td>" for t, r, c in cells(row))
        rows.append(f"  <tr>{tds}</tr>")
    return '<table border="1" cellspacing="0" cellpadding="0">\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>"


def html_body(parts, *, table=html_table) -> str:
    out = []
    for kind, value in parts:
        if kind == "table":
            out.append(table(value))
        elif kind == "h":
            out.append(f"<p style=\"text-indent:2em\"><strong>{value}</strong></p>")
        else:
            out.append(f"<p style=\"text-indent:2em\">&nbsp;&nbsp;{value}</p>")
    return "\n".join(out)


SITE_PHONE = "0412-8888999"
FOOTER = (f'<div class="footer"><p>主办单位：鞍山市铁西区人民政府办公室　　承办单位：铁西区政务服务中心</p>'
          f'<p>网站标识码：2103030001　辽ICP备05001234号　联系电话：{SITE_PHONE}</p></div>')
NAV = ('<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/jggk/">机构概况</a></li>'
       '<li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>')


def page_2021() -> str:
    organ, title = "铁西区民政局", "铁西区民政局2024年政府信息公开工作年度报告"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}_鞍山市铁西区人民政府</title>
<meta name="SiteName" content="鞍山市铁西区人民政府">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="2025-01-20 09:30">
<meta name="ContentSource" content="{organ}">
<link rel="stylesheet" href="/css/style.css">
<script>var _hmt = _hmt || []; document.write("联系电话：{SITE_PHONE}");</script>
<style>.nav li {{ float: left; }}</style>
</head>
<body>
<div class="header"><img src="/images/logo.png" alt="鞍山市铁西区人民政府"><div class="search"><input type="text" value="请输入关键字"></div></div>
{NAV}
<div class="main">
  <div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a></div>
  <div class="article">
    <h1 class="article-title">{title}</h1>
    <div class="info">发布时间：2025-01-20　来源：{organ}　浏览次数：<span id="count">128</span></div>
    <div class="TRS_Editor" id="zoom">
{html_body(report_parts(organ, 2024, "0412-5556677"))}
    </div>
    <div class="tools">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
  </div>
  <div class="sidebar"><h3>相关链接</h3><ul><li><a href="/a.html">铁西区民政局2023年政府信息公开工作年度报告</a></li><li><a href="/b.html">铁西区民政局2022年政府信息公开工作年度报告</a></li></ul></div>
</div>
{FOOTER}
</body>
</html>
"""


def page_2019_layout_tables() -> bytes:
    """An old site: nested layout tables, GB2312 declared in <meta>, no ArticleTitle."""
    organ, title = "岫岩满族自治县民政局", "岫岩满族自治县民政局2020年政府信息公开工作年度报告"
    body = html_body(report_parts(organ, 2020, "0412-7821234", template="2019"))
    page = f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title} - 岫岩满族自治县人民政府</title>
</head>
<body topmargin="0" leftmargin="0">
<table width="1000" border="0" cellspacing="0" cellpadding="0" align="center">
  <tr><td height="120"><img src="/images/top_banner.jpg" width="1000" height="120"></td></tr>
  <tr><td class="menu"><a href="/">首页</a> | <a href="/jggk/">机构概况</a> | <a href="/zwgk/">政务公开</a> | <a href="/bsfw/">办事服务</a> | <a href="/hdjl/">互动交流</a></td></tr>
  <tr><td>
    <table width="100%" border="0" cellspacing="0" cellpadding="0">
      <tr>
        <td width="220" valign="top">
          <table width="100%"><tr><td><a href="/zwgk/gkzn/">政府信息公开指南</a></td></tr><tr><td><a href="/zwgk/gkzd/">政府信息公开制度</a></td></tr><tr><td><a href="/zwgk/ndbg/">政府信息公开年报</a></td></tr></table>
        </td>
        <td valign="top">
          <table width="100%" border="0">
            <tr><td align="center"><font size="4"><b>{title}</b></font></td></tr>
            <tr><td align="center">发布日期：2021-01-28　　信息来源：{organ}</td></tr>
            <tr><td>
{body}
            </td></tr>
          </table>
        </td>
      </tr>
    </table>
  </td></tr>
  <tr><td align="center" bgcolor="#eeeeee">
    <table><tr><td>主办单位：岫岩满族自治县人民政府办公室　网站标识码：2103230001</td></tr>
    <tr><td>辽ICP备06012345号　联系电话：0412-7800000</td></tr></table>
  </td></tr>
</table>
</body>
</html>
"""
    return page.encode("gbk")


def word_table(spec) -> str:
    """A table as MS Word 'Save as Web Page' writes it."""
    rows = []
    for i, row in enumerate(spec):
        tds = []
        for text, r, c in cells(row):
            span = (f" colspan={c}" if c > 1 else "") + (f" rowspan={r}" if r > 1 else "")
            if text in ("结果维持", "结果纠正", "其他结果", "尚未审结"):  # Word wraps these in two lines
                paras = "".join(f"<p class=MsoNormal align=center style='text-align:center'><span style='font-family:宋体'>{half}</span></p>"
                                for half in (text[:2], text[2:]))
            else:
                inner = f"<span lang=EN-US>{text}<o:p></o:p></span>" if text else "<span lang=EN-US><o:p>&nbsp;</o:p></span>"
                paras = (f"<p class=MsoNormal align=center style='text-align:center;mso-pagination:widow-orphan'>"
                         f"<span style='font-size:10.5pt;font-family:宋体;mso-bidi-font-family:宋体;mso-font-kerning:0pt'>{inner}</span></p>")
            tds.append(f"  <td width=64{span} valign=center style='width:48.0pt;border:solid windowtext 1.0pt;"
                       f"mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>\n  {paras}\n  </td>")
        rows.append(f" <tr style='mso-yfti-irow:{i};height:20.25pt'>\n" + "\n".join(tds) + "\n </tr>")
    width = max(sum(c for _, _, c in cells(r)) for r in spec)
    spacer = " <![if !supportMisalignedColumns]>\n <tr height=0>\n" + "".join(
        "  <td width=64 style='border:none'></td>\n" for _ in range(width)) + " </tr>\n <![endif]>"
    return ("<div align=center>\n<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0\n"
            " style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;mso-yfti-tbllook:1184'>\n"
            + "\n".join(rows) + "\n" + spacer + "\n</table>\n</div>")


def page_word_export() -> bytes:
    organ, title = "立山区民政局", "立山区民政局2023年政府信息公开工作年度报告"
    paras = []
    for kind, value in report_parts(organ, 2023, "0412-6663322"):
        if kind == "table":
            paras.append(word_table(value))
        elif kind == "h":
            paras.append(f"<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0'><b><span style='font-size:16.0pt;"
                         f"font-family:黑体'>{value}<span lang=EN-US><o:p></o:p></span></span></b></p>")
        else:
            paras.append(f"<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt;mso-line-height-rule:exactly'>"
                         f"<span style='font-size:16.0pt;font-family:仿宋_GB2312'>{value}<span lang=EN-US><o:p></o:p></span></span></p>")
    page = f"""<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset=gb2312">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<title>{title}</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties><o:Author>admin</o:Author><o:Pages>5</o:Pages></o:DocumentProperties>
</xml><![endif]-->
<style>
<!--
 p.MsoNormal {{mso-style-parent:""; margin:0cm; font-size:10.5pt; font-family:"Times New Roman";}}
@page WordSection1 {{size:595.3pt 841.9pt; margin:72.0pt 90.0pt 72.0pt 90.0pt;}}
-->
</style>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<div class=WordSection1 style='layout-grid:15.6pt'>
<p class=MsoNormal align=center style='text-align:center'><b><span style='font-size:22.0pt;font-family:方正小标宋简体'>{title}<span lang=EN-US><o:p></o:p></span></span></b></p>
<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>
{chr(10).join(paras)}
<p class=MsoNormal align=right style='text-align:right'><span style='font-family:仿宋_GB2312'>{organ}<span lang=EN-US><o:p></o:p></span></span></p>
<p class=MsoNormal align=right style='text-align:right'><span lang=EN-US>2024</span><span style='font-family:仿宋_GB2312'>年<span lang=EN-US>1</span>月<span lang=EN-US>15</span>日</span></p>
</div>
</body>
</html>
"""
    return page.encode("gbk")


def page_plain(title: str, organ: str, year: int, *, charset_meta: str | None) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">' if charset_meta else ""
    return f"""<html><head>{meta}<title>{title}</title></head>
<body>
<div id="top"><a href="/">首页</a> <a href="/zwgk">政务公开</a></div>
<div id="content">
<h2>{title}</h2>
{html_body(report_parts(organ, year, "0412-3334455"))}
</div>
<div id="bottom">版权所有：千山区人民政府　电话：0412-9990000</div>
</body></html>
"""


def div_grid(spec, *, style: str) -> str:
    """A table drawn with divs: display:table styles, ARIA roles, or a CSS grid."""
    width = max(sum(c for _, _, c in cells(r)) for r in spec)
    if style == "css":
        items = []
        for row in spec:
            for text, r, c in cells(row):
                spans = (f"grid-column: span {c};" if c > 1 else "") + (f"grid-row: span {r};" if r > 1 else "")
                items.append(f'<div class="item" style="border:1px solid #000;{spans}">{text}</div>')
        return (f'<div class="stat-grid" style="display: grid; grid-template-columns: repeat({width}, 1fr);">'
                + "".join(items) + "</div>")
    if style == "display":
        rows = []
        for row in spec:
            tds = "".join(f'<div style="display:table-cell;border:1px solid #ccc"{f" colspan={c}" if c > 1 else ""}'
                          f'{f" rowspan={r}" if r > 1 else ""}><span>{t}</span></div>' for t, r, c in cells(row))
            rows.append(f'<div style="display: table-row">{tds}</div>')
        return '<div style="display: table; width: 100%">' + "".join(rows) + "</div>"
    rows = []
    for row in spec:
        tds = "".join(f'<div role="cell" class="td"{f" data-colspan={c}" if c > 1 else ""}'
                      f'{f" data-rowspan={r}" if r > 1 else ""}>{t}</div>' for t, r, c in cells(row))
        rows.append(f'<div role="row" class="tr">{tds}</div>')
    return '<div role="table" class="table"><div role="rowgroup">' + "".join(rows) + "</div></div>"


def page_div_grid() -> str:
    organ, title = "千山区民政局", "千山区民政局2024年政府信息公开工作年度报告"
    styles = iter(["display", "aria", "css"])
    body = html_body(report_parts(organ, 2024, "0412-3338899"), table=lambda spec: div_grid(spec, style=next(styles)))
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2025-01-17T10:00:00+08:00">
<title>{title}</title></head>
<body>
<header class="site-header"><a href="/">首页</a><a href="/jggk">机构概况</a></header>
<main><article><div class="article-body">
{body}
</div></article></main>
<footer>网站标识码：2103110001 联系电话：0412-3330000</footer>
</body></html>
"""


def page_images() -> str:
    organ, title = "台安县民政局", "台安县民政局2024年政府信息公开工作年度报告"
    images = iter(["/u/cms/2025/01/tab1.png", "/u/cms/2025/01/tab2.png", "/u/cms/2025/01/tab3.png"])
    body = html_body(report_parts(organ, 2024, "0412-4821111"), table=lambda spec: f'<p style="text-align:center"><img src="{next(images)}" width="600"></p>')
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2025-01-22">
<title>{title}</title></head><body>
<div class="top-bar"><img src="/images/logo.png"><a href="/">首页</a></div>
<div id="zoom">{body}</div>
<div class="foot">主办单位：台安县人民政府 联系电话：0412-4820000</div>
</body></html>
"""


def page_not_report() -> str:
    items = "".join(f'<li><a href="/zwgk/tzgg/2025{i:02d}.html">关于开展2025年第{i}批困难群众慰问工作的通知</a><span>2025-01-{i:02d}</span></li>'
                    for i in range(1, 16))
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告 - 鞍山市民政局</title></head>
<body><div class="nav"><a href="/">首页</a><a href="/zwgk">政务公开</a></div>
<div class="list"><h2>通知公告</h2><ul>{items}</ul><div class="page">共3页 <a href="index_1.html">下一页</a></div></div>
<div class="footer">主办单位：鞍山市民政局 联系电话：0412-5550000</div></body></html>
"""


def page_traditional() -> str:
    from opencc import OpenCC

    to_traditional = OpenCC("s2t").convert
    return to_traditional(page_plain("鞍山市民政局2022年政府信息公开工作年度报告", "鞍山市民政局", 2022, charset_meta="utf-8"))


# ----------------------------------------------------------------- PDF, DOCX, DOC

def make_pdf(path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body_style = ParagraphStyle("body", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK")
    title_style = ParagraphStyle("title", parent=body_style, fontSize=16, leading=24, alignment=1)
    cell_style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9, wordWrap="CJK")
    organ, title = "铁东区民政局", "铁东区民政局2024年政府信息公开工作年度报告"
    story = [Paragraph(title, title_style), Spacer(1, 8)]
    for kind, value in report_parts(organ, 2024, "0412-2227788"):
        if kind != "table":
            story.append(Paragraph(value, body_style))
            continue
        width = max(sum(c for _, _, c in cells(r)) for r in value)
        data, style = [], [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                           ("FONTSIZE", (0, 0), (-1, -1), 7), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        taken = set()
        grid_rows = [[""] * width for _ in value]
        for r, row in enumerate(value):
            c = 0
            for text, rs, cs in cells(row):
                while (r, c) in taken:
                    c += 1
                # CJK labels wrap inside their cell, as Word and WPS lay them out
                grid_rows[r][c] = Paragraph(text, cell_style) if any(ord(ch) > 0x3000 for ch in text) else text
                for dr in range(rs):
                    for dc in range(cs):
                        taken.add((r + dr, c + dc))
                if rs > 1 or cs > 1:
                    style.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
                c += cs
        data = grid_rows
        if width == 4:
            col_widths = [120, 110, 110, 110]
        elif width == 10:
            col_widths = [55, 55, 110] + [36] * 7
        else:
            col_widths = [30] * width
        story.append(Table(data, colWidths=col_widths, style=TableStyle(style), repeatRows=0))
        story.append(Spacer(1, 6))
    def page_number(canvas, doc):
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    doc = SimpleDocTemplate(str(path), pagesize=A4, title=title, author=organ)
    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)


def make_docx(path: Path) -> None:
    import docx
    from docx.shared import Pt

    organ, title = "铁东区民政局", "铁东区民政局2024年政府信息公开工作年度报告"
    document = docx.Document()
    document.core_properties.title = title
    document.add_paragraph(title).runs[0].font.size = Pt(18)
    for kind, value in report_parts(organ, 2024, "0412-2227788"):
        if kind != "table":
            document.add_paragraph(value)
            continue
        width = max(sum(c for _, _, c in cells(r)) for r in value)
        table = document.add_table(rows=len(value), cols=width)
        table.style = "Table Grid"
        taken = set()
        for r, row in enumerate(value):
            c = 0
            for text, rs, cs in cells(row):
                while (r, c) in taken:
                    c += 1
                cell = table.cell(r, c)
                if rs > 1 or cs > 1:
                    cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
                cell.text = text
                for dr in range(rs):
                    for dc in range(cs):
                        taken.add((r + dr, c + dc))
                c += cs
    document.save(str(path))


def make_doc(docx_path: Path, doc_path: Path) -> None:
    """Convert the DOCX to a Word 97 .doc with LibreOffice (apt libreoffice-writer-nogui)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("no soffice: skipping the .doc fixture", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                        "--convert-to", "doc:MS Word 97", "--outdir", tmp, str(docx_path)],
                       check=True, timeout=120, capture_output=True)
        shutil.copy(Path(tmp) / (docx_path.stem + ".doc"), doc_path)


def make_zip_bomb(path: Path) -> None:
    """A DOCX-shaped zip whose one part inflates to 200 MB of zeros (~200 KB on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(200):
                part.write(chunk)
    path.write_bytes(buffer.getvalue())


def make_ofd(pdf_path: Path, ofd_path: Path) -> None:
    """The PDF's pages as an OFD (text objects and ruling paths where the PDF has them)."""
    sys.path.insert(0, str(HERE.parent.parent))
    from localweb.render.ofd import from_pdf

    ofd_path.write_bytes(from_pdf(pdf_path.read_bytes(), title="铁东区民政局2024年政府信息公开工作年度报告",
                                  author="铁东区民政局"))


def make_zip(docx_path: Path, zip_path: Path) -> None:
    """The DOCX report zipped with a note beside it, both named in GBK."""
    sys.path.insert(0, str(HERE.parent.parent))
    from localweb.render.archive import gbk_zip

    zip_path.write_bytes(gbk_zip({"填报说明.txt": "本压缩包内为年度报告正式版本。".encode("gbk"),
                                        "铁东区民政局2024年政府信息公开工作年度报告.docx": docx_path.read_bytes()}))


# ----------------------------------------------------------------- expected records

_COLUMNS = ["natural", "commercial", "research", "nonprofit", "legal", "other_org", "total"]


def _figure(text: str):
    if text == "":
        return None
    return float(text) if "." in text else int(text)


def expected_cells(template: str) -> dict:
    """The codebook cells of the tables above, as the full extractor should read them."""
    found: dict = {}
    if template == "2021":
        active = {"rules": ("issued", "repealed", "in_force"), "normative": ("issued", "repealed", "in_force"),
                  "licensing": ("decisions",), "penalty": ("decisions",), "coercion": ("decisions",), "fees": ("amount",)}
        spec, labels = ACTIVE_2021, {"规章": "rules", "行政规范性文件": "normative", "行政许可": "licensing",
                                     "行政处罚": "penalty", "行政强制": "coercion", "行政事业性收费": "fees"}
    else:
        active = {"rules": ("made", "published", "total_public"), "normative": ("made", "published", "total_public"),
                  "licensing": ("prev_items", "change", "decisions"), "other_admin_services": ("prev_items", "change", "decisions"),
                  "penalty": ("prev_items", "change", "decisions"), "coercion": ("prev_items", "change", "decisions"),
                  "fees": ("prev_items", "change"), "procurement": ("items", "amount")}
        spec, labels = ACTIVE_2019, {"规章": "rules", "规范性文件": "normative", "行政许可": "licensing",
                                     "其他对外管理服务事项": "other_admin_services", "行政处罚": "penalty", "行政强制": "coercion",
                                     "行政事业性收费": "fees", "政府集中采购": "procurement"}
    for row in spec:
        first = row[0] if isinstance(row[0], str) else None
        if first in labels:
            key = labels[first]
            figures = [t for t, _, _ in cells(row)[1:]]
            for column, text in zip(active[key], figures):
                found[f"active.{key}.{column}"] = _figure(text)
    request_keys = (["new_requests", "carried_over", "granted", "partial"]
                    + [f"denied.{k}" for k in ("state_secret", "prohibited", "security", "third_party", "internal_affairs",
                                               "process_info", "enforcement_file", "inquiry")]
                    + [f"unavailable.{k}" for k in ("not_held", "needs_creation", "unclear")]
                    + [f"not_processed.{k}" for k in ("petition", "duplicate", "publication", "excessive", "confirmation")]
                    + (["other.no_correction", "other.no_fee", "other.other"] if template == "2021" else ["other"])
                    + ["total_handled", "carried_forward"])
    body = _requests_body(template == "2021")
    for key, row in zip(request_keys, body):
        figures = [t for t, _, _ in cells(row)][-7:] if key != "denied.state_secret" else ["0"] * 7  # merged 0 spread
        for column, text in zip(_COLUMNS, figures):
            found[f"requests.{key}.{column}"] = _figure(text)
    for key, figures in zip(("review", "suit_direct", "suit_after_review"), (REVIEW[3][0:5], REVIEW[3][5:10], REVIEW[3][10:15])):
        for column, text in zip(("upheld", "corrected", "other", "pending", "total"), figures):
            found[f"review.{key}.{column}"] = _figure(text)
    return found


def expected_record(organ, year, title, published, phone, *, template="2021", tables=True, is_report=True,
                    address="鞍山市铁西区人民路38号") -> dict:
    return {
        "organ": organ, "year": year, "title": title, "published": published,
        "template": template if tables else None,
        "contacts": {"phone": [phone], "email": ["mzjgk@163.com"], "address": [address], "postcode": ["114013"]}
        if phone else {"phone": [], "email": [], "address": [], "postcode": []},
        "cells": expected_cells(template) if tables else {},
        "failed_checks": [],
        "tables_as_images": is_report and not tables,
        "is_report": is_report,
    }


EXPECTED = {
    "html_2021.html": ("铁西区民政局", 2024, "铁西区民政局2024年政府信息公开工作年度报告", "2025-01-20", "0412-5556677"),
    "html_2019_gb2312.html": ("岫岩满族自治县民政局", 2020, "岫岩满族自治县民政局2020年政府信息公开工作年度报告", "2021-01-28", "0412-7821234", {"template": "2019"}),
    # the Word export has no page date; the report is signed 2024年1月15日
    "html_word_export.html": ("立山区民政局", 2023, "立山区民政局2023年政府信息公开工作年度报告", "2024-01-15", "0412-6663322"),
    "html_gbk_no_charset.html": ("千山区民政局", 2024, "千山区民政局2024年政府信息公开工作年度报告", None, "0412-3334455"),
    "html_gbk_declared_utf8.html": ("千山区民政局", 2024, "千山区民政局2024年政府信息公开工作年度报告", None, "0412-3334455"),
    # title and contacts as printed, in traditional characters (郵編 is 邮编)
    "html_traditional.html": ("鞍山市民政局", 2022, "鞍山市民政局2022年政府信息公開工作年度報告", None, "0412-3334455",
                              {"address": "鞍山市鐵西區人民路38號"}),
    "html_div_grid.html": ("千山区民政局", 2024, "千山区民政局2024年政府信息公开工作年度报告", "2025-01-17", "0412-3338899"),
    "html_tables_as_images.html": ("台安县民政局", 2024, "台安县民政局2024年政府信息公开工作年度报告", "2025-01-22", "0412-4821111", {"tables": False}),
    # a column list: no report title, no year covered (its 2025 dates are notices' dates)
    "html_not_report.html": (None, None, None, None, None, {"tables": False, "is_report": False}),
    "report_2021.pdf": ("铁东区民政局", 2024, "铁东区民政局2024年政府信息公开工作年度报告", None, "0412-2227788"),
    "report_2021.docx": ("铁东区民政局", 2024, "铁东区民政局2024年政府信息公开工作年度报告", None, "0412-2227788"),
    "report_2021.doc": ("铁东区民政局", 2024, "铁东区民政局2024年政府信息公开工作年度报告", None, "0412-2227788"),
    "report_2021.ofd": ("铁东区民政局", 2024, "铁东区民政局2024年政府信息公开工作年度报告", None, "0412-2227788"),
    "report_2021.zip": ("铁东区民政局", 2024, "铁东区民政局2024年政府信息公开工作年度报告", None, "0412-2227788"),
}


def write_expected_records() -> None:
    import json

    for name, (organ, year, title, published, phone, *options) in EXPECTED.items():
        record = {"fixture": name, **expected_record(organ, year, title, published, phone, **(options[0] if options else {}))}
        stem = Path(name).stem if name.endswith(".html") else name.replace(".", "_")
        (HERE / f"{stem}.expected.json").write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    (HERE / "html_2021.html").write_text(page_2021(), encoding="utf-8")
    (HERE / "html_2019_gb2312.html").write_bytes(page_2019_layout_tables())
    (HERE / "html_word_export.html").write_bytes(page_word_export())
    gbk_title = "千山区民政局2024年政府信息公开工作年度报告"
    (HERE / "html_gbk_no_charset.html").write_bytes(page_plain(gbk_title, "千山区民政局", 2024, charset_meta=None).encode("gbk"))
    (HERE / "html_gbk_declared_utf8.html").write_bytes(page_plain(gbk_title, "千山区民政局", 2024, charset_meta="utf-8").encode("gbk"))
    (HERE / "html_traditional.html").write_text(page_traditional(), encoding="utf-8")
    (HERE / "html_div_grid.html").write_text(page_div_grid(), encoding="utf-8")
    (HERE / "html_tables_as_images.html").write_text(page_images(), encoding="utf-8")
    (HERE / "html_not_report.html").write_text(page_not_report(), encoding="utf-8")
    make_pdf(HERE / "report_2021.pdf")
    data = (HERE / "report_2021.pdf").read_bytes()
    (HERE / "truncated.pdf").write_bytes(data[: len(data) // 3])
    make_docx(HERE / "report_2021.docx")
    make_doc(HERE / "report_2021.docx", HERE / "report_2021.doc")
    make_zip_bomb(HERE / "zip_bomb.docx")
    make_ofd(HERE / "report_2021.pdf", HERE / "report_2021.ofd")
    make_zip(HERE / "report_2021.docx", HERE / "report_2021.zip")
    write_expected_records()


if __name__ == "__main__":
    main()
