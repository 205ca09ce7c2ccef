"""Masthead: a news publishing platform for regional newsrooms."""

__version__ = "0.1.0"
