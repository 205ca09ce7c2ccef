"""Where the shared corpora (real wire, feed and text samples written by others) are found."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _find_corpora() -> Path:
    """MASTHEAD_CORPORA, else `shared/corpora` beside the checkout or beside any folder above
    it, else the workplace's own copy: a clone in a temporary folder still finds them."""
    if os.environ.get("MASTHEAD_CORPORA"):
        return Path(os.environ["MASTHEAD_CORPORA"])
    for folder in REPO.parents:
        if (folder / "shared" / "corpora").is_dir():
            return folder / "shared" / "corpora"
    return Path("/work/shared/corpora")


CORPORA = _find_corpora()
