"""The demo: fictional stories loaded through the real wire ingest and newsroom actions.

It sits above every other app (it drives the wire, the newsroom and discovery), so the
orchestration of a first run lives here, not in the newsroom at the bottom.
"""
