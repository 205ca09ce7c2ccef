"""The picture library: checking, storing once, renditions without metadata."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from masthead.newsroom import pictures
from masthead.newsroom.actions import ActionError, PublishArticleAction, SetPicturesAction
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article, Image
from tests.factories import ArticleFactory
from tests.pictures import bomb, has_gps, jpeg, stored

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


def test_it_keeps_the_gps_in_the_original_only():
    data = jpeg()
    assert has_gps(data)
    image = stored(data)
    assert image.renditions
    for r in image.renditions:
        with default_storage.open(r["name"], "rb") as f:
            served = f.read()
        assert not has_gps(served), r
        with PILImage.open(io.BytesIO(served)) as im:
            assert not im.getexif(), r
            assert im.size == (r["width"], r["height"])


def test_it_makes_widths_up_to_the_originals_in_webp_and_jpeg_and_a_card():
    image = stored(jpeg(1700, 1000))
    assert [r["width"] for r in image.widths("webp")] == [320, 640, 960, 1280, 1600]
    assert [r["width"] for r in image.widths("jpeg")] == [320, 640, 960, 1280, 1600]
    card = image.card()
    assert card is not None and (card["width"], card["height"]) == (1200, 675)
    small = stored(jpeg(500, 300, colour=(1, 2, 3)))
    assert [r["width"] for r in small.widths("jpeg")] == [320, 500]


def test_it_names_renditions_by_their_content():
    image = stored()
    names = [r["name"] for r in image.renditions]
    assert all(n.startswith("renditions/") for n in names)
    assert len(set(names)) == len(names)
    again = pictures.make_renditions(image)
    assert [r["name"] for r in again] == names


def test_it_stores_the_same_picture_twice_once():
    data = jpeg()
    first, new = pictures.store_image(data, alt="One")
    second, new_again = pictures.store_image(data, alt="Other", caption="Filled")
    assert new and not new_again
    assert first.pk == second.pk
    assert Image.objects.count() == 1
    second.refresh_from_db()
    assert second.alt == "One" and second.caption == "Filled"


def test_it_refuses_a_file_that_is_not_a_picture():
    with pytest.raises(pictures.PictureRefused, match="not a picture"):
        pictures.store_image(b"<html>not a picture</html>")
    assert Image.objects.count() == 0


def test_it_refuses_a_truncated_picture():
    with pytest.raises(pictures.PictureRefused, match="broken"):
        pictures.store_image(jpeg()[:3000])


def test_it_refuses_a_decompression_bomb():
    with pytest.raises(pictures.PictureRefused, match="decompression bomb"):
        pictures.store_image(bomb())
    assert Image.objects.count() == 0


def test_it_crops_the_card_around_the_focal_point():
    assert pictures.card_box(2000, 2000, 0.5, 0.0) == (0, 0, 2000, 1125)
    assert pictures.card_box(2000, 2000, 0.5, 1.0) == (0, 875, 2000, 2000)
    assert pictures.card_box(4000, 1000, 0.9, 0.5)[2] == 4000


def test_it_refuses_to_publish_a_story_whose_lead_picture_has_no_alt_text(django_user_model):
    article = ArticleFactory(status=Article.Status.REVIEW)
    image = stored(alt="")
    SetPicturesAction(article=article, lead=image, actor=SYSTEM).execute()
    with pytest.raises(ActionError, match="alt text"):
        PublishArticleAction(article=article, actor=SYSTEM).execute()
    image.alt = "Boats"
    image.save()
    article.refresh_from_db()
    PublishArticleAction(article=article, actor=SYSTEM).execute()
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chief", "chief@example.org", "pw")
    client.force_login(user)
    return client


def test_it_uploads_a_picture_with_alt_caption_and_credit_required(editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = "/admin/newsroom/image/add/"
    refused = editor_client.post(
        url, {"upload": SimpleUploadedFile("a.jpg", jpeg()), "focal_x": "0.5", "focal_y": "0.5"}
    )
    assert refused.status_code == 200 and Image.objects.count() == 0
    fields = {
        "alt": "Gulls",
        "caption": "Gulls at noon.",
        "credit": "Jo Lens",
        "focal_x": "0.2",
        "focal_y": "0.5",
    }
    done = editor_client.post(url, {**fields, "upload": SimpleUploadedFile("a.jpg", jpeg())})
    assert done.status_code == 302
    image = Image.objects.get()
    assert (image.alt, image.credit, image.focal_x) == ("Gulls", "Jo Lens", 0.2)
    not_a_picture = editor_client.post(
        url, {**fields, "upload": SimpleUploadedFile("b.jpg", b"nope")}
    )
    assert "not a picture" in not_a_picture.content.decode()
    assert Image.objects.count() == 1


def test_it_lists_where_a_picture_is_used(editor_client):
    article = ArticleFactory(headline="Harbour reopens")
    image = stored()
    SetPicturesAction(article=article, lead=image, actor=SYSTEM).execute()
    page = editor_client.get(f"/admin/newsroom/image/{image.pk}/change/").content.decode()
    assert "Harbour reopens" in page and "(lead)" in page
    assert "focal-picker" in page and "pictures/focal_point.js" in page


def test_it_refuses_an_edit_that_takes_a_story_live_without_alt_text(django_user_model):
    from masthead.newsroom.actions import EditArticleAction

    article = ArticleFactory(status=Article.Status.REVIEW)
    SetPicturesAction(article=article, lead=stored(alt=""), actor=SYSTEM).execute()
    article = Article.objects.get(pk=article.pk)
    article.status = Article.Status.PUBLISHED
    with pytest.raises(ActionError, match="alt text"):
        EditArticleAction(article=article, changed=["status"], actor=SYSTEM).execute()
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW
