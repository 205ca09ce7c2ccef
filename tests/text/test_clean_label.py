"""`clean_label`: tag names as plain text on one line, whatever the wire sent."""

from __future__ import annotations

import pytest

from masthead.text import clean_label


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("CafÃ© Society", "Café Society"),
        ("<b>Port</b> Alder", "Port Alder"),
        ("  <b>Port</b>\n\t Alder  ", "Port Alder"),
        ("&lt;i&gt;Harbour&lt;/i&gt;", "Harbour"),
        ("<script>alert(1)</script>", ""),
        ("<img src=x onerror=alert(1)>", ""),
        ("Harbour & Port <2026>", "Harbour & Port <2026>"),
    ],
)
def test_it_repairs_strips_and_keeps_one_line(raw, clean):
    assert clean_label(raw) == clean
