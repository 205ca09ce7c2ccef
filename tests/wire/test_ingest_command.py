"""`masthead ingest`: one summary line, JSON lines, and the exit codes scripts rely on."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from masthead.newsroom.models import Article
from tests.wire_documents import rss, rss_item

pytestmark = pytest.mark.django_db

RSS = rss(
    rss_item(
        title="Ferry plan approved",
        guid="hlw-1",
        permalink=False,
        link="https://wire.example/1",
        pub_date="Sat, 28 Nov 2026 12:10:00 GMT",
        description="Summary.",
    ),
    rss_item(
        title="Second story",
        guid="hlw-2",
        permalink=False,
        pub_date="Sat, 28 Nov 2026 12:20:00 GMT",
        description="Another.",
    ),
    title="Harbor Light Wire — U.S.",
).decode()


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def feed_file(tmp_path: Path) -> Path:
    path = tmp_path / "us.xml"
    path.write_text(RSS, encoding="utf-8")
    return path


def test_it_ingests_on_a_fresh_database_and_prints_one_summary_line(feed_file):
    code, out, _ = run(str(feed_file))
    assert code == 0
    assert out.splitlines() == ["ingested 2 new, 0 updated, 0 killed, 0 skipped, 0 errors"]
    assert Article.objects.get(wire_guid="hlw-1").source.name == "Harbor Light Wire"


def test_it_is_a_no_op_the_second_time(feed_file):
    run(str(feed_file))
    code, out, _ = run(str(feed_file))
    assert (code, out.strip()) == (0, "ingested 0 new, 0 updated, 0 killed, 2 skipped, 0 errors")


def test_it_uses_the_given_source(feed_file):
    run(str(feed_file), "--source", "HLW")
    assert set(Article.objects.values_list("source__name", flat=True)) == {"HLW"}


def test_it_exits_1_and_names_each_failure(feed_file, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"uri": "x", "pubstatus": "replaced"}')
    code, out, _ = run(str(feed_file), str(bad))
    assert code == 1
    lines = out.splitlines()
    assert f"error: {bad} x: unknown pubstatus 'replaced'" in lines
    assert lines[-1] == "ingested 2 new, 0 updated, 0 killed, 0 skipped, 1 errors"


def test_it_exits_2_for_bad_usage(tmp_path):
    with pytest.raises(CommandError) as info:
        call_command("ingest", str(tmp_path / "missing.xml"))
    assert info.value.returncode == 2


def test_it_prints_one_json_object_per_item(feed_file, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, out, _ = run("--json", str(feed_file), str(bad))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [r["action"] for r in rows] == ["new", "new", "error"]
    article = Article.objects.get(wire_guid="hlw-1")
    assert rows[0] == {
        "file": str(feed_file),
        "guid": "hlw-1",
        "version": rows[0]["version"],
        "action": "new",
        "url": article.get_absolute_url(),
        "reason": "",
    }
    assert rows[2]["file"] == str(bad) and "malformed JSON" in rows[2]["reason"]


def test_it_ingests_a_directory_in_name_order(tmp_path, feed_file):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "a.xml").write_text(RSS, encoding="utf-8")
    (folder / "b.xml.part").write_text("half an upload")
    code, out, _ = run(str(folder))
    assert (code, out.strip()) == (0, "ingested 2 new, 0 updated, 0 killed, 0 skipped, 0 errors")


def test_it_ingests_the_demo_content(desk_sections):
    content = Path(__file__).resolve().parents[2] / "masthead/demo/content"
    code, out, _ = run(str(content / "continental-press"), str(content / "harbor-light-wire"))
    assert code == 0, out
    assert out.strip() == "ingested 66 new, 2 updated, 0 killed, 0 skipped, 0 errors"
    assert Article.objects.count() == 66
    assert Article.objects.filter(is_fiction=False).count() == 0
    cable = Article.objects.get(wire_guid__endswith="cpa-liepaja-fishermen-cable-route")
    assert "Kalniņa" in cable.body
    assert [c.note[:10] for c in cable.corrections.all()] == ["CORRECTION"]
    assert cable.section.slug == "world" and cable.dateline == "Liepāja, Latvia"
    assert not cable.body.startswith("<p>LIEPĀJA")
    vesper = Article.objects.get(wire_guid__endswith="cpa-vesper-falls-water-rationing")
    assert vesper.wire_version == 2 and vesper.was_updated and not vesper.corrections.exists()
    ice = Article.objects.get(wire_guid="hlw-2026-11-28-us-plains-ice-storm")
    assert ice.dateline == "DES MOINES, Iowa" and ice.byline_names == ["Imogen Farraday"]
    assert "fiction" not in {t.name.lower() for t in ice.tags.all()}
