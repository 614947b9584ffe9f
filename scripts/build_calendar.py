"""Write tui/aiwatch/data/nyse_calendar.json: the NYSE's closed days and early closes.

Run after upgrading `holidays`:  python scripts/build_calendar.py
The app reads this table instead of importing `holidays` (~0.25 s CPU, most of it loading
every country's and exchange's calendar) before its first paint; years outside it still come
from `holidays`. tests/test_market.py checks the table against the installed `holidays`.
"""

from __future__ import annotations

import json
from pathlib import Path

import holidays

FIRST, LAST = 2000, 2040
OUT = Path(__file__).resolve().parent.parent / "tui" / "aiwatch" / "data" / "nyse_calendar.json"


def days(category: str) -> list[str]:
    found = holidays.financial_holidays("NYSE", years=range(FIRST, LAST + 1),
                                        categories=(category,))
    return sorted(day.isoformat() for day in found)


def main() -> None:
    table = {"source": f"holidays {holidays.__version__}, NYSE", "years": [FIRST, LAST],
             "public": days("public"), "half_day": days("half_day")}
    OUT.write_text(json.dumps(table, indent=0) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
