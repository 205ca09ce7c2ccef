"""Newsletter sending rate: emails rendered and handed to SMTP per second.

    .venv/bin/python benchmarks/bench_newsletter.py [--subscribers 10000] [--batch 50]

A throwaway SQLite database (the embedded default) with a front of 12 stories in four sections
(pictures on half of them) and --subscribers readers on the daily digest, a quarter of them
following one or two sections; then the real send (`sending.deliver`, as the worker and
`masthead newsletter send` run it: claim a batch, render each copy, hand it to the server,
mark it sent, two row updates per copy) to a real SMTP server in this process (aiosmtpd on
127.0.0.1), with no rate limit. Prints the building of the deliveries, the send, and the rate.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()

    os.environ["MASTHEAD_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-newsletter-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    os.environ["MASTHEAD_NEWSLETTER_RATE"] = "0"
    os.environ["MASTHEAD_NEWSLETTER_BATCH_SIZE"] = str(args.batch)
    os.environ["MASTHEAD_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from masthead.newsletters import sending, services
    from masthead.newsletters.models import Newsletter, Subscription
    from masthead.newsroom.models import Article, Section, Source
    from tests.newsletters.smtp import SMTPServer

    call_command("migrate", verbosity=0)
    source = Source.objects.create(name="Wire", slug="wire", credit_line="Wire")
    sections = [
        Section.objects.create(name=name, slug=name.lower(), position=i)
        for i, name in enumerate(["Local", "World", "Sport", "Business"])
    ]
    now = timezone.now()
    for i in range(12):
        article = Article.objects.create(
            headline=f"Story {i}: the harbour council votes on the breakwater plan",
            slug=f"story-{i}",
            summary="A summary of two sentences, as a front shows it. Nothing of the body.",
            body="<p>Body text that never goes into an email.</p>",
            status=Article.Status.PUBLISHED,
            published_at=now - timezone.timedelta(minutes=i),
            source=source,
            section=sections[i % 4],
            image_url=f"https://img.example.org/{i}.jpg" if i % 2 else "",
        )
        article.sections.set([sections[i % 4]])
    daily = Newsletter.objects.get(slug="daily")
    t0 = time.perf_counter()
    Subscription.objects.bulk_create(
        [
            Subscription(
                newsletter=daily,
                email=f"reader{i}@example.com",
                confirmed_at=now,
                consent_source="bench",
            )
            for i in range(args.subscribers)
        ],
        batch_size=2000,
    )
    through = Subscription.sections.through
    followers = Subscription.objects.filter(newsletter=daily).order_by("pk")[
        : args.subscribers // 4
    ]
    through.objects.bulk_create(
        [
            through(subscription_id=pk, section_id=sections[n % 4].pk)
            for n, pk in enumerate(followers.values_list("pk", flat=True))
        ]
        + [
            through(subscription_id=pk, section_id=sections[(n + 1) % 4].pk)
            for n, pk in enumerate(followers.values_list("pk", flat=True))
            if n % 2
        ],
        batch_size=2000,
    )
    print(f"{args.subscribers:,} subscribers made in {time.perf_counter() - t0:.1f} s", flush=True)

    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        t0 = time.perf_counter()
        edition = services.build_edition(daily)
        copies = services.start_sending(edition, enqueue=False)
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = sending.deliver(edition.pk)
        elapsed = time.perf_counter() - t0
        received = server.count
    size = len(server.raw[0][1]) if server.raw else 0
    print(f"edition built, {copies:,} deliveries made in {built:.2f} s", flush=True)
    print(
        f"sent {report.sent:,} ({received:,} received by the SMTP server, {size:,} bytes each) "
        f"in {elapsed:.1f} s, batches of {args.batch}: {report.sent / elapsed:,.0f} emails/s"
    )


if __name__ == "__main__":
    main()
