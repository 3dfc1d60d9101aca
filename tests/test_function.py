"""Function, not only pain (issue 18): up to three everyday activities rated 0-10 once a week.
The core rules, the store (week replacement, rename and removal, the migration from version 5),
export and import by uuid, and the weekly report's lines."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from stretchtui.core import function as fn
from stretchtui.core.clock import FrozenClock
from stretchtui.core.errors import FieldError, UserError
from stretchtui.core.function import ActivityEdit
from stretchtui.store import Store
from stretchtui.store import models as m
from stretchtui.store.migrations import LATEST_VERSION

NOW = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)  # the frozen clock: Saturday, week of Mon 16 Nov
MONDAY = date(2026, 11, 16)


# ---------------------------------------------------------------------- core rules


def test_parse_rate_takes_the_last_equals_sign() -> None:
    assert fn.parse_rate("sit through a meeting=6") == ("sit through a meeting", 6)
    assert fn.parse_rate("  put on socks = 10 ") == ("put on socks", 10)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("put on socks", "no '='"),
        ("put on socks=11", "0 to 10"),
        ("put on socks=-1", "0 to 10"),
        ("put on socks=six", "0 to 10"),
        ("=5", "must not be empty"),
        ("x" * 61 + "=5", "the limit is 60"),
        ("socks\x1b[2J=5", "ESC"),
        ("a=b=5", "holds '='"),
    ],
)
def test_parse_rate_refuses_bad_input_in_one_line(text: str, said: str) -> None:
    with pytest.raises(FieldError) as caught:
        fn.parse_rate(text)
    assert said in str(caught.value) and "\n" not in str(caught.value)


def test_rating_scale_is_said_in_the_error() -> None:
    with pytest.raises(FieldError, match="0 = can't do it, 10 = as before"):
        fn.rating_value(12)


def test_at_most_three_activities_and_the_refusal_names_them() -> None:
    three = fn.with_activity(fn.with_activity(fn.with_activity([], "a"), "b"), "c")
    assert three == ["a", "b", "c"]
    assert fn.with_activity(three, "B") == three  # already there, whatever the case
    with pytest.raises(UserError) as caught:
        fn.with_activity(three, "d")
    assert '"a", "b", "c"' in str(caught.value) and "fourth" in str(caught.value)


def test_the_setting_refuses_four_or_twice_the_same() -> None:
    with pytest.raises(FieldError, match="limit is 3"):
        fn.activities_value(["a", "b", "c", "d"], "function_activities")
    with pytest.raises(FieldError, match="twice"):
        fn.activities_value(["a", "A"], "function_activities")


def test_trends_keep_former_activities_after_the_listed_ones() -> None:
    def rating(activity: str, day: date, value: int, minute: int = 0) -> fn.FunctionRating:
        at = datetime(day.year, day.month, day.day, 9, minute, tzinfo=UTC)
        return fn.FunctionRating(uuid=f"u{day}{minute}", activity=activity, rating=value, at=at, zone="UTC", day=day)

    ratings = [
        rating("socks", MONDAY - timedelta(days=7), 4),
        rating("socks", MONDAY, 5),
        rating("socks", MONDAY + timedelta(days=2), 6, 1),  # later in the same week: counts
        rating("old one", MONDAY, 2),
    ]
    [socks, meeting, old] = fn.trends(["socks", "meeting"], ratings)
    assert socks.by_week == {MONDAY - timedelta(days=7): 4, MONDAY: 6} and socks.change(MONDAY) == 2
    assert meeting.by_week == {} and meeting.current
    assert old.name == "old one" and not old.current
    assert fn.report_lines([socks, meeting, old], MONDAY) == (
        "Function, socks: 6/10 (+2 from 4 the week before)",
        "Function, meeting: not rated this week",
        "Function, old one: 2/10 (not rated the week before)",
    )


# ---------------------------------------------------------------------- the store


def test_a_second_rating_in_the_same_week_replaces_the_first(store: Store) -> None:
    first = store.function.rate("Put on socks", 3)
    second = store.function.rate("put on socks", 5, at=NOW + timedelta(days=1))  # Sunday: same week
    assert second.uuid == first.uuid and second.rating == 5 and second.activity == "Put on socks"
    assert [(r.activity, r.rating) for r in store.function.ratings()] == [("Put on socks", 5)]
    store.function.rate("put on socks", 7, at=NOW + timedelta(days=2))  # Monday: a new week
    assert [r.rating for r in store.function.ratings()] == [5, 7]
    assert store.function.activities() == ["Put on socks"]


def test_a_fourth_activity_is_refused_and_nothing_is_written(store: Store) -> None:
    for name in ("a", "b", "c"):
        store.function.rate(name, 5)
    with pytest.raises(UserError, match='"a", "b", "c"'):
        store.function.rate("d", 5)
    assert store.function.activities() == ["a", "b", "c"] and len(store.function.ratings()) == 3


def test_rename_relabels_past_ratings_and_drop_keeps_them(store: Store) -> None:
    store.function.rate("socks", 4, at=NOW - timedelta(days=7))
    store.function.rate("socks", 6)
    store.function.rename_activity("SOCKS", "put on socks")
    assert store.function.activities() == ["put on socks"]
    assert {r.activity for r in store.function.ratings()} == {"put on socks"}
    store.function.drop_activity("put on socks")
    assert store.function.activities() == []
    [former] = store.function.trends()
    assert former.name == "put on socks" and not former.current and len(former.by_week) == 2


def test_the_dialog_save_renames_removes_adds_and_rates_at_once(store: Store) -> None:
    store.function.rate("socks", 4)
    store.function.rate("meeting", 5)
    listed = store.function.save(
        [ActivityEdit("socks", "put on socks", 6), ActivityEdit("meeting", "", None), ActivityEdit("", "walk", 3)]
    )
    assert listed == ["put on socks", "walk"]
    assert sorted((r.activity, r.rating) for r in store.function.ratings()) == [
        ("meeting", 5),
        ("put on socks", 6),
        ("walk", 3),
    ]


def test_a_rating_keeps_its_instant_zone_and_logical_day(store: Store) -> None:
    rating = store.function.rate("socks", 4)
    assert rating.at == NOW and rating.zone == "Europe/Berlin" and rating.day == date(2026, 11, 21)
    assert rating.week == MONDAY


def test_migration_6_upgrades_a_version_5_database(tmp_path: Path, clock: FrozenClock) -> None:
    path = tmp_path / "v5.db"
    store = Store.open(path, clock)
    store.checkins.add_checkin([], note="before function ratings")
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE function_rating")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    store = Store.open(path, clock)
    try:
        assert store.schema_version() == LATEST_VERSION >= 6
        assert [c.note for c in store.checkins.checkins()] == ["before function ratings"]
        store.function.rate("socks", 4)
        with pytest.raises(Exception, match="CHECK"):
            m.FunctionRating.update(rating=11).execute()
    finally:
        store.close()


# ---------------------------------------------------------------------- export and import


def test_export_and_import_round_trip_merges_by_uuid(store: Store, tmp_path: Path, clock: FrozenClock) -> None:
    from stretchtui.core.exchange import reading, writing
    from stretchtui.core.exchange.bundle import Bundle

    store.function.rate("socks", 4, at=NOW - timedelta(days=7))
    store.function.rate("socks", 6)
    bundle = Bundle.collect(store.exchange.export_records())
    assert [r["rating"] for r in bundle.function_ratings] == [4, 6]
    assert bundle.settings["function_activities"] == ["socks"]
    plain = writing.to_plain(bundle, exported_at=NOW, app_version="test")
    assert plain["function_ratings"][0].keys() == {"uuid", "activity", "rating", "at", "zone", "day"}

    other = Store.open(tmp_path / "other.db", clock)
    try:
        result = other.exchange.import_entries(reading.entries_of(plain))
        assert result.added["function_ratings"] == 2
        assert other.function.activities() == ["socks"]
        assert [(r.uuid, r.rating, r.day) for r in other.function.ratings()] == [
            (r.uuid, r.rating, r.day) for r in store.function.ratings()
        ]
        again = other.exchange.import_entries(reading.entries_of(plain))
        assert again.added["function_ratings"] == 0 and again.already_there["function_ratings"] == 2
    finally:
        other.close()


def test_an_import_keeps_this_stores_rating_of_the_same_week(store: Store, tmp_path: Path, clock: FrozenClock) -> None:
    from stretchtui.core.exchange import reading, writing
    from stretchtui.core.exchange.bundle import Bundle

    store.function.rate("socks", 4)
    plain = writing.to_plain(Bundle.collect(store.exchange.export_records()), exported_at=NOW, app_version="t")
    other = Store.open(tmp_path / "other.db", clock)
    try:
        other.function.rate("Socks", 8)
        result = other.exchange.import_entries(reading.entries_of(plain))
        assert result.added["function_ratings"] == 0
        assert [r.rating for r in other.function.ratings()] == [8]
    finally:
        other.close()


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"rating": 11}, "function_ratings[0].rating"),
        ({"activity": ""}, "function_ratings[0].activity"),
        ({"activity": "a\nb"}, "function_ratings[0].activity"),
        ({"extra": 1}, "function_ratings[0].extra: is not a known field"),
        ({"day": "2026-12-25"}, "function_ratings[0].day"),
    ],
)
def test_an_import_refuses_a_bad_rating(store: Store, change: dict, said: str) -> None:
    from stretchtui.core.exchange import reading
    from stretchtui.core.exchange.reading import ImportFileError

    record = {
        "uuid": "6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a10",
        "activity": "socks",
        "rating": 5,
        "at": "2026-11-21T08:30:00Z",
        "zone": "Europe/Berlin",
        "day": "2026-11-21",
        **change,
    }
    plain = {"format": "stretchtui-export", "format_version": 3, "function_ratings": [record]}
    with pytest.raises(ImportFileError, match=said.replace("[", r"\[").replace("]", r"\]")):
        store.exchange.import_entries(reading.entries_of(plain))
    assert store.function.ratings() == []


def test_an_import_refuses_two_ratings_of_one_activity_in_one_week(store: Store) -> None:
    from stretchtui.core.exchange import reading
    from stretchtui.core.exchange.reading import ImportFileError

    def record(uuid: str, day: str) -> dict:
        at = f"{day}T08:30:00Z"
        return {"uuid": uuid, "activity": "socks", "rating": 5, "at": at, "zone": "UTC", "day": day}

    plain = {
        "format": "stretchtui-export",
        "format_version": 3,
        "function_ratings": [
            record("6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a10", "2026-11-16"),
            record("6f1c3a52-8d0e-4f5b-9a77-2b1d7c0e5a11", "2026-11-20"),
        ],
    }
    with pytest.raises(ImportFileError, match="rated twice in one week"):
        store.exchange.import_entries(reading.entries_of(plain))


# ---------------------------------------------------------------------- the weekly report


def test_the_weekly_report_lists_the_ratings_next_to_pain(store: Store) -> None:
    from stretchtui.core.report import build_report
    from stretchtui.core.report_render import render_html, render_markdown

    store.function.rate("sit through a meeting", 4, at=NOW - timedelta(days=7))
    store.function.rate("sit through a meeting", 6)
    store.function.rate("put on socks", 3)
    report = build_report(store.reports.weekly_report_inputs(MONDAY), date(2026, 11, 21))
    markdown = render_markdown(report)
    assert "Function, sit through a meeting: 6/10 (+2 from 4 the week before)" in markdown
    assert "Function, put on socks: 3/10 (not rated the week before)" in markdown
    assert "0 = can't do it, 10 = as before" in markdown
    assert markdown.index("Function, sit") > markdown.index("Pain")
    html = render_html(report)
    assert "Function, put on socks: 3/10" in html
    earlier = build_report(store.reports.weekly_report_inputs(MONDAY - timedelta(days=7)), date(2026, 11, 21))
    assert "Function, sit through a meeting: 4/10 (not rated the week before)" in render_markdown(earlier)
