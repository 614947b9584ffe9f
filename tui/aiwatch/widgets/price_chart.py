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
        if dates:
            plt.plot(list(range(len(dates))), closes, marker="braille")
            positions = self._ticks(len(dates))
            plt.xticks([float(i) for i in positions], [dates[i].isoformat() for i in positions])
            # plotext dedupes ticks through a set, so their order (and which label survives
            # an overlap) changed with Python's hash seed; put them back in order.
            monitor = plt.monitor  # type: ignore[attr-defined]  # plotext's figure state
            ordered = sorted(zip(monitor.xticks[0], monitor.xlabels[0], strict=True))
            monitor.xticks[0] = [tick for tick, _ in ordered]
            monitor.xlabels[0] = [label for _, label in ordered]
        else:
            plt.title("no price history")
        self.refresh()

    @staticmethod
    def _ticks(length: int, count: int = 5) -> list[int]:
        """Evenly spaced indexes that always include the first and the last day."""
        if length <= count:
            return list(range(length))
        return [round(i * (length - 1) / (count - 1)) for i in range(count)]
