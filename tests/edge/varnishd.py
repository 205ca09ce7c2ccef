"""Debian's varnishd for the edge tests: its path, or the test skipped (failed where CI
requires it, `MASTHEAD_REQUIRE_VARNISH`)."""

from __future__ import annotations

import os

import pytest

from masthead.edge import varnish


def varnishd_or_skip() -> str:
    binary = varnish.varnishd()
    if binary is None:
        if os.environ.get("MASTHEAD_REQUIRE_VARNISH"):
            pytest.fail("varnishd is required here (apt-get install varnish varnish-modules)")
        pytest.skip("varnishd is not installed (apt-get install varnish varnish-modules)")
    return binary
