"""The receipt (受理回执) of an accepted, finished or forwarded case, with deadlines."""

from __future__ import annotations

from reportlab.platypus import Flowable

from counterapp.slips import blocks
from counterapp.slips.blocks import para, section
from counterapp.slips.facts import CaseFacts
from counterapp.slips.layout import Layout, build_pdf, styles
from counterapp.slips.texts import moment_text

TITLE = "医疗保障经办服务受理回执"


def _items(facts: CaseFacts, layout: Layout) -> list[Flowable]:
    story: list[Flowable] = [section("一、受理事项", layout)]
    if layout == Layout.A4:
        rows = [
            (str(n), item.title, item.handling, item.handled_by, item.deadline)
            for n, item in enumerate(facts.items, start=1)
        ]
        story.append(
            blocks.grid_table(
                ("序号", "事项名称", "办理方式", "办理机构", "办结期限"),
                rows,
                (0.06, 0.32, 0.18, 0.2, 0.24),
                layout,
            )
        )
        return story
    s = styles(layout)
    for n, item in enumerate(facts.items, start=1):
        story += [
            para(f"{n}. {item.title}", s.entry),
            para(f"办理方式：{item.handling}；办理机构：{item.handled_by}", s.small),
            para(f"时限：{item.limit}；办结期限：{item.deadline}", s.small),
        ]
    return story


def receipt_story(facts: CaseFacts, layout: Layout) -> list[Flowable]:
    case = facts.case
    story: list[Flowable] = blocks.title_block(
        TITLE, blocks.station_lines(facts, layout), layout, facts.reprint
    )
    accepted = moment_text(case.accepted_at) if case.accepted_at else "—"
    story.append(
        blocks.info_table(
            [
                ("办件编号", facts.case_no),
                ("受理时间", accepted),
                *facts.applicant,
                ("办件状态", case.state.label),
            ],
            layout,
        )
    )
    story += _items(facts, layout)
    received = [m for m in facts.materials if m.status == "已收取"]
    story.append(section(f"二、已收取材料（{len(received)}项）", layout))
    story += blocks.numbered([f"{m.name}（{m.requirement}）" for m in received] or ["无"], layout)
    story.append(section("三、办理进度", layout))
    story += blocks.numbered(facts.continuation, layout)
    story.append(section("四、进度查询及监督", layout))
    story += blocks.numbered(
        [
            *facts.progress_queries,
            "查询时请提供本单的办件编号",
            f"监督电话：{facts.supervision_phone}",
        ],
        layout,
    )
    left = [*blocks.clerk_lines(facts), f"出具时间：{moment_text(facts.issued_at)}"]
    story += blocks.closing_block(facts, layout, "扫描二维码核验本回执", left)
    return story


def build_receipt(facts: CaseFacts, layout: Layout) -> bytes:
    return build_pdf(
        receipt_story(facts, layout),
        layout,
        title=f"{TITLE} {facts.case_no}",
        footer=f"{TITLE}　办件编号 {facts.case_no}　验证码 {facts.code}",
    )
