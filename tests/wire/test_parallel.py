"""A big RSS/Atom document parsed in chunks by helper processes while the ingest writes.

What matters: the chunks read exactly as the whole document does (every corpus feed, cut into
tiny chunks, gives the same items), the helpers are real processes, a dead helper loses
nothing, and a chunk that cannot be read leaves the stories before it in and says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from masthead.newsroom.models import Article
from masthead.wire import parallel
from masthead.wire.adapters import rss_atom
from masthead.wire.adapters.base import detect
from masthead.wire.cleaning import CleanText, clean_items
from masthead.wire.ingest import ingest_bytes
from masthead.wire.items import IngestError, MalformedInput
from tests.wire.parallel_jobs import die_in_helper, pid
from tests.wire_documents import rss, rss_item


def _feed_files(corpora: Path) -> list[Path]:
    rows = (corpora / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [corpora / row.split("\t")[0] for row in rows if row.startswith("rss_atom/")]


def _flatten(batches) -> list:
    return [entry for entries in batches.lists for entry in entries]


def _comparable(entries: list) -> list:
    return [
        (type(e).__name__, e.reason, e.guid) if isinstance(e, IngestError) else e for e in entries
    ]


def test_it_reads_every_corpus_feed_in_chunks_as_in_one_piece(corpora, settings, monkeypatch):
    settings.MASTHEAD_WIRE_PARSE_PROCESSES = 1
    monkeypatch.setattr(rss_atom, "PARALLEL_MIN_ITEMS", 2)
    monkeypatch.setattr(rss_atom, "FIRST_CHUNK", 1)
    monkeypatch.setattr(rss_atom, "CHUNK", 2)
    # In this process, so that the count of chunked documents below can be taken.
    monkeypatch.setattr(parallel, "ordered_map", lambda func, jobs: map(func, jobs))
    chunked = []
    real_chunks = rss_atom._chunk_documents

    def counting(*args):
        jobs = real_chunks(*args)
        if jobs is not None:
            chunked.append(len(jobs))
        return jobs

    monkeypatch.setattr(rss_atom, "_chunk_documents", counting)
    compared = 0
    for path in _feed_files(corpora):
        data = path.read_bytes()
        try:
            adapter = detect(data)
        except IngestError:
            continue
        if adapter.name != "rss_atom":
            continue
        try:
            whole = adapter.parse(data)
        except IngestError as exc:
            with pytest.raises(type(exc)):
                _flatten(adapter.parse_batches(data))
            continue
        before = len(chunked)
        batches = adapter.parse_batches(data)
        in_chunks = _flatten(batches)
        assert _comparable(in_chunks) == _comparable(whole), path.name
        assert batches.total == len(whole), path.name
        compared += len(chunked) > before
    # Not vacuous: many real feeds (RSS 0.9x/1.0/2.0, Atom, several encodings) went in chunks.
    assert compared >= 6
    assert max(chunked) >= 3


@pytest.mark.parametrize("start_method", ["fork", "forkserver"])
def test_it_parses_in_other_processes_and_hands_results_back_in_order(start_method):
    results = list(
        parallel.ordered_map(pid, list(range(12)), processes=2, start_method=start_method)
    )
    assert [job for job, _ in results] == list(range(12))
    assert os.getpid() not in {helper for _, helper in results}


@pytest.mark.parametrize("start_method", ["fork", "forkserver"])
def test_it_reads_and_cleans_chunks_in_a_helper_started_either_way(start_method):
    """The real chunk reader and text cleaning, in a helper: a fork server's starts from a
    fresh interpreter, where they must work with no Django setup."""
    screened = rss_atom._screen(_feed(7), None)
    jobs = rss_atom._chunk_documents(screened.root, screened.items, screened.hashes, clean_items)
    chunks = list(
        parallel.ordered_map(rss_atom._read_chunk, jobs, processes=1, start_method=start_method)
    )
    items = [item for chunk in chunks for item in chunk]
    assert [i.guid for i in items] == [f"chunk-{n}" for n in range(7)]
    assert all(isinstance(i.cleaned, CleanText) for i in items)
    assert items[3].cleaned.fields["headline"] == "Ferry story 3 for the harbour board"
    assert items[3].cleaned.text_hash


def test_it_knows_every_format_when_one_adapter_was_imported_first():
    """A parse helper imports the RSS adapter on its own; the registry must still load all."""
    code = (
        "import masthead.wire.adapters.rss_atom\n"
        "from masthead.wire.adapters import adapter_names\n"
        "print(','.join(adapter_names()))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "masthead.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "newsml_g2,ninjs,nitf,rss_atom"


def test_it_parses_here_when_no_helper_is_configured(settings):
    settings.MASTHEAD_WIRE_PARSE_PROCESSES = 0
    results = list(parallel.ordered_map(pid, list(range(4))))
    assert {pid for _, pid in results} == {os.getpid()}


def test_it_finishes_the_job_here_when_a_helper_dies():
    jobs = [(os.getpid(), value) for value in range(6)]
    assert list(parallel.ordered_map(die_in_helper, jobs, processes=1)) == list(range(6))


def _feed(n: int) -> bytes:
    items = (
        rss_item(
            title=f"Ferry story {i} for the harbour board",
            guid=f"chunk-{i}",
            permalink=False,
            pub_date=f"Sat, 28 Nov 2026 12:{i % 60:02d}:00 GMT",
            description=f"Summary {i}.",
            body=f"<p>Story {i} about the ferry board and its timetable in the harbour town.</p>",
        )
        for i in range(n)
    )
    return rss(*items, title="Chunk Wire", link="https://wire.example/")


@pytest.mark.django_db
def test_it_ingests_a_big_feed_through_helper_processes(settings):
    settings.MASTHEAD_WIRE_PARSE_PROCESSES = 1
    n = rss_atom.PARALLEL_MIN_ITEMS + 40
    seen: list[tuple[int, int]] = []
    summary = ingest_bytes(_feed(n), file="big.xml", progress=lambda d, t: seen.append((d, t)))
    assert (summary.new, summary.errors) == (n, 0)
    assert Article.objects.filter(source__name="Chunk Wire").count() == n
    assert [r.guid for r in summary.results] == [f"chunk-{i}" for i in range(n)]
    assert seen[-1] == (n, n) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    again = ingest_bytes(_feed(n), file="big.xml")
    assert again.skipped == n


@pytest.mark.django_db
def test_it_keeps_what_went_in_when_a_later_chunk_cannot_be_read(settings, monkeypatch):
    settings.MASTHEAD_WIRE_PARSE_PROCESSES = 1
    monkeypatch.setattr(parallel, "ordered_map", lambda func, jobs: map(func, jobs))
    calls = []

    def flaky(job):
        calls.append(job)
        if len(calls) == 2:
            raise MalformedInput("malformed feed: chunk could not be read")
        return rss_atom._read(job[0], job[1])

    monkeypatch.setattr(rss_atom, "_read_chunk", flaky)
    n = rss_atom.PARALLEL_MIN_ITEMS
    summary = ingest_bytes(_feed(n), file="big.xml")
    first = rss_atom.FIRST_CHUNK
    assert summary.new == first
    assert summary.errors == 1
    error = summary.results[-1]
    assert error.reason == f"malformed feed: chunk could not be read (after {first} of {n} items)"
    assert Article.objects.filter(source__name="Chunk Wire").count() == first
