"""The one-time notice (一次性告知单): every item, every material, what happens next.

On A4 items and materials are ruled tables that continue over pages (header rows repeat);
on the 80 mm roll each entry is a short block of lines.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from counterapp.slips import blocks
from counterapp.slips.blocks import para, rich, section
from counterapp.slips.facts import CaseFacts
from counterapp.slips.layout import Layout, build_pdf, styles
from counterapp.slips.texts import moment_text

TITLE = "医疗保障经办服务一次性告知单"
PROMISE = (
    "本告知单已一次性告知办理上述事项所需的全部材料。除本单所列材料外，"
    "经办机构不再要求您提供其他材料，也不增加办理环节。"
)


def _items(facts: CaseFacts, layout: Layout) -> list[Flowable]:
    story: list[Flowable] = [section(f"一、申请事项（共{len(facts.items)}项）", layout)]
    if layout == Layout.A4:
        rows = [
            (str(n), item.title, item.handling, item.limit, item.deadline)
            for n, item in enumerate(facts.items, start=1)
        ]
        story.append(
            blocks.grid_table(
                ("序号", "事项名称", "办理方式", "办理时限", "办结期限"),
                rows,
                (0.06, 0.36, 0.2, 0.12, 0.26),
                layout,
            )
        )
        return story
    s = styles(layout)
    for n, item in enumerate(facts.items, start=1):
        story += [
            para(f"{n}. {item.title}", s.entry),
            para(f"办理方式：{item.handling}；时限：{item.limit}", s.small),
            para(f"办结期限：{item.deadline}", s.small),
        ]
    return story


def _materials(facts: CaseFacts, layout: Layout) -> list[Flowable]:
    needed = [m for m in facts.materials if m.status != "不涉及"]
    missing = sum(1 for m in facts.materials if m.missing)
    received = f"已收取{len(needed) - missing}项，尚缺{missing}项" if missing else "已全部收取"
    heading = f"二、申请材料（共{len(facts.materials)}项，需提供{len(needed)}项，{received}）"
    story: list[Flowable] = [section(heading, layout)]
    if layout == Layout.A4:
        rows = [
            (str(n), m.name, m.requirement, m.status, m.obtain)
            for n, m in enumerate(facts.materials, start=1)
        ]
        story.append(
            blocks.grid_table(
                ("序号", "材料名称", "要求", "状态", "获取方式"),
                rows,
                (0.06, 0.35, 0.16, 0.08, 0.35),
                layout,
                emphasis=3,
                emphasise=[m.missing for m in facts.materials],
            )
        )
    else:
        s = styles(layout)
        for n, m in enumerate(facts.materials, start=1):
            story += [
                rich([(f"{n}. {m.name}　", False), (f"【{m.status}】", m.missing)], s.entry),
                para(
                    f"{m.requirement}。获取方式：{m.obtain}" if m.obtain else m.requirement, s.small
                ),
            ]
    story.append(para(PROMISE, styles(layout).note))
    return story


def notice_story(facts: CaseFacts, layout: Layout) -> list[Flowable]:
    story: list[Flowable] = blocks.title_block(
        TITLE, blocks.station_lines(facts, layout), layout, facts.reprint
    )
    story.append(
        blocks.info_table(
            [
                ("办件编号", facts.case_no),
                ("出具时间", moment_text(facts.issued_at)),
                *facts.applicant,
                ("办件状态", facts.case.state.label),
            ],
            layout,
        )
    )
    story += _items(facts, layout)
    story += _materials(facts, layout)
    story.append(section("三、办理方式及后续", layout))
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
    story += blocks.closing_block(
        facts, layout, "扫描二维码核验本告知单", blocks.clerk_lines(facts), signed=True
    )
    return story


def build_notice(facts: CaseFacts, layout: Layout) -> bytes:
    return build_pdf(
        notice_story(facts, layout),
        layout,
        title=f"{TITLE} {facts.case_no}",
        footer=f"{TITLE}　办件编号 {facts.case_no}　验证码 {facts.code}",
    )
