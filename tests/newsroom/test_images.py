"""The picture library: checking, storing once, renditions without metadata."""

from __future__ import annotations

import io
import json

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


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_superuser("desk", "desk@example.org", "pw")
    return Actor.editor(user)


def test_it_locks_an_editors_lead_picture_on_a_wire_story_against_the_wire(editor):
    article = ArticleFactory(wire_guid="urn:wire:1")
    wire = Actor.wire(article.source)
    first, chosen, later = (stored(jpeg(colour=(c, 9, 9))) for c in (10, 120, 230))
    SetPicturesAction(article=article, lead=first, actor=wire).execute()
    SetPicturesAction(article=article, lead=chosen, actor=editor).execute()
    article.refresh_from_db()
    assert "lead_image" in article.editor_locked_fields
    assert article.wire_locked_values["lead_image"] == first.pk
    SetPicturesAction(article=article, lead=later, actor=wire).execute()
    article.refresh_from_db()
    assert article.lead_image_id == chosen.pk
    assert not article.pictures.exists()  # the wire's lead is not slipped into the body


def test_it_locks_the_lead_picture_chosen_in_the_story_form(editor):
    from masthead.newsroom.actions import EditArticleAction

    article = ArticleFactory(wire_guid="urn:wire:2")
    chosen, later = stored(jpeg(colour=(1, 1, 1))), stored(jpeg(colour=(250, 1, 1)))
    article = Article.objects.get(pk=article.pk)
    article.lead_image = chosen
    EditArticleAction(article=article, changed=["lead_image"], actor=editor).execute()
    article.refresh_from_db()
    assert article.editor_locked_fields == ["lead_image"]
    SetPicturesAction(article=article, lead=later, actor=Actor.wire(article.source)).execute()
    article.refresh_from_db()
    assert article.lead_image_id == chosen.pk


def test_it_keeps_no_lock_for_a_local_story_or_a_system_change(editor):
    local = ArticleFactory()
    SetPicturesAction(article=local, lead=stored(), actor=editor).execute()
    wire_story = ArticleFactory(wire_guid="urn:wire:3")
    SetPicturesAction(
        article=wire_story, lead=stored(jpeg(colour=(5, 5, 5))), actor=SYSTEM
    ).execute()
    for article in (local, wire_story):
        article.refresh_from_db()
        assert article.editor_locked_fields == []


def test_it_keeps_a_revision_of_each_picture_change_naming_who(editor):
    article = ArticleFactory()
    one, two = stored(jpeg(colour=(3, 3, 3))), stored(jpeg(colour=(200, 3, 3)))
    SetPicturesAction(article=article, lead=one, actor=SYSTEM).execute()
    SetPicturesAction(article=article, lead=two, body=[one], actor=editor).execute()
    SetPicturesAction(article=article, lead=two, body=[one], actor=editor).execute()  # no change
    revisions = list(article.revisions.order_by("created", "id"))
    assert [(r.reason, r.actor) for r in revisions] == [("pictures", "tests"), ("pictures", "desk")]
    assert [r.snapshot["lead_image"] for r in revisions] == [None, one.pk]
    assert revisions[1].user == editor.user


def test_it_restores_a_versions_lead_picture(editor):
    from masthead.newsroom.actions import RestoreRevisionAction
    from masthead.newsroom.revisions import history, other_changes

    article = ArticleFactory()
    one, two = stored(jpeg(colour=(3, 3, 3))), stored(jpeg(colour=(200, 3, 3)))
    SetPicturesAction(article=article, lead=one, actor=SYSTEM).execute()
    SetPicturesAction(article=article, lead=two, actor=SYSTEM).execute()
    versions = history(Article.objects.get(pk=article.pk))
    assert other_changes(versions[1], versions[2]) == ["Lead picture"]
    RestoreRevisionAction(article=article, data=versions[1].data, number=2, actor=editor).execute()
    assert Article.objects.get(pk=article.pk).lead_image_id == one.pk


def _settings_in_a_process(env: dict[str, str], code: str):
    import os
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if not k.startswith(("MASTHEAD_S3_", "AWS_"))}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**base, "DJANGO_SETTINGS_MODULE": "masthead.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_keeps_the_library_in_s3_by_configuration(tmp_path):
    env = {
        "MASTHEAD_DATA_DIR": str(tmp_path),
        "MASTHEAD_MEDIA_STORAGE": "s3",
        "MASTHEAD_S3_BUCKET": "ledger-pictures",
        "MASTHEAD_S3_REGION": "us-west-2",
        "MASTHEAD_S3_CUSTOM_DOMAIN": "pictures.example.org",
        "MASTHEAD_S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "MASTHEAD_S3_SECRET_ACCESS_KEY_FILE": str(tmp_path / "s3-secret"),
    }
    (tmp_path / "s3-secret").write_text("not-a-real-secret\n")
    code = (
        "import json; from django.conf import settings; "
        "from django.core.files.storage import default_storage as s; "
        "print(json.dumps(settings.STORAGES['default'])); "
        "url = s.url('renditions/ab/x.jpg'); "  # no request: boto3 connects lazily
        "print(type(s._wrapped).__name__, s.bucket_name, url)"
    )
    done = _settings_in_a_process(env, code)
    assert done.returncode == 0, done.stderr
    config_line, storage_line = done.stdout.strip().splitlines()
    config = json.loads(config_line)
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert options["bucket_name"] == "ledger-pictures" and options["region_name"] == "us-west-2"
    assert options["secret_key"] == "not-a-real-secret" and options["querystring_auth"] is False
    assert storage_line == (
        "S3Storage ledger-pictures https://pictures.example.org/renditions/ab/x.jpg"
    )


def test_it_refuses_s3_storage_without_a_bucket_and_an_unknown_storage(tmp_path):
    for env, message in (
        ({"MASTHEAD_MEDIA_STORAGE": "s3"}, "needs MASTHEAD_S3_BUCKET"),
        ({"MASTHEAD_MEDIA_STORAGE": "ftp"}, "'local' or 's3'"),
    ):
        done = _settings_in_a_process({"MASTHEAD_DATA_DIR": str(tmp_path), **env}, "pass")
        assert done.returncode != 0 and message in done.stderr
