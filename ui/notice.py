"""The one-time notice (一次性告知单) as the window shows it.

`notice_html` (store thread) lists everything the citizen must know at the first contact:
the items, the materials received and still missing (with how to obtain them), the deadline
to bring them, how the case will be handled, where to ask about progress, the supervision
phone. The printed slip is the printing service's (`ui.slip_service`); without it the window
shows this content on screen for the clerk to read out.
"""

from __future__ import annotations

from html import escape

from counterapp import catalogue_store
from counterapp.app import Counter
from counterapp.case_model import CaseItem, CaseMaterial
from counterapp.catalogue_model import MaterialForm
from counterapp.privacy import mask_id_number
from counterapp.slips import texts


def notice_html(counter: Counter, case_id: int) -> str:
    """Runs on the store thread."""
    case = counter.cases.get(case_id)
    catalogue = catalogue_store.catalogue_version(counter.store, case.catalogue_version)
    station = counter.station
    assert station is not None
    obtain = {m.key: m.obtain for code in catalogue.items for m in catalogue.item(code).materials}
    obtain.update({m.key: m.obtain for m in catalogue.agent_materials})

    def material(m: CaseMaterial) -> str:
        how = obtain.get(m.key, "")
        extra = f"<br><small>获取方式：{escape(how)}</small>" if how and m.missing else ""
        return f"<li>{escape(m.name)}（{MaterialForm(m.form).label} {m.copies}份）{extra}</li>"

    received = [m for m in case.materials if m.applies and m.received]
    missing = case.missing_materials

    def item(i: CaseItem) -> str:
        how = "本站办理" if i.mode == "handle" else "本站收件，报送上级办理"
        limit = f"{i.limit_minutes}分钟" if i.limit_minutes else f"{i.limit_working_days}个工作日"
        return f"<li>{escape(i.title)}（{how}，时限{limit}）</li>"

    items = "".join(map(item, case.items))
    if missing:
        still = (
            f"<p><b style='color:#c62828'>尚缺材料</b>（{len(missing)}项，以下为全部所缺材料，"
            f"不会再增加）</p><ol>{''.join(map(material, missing))}</ol>"
        )
    else:
        still = "<p><b style='color:#2e7d32'>材料已齐全</b>：所需材料均已收取。</p>"
    handled_by = {code: entry.handled_by for code, entry in catalogue.items.items()}
    # how the case goes on, in the printed notice's words (which know a case with nothing
    # missing any more)
    outlook = "".join(
        f"<p>{escape(line)}</p>"
        for line in texts.continuation(
            case,
            handled_by,
            catalogue.rules.supply_missing_working_days,
            catalogue.rules.forward_submit_working_days,
        )
    )
    queries = sorted({catalogue.progress_query_for(i.item_code) for i in case.items})
    phone = station.supervision_phone or catalogue.supervision_phone
    return (
        f"<h3>{escape(station.name)} 一次性告知单</h3>"
        f"<p>办件号：{escape(case.case_no)}　申请人：{escape(case.applicant.name)}"
        f"（{mask_id_number(case.applicant.id_number)}）</p>"
        f"<p><b>申请事项</b></p><ol>{items}</ol>"
        f"<p><b>已收材料</b>（{len(received)}项）</p><ol>{''.join(map(material, received))}</ol>"
        f"{still}{outlook}"
        f"<p>进度查询：{escape('；'.join(queries))}</p>"
        f"<p>监督电话：{escape(phone)}　（目录版本 {escape(case.catalogue_version)}）</p>"
    )
