"""Tables whose texts are longer than a 1366×768 screen has room for: long texts wrap and rows
grow to them (`rows_fit_text`), and one main column takes the width the others leave
(`ShareWidth`), so it is never cut off at the table's right edge.

Sizing a row to its wrapped text costs about 1 ms (every cell is laid out): a short list sizes
every row at once, a long one (the deadline list holds up to 500 cases) the rows in sight."""

from __future__ import annotations

from collections.abc import Mapping

from ui.qt import QEvent, QHeaderView, QObject, QTableView


def rows_fit_text(table: QTableView) -> None:
    """Long texts wrap and each row grows to its text, never below the usual row height."""
    table.setWordWrap(True)
    rows = table.verticalHeader()
    rows.setMinimumSectionSize(rows.defaultSectionSize())
    rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


class ShareWidth(QObject):
    """Shares a table's width out again whenever its rows, its width or its font change: the
    `wrapped` columns are that many characters wide (their texts wrap), the others fit their
    contents, and `main` takes the rest, at least `least` characters. Where even that is too
    wide (large-font mode), the table scrolls sideways: put `main` before the columns the
    clerk can best do without. The rows in sight grow to their wrapped text."""

    def __init__(
        self, table: QTableView, main: int, wrapped: Mapping[int, int], least: int
    ) -> None:
        super().__init__(table)
        self.table, self.main, self.wrapped, self.least = table, main, wrapped, least
        table.setWordWrap(True)
        rows = table.verticalHeader()
        rows.setMinimumSectionSize(rows.defaultSectionSize())
        table.installEventFilter(self)  # its font
        table.viewport().installEventFilter(self)  # its width (a scroll bar comes and goes)
        table.model().modelReset.connect(self.share)
        table.verticalScrollBar().valueChanged.connect(self.fit_rows)

    def share(self) -> None:
        table, header = self.table, self.table.horizontalHeader()
        em = table.fontMetrics().horizontalAdvance("汉")
        columns = range(header.count())
        for column in columns:
            chars = self.wrapped.get(column)
            width = table.sizeHintForColumn(column) if chars is None else chars * em + em // 2
            header.resizeSection(column, max(width, header.sectionSizeHint(column)))
        others = sum(header.sectionSize(column) for column in columns if column != self.main)
        header.resizeSection(self.main, max(self.least * em, table.viewport().width() - others))
        self.fit_rows()

    def fit_rows(self) -> None:
        """The rows in sight (and as many below) as tall as their wrapped text."""
        table = self.table
        count = table.model().rowCount()
        first = max(table.rowAt(0), 0)
        in_sight = table.viewport().height() // table.verticalHeader().minimumSectionSize() + 1
        for row in range(first, min(first + 2 * in_sight, count)):
            table.resizeRowToContents(row)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (kind == QEvent.Type.FontChange and watched is self.table) or (
            kind == QEvent.Type.Resize and watched is self.table.viewport()
        ):
            self.share()
        return False
