"""A line chart of daily closes (textual-plotext)."""

from __future__ import annotations

from datetime import date

from textual_plotext import PlotextPlot

RANGES = {30: "1M", 91: "3M", 182: "6M", 365: "1Y"}


class PriceChart(PlotextPlot):
    def show(self, dates: list[date], closes: list[float]) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.date_form("Y-m-d", "Y-m-d")
        if dates:
            plt.plot([d.isoformat() for d in dates], closes, marker="braille")
            plt.xticks([d.isoformat() for d in self._ticks(dates)])
        else:
            plt.title("no price history")
        self.refresh()

    @staticmethod
    def _ticks(dates: list[date], count: int = 5) -> list[date]:
        step = max(1, (len(dates) - 1) // (count - 1))
        ticks = dates[::step]
        return ticks if ticks[-1] == dates[-1] else ticks + [dates[-1]]
