"""The demo's pictures: simple illustrated scenes drawn for it with Pillow (no news photo; CC0),
one per wire story, with a colour taken from the story's headline.

Run once to (re)make the files in the demo content and the references to them in the RSS and
ninjs files (`python -m masthead.demo.illustrations`); the demo then ingests them through the
real path, as pictures delivered beside the wire items (`masthead.wire.pictures`).
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import json
import random
import re
from html import escape
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

CONTENT = Path(__file__).resolve().parent / "content"
SIZE = (1600, 900)
CREDIT = "Illustration made for the Masthead demo (CC0)"
MEDIA_NS = "http://search.yahoo.com/mrss/"
HUES = ["red", "orange", "amber", "green", "teal", "blue", "indigo", "violet", "rose"]


def _rgb(h: float, s: float, v: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, max(0.0, min(s, 1.0)), max(0.0, min(v, 1.0)))
    return round(r * 255), round(g * 255), round(b * 255)


def draw(key: str, headline: str) -> tuple[bytes, str]:
    """A JPEG scene (sky, sun or moon, hills or waves, a few shapes) and its alt text."""
    seed = int(hashlib.sha256(key.encode()).hexdigest()[:12], 16)
    rnd = random.Random(seed)  # noqa: S311 - a drawing, not a secret
    hue = int(hashlib.sha256(headline.encode()).hexdigest()[:4], 16) / 0xFFFF
    w, h = SIZE
    im = Image.new("RGB", SIZE)
    d = ImageDraw.Draw(im)
    night = rnd.random() < 0.25
    top, bottom = (
        (_rgb(hue + 0.55, 0.6, 0.25), _rgb(hue + 0.6, 0.5, 0.45))
        if night
        else (_rgb(hue, 0.35, 0.95), _rgb(hue + 0.08, 0.2, 1.0))
    )
    for y in range(h):
        t = y / h
        d.line(
            [(0, y), (w, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    cx, cy, r = rnd.randint(200, w - 200), rnd.randint(120, 360), rnd.randint(70, 130)
    disc = (250, 246, 220) if night else _rgb(hue + 0.1, 0.7, 1.0)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=disc)
    waves = rnd.random() < 0.5
    layers = rnd.randint(3, 5)
    for i in range(layers):
        base = int(h * (0.55 + 0.1 * i))
        value = 0.4 - 0.06 * i if night else 0.7 - 0.12 * i
        colour = _rgb(hue + 0.5 + 0.03 * i, 0.45 + 0.1 * i, value)
        points = [(0, h)]
        amp, step = rnd.randint(20, 70) if not waves else rnd.randint(8, 22), rnd.randint(90, 220)
        phase = rnd.random() * 6.28
        x = 0
        while x <= w + step:
            wobble = amp * (1 if (x // step) % 2 else -1) if waves else rnd.randint(-amp, amp)
            points.append((x, base + wobble + round(10 * (phase % 1))))
            x += step
        points.append((w, h))
        d.polygon(points, fill=colour)
    shapes = rnd.randint(2, 5)
    for _ in range(shapes):
        sx, sy, size = rnd.randint(0, w), rnd.randint(0, int(h * 0.5)), rnd.randint(12, 40)
        d.polygon(
            [(sx - size, sy), (sx, sy - size // 3), (sx + size, sy)], fill=_rgb(hue + 0.5, 0.3, 0.3)
        )  # birds
    im = im.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80, optimize=True, progressive=True)
    tone = HUES[int(hue * len(HUES)) % len(HUES)]
    alt = (
        f"An illustration in {tone} tones: {'a moon' if night else 'a sun'} over "
        f"{'rolling waves' if waves else 'layered hills'}, with {shapes} birds in the sky"
    )
    return out.getvalue(), alt


def _rss(folder: Path) -> int:
    made = 0
    pictures = folder / "pictures"
    pictures.mkdir(exist_ok=True)
    for path in sorted(folder.glob("*.xml")):
        text = path.read_text("utf-8")
        text = re.sub(r"<media:content .*?</media:content>", "", text, flags=re.S)
        if "xmlns:media=" not in text:
            text = text.replace("<rss ", f'<rss xmlns:media="{MEDIA_NS}" ', 1)

        def add(match: re.Match[str]) -> str:
            nonlocal made
            item = match.group(0)
            guid = re.search(r"<guid[^>]*>([^<]+)</guid>", item).group(1).strip()  # type: ignore[union-attr]
            title = re.search(r"<title>(.*?)</title>", item, re.S).group(1)  # type: ignore[union-attr]
            data, alt = draw(guid, title)
            (pictures / f"{guid}.jpg").write_bytes(data)
            made += 1
            media = (
                f'<media:content url="pictures/{guid}.jpg" medium="image" type="image/jpeg" '
                f'width="{SIZE[0]}" height="{SIZE[1]}">'
                f"<media:credit>{escape(CREDIT)}</media:credit>"
                f"<media:text>{escape(alt)}</media:text></media:content>"
            )
            return item.replace("</item>", f"{media}</item>")

        text = re.sub(r"<item>.*?</item>", add, text, flags=re.S)
        path.write_text(text, "utf-8")
    return made


def _ninjs(folder: Path) -> int:
    made = 0
    pictures = folder / "pictures"
    pictures.mkdir(exist_ok=True)
    for path in sorted(folder.glob("*.json")):
        item = json.loads(path.read_text("utf-8"))
        story = re.sub(r"-v\d+$", "", path.stem)
        headline = item["headlines"][0]["value"] if item.get("headlines") else story
        data, alt = draw(story, headline)
        (pictures / f"{story}.jpg").write_bytes(data)
        made += 1
        item["associations"] = {
            "featureimage": {
                "type": "picture",
                "uri": f"urn:demo:picture:{story}",
                "description_text": alt,
                "body_text": "",
                "byline": CREDIT,
                "renditions": {
                    "original": {
                        "href": f"pictures/{story}.jpg",
                        "mimetype": "image/jpeg",
                        "width": SIZE[0],
                        "height": SIZE[1],
                    }
                },
            }
        }
        path.write_text(json.dumps(item, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return made


def _local(folder: Path) -> int:
    """The staff stories' pictures, named by slug (the demo loader attaches them)."""
    pictures = folder / "pictures"
    pictures.mkdir(exist_ok=True)
    stories = json.loads((folder / "staff-stories.json").read_text("utf-8"))
    for story in stories:
        data, _ = draw(f"local:{story['slug']}", story["headline"])
        (pictures / f"{story['slug']}.jpg").write_bytes(data)
    return len(stories)


def alt_for(key: str, headline: str) -> str:
    return draw(key, headline)[1]


def main() -> None:
    made = (
        _rss(CONTENT / "harbor-light-wire")
        + _ninjs(CONTENT / "continental-press")
        + _local(CONTENT / "local")
    )
    print(f"{made} pictures drawn")  # noqa: T201 - a one-off maker's report


if __name__ == "__main__":
    main()
