"""Pictures on reader pages: the lead with caption and credit, srcset and sizes, thumbnails on
the fronts, absolute og:image, the renditions' far-future headers, and none of a killed story."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.storage import default_storage

from masthead.newsroom.actions import KillArticleAction, SetPicturesAction
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Access, Image
from tests.factories import ArticleFactory, SectionFactory
from tests.pictures import has_gps, jpeg, stored

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


def pictured(**kwargs):
    kwargs.setdefault("sections", [SectionFactory(name="World", slug="world")])
    article = ArticleFactory(**kwargs)
    image = stored(
        jpeg(), alt="Gulls over the breakwater", caption="The breakwater at noon.", credit="Jo Lens"
    )
    SetPicturesAction(article=article, lead=image, actor=SYSTEM).execute()
    article.refresh_from_db()
    return article, image


def test_it_shows_the_lead_picture_with_srcset_sizes_and_credit(client):
    article, image = pictured(access=Access.FREE)
    html = client.get(article.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="figure figure--lead">.*?</figure>', html, re.S).group(0)
    assert '<source type="image/webp" srcset="/media/renditions/' in figure
    assert re.search(
        r'srcset="[^"]+ 320w, [^"]+ 640w, [^"]+ 960w, [^"]+ 1280w, [^"]+ 1600w"', figure
    )
    assert 'sizes="(min-width: 60rem) 42rem, calc(100vw - 2rem)"' in figure
    assert 'width="960" height="565"' in figure
    assert 'alt="Gulls over the breakwater"' in figure and 'loading="eager"' in figure
    assert "The breakwater at noon." in figure and "Jo Lens" in figure


def test_it_serves_renditions_with_far_future_headers_and_no_gps(client):
    article, image = pictured()
    for r in image.renditions:
        response = client.get(f"/media/{r['name']}")
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert not has_gps(b"".join(response.streaming_content))


def test_it_never_serves_an_original(client):
    article, image = pictured()
    assert client.get(f"/media/{image.original.name}").status_code == 404
    assert client.get("/media/renditions/../" + image.original.name).status_code in {400, 404}


def test_it_puts_an_absolute_og_image_and_json_ld_image(client):
    article, image = pictured()
    html = client.get(article.get_absolute_url()).content.decode()
    og = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert og.startswith("http://testserver/media/renditions/") and og.endswith("1200x675.jpg")
    assert '<meta property="og:image:width" content="1200">' in html
    assert f'<meta name="twitter:image" content="{og}">' in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["image"][0] == og
    assert "-1600x" in data["image"][1]


def test_it_shows_thumbnails_on_the_home_front_and_a_section_front(client):
    article, image = pictured()
    home = client.get("/").content.decode()
    assert "teaser--pictured" in home and image.renditions[0]["name"] in home
    section = client.get(article.section.get_absolute_url()).content.decode()
    assert "teaser--pictured" in section


def test_it_shows_a_walled_storys_lead_but_not_its_body_pictures(client):
    article, image = pictured(access=Access.SUBSCRIBERS, body="<p>One.</p>" * 40)
    inner = stored(jpeg(colour=(90, 20, 20)), alt="Inside", caption="A body picture.")
    SetPicturesAction(article=article, body=[inner], actor=SYSTEM).execute()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="Gulls over the breakwater"' in html
    assert "A body picture." not in html and inner.renditions[0]["name"] not in html


def test_it_shows_body_pictures_to_a_reader_of_the_whole_story(client):
    article, image = pictured(access=Access.FREE)
    inner = stored(jpeg(colour=(90, 20, 20)), alt="Inside", caption="A body picture.")
    SetPicturesAction(article=article, body=[inner], actor=SYSTEM).execute()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "A body picture." in html and 'loading="lazy"' in html


def test_it_takes_a_killed_storys_pictures_off_its_page_and_the_fronts(client):
    article, image = pictured()
    names = [r["name"] for r in image.renditions]
    KillArticleAction(article=article, reason="Legal", actor=SYSTEM).execute()
    gone = client.get(article.get_absolute_url())
    assert gone.status_code == 410
    for url in ("/", article.section.get_absolute_url(), "/feeds/rss/"):
        page = client.get(url).content.decode()
        assert not any(n in page for n in names), url


def test_it_carries_media_content_in_the_feeds(client):
    article, image = pictured()
    rss = client.get("/feeds/rss/").content.decode()
    assert 'xmlns:media="http://search.yahoo.com/mrss/"' in rss
    assert re.search(
        r'<media:content [^>]*url="http://testserver/media/renditions/[^"]+-1600x\d+\.jpg"', rss
    )
    assert "<media:credit>Jo Lens</media:credit>" in rss


def test_it_purges_the_storys_cached_page_when_its_picture_changes(
    client, settings, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_PAGE_CACHE = True
    article, image = pictured(access=Access.FREE)
    assert "Gulls over the breakwater" in client.get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        image.alt = "Terns over the breakwater"
        image.save()
    assert "Terns over the breakwater" in client.get(article.get_absolute_url()).content.decode()


def test_it_deletes_a_killed_storys_picture_files_and_the_urls_answer_404(
    client, django_capture_on_commit_callbacks
):
    article, image = pictured()
    inner = stored(jpeg(colour=(90, 20, 20)), alt="Inside")
    SetPicturesAction(article=article, body=[inner], actor=SYSTEM).execute()
    names = [r["name"] for i in (image, inner) for r in i.renditions]
    originals = [image.original.name, inner.original.name]
    assert all(default_storage.exists(n) for n in names + originals)
    assert client.get(f"/media/{names[0]}").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        KillArticleAction(article=article, reason="Legal", actor=SYSTEM).execute()
    assert not any(default_storage.exists(n) for n in names + originals)
    for name in names:
        assert client.get(f"/media/{name}").status_code == 404, name
    assert not Image.objects.filter(pk__in=[image.pk, inner.pk]).exists()
    article.refresh_from_db()
    assert article.is_killed and article.lead_image is None and not article.pictures.exists()


def test_it_keeps_a_killed_storys_picture_that_another_story_shows(
    client, django_capture_on_commit_callbacks
):
    article, image = pictured()
    other = ArticleFactory(headline="Another story with the picture")
    SetPicturesAction(article=other, body=[image], actor=SYSTEM).execute()
    with django_capture_on_commit_callbacks(execute=True):
        KillArticleAction(article=article, reason="Legal", actor=SYSTEM).execute()
    assert Image.objects.filter(pk=image.pk).exists()
    assert default_storage.exists(image.original.name)
    for r in image.renditions:
        assert client.get(f"/media/{r['name']}").status_code == 200


def test_it_keeps_a_rendition_another_picture_shares(django_capture_on_commit_callbacks):
    article, image = pictured()
    twin = stored(jpeg(gps=False), alt="The same pixels, no metadata")
    assert twin.pk != image.pk
    shared = {r["name"] for r in twin.renditions} & {r["name"] for r in image.renditions}
    assert shared
    with django_capture_on_commit_callbacks(execute=True):
        KillArticleAction(article=article, reason="Legal", actor=SYSTEM).execute()
    assert all(default_storage.exists(n) for n in shared)
    assert not default_storage.exists(image.original.name)
