"""Chinese search through SQLite FTS5 with a bigram index: any word of one or more characters,
the same answer as a substring search, and no query a reader can type is a syntax error."""
from __future__ import annotations

import sqlite3

import pytest

from archive import search

TEXTS = [
    "鞍山市民政局2024年政府信息公开工作年度报告",
    "本机关收到政府信息公开申请15件，申请人均为自然人。",
    "民",
    "政局稳定，社会救助有序",
    "ＡＢＣ公司２０２４年度",
    "推进养老服务信息公开",
]


@pytest.fixture(scope="module")
def index():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE s USING fts5(text, content='', tokenize='unicode61')")
    for n, text in enumerate(TEXTS, 1):
        conn.execute("INSERT INTO s (rowid, text) VALUES (?, ?)", [n, search.index_text(text)])
    return conn


def found(index, query):
    return [r[0] for r in index.execute("SELECT rowid FROM s WHERE s MATCH ? ORDER BY rowid", [search.match_query(query)])]


def substring(word):
    import unicodedata

    return [n for n, text in enumerate(TEXTS, 1) if word in unicodedata.normalize("NFKC", text)]


@pytest.mark.parametrize("word", ["民政", "申请", "民", "政局", "养老服务", "政府信息公开", "2024年", "年度", "人",
                                  "社会救助", "局2024", "2024年政府", "ABC公司", "请人"])
def test_a_word_finds_exactly_the_texts_that_contain_it(index, word):
    assert found(index, word) == substring(word)
    assert found(index, word), word  # every word above occurs somewhere


def test_two_character_words_are_found_where_a_trigram_index_finds_nothing(index):
    assert found(index, "申请") == [2] and found(index, "民政") == [1]


def test_words_combine_all_of_them_either_or_without():
    assert search.match_query("民政 年度") == '("民政") AND ("年度")'
    assert search.match_query("民政 OR 养老") == '("民政" OR "养老")'
    assert search.match_query("民政 -鞍山") == '(("民政")) NOT ("鞍山")'


def test_combined_words_in_the_index(index):
    assert found(index, "政府 申请") == [2]
    assert found(index, "民政 OR 养老") == [1, 6]
    assert found(index, "公开 -申请") == [1, 6]


@pytest.mark.parametrize("query", ["申请-人", '"申请', "申请)", "NOT", "AND 民政", "民政 OR", "* 民政", "——", "",
                                   "NEAR(民政", "text:民政", "^民政", "-", "OR"])
def test_no_query_is_a_syntax_error(index, query):
    found(index, query)  # raises sqlite3.OperationalError on a syntax error


def test_punctuation_separates_as_it_does_in_the_text(index):
    assert found(index, "申请-人") == []  # the text says 申请人, no separation there
    assert found(index, "收到政府信息") == [2] and found(index, "收到-政府信息") == []
    assert found(index, "鞍山市民政局 2024") == [1]


def test_snippet_marks_the_first_word_found():
    assert search.snippet(TEXTS[1], "申请", width=12) == "…信息公开【申请】15件，申请人均…"
    assert search.snippet(TEXTS[4], "2024", width=12) == "…ＢＣ公司【２０２４】年度"
    assert search.snippet(TEXTS[0], "没有 民政", width=60).startswith("鞍山市【民政】局")
    assert search.snippet(None, "民政") is None
