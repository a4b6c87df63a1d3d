"""The ledger (台账) as text, for `counterapp report` and `counterapp ledger`: the figures of
`counterapp.ledger` (the one definition of each), their rules, and what was not met."""

from __future__ import annotations

from counterapp.ledger.figures import GROUPS, Figure
from counterapp.ledger.report import Ledger


def ledger_lines(ledger: Ledger) -> list[str]:
    """One line per figure, grouped; a rule not met is marked 未达标."""
    reasons = ledger.reasons
    lines = [f"{ledger.title} {ledger.period.label} 台账"]
    for group in GROUPS:
        lines.append(f"【{group}】")
        for figure in (f for f in ledger.figures if f.group == group):
            lines.append(f"  {figure.label}：{figure.text}" + _judged(figure))
            if figure.key == "tickets_consulted" and reasons:
                lines.append(
                    "    " + "，".join(f"{reason} {count}" for reason, count in reasons.items())
                )
    return lines


def _judged(figure: Figure) -> str:
    if figure.met is None:
        return f"（{figure.detail}）" if figure.detail and figure.unit == "%" else ""
    verdict = "达标" if figure.met else "未达标"
    basis = f"{figure.detail}，" if figure.detail else ""
    return f"（{basis}要求 {figure.target}，{verdict}）"
