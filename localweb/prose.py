"""The running text of a generated report, written the way real bureau reports read.

Section 一 (总体情况) with its five sub-paragraphs, 五 (问题及改进) and 六 (其他事项), plus
the opening paragraph that prints the contacts. Sentences are picked from small pools so
reports differ from each other without being random noise.
"""
from __future__ import annotations

import random

ACTIVE_SENTENCES = (
    "坚持以公开为常态、不公开为例外，及时发布社会救助、养老服务、社会事务等领域政策文件和工作动态。",
    "围绕困难群众救助、养老服务体系建设等重点工作，持续加大主动公开力度，保障人民群众的知情权和监督权。",
    "通过门户网站、政务新媒体等渠道及时公开机构职能、政策文件、财政资金、重点领域信息。",
)
REQUEST_SENTENCES = (
    "严格按照法定程序和时限办理政府信息公开申请，做到依法答复、规范答复。",
    "进一步规范依申请公开受理、登记、审核、答复等环节，所有申请均在法定期限内答复。",
)
MANAGEMENT_SENTENCES = (
    "严格落实信息发布“三审三校”制度，确保公开信息准确、权威。",
    "定期开展行政规范性文件清理，动态更新现行有效文件目录。",
)
PLATFORM_SENTENCES = (
    "加强门户网站信息公开专栏建设，优化栏目设置，及时更新维护。",
    "用好政务新媒体平台，开展政策解读和民政服务宣传，提升信息传播效果。",
)
OVERSIGHT_SENTENCES = (
    "成立政务公开工作领导小组，明确专人负责，将政务公开工作纳入年度考核。",
    "主动接受社会监督，全年未发生因政府信息公开工作引发的责任追究情况。",
)
PROBLEMS = (
    "{year}年，我局政府信息公开工作取得了一定成效，但仍存在公开内容不够丰富、政策解读形式较为单一等问题。"
    "下一步，我局将进一步丰富公开内容，创新解读形式，持续提升政府信息公开工作质量。",
    "对照上级要求，我局政府信息公开工作仍存在信息更新不够及时、工作人员业务能力有待提高等不足。"
    "我局将加强业务培训，完善信息发布审核机制，推动政务公开工作规范化、标准化。",
)
OTHER_MATTERS = (
    "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）规定，本年度未收取信息处理费。",
    "本年度我局未发生收取信息处理费的情况。无其他需要报告的事项。",
)


def intro(organ: str, year: int, contacts) -> list[str]:
    """The opening paragraph(s): the legal basis, the period covered and, if any, the contacts."""
    text = (f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现向社会公布{organ}{year}年度"
            f"政府信息公开工作年度报告。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")
    parts = []
    if contacts.address:
        parts.append(f"地址：{contacts.address[0]}")
    if contacts.postcode:
        parts.append(f"邮编：{contacts.postcode[0]}")
    if contacts.phone:
        parts.append(f"联系电话：{contacts.phone[0]}")
    if contacts.email:
        parts.append(f"电子邮箱：{contacts.email[0]}")
    if parts:
        text += f"如对本报告有疑问，请与{organ}办公室联系（" + "；".join(parts) + "）。"
    return [text]


def sections(rng: random.Random, organ: str, year: int, cells: dict) -> list[tuple[str, list[str]]]:
    """Sections 一, 五 and 六 (the tables of 二, 三, 四 are rendered from the cells)."""
    published_items = rng.randint(40, 400)
    new_requests = cells.get("requests.new_requests.total") or 0
    overall = [
        f"{year}年，{organ}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《条例》和上级关于政务公开工作的部署要求，扎实推进政府信息公开工作。",
        f"（一）主动公开。全年主动公开政府信息{published_items}条，" + rng.choice(ACTIVE_SENTENCES),
        f"（二）依申请公开。全年共收到政府信息公开申请{new_requests}件，" + rng.choice(REQUEST_SENTENCES),
        "（三）政府信息管理。" + rng.choice(MANAGEMENT_SENTENCES),
        "（四）政府信息公开平台建设。" + rng.choice(PLATFORM_SENTENCES),
        "（五）监督保障。" + rng.choice(OVERSIGHT_SENTENCES),
    ]
    return [
        ("一、总体情况", overall),
        ("五、存在的主要问题及改进情况", [rng.choice(PROBLEMS).format(year=year)]),
        ("六、其他需要报告的事项", [rng.choice(OTHER_MATTERS)]),
    ]


def date_line(date) -> str:
    """The signature date as printed under the organ's name: 2025年1月15日."""
    return f"{date.year}年{date.month}月{date.day}日"
