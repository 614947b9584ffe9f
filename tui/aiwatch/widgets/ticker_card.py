"""One ticker's card: price and trend, 52-week range, earnings deltas, thesis and its checks."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Region, Size
from textual.markup import escape
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from aiwatch.checks import shown_value
from aiwatch.market import zone
from aiwatch.metrics import Range52, calendar_label, extended_change, fiscal_label
from aiwatch.model import CheckResult, Quote, ThesisCheck
from aiwatch.summary import TickerSummary
from aiwatch.text import visible
from aiwatch.widgets.format import (
    NA,
    C,
    day_change_texts,
    eps_pair,
    fit,
    growth,
    price_provenance,
    provenance,
    range_bar,
    report_date,
    signed,
    sparkline,
    tone,
)
from aiwatch.widgets.painted import WRAP_CONSOLE, Painted, rows_of

if TYPE_CHECKING:  # a summary's holdings: their modules load with the first position
    from aiwatch.adr import AdsComparison
    from aiwatch.positions import Position

THESIS_LINES = 2
# The rows a card's earnings take once loaded: quarter, EPS, revenue, next and last report, the
# warning of quarters reported since (plus the cloud row of a company with a cloud segment)
EARNINGS_ROWS = 6
PRICE_ROWS = 3  # price and day change, the 3-month sparkline, the 52-week range
LOOKS = 3  # painted looks kept per card: focused, not, and one more (the one before)
def check_mark(passed: bool | None) -> tuple[str, str]:
    """✔ ✘ ? and their colours (read when drawn: they follow the theme)."""
    return {True: ("✔", C.up), False: ("✘", C.down), None: ("?", C.muted)}[passed]


def malformed_mark() -> tuple[str, str]:
    return "!", C.warn  # not "?": a line that did not parse is not missing data


def check_line(result: CheckResult, width: int) -> Text:
    """✔ cloud_yoy >= 20 ... 38.0 (the value at the precision it is compared at), or a
    malformed line: its number, its text and why, wrapped at the width, never cut."""
    if result.check.error:
        return malformed_check(result.check, width)
    mark, style = check_mark(result.passed)
    shown = NA if result.actual is None or result.passed is None else shown_value(
        result.check, result.actual)
    return label_value(f"{mark} {visible(result.check.text)}", Text(shown, style=style), width,
                       label_style="")


def malformed_check(check: ThesisCheck, width: int) -> Text:
    """! line 4: chek: price < 9, and the reason below; every line indented under the mark."""
    mark, style = malformed_mark()
    body = Text.assemble((f"line {check.line_no}: ", C.muted), visible(check.text), "\n",
                         (visible(check.error), style))
    rows = body.wrap(WRAP_CONSOLE, max(width - 2, 8), overflow="fold")
    for row in rows:
        row.rstrip()
    lines = [Text.assemble((f"{mark} ", style) if i == 0 else "  ", row)
             for i, row in enumerate(rows)]
    return Text("\n", no_wrap=True).join(lines)


def label_value(
    label: str, value: Text, width: int, label_style: str = C.muted, short: str = "",
    narrower: Sequence[Text] = (),
) -> Text:
    """A label on the left, the value flush right, on one line of `width`; the short label
    stands in when the long one leaves no room, then the narrower forms of the value."""
    names = [label, short] if short else [label]
    return fit([spread(Text(name, style=label_style), shown, width)
                for shown in (value, *narrower) for name in names], width)


def spread(left: Text, right: Text, width: int) -> Text:
    """left, then right flush with the width (at least one space between; may overflow)."""
    gap = max(width - left.cell_len - right.cell_len, 1)
    return Text.assemble(left, " " * gap, right)


def _date(day: date | None) -> Text:
    return Text(NA, style=C.muted) if day is None else Text(f"{day:%Y-%m-%d}")


def _day_names(day: date | None, now: datetime | None) -> tuple[str, str]:
    """Which day the day change is for: 'today', else the date, long and short."""
    if day is None:
        return "", ""
    if now is not None and day == now.date():
        return "today", "today"
    return f"{day:%Y-%m-%d}", f"{day:%m-%d}" if now and day.year == now.year else f"{day:%y-%m-%d}"


def _missing(quarter_ends: tuple[date, ...], width: int) -> Text:
    """Which quarters have been reported since the data's newest, as fits the width."""
    labels = [calendar_label(end) for end in quarter_ends]
    span = labels[0] if len(labels) == 1 else f"{labels[0]}–{labels[-1]}"
    count = f"{len(labels)} quarter{'s' if len(labels) > 1 else ''}"
    return fit([Text(f"⚠ {text}", style=C.warn) for text in (
        f"reported since, not in data: {', '.join(labels)}",
        f"not in data yet: {', '.join(labels)}",
        f"not in data yet: {span}",
        f"not in data: {span}",
        f"{count} reported since, not in data",
        f"{count} not in data",
    )], width)


