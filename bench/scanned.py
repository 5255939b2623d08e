"""Scanned pages made from a plan's real text, for the OCR tests and benchmark: the text set in DejaVu Serif
on A4 at 300 dpi, with a running header, a page number, a red stamp and a signature scrawl on the last
page, optionally speckled and turned a little as a scanner leaves it; saved as an image-only PDF.
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
DPI, WIDTH, HEIGHT, MARGIN = 300, 2480, 3508, 236  # A4; 2 cm margins
HEADER = "ỦY BAN NHÂN DÂN TỈNH — BẢN SAO"
SIGNATURE = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "", "", "Nguyễn Văn An"]


def layout(text: str, size: int = 46) -> list[list[str]]:
    """The text's lines as wrapped on pages (lists of lines) by the page geometry."""
    chars, lines = int((WIDTH - 2 * MARGIN) / (size * 0.56)), []
    for para in text.split("\n"):
        lines += textwrap.wrap(para, chars) or [""]
    per_page = (HEIGHT - 2 * MARGIN - 200) // int(size * 1.45)
    return [lines[i:i + per_page] for i in range(0, len(lines), per_page)]


def render_scan(text: str, path: Path, noise: float = 0.0, angle: float = 0.0, seed: int = 0,
                size: int = 46, stamp: bool = True) -> list[str]:
    """Write ``text`` as an image-only PDF at ``path``; returns each page's text as it was set (the truth for
    measuring OCR), the signature block's lines included. ``noise``: share of pixels flipped; ``angle``:
    degrees the page is turned; ``stamp``: end with a signature block, signed and stamped."""
    from PIL import Image, ImageDraw, ImageFont

    font, small = ImageFont.truetype(FONT, size), ImageFont.truetype(FONT, size - 10)
    rng = random.Random(seed)
    pages, truth = layout(text, size), []
    step = int(size * 1.45)
    if stamp and (len(pages[-1]) + len(SIGNATURE) + 2) * step > HEIGHT - 2 * MARGIN - 200:
        pages.append([])  # the signature block goes on a page of its own, as in the plans
    images = []
    for n, lines in enumerate(pages, 1):
        img = Image.new("L", (WIDTH, HEIGHT), 255)
        draw = ImageDraw.Draw(img)
        draw.text((MARGIN, MARGIN // 2), HEADER, font=small, fill=0)
        y = MARGIN + 60
        for line in lines:
            draw.text((MARGIN, y), line, font=font, fill=0)
            y += step
        draw.text((WIDTH // 2, HEIGHT - MARGIN // 2), str(n), font=small, fill=0)
        if stamp and n == len(pages):  # the signature block: its title lines, a scrawl, a stamp over them
            x, y = WIDTH // 2 + 100, y + step
            for line in SIGNATURE:
                draw.text((x, y), line, font=font, fill=0)
                y += step
            lines = lines + [line for line in SIGNATURE if line]
            _stamp_and_signature(img, rng, x - 150, y - 4 * step)
        if noise:
            _speckle(img, noise, rng)
        if angle:
            img = img.rotate(angle, fillcolor=255, resample=Image.Resampling.BICUBIC)
        images.append(img)
        truth.append("\n".join(lines))
    images[0].save(path, "PDF", resolution=DPI, save_all=True, append_images=images[1:])
    return truth


def _stamp_and_signature(img, rng: random.Random, cx: int, cy: int) -> None:
    """A scrawled signature, and a red stamp as a grey scan shows it: a double ring with its text set round the
    edge and a star, centred at (cx, cy)."""
    import math

    from PIL import Image, ImageDraw, ImageFont

    draw = ImageDraw.Draw(img)
    r = 300
    x, y = cx + 80, cy + 40
    for _ in range(40):  # a scrawled signature
        nx, ny = x + rng.randint(5, 30), y + rng.randint(-60, 60)
        draw.line((x, y, nx, ny), fill=30, width=5)
        x, y = nx, ny
    for k in (0, 1, 2, 3, 70, 71, 72):
        draw.ellipse((cx - r + k, cy - r + k, cx + r - k, cy + r - k), outline=120)
    font = ImageFont.truetype(FONT, 44)
    text = "ỦY BAN NHÂN DÂN TỈNH * ĐỒNG NAI * "
    for i, ch in enumerate(text):
        angle = 180 - 360 * i / len(text)
        glyph = Image.new("L", (64, 64), 0)
        ImageDraw.Draw(glyph).text((10, 4), ch, font=font, fill=255)
        glyph = glyph.rotate(angle - 90, resample=Image.Resampling.BICUBIC)
        px = cx + (r - 38) * math.cos(math.radians(angle)) - 32
        py = cy - (r - 38) * math.sin(math.radians(angle)) - 32
        img.paste(120, (int(px), int(py)), glyph)
    draw.polygon([(cx, cy - 70), (cx + 20, cy - 15), (cx + 75, cy - 15), (cx + 30, cy + 20), (cx + 45, cy + 75),
                  (cx, cy + 40), (cx - 45, cy + 75), (cx - 30, cy + 20), (cx - 75, cy - 15), (cx - 20, cy - 15)],
                 fill=120)  # the star


def _speckle(img, share: float, rng: random.Random) -> None:
    px = img.load()
    for _ in range(int(WIDTH * HEIGHT * share)):
        x, y = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        px[x, y] = 0 if px[x, y] > 128 else 255
