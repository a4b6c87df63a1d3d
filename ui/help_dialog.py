"""F1: the window's keys, in a dialog that scrolls rather than outgrow a 1366×768 screen."""

from __future__ import annotations

from ui.fit import within_screen
from ui.qt import QDialog, QDialogButtonBox, QSize, QTextBrowser, QVBoxLayout, QWidget

HELP_KEYS = (
    ("F2", "叫下一号"),
    ("F3", "重呼"),
    ("F4", "过号"),
    ("Shift+F4", "过号重排（选中灰色的过号）"),
    ("F5", "暂停 / 恢复"),
    ("F6", "转窗口（只列本站其他窗口）"),
    ("F7", "窗口代取号：回车＝普通号；数字 1–5＝优先号及原因，再回车"),
    ("F11", "排队列表（↑↓ 选择）"),
    ("Shift+F2", "仅咨询（无需办件，注明原因后结束本号）"),
    ("Ctrl+Shift+P", "待打印单据（打印机故障时保留的告知单、回执）"),
    ("F8", "当前办件"),
    ("F9", "期限提醒"),
    ("F12", "办件查询（回到查询框）"),
    ("F10", "台账统计（按日、按月、自定义期间；导出Excel、PDF）"),
    ("Ctrl+Shift+R", "差评整改回访"),
    ("Ctrl+Shift+T", "投诉登记（窗口、电话、12345转办）"),
    ("Ctrl+Shift+J", "投诉处理（登记处理情况、办结）"),
    ("Ctrl+Shift+M", "监测台账（登记对监测人员的联系）"),
    (
        "Ctrl+回车",
        "本步主操作（按钮上写有“Ctrl+回车”）：下一步、受理、出具告知单、当场办结、"
        "转报上级、评价、完成服务；不能操作时说明原因",
    ),
    ("Alt+B", "上一步"),
    ("Alt+1…6", "跳到某一步"),
    ("Ctrl+Shift+X", "撤销办件（受理前，须注明原因）"),
    ("回车", "事项搜索框：选中高亮的事项"),
    ("空格", "选中事项 / 勾选材料（并跳到下一项缺少的材料）"),
    ("Ctrl+Shift+L", "适老化大字模式"),
    ("F1", "本帮助"),
)
HELP_TEXT = (
    "<h3>键盘操作</h3><table cellpadding=3>"
    + "".join(
        "<tr>"
        + "".join(
            f"<td style='white-space:nowrap'><b>{key}</b></td><td>{text}</td>"
            for key, text in HELP_KEYS[i : i + 2]
        )
        + "</tr>"
        for i in range(0, len(HELP_KEYS), 2)
    )
    + """</table>
<p>按钮上带下划线的字母可用 Alt+该字母 直接按下（每个画面中不重复）：如 Alt+J 当场办结、
Alt+Z 转报上级、Alt+S 受理、Alt+Y 受理回执；菜单为 Alt+Q 叫号、Alt+C 办件、Alt+W 窗口。
评价由办事人选择（按 5…1，或 ← → 后回车），不预先选中任何一项。受理后可在“办结/转报”和
“评价”两步打印受理回执；“窗口”菜单中的“排队设置”可改为单机、排队主机或连接排队主机
（重新启动后生效），可填写本站窗口数（转窗口时可选的窗口）和站点管理码（关闭取号机、
叫号屏时输入）；本机为排队主机时，在其中的“排队密钥管理”为其他电脑发放、吊销密钥。
连接排队主机的窗口：人员由排队主机统一管理，登录、解锁和换人时输入的PIN由排队主机核对；
排队主机要求重新登录时（如新的一天）本机自动锁屏，输入PIN即可继续。</p>"""
)


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("帮助：键盘操作")
        self.text = QTextBrowser()
        self.text.setHtml(HELP_TEXT)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(within_screen(self, QSize(860, 620)))
