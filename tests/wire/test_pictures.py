"""Pictures from the wire: every adapter reads them from real corpus files; pictures beside the
item in a drop folder are read from there and never from outside it; remote ones only from the
feed's hosts, never from a private address; refusals land in the ingest log with a reason."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from masthead.newsroom.actions import KillArticleAction, SetPicturesAction
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article, Image
from masthead.wire import fetch
from masthead.wire import pictures as wire_pictures
from masthead.wire.adapters import detect
from masthead.wire.ingest import ingest_bytes, ingest_file
from masthead.wire.items import FetchFailed, WireItem
from masthead.wire.models import Feed, IngestLog, Outcome
from tests.pictures import bomb, jpeg
from tests.wire_documents import rss, rss_item

pytestmark = pytest.mark.django_db

NAR = "http://iptc.org/std/nar/2006-10-01/"


def items(data: bytes) -> list[WireItem]:
    return [e for e in detect(data).parse(data) if isinstance(e, WireItem)]


def reuters_message(corpora) -> bytes:
    """The Reuters package, its text item and a picture item in one newsMessage, as Reuters
    sends them (the corpus has the three as separate files; the package's first picture
    reference is pointed at the picture item the corpus has)."""
    folder = corpora / "newsmlg2"
    parts = []
    for name in (
        "sd_reuters_KBN0FL0NM_v10_package.xml",
        "sd_reuters_KBN0FL0NN_v5_text.xml",
        "sd_reuters_GM1EA7M13RP01_picture.xml",
    ):
        root = etree.fromstring((folder / name).read_bytes())
        found = [
            el for el in root.iter() if etree.QName(el).localname in {"packageItem", "newsItem"}
        ]
        parts.append(etree.tostring(found[0], encoding="unicode"))
    package = parts[0].replace(
        "tag_reuters.com_2014_newsml_LYNXMPEA6F13M", "tag_reuters.com_0000_newsml_GM1EA7M13RP01"
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><newsMessage xmlns="{NAR}"><header>'
        f"<sent>2014-07-17T00:24:11Z</sent></header><itemSet>{package}{parts[1]}{parts[2]}"
        "</itemSet></newsMessage>"
    ).encode()


def test_it_joins_a_newsml_g2_package_with_its_picture_items(corpora):
    entries = detect(data := reuters_message(corpora)).parse(data)
    story = next(e for e in entries if isinstance(e, WireItem))
    assert story.guid == "tag_reuters.com_2014_newsml_KBN0FL0NN"
    [picture] = story.pictures
    assert picture.href.endswith("GM1EA7M13RP01-BASEIMAGE")  # the largest rendition
    assert (picture.width, picture.height) == (3500, 2113)
    assert "Vin Diesel" in picture.caption and picture.credit == "REUTERS"
    notes = [e.reason for e in entries if not isinstance(e, WireItem)]
    assert any("the picture of story tag_reuters.com_2014_newsml_KBN0FL0NN" in n for n in notes)


def test_it_reads_a_newsml_g2_picture_item_with_a_relative_rendition(corpora):
    from masthead.wire.adapters.newsml_g2 import picture_ref

    root = etree.fromstring((corpora / "newsmlg2/iptc_LISTING_3_photo.xml").read_bytes())
    ref = picture_ref(root)
    assert ref is not None and ref.href == "./GYI0062134533.jpg"
    assert ref.credit == "Getty Images" and "Las Vegas" in ref.caption


def test_it_reads_ninjs_associations(corpora):
    [story] = items((corpora / "ninjs/iptc_3.0_tt_text_image.json").read_bytes())
    [picture] = story.pictures
    assert picture.href.endswith("a001_NormalHires.jpg")  # the largest of four renditions
    assert picture.credit == "Karl Melander/TT"
    assert "Aurora 17" in picture.caption
    [older] = items((corpora / "ninjs/sd_ninjs2_assoc_v4.json").read_bytes())
    assert older.pictures[0].href.endswith("599e31ec1d41c833e0b8a830.jpg")
    assert older.pictures[0].credit == "Bebeto Matthews"


def test_it_reads_rss_media_content(corpora):
    found = items((corpora / "rss_atom/rssparser_guardian_us.rss").read_bytes())
    pictured = [i for i in found if i.pictures]
    assert len(pictured) > 40
    assert all(p.href.startswith("https://i.guim.co.uk/") for i in pictured for p in i.pictures)
    # Each story's one picture, sent at 140 and 460 wide: one picture, the wider.
    assert all(len(i.pictures) == 1 and i.pictures[0].width == 460 for i in pictured)
    assert any(p.credit for i in pictured for p in i.pictures)


def test_it_reads_nitf_media_and_leaves_it_out_of_the_body(corpora):
    [story] = items((corpora / "nitf/guardian_nitf_3.6_foreign_namespaces.xml").read_bytes())
    [picture] = story.pictures
    assert (
        picture.href == "http://syndication.example.org/contentid/7ec8f76677914ac68cec6ad32a67bc2a"
    )
    assert picture.credit == "The Example Press, NASA"
    assert "Vinnie Tripodi" in picture.caption
    assert (
        "media-caption" not in story.body_html and "Vinnie Tripodi, STS-129" not in story.body_html
    )


def _rss_with_picture(href: str, guid: str = "pic-1", title: str = "Harbour reopens") -> bytes:
    item = rss_item(
        title=title, guid=guid, description="The harbour reopened.", body="<p>Text.</p>"
    )
    media = (
        f'<media:content url="{href}" medium="image" type="image/jpeg">'
        "<media:credit>Jo Lens</media:credit><media:text>Boats in the harbour</media:text>"
        "</media:content>"
    )
    return rss(item.replace("</item>", media + "</item>")).replace(
        b"<rss ", b'<rss xmlns:media="http://search.yahoo.com/mrss/" ', 1
    )


def test_it_reads_a_picture_beside_the_item_in_a_drop_folder(
    tmp_path, django_capture_on_commit_callbacks
):
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "harbour.jpg").write_bytes(jpeg())
    document = tmp_path / "feed.xml"
    document.write_bytes(_rss_with_picture("pictures/harbour.jpg"))
    with django_capture_on_commit_callbacks(execute=True):
        ingest_file(document)
    article = Article.objects.get()
    assert article.lead_image is not None
    assert article.lead_image.alt == "Boats in the harbour"
    assert article.lead_image.credit == "Jo Lens"
    assert article.lead_image.renditions  # made by the worker's task


@pytest.mark.parametrize("href", ["../secret.jpg", "/etc/passwd", "pictures/../../x.jpg"])
def test_it_never_reads_a_picture_outside_the_drop_folder(tmp_path, href):
    (tmp_path / "secret.jpg").write_bytes(jpeg())
    inner = tmp_path / "drop"
    inner.mkdir()
    document = inner / "feed.xml"
    document.write_bytes(_rss_with_picture(href))
    ingest_file(document)
    article = Article.objects.get()
    assert article.lead_image is None
    log = IngestLog.objects.get(action=Outcome.PICTURE)
    assert "outside the delivered file's folder" in log.reason
    assert Image.objects.count() == 0


def test_it_refuses_a_non_image_and_a_bomb_with_a_reason_in_the_ingest_log(tmp_path):
    (tmp_path / "fake.jpg").write_bytes(b"GIF89a but really a script")
    (tmp_path / "bomb.png").write_bytes(bomb())
    document = tmp_path / "feed.xml"
    one = _rss_with_picture("fake.jpg", guid="a", title="First story")
    two = _rss_with_picture("bomb.png", guid="b", title="Second story")
    document.write_bytes(
        one.replace(b"</channel>", re.search(rb"<item>.*</item>", two).group(0) + b"</channel>")
    )
    ingest_file(document)
    assert Article.objects.count() == 2
    assert Image.objects.count() == 0
    reasons = sorted(
        IngestLog.objects.filter(action=Outcome.PICTURE).values_list("reason", flat=True)
    )
    assert len(reasons) == 2
    assert any("not a picture" in r for r in reasons)
    assert any("decompression bomb" in r for r in reasons)


def test_it_refuses_a_remote_host_the_feed_does_not_allow(monkeypatch):
    monkeypatch.setattr(fetch, "fetch_picture", lambda *a, **k: pytest.fail("fetched"))
    feed = Feed.objects.create(name="F", slug="f", picture_hosts="photos.agency.example")
    ingest_bytes(_rss_with_picture("https://evil.example/p.jpg"), feed=feed, file="feed.xml")
    log = IngestLog.objects.get(action=Outcome.PICTURE)
    assert "evil.example is not among the feed's picture hosts" in log.reason
    assert Article.objects.get().lead_image is None


def test_it_fetches_from_an_allowed_host_in_the_worker(
    monkeypatch, django_capture_on_commit_callbacks
):
    calls = []

    def fake(url, *, limit):
        calls.append((url, limit))
        return jpeg()

    monkeypatch.setattr(fetch, "fetch_picture", fake)
    feed = Feed.objects.create(name="F", slug="f", picture_hosts="photos.agency.example")
    with django_capture_on_commit_callbacks(execute=True):
        ingest_bytes(_rss_with_picture("https://photos.agency.example/p.jpg"), feed=feed)
    assert calls == [("https://photos.agency.example/p.jpg", 15 * 1024 * 1024)]
    assert Article.objects.get().lead_image.credit == "Jo Lens"


def test_it_refuses_a_private_address_even_on_an_allowed_host(
    corpora, django_capture_on_commit_callbacks
):
    feed = Feed.objects.create(name="F", slug="f", picture_hosts="localhost")
    with django_capture_on_commit_callbacks(execute=True):
        ingest_bytes((corpora / "ninjs/sd_ninjs2_assoc_v4.json").read_bytes(), feed=feed)
    log = IngestLog.objects.get(action=Outcome.PICTURE)
    assert "private or loopback address" in log.reason
    with pytest.raises(FetchFailed, match="private or loopback"):
        fetch.fetch_picture("http://127.0.0.1:9/x.jpg", limit=10)


def test_it_replaces_the_picture_on_an_update_and_stores_a_repeat_once(tmp_path):
    (tmp_path / "one.jpg").write_bytes(jpeg(colour=(10, 10, 10)))
    (tmp_path / "two.jpg").write_bytes(jpeg(colour=(200, 200, 10)))
    for n, name in enumerate(["one.jpg", "one.jpg", "two.jpg"]):
        document = tmp_path / f"feed{n}.xml"
        data = _rss_with_picture(name).replace(b"<p>Text.</p>", f"<p>Text {n}.</p>".encode())
        document.write_bytes(data)
        ingest_file(document)
    article = Article.objects.get()
    assert Image.objects.count() == 2
    assert article.lead_image.original.name.endswith(".jpg")
    with article.lead_image.original.open("rb") as f:
        assert f.read() == (tmp_path / "two.jpg").read_bytes()


def test_it_takes_no_picture_for_a_killed_story(tmp_path):
    (tmp_path / "one.jpg").write_bytes(jpeg())
    document = tmp_path / "feed.xml"
    document.write_bytes(_rss_with_picture("one.jpg"))
    ingest_file(document)
    article = Article.objects.get()
    KillArticleAction(article=article, reason="legal", actor=Actor.system("tests")).execute()
    feed = Feed.objects.create(name="F", slug="f", picture_hosts="photos.agency.example")
    ref = wire_pictures.PictureRef(href="https://photos.agency.example/p.jpg")
    outcome = wire_pictures.fetch_and_attach(article.pk, ref, position=0, feed_id=feed.pk, file="")
    assert outcome == "story killed: picture not fetched"


def test_it_keeps_an_editors_lead_picture_when_the_wire_sends_a_new_one(
    tmp_path, django_user_model
):
    from tests.pictures import stored

    (tmp_path / "one.jpg").write_bytes(jpeg(colour=(10, 10, 10)))
    (tmp_path / "two.jpg").write_bytes(jpeg(colour=(200, 200, 10)))
    first = tmp_path / "feed1.xml"
    first.write_bytes(_rss_with_picture("one.jpg"))
    ingest_file(first)
    article = Article.objects.get()
    chosen = stored(jpeg(colour=(90, 20, 200)), alt="The editor's choice")
    user = django_user_model.objects.create_superuser("desk", "desk@example.org", "pw")
    SetPicturesAction(article=article, lead=chosen, actor=Actor.editor(user)).execute()
    second = tmp_path / "feed2.xml"
    second.write_bytes(
        _rss_with_picture("two.jpg").replace(b"<p>Text.</p>", b"<p>Text, updated.</p>")
    )
    ingest_file(second)
    article.refresh_from_db()
    assert "updated" in article.body  # the version applied
    assert article.lead_image_id == chosen.pk  # but not its picture


def _rss_with_described_picture(*, description: bool, body: bool) -> bytes:
    item = rss_item(
        title="Harbour reopens",
        guid="described",
        description="The harbour reopened." if description else None,
        body="<p>The story's own text.</p>" if body else None,
    )
    media = (
        "<media:group>"
        '<media:content url="https://photos.agency.example/a.jpg?w=140" medium="image">'
        "<media:description>Small copy.</media:description></media:content>"
        '<media:content url="https://photos.agency.example/a.jpg?w=460" medium="image" '
        'width="460"/>'
        '<media:content url="https://photos.agency.example/b.jpg" medium="image" width="460"/>'
        '<media:description type="html">Boats &lt;b&gt;at dawn&lt;/b&gt; &amp; gulls.'
        "</media:description></media:group>"
    )
    return rss(item.replace("</item>", media + "</item>")).replace(
        b"<rss ", b'<rss xmlns:media="http://search.yahoo.com/mrss/" ', 1
    )


@pytest.mark.parametrize("description", [True, False])
@pytest.mark.parametrize("body", [True, False])
def test_it_reads_rss_media_description_as_the_caption(description, body):
    [story] = items(_rss_with_described_picture(description=description, body=body))
    first, second = story.pictures
    assert first.href.endswith("a.jpg?w=460") and first.caption == "Small copy."
    assert second.caption == "Boats at dawn & gulls."  # the group's, for each picture
    # feedparser took a caption for the summary or the body: neither is the story's text.
    for text in (story.summary, story.body_html):
        assert "Small copy" not in text and "Boats" not in text
    if body:
        assert "The story's own text." in story.body_html
    if description:
        assert "The harbour reopened." in story.summary + story.body_html


def test_it_reads_media_description_in_a_chunk_a_helper_process_parses():
    from masthead.wire.adapters.rss_atom import _read

    [story] = _read(_rss_with_described_picture(description=True, body=True), None)
    assert story.pictures[0].caption == "Small copy."


# -- a package and its picture items in separate files ------------------------------------

REUTERS_PICTURE = "tag_reuters.com_0000_newsml_GM1EA7M13RP01"
GETTY_PICTURE = "tag:gettyimages.com,2010:GYI0062134533"
REUTERS_STORY = "tag_reuters.com_2014_newsml_KBN0FL0NN"
PACKAGE_LEAD = "tag_reuters.com_2014_newsml_LYNXMPEA6F13M"  # the package's first picture


def _drop(corpora, folder, name: str, *, replace: tuple[str, str] | None = None):
    data = (corpora / "newsmlg2" / name).read_bytes()
    if replace is not None:
        assert replace[0].encode() in data
        data = data.replace(replace[0].encode(), replace[1].encode())
    path = folder / name
    path.write_bytes(data)
    return path


def _package_and_picture(
    corpora, tmp_path, order: str, *, picture_name: str, picture_guid: str, feed: Feed
) -> None:
    """The story, then its package (its lead pointed at `picture_guid`) and the picture
    item, each its own file in a drop folder, in `order`."""
    drop = tmp_path / "drop"
    drop.mkdir(exist_ok=True)
    story = _drop(corpora, drop, "sd_reuters_KBN0FL0NN_v5_text.xml")
    package = _drop(
        corpora,
        drop,
        "sd_reuters_KBN0FL0NM_v10_package.xml",
        replace=(PACKAGE_LEAD, picture_guid),
    )
    picture = _drop(corpora, drop, picture_name)
    ingest_file(story, feed=feed)
    for path in (package, picture) if order == "package first" else (picture, package):
        ingest_file(path, feed=feed)


@pytest.mark.parametrize("order", ["package first", "picture first"])
def test_it_joins_a_package_and_its_remote_picture_item_sent_apart(
    corpora, tmp_path, monkeypatch, django_capture_on_commit_callbacks, order
):
    from masthead.wire.models import PackagePicture

    calls = []

    def fake(url, *, limit):
        calls.append(url)
        return jpeg()

    monkeypatch.setattr(fetch, "fetch_picture", fake)
    feed = Feed.objects.create(name="Reuters", slug="reuters", picture_hosts="content.reuters.com")
    with django_capture_on_commit_callbacks(execute=True):
        _package_and_picture(
            corpora,
            tmp_path,
            order,
            picture_name="sd_reuters_GM1EA7M13RP01_picture.xml",
            picture_guid=REUTERS_PICTURE,
            feed=feed,
        )
    article = Article.objects.get(wire_guid=REUTERS_STORY)  # after the worker's tasks
    assert len(calls) == 1 and calls[0].endswith("GM1EA7M13RP01-BASEIMAGE")  # the largest
    lead = article.lead_image
    assert lead is not None
    assert (lead.wire_guid, lead.wire_source_id) == (REUTERS_PICTURE, article.source_id)
    assert "Vin Diesel" in lead.caption and lead.credit == "REUTERS"
    assert not article.pictures.exists()  # the package's other pictures never came
    links = PackagePicture.objects.filter(article=article)
    assert [(link.residref, link.position) for link in links][0] == (REUTERS_PICTURE, 0)
    assert links.count() == 3
    reasons = list(IngestLog.objects.values_list("reason", flat=True))
    assert any("queued for the worker" in r for r in reasons)
    assert any(f"the pictures of story {REUTERS_STORY}" in r for r in reasons)


@pytest.mark.parametrize("order", ["package first", "picture first"])
def test_it_joins_a_package_and_a_picture_item_with_its_jpeg_beside_it(
    corpora, tmp_path, monkeypatch, django_capture_on_commit_callbacks, order
):
    from masthead.wire.apply import source_for_name

    monkeypatch.setattr(fetch, "fetch_picture", lambda *a, **k: pytest.fail("fetched"))
    source = source_for_name("Reuters")  # one source for both agencies' files
    feed = Feed.objects.create(name="Desk", slug="desk", source=source)
    (tmp_path / "drop").mkdir()
    (tmp_path / "drop" / "GYI0062134533.jpg").write_bytes(jpeg(colour=(20, 160, 90)))
    with django_capture_on_commit_callbacks(execute=True):
        _package_and_picture(
            corpora,
            tmp_path,
            order,
            picture_name="iptc_LISTING_3_photo.xml",
            picture_guid=GETTY_PICTURE,
            feed=feed,
        )
    article = Article.objects.get(wire_guid=REUTERS_STORY)  # after the worker's tasks
    assert article.source == source
    lead = article.lead_image
    assert lead is not None and lead.wire_guid == GETTY_PICTURE
    assert lead.credit == "Getty Images" and "Las Vegas" in lead.caption
    assert lead.renditions  # made by the worker's task
    assert Image.objects.count() == 1


def test_a_package_update_relinks_its_pictures(
    corpora, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from masthead.wire.models import PackagePicture

    monkeypatch.setattr(fetch, "fetch_picture", lambda *a, **k: jpeg())
    feed = Feed.objects.create(name="Reuters", slug="reuters", picture_hosts="content.reuters.com")
    drop = tmp_path / "drop"
    drop.mkdir()
    with django_capture_on_commit_callbacks(execute=True):
        ingest_file(_drop(corpora, drop, "sd_reuters_KBN0FL0NN_v5_text.xml"), feed=feed)
        ingest_file(_drop(corpora, drop, "sd_reuters_GM1EA7M13RP01_picture.xml"), feed=feed)
        # The package as sent: it names other pictures, none of them here.
        ingest_file(_drop(corpora, drop, "sd_reuters_KBN0FL0NM_v10_package.xml"), feed=feed)
    article = Article.objects.get(wire_guid=REUTERS_STORY)
    assert article.lead_image is None
    assert Image.objects.get().wire_guid == REUTERS_PICTURE  # stored, waiting for a package
    update = drop / "package_v11.xml"
    update.write_bytes(
        (corpora / "newsmlg2/sd_reuters_KBN0FL0NM_v10_package.xml")
        .read_bytes()
        .replace(PACKAGE_LEAD.encode(), REUTERS_PICTURE.encode())
        .replace(b'version="10"', b'version="11"')
    )
    with django_capture_on_commit_callbacks(execute=True):
        ingest_file(update, feed=feed)
    article.refresh_from_db()
    assert article.lead_image is not None and article.lead_image.wire_guid == REUTERS_PICTURE
    residrefs = list(
        PackagePicture.objects.filter(article=article).values_list("residref", flat=True)
    )
    assert residrefs[0] == REUTERS_PICTURE and PACKAGE_LEAD not in residrefs
    assert len(residrefs) == 3


def test_a_package_and_picture_in_one_message_are_joined_once(
    corpora, monkeypatch, django_capture_on_commit_callbacks
):
    from masthead.wire.models import PackagePicture

    calls = []
    monkeypatch.setattr(fetch, "fetch_picture", lambda url, **k: calls.append(url) or jpeg())
    feed = Feed.objects.create(name="Reuters", slug="reuters", picture_hosts="content.reuters.com")
    with django_capture_on_commit_callbacks(execute=True):
        ingest_bytes(reuters_message(corpora), feed=feed)
    assert len(calls) == 1  # the story's picture, not fetched again as a lone picture item
    assert Article.objects.get().lead_image is not None
    assert not PackagePicture.objects.exists()
