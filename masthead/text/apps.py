"""Registers the text app so Django finds its ``text`` management command."""

from django.apps import AppConfig


class TextConfig(AppConfig):
    name = "masthead.text"
    label = "text"
    verbose_name = "Text integrity"
