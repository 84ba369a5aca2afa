"""Chinese full-text search with SQLite's own FTS5: the text indexed as overlapping character bigrams.

Most Chinese words have two characters (申请, 民政, 公开), and SQLite has no Chinese
tokenizer. The trigram tokenizer needs three characters; unicode61 takes a whole run of
Chinese as one token. So the writer stores, beside each version, its text rewritten as
space-separated bigrams ("民政局" -> "民政 政局 局") in the FTS5 table `report_search`
(tokenize unicode61, contentless), and a query is rewritten the same way into a phrase of
bigrams ("民政局" -> "民政" + "政局"): any run of two or more characters is an exact
substring match through the index, with no dictionary to miss new words. A lone character
is a prefix query on the bigrams ("民" *); the bigram list of a run ends with its last
character alone so that a character before a digit, a Latin word or punctuation is found.

Why not jieba: a segmenter finds 民政 only where its dictionary cut the text there, so a
search for 政局 or for a word it did not know finds less than is printed, and the same
words typed differently give other answers. Why not a loadable tokenizer: every reader
(the sqlite3 shell, pandas, datasette publish) would need it to read the table at all.

`match_query()` never fails: whitespace separates words that must all occur, a word
"OR" between two words means either, a leading "-" excludes a word, and any other
character that is not a letter or a digit separates as it does in the indexed text, so
`申请-人` searches 申请 followed by 人 across punctuation (申请-人, 申请：人), not a
syntax error. Full-width letters and digits equal their ASCII forms (NFKC). The same function serves the canned search and datasette's table search
(registered over datasette's escape_fts for archives by the plugin), so both agree.
"""
from __future__ import annotations

import re
import unicodedata

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKEN = re.compile(f"([{_HAN}]+)|([^\\W_{_HAN}]+)")
NOTHING = '""'  # an FTS5 expression that matches no row


def _runs(text: str):
    """(is_han, run) for each run of Han characters or of other letters and digits."""
    for match in _TOKEN.finditer(unicodedata.normalize("NFKC", text)):
        yield (True, match.group(1)) if match.group(1) else (False, match.group(2).lower())


def index_text(text: str | None) -> str:
    """The text as the index stores it: bigrams of each Han run plus its last character, other words as they are."""
    if not text:
        return ""
    tokens: list[str] = []
    for han, run in _runs(text):
        if han:
            tokens += [run[i:i + 2] for i in range(len(run) - 1)]
            tokens.append(run[-1])
        else:
            tokens.append(run)
    return " ".join(tokens)


def _phrase(word: str) -> str | None:
    """One word of a query as an FTS5 phrase of the index's tokens, None if it has none."""
    runs = list(_runs(word))
    parts: list[str] = []
    for n, (han, run) in enumerate(runs):
        last = n == len(runs) - 1
        if not han:
            parts.append(f'"{run}"')
            continue
        parts += [f'"{run[i:i + 2]}"' for i in range(len(run) - 1)]
        if len(run) == 1:
            parts.append(f'"{run}"' + (" *" if last else ""))  # the index's bigrams of it start with it
        elif not last:
            parts.append(f'"{run[-1]}"')  # the run ends here in the text too: its last character alone
    return " + ".join(parts) if parts else None


def match_query(query: str | None) -> str:
    """An FTS5 MATCH expression for what a reader typed (see the module docstring); never a syntax error."""
    include: list[str] = []
    exclude: list[str] = []
    pending_or = False
    for word in (query or "").split():
        if word == "OR" and include:
            pending_or = True
            continue
        negative = word.startswith("-") and len(word) > 1
        phrase = _phrase(word[1:] if negative else word)
        if phrase is None:
            continue
        if negative:
            exclude.append(phrase)
        elif pending_or:
            include[-1] = f"{include[-1]} OR {phrase}"
        else:
            include.append(phrase)
        pending_or = False
    if not include:
        return NOTHING
    expression = " AND ".join(f"({p})" for p in include)
    for phrase in exclude:
        expression = f"({expression}) NOT ({phrase})"
    return expression


def snippet(text: str | None, query: str | None, width: int = 60) -> str | None:
    """A piece of text around the first word of the query it contains, the word in 【】."""
    if not text:
        return None
    normal = unicodedata.normalize("NFKC", text)
    shown = text if len(normal) == len(text) else normal  # full-width to ASCII keeps positions: show the original
    for word in (query or "").split():
        word = unicodedata.normalize("NFKC", word.lstrip("-"))
        at = normal.find(word) if word and word != "OR" else -1
        if at >= 0:
            start = max(at - width // 3, 0)
            end = at + len(word) + width * 2 // 3
            return ("…" if start else "") + shown[start:at] + "【" + shown[at:at + len(word)] + "】" \
                + shown[at + len(word):end] + ("…" if end < len(shown) else "")
    return shown[:width] + ("…" if len(shown) > width else "")


def register_functions(conn) -> None:
    """The SQL functions the canned search calls: nianbao_match(q), nianbao_snippet(text, q)."""
    conn.create_function("nianbao_match", 1, match_query, deterministic=True)
    conn.create_function("nianbao_snippet", 2, snippet, deterministic=True)
