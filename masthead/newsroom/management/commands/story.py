"""`masthead story ...`: the newsroom's workflow from the command line.

`create`, `submit`, `publish`, `schedule`, `unpublish`, `kill`, `revisions` and `preview` act as
the user named by `--as EMAIL`, through the same actions and the same checks as the back office
(`masthead.newsroom.actions`): a reporter refused a step in the admin is refused it here, with
the action's own words, and the command exits non-zero. `due` runs the newsroom's clock once
(`masthead.newsroom.schedule.run_due`, as the system's "scheduler"), for cron or by hand: the
worker (`masthead wire poll --watch`) runs it on every pass anyway.

Text given here goes through `masthead.text` first (`clean_plain`, `clean_html`), as an editor's
does in the back office: the command line is one more door, not a way around the repairs.
"""

from __future__ import annotations

import datetime as dt
import difflib
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from masthead.newsroom import revisions, schedule
from masthead.newsroom.actions import (
    ActionError,
    Actor,
    CreateArticleAction,
    KillArticleAction,
    PublishArticleAction,
    Relations,
    SubmitForReviewAction,
    UnpublishArticleAction,
)
from masthead.newsroom.actions.base import CHANGE, require
from masthead.newsroom.models import Article, Section, Source
from masthead.newsroom.preview import preview_url
from masthead.newsroom.services import authors_named, tags_named
from masthead.text import clean_html, clean_plain

# Reading a story's history is what the admin's history page asks for too.
VIEW = "newsroom.view_article"
TIME_HELP = 'e.g. "2026-12-05 09:00" in the paper\'s time zone, or with an offset (+01:00, Z)'


