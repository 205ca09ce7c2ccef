"""The picture library in the back office: upload with alt text, caption and credit; the focal
point picked by a click on the preview; where each picture is used. Registered by an import
in `masthead.newsroom.admin`; the story editor chooses a lead picture by autocomplete on
this admin's search.

Every upload goes through `pictures.store_image`, as the wire's pictures do (Pillow's bomb
guard, the same bytes stored once, renditions made by the worker); editing a picture's focal
point queues a new card crop.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from masthead.newsroom import pictures, tasks
from masthead.newsroom.models import Article, Image


class ImageForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        help_text=f"JPEG, PNG, WebP, GIF or TIFF, up to {pictures.MAX_BYTES // 2**20} MB.",
    )

    class Meta:
        model = Image
        fields = ("alt", "caption", "credit", "copyright", "source", "focal_x", "focal_y")
        widgets = {"caption": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Required here (the wire's pictures may arrive without them, and wait for the desk).
        for name in ("alt", "caption", "credit"):
            self.fields[name].required = True
        if self.instance.pk is None:
            self.fields["upload"].required = True

    def clean_upload(self) -> bytes | None:
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return None
        if upload.size > pictures.MAX_BYTES:
            raise forms.ValidationError(f"over the {pictures.MAX_BYTES // 2**20} MB limit")
        data = upload.read()
        try:
            pictures.check(data)
        except pictures.PictureRefused as exc:
            raise forms.ValidationError(exc.reason) from exc
        self.upload_name = upload.name
        return data


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ("thumbnail", "alt", "credit", "size", "created")
    search_fields = ("alt", "caption", "credit", "source")  # the story editor's autocomplete
    readonly_fields = ("preview", "used_in", "size")
    fieldsets = (
        (None, {"fields": ("upload", "preview", "alt", "caption", "credit", "copyright")}),
        ("Focal point", {"fields": ("focal_x", "focal_y")}),
        ("Where it is", {"fields": ("source", "size", "used_in")}),
    )

    class Media:
        js = ("pictures/focal_point.js",)

    def _small(self, obj: Image, width: int) -> dict[str, Any] | None:
        found = [r for r in obj.widths("jpeg") if r["width"] <= width] or obj.widths("jpeg")[:1]
        return found[-1] if found else None

    @admin.display(description="")
    def thumbnail(self, obj: Image) -> SafeString | str:
        small = self._small(obj, 320)
        if small is None:
            return "(renditions pending)"
        return format_html(
            '<img src="{}" alt="" width="80" style="height:auto">', pictures.url(small["name"])
        )

    @admin.display(description="Preview (click to set the focal point)")
    def preview(self, obj: Image) -> SafeString | str:
        shown = self._small(obj, 960)
        if shown is None:
            return "Renditions are being made by the worker."
        return format_html(
            '<div class="focal-picker" style="position:relative;display:inline-block;'
            'max-width:100%;cursor:crosshair"><img src="{}" alt="{}" width="{}" height="{}" '
            'style="max-width:min(100%,40rem);height:auto;display:block">'
            '<span class="focal-picker__mark" aria-hidden="true" style="position:absolute;'
            "left:{}%;top:{}%;width:18px;height:18px;margin:-9px 0 0 -9px;border:2px solid "
            '#fff;border-radius:50%;box-shadow:0 0 0 2px #000"></span></div>',
            pictures.url(shown["name"]),
            obj.alt,
            shown["width"],
            shown["height"],
            round(obj.focal_x * 100, 2),
            round(obj.focal_y * 100, 2),
        )

    @admin.display(description="Size")
    def size(self, obj: Image) -> str:
        return f"{obj.width} × {obj.height}" if obj.pk else "–"

    @admin.display(description="Used in")
    def used_in(self, obj: Image) -> SafeString | str:
        if obj.pk is None:
            return "–"
        stories = Article.objects.filter(lead_image=obj) | Article.objects.filter(
            pictures__image=obj
        )
        found = list(stories.distinct().order_by("-published_at")[:50])
        if not found:
            return "No story yet."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({})</li>',
                (
                    (
                        reverse("admin:newsroom_article_change", args=[a.pk]),
                        a.headline,
                        "lead" if a.lead_image_id == obj.pk else "in the body",
                    )
                    for a in found
                ),
            ),
        )

    def save_model(self, request: HttpRequest, obj: Image, form: Any, change: bool) -> None:
        data = form.cleaned_data.get("upload")
        if data:
            text = {k: form.cleaned_data.get(k, "") for k in ("alt", "caption", "credit")}
            image, new = pictures.store_image(
                data,
                filename=getattr(form, "upload_name", ""),
                copyright=form.cleaned_data.get("copyright", ""),
                source=form.cleaned_data.get("source") or f"upload by {request.user}",
                **text,
            )
            if not new:
                messages.info(request, "This picture was already in the library: it is kept once.")
            obj.pk, obj.sha256, obj.original = image.pk, image.sha256, image.original
            obj.width, obj.height, obj.renditions = image.width, image.height, image.renditions
            obj.created = image.created
            obj._state.adding = False
            change = True
        moved = change and {"focal_x", "focal_y"} & set(form.changed_data)
        super().save_model(request, obj, form, change)
        if moved:  # a new card crop around the new point
            image_id = obj.pk
            transaction.on_commit(lambda: tasks.make_renditions.enqueue(image_id))
