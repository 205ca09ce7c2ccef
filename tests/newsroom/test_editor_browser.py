"""The story editor in a real Chromium, as the newsroom uses it: a reporter writes a story
(typed into the rich editor, a Word paste, a byline from the autocomplete) and submits it; an
editor previews, schedules and publishes it; a second editor meets the edit lock; the history,
fronts and kill pages. Screenshots of every step, at desktop and phone widths, are kept in
test-artifacts/ as editor-<step>-<desktop|mobile>.png."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from masthead.newsroom.models import Article
from tests.browser import ARTIFACTS
from tests.factories import AuthorFactory, SectionFactory, StaffSourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
PASSWORD = "pw-for-browser-tests-only"
HEADLINE = "Harbour board backs a longer ferry pier"
# What Word puts on the clipboard for two paragraphs, one a list item with its typed bullet.
WORD_PASTE = """<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"><head><meta name=ProgId content=Word.Document>
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:AllowPNG/></o:OfficeDocumentSettings>
</xml><![endif]--><style><!-- p.MsoNormal {mso-style-parent:""; margin:0cm;} --></style></head>
<body lang=EN-GB style='tab-interval:36.0pt'><!--StartFragment-->
<p class=MsoNormal style='margin:0cm;mso-line-height-rule:exactly'><span
style='font-size:12.0pt;font-family:"Times New Roman",serif;mso-fareast-language:EN-GB'>The
pier will be sixty metres longer, said the board's chair.<o:p></o:p></span></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal><span style='mso-bidi-font-weight:bold'>Work could start in
<i style='mso-bidi-font-style:normal'>spring</i>.</span><o:p>&nbsp;</o:p></p>
<!--EndFragment--></body></html>"""


def member(django_user_model, group: str, username: str, first: str, last: str):
    user = django_user_model.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        is_staff=True,
        first_name=first,
        last_name=last,
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def shoot(page, step: str, part=None) -> None:
    """The page (or one part of it) as it is, at desktop width and at a phone's (the admin's
    own breakpoints)."""
    for name, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(size)
        page.wait_for_timeout(50)  # one frame for the layout to settle
        path = str(ARTIFACTS / f"editor-{step}-{name}.png")
        if part is None:
            page.screenshot(path=path, full_page=True)
        else:
            part.screenshot(path=path)
    page.set_viewport_size(DESKTOP)


def sign_in(chromium, live_server, username: str):
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.js_errors = errors  # type: ignore[attr-defined]
    return context, page


def submit_values(page) -> list[str]:
    return page.locator(".submit-row input[type=submit]").evaluate_all(
        "inputs => inputs.map(i => i.value)"
    )


def choose_author(page, name: str) -> None:
    """Type into the byline's autocomplete and pick the name from what the server offers."""
    page.locator(".field-authors .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.press_sequentially(name.split()[0], delay=30)
    option = page.locator(".select2-results__option", has_text=name)
    option.click()
    page.locator(".field-authors .select2-selection__choice", has_text=name).wait_for()


def settle(editor) -> None:
    """Wait until ProseMirror has read the caret the browser moved (a click, End, Shift+arrow):
    it does so on its own event, and a key it handles itself (Backspace, Ctrl+K) acts on the
    selection it knows."""
    editor.evaluate(
        """el => new Promise(done => {
            const view = el.editor.view;
            const check = () => {
                const dom = document.getSelection();
                const anchor = view.posAtDOM(dom.anchorNode, dom.anchorOffset);
                const head = view.posAtDOM(dom.focusNode, dom.focusOffset);
                const {selection} = view.state;
                if (selection.anchor === anchor && selection.head === head) done();
                else requestAnimationFrame(check);
            };
            check();
        })"""
    )


def paste_html(editor, html: str) -> None:
    """A paste as the browser delivers it from Word: a paste event carrying text/html."""
    editor.evaluate(
        """(el, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", html.replace(/<[^>]*>/g, ""));
            el.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            }));
        }""",
        html,
    )


def message(page) -> str:
    return page.locator("ul.messagelist").first.inner_text()


def test_it_takes_a_story_from_reporter_to_readers(
    chromium, live_server, django_user_model, settings
):
    ARTIFACTS.mkdir(exist_ok=True)
    settings.PAPER_URL = live_server.url  # the preview link is the paper's public address
    StaffSourceFactory()
    local = SectionFactory(name="Local", slug="local")
    SectionFactory(name="World", slug="world")
    rita = member(django_user_model, "Reporter", "rita", "Rita", "Ross")
    member(django_user_model, "Editor", "eddie", "Eddie", "Ng")
    member(django_user_model, "Editor", "mona", "Mona", "Park")
    AuthorFactory(name="Rita Ross", slug="rita-ross", is_staff_writer=True, user=rita)
    AuthorFactory(name="Bea Adams", slug="bea-adams", is_staff_writer=True)

    # The reporter writes the story.
    reporter_context, page = sign_in(chromium, live_server, "rita")
    page.get_by_role("link", name="Articles").first.click()
    page.get_by_role("link", name="Add article").click()
    page.locator("#id_headline").wait_for()
    editor = page.locator(".field-body .ProseMirror[contenteditable=true]")
    editor.wait_for()
    toolbar = page.locator(".field-body .prose-menubar")
    assert toolbar.is_visible()
    assert editor.bounding_box()["height"] > 200  # a page to write on
    shoot(page, "add-form")
    shoot(page, "toolbar", toolbar)
    assert set(submit_values(page)) == {
        "Save draft",
        "Save draft and keep editing",
        "Submit for review",
    }

    page.locator("#id_headline").press_sequentially(HEADLINE, delay=5)
    # Herself first, then a colleague whose name sorts before hers: the byline keeps the order.
    choose_author(page, "Rita Ross")
    choose_author(page, "Bea Adams")

    editor.click()
    page.keyboard.type("The harbour board voted on Tuesday night to lengthen the ferry pier.")
    page.keyboard.press("Enter")
    page.keyboard.type("Members were ")
    page.keyboard.press("Control+b")
    page.keyboard.type("unanimous")
    page.keyboard.press("Control+b")
    page.keyboard.type(" about the plan.")
    page.keyboard.press("Enter")
    page.keyboard.type("Read the board's full report")
    for _ in range(len("full report")):
        page.keyboard.press("Shift+ArrowLeft")
    settle(editor)
    assert editor.evaluate(
        "el => { const {from, to} = el.editor.state.selection;"
        " return el.editor.state.doc.textBetween(from, to); }"
    ) == ("full report")
    page.keyboard.press("Control+k")
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("URL").fill("https://example.org/harbour-report")
    dialog.get_by_role("button", name="Update").click()
    dialog.wait_for(state="detached")
    link = editor.locator("a[href='https://example.org/harbour-report']")
    link.wait_for()  # the dialog's answer is applied a moment after it closes
    # And the editor takes the focus back on the next frame: keys pressed before then go
    # nowhere, and the words still selected would be typed over.
    editor.evaluate(
        """el => new Promise(done => {
            const check = () => (el.contains(document.activeElement) && el.editor.isFocused)
                ? done() : requestAnimationFrame(check);
            check();
        })"""
    )
    page.keyboard.press("End")
    settle(editor)
    assert editor.evaluate("el => el.editor.state.selection.empty")
    page.keyboard.type(", published today.")  # after the link, not in it
    page.keyboard.press("Enter")
    paste_html(editor, WORD_PASTE)
    editor.locator("p", has_text="Work could start").wait_for()
    assert editor.locator("strong", has_text="unanimous").count() == 1
    assert link.count() == 1, editor.inner_html()
    assert link.inner_text() == "full report"
    page.locator("#id_section").select_option(label="Local")
    shoot(page, "add-form-filled")

    page.get_by_role("button", name="Save draft and keep editing").click()
    page.wait_for_url(re.compile(r"/admin/newsroom/article/\d+/change/"))
    assert "was added successfully" in message(page)
    story = Article.objects.get(headline=HEADLINE)
    assert story.status == Article.Status.DRAFT
    assert story.section == local
    assert [a.author.name for a in story.authorships.order_by("position")] == [
        "Rita Ross",
        "Bea Adams",
    ]
    body = story.body
    assert "<strong>unanimous</strong>" in body
    link = '<a href="https://example.org/harbour-report" rel="noopener noreferrer nofollow">'
    assert f"{link}full report</a>, published today.</p>" in body
    assert "sixty metres longer" in body and "<em>spring</em>" in body
    for office in ("mso", "Mso", "o:p", "style=", "class=", "<span", "<html", "StartFragment"):
        assert office not in body, f"{office!r} left in the saved body: {body}"
    assert re.fullmatch(r"(<p>(?:(?!</?p>).)+</p>)+", body.replace("\n", "")), body
    assert body.count("<p>") == 5, body  # Word's blank line is not a paragraph
    assert body.endswith("<em>spring</em>.</p>"), body  # nor its <o:p>&nbsp;</o:p>
    chosen = page.locator(".field-authors .select2-selection__choice").all_inner_texts()
    assert [c.strip("×\n ") for c in chosen] == ["Rita Ross", "Bea Adams"]
    editor.wait_for()
    shoot(page, "change-form")
    row = page.locator(".submit-row")
    assert row.get_by_role("button", name="Submit for review").is_visible()
    assert row.get_by_role("button", name="Publish now").count() == 0
    assert row.get_by_role("button", name="Schedule").count() == 0
    assert row.get_by_role("link", name="Kill…").count() == 0
    shoot(page, "reporter-submit-row", row)

    row.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(f"{live_server.url}/admin/newsroom/article/")
    assert "Submitted for review." in message(page)
    story.refresh_from_db()
    assert story.status == Article.Status.REVIEW
    assert page.js_errors == []  # type: ignore[attr-defined]

    # The editor opens it, previews it, and a second editor meets the lock.
    editor_context, page = sign_in(chromium, live_server, "eddie")
    page.goto(f"{live_server.url}/admin/newsroom/article/")
    page.locator("#result_list").get_by_role("link", name=HEADLINE).click()
    page.locator(".field-body .ProseMirror[contenteditable=true]").wait_for()
    row = page.locator(".submit-row")
    for label in ("Publish now", "Schedule", "Return to draft"):
        assert row.get_by_role("button", name=label).is_visible(), label
    assert row.get_by_role("link", name="Kill…").is_visible()
    assert page.locator(".newsroom-lock-banner:visible").count() == 0
    shoot(page, "editor-buttons", row)
    # "Also in" lists the other sections, not the main one again.
    assert page.locator("#id_sections_to option").count() == 0

    second_context, second = sign_in(chromium, live_server, "mona")
    second.goto(f"{live_server.url}/admin/newsroom/article/{story.pk}/change/")
    banner = second.locator(".newsroom-lock-banner", has_text="Being edited by")
    assert banner.is_visible()
    assert "Being edited by Eddie Ng" in banner.inner_text()
    assert banner.get_by_role("button", name="Take over").is_visible()
    assert second.locator(".submit-row input[name=_publish]").count() == 0
    # The read-only page: the byline in its order, the body as text, not markup.
    assert second.locator(".field-byline_in_order .readonly").inner_text() == (
        "Rita Ross, Bea Adams"
    )
    read_only_body = second.locator(".field-body_as_read .readonly")
    assert read_only_body.locator("strong", has_text="unanimous").count() == 1
    assert "<p>" not in read_only_body.inner_text()
    shoot(second, "lock-banner")
    shoot(second, "lock-banner-only", banner)
    second_context.close()

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Open the preview").click()
    preview_tab = opened.value
    preview_link = preview_tab.url
    preview_tab.close()
    assert "/preview/" in preview_link
    anonymous = chromium.new_context(viewport=DESKTOP)
    reader = anonymous.new_page()
    reader.set_default_timeout(20_000)
    response = reader.goto(preview_link)
    assert response is not None and response.status == 200
    assert anonymous.cookies() == [] or all(
        c["name"] not in ("sessionid", "csrftoken") for c in anonymous.cookies()
    )
    notice = reader.locator(".notice--preview")
    assert "Preview — not published" in " ".join(notice.inner_text().split())
    assert reader.get_by_role("heading", level=1, name=HEADLINE).is_visible()
    assert "unanimous" in reader.locator("main").inner_text()
    shoot(reader, "preview")

    # The editor subs the story, then schedules it a few minutes ahead.
    body_editor = page.locator(".field-body .ProseMirror[contenteditable=true]")
    body_editor.locator("p", has_text="The harbour board voted").click()
    page.keyboard.press("End")
    settle(body_editor)
    page.keyboard.press("Backspace")
    page.keyboard.type(" after a long debate.")
    page.locator("#id_summary").fill("The pier will be sixty metres longer.")
    at = timezone.localtime(timezone.now() + dt.timedelta(minutes=7)).replace(second=0)
    page.locator("#id_published_at_0").fill(at.strftime("%Y-%m-%d"))
    page.locator("#id_published_at_1").fill(at.strftime("%H:%M:%S"))
    page.locator(".submit-row").get_by_role("button", name="Schedule").click()
    page.wait_for_url(f"{live_server.url}/admin/newsroom/article/")
    assert f"Scheduled for {at.strftime('%a %-d %b %H:%M')}." in message(page)
    row_text = page.locator("#result_list tr", has_text=HEADLINE).inner_text()
    assert "Scheduled for" in row_text and "Published" not in row_text
    shoot(page, "list")
    story.refresh_from_db()
    assert story.status == Article.Status.SCHEDULED
    assert reader.goto(live_server.url + story.get_absolute_url()).status == 404
    reader.goto(preview_link)
    assert "scheduled for" in reader.locator(".notice--preview").inner_text()

    # And then publishes it now.
    page.locator("#result_list").get_by_role("link", name=HEADLINE).click()
    page.locator(".submit-row").get_by_role("button", name="Publish now").click()
    page.wait_for_url(f"{live_server.url}/admin/newsroom/article/")
    assert "Published." in message(page)
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED and not story.is_scheduled
    response = reader.goto(live_server.url + story.get_absolute_url())
    assert response is not None and response.status == 200
    assert reader.get_by_role("heading", level=1, name=HEADLINE).is_visible()
    text = reader.locator("main").inner_text()
    assert "lengthen the ferry pier after a long debate." in text
    assert "Members were unanimous about the plan." in text
    assert "sixty metres longer" in text
    shoot(reader, "public-story")

    # Its history: the versions, a comparison, the log.
    page.locator("#result_list").get_by_role("link", name=HEADLINE).click()
    page.get_by_role("link", name="Versions").click()
    page.get_by_role("heading", level=1, name=re.compile("Revisions")).wait_for()
    shoot(page, "revisions")
    page.locator("input[name=a]").last.check()  # the reporter's first version
    page.locator(".submit-row input[value=Compare]").click()
    page.get_by_role("heading", level=1, name=re.compile("Version")).wait_for()
    assert page.locator(".diff-text ins", has_text="debate").count() == 1
    shoot(page, "compare")
    page.get_by_role("link", name="Workflow log").first.click()
    log = page.locator(".story-history table")
    log.locator("tbody tr").first.wait_for()
    steps = log.inner_text()
    for step in ("Draft → In review", "In review → Scheduled", "Scheduled → Published"):
        assert step in steps, steps
    shoot(page, "log")

    # The fronts: the story pinned to lead the home page.
    page.goto(f"{live_server.url}/admin/newsroom/frontpin/?front=home")
    page.locator(".front-preview").wait_for()
    assert HEADLINE in page.locator(".front-preview").inner_text()
    page.locator(".pin-form .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially(
        "Harbour", delay=30
    )
    page.locator(".select2-results__option", has_text=HEADLINE).click()
    page.locator(".pin-form input[type=submit]").click()
    pin = page.locator("#front-pins li.pin", has_text=HEADLINE)
    pin.wait_for()
    assert pin.locator(".slot").inner_text() == "Lead"
    assert page.locator(".pin-form .datetimeshortcuts .date-icon").first.is_visible()
    shoot(page, "fronts")

    # The kill page, and a kill.
    page.goto(f"{live_server.url}/admin/newsroom/article/{story.pk}/change/")
    page.locator(".submit-row").get_by_role("link", name="Kill…").click()
    page.get_by_label("Why is the story withdrawn?").wait_for()
    shoot(page, "kill")
    page.get_by_label("Why is the story withdrawn?").fill("Published in error.")
    page.get_by_role("button", name="Kill the story").click()
    page.wait_for_url(re.compile(r"/admin/newsroom/article/\d+/change/"))
    assert "Killed" in message(page)
    # A new reader: the first one's browser may keep the live page for its max-age.
    late = chromium.new_context(viewport=DESKTOP)
    response = late.new_page().goto(live_server.url + story.get_absolute_url())
    assert response is not None and response.status == 410
    late.close()
    assert page.js_errors == []  # type: ignore[attr-defined]

    anonymous.close()
    editor_context.close()
    reporter_context.close()