def range_line(range52: Range52, width: int) -> Text:
    """52w 352.17 ──●── 537.65 96%: the track takes what the figures leave; where it would
    be under 3 cells, the percentage goes, then the label (the row never wraps)."""
    low, high = f"{range52.low:,.2f}", f"{range52.high:,.2f}"
    forms = []
    for label, percent in (("52w ", f" {range52.position * 100:.0f}%"), ("52w ", ""), ("", "")):
        room = width - len(label) - len(low) - len(high) - len(percent) - 2
        forms.append(Text.assemble((label, C.muted), low, " ", range_bar(range52.position, room),
                                   " ", high, (percent, C.muted)))
    return fit(forms, width)


def extended_line(quote: Quote, width: int) -> Text | None:
    """post 124.81 +0.08 +0.06% 19:59: the pre- or post-market price against the regular."""
    change = extended_change(quote)
    if change is None or quote.extended_time is None:
        return None
    when = quote.extended_time.astimezone(zone(quote.exchange_tz or "America/New_York"))
    absolute, percent = day_change_texts(change)
    price = Text(f"{quote.extended_price:,.2f}")
    return label_value(f"{quote.extended_session or 'ext.'} {when:%H:%M}",
                       Text.assemble(price, " ", absolute, " ", percent), width,
                       narrower=[Text.assemble(price, " ", percent)])


def position_lines(position: Position, width: int) -> list[Text]:
    """Held 10 · 955.00 USD, then P&L day / total, in the quote's currency."""
    amounts = position.local
    value = NA if amounts.value is None else f"{amounts.value:,.2f} {amounts.currency}"
    held = label_value("Held", Text(f"{position.quantity:g} · {value}"), width)
    day = Text.assemble(signed(amounts.day_pnl, digits=2), " ",
                        signed(amounts.day_pnl_pct, "%", digits=2))
    total = Text.assemble(signed(amounts.total_pnl, digits=2), " ",
                          signed(amounts.total_pnl_pct, "%", digits=2))
    return [held,
            label_value("P&L day", day, width, short="Day",
                        narrower=[signed(amounts.day_pnl_pct, "%", digits=2)]),
            label_value("P&L total", total, width, short="Total",
                        narrower=[signed(amounts.total_pnl_pct, "%", digits=2)])]


def ads_line(comparison: AdsComparison, width: int) -> Text:
    """vs 9988.HK ×8 +0.87%: the ADS over (+) or under the Hong Kong line after FX."""
    premium = signed(comparison.premium_pct, "%", digits=2)
    if not comparison.comparable:
        premium.append(" (prices of different days)", style=C.muted)
    return label_value("vs 9988.HK ×8", premium, width, short="vs HK",
                       narrower=[signed(comparison.premium_pct, "%", digits=2)])


