"""A read-only table model over a list of rows, columns given as an IntEnum (Anki's browser
table pattern); subclasses say what each cell shows."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ui.qt import (
    QAbstractItemModel,
    QAbstractItemView,
    QAbstractTableModel,
    QHeaderView,
    QModelIndex,
    QObject,
    Qt,
    QTableView,
)

if TYPE_CHECKING:
    from typing import TypeAlias

    from ui.qt import QPersistentModelIndex

    # what Qt passes a model's overrides: an index, or a persistent one
    AnyIndex: TypeAlias = QModelIndex | QPersistentModelIndex

Row = TypeVar("Row")


class RowTableModel(QAbstractTableModel, Generic[Row]):
    columns: type[IntEnum]
    headers: tuple[str, ...]  # in column order

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, index: QModelIndex) -> Row | None:
        return self.rows[index.row()] if index.isValid() else None

    def cell(self, row: Row, column: Any, role: int) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return self.cell(self.rows[index.row()], self.columns(index.column()), role)


def row_table_view(model: QAbstractItemModel, stretch: int | None = None) -> QTableView:
    """The window's usual table: whole rows selected one at a time, read-only cells, no row
    numbers, columns sized to their contents (and `stretch` taking the remaining width)."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    if stretch is not None:
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table
