"""The meter's pure decision, on generated readers, levels and histories."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from masthead.accounts.meter import Level, Reader, Reason, decide

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
WINDOW = dt.timedelta(days=30)

times = st.datetimes(
    min_value=dt.datetime(2026, 9, 1),
    max_value=dt.datetime(2026, 11, 20, 12, 0),
    timezones=st.just(dt.UTC),
)
histories = st.dictionaries(st.integers(1, 60), times, max_size=25)
levels = st.sampled_from(list(Level))
readers = st.sampled_from(list(Reader))
allowances = st.integers(0, 12)


def run(level, reader, article_id, history, allowance=6):
    return decide(
        level=level,
        reader=reader,
        article_id=article_id,
        history=history,
        now=NOW,
        window=WINDOW,
        allowance=allowance,
    )


def recent(history):
    return {a for a, t in history.items() if NOW - WINDOW < t <= NOW}


@given(readers, st.integers(1, 60), histories)
def test_it_gives_free_articles_to_everyone_alike(reader, article_id, history):
    decision = run(Level.FREE, reader, article_id, history)
    assert decision.full and not decision.personal and not decision.record


@given(
    st.sampled_from([Reader.CRAWLER, Reader.STAFF, Reader.SUBSCRIBER]),
    levels,
    st.integers(1, 60),
    histories,
)
def test_it_gives_everything_to_crawlers_staff_and_subscribers(reader, level, aid, history):
    assert run(level, reader, aid, history).full


@given(
    st.sampled_from([Reader.ANONYMOUS, Reader.COOKIELESS]),
    st.integers(1, 60),
    histories,
    allowances,
)
def test_it_meters_anonymous_readers(reader, article_id, history, allowance):
    decision = run(Level.REGISTRATION, reader, article_id, history, allowance)
    read = recent(history)
    expected = article_id in read or len(read) < allowance
    assert decision.full is expected
    assert decision.personal
    if decision.full and article_id not in read:
        assert decision.reason is Reason.METERED and decision.record
        assert decision.remaining == allowance - len(read) - 1
    if not decision.full:
        assert decision.reason is Reason.METER_EXHAUSTED and decision.remaining == 0


@given(st.integers(1, 60), histories, allowances)
def test_it_never_charges_twice_for_the_same_story(article_id, history, allowance):
    history = {**history, article_id: NOW - dt.timedelta(days=1)}
    decision = run(Level.REGISTRATION, Reader.ANONYMOUS, article_id, history, allowance)
    assert decision.full and decision.reason is Reason.ALREADY_READ and not decision.record


@given(st.integers(1, 60), histories, st.integers(61, 90), times)
def test_it_never_opens_the_wall_by_reading_more(article_id, history, extra, when):
    before = run(Level.REGISTRATION, Reader.ANONYMOUS, article_id, history)
    after = run(Level.REGISTRATION, Reader.ANONYMOUS, article_id, {**history, extra: when})
    assert before.full or not after.full


@given(
    st.sampled_from([Reader.ANONYMOUS, Reader.COOKIELESS, Reader.REGISTERED]),
    st.integers(1, 60),
    histories,
)
def test_it_keeps_subscriber_stories_for_subscribers(reader, article_id, history):
    history = {k: v for k, v in history.items() if k != article_id}
    decision = run(Level.SUBSCRIBERS, reader, article_id, history, allowance=100)
    assert not decision.full and decision.reason is Reason.SUBSCRIBERS_ONLY


@given(st.integers(1, 60), histories)
def test_it_gives_registered_readers_registration_stories(article_id, history):
    assert run(Level.REGISTRATION, Reader.REGISTERED, article_id, history, allowance=0).full


def test_it_forgets_reads_older_than_the_window():
    old = {n: NOW - dt.timedelta(days=31) for n in range(1, 10)}
    assert run(Level.REGISTRATION, Reader.ANONYMOUS, 99, old, allowance=1).full
    inside = {n: NOW - dt.timedelta(days=29) for n in range(1, 2)}
    assert not run(Level.REGISTRATION, Reader.ANONYMOUS, 99, inside, allowance=1).full


def test_it_walls_the_reader_after_exactly_the_allowance():
    history: dict[int, dt.datetime] = {}
    granted = []
    for article_id in range(1, 10):
        decision = run(Level.REGISTRATION, Reader.ANONYMOUS, article_id, history, allowance=6)
        granted.append(decision.full)
        if decision.record:
            history[article_id] = NOW
    assert granted == [True] * 6 + [False] * 3