class Command(BaseCommand):
    help = "The newsroom's workflow: write, submit, publish, schedule, unpublish, kill a story."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)

        def acting(name: str, text: str) -> CommandParser:
            """A subcommand taken by a person: who, so the checks and the record name them."""
            command: CommandParser = sub.add_parser(name, help=text)
            command.add_argument(
                "--as",
                dest="as_email",
                required=True,
                metavar="EMAIL",
                help="The acting newsroom user, by email address.",
            )
            return command

        create = acting("create", "Write a new draft; prints its slug.")
        create.add_argument("--headline", required=True)
        create.add_argument("--summary", default="")
        body = create.add_mutually_exclusive_group()
        body.add_argument("--body", default=None, metavar="HTML", help="The body, as HTML.")
        body.add_argument(
            "--body-file", default=None, metavar="FILE", help="Read the body's HTML (- for stdin)."
        )
        create.add_argument("--section", default=None, metavar="SLUG", help="The main section.")
        create.add_argument(
            "--also-in",
            action="extend",
            nargs="+",
            default=[],
            metavar="SLUG",
            help="Further sections.",
        )
        create.add_argument("--tag", action="extend", nargs="+", default=[], metavar="NAME")
        create.add_argument(
            "--author",
            action="extend",
            nargs="+",
            default=[],
            metavar="NAME",
            help="Bylines, in order (needed before staff copy goes to review).",
        )
        create.add_argument("--dateline", default="")
        create.add_argument(
            "--source", default=None, metavar="SLUG", help="Default: the paper's staff source."
        )

        on_one: dict[str, CommandParser] = {}
        for name, text in (
            ("submit", "Hand a draft to the editors."),
            ("publish", "Publish now."),
            ("schedule", "Publish at a time to come."),
            ("unpublish", "Take off the site now, or --at a time to come."),
            ("kill", "Withdraw a story from readers (it stays for editors, with why)."),
            ("revisions", "List a story's versions, or --diff two of them."),
            ("preview", "Print a private preview link to the story."),
        ):
            on_one[name] = acting(name, text)
            on_one[name].add_argument("slug", metavar="SLUG")
        on_one["schedule"].add_argument("--at", required=True, metavar="TIME", help=TIME_HELP)
        on_one["unpublish"].add_argument("--at", default=None, metavar="TIME", help=TIME_HELP)
        on_one["kill"].add_argument("--reason", required=True, help="Why, for the record.")
        on_one["revisions"].add_argument(
            "--diff", nargs=2, type=int, metavar=("A", "B"), help="What changed from A to B."
        )
        on_one["preview"].add_argument(
            "--hours",
            type=float,
            default=None,
            help="How long the link works (default: MASTHEAD_PREVIEW_HOURS, 72).",
        )
        sub.add_parser(
            "due", help="Publish and unpublish what is due now, once (prints nothing if nothing)."
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "due":
            self.due()
            return
        actor = actor_for(options["as_email"])
        try:
            if subcommand == "create":
                self.create(actor, options)
                return
            article = story(options["slug"])
            if subcommand == "revisions":
                self.revisions(actor, article, options["diff"])
            elif subcommand == "preview":
                require(actor, CHANGE, article)
                if options["hours"] is not None and options["hours"] <= 0:
                    raise CommandError("--hours must be more than 0")
                self.stdout.write(preview_url(article, hours=options["hours"]))
            else:
                self.stdout.write(self.step(subcommand, actor, article, options))
        except ActionError as exc:
            raise CommandError(str(exc)) from exc

    def create(self, actor: Actor, options: dict[str, Any]) -> None:
        source = staff_source(options["source"])
        main = section(options["section"]) if options["section"] else None
        sections = [main] if main else []
        sections += [section(slug) for slug in options["also_in"]]
        article = Article(
            headline=clean_plain(options["headline"]),
            summary=clean_plain(options["summary"]),
            body=clean_html(read_body(options["body"], options["body_file"])),
            dateline=clean_plain(options["dateline"]),
            source=source,
            is_local=source.kind == Source.Kind.STAFF,
            section=main or (sections[0] if sections else None),
            status=Article.Status.DRAFT,
        )
        # One transaction with the action: tags and authors named here are created only if
        # the story is (a refused create leaves no new tag behind).
        with transaction.atomic():
            relations = Relations(
                sections=sections or None,
                tags=tags_named(options["tag"]) if options["tag"] else None,
                authors=(
                    authors_named(options["author"], staff=article.is_local)
                    if options["author"]
                    else None
                ),
            )
            created = CreateArticleAction(article=article, actor=actor, relations=relations)
            self.stdout.write(created.execute().slug)

    def step(self, name: str, actor: Actor, article: Article, options: dict[str, Any]) -> str:
        """One workflow step on the story; the line saying where it stands now."""
        if name == "submit":
            done = SubmitForReviewAction(article=article, actor=actor).execute()
        elif name == "publish":
            done = PublishArticleAction(article=article, actor=actor).execute()
        elif name == "schedule":
            at = future(options["at"])
            done = PublishArticleAction(article=article, actor=actor, at=at).execute()
        elif name == "unpublish":
            later = future(options["at"]) if options["at"] else None
            done = UnpublishArticleAction(article=article, actor=actor, at=later).execute()
            if later is not None:
                return f"{done.slug}: {done.status_label.lower()}, to come down at {shown(later)}"
        elif name == "kill":
            reason = clean_plain(options["reason"]).strip()
            if not reason:
                raise CommandError("say why the story is withdrawn (--reason)")
            done = KillArticleAction(article=article, reason=reason, actor=actor).execute()
        else:  # pragma: no cover - argparse allows only the names above
            raise CommandError(f"unknown subcommand {name}")
        if done.status == Article.Status.SCHEDULED and done.published_at is not None:
            return f"{done.slug}: scheduled for {shown(done.published_at)}"
        return f"{done.slug}: {done.status_label.lower()}"

    def revisions(self, actor: Actor, article: Article, pair: list[int] | None) -> None:
        require(actor, VIEW, article)
        versions = revisions.history(article)
        if pair is None:
            for version in versions:
                now = " (current)" if version.is_current else ""
                self.stdout.write(
                    f"{version.number}\t{shown(version.at)}\t{version.actor}\t{version.reason}{now}"
                )
            return
        by_number = {v.number: v for v in versions}
        missing = [str(n) for n in pair if n not in by_number]
        if missing:
            raise CommandError(
                f"{article.slug} has versions 1 to {len(versions)}, not {', '.join(missing)}"
            )
        old, new = by_number[pair[0]], by_number[pair[1]]
        lines = list(unified(old, new))
        if not lines:
            self.stdout.write(f"versions {old.number} and {new.number} read the same")
        for line in lines:
            self.stdout.write(line)

    def due(self) -> None:
        done = schedule.run_due()
        for slug in done.published:
            self.stdout.write(f"published {slug}")
        for slug in done.unpublished:
            self.stdout.write(f"unpublished {slug}")


def unified(old: revisions.Version, new: revisions.Version) -> list[str]:
    """A unified diff of each field that changed, one paragraph of the body to a line, so a
    terminal (or a patch reader) shows it as a reviewer reads a change."""
    lines: list[str] = []
    for field in revisions.diff(old, new):
        if not field.changed:
            continue
        before = "".join(text for op, text in field.chunks if op != "insert")
        after = "".join(text for op, text in field.chunks if op != "delete")
        lines += difflib.unified_diff(
            before.splitlines(),
            after.splitlines(),
            fromfile=f"{field.label} (version {old.number})",
            tofile=f"{field.label} (version {new.number})",
            lineterm="",
        )
    return lines


def actor_for(email: str) -> Actor:
    """The active user with this email address (any case): addresses are typed by hand."""
    users = list(get_user_model().objects.filter(email__iexact=email.strip())[:2])
    if not users:
        raise CommandError(f"no user has the email address {email}")
    if len(users) > 1:
        raise CommandError(f"several users have the email address {email}: use the admin")
    if not users[0].is_active:
        raise CommandError(f"the account of {email} is inactive")
    return Actor.editor(users[0])


def story(slug: str) -> Article:
    try:
        return Article.objects.select_related("source", "created_by").get(slug=slug)
    except Article.DoesNotExist:
        raise CommandError(f"no story has the slug {slug}") from None


def section(slug: str) -> Section:
    try:
        return Section.objects.get(slug=slug)
    except Section.DoesNotExist:
        raise CommandError(f"no section has the slug {slug}") from None


def staff_source(slug: str | None) -> Source:
    """The source named, or the paper's own newsroom (the first staff source made)."""
    if slug is not None:
        try:
            return Source.objects.get(slug=slug)
        except Source.DoesNotExist:
            raise CommandError(f"no source has the slug {slug}") from None
    found = Source.objects.filter(kind=Source.Kind.STAFF).order_by("pk").first()
    if found is None:
        raise CommandError("there is no staff source: add one in the admin, or give --source")
    return found


def read_body(body: str | None, path: str | None) -> str:
    if path is None:
        return body or ""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {path}: {exc}") from exc


def parse_time(text: str) -> dt.datetime:
    """A time as an editor types it: in the paper's time zone unless it says its offset."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"not a time: {text!r} ({TIME_HELP})") from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value


def future(text: str) -> dt.datetime:
    """A time to come: a past one is a typo, never "now" (which has its own subcommand)."""
    value = parse_time(text)
    if value <= timezone.now():
        raise CommandError(f"{shown(value)} has passed: give a time to come")
    return value


def shown(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z")
