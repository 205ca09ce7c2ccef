"""`masthead demo [--serve]`: the site with its fictional demo content.

The wire stories go in through the real ingest (`masthead.wire.ingest.ingest_path`) and the
local stories through the newsroom's `PublishLocalStoryAction`, so the demo exercises the same code
paths as real content. Running it again gives the same site: ingest skips unchanged items and
local stories are keyed by slug.
"""

from __future__ import annotations

import json
import secrets
import sys
import threading
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.dateparse import parse_datetime

from masthead.demo import illustrations, live
from masthead.discovery.tasks import run_pending_refreshes
from masthead.lib.planner import refresh_planner_statistics
from masthead.newsroom import pictures
from masthead.newsroom.actions import Actor, PublishLocalStoryAction, SetPicturesAction
from masthead.newsroom.models import Access, Article, Author, Section, Source
from masthead.wire.ingest import ingest_path, poll_feed
from masthead.wire.models import Feed
from masthead.wire.results import IngestSummary

CONTENT = Path(__file__).resolve().parents[2] / "content"

# (slug, name, position, in_nav, on_home)
SECTIONS = [
    ("us", "U.S.", 10, True, True),
    ("world", "World", 20, True, True),
    ("politics", "Politics", 30, True, True),
    ("business", "Business", 40, True, True),
    ("technology", "Tech", 50, True, True),
    ("health", "Health", 60, True, True),
    ("lifestyle", "Lifestyle", 70, True, True),
    ("sports", "Sports", 80, True, True),
    ("local", "Local", 90, True, False),  # the home page has its own Local block
]

SOURCES: list[dict[str, Any]] = [
    {
        "slug": "harbor-light-wire",
        "name": "Harbor Light Wire",
        "kind": Source.Kind.WIRE,
        "credit_line": "Harbor Light Wire",
        "copyright_template": "™ & © {year} Harbor Light Wire Cooperative (fictional)",
        "default_access": Access.REGISTRATION,
        "index_policy": Source.IndexPolicy.NOINDEX,
        "dateline_agency": "Harbor Light",
    },
    {
        "slug": "continental-press",
        "name": "Continental Press",
        "kind": Source.Kind.WIRE,
        "credit_line": "Continental Press",
        "copyright_template": "© {year} Continental Press Agency (fictional)",
        "default_access": Access.REGISTRATION,
        "index_policy": Source.IndexPolicy.INDEX,
        "dateline_agency": "CP",
    },
    {
        "slug": "pacific-ledger",
        "name": "The Pacific Ledger",
        "kind": Source.Kind.STAFF,
        "credit_line": "The Pacific Ledger",
        "copyright_template": "© {year} The Pacific Ledger",
        "default_access": Access.FREE,
        "index_policy": Source.IndexPolicy.INDEX,
    },
]


