"""The paper's own pages (About, Contact, Privacy, Terms): text the paper edits, not stories.

Not `django.contrib.flatpages`: it needs the sites framework, and installing that makes Django
build absolute URLs on the Site row's domain instead of the request's host (feeds, sitemaps,
password-reset links), which every other page here uses. The set of pages is fixed by the URL
patterns (`masthead/urls.py`): editors change their words, not which pages exist.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse


class PaperPage(models.Model):
    slug = models.SlugField(unique=True, help_text="Its address; also the URL pattern's name.")
    title = models.CharField(max_length=200)
    # HTML, sanitised on the way in (the admin's form runs `masthead.text.clean_html`).
    content = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = "page"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(self.slug)
