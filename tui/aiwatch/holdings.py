"""What the user owns, valued: the config's lots against each symbol's quote and the FX rates
in the cache, per symbol and for the portfolio in the base currency; and BABA against the
Hong Kong line when both are listed. The FX pairs this needs are what the fetch is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from msgspec import Struct

from aiwatch.adr import AdsComparison, compare_ads
from aiwatch.market import market_day
from aiwatch.metrics import quote_from_history
from aiwatch.model import ADS_SYMBOL, ORDINARY_SYMBOL, Quote, TickerView
from aiwatch.positions import (
    FxTable,
    Lot,
    PortfolioTotal,
    Position,
    major_unit,
    portfolio,
    position,
)
from aiwatch.store.config import Config
from aiwatch.store.config import Lot as ConfigLot

ADS, ORDINARY = ADS_SYMBOL, ORDINARY_SYMBOL


class Holdings(Struct, frozen=True):
    positions: dict[str, Position]  # symbol -> its position, for listed symbols with lots
    total: PortfolioTotal | None  # None without any position
    ads: AdsComparison | None  # BABA vs 9988.HK, when both are listed and comparable


def _lots(lots: Iterable[ConfigLot], quote_currency: str) -> list[Lot]:
    """The config's lots, each in its stated currency or (none stated) the quote's."""
    return [Lot(lot.quantity, lot.cost, lot.date, lot.currency or quote_currency)
            for lot in lots]


def _quote(view: TickerView | None) -> Quote | None:
    """The price a card shows: the quote, else the last close of the history (snapshot)."""
    if view is None:
        return None
    if view.quote is None and view.history is not None:
        return quote_from_history(view.history)
    return view.quote


def fx_pairs(config: Config, views: Mapping[str, TickerView]) -> list[str]:
    """The Yahoo FX symbols (e.g. HKDUSD=X) the listed positions and the ADS comparison
    need, to be fetched with the quotes."""
    base = major_unit(config.base_currency)[0]
    currencies: set[str] = set()
    for symbol in config.positions.symbols:
        quote = _quote(views.get(symbol))
        if quote is None:
            continue
        currencies.add(major_unit(quote.currency)[0])
        currencies.update(major_unit(lot.currency)[0] for lot in config.positions.of(symbol)
                          if lot.currency)
    pairs = {f"{c}{base}=X" for c in currencies if c and c != base}
    if ADS in views and ORDINARY in views:
        pairs.add("HKDUSD=X")
    return sorted(pairs)


def holdings(config: Config, views: Mapping[str, TickerView], fx: FxTable) -> Holdings:
    found: dict[str, Position] = {}
    for symbol in config.positions.symbols:
        quote = _quote(views.get(symbol))
        if quote is None:
            continue  # not listed (or no price yet): nothing to value it at
        found[symbol] = position(
            symbol, _lots(config.positions.of(symbol), quote.currency), quote.price,
            quote.previous_close, quote.currency, fx, config.base_currency,
            market_day(quote.as_of, quote.exchange_tz))
    total = portfolio(list(found.values()), config.base_currency) if found else None
    ads = compare_ads(_quote(views.get(ADS)), _quote(views.get(ORDINARY)), fx)
    return Holdings(found, total, ads)


def _signed(value: float | None, suffix: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{'+' if value > 0 else '−' if value < 0 else '±'}{abs(value):,.2f}{suffix}"


def portfolio_text(total: PortfolioTotal | None) -> str:
    """The status bar's part for the portfolio, with every FX rate it used named and dated,
    or what keeps it from being added up."""
    if total is None:
        return ""
    if total.value is None:
        missing = ", ".join(total.missing_currencies) or ", ".join(total.incomplete)
        return f"portfolio: no total yet (no rate or price for {missing})"
    text = (f"portfolio {total.value:,.2f} {total.base} · day {_signed(total.day_pnl)} "
            f"({_signed(total.day_pnl_pct, '%')}) · total {_signed(total.total_pnl)} "
            f"({_signed(total.total_pnl_pct, '%')})")
    rates = [f"{r.pair} {r.rate:.4g} {r.as_of:%m-%d %H:%M}" for r in total.rates]
    return text + (f" · FX {', '.join(rates)}" if rates else "")
