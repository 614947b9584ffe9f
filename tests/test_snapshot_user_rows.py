"""The user's own market_share.csv / cloud_segments.csv: the names the screen prints are read,
every rejected line is named with its reason, and nothing impossible reaches the screen."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from aiwatch import metrics
from aiwatch.locations import bundled_data_dir
from aiwatch.model import PROVIDER_LABELS
from aiwatch.sources.snapshot import Rejected, load_snapshot, normal_period, with_user_rows

SHARE_HEAD = "provider,region,period,share_pct,firm,source_url,published\n"
SEGMENT_HEAD = "ticker,segment,quarter_end,revenue,currency,yoy_pct\n"
SYNERGY = "Synergy Research Group"


def shares_file(tmp_path: Path, *lines: str, head: str = SHARE_HEAD) -> Path:
    (tmp_path / "market_share.csv").write_text(head + "".join(f"{line}\n" for line in lines),
                                               encoding="utf-8")
    return tmp_path


def segments_file(tmp_path: Path, *lines: str, head: str = SEGMENT_HEAD) -> Path:
    (tmp_path / "cloud_segments.csv").write_text(head + "".join(f"{line}\n" for line in lines),
                                                 encoding="utf-8")
    return tmp_path


def user_shares(tmp_path: Path) -> list[tuple[str, str, str, float, str]]:
    snap = load_snapshot(user_dir=tmp_path)
    bundled = set(snap.bundled_shares)
    return [(s.provider, s.region, s.period, s.share_pct, s.firm)
            for s in snap.shares if s not in bundled]


# --- names -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2026Q2", "2026-Q2", "Q2 2026", "2026 Q2", "2026q2",
                                  " q2-2026 ", "2026_Q2"])
def test_periods_are_normalised(text: str) -> None:
    assert normal_period(text) == "2026Q2"


@pytest.mark.parametrize("text", ["2025H1", "2025-h1", "H1 2025"])
def test_half_years_are_normalised(text: str) -> None:
    assert normal_period(text) == "2025H1"


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "2025H3", "2026", "Q2", "June 2026",
                                  "2026-06-30", ""])
def test_unparseable_periods_are_rejected(text: str) -> None:
    with pytest.raises(Rejected, match="is not like 2026Q2 or 2025H1"):
        normal_period(text)


def test_the_names_the_screen_prints_are_read(tmp_path: Path) -> None:
    shares_file(tmp_path,
                "Azure,Global,2026-Q2,22,Synergy Research Group,,",
                "google cloud,GLOBAL,Q2 2026,15,Synergy Research Group,,",
                "Amazon Web Services,worldwide,2026q2,27,synergy,,",
                "Alibaba Cloud,China,2026 Q2,36,Omdia,,")
    assert user_shares(tmp_path) == [
        ("Microsoft", "global", "2026Q2", 22, SYNERGY),
        ("Google", "global", "2026Q2", 15, SYNERGY),
        ("AWS", "global", "2026Q2", 27, SYNERGY),
        ("Alibaba", "china", "2026Q2", 36, "Omdia"),
    ]
    snap = load_snapshot(user_dir=tmp_path)
    assert snap.problems == () and snap.rejected == ()
    azure = metrics.latest_share(snap.shares, "Microsoft")
    assert azure is not None and (azure.period, azure.share_pct) == ("2026Q2", 22)


def test_a_user_row_replaces_the_bundled_one_it_renames(tmp_path: Path) -> None:
    shares_file(tmp_path, "Google Cloud,global,2026Q1,15,Synergy Research Group,https://e.org,")
    snap = load_snapshot(user_dir=tmp_path)
    google = [s for s in snap.shares
              if (s.provider, s.period, s.firm) == ("Google", "2026Q1", SYNERGY)]
    assert [(g.share_pct, g.source_url) for g in google] == [(15, "https://e.org")]


def test_the_label_table_agrees_with_companies_csv() -> None:
    """The share bars' labels and the cards' cloud labels are one naming, not two."""
    with (bundled_data_dir() / "companies.csv").open(encoding="utf-8") as f:
        companies = {row["share_provider"]: row["cloud_label"] for row in csv.DictReader(f)}
    assert companies == PROVIDER_LABELS


# --- market_share.csv rejections --------------------------------------------------------------

@pytest.mark.parametrize(("line", "reason"), [
    ("AWS,global,2026Q2,150,Synergy Research Group,,", "share 150 is outside 0–100"),
    ("AWS,global,2026Q2,-1,Synergy Research Group,,", "share -1 is outside 0–100"),
    ("AWS,global,2026Q2,nan,Synergy Research Group,,", "share_pct 'nan' is not a finite number"),
    ("AWS,global,2026Q2,inf,Synergy Research Group,,", "share_pct 'inf' is not a finite number"),
    ("AWS,global,2026Q2,lots,Synergy Research Group,,", "share_pct 'lots' is not a number"),
    ("AWS,global,2026Q2,,Synergy Research Group,,", "no share_pct"),
    ("AWS,global,2026Q7,28,Synergy Research Group,,",
     "period '2026Q7' is not like 2026Q2 or 2025H1"),
    ("IBM,global,2026Q2,2,Synergy Research Group,,", "unknown provider 'IBM'"),
    ("AWS,Europe,2026Q2,28,Synergy Research Group,,", "unknown region 'Europe' (global or china)"),
    ("AWS,global,2026Q2,28,,,", "no firm"),
    ("AWS,global,2026Q2,28,Synergy Research Group,,13/05/2026",
     "published '13/05/2026' is not a date like 2026-05-13"),
    ("AWS,global,2026Q2,28,Synergy Research Group,,,extra",
     "more values than columns (a comma not in quotes?)"),
])
@pytest.mark.probe(31)
def test_a_bad_share_line_is_rejected_with_its_reason(
    tmp_path: Path, line: str, reason: str
) -> None:
    shares_file(tmp_path, "Azure,global,2026Q2,22,Synergy Research Group,,", line)
    snap = load_snapshot(user_dir=tmp_path)
    assert snap.problems == (f"market_share.csv line 3: {reason}",)
    assert snap.rejected == snap.problems
    assert user_shares(tmp_path) == [("Microsoft", "global", "2026Q2", 22, SYNERGY)]


def test_a_share_of_150_never_reaches_the_bars(tmp_path: Path) -> None:
    shares_file(tmp_path, "AWS,global,2026Q2,150,Synergy Research Group,,")
    snap = load_snapshot(user_dir=tmp_path)
    assert max(s.share_pct for s in snap.shares) <= 100
    aws = metrics.latest_share(snap.shares, "AWS")
    assert aws is not None and (aws.period, aws.share_pct) == ("2026Q1", 28)


def test_missing_columns_name_the_file_and_the_columns(tmp_path: Path) -> None:
    shares_file(tmp_path, "AWS,global,2026Q2", head="provider,region,period\n")
    snap = load_snapshot(user_dir=tmp_path)
    assert snap.problems == ("market_share.csv ignored: no share_pct, firm columns",)
    assert snap.shares == load_snapshot().shares


def test_headers_are_read_whatever_their_case_and_a_spreadsheet_bom(tmp_path: Path) -> None:
    (tmp_path / "market_share.csv").write_text(
        "\ufeffProvider, Region ,Period,Share_pct,Firm\nAzure,global,2026Q2,22,Synergy\n",
        encoding="utf-8")
    assert user_shares(tmp_path) == [("Microsoft", "global", "2026Q2", 22, SYNERGY)]


def test_line_numbers_count_blank_lines(tmp_path: Path) -> None:
    shares_file(tmp_path, "Azure,global,2026Q2,22,Synergy,,", "", ",,,,,,",
                "AWS,global,2026Q2,150,Synergy,,")
    assert load_snapshot(user_dir=tmp_path).problems == (
        "market_share.csv line 5: share 150 is outside 0–100",)


def test_many_rejected_lines_are_summarised_but_all_kept(tmp_path: Path) -> None:
    shares_file(tmp_path, *[f"AWS,global,2026Q{q},1{q}0,Synergy,," for q in (1, 2, 3, 4)],
                "IBM,global,2026Q1,2,Synergy,,")
    snap = load_snapshot(user_dir=tmp_path)
    assert snap.problems == (
        "market_share.csv line 2: share 110 is outside 0–100",
        "market_share.csv line 3: share 120 is outside 0–100",
        "market_share.csv: 3 more lines rejected (m lists them all)",
    )
    assert len(snap.rejected) == 5
    assert snap.rejected[-1] == "market_share.csv line 6: unknown provider 'IBM'"


def test_a_period_whose_shares_add_up_to_over_100_is_warned(tmp_path: Path) -> None:
    shares_file(tmp_path, "AWS,global,2026Q2,60,Synergy,,", "Azure,global,2026Q2,45,Synergy,,")
    snap = load_snapshot(user_dir=tmp_path)
    assert snap.problems == (
        "market_share.csv: Synergy Research Group global 2026Q2 shares add up to 105%",)
    assert len(user_shares(tmp_path)) == 2  # warned, not dropped


@pytest.mark.probe(31)
def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "cloud_segments.csv").write_bytes(b"\xff\xfe\x00garbage")
    snap = load_snapshot(user_dir=tmp_path)
    assert len(snap.problems) == 1
    assert snap.problems[0].startswith("cloud_segments.csv ignored: 'utf-8' codec")
    assert len(snap.cloud["AMZN"]) == 9  # the bundled rows are all still there


# --- cloud_segments.csv -----------------------------------------------------------------------

@pytest.mark.parametrize(("line", "segment", "quarter_end"), [
    ("AMZN,AWS,2026-06-30,40e9,USD,25", "AWS", "2026-06-30"),
    ("msft,Azure,2026-Q2,,usd,39", "Azure and other cloud services", "2026-06-30"),
    ("MSFT,intelligent cloud,2026Q2,35e9,USD,", "Intelligent Cloud", "2026-06-30"),
    ("GOOGL,Google Cloud,Q4 2026,22e9,USD,44", "Google Cloud", "2026-12-31"),
    ("BABA,Cloud Intelligence,2026-06-30,43e9,CNY,41%", "Cloud Intelligence Group",
     "2026-06-30"),
    ("BABA,Alibaba Cloud,2026 Q1,,CNY,38", "Cloud Intelligence Group", "2026-03-31"),
])
def test_segments_by_the_card_label_or_the_company_name(
    tmp_path: Path, line: str, segment: str, quarter_end: str
) -> None:
    snap = load_snapshot(user_dir=segments_file(tmp_path, line))
    ticker = line.split(",")[0].upper()
    assert snap.problems == ()
    row = metrics.segment_for(snap.cloud[ticker], segment, date.fromisoformat(quarter_end))
    assert row is not None and row not in snap.bundled_cloud


@pytest.mark.parametrize(("line", "reason"), [
    ("ORCL,OCI,2026-06-30,1e9,USD,50", "unknown ticker 'ORCL'"),
    ("AMZN,Azure,2026-06-30,1e9,USD,50", "segment 'Azure' is not one of AMZN's (AWS)"),
    ("AMZN,AWS,2026-06-29,1e9,USD,50",
     "quarter_end 2026-06-29 is not the last day of a calendar quarter"),
    ("AMZN,AWS,30/06/2026,1e9,USD,50",
     "quarter_end '30/06/2026' is not a date like 2026-06-30 or a quarter like 2026Q2"),
    ("AMZN,AWS,2026H1,1e9,USD,50", "quarter_end '2026H1' is a half-year, not a quarter"),
    ("AMZN,AWS,2026-06-30,1e9,US$,50", "currency 'US$' is not a 3-letter code like USD"),
    ("BABA,Cloud Intelligence Group,2026-06-30,6e9,USD,30",
     "currency USD, but BABA's Cloud Intelligence Group is in CNY"),
    ("AMZN,AWS,2026-06-30,nan,USD,50", "revenue 'nan' is not a finite number"),
    ("AMZN,AWS,2026-06-30,1e9,USD,-inf", "yoy_pct '-inf' is not a finite number"),
    ("AMZN,AWS,2026-06-30,40bn,USD,50", "revenue '40bn' is not a number"),
    ("AMZN,AWS,2026-06-30,-1e9,USD,50", "revenue -1e9 is negative"),
    ("AMZN,AWS,2026-06-30,,USD,", "neither revenue nor yoy_pct"),
    ("AMZN,AWS,2026-06-30,1e9,,50", "no currency"),
])
@pytest.mark.probe(40)
def test_a_bad_segment_line_is_rejected_with_its_reason(
    tmp_path: Path, line: str, reason: str
) -> None:
    snap = load_snapshot(user_dir=segments_file(tmp_path, line))
    assert snap.problems == (f"cloud_segments.csv line 2: {reason}",)
    assert snap.cloud == load_snapshot().cloud


def test_segment_file_without_its_columns_is_named(tmp_path: Path) -> None:
    segments_file(tmp_path, "AMZN,AWS,40e9", head="ticker,segment,revenue\n")
    assert load_snapshot(user_dir=tmp_path).problems == (
        "cloud_segments.csv ignored: no quarter_end, currency columns",)


# --- reading again ----------------------------------------------------------------------------

def test_reading_again_picks_up_edits_and_forgets_fixed_problems(tmp_path: Path) -> None:
    shares_file(tmp_path, "AWS,global,2026Q2,150,Synergy,,")
    snap = load_snapshot(user_dir=tmp_path)
    assert snap.problems == ("market_share.csv line 2: share 150 is outside 0–100",)
    shares_file(tmp_path, "AWS,global,2026Q2,27,Synergy,,")
    again = with_user_rows(snap)
    assert again.problems == () and again.rejected == ()
    aws = metrics.latest_share(again.shares, "AWS")
    assert aws is not None and (aws.period, aws.share_pct) == ("2026Q2", 27)
    (tmp_path / "market_share.csv").unlink()
    assert with_user_rows(again).shares == load_snapshot().shares
