"""Pictures: rendition time per picture, and the home page's weight before and after pictures.

Run: .venv/bin/python benchmarks/bench_pictures.py [--pictures N] [--width W --height H]
Builds a throwaway SQLite database and media folder in a temporary directory. Each picture is
a camera-sized JPEG with EXIF GPS; its renditions (5 widths × WebP/JPEG + the card) are made
as the worker makes them. The page weight is the home page's HTML plus the images a desktop
browser (1280 px wide, 1x) loads above the fold: the lead's picture and the first row of top
stories' thumbnails, each at the rendition `srcset`/`sizes` make it pick (WebP).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pictures", type=int, default=10)
    parser.add_argument("--width", type=int, default=3000)
    parser.add_argument("--height", type=int, default=2000)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="bench-pictures-")
    os.environ["MASTHEAD_DATA_DIR"] = folder
    os.environ["MASTHEAD_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["MASTHEAD_PAGE_CACHE"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.test import Client

    from masthead.newsroom import pictures
    from masthead.newsroom.actions import SetPicturesAction
    from masthead.newsroom.actors import Actor
    from tests.factories import ArticleFactory, SectionFactory
    from tests.pictures import jpeg

    call_command("migrate", verbosity=0)
    section = SectionFactory(name="World", slug="world")
    stories = [
        ArticleFactory(headline=f"Story {i} of the day", sections=[section]) for i in range(12)
    ]
    client = Client()
    before = client.get("/").content
    print(f"home page before pictures: {len(before):,} bytes of HTML")

    timings = []
    for i in range(args.pictures):
        data = jpeg(args.width, args.height, colour=(i * 20 % 255, 90, 140))
        started = time.perf_counter()
        image, _ = pictures.store_image(data, alt=f"Picture {i}", credit="Bench")
        pictures.make_renditions(image)  # the worker's task, timed on its own below
        timings.append(time.perf_counter() - started)
        if i < len(stories):
            SetPicturesAction(
                article=stories[-1 - i], lead=image, actor=Actor.system("bench")
            ).execute()
    print(
        f"renditions of a {args.width}x{args.height} JPEG (11 files): "
        f"median {statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms "
        f"per picture over {len(timings)}"
    )

    after = client.get("/").content.decode()
    pictures_above = []
    lead = re.search(r'<article class="teaser teaser--lead.*?</article>', after, re.S)
    grid = re.search(r'<div class="teaser-grid">(.*?)</div>\s*(?:{%|<)', after, re.S)
    if lead:
        pictures_above.append((lead.group(0), 640))  # sizes: 40rem beside the headline
    if grid:
        for teaser in re.findall(r'<article class="teaser.*?</article>', grid.group(1), re.S)[:2]:
            pictures_above.append((teaser, 256))  # sizes: 16rem
    image_bytes = 0
    for html, slot in pictures_above:
        m = re.search(r'<source type="image/webp" srcset="([^"]+)"', html)
        if not m:
            continue
        candidates = [c.strip().rsplit(" ", 1) for c in m.group(1).split(",")]
        chosen = min(
            (c for c in candidates if int(c[1][:-1]) >= slot),
            key=lambda c: int(c[1][:-1]),
            default=candidates[-1],
        )
        image_bytes += default_storage.size(chosen[0].removeprefix("/media/"))
    html_bytes = len(after.encode())
    print(
        f"home page after pictures: {html_bytes:,} bytes of HTML + {image_bytes:,} bytes of "
        f"{len(pictures_above)} images above the fold = {html_bytes + image_bytes:,} bytes "
        f"(before: {len(before):,})"
    )


if __name__ == "__main__":
    main()