class Command(BaseCommand):
    help = "Migrate, load the fictional demo content (idempotent) and optionally serve the site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--serve", action="store_true", help="Then start the web server.")
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-migrate", action="store_true")
        parser.add_argument(
            "--release",
            action="store_true",
            help="Only release the demo wire's stories that are due (for cron), then exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["release"]:
            for name in live.release_due():
                self.stdout.write(f"released {name}")
            return
        if not CONTENT.is_dir():
            raise CommandError(f"Demo content is missing from {CONTENT}.")
        if not options["no_migrate"]:
            self.stdout.write("Migrating the database...")
            call_command("migrate", interactive=False, verbosity=0)
        sections = self.ensure_sections()
        sources = self.ensure_sources()
        content = live.prepare(CONTENT)
        totals = {"new": 0, "updated": 0, "killed": 0, "skipped": 0, "errors": 0}
        files, live_feed = self.wire_files(content, sections, sources)
        for n, (path, feed) in enumerate(files, start=1):
            summary = self.ingest(path, feed)
            for key in totals:
                totals[key] += getattr(summary, key, 0)
            self.progress(n, len(files), path.name)
        live.release_due()  # what fell due since the first load goes in now
        summary = poll_feed(live_feed)
        for key in totals:
            totals[key] += getattr(summary, key, 0)
        local = self.load_local(content.local, sections, sources["pacific-ledger"])
        self.stderr.write("")
        self.ensure_newsroom_accounts()
        # Search and Related are refreshed by queued tasks; run them, so the demo ends with an
        # up-to-date index even before a worker is started.
        run_pending_refreshes()
        refresh_planner_statistics(force=True)  # SQLite's planner, told the archive's shape
        self.stdout.write(
            self.style.SUCCESS(
                "Demo content: wire {new} new, {updated} updated, {killed} killed, "
                "{skipped} skipped, {errors} errors; {local} local staff stories.".format(
                    local=local, **totals
                )
            )
        )
        if totals["errors"]:
            raise CommandError("Some demo items failed to ingest; see the ingest log in the admin.")
        waiting = live.waiting()
        if waiting:
            self.stdout.write(
                f"The demo wire holds {waiting} more fictional stories: one arrives every "
                f"{int(live.RELEASE_EVERY.total_seconds() // 60)} minutes while the site is "
                "served (or run `masthead demo --release` from cron)."
            )
        if options["serve"]:
            threading.Thread(target=self.keep_releasing, name="demo-wire", daemon=True).start()
            call_command("serve", bind=options["bind"], workers=options["workers"])

    def keep_releasing(self) -> None:
        """The demo wire's clock, beside the server: the poller (`masthead wire poll --watch`,
        which `serve` starts) ingests what lands in the drop folder."""
        while live.waiting():
            try:
                live.release_due()
            except OSError as exc:  # a full disk, a removed data folder: say so, keep going
                self.stderr.write(f"demo wire: {exc}")
            time.sleep(30)

    def progress(self, n: int, total: int, label: str) -> None:
        if not sys.stderr.isatty():
            self.stderr.write(f"[{n}/{total}] {label}")
            return
        width = 30
        done = int(width * n / total)
        self.stderr.write(
            f"\r[{'#' * done}{'.' * (width - done)}] {n}/{total} {label[:40]:<40}", ending=""
        )
        sys.stderr.flush()

    @transaction.atomic
    def ensure_sections(self) -> dict[str, Section]:
        found: dict[str, Section] = {}
        for slug, name, position, in_nav, on_home in SECTIONS:
            # get_or_create: an editor's later changes to order or nav survive a re-run.
            found[slug], _ = Section.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "position": position, "in_nav": in_nav, "on_home": on_home},
            )
        return found

    @transaction.atomic
    def ensure_sources(self) -> dict[str, Source]:
        found: dict[str, Source] = {}
        for spec in SOURCES:
            spec = dict(spec)
            slug = spec.pop("slug")
            found[slug], _ = Source.objects.get_or_create(slug=slug, defaults=spec)
        return found

    def wire_files(
        self, content: live.Content, sections: dict[str, Section], sources: dict[str, Source]
    ) -> tuple[list[tuple[Path, Feed]], Feed]:
        """The dated files to load now with their feeds, and the live feed (the drop folder
        the held-back stories are released into). Every demo feed is enabled: the poller
        re-reads them (unchanged items are skipped) and ingests each new arrival."""
        files = []
        for path in content.harbor_light:
            feed = self.ensure_feed(
                slug=f"demo-hlw-{path.stem}",
                name=f"Harbor Light Wire — {path.stem}",
                source=sources["harbor-light-wire"],
                location=str(path),
                sections=[sections[path.stem]] if path.stem in sections else [],
            )
            files.append((path, feed))
        cp_feed = self.ensure_feed(
            slug="demo-continental-press",
            name="Continental Press (drop folder)",
            source=sources["continental-press"],
            location=str(content.drop),
            sections=[],
            poll_interval=60,
        )
        # Version order matters: v1 before v2 of the same story (the file names sort so).
        for path in content.continental:
            files.append((path, cp_feed))
        return files, cp_feed

    def ensure_feed(
        self,
        *,
        slug: str,
        name: str,
        source: Source,
        location: str,
        sections: list[Section],
        poll_interval: int = 300,
    ) -> Feed:
        feed, created = Feed.objects.update_or_create(
            slug=slug,
            defaults={"location": location, "enabled": True},
            create_defaults={
                "name": name,
                "source": source,
                "location": location,
                "marks_fiction": True,
                "enabled": True,
                "poll_interval": poll_interval,
            },
        )
        if created and sections:
            feed.default_sections.set(sections)
        return feed

    def ingest(self, path: Path, feed: Feed) -> IngestSummary:
        return ingest_path(str(path), feed=feed)

    def ensure_newsroom_accounts(self) -> None:
        """A demo reporter and a demo editor, so that a newcomer can try the workflow from
        both sides (write and submit; review, schedule, publish). Each password is made here
        and printed once, when the account is made: no password of the demo is written in the
        code, and a re-run leaves the accounts (and passwords) as they are."""
        users = get_user_model()
        for username, group, author in (
            ("reporter", "Reporter", "Rowan Reyes (demo reporter)"),
            ("editor", "Editor", ""),
        ):
            if users.objects.filter(username=username).exists():
                continue
            password = secrets.token_urlsafe(12)
            user = users.objects.create_user(
                username=username,
                email=f"{username}@demo.invalid",
                password=password,
                is_staff=True,
            )
            user.groups.add(Group.objects.get(name=group))
            if author:
                Author.objects.update_or_create(
                    slug="rowan-reyes-demo",
                    defaults={"name": author, "user": user, "is_staff_writer": True},
                )
            self.stdout.write(
                f"Back-office account ({group}): {username} / {password} "
                "(shown once; `masthead changepassword " + username + "` sets another)"
            )

    def load_local(self, path: Path, sections: dict[str, Section], staff: Source) -> int:
        stories = json.loads(path.read_text("utf-8"))
        for story in stories:
            PublishLocalStoryAction(
                actor=Actor.system("demo loader"),
                source=staff,
                slug=story["slug"],
                headline=story["headline"],
                summary=story.get("summary", ""),
                body_html=story["body_html"],
                dateline=story.get("dateline", ""),
                bylines=story.get("bylines", []),
                sections=[sections[s] for s in story.get("sections", []) if s in sections],
                tags=story.get("tags", []),
                published_at=parse_datetime(story["published"]),
                is_fiction=bool(story.get("fiction", True)),
            ).execute()
            self.picture_local(path.parent / "pictures" / f"{story['slug']}.jpg", story)
        return len(stories)

    def picture_local(self, picture: Path, story: dict[str, Any]) -> None:
        """A staff story's picture, drawn for the demo, through the library and the action
        an editor's choice takes."""
        article = Article.objects.filter(slug=story["slug"]).first()
        if article is None or not picture.is_file() or article.lead_image_id:
            return
        image, _ = pictures.store_image(
            picture.read_bytes(),
            filename=picture.name,
            alt=illustrations.alt_for(f"local:{story['slug']}", story["headline"]),
            credit=illustrations.CREDIT,
            source="demo content",
        )
        SetPicturesAction(article=article, lead=image, actor=Actor.system("demo loader")).execute()
