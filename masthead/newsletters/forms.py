from __future__ import annotations

from typing import Any

from django import forms

from masthead.newsletters.models import Newsletter
from masthead.newsroom.models import Section


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    newsletters = forms.ModelMultipleChoiceField(
        label="Newsletters",
        queryset=Newsletter.objects.filter(is_public=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one newsletter."},
    )


class PreferencesForm(forms.Form):
    newsletters = forms.ModelMultipleChoiceField(
        label="Send me",
        queryset=Newsletter.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sections = forms.ModelMultipleChoiceField(
        label="In my digest, also the latest from",
        queryset=Section.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, subscribed_ids: set[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["newsletters"]
        if not isinstance(field, forms.ModelMultipleChoiceField):  # declared so above
            raise TypeError(field)
        # The public lists, and any private one the reader is on (to leave it).
        field.queryset = Newsletter.objects.filter(
            pk__in=set(Newsletter.objects.filter(is_public=True).values_list("pk", flat=True))
            | set(subscribed_ids or ())
        )
