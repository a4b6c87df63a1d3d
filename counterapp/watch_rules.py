"""The watch list's terms (监测台账), shared by the county hub and the stations.

Town stations follow up people whose accumulated hospital costs in the year pass a threshold
(seed 001: "已脱贫人口累计花费超1万元，一般群众累计花费超2.6万元"): 10,000 yuan for people
lifted out of poverty (脱贫人口) and for those already monitored against falling back into it
(监测对象, who are assisted like them), 26,000 yuan for everyone else (其他). The county
uploads the list; each follow-up contact at a station is one of a few ways and contents, with a
short typed note. Amounts are kept in fen (integers), never as floats.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from counterapp.typed_text import TextRule

CATEGORIES = ("脱贫人口", "监测对象", "其他")
THRESHOLD_YUAN = {"脱贫人口": 10_000, "监测对象": 10_000, "其他": 26_000}
METHODS = ("电话", "上门", "到站")
CONTENTS = ("政策告知", "医疗救助已转报", "大病保险待遇已落实", "慢病认定已受理", "其他帮扶")
NOTE = TextRule("联系情况", limit=200)
COST_MAX_FEN = 100_000_000_00  # 100 million yuan: a typing slip, not a hospital bill
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")


class ContactInvalid(ValueError):
    """A follow-up contact that cannot be recorded; str() is the clerk's message."""


def threshold_fen(category: str) -> int:
    return THRESHOLD_YUAN[category] * 100


def cost_fen(text: str) -> int:
    """ "12,345.6" / "12345.60元" / "１２３４５" → fen; ValueError (Chinese) if it is no amount."""
    cleaned = text.strip().replace(",", "").replace("，", "").removesuffix("元").strip()
    cleaned = cleaned.translate({code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)})
    cleaned = cleaned.replace("．", ".")
    if not _AMOUNT.fullmatch(cleaned):
        raise ValueError(
            f"累计费用“{text.strip()[:20]}”不是金额（应为元，最多两位小数，如 12345.60）"
        )
    try:
        fen = int(Decimal(cleaned) * 100)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValueError(f"累计费用“{text.strip()[:20]}”不是金额") from None
    if fen > COST_MAX_FEN:
        raise ValueError(f"累计费用 {cleaned} 元超过 1 亿元，请核对")
    return fen


def yuan(fen: int) -> str:
    """1234560 → "12,345.60"."""
    return f"{fen // 100:,}.{fen % 100:02d}"


def contact_problem(method: str, content: str) -> str | None:
    if method not in METHODS:
        return f"联系方式应为{'、'.join(METHODS)}之一"
    if content not in CONTENTS:
        return f"联系内容应为{'、'.join(CONTENTS)}之一"
    return None
