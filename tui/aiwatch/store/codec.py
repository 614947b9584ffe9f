"""The model's frozen records (msgspec Structs) as JSON, for the cache.

Generic over the field types the model uses (str, float, bool, date, datetime, tuples, optionals,
nested records), so adding a field with a default to the model needs no change here and old
cache entries still load. `origin` is left out: the cache keeps the fetch time in its own column
and hands back Origin(CACHED, fetched_at).
"""

from __future__ import annotations

import functools
import math
import types
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

import msgspec
from msgspec import Struct

from aiwatch.model import MAX_PRICE, Origin, PriceHistory, Quote, plausible_price

T = TypeVar("T")


class DecodeError(ValueError):
    """A payload that does not fit the record (an older or damaged entry)."""


def encode(obj: object) -> str:
    import json  # writing is the fetch's part: the UI's start only reads

    return json.dumps(_plain(obj), separators=(",", ":"), allow_nan=False)


def decode(cls: type[T], text: str, origin: Origin) -> T:
    """The object a payload holds; DecodeError for one that does not fit, or holds a price
    that cannot be drawn (an entry written before the source checked them: ±1e308 crashed
    every launch), so the cache treats it as an entry it lacks."""
    try:
        obj = _build(cls, msgspec.json.decode(text), origin)
    except (KeyError, TypeError, ValueError) as exc:
        raise DecodeError(f"{cls.__name__}: {exc}") from exc
    bad = _implausible_prices(obj)
    if bad:
        raise DecodeError(f"{cls.__name__}: price {bad[0]!r} cannot be shown")
    return obj


def _implausible_prices(obj: object) -> list[float]:
    if isinstance(obj, PriceHistory):
        prices: tuple[float | None, ...] = obj.closes
    elif isinstance(obj, Quote):
        prices = (obj.price, obj.previous_close)
    else:
        return []
    known = [p for p in prices if p is not None] if None in prices else prices
    # A year of closes each checked in Python was a quarter of a 100-ticker start's decoding:
    # all within [0, MAX_PRICE] and none NaN (which min and max cannot see) passes at once.
    if not known or (min(known) >= 0 and max(known) <= MAX_PRICE
                     and not any(map(math.isnan, known))):
        return []
    # 0 is let through: no real price, but harmless (an old entry, or a test's placeholder)
    return [p for p in known if p != 0 and not plausible_price(p)]


def _plain(value: Any) -> Any:
    if isinstance(value, Struct):
        return {name: _plain(getattr(value, name)) for name in value.__struct_fields__
                if name != "origin"}
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """A class's field types, resolved once: get_type_hints per object was most of a decode."""
    return get_type_hints(cls)


# Element types a tuple of which converts in one pass (a year of closes and dates per history)
_BULK: dict[Any, Callable[[Any], Any]] = {
    float: float, date: date.fromisoformat, datetime: datetime.fromisoformat,
}
Converter = Callable[[Any, Origin], Any]


def _build(cls: type[T], data: dict[str, Any], origin: Origin) -> T:
    fields_of = _field_converters(cls)
    values = {name: None if value is None else fields_of[name](value, origin)
              for name, value in data.items() if name in fields_of}
    if "origin" in fields_of:
        values["origin"] = origin
    return cls(**values)


@functools.cache
def _field_converters(cls: type) -> dict[str, Converter]:
    return {name: _converter(hint) for name, hint in _hints(cls).items()}


@functools.cache
def _converter(hint: Any) -> Converter:
    """How a JSON value becomes a value of `hint` (never None: callers pass None through),
    worked out once per type: per value, it cost most of a 100-ticker start's decoding."""
    kind, args = get_origin(hint), get_args(hint)
    if kind in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"unsupported union {hint}")
        return _converter(inner[0])
    if kind is tuple:
        bulk, each = _BULK.get(args[0]), _converter(args[0])
        return lambda value, origin: (
            tuple(map(bulk, value)) if bulk is not None and None not in value
            else tuple(None if v is None else each(v, origin) for v in value))
    if hint in _BULK:
        convert = _BULK[hint]
        return lambda value, origin: convert(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return lambda value, origin: hint(value)
    if isinstance(hint, type) and issubclass(hint, Struct):
        return lambda value, origin: _build(hint, value, origin)
    return lambda value, origin: value
