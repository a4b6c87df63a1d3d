"""What hypothesis types into the station's doors: the characters that break programs.

Chinese and rare characters outside the BMP (𠮷), combining marks, control characters,
zero-width characters, direction marks and overrides, full-width digits and spaces, lone
surrogates (a command line's undecodable bytes, a JSON "\\ud800" from the network), private-use
characters, and texts from empty to tens of thousands of characters.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from tests.conftest import make_id

VALID_IDS = (make_id(), make_id("110105", "19491231", "002"), make_id("370883", "20000229", "458"))
OLD_ID = "370883560312123"  # 15 digits, GB 11643-1989

_GROUPS = [
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),  # common Chinese
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),  # CJK Ext-B (𠮷)
    st.sampled_from("𠮷𡈼䶮丨〇·・"),
    st.characters(min_codepoint=0x0300, max_codepoint=0x036F),  # combining marks
    st.characters(min_codepoint=0x0000, max_codepoint=0x001F),  # C0 controls
    st.sampled_from("\x7f\x80\x85\x9b\x9f"),  # DEL, C1 controls
    st.sampled_from("\u200b\u200c\u200d\u2060\ufeff\u00ad"),  # zero-width, BOM
    st.sampled_from("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
    st.sampled_from(" \t\n\r\u3000\u00a0\u2028\u2029"),  # spaces, line ends
    st.characters(min_codepoint=0xFF10, max_codepoint=0xFF19),  # full-width digits
    st.sampled_from("0123456789xXＸｘ-－"),
    st.characters(
        min_codepoint=0xD800,
        max_codepoint=0xDFFF,  # lone surrogates
        exclude_categories=(),
    ),
    st.characters(min_codepoint=0xE000, max_codepoint=0xE0FF),  # private use
    st.characters(codec="utf-8"),  # anything else
]
NASTY_CHAR = st.one_of(*_GROUPS)


def nasty_text(max_size: int = 80) -> st.SearchStrategy[str]:
    """Short texts of nasty characters, plain Chinese, and now and then a huge one."""
    plain = st.text(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=max_size
    )
    huge = st.builds(
        lambda piece, times: piece * times,
        st.text(NASTY_CHAR, min_size=1, max_size=3),
        st.integers(2_000, 12_000),
    )
    return st.one_of(st.text(NASTY_CHAR, max_size=max_size), plain, huge)


def mostly(good: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """`good` six times in ten, else `bad`: a person's three fields are then all good often
    enough for the accepted side of a property to be tried too."""
    return st.integers(0, 9).flatmap(lambda n: good if n < 6 else bad)


def typed(number: str) -> st.SearchStrategy[str]:
    """A valid number as hands, input methods and card readers type it."""
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in number)
    return st.sampled_from(
        [number, full_width, number.lower(), f" {number[:6]}\u3000{number[6:14]} {number[14:]}\t"]
    )


@st.composite
def _spoiled(draw: st.DrawFn, number: str) -> str:
    """A valid number spoiled: characters inserted or replaced, cut, doubled, or an old one."""
    how = draw(st.sampled_from(["insert", "replace", "cut", "double", "15 digits"]))
    if how in ("insert", "replace"):
        at = draw(st.integers(0, len(number)))
        keep = at + (how == "replace")
        return number[:at] + draw(st.text(NASTY_CHAR, min_size=1, max_size=3)) + number[keep:]
    if how == "cut":
        return number[: draw(st.integers(0, len(number) - 1))]
    return number * 2 if how == "double" else OLD_ID


def id_numbers() -> st.SearchStrategy[str]:
    """ID numbers: valid ones typed every way, spoiled ones, and any text at all."""
    valid = st.sampled_from(VALID_IDS)
    return mostly(valid.flatmap(typed), valid.flatmap(_spoiled) | nasty_text(24))


def phones() -> st.SearchStrategy[str]:
    """Mobile and fixed numbers and none, typed every way; spoiled ones, or any text."""
    number = st.sampled_from(["13812345678", "0537-5211234", "05375211234", "19912345678"])
    typed = number.flatmap(
        lambda n: st.sampled_from([n, "", f" {n} ", "".join(chr(ord(ch) + 0xFEE0) for ch in n)])
    )
    spoiled = number.flatmap(lambda n: st.sampled_from([n[:-1], n + "9", n.replace("1", "l")]))
    return mostly(typed, spoiled | nasty_text(16))


def names() -> st.SearchStrategy[str]:
    """Names: plain, with rare characters and combining marks; hidden characters, far too
    long, or any text."""
    plain = st.sampled_from(["张三", "𠮷春燕", "买买提·艾力", "欧阳娜娜", "王\u0301芳", "\ue000丽"])
    typed = plain.flatmap(lambda n: st.sampled_from([n, f" {n}\u3000"]))
    return mostly(typed, plain.map(lambda n: n * 8) | nasty_text(40))


# --- documents ---------------------------------------------------------------------------------
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.sampled_from([0, -1, 2**31, 2**63, 10**30, 1.5, "", " ", "2026-02-30"])
    | nasty_text(30)
)
JSON_VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty_text(12), inner, max_size=4),
    max_leaves=12,
)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside a JSON document (the document itself included)."""
    found = [here]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*here, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*here, index))
    return found


