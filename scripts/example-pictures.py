#!/usr/bin/env python3
"""Draws the example site's feed icons and avatars (small PNGs made here, not taken from any
site) and writes them into example-site/.toluu/icons/ the way toluu keeps pictures: a
`<id>.png` beside a `<id>.json` record, `<id>` the first 16 hex digits of the SHA-256 of the
feed's URL or the avatar's URL. Run it again after changing the lists below:
python3 scripts/example-pictures.py
"""
import hashlib
import json
import math
import os
import struct
import zlib
from urllib.parse import urlsplit

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "example-site")
DIR = os.path.join(ROOT, ".toluu", "icons")
CHECKED = "2026-11-20T09:00:00Z"

# (feed URL, size, background, foreground, pattern)
FEEDS = [
    ("https://blog.rust-lang.org/feed.xml", 32, (183, 65, 14), (255, 240, 225), "ring"),
    ("https://danluu.com/atom.xml", 32, (40, 40, 48), (240, 240, 240), "bars"),
    ("https://jvns.ca/atom.xml", 32, (226, 85, 140), (255, 236, 245), "dot"),
    ("https://lwn.net/headlines/rss", 32, (255, 204, 0), (30, 30, 30), "stripe"),
    ("https://xkcd.com/atom.xml", 32, (250, 250, 250), (20, 20, 20), "cross"),
]
# (avatar URL, skin, shirt, background)
AVATARS = [
    ("https://amara.example.net/avatar.png", (120, 76, 52), (46, 110, 160), (214, 232, 245)),
    ("https://lena.example.com/me.png", (238, 200, 170), (150, 60, 90), (245, 228, 214)),
    ("https://chenwei.example.org/avatar.png", (226, 188, 150), (40, 120, 90), (222, 240, 230)),
    ("https://priya.example.net/face.png", (170, 116, 80), (200, 120, 30), (250, 236, 210)),
]


def png(width, height, pixel):
    """A PNG of `pixel(x, y) -> (r, g, b)`."""
    rows = b"".join(
        b"\0" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def icon(size, bg, fg, pattern):
    c = (size - 1) / 2

    def pixel(x, y):
        d = math.hypot(x - c, y - c)
        on = {
            "ring": 8 <= d <= 12,
            "bars": x % 8 < 4 and y > size - 6 - (x * 3) % 20,
            "dot": d <= 9,
            "stripe": abs((x + y) - size) < 5,
            "cross": abs(x - y) < 3 or abs(x + y - size + 1) < 3,
        }[pattern]
        return fg if on else bg

    return png(size, size, pixel)


def avatar(skin, shirt, bg, size=48):
    def pixel(x, y):
        if math.hypot(x - 24, y - 19) <= 9:
            return skin
        if y >= 31 and math.hypot(x - 24, y - 48) <= 17:
            return shirt
        return bg

    return png(size, size, pixel)


def keep(key, data, named):
    ident = hashlib.sha256(key.encode()).hexdigest()[:16]
    with open(os.path.join(DIR, ident + ".png"), "wb") as f:
        f.write(data)
    record = {
        "format": 1,
        "key": key,
        "named": named,
        "source": named or "{0.scheme}://{0.netloc}/favicon.png".format(urlsplit(key)),
        "ext": "png",
        "etag": None,
        "last_modified": None,
        "checked_at": CHECKED,
        "error": None,
    }
    with open(os.path.join(DIR, ident + ".json"), "w") as f:
        f.write(json.dumps(record, indent=2) + "\n")
    return ident, len(data)


def main():
    os.makedirs(DIR, exist_ok=True)
    for url, size, bg, fg, pattern in FEEDS:
        print(*keep(url, icon(size, bg, fg, pattern), None), url)
    for url, skin, shirt, bg in AVATARS:
        print(*keep(url, avatar(skin, shirt, bg), url), url)


if __name__ == "__main__":
    main()
