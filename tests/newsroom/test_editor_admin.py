"""The story editor in the back office, as the Reporter and Editor groups use it: the form by
role and state, the workflow's buttons, kill in one step, bulk steps, the list."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from masthead.newsroom import locks
from masthead.newsroom.models import Article, Source
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    SourceFactory,
    StaffSourceFactory,
)
from tests.newsroom.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/newsroom/article/add/"
LIST_URL = "/admin/newsroom/article/"

# A body as Word puts it on the clipboard: conditional comments, mso-* styles, MsoNormal
# classes, <o:p>, spans with inline styles, and a list bullet Word typed itself.
WORD_PASTE = """<!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:AllowPNG/>
</o:OfficeDocumentSettings></xml><![endif]--><!--[if gte mso 10]><style>
table.MsoNormalTable {mso-style-name:"Table Normal";}</style><![endif]-->
<p class="MsoNormal" style="margin:0cm;mso-line-height-rule:exactly"><span
style="font-size:12.0pt;font-family:&quot;Times New Roman&quot;,serif;mso-fareast-language:EN-GB">
The council voted <b style="mso-bidi-font-weight:normal">yes</b> on the harbour plan.<o:p></o:p>
</span></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if
!supportLists]><span style='font-family:Symbol;mso-fareast-font-family:Symbol'><span
style='mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span>
</span><![endif]><span lang=EN-GB style='mso-ansi-language:EN-GB'>Work starts in <i>May</i>.
<o:p></o:p></span></p>"""


def member(django_user_model, group: str, username: str, **extra):
    user = django_user_model.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password="pw-for-tests-only",
        is_staff=True,
        **extra,
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reporter(django_user_model):
    return member(django_user_model, "Reporter", "rita", first_name="Rita", last_name="Ross")


@pytest.fixture
def other_reporter(django_user_model):
    return member(django_user_model, "Reporter", "otto")


@pytest.fixture
def editor(django_user_model):
    return member(django_user_model, "Editor", "eddie", first_name="Eddie", last_name="Ng")


@pytest.fixture
def staff() -> Source:
    return StaffSourceFactory()


def draft(created_by=None, **fields) -> Article:
    fields = {
        "source": StaffSourceFactory(),
        "status": Article.Status.DRAFT,
        "published_at": None,
        "is_local": True,
        **fields,
    }
    return ArticleFactory(created_by=created_by, **fields)


def edit_data(article: Article, **changes) -> dict:
    """The change form as posted: a story with no time posts an empty one."""
    data = form_data(article, is_local="on" if article.is_local else "")
    if article.published_at is None:
        data.update({"published_at_0": "", "published_at_1": ""})
    data.update(changes)
    return data


def new_story_data(staff: Source, **changes) -> dict:
    data = edit_data(
        ArticleFactory.build(source=staff, status=Article.Status.DRAFT, published_at=None),
        headline="Ferry returns to Port Alder",
        slug="",
        opened_at="",
    )
    data.update(changes)
    return data


def at_fields(name: str, at: dt.datetime) -> dict:
    local = timezone.localtime(at)
    return {f"{name}_0": local.strftime("%Y-%m-%d"), f"{name}_1": local.strftime("%H:%M:%S")}


def page(response) -> str:
    return response.content.decode()


def submit_names(html: str) -> set[str]:
    return set(
        re.findall(r'<input type="submit" value="[^"]*" (?:class="default" )?name="(\w+)"', html)
    )


# The reporter.


def test_it_lets_a_reporter_write_a_draft_and_submit_it(client, reporter, staff):
    client.force_login(reporter)
    form = page(client.get(ADD_URL))
    assert {"_save", "_submit"} <= submit_names(form) and "_publish" not in submit_names(form)
    assert "Save draft" in form
    author = AuthorFactory(name="Rita Ross", user=reporter)
    response = client.post(ADD_URL, new_story_data(staff, authors=[author.pk]))
    assert response.status_code == 302, page(response)[:3000]
    story = Article.objects.get(headline="Ferry returns to Port Alder")
    assert (story.status, story.created_by, story.byline_names) == (
        "draft",
        reporter,
        ["Rita Ross"],
    )
    assert story.slug  # made from the headline

    response = client.post(
        change_url(story), edit_data(story, _submit="Submit for review"), follow=True
    )
    story.refresh_from_db()
    assert story.status == Article.Status.REVIEW
    assert "Submitted for review." in page(response)


def test_it_refuses_a_reporter_publishing_by_a_forged_form(client, reporter):
    story = draft(created_by=reporter)
    client.force_login(reporter)
    response = client.post(change_url(story), edit_data(story, _publish="Publish now"))
    assert response.status_code == 200
    refusal = response.context["adminform"].form.non_field_errors()
    assert refusal and "publish" in refusal[0]  # the action's refusal, on the form
    response = client.post(change_url(story), edit_data(story, status="published"))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT and not story.revisions.filter(reason="publish")


def test_it_refuses_a_reporter_publishing_or_killing_by_a_forged_bulk_action(client, reporter):
    story = draft(created_by=reporter)
    client.force_login(reporter)
    listing = page(client.get(LIST_URL))
    assert "publish_selected" not in listing and "kill_selected" not in listing
    assert "delete_selected" not in listing
    for action in ("publish_selected", "kill_selected", "unpublish_selected"):
        client.post(
            LIST_URL,
            {"action": action, "_selected_action": [story.pk], "post": "yes", "reason": "x"},
        )
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


def test_it_shows_a_reporter_another_reporters_story_read_only(client, reporter, other_reporter):
    story = draft(created_by=other_reporter)
    client.force_login(reporter)
    response = client.get(change_url(story))
    assert response.status_code == 200
    assert "View article" in page(response) and "_save" not in submit_names(page(response))
    response = client.post(change_url(story), edit_data(story, headline="Hijacked"))
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.headline != "Hijacked"


def test_it_hides_publishing_fields_and_the_kill_page_from_a_reporter(client, reporter):
    story = draft(created_by=reporter)
    client.force_login(reporter)
    form = page(client.get(change_url(story)))
    for field in (
        "id_status",
        "id_access",
        "id_embargo_until_0",
        "id_unpublish_at_0",
        "kill_reason",
    ):
        assert field not in form
    assert 'id="id_published_at_0"' in form  # the planned time
    assert client.get(reverse("admin:newsroom_article_kill", args=[story.pk])).status_code == 403


# The editor.


def test_it_shows_a_new_story_form_without_corrections_kill_reason_or_wire_fields(client, editor):
    client.force_login(editor)
    form = page(client.get(ADD_URL))
    for field in ("id_headline", "id_authors", "id_summary", "id_body", "id_dateline"):
        assert f'id="{field}"' in form
    assert 'id="id_section"' in form and "Also in" in form and 'id="id_published_at_0"' in form
    for absent in ("corrections-TOTAL_FORMS", "kill_reason", "killed_at", "wire_guid", "id_status"):
        assert absent not in form
    assert "data-django-prose-editor-configurable" in form  # the rich editor
    assert {"_save", "_publish", "_schedule"} <= submit_names(form)


def test_it_shows_corrections_only_once_the_story_has_been_published(client, editor):
    client.force_login(editor)
    unpublished_draft = draft(created_by=editor)
    assert "corrections-TOTAL_FORMS" not in page(client.get(change_url(unpublished_draft)))
    live = ArticleFactory()
    assert "corrections-TOTAL_FORMS" in page(client.get(change_url(live)))


def test_it_shows_wire_internals_to_superusers_only(client, editor, django_user_model):
    story = ArticleFactory(wire_guid="urn:wire:9", content_hash="abc123")
    client.force_login(editor)
    assert "Content hash" not in page(client.get(change_url(story)))
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-tests-only")
    client.force_login(root)
    assert "Content hash" in page(client.get(change_url(story)))


def test_it_schedules_a_story_for_a_time_to_come(client, editor):
    story = draft(created_by=editor, authors=[AuthorFactory()])
    client.force_login(editor)
    later = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    data = edit_data(story, _schedule="Schedule", **at_fields("published_at", later))
    response = client.post(change_url(story), data, follow=True)
    story.refresh_from_db()
    assert story.status == Article.Status.SCHEDULED and story.published_at == later
    local = timezone.localtime(later)
    assert f"Scheduled for {local:%a} {local.day} {local:%b %H:%M}." in page(response)
    listing = page(client.get(LIST_URL))
    assert f"Scheduled for {local:%a} {local.day} {local:%b %H:%M}" in listing


def test_it_refuses_to_schedule_without_a_time_to_come(client, editor):
    story = draft(created_by=editor, authors=[AuthorFactory()])
    client.force_login(editor)
    earlier = timezone.now() - dt.timedelta(hours=2)
    data = edit_data(story, _schedule="Schedule", **at_fields("published_at", earlier))
    response = client.post(change_url(story), data)
    assert response.status_code == 200 and "set a time to come" in page(response)
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


def test_it_publishes_and_unpublishes_with_its_buttons(client, editor):
    story = draft(created_by=editor, authors=[AuthorFactory()])
    client.force_login(editor)
    response = client.post(change_url(story), edit_data(story, _publish="Publish now"), follow=True)
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED and "Published." in page(response)
    form = page(client.get(change_url(story)))
    assert "_unpublish" in submit_names(form) and "_publish" not in submit_names(form)
    assert "Kill…" in form
    response = client.post(change_url(story), edit_data(story, _unpublish="Unpublish"), follow=True)
    story.refresh_from_db()
    assert story.status == Article.Status.UNPUBLISHED and "Unpublished" in page(response)


def test_it_returns_a_story_in_review_to_draft(client, editor):
    story = draft(created_by=editor, status=Article.Status.REVIEW)
    client.force_login(editor)
    client.post(change_url(story), edit_data(story, _return_to_draft="Return to draft"))
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


def test_it_refuses_staff_copy_without_a_byline_on_the_authors_field(client, editor):
    story = draft(created_by=editor, headline="No byline yet")
    client.force_login(editor)
    response = client.post(
        change_url(story), edit_data(story, headline="Typed", _publish="Publish now")
    )
    assert response.status_code == 200
    html = page(response)
    row = html[html.index("field-authors") : html.index('id="id_authors"')]
    assert "staff copy needs a byline" in row.lower()
    assert 'value="Typed"' in html  # what the editor typed is still there
    story.refresh_from_db()
    assert (story.status, story.headline) == ("draft", "No byline yet")


def test_it_keeps_the_byline_in_the_order_chosen(client, editor):
    first, second = AuthorFactory(name="Zoe Zane"), AuthorFactory(name="Abe Able")
    story = draft(created_by=editor)
    client.force_login(editor)
    client.post(change_url(story), edit_data(story, authors=[first.pk, second.pk]))
    story.refresh_from_db()
    assert story.byline_names == ["Zoe Zane", "Abe Able"]
    form = page(client.get(change_url(story)))
    assert form.index("Zoe Zane") < form.index("Abe Able")


def test_it_cleans_a_body_pasted_from_word(client, editor):
    story = draft(created_by=editor)
    client.force_login(editor)
    response = client.post(change_url(story), edit_data(story, body=WORD_PASTE))
    assert response.status_code == 302
    story.refresh_from_db()
    # Whitespace inside a paragraph is the paste's line breaks; the browser ignores it.
    assert re.sub(r"\s*(</?p>)\s*", r"\1", story.body) == (
        "<p>The council voted <strong>yes</strong> on the harbour plan.</p>"
        "<p>Work starts in <em>May</em>.</p>"
    )


def test_it_does_not_count_the_editors_own_markup_as_an_edit_of_a_wire_body(client, editor):
    story = ArticleFactory(
        wire_guid="urn:wire:2", body="<p>One <b>bold</b> claim.</p>\n<p>Two.</p>"
    )
    client.force_login(editor)
    as_the_editor_posts_it = "<p>One <strong>bold</strong> claim.</p><p>Two.</p>"
    client.post(change_url(story), edit_data(story, body=as_the_editor_posts_it, headline="New"))
    story.refresh_from_db()
    assert "body" not in story.editor_locked_fields and "headline" in story.editor_locked_fields


def test_it_edits_a_body_the_rich_editor_cannot_hold_as_html(client, editor):
    story = ArticleFactory(body="<p>Chart:</p><table><tr><td>1</td></tr></table>")
    client.force_login(editor)
    form = page(client.get(change_url(story)))
    assert "edited as HTML" in form


def test_it_shows_the_preview_link_with_a_copy_button(client, editor):
    story = draft(created_by=editor)
    client.force_login(editor)
    form = page(client.get(change_url(story)))
    assert "Copy link" in form or "preview page is not available yet" in form


def test_it_kills_in_one_step_with_a_reason(client, editor):
    story = ArticleFactory(headline="Mayor resigns")
    client.force_login(editor)
    kill = reverse("admin:newsroom_article_kill", args=[story.pk])
    assert "Mayor resigns" in page(client.get(kill))
    response = client.post(kill, {"reason": ""})
    assert response.status_code == 200 and "Say why the story is withdrawn" in page(response)
    response = client.post(kill, {"reason": "The agency withdrew it"}, follow=True)
    story.refresh_from_db()
    assert story.status == Article.Status.KILLED and story.kill_reason == "The agency withdrew it"
    assert "Killed" in page(response)
    assert "The agency withdrew it" in page(response)  # read-only on the form now


def test_it_publishes_selected_stories_and_lists_the_refusals(client, editor):
    ready = draft(created_by=editor, authors=[AuthorFactory()], headline="Ready to go")
    bare = draft(created_by=editor, headline="Bylineless")
    client.force_login(editor)
    response = client.post(
        LIST_URL,
        {"action": "publish_selected", "_selected_action": [ready.pk, bare.pk]},
        follow=True,
    )
    html = page(response)
    assert "1 story published." in html and "Bylineless" in html and "byline" in html
    ready.refresh_from_db(), bare.refresh_from_db()
    assert (ready.status, bare.status) == ("published", "draft")


def test_it_kills_selected_stories_with_one_reason(client, editor):
    stories = [ArticleFactory(headline=f"Wrong story {n}") for n in range(2)]
    client.force_login(editor)
    pks = [s.pk for s in stories]
    asked = client.post(LIST_URL, {"action": "kill_selected", "_selected_action": pks})
    assert asked.status_code == 200
    assert "Wrong story 0" in page(asked) and 'name="reason"' in page(asked)
    refused = client.post(
        LIST_URL, {"action": "kill_selected", "_selected_action": pks, "post": "yes", "reason": ""}
    )
    assert "Say why the story is withdrawn" in page(refused)
    response = client.post(
        LIST_URL,
        {"action": "kill_selected", "_selected_action": pks, "post": "yes", "reason": "Hoax"},
        follow=True,
    )
    assert "2 stories killed." in page(response)
    assert set(Article.objects.filter(pk__in=pks).values_list("status", "kill_reason")) == {
        ("killed", "Hoax")
    }


def test_it_lists_stories_with_their_status_section_source_and_time(client, editor):
    ArticleFactory(
        headline="On the site",
        sections=[SectionFactory(name="Harbour")],
        source=SourceFactory(name="Agency"),
    )
    draft(created_by=editor, sections=[SectionFactory(name="Sport")])
    client.force_login(editor)
    listing = page(client.get(LIST_URL))
    assert "On the site" in listing and "Harbour" in listing and "Agency" in listing
    assert "Published" in listing
    for name in ("status", "section__id__exact", "source__id__exact", "is_local__exact"):
        assert name in listing  # the filters
    assert "delete_selected" not in listing


def test_it_refuses_a_step_on_a_new_story_and_creates_nothing(client, reporter, staff):
    client.force_login(reporter)
    response = client.post(ADD_URL, new_story_data(staff, _submit="Submit for review"))
    assert response.status_code == 200
    assert "staff copy needs a byline" in page(response).lower()
    assert 'value="Ferry returns to Port Alder"' in page(response)
    assert not Article.objects.filter(headline="Ferry returns to Port Alder").exists()


def test_it_finds_authors_for_the_byline_field(client, reporter):
    AuthorFactory(name="Rita Ross")
    client.force_login(reporter)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "newsroom", "model_name": "article", "field_name": "authors", "term": "Rit"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Rita Ross"]


# Found in a real browser (tests/newsroom/test_editor_browser.py).


def test_it_frees_the_story_when_a_save_leaves_the_form(client, reporter, editor):
    author = AuthorFactory(name="Rita Ross", user=reporter)
    story = draft(created_by=reporter)
    story.authorships.create(author=author, position=0)
    client.force_login(reporter)
    client.get(change_url(story))
    client.post(change_url(story), edit_data(story, _continue="Save and keep editing"))
    assert locks.holder(story).user == reporter  # still writing
    story.refresh_from_db()
    client.get(change_url(story))
    response = client.post(change_url(story), edit_data(story, _submit="Submit for review"))
    assert response.status_code == 302
    # Submitted and gone: the editor opening it next gets the story, not "Being edited by".
    assert locks.holder(story) is None
    client.force_login(editor)
    assert "Being edited by" not in page(client.get(change_url(story)))


def test_it_frees_the_story_when_its_page_closes(client, editor):
    story = draft(created_by=editor)
    client.force_login(editor)
    client.get(change_url(story))
    lock_url = reverse("admin:newsroom_article_lock", args=[story.pk])
    assert client.post(lock_url, {"release": "1"}).status_code == 204
    assert locks.holder(story) is None


def test_it_lists_only_the_other_sections_under_also_in(client, editor):
    local, world = SectionFactory(name="Local"), SectionFactory(name="World")
    story = draft(created_by=editor, section=local, sections=[local, world])
    client.force_login(editor)
    form = client.get(change_url(story)).context["adminform"].form
    assert list(form.initial["sections"]) == [world.pk]
    data = edit_data(story, sections=[world.pk])  # as the page posts it
    assert "sections" not in type(form)(data=data, instance=story).changed_data
    client.post(change_url(story), data)
    assert set(story.sections.all()) == {local, world}  # the main one is still listed


def test_it_shows_a_read_only_story_as_it_reads(client, reporter, other_reporter):
    first, second = AuthorFactory(name="Zoe Zane"), AuthorFactory(name="Abe Able")
    story = draft(created_by=other_reporter, body="<p>One <strong>bold</strong> claim.</p>")
    story.authorships.create(author=first, position=0)
    story.authorships.create(author=second, position=1)
    client.force_login(reporter)
    html = page(client.get(change_url(story)))
    assert "Zoe Zane, Abe Able" in html  # byline order, not by name
    assert '<div class="readonly-body"><p>One <strong>bold</strong> claim.</p></div>' in html
    assert "&lt;p&gt;" not in html


def test_it_drops_the_link_dialogs_empty_title_and_words_blank_lines(client, editor):
    story = draft(created_by=editor)
    client.force_login(editor)
    posted = (
        '<p>See <a href="https://example.org/r" title="">the report</a>.&nbsp;</p>'
        "<p>&nbsp;</p><p></p><p>Two.</p>"
    )
    client.post(change_url(story), edit_data(story, body=posted))
    story.refresh_from_db()
    assert story.body == (
        '<p>See <a href="https://example.org/r" rel="noopener noreferrer nofollow">'
        "the report</a>.</p><p>Two.</p>"
    )
