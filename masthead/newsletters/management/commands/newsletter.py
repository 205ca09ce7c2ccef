"""`masthead newsletter`: the lists, importing subscribers, sending, and the worker's clock.

    masthead newsletter list
    masthead newsletter subscribe EMAIL... --list daily --consent-source TEXT [--file PATH]
    masthead newsletter send daily [--dry-run]   # build today's edition and send it now
    masthead newsletter resume [EDITION_ID]      # finish editions left sending (after a crash)
    masthead newsletter due                      # one pass of the schedule (cron, or:)
    masthead newsletter watch [--interval 20]    # the schedule's loop, beside `db_worker`

`send` sends in this process, printing each batch; run again after a crash it finishes the
list's unfinished edition instead of building another (each reader gets one copy).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import DatabaseError

from masthead.newsletters import digest, sending, services
from masthead.newsletters.models import Edition, Newsletter, Subscription

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Newsletters: list, subscribe (import), send, resume, due, watch."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="The lists, their schedules and readers.")
        subscribe = sub.add_parser("subscribe", help="Add confirmed addresses (an import).")
        subscribe.add_argument("emails", nargs="*", metavar="EMAIL")
        subscribe.add_argument("--list", dest="slug", required=True)
        subscribe.add_argument(
            "--consent-source",
            required=True,
            help="Where these readers gave consent, e.g. 'print coupon 2026'.",
        )
        subscribe.add_argument("--file", type=Path, help="One address a line.")
        send = sub.add_parser("send", help="Build a list's edition from the front and send it.")
        send.add_argument("slug", metavar="LIST")
        send.add_argument(
            "--dry-run", action="store_true", help="Build and render; send and keep nothing."
        )
        resume = sub.add_parser("resume", help="Finish editions left sending.")
        resume.add_argument("edition", nargs="?", type=int)
        sub.add_parser("due", help="One pass of the schedule.")
        watch = sub.add_parser("watch", help="The schedule's loop.")
        watch.add_argument("--interval", type=float, default=20.0)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["action"])(options)

    def _newsletter(self, slug: str) -> Newsletter:
        newsletter = Newsletter.objects.filter(slug=slug).first()
        if newsletter is None:
            known = ", ".join(Newsletter.objects.values_list("slug", flat=True))
            raise CommandError(f"No newsletter {slug!r} (there are: {known or 'none'}).")
        return newsletter

    def do_list(self, options: dict[str, Any]) -> None:
        for n in Newsletter.objects.all():
            readers = n.subscriptions.active().count()
            self.stdout.write(
                f"{n.slug:<16} {n.name:<32} {n.get_kind_display():<24} "
                f"{n.schedule_label:<28} {readers} readers"
            )

    def do_subscribe(self, options: dict[str, Any]) -> None:
        newsletter = self._newsletter(options["slug"])
        emails = list(options["emails"])
        if options["file"]:
            emails += [line.strip() for line in options["file"].read_text().splitlines()]
        emails = [e for e in emails if e and not e.startswith("#")]
        if not emails:
            raise CommandError("Give addresses, or --file.")
        added = kept = refused = 0
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                refused += 1
                self.stderr.write(f"not an address, skipped: line {emails.index(email) + 1}")
                continue
            existing = Subscription.objects.filter(
                newsletter=newsletter, email=services.normalize_email(email)
            ).first()
            if existing is not None and existing.unsubscribed_at is not None:
                # An import must not undo an unsubscribe or a bounce.
                kept += 1
                continue
            services.subscribe(
                email=email, newsletters=[newsletter], source=options["consent_source"]
            )
            added += 1
        self.stdout.write(
            f"{added} subscribed to {newsletter.slug}; {kept} left unsubscribed as they asked; "
            f"{refused} refused"
        )

    def do_send(self, options: dict[str, Any]) -> None:
        newsletter = self._newsletter(options["slug"])
        if options["dry_run"]:
            content = digest.snapshot(newsletter)
            edition = Edition(
                newsletter=newsletter,
                subject=digest.default_subject(newsletter, content),
                content=content,
            )
            renderer = digest.EditionRenderer(edition)
            readers = newsletter.subscriptions.active().prefetch_related("sections")
            count = 0
            for subscription in readers.iterator(chunk_size=500):
                renderer.copy_for(subscription)
                count += 1
            self.stdout.write(
                f"dry run: “{edition.subject}”, {len(edition.story_ids())} stories, "
                f"{count} copies rendered; nothing sent"
            )
            return
        unfinished = (
            Edition.objects.filter(newsletter=newsletter, state=Edition.State.SENDING)
            .order_by("started_at")
            .first()
        )
        if unfinished is not None:
            edition = unfinished
            self.stdout.write(f"edition {edition.pk} was left sending: finishing it")
        else:
            edition = services.build_edition(newsletter)
            count = services.start_sending(edition, enqueue=False)
            self.stdout.write(f"edition {edition.pk}: “{edition.subject}” to {count} readers")
        self._deliver(edition.pk)

    def _deliver(self, edition_id: int) -> None:
        def on_batch(report: sending.Report) -> None:
            self.stdout.write(f"batch {report.batches}: {report.sent} sent, {report.failed} failed")
            self.stdout.flush()

        self.stdout.flush()
        try:
            report = sending.deliver(edition_id, on_batch=on_batch)
        except sending.ServerUnavailable as error:
            raise CommandError(
                f"the mail server stopped taking messages ({error}); run "
                f"`masthead newsletter resume {edition_id}` to finish"
            ) from error
        progress = sending.progress(Edition.objects.get(pk=edition_id))
        self.stdout.write(
            f"edition {edition_id}: {report.sent} sent in this run; in all {progress['sent']} "
            f"sent, {progress['failed']} failed, {progress['remaining']} remaining"
        )

    def do_resume(self, options: dict[str, Any]) -> None:
        editions = Edition.objects.filter(state=Edition.State.SENDING)
        if options["edition"]:
            editions = editions.filter(pk=options["edition"])
        for pk in editions.values_list("pk", flat=True):
            self._deliver(pk)

    def do_due(self, options: dict[str, Any]) -> None:
        done = services.run_due()
        self.stdout.write(f"{done.built} built, {done.started} started, {done.resumed} resumed")

    def do_watch(self, options: dict[str, Any]) -> None:
        while True:
            try:
                services.run_due()
            except DatabaseError:
                # A database restart or a lock held too long: the next pass tries again.
                logger.exception("newsletter schedule pass failed")
            time.sleep(options["interval"])
