"""What hypothesis types into the station's doors: the characters that break programs.

Chinese and rare characters outside the BMP (𠮷), combining marks, control characters,
zero-width characters, direction marks and overrides, full-width digits and spaces, lone
surrogates (a command line's undecodable bytes, a JSON "\\ud800" from the network), private-use
characters, and texts from empty to tens of thousands of characters.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.conftest import make_id

VALID_IDS = (make_id(), make_id("110105", "19491231", "002"), make_id("370883", "20000229", "458"))
OLD_ID = "370883560312123"  # 15 digits, GB 11643-1989

_GROUPS = [
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),          # common Chinese
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),        # CJK Ext-B (𠮷)
    st.sampled_from("𠮷𡈼䶮丨〇·・"),
    st.characters(min_codepoint=0x0300, max_codepoint=0x036F),          # combining marks
    st.characters(min_codepoint=0x0000, max_codepoint=0x001F),          # C0 controls
    st.sampled_from("\x7f\x80\x85\x9b\x9f"),                            # DEL, C1 controls
    st.sampled_from("\u200b\u200c\u200d\u2060\ufeff\u00ad"),            # zero-width, BOM
    st.sampled_from("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
    st.sampled_from(" \t\n\r\u3000\u00a0\u2028\u2029"),                 # spaces, line ends
    st.characters(min_codepoint=0xFF10, max_codepoint=0xFF19),          # full-width digits
    st.sampled_from("0123456789xXＸｘ-－"),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF,  # lone surrogates
                  exclude_categories=()),
    st.characters(min_codepoint=0xE000, max_codepoint=0xE0FF),          # private use
    st.characters(codec="utf-8"),                                        # anything else
]
NASTY_CHAR = st.one_of(*_GROUPS)


def nasty_text(max_size: int = 80) -> st.SearchStrategy[str]:
    """Short texts of nasty characters, plain Chinese, and now and then a huge one."""
    plain = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1,
                    max_size=max_size)
    huge = st.builds(lambda piece, times: piece * times, st.text(NASTY_CHAR, min_size=1,
                                                                max_size=3),
                     st.integers(2_000, 12_000))
    return st.one_of(st.text(NASTY_CHAR, max_size=max_size), plain, huge)


def mostly(good: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """`good` six times in ten, else `bad`: a person's three fields are then all good often
    enough for the accepted side of a property to be tried too."""
    return st.integers(0, 9).flatmap(lambda n: good if n < 6 else bad)


def typed(number: str) -> st.SearchStrategy[str]:
    """A valid number as hands, input methods and card readers type it."""
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in number)
    return st.sampled_from([number, full_width, number.lower(), f" {number[:6]}\u3000"
                            f"{number[6:14]} {number[14:]}\t"])


@st.composite
def _spoiled(draw: st.DrawFn, number: str) -> str:
    """A valid number spoiled: characters inserted or replaced, cut, doubled, or an old one."""
    how = draw(st.sampled_from(["insert", "replace", "cut", "double", "15 digits"]))
    if how in ("insert", "replace"):
        at = draw(st.integers(0, len(number)))
        keep = at + (how == "replace")
        return number[:at] + draw(st.text(NASTY_CHAR, min_size=1, max_size=3)) + number[keep:]
    if how == "cut":
        return number[:draw(st.integers(0, len(number) - 1))]
    return number * 2 if how == "double" else OLD_ID


def id_numbers() -> st.SearchStrategy[str]:
    """ID numbers: valid ones typed every way, spoiled ones, and any text at all."""
    valid = st.sampled_from(VALID_IDS)
    return mostly(valid.flatmap(typed),
                  valid.flatmap(_spoiled) | nasty_text(24))


def phones() -> st.SearchStrategy[str]:
    """Mobile and fixed numbers and none, typed every way; spoiled ones, or any text."""
    number = st.sampled_from(["13812345678", "0537-5211234", "05375211234", "19912345678"])
    typed = number.flatmap(lambda n: st.sampled_from(
        [n, "", f" {n} ", "".join(chr(ord(ch) + 0xFEE0) for ch in n)]))
    spoiled = number.flatmap(lambda n: st.sampled_from([n[:-1], n + "9", n.replace("1", "l")]))
    return mostly(typed, spoiled | nasty_text(16))


def names() -> st.SearchStrategy[str]:
    """Names: plain, with rare characters and combining marks; hidden characters, far too
    long, or any text."""
    plain = st.sampled_from(["张三", "𠮷春燕", "买买提·艾力", "欧阳娜娜", "王\u0301芳", "\ue000丽"])
    typed = plain.flatmap(lambda n: st.sampled_from([n, f" {n}\u3000"]))
    return mostly(typed, plain.map(lambda n: n * 8) | nasty_text(40))
