"""The fast reader of plain TOML reads what tomllib reads, or gives way to it: never anything else."""

import tomllib

import pytest
from helpers import TEST_PLUGINS
from hypothesis import given, settings
from hypothesis import strategies as st

from welfare_plans.builtin import data_reader

NAMES = st.sampled_from(["services", "providers", "territories", "a", "b-2", "x_y"])
KEYS = st.sampled_from(["code", "name", "price", "a", "b-2", "true", "1"])
SPACE = st.sampled_from(["", " ", "  ", "\t"])
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(['"', "\\", "#", "\t", "\r"]),
    max_size=8,
)
INTEGERS = st.integers(-(10**6), 10**6).map(str) | st.sampled_from(["+1", "-0", "00", "1_000", "0x1f"])
FLOATS = st.decimals(-1000, 1000, places=2, allow_nan=False, allow_infinity=False).map(str) | st.sampled_from(
    ["1.", ".5", "1e5", "inf", "-0.0", "+2.50", "01.5"]
)
SCALARS = (
    TEXT.map(lambda text: f'"{text}"')
    | INTEGERS
    | FLOATS
    | st.sampled_from(["true", "false", "True", "'literal'", '"""multi"""', '"esc\\"aped"'])
)


def joined(parts, opener, closer):
    return st.tuples(st.lists(parts, max_size=4), SPACE, st.booleans()).map(
        lambda args: (
            opener
            + args[1]
            + (", " if not args[2] else ",").join(args[0])
            + (", " if args[2] and args[0] else "")
            + closer
        )
    )


ARRAYS = joined(SCALARS, "[", "]")
INLINE_TABLES = joined(
    st.tuples(KEYS, SPACE, ARRAYS | SCALARS).map(lambda kv: f"{kv[0]}{kv[1]}= {kv[2]}"), "{", "}"
)
VALUES = SCALARS | ARRAYS | INLINE_TABLES | st.sampled_from(["[", "{ a = { b = 1 } }", "", "[[1], [2]]"])
COMMENTS = st.sampled_from(["", " # note", "#", "  # “quoted” # twice", " # \x01"])
LINES = st.one_of(
    st.tuples(SPACE, KEYS, SPACE, SPACE, VALUES, COMMENTS).map(
        lambda p: f"{p[0]}{p[1]}{p[2]}={p[3]}{p[4]}{p[5]}"
    ),
    st.tuples(SPACE, NAMES, COMMENTS).map(lambda p: f"{p[0]}[[{p[1]}]]{p[2]}"),
    st.tuples(SPACE, NAMES, SPACE, COMMENTS).map(lambda p: f"{p[0]}[{p[2]}{p[1]}{p[2]}]{p[3]}"),
    COMMENTS,
    st.sampled_from(["a.b = 1", '"quoted key" = 1', "[a.b]", "[ [a]]", "key = 1 2", "\ufeffa = 1", "x"]),
)
DOCUMENTS = st.tuples(st.lists(LINES, max_size=12), st.sampled_from(["\n", "\r\n"]), st.booleans()).map(
    lambda d: d[1].join(d[0]) + (d[1] if d[2] else "")
)


def typed(value):
    """The value with every scalar's type beside it: 1, 1.0 and True are equal in Python, not in TOML."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


@settings(max_examples=1000, deadline=None)
@given(DOCUMENTS)
def test_the_fast_reader_agrees_with_tomllib_or_gives_way(text):
    try:
        expected = typed(tomllib.loads(text))
    except tomllib.TOMLDecodeError:
        expected = None
    plain = data_reader.read_plain_toml(text)
    if plain is not None:
        assert expected is not None, f"accepted what TOML forbids: {text!r}"
        assert typed(plain) == expected, text
    if expected is None:
        with pytest.raises(tomllib.TOMLDecodeError):
            data_reader.loads(text)
    else:
        assert typed(data_reader.loads(text)) == expected


def test_plain_files_take_the_fast_path_and_others_go_to_tomllib():
    plain = (TEST_PLUGINS / "invalid_data.toml").read_text()
    assert data_reader.read_plain_toml(plain) == tomllib.loads(plain)
    # multi-line strings are not plain: tomllib reads them
    multi_line = 'description = """\\\n  Una riga \\\n  e due."""\n'
    assert data_reader.read_plain_toml(multi_line) is None
    assert data_reader.loads(multi_line) == {"description": "Una riga e due."}


@pytest.mark.parametrize(
    "text",
    [
        "a = 1\na = 2\n",  # a key twice
        "[t]\n[t]\n",  # a table twice
        "t = 1\n[t]\n",
        "[t]\n[[t]]\n",
        "t = [1]\n[[t]]\n",
        "[[t]]\n[t]\n",
        "a = { b = 1, b = 2 }\n",
        "a = 1\r",
        "a = [1,,]\n",
        "a = { b = 1, }\n",
    ],
)
def test_what_toml_forbids_is_left_to_tomllib_to_refuse(text):
    assert data_reader.read_plain_toml(text) is None
    with pytest.raises(tomllib.TOMLDecodeError):
        data_reader.loads(text)
