"""Reading TOML data files fast: a line-at-a-time reader for the plain TOML catalogs are written in, with
:mod:`tomllib` for everything else.

``tomllib`` reads about 3 MB a second; a catalog of 100,000 services is 20 MB. Most data files use a small,
plain part of TOML: ``[table]`` and ``[[array]]`` headers with bare names, ``key = value`` lines with
bare keys, and values that fit on their line (strings without escapes, integers, decimals, booleans,
flat arrays of them, and inline tables of those). :func:`read_plain_toml` reads exactly that part, ten
times faster, and gives up (None) at the first line outside it, or at anything TOML forbids (a key
defined twice, a table opened twice); :func:`loads` then reads the whole text with ``tomllib``, which
has the last word on every document and reports the errors. ``tests/test_data_reader.py`` compares the
two on generated documents.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

_KEY = r"[A-Za-z0-9_-]+"
# a basic string without escapes: any character but the quote, the backslash and controls other than tab
_STRING = r'"[^"\\\x00-\x08\x0a-\x1f\x7f]*"'
_INTEGER = r"[+-]?(?:0|[1-9][0-9]*)"
_FLOAT = r"[+-]?(?:0|[1-9][0-9]*)\.[0-9]+"
_SCALAR = rf"{_STRING}|{_FLOAT}|{_INTEGER}|true|false"
_ARRAY = rf"\[[ \t]*(?:(?:{_SCALAR})[ \t]*,[ \t]*)*(?:(?:{_SCALAR})[ \t]*,?[ \t]*)?\]"
_PAIR = rf"{_KEY}[ \t]*=[ \t]*(?:{_ARRAY}|{_SCALAR})"
_INLINE_TABLE = rf"\{{[ \t]*(?:{_PAIR}(?:[ \t]*,[ \t]*{_PAIR})*[ \t]*)?\}}"
_COMMENT = r"(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?"
_LINE = re.compile(
    rf"[ \t]*(?:"
    rf"(?P<key>{_KEY})[ \t]*=[ \t]*(?P<value>{_SCALAR}|{_ARRAY}|{_INLINE_TABLE})"
    rf"|\[\[[ \t]*(?P<array>{_KEY})[ \t]*\]\]"
    rf"|\[[ \t]*(?P<table>{_KEY})[ \t]*\]"
    rf")?[ \t]*{_COMMENT}"
)
_TEXT_LINE = re.compile(rf'[ \t]*({_KEY})[ \t]*=[ \t]*"([^"\\\x00-\x08\x0a-\x1f\x7f]*)"[ \t]*{_COMMENT}')
_ITEM = re.compile(rf"[ \t]*({_SCALAR})[ \t]*,?")
_INLINE_PAIR = re.compile(rf"[ \t]*({_KEY})[ \t]*=[ \t]*({_ARRAY}|{_SCALAR})[ \t]*,?")
_IS_FLOAT = re.compile(_FLOAT)


def loads(text: str) -> dict[str, Any]:
    """The document ``text`` as ``tomllib.loads`` reads it (and with its errors), faster when it is plain."""
    plain = read_plain_toml(text)
    return plain if plain is not None else tomllib.loads(text)


def read_plain_toml(text: str) -> dict[str, Any] | None:
    """The document, when every line of it is plain TOML (see the module's documentation); else None."""
    if text.endswith("\r"):  # a carriage return ends a line only before a line feed
        return None
    document: dict[str, Any] = {}
    table = document
    opened: set[str] = set()  # names of [tables] and [[arrays]] already opened
    arrays: set[str] = set()
    match_line, match_text_line = _LINE.fullmatch, _TEXT_LINE.fullmatch
    for line in text.split("\n"):
        if line.endswith("\r"):
            line = line[:-1]
        if not line:
            continue
        found = match_text_line(line)  # most lines are `key = "text"`: one simpler pattern first
        if found is not None:
            key = found[1]
            if key in table:
                return None
            table[key] = found[2]
            continue
        found = match_line(line)
        if found is None:
            return None
        key = found["key"]
        if key is not None:
            if key in table:
                return None
            value = _value(found["value"])
            if value is None:
                return None
            table[key] = value
        elif (name := found["array"]) is not None:
            if name in document and name not in arrays:
                return None
            arrays.add(name)
            table = {}
            document.setdefault(name, []).append(table)
        elif (name := found["table"]) is not None:
            if name in document or name in opened:
                return None
            opened.add(name)
            table = document[name] = {}
    return document


def _value(text: str) -> Any:
    first = text[0]
    if first == '"':
        return text[1:-1]
    if first == "[":
        return [_scalar(item) for item in _ITEM.findall(text, 1, len(text) - 1)]
    if first == "{":
        table: dict[str, Any] = {}
        for key, value in _INLINE_PAIR.findall(text, 1, len(text) - 1):
            if key in table:
                return None
            table[key] = _value(value)
        return table
    return _scalar(text)


def _scalar(text: str) -> Any:
    if text[0] == '"':
        return text[1:-1]
    if text == "true":
        return True
    if text == "false":
        return False
    return float(text) if _IS_FLOAT.fullmatch(text) else int(text)
