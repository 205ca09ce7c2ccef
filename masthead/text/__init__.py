"""Text integrity: no mojibake, no unsafe HTML, ever reaches a reader.

Pure functions, no Django, so ingest, the admin and tests all call the same code:

- :func:`repair` fixes mojibake (ftfy's and the code pages ftfy lacks) and normalises text;
  :func:`explain` says what it changed, as a list of :class:`Repair`.
- :func:`sanitize_html` keeps the markup a news body may hold and drops everything else.
- :func:`clean_plain` (headlines, standfirsts, captions), :func:`clean_label` (tag names) and
  :func:`clean_html` (bodies) are what to call on each field at ingest and on editor input.
"""

from masthead.text.cleaning import clean_html, clean_label, clean_plain
from masthead.text.repair import Repair, explain, repair
from masthead.text.sanitize import sanitize_html

__all__ = [
    "Repair",
    "clean_html",
    "clean_label",
    "clean_plain",
    "explain",
    "repair",
    "sanitize_html",
]
