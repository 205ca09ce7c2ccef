"""Every paper starts with its four pages, in starter words it replaces, and editors may edit them.

The words are written once, here, with this installation's name and meter settings; the paper
edits them in the back office afterwards (a later change of a setting does not rewrite them).
The Privacy page says what Masthead itself stores: read `masthead/accounts` and
`docs/meter.md` before changing what it claims.
"""

from html import escape

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDIT_NOTE = (
    '<p class="notice">Starter text. Edit this page in the back office: Reader site › Pages.</p>'
)


def _days(seconds: int) -> str:
    days = max(1, round(seconds / 86400))
    return "a day" if days == 1 else f"{days} days"


def starter_pages() -> dict[str, tuple[str, str]]:
    paper = escape(settings.PAPER_NAME)
    tagline = escape(settings.PAPER_TAGLINE)
    window = settings.MASTHEAD_METER_WINDOW_DAYS
    free = settings.MASTHEAD_METER_FREE_ARTICLES
    confirm = _days(settings.MASTHEAD_EMAIL_VERIFICATION_MAX_AGE)
    signin_window = _days(settings.MASTHEAD_SIGNIN_WINDOW_SECONDS)
    dedup_minutes = max(1, settings.MASTHEAD_POPULAR_DEDUP_SECONDS // 60)
    return {
        "about": (
            "About us",
            f"""{EDIT_NOTE}
<p>{paper}: {tagline}.</p>
<p>[Say here who you are: who owns the paper, who works in the newsroom, what you cover and
what you leave to others.]</p>
<h2>How we work</h2>
<p>Our own reporters' stories carry their names. Stories from news agencies carry the agency's
credit line, and we may edit them for length and local detail.</p>
<p>When we get something wrong, we correct the story and say so on it. Every correction we
have made is listed on our <a href="/corrections/">Corrections</a> page.</p>
<p>To reach the newsroom, see <a href="/contact/">Contact us</a>.</p>""",
        ),
        "contact": (
            "Contact us",
            f"""{EDIT_NOTE}
<h2>News tips and story ideas</h2>
<p>[The newsroom's email address and telephone number, and how to send something
confidentially.]</p>
<h2>Corrections</h2>
<p>If a story of ours is wrong, tell us at [address], with the story's headline or link. We
publish our corrections on the <a href="/corrections/">Corrections</a> page.</p>
<h2>Your account</h2>
<p>You can change your email address or password, or delete your account, on your account
page once signed in. For anything else about your account or your data, write to
[address].</p>
<h2>Letters, advertising, the office</h2>
<p>[Addresses for letters to the editor and advertising; the office's postal address and
opening hours.]</p>""",
        ),
        "privacy": (
            "Privacy",
            f"""{EDIT_NOTE}
<p>This page says what {paper}'s website stores about its readers, why, and for how long.
[Paper: check it against your own setup, and add what your hosting keeps, such as web server
access logs, and for how long.]</p>
<h2>No trackers</h2>
<p>Our pages carry no advertising, analytics or social-media scripts, and load no scripts or
fonts from other companies. A story may show a picture or an embedded item hosted elsewhere;
your browser then fetches it from that host.</p>
<h2>Reading without an account</h2>
<p>You may read {free} stories marked for registered readers every {window} days without an
account. To count them, the first time you open one we set a cookie holding a random number,
nothing else. We keep a list of the stories read under that number, and also under a scrambled
form of your network address (a keyed hash: we cannot turn it back into the address), so that
clearing cookies does not reset the count. Each entry is deleted {window} days after the read.
We do not use your browser's other traits to recognise you.</p>
<p>To count what is read most, each story page asks for a tiny image. We count one read per
reader per story every {dedup_minutes} minutes, using a scrambled form of your address and
browser that we keep for those {dedup_minutes} minutes only; what we keep after that is the
number of reads of each story per hour, with nothing about who read it.</p>
<h2>If you have an account</h2>
<p>We keep your email address, the name you chose to show (if any), your password (only in
scrambled form, which we cannot reverse), whether you have confirmed your address, and which
stories for registered readers you have read. We use your address only to send the emails you
ask for: confirming your address and resetting your password.</p>
<p>When you sign up, what you entered waits until you open the link we email you; an unused
link expires after {confirm}, and its sign-up is then deleted.</p>
<p>You can delete your account on your account page. That deletes the account and its reading
history at once.</p>
<h2>Newsletters</h2>
<p>If you subscribe to a newsletter we keep your email address, which lists you chose, the
sections you follow, when and how you agreed (the form or page you used, and a scrambled form
of your network address, never the address itself), and which editions we sent you. An
address without an account is kept only once you confirm it from the link we email. Every
email has a one-click unsubscribe; an address that bounces or reports our mail as spam is
unsubscribed. Your address goes to no one but the mail service that delivers our email.</p>
<h2>Pictures</h2>
<p>Photographs we show are copies we make without the hidden data cameras add (such as the
place a picture was taken); the credit stays beside the picture.</p>
<h2>Keeping accounts safe</h2>
<p>To slow down password guessing we count failed sign-ins for each account and each network
address (scrambled) for up to {signin_window}, and sign-up and password-reset requests for each
address for an hour. Signing in sets a session cookie and a security cookie; they are needed
for the site to know it is you.</p>
<h2>Questions</h2>
<p>See <a href="/contact/">Contact us</a>.</p>""",
        ),
        "terms": (
            "Terms of use",
            f"""{EDIT_NOTE}
<p>[Paper: replace this outline with your own terms, checked by your lawyer.]</p>
<h2>Our stories</h2>
<p>The stories, photographs and graphics on this site belong to {paper} or to the agencies
and people credited on them. You may link to them and quote short passages with credit;
please ask before republishing more.</p>
<h2>Accounts</h2>
<p>An account is free and for one person. Keep your password to yourself. We may close an
account used to abuse the site or its readers.</p>
<h2>Accuracy</h2>
<p>We work to get things right and correct what we get wrong: see
<a href="/corrections/">Corrections</a>.</p>
<h2>Changes</h2>
<p>We may change these terms; the date below says when they last changed.</p>""",
        ),
    }


# What the Editor role (newsroom/migrations/0008_roles.py) may do with the pages.
EDITOR = ("view_paperpage", "change_paperpage")


def create_pages(apps, schema_editor):
    PaperPage = apps.get_model("site", "PaperPage")
    for slug, (title, content) in starter_pages().items():
        PaperPage.objects.get_or_create(slug=slug, defaults={"title": title, "content": content})
    # Permissions are made after migrations run (post_migrate); the role needs them now.
    config = apps.get_app_config("site")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor = Group.objects.filter(name="Editor").first()
    if editor is not None:
        editor.permissions.add(
            *Permission.objects.filter(content_type__app_label="site", codename__in=EDITOR)
        )


def remove_pages(apps, schema_editor):
    apps.get_model("site", "PaperPage").objects.filter(slug__in=starter_pages()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("site", "0001_paper_pages"),
        ("newsroom", "0008_roles"),
    ]

    operations = [migrations.RunPython(create_pages, remove_pages)]
