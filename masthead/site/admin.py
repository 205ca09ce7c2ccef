"""The paper's pages in the back office: editors change their words; the set is fixed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from masthead.lib.admin import CheckedAdmin
from masthead.site.models import PaperPage
from masthead.text import clean_html, clean_label


class PaperPageForm(forms.ModelForm):
    class Meta:
        model = PaperPage
        fields = ("title", "content")
        widgets = {"content": forms.Textarea(attrs={"rows": 24, "class": "vLargeTextField"})}
        help_texts = {
            "content": "HTML: paragraphs, headings, lists, links. Scripts, styles and anything "
            "else a story body may not carry are removed on save."
        }

    def clean_title(self) -> str:
        title = clean_label(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError("A page needs a title with some text in it.")
        return title

    def clean_content(self) -> str:
        # The same sanitiser as a story's body: the page goes out as HTML to every reader.
        content: str = self.cleaned_data["content"]
        return clean_html(content).strip() if content else ""


@admin.register(PaperPage)
class PaperPageAdmin(CheckedAdmin):
    form = PaperPageForm
    list_display = ("title", "address", "updated_at")
    readonly_fields = ("address", "updated_at")
    fields = ("address", "title", "content", "updated_at")

    @admin.display(description="address")
    def address(self, page: PaperPage) -> str:
        return page.get_absolute_url()

    # Which pages exist is the URL patterns' business (masthead/urls.py): a page added here
    # would have no address, and one deleted would leave a footer link answering 404.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