def _alike(value: Any) -> st.SearchStrategy[Any]:
    """A value of the same kind: other text, another small number, the other truth value."""
    if isinstance(value, bool):
        return st.just(not value)
    if isinstance(value, int):
        return st.integers(1, 400)
    if isinstance(value, str):
        return st.text(
            st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=20
        ) | nasty_text(20)
    return st.just(value)


@st.composite
def mutated(draw: st.DrawFn, document: dict[str, Any], most: int = 3) -> Any:
    """`document` with one to `most` changes at random places: a value replaced by one of its
    kind or by any JSON value, a field or element deleted, an element repeated, a number
    pushed to an extreme."""
    doc: Any = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, most))):
        path = draw(st.sampled_from(_paths(doc)[1:]))  # any JSON value: JSON_VALUES
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        how = draw(st.sampled_from(["alike"] * 5 + ["replace", "delete", "repeat", "extreme"]))
        if how == "alike":
            parent[path[-1]] = draw(_alike(parent[path[-1]]))
        elif how == "delete":
            del parent[path[-1]]
        elif how == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
        elif how == "extreme" and isinstance(parent[path[-1]], int):
            parent[path[-1]] = draw(st.sampled_from([0, -1, 2**63, 10**30, True]))
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    return doc


@st.composite
def spoiled_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with bytes flipped, cut, inserted or re-encoded; or any bytes at all."""
    how = draw(st.sampled_from(["flip", "cut", "insert", "utf-16", "bom", "anything"]))
    if how == "anything":
        return draw(st.binary(max_size=200))
    if how == "utf-16":
        return data.decode("utf-8", errors="replace").encode("utf-16")
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    if how == "cut":
        return data[:at]
    if how == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    flipped = bytearray(data)
    flipped[at] ^= draw(st.integers(1, 255))
    return bytes(flipped)


@st.composite
def pushed(draw: st.DrawFn, document: dict[str, Any]) -> Any:
    """`document` with one of its numbers (a count, a time limit, a rule) pushed past what a
    deadline or an SQLite integer can take, or to the edge of what it may be."""
    doc: Any = copy.deepcopy(document)
    numbers = [path for path in _paths(doc)[1:] if _at(doc, path).__class__ is int]
    path = draw(st.sampled_from(numbers))
    _at(doc, path[:-1])[path[-1]] = draw(
        st.sampled_from([0, 1, 99, 100, 365, 366, 1440, 1441, 10**6, 10**15, 2**63, 10**30])
    )
    return doc


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc
