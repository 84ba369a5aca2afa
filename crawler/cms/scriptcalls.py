"""Legacy portals' links written as calls to a script function: `onclick="openArticle('2371')"`.

Older JSP/ASP portals list their articles as `<a href="javascript:void(0)"
onclick="openArticle('2371')">` and define the function in one of their scripts (inline,
or in a site-wide /js/common.js): `function openArticle(id){window.open('/xxgk/content_' +
id + '.html');}`. The URL is nowhere in the anchor, but the function's body spells out how
it is built: a string before the parameter and a string after it. Reading that template
gives every such link without running the script.
"""
from __future__ import annotations

import re

# function openArticle(id) { … } and openArticle = function (id) { … }
_DEFINITION = re.compile(
    r"(?:function\s+([A-Za-z_$][\w$]*)\s*\(\s*([A-Za-z_$][\w$]*)[^)]*\)|([A-Za-z_$][\w$.]*)\s*=\s*function\s*\(\s*([A-Za-z_$][\w$]*)[^)]*\))\s*\{")
# a call in an onclick or a javascript: href, with its first argument a string or a number
_CALL = re.compile(r"(?:^|[\s;:(])([A-Za-z_$][\w$]*)\s*\(\s*(?:['\"]([^'\"]*)['\"]|(\d+))")
_BODY_LIMIT = 600  # a URL-building function is short; past this we are in other code
# names that are never a link's function (the browser's, or a library's)
_NOT_LINKS = {"void", "alert", "open", "close", "return", "if", "for", "while", "function", "confirm", "share",
              "print", "eval", "setTimeout", "encodeURIComponent", "escape", "String", "Number", "parseInt"}
# script files that are libraries, not the site's own code
LIBRARY = re.compile(r"jquery|bootstrap|vue|react|angular|layui|layer|swiper|echarts|lodash|moment|polyfill|"
                     r"analytics|baidu|hm\.js|gtag|cnzz|ueditor|pdf\.js|flexible|zepto", re.I)


def templates(script: str) -> dict[str, tuple[str, str]]:
    """{function name: (before, after)} for functions that build a URL around their first
    parameter: '/xxgk/content_' + id + '.html' gives ('/xxgk/content_', '.html')."""
    found = {}
    for definition in _DEFINITION.finditer(script):
        name = (definition.group(1) or definition.group(3)).rsplit(".", 1)[-1]
        param = definition.group(2) or definition.group(4)
        body = script[definition.end():definition.end() + _BODY_LIMIT].split("function", 1)[0]
        q = r"['\"]"
        built = re.search(rf"{q}([^'\"\s]*){q}\s*\+\s*{re.escape(param)}\b(?:\s*\+\s*{q}([^'\"\s]*){q})?", body)
        if built and ("/" in built.group(1) or "." in (built.group(2) or "") or "?" in built.group(1)):
            found[name] = (built.group(1), built.group(2) or "")
    return found


def call(script: str) -> tuple[str, str] | None:
    """(function, first argument) of the call an onclick or javascript: href makes."""
    for found in _CALL.finditer(script or ""):
        name = found.group(1)
        if name not in _NOT_LINKS:
            return name, found.group(2) if found.group(2) is not None else found.group(3)
    return None


def resolve(script: str, known: dict[str, tuple[str, str]]) -> str | None:
    """The address (relative) a scripted link opens, if its function's template is known."""
    made = call(script)
    if made is None or made[0] not in known:
        return None
    before, after = known[made[0]]
    return f"{before}{made[1]}{after}"
