"""Corrections become rows of their own: a story may have several, each dated.

Each story's single `correction_note` moves into one `Correction`, dated by its
`corrected_at`; `corrected_at` stays on the story as the latest correction's time. A note
without a time (set by hand before the admin dated it) takes the story's last visible change,
its update or publication time, so the story's `last_modified` does not move. Backwards, the
latest correction's note returns to `correction_note`.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_correction_notes(apps, schema_editor):
    Article = apps.get_model("newsroom", "Article")
    Correction = apps.get_model("newsroom", "Correction")
    corrected = (
        Article.objects.exclude(correction_note="")
        .order_by("pk")
        .values_list("pk", "correction_note", "corrected_at", "updated_at", "published_at", "created")
    )
    batch = []
    for pk, note, corrected_at, updated_at, published_at, created in corrected.iterator():
        if not note.strip():
            continue
        at = corrected_at or updated_at or published_at or created
        if corrected_at is None:
            Article.objects.filter(pk=pk).update(corrected_at=at)
        # No user or actor: the single note's author was never recorded.
        batch.append(Correction(article_id=pk, note=note.strip(), published_at=at, created=at))
        if len(batch) >= 1000:
            Correction.objects.bulk_create(batch)
            batch = []
    Correction.objects.bulk_create(batch)


def restore_correction_notes(apps, schema_editor):
    Article = apps.get_model("newsroom", "Article")
    Correction = apps.get_model("newsroom", "Correction")
    latest = {}
    for article_id, note in Correction.objects.order_by("published_at", "id").values_list(
        "article_id", "note"
    ):
        latest[article_id] = note
    for article_id, note in latest.items():
        Article.objects.filter(pk=article_id).update(correction_note=note)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0004_repair_tag_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Correction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("note", models.TextField(help_text="Plain text, shown to readers.")),
                (
                    "published_at",
                    models.DateTimeField(
                        db_index=True,
                        help_text="When readers were told (the wire's time for a wire correction).",
                    ),
                ),
                ("actor", models.CharField(blank=True, max_length=150)),
                ("created", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="corrections",
                        to="newsroom.article",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="article_corrections",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["published_at", "id"],
            },
        ),
        migrations.RunPython(move_correction_notes, restore_correction_notes),
        migrations.RemoveField(
            model_name="article",
            name="correction_note",
        ),
    ]
