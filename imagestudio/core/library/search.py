"""Full-text search that works for Chinese, Japanese and Korean as well as for space-separated languages.

FTS5's ``unicode61`` tokenizer keeps a whole run of Han characters as ONE token (so 狐狸 never matches
雪中的红狐狸在奔跑) and the ``trigram`` tokenizer matches nothing shorter than three characters, while most
Chinese words have two. So we tokenise in Python before SQLite sees the text:

* a run of CJK characters becomes its overlapping bigrams, in order, followed by its single characters:
  ``红狐狸`` → ``红狐 狐狸 红 狐 狸``;
* any other word is kept as it is (case-folded, NFKC-normalised).

The index stores those space-separated tokens, and ``unicode61`` then simply splits on the spaces. A query
is turned the same way: a CJK run of two or more characters becomes a phrase of its bigrams (adjacent in
the index, so ``红狐狸`` does not match 红狐 … 狐狸 far apart), a single CJK character matches its unigram,
and other words match as prefixes (search as you type). Every term must match (AND).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+")
# Han (incl. extensions A-G and compatibility), kana, Hangul, bopomofo, CJK symbols used inside words
_CJK = re.compile(
    r"[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]+"
)

FTS_SCHEMA = (
    "CREATE VIRTUAL TABLE image_search USING fts5("
    "body, tags, notes, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _pieces(text: str) -> Iterable[tuple[bool, str]]:
    """(is_cjk, run) for every word-ish run in ``text``, in order."""
    for word in _WORD.findall(_normalise(text)):
        pos = 0
        for m in _CJK.finditer(word):
            if m.start() > pos:
                yield False, word[pos : m.start()]
            yield True, m.group()
            pos = m.end()
        if pos < len(word):
            yield False, word[pos:]


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(*texts: str) -> str:
    """The token string stored in the FTS table for one or more texts."""
    tokens: list[str] = []
    for text in texts:
        for is_cjk, run in _pieces(text):
            if is_cjk:
                tokens.extend(_bigrams(run))
                tokens.extend(run)
            else:
                tokens.append(run)
    return " ".join(tokens)


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression for what a person typed, or None when it has nothing searchable.

    Every token is double-quoted, so characters like ``"``, ``*``, ``:`` or ``NEAR`` in the query are plain
    text and can never be an FTS5 syntax error.
    """
    terms: list[str] = []
    for is_cjk, run in _pieces(query):
        if is_cjk and len(run) >= 2:
            terms.append('"' + " ".join(_bigrams(run)) + '"')
        elif is_cjk:
            terms.append(f'"{run}"')
        else:
            terms.append(f'"{run}"*')
    return " AND ".join(terms) if terms else None


# -- keeping the index in step with the rows (called inside the writing transaction) -------------------


def _documents(conn: sqlite3.Connection, ids: list[int]) -> list[tuple[int, str, str, str]]:
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT i.id, i.prompt, i.params_json, i.note,"
        f" (SELECT group_concat(t.name, ' ') FROM image_tags it JOIN tags t ON t.id = it.tag_id"
        f"  WHERE it.image_id = i.id)"
        f" FROM images i WHERE i.id IN ({marks})",
        ids,
    ).fetchall()
    docs = []
    for image_id, prompt, params_json, note, tags in rows:
        docs.append(
            (
                int(image_id),
                index_text(prompt, _extra_prompts(params_json)),
                index_text(tags or ""),
                index_text(note or ""),
            )
        )
    return docs


def _extra_prompts(params_json: str) -> str:
    """Enhanced/revised prompts and imported generation text kept in the params, searchable too."""
    import json

    try:
        params = json.loads(params_json)
    except ValueError:
        return ""
    if not isinstance(params, dict):
        return ""
    found = []
    for key in ("original_prompt", "enhanced_prompt", "revised_prompt", "negative_prompt"):
        value = params.get(key)
        if isinstance(value, str):
            found.append(value)
    response = params.get("response")
    if isinstance(response, dict) and isinstance(response.get("revised_prompt"), str):
        found.append(response["revised_prompt"])
    return " ".join(found)


def reindex(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    """Rewrite the search rows of ``ids`` from the current images/tags/notes (rows gone → removed)."""
    id_list = sorted(set(ids))
    for start in range(0, len(id_list), 500):
        chunk = id_list[start : start + 500]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM image_search WHERE rowid IN ({marks})", chunk)
        conn.executemany(
            "INSERT INTO image_search (rowid, body, tags, notes) VALUES (?, ?, ?, ?)", _documents(conn, chunk)
        )


def rebuild(conn: sqlite3.Connection) -> int:
    """Index every image from scratch (migration, ``library check --repair``)."""
    conn.execute("DELETE FROM image_search")
    ids = [int(r[0]) for r in conn.execute("SELECT id FROM images")]
    reindex(conn, ids)
    return len(ids)