class TickerCard(Widget, can_focus=True):
    """Renders a TickerSummary; the screen replaces `summary` when figures change.

    A new summary or time repaints this card only, and only if what it shows changed; the
    screen is laid out again only when the card's height changes (a layout of the screen
    visits all 100 cards, ~30-60 ms, and repaints every card it moved or resized: ~100 ms).

    While a refresh runs (`awaiting`) the card's height holds still as results land: a part
    not fetched yet keeps the rows it takes once loaded, and the card never gets shorter; it
    takes its own height once the refresh has been shown (one layout, if it shrank)."""

    summary: reactive[TickerSummary | None] = reactive(None)
    now: reactive[datetime | None] = reactive(None, repaint=False)
    awaiting: reactive[bool] = reactive(False, repaint=False)

    def __init__(self, ticker: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="card")
        self.set_reactive(TickerCard.auto_links, False)  # no links on a card: none to restyle
        self.ticker = ticker
        self.border_title = ticker
        self._cache: tuple[object, dict[int, tuple[int, Painted]]] = (None, {})
        self._badge = ""
        self._floor = (0, 0)  # width, and the rows the card keeps at it while a refresh runs
        self._looks: list[tuple[tuple[object, ...], list[Strip]]] = []
        self._key_memo: tuple[object, object, object, bool, tuple[object, ...]] = (
            0, 0, 0, False, ())

    def watch_summary(self, summary: TickerSummary | None) -> None:
        if summary is None:
            return
        self.border_title = escape(visible(f"{summary.ticker} · {summary.view.company.name}"))
        self._update_subtitle()
        self._resize_or_repaint()

    def watch_awaiting(self) -> None:
        if self.summary is not None:
            self._resize_or_repaint()

    def _resize_or_repaint(self) -> None:
        """After a change of what the card shows: the screen is laid out again only if the
        card's height changed, else the card repaints if its rows did. A card not laid out
        yet builds nothing: its first layout builds its rows at their width (built here, at
        the least width, they were thrown away: ~8 ms a card at start, twice)."""
        if not self.outer_size.width:
            self.refresh(layout=True)
            return
        width = self._width()
        before = self._cache[1].get(width)  # the rows shown until now
        changed = self._cache[0] != self._key()
        rows = self._built(width)[0]
        height = None if before is None else max(before[0], self._kept(width))
        self._floor = (width, max(rows, height or 0)) if self.awaiting else (0, 0)
        if height is None or max(rows, self._kept(width)) != height:
            self.refresh(layout=True)
        elif changed:
            self.refresh()

    def _width(self) -> int:
        """The width the rows are built for, from the card's size at the last layout: its
        content_size asks the compositor where the card is, and for a card off screen after
        any card repainted, that arranges the whole screen again (~15 ms at 100 cards)."""
        return max(self.outer_size.width - self.styles.gutter.width, 20)

    def _kept(self, width: int) -> int:
        """The rows the card keeps at this width while a refresh runs (0: none)."""
        return self._floor[1] if self._floor[0] == width else 0

    def watch_now(self) -> None:
        """The clock moves every apply and minute: the card repaints only when a text it
        shows from the time (an age, "today") reads differently."""
        if self._cache[0] != self._key():
            self.refresh()
        self._update_subtitle()

    def _update_subtitle(self) -> None:
        if self.summary is None or self.now is None:
            return
        badge = escape(price_provenance(self.summary.figures.quote, self.summary.price_current,
                                        self.now))
        if badge != self._badge:  # setting it repaints, even to the same text
            self._badge = self.border_subtitle = badge

    def render_lines(self, crop: Region) -> list[Strip]:
        """The card's painted lines (borders, title, content) kept per look, whole: a focus
        move toggles a card between two looks and a scroll shows another part of it, and
        Textual paints every line afresh on each focus change (~2.5 ms a card), so a look seen
        before is cut from memory."""
        if self.text_selection is not None:  # a mouse selection: drawn afresh, never kept
            return super().render_lines(crop)
        width, height = self.outer_size
        key = self._look()  # compared, not hashed: hashing a summary costs more
        whole = next((strips for seen, strips in self._looks if seen == key), None)
        if whole is None:
            whole = super().render_lines(Region(0, 0, width, height))
            self._looks = [*self._looks[1 - LOOKS:], (key, whole)]
        lines = whole[crop.y:crop.bottom]
        if crop.column_span != (0, width):
            lines = [strip.crop(crop.x, crop.right) for strip in lines]
        return lines

    def _look(self) -> tuple[object, ...]:
        """Everything the painted lines are made of: what the card shows, its size and titles,
        its style rules, what it inherits (the card's and its parent's visual styles, which
        Textual composes from the ancestors' backgrounds and text), the line filters and the
        theme. Worked out on every paint of every card on screen, so kept cheap (~15 µs)."""
        app, parent = self.app, self.parent
        return (self._key(), self.outer_size, self.border_title, self.border_subtitle,
                self.styles.get_rules(), self.visual_style,  # a new dict, compared by content
                parent.visual_style if isinstance(parent, Widget) else None, self.opacity,
                tuple(self.get_line_filters()), app.theme, app.ansi_color)

    def render(self) -> RenderResult:
        if self.summary is None:
            return Text("loading…", style=C.muted)
        return self._built(self._width())[1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The card's row count at this width, known without rendering (Textual's default
        renders the whole card for layout, off-screen ones too)."""
        if self.summary is None:
            return 1
        width = max(width, 20)
        return max(self._built(width)[0], self._kept(width))

    def _key(self) -> tuple[object, ...]:
        """What the card's rows are built from: the summary, the texts it shows from the
        time (not the time itself, which moves on every apply), the palette and whether it
        holds places for parts a refresh has yet to bring. Worked out again only for another
        summary, time, palette or refresh state (each paint asks)."""
        s, now, awaiting = self.summary, self.now, self.awaiting
        memo = self._key_memo
        if memo[0] is s and memo[1] is now and memo[2] == C.version and memo[3] == awaiting:
            return memo[4]
        if s is None or now is None:
            key: tuple[object, ...] = (s, C.version, self._holds_places())
        else:
            origin = s.view.fundamentals.origin if s.view.fundamentals else None
            key = (s, _day_names(s.price_day, now), provenance(origin, now, short=True),
                   C.version, self._holds_places())
        self._key_memo = (s, now, C.version, awaiting, key)
        return key

    def _holds_places(self) -> bool:
        """A refresh is under way and the card lacks a price or earnings it may still bring
        (not after it reported a failure for the ticker)."""
        s = self.summary
        return self.awaiting and s is not None and not s.view.error and (
            s.figures.quote is None or (s.figures.quarter is None and not s.no_fundamentals_reason))

    def _built(self, width: int) -> tuple[int, Painted]:
        """The card's rows, and how many: built once per summary, shown times and width
        (layout tries a few widths, with and without the scrollbar, before paint)."""
        key = self._key()
        if self._cache[0] != key:
            self._cache = (key, {})
        built = self._cache[1].get(width)
        if built is None:
            summary = self.summary
            assert summary is not None
            lines = [*self._price(summary, width), *self._holding(summary, width),
                     *self._earnings(summary, width), *self._thesis(summary, width)]
            rows = [row for line in lines for row in rows_of(line, width)]
            built = self._cache[1][width] = (len(rows), Painted(self, rows))
        return built

    def _price(self, s: TickerSummary, width: int) -> list[Text]:
        f = s.figures
        if f.quote is None:
            if self._holds_places():  # the rows the price takes once loaded
                return [Text("fetching price…", style=C.muted), *[Text()] * (PRICE_ROWS - 1)]
            return [Text("no price data", style=C.muted)]
        delta = f.change[0] if f.change else None
        arrow = Text(" ▲ " if delta and delta > 0 else " ▼ " if delta else "   ", style=tone(delta))
        price = Text.assemble((f"{f.quote.price:,.2f}", "bold"),
                              (f" {visible(f.quote.currency)}" if f.quote.currency else "",
                               C.muted))
        absolute, percent = day_change_texts(f.change)
        day, short_day = _day_names(s.price_day, self.now)
        head = fit([
            Text.assemble(price, arrow, absolute, " ", percent, (f" {day}", C.muted)),
            Text.assemble(price, arrow, percent, (f" {day}", C.muted)),
            Text.assemble(price, arrow, absolute, " ", percent, (f" {short_day}", C.muted)),
            Text.assemble(price, arrow, percent, (f" {short_day}", C.muted)),
            Text.assemble(price, arrow, percent),
        ], width)
        lines: list[Text] = [head]
        extended = extended_line(f.quote, width)
        if extended is not None:
            lines.append(extended)
        label = Text(" 3M", style=C.muted)
        lines.append(Text.assemble(sparkline(f.spark, width - len(label)), label))
        if f.range52:
            lines.append(range_line(f.range52, width))
        return lines

    @staticmethod
    def _holding(s: TickerSummary, width: int) -> list[Text]:
        """The user's position (value, day and total P&L), and BABA against 9988.HK."""
        lines = []
        if s.position is not None:
            lines.extend(position_lines(s.position, width))
        if s.ads is not None:
            lines.append(ads_line(s.ads, width))
        return lines

    def _earnings(self, s: TickerSummary, width: int) -> list[Text]:
        if s.no_fundamentals_reason:
            return [Text(visible(s.no_fundamentals_reason), style=C.muted)]
        f, company = s.figures, s.view.company
        q = f.quarter
        if q is None:
            if self._holds_places():  # the rows the earnings take once loaded
                rows = EARNINGS_ROWS + bool(company.cloud_segment)
                return [Text("fetching earnings…", style=C.muted), *[Text()] * (rows - 1)]
            return [Text("no earnings data", style=C.muted)]
        fiscal = (fiscal_label(q.quarter_end, company.fiscal_year_end_month), "bold")
        calendar = (f" ({calendar_label(q.quarter_end)})", C.muted)
        origin = s.view.fundamentals.origin if s.view.fundamentals else None
        source = Text(provenance(origin, self.now, short=True) if self.now else "", style=C.muted)
        title = fit([
            spread(Text.assemble(("Latest quarter ", C.muted), fiscal, calendar), source, width),
            spread(Text.assemble(fiscal, calendar), source, width),
            spread(Text.assemble(fiscal), source, width),
            Text.assemble(fiscal, calendar),
        ], width)
        eps, compact_eps = (eps_pair(q.eps_reported, q.eps_estimate, q.eps_currency, joint)
                            for joint in (" vs ", "/"))
        if f.surprise is not None:
            for text in (eps, compact_eps):
                text.append_text(Text.assemble(" ", signed(f.surprise, "%")))
        cloud_yoy = growth(f.cloud_yoy)
        if f.cloud and f.cloud.quarter_end != q.quarter_end:
            cloud_yoy = Text.assemble((f"({calendar_label(f.cloud.quarter_end)}) ", C.muted),
                                      cloud_yoy)
        cloud = visible(company.cloud_label) or "Cloud"
        rows = [
            ("Revenue YoY", "Revenue", growth(f.revenue_yoy)),
            *([(f"{cloud} YoY", cloud, cloud_yoy)] if company.cloud_segment else []),
            ("Next report", "Next", report_date(s.next_report)),
            ("Last report", "Last", _date(s.last_report)),
        ]  # a company without a cloud segment gets no n/a cloud row
        lines = [title, label_value("EPS vs est", eps, width, short="EPS", narrower=[compact_eps]),
                 *(label_value(label, value, width, short=short) for label, short, value in rows)]
        if s.missing_quarters:
            lines.append(_missing(s.missing_quarters, width))
        return lines

    def _thesis(self, s: TickerSummary, width: int) -> list[Text]:
        lines: list[Text] = [Text("Thesis", style=f"bold {C.muted}")]
        prose = visible(" ".join(s.thesis_lines))
        wrapped = textwrap.wrap(prose, width) if prose else ["(no note — press n to write one)"]
        for i, line in enumerate(wrapped[:THESIS_LINES]):
            more = i == THESIS_LINES - 1 and len(wrapped) > THESIS_LINES
            lines.append(Text(line[: width - 1] + "…" if more else line, no_wrap=True,
                              overflow="ellipsis"))
        lines.extend(check_line(result, width) for result in s.checks)
        if s.view.error:
            lines.append(Text(f"⚠ {visible(s.view.error)}", style=C.warn, no_wrap=True,
                              overflow="ellipsis"))
        return lines
