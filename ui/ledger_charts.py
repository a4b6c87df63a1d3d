"""The ledger's charts (QtCharts): tickets issued and served per day, and the on-the-spot
rate per day against its 90% line, where a picture reads faster than the table."""

from __future__ import annotations

from datetime import date
from typing import Any

from counterapp.ledger.figures import ON_THE_SPOT_RATE, Figure
from ui.qt import QColor, QMargins, QPainter, Qt, QVBoxLayout, QWidget, qt_charts

BLUE, GREEN, RED = QColor("#1f6fb2"), QColor("#2e7d32"), QColor("#c62828")


class LedgerCharts(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.charts = qt_charts()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tickets = self._view()
        self.on_the_spot = self._view()
        layout.addWidget(self.tickets)
        layout.addWidget(self.on_the_spot)

    def _view(self) -> Any:
        view = self.charts.QChartView()
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(180)
        return view

    def show_days(self, days: list[tuple[date, list[Figure]]]) -> None:
        short = len(days) <= 12
        labels = [day.strftime("%m-%d") if short else str(day.day) for day, _ in days]
        values = [{f.key: f.value for f in figures} for _, figures in days]
        self.tickets.setChart(
            self._bars(
                "每日取号与办结（张）",
                labels,
                [
                    ("取号", BLUE, [v["tickets_issued"] or 0 for v in values]),
                    ("办结", GREEN, [v["tickets_served"] or 0 for v in values]),
                ],
            )
        )
        rates = [v["on_the_spot_rate"] for v in values]
        self.on_the_spot.setChart(self._rates(labels, rates))

    def _bars(
        self, title: str, labels: list[str], sets: list[tuple[str, QColor, list[float]]]
    ) -> Any:
        c = self.charts
        series = c.QBarSeries()
        for name, colour, numbers in sets:
            bar_set = c.QBarSet(name)
            bar_set.setColor(colour)
            bar_set.append([float(n) for n in numbers])
            series.append(bar_set)
        chart = self._chart(title)
        chart.addSeries(series)
        axis_x = _days_axis(c, labels)
        axis_y = c.QValueAxis()
        axis_y.setLabelFormat("%d")
        top = max((n for _, _, numbers in sets for n in numbers), default=0)
        axis_y.setRange(0, max(top * 1.15, 1))
        axis_y.applyNiceNumbers()
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        return chart

    def _rates(self, labels: list[str], rates: list[float | None]) -> Any:
        """Each day's rate as a bar, red below the target, and the target as a line."""
        c = self.charts
        met, missed = c.QBarSet("达标"), c.QBarSet("未达标")
        met.setColor(GREEN)
        missed.setColor(RED)
        for rate in rates:
            ok = rate is not None and rate >= ON_THE_SPOT_RATE * 100
            met.append(float(rate) if ok and rate is not None else 0.0)
            missed.append(float(rate) if not ok and rate is not None else 0.0)
        series = c.QStackedBarSeries()
        series.append(met)
        series.append(missed)
        target = c.QLineSeries()
        target.setName(f"要求 {ON_THE_SPOT_RATE:.0%}")
        target.setColor(RED)
        for n in range(len(labels)):
            target.append(n - 0.5, ON_THE_SPOT_RATE * 100)
            target.append(n + 0.5, ON_THE_SPOT_RATE * 100)
        chart = self._chart("每日当场办结率（%）")
        chart.addSeries(series)
        axis_x = _days_axis(c, labels)
        axis_y = c.QValueAxis()
        axis_y.setRange(0, 100)
        axis_y.setLabelFormat("%d")
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        chart.addSeries(target)
        line_x = c.QValueAxis()
        line_x.setRange(-0.5, len(labels) - 0.5)
        line_x.setVisible(False)
        chart.addAxis(line_x, Qt.AlignmentFlag.AlignBottom)
        target.attachAxis(line_x)
        target.attachAxis(axis_y)
        return chart

    def _chart(self, title: str) -> Any:
        chart = self.charts.QChart()
        chart.setTitle(title)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setAnimationOptions(self.charts.QChart.AnimationOption.NoAnimation)
        return chart


def _days_axis(charts: Any, labels: list[str]) -> Any:
    axis = charts.QBarCategoryAxis()
    axis.append(_sparse(labels))
    axis.setTruncateLabels(False)  # a day's number is wider than a month's bar
    return axis


def _sparse(labels: list[str]) -> list[str]:
    """Every label of a short period; of a month, every fifth day (the others blank but
    distinct, as a category axis needs)."""
    step = 1 if len(labels) <= 12 else 5
    return [label if n % step == 0 else " " * (n + 1) for n, label in enumerate(labels)]
