"""A line chart of daily closes (textual-plotext)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import date

from textual_plotext import PlotextPlot

RANGES = {30: "1M", 91: "3M", 182: "6M", 365: "1Y", 1826: "5Y"}
ALWAYS_OFFERED = 365  # longer ranges only when the history is longer than a year


def offered_ranges(dates: list[date]) -> list[int]:
    """The ranges worth a key press: up to 1Y always, 5Y once there is more than a year."""
    span = (dates[-1] - dates[0]).days if dates else 0
    return [days for days in RANGES if days <= ALWAYS_OFFERED or span > ALWAYS_OFFERED]


class PriceChart(PlotextPlot):
    def show(self, dates: list[date], closes: list[float], marks: Sequence[date] = ()) -> None:
        """The closes, with a dotted vertical line on each day in `marks` (earnings reports)."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if dates:
            for mark in marks:
                if dates[0] <= mark <= dates[-1]:
                    plt.vline(float(bisect_left(dates, mark)), "gray")
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
