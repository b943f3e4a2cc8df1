"""Pages as the world hands them over, not as a flatbed scanner at 300 dpi does: low resolution,
phone photos, highlighter, ruled notebook paper, coloured paper, faded carbon copies, faxes and
multi-column print. Each kind takes a clean rendered page (or renders its own) and returns the
image with the parameters used; the text to read is the page's lines, unchanged.

The looks follow what archives actually receive (DA/T 31-2017 §6 lists the originals a
digitisation project meets: thin and carbon paper, faded ink, coloured forms), not what our
pipeline was tuned on: none of these kinds is used by the tests of the preprocessing steps.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from scripts.samplegen.people import make_veteran
from scripts.samplegen.render import (
    Canvas,
    RenderedPage,
    TextItem,
    font,
    render_appraisal,
    render_approval,
    render_collect_form,
    render_register_form,
)

KINDS = (
    "lowres",
    "photo",
    "highlighter",
    "ruled",
    "coloured",
    "carbon",
    "fax",
    "columns",
    "rarenames",
    "pictures",
)
# Name characters outside the 6,600 of the older recognisers' dictionaries, as reported in
# real names: 焱晟訾赟 (a primary school's roll, 29100.cn/post/29518.html), 頔 (the singer 马頔;
# 通用规范汉字表 level 3, m.163.com/news/article/FPQF3CUV00019HUL.html), 屾淼 (the journalist
# 李屾淼, kxwhcb.com), 彧勰琎 (freshmen of 广西大学, 2021, 0471tv.org.cn). Level 3 of the 通用规范
# 汉字表 (国务院, 2013) holds 1,605 such characters "for surnames, given names and places".
RARE_NAME_CHARS = "焱晟訾赟頔屾淼彧勰琎"
# Highlighter inks over paper, as RGB multipliers: yellow, green, pink, blue, orange.
HIGHLIGHTERS = (
    (1.0, 0.95, 0.3),
    (0.55, 1.0, 0.5),
    (1.0, 0.55, 0.8),
    (0.5, 0.8, 1.0),
    (1.0, 0.7, 0.3),
)
PAPERS = ((1.0, 0.85, 0.88), (0.8, 0.88, 1.0), (0.82, 0.95, 0.82), (0.97, 0.9, 0.72))
SENTENCES = (
    "该同志服役期间政治立场坚定，坚决听党指挥，认真学习军事技能。",
    "严格遵守部队纪律，团结同志，积极完成上级交给的各项任务。",
    "在抗洪抢险中表现突出，受到连队嘉奖一次。",
    "退役后回到原籍，由县退役军人事务局按照有关规定安置。",
    "本人自愿选择自主就业，领取一次性退役金。",
    "经核实，该同志档案材料齐全，符合优待证申领条件。",
    "入伍前在本县第二中学读书，毕业后应征入伍。",
    "服役期间曾参加军事演习，并荣立三等功一次。",
)


@dataclass(frozen=True)
class Captured:
    image: Image.Image
    kind: str
    params: dict[str, Any]
    lines: list[str]  # the text of the page in reading order
    dpi: int  # the resolution the image really has


def _lines(page: RenderedPage) -> list[str]:
    return [" ".join(page.items[i].text for i in idx) for idx in page.lines]


def _text_page(rng: random.Random, dpi: int, rare_name: bool = False) -> RenderedPage:
    v = make_veteran(rng, serial=rng.randrange(10**6))
    if rare_name:
        given = "".join(rng.sample(RARE_NAME_CHARS, rng.choice((1, 2))))
        v = replace(v, name=v.name[0] + given)
    face = rng.choice(("song", "kai", "hei"))
    roll = rng.random()
    if roll < 0.35:
        return render_register_form(v, rng, dpi, (face, "kai"), True)
    if roll < 0.55:
        return render_collect_form(v, rng, dpi, (face, face), False)
    if roll < 0.8:
        return render_appraisal(v, rng, dpi, face, rng)  # nobody here was transferred
    return render_approval(v, rng, dpi, face)


def _notes_page(rng: random.Random, dpi: int, ruled: bool) -> RenderedPage:
    """A notebook page written line by line (the kai face for a hand), on ruled paper: light
    blue rules a third of an inch apart, a red margin, the writing sitting on the rules."""
    canvas = Canvas(dpi, rng)
    page = RenderedPage(canvas.image, "notes", dpi, {"form": "kai", "value": "kai", "hand": True})
    pitch = round(dpi / 3)
    margin = round(dpi * 1.0)
    if ruled:
        for y in range(round(dpi * 1.2), canvas.height - dpi // 2, pitch):
            canvas.draw.line(
                [(0, y), (canvas.width, y)], fill=(150, 185, 230), width=max(1, dpi // 150)
            )
        canvas.draw.line(
            [(margin - dpi // 10, 0), (margin - dpi // 10, canvas.height)],
            fill=(225, 90, 90),
            width=max(1, dpi // 120),
        )
    y = round(dpi * 1.2) + pitch
    for _ in range(rng.randint(12, 20)):
        s = rng.choice(SENTENCES)[: rng.randint(10, 24)]
        size = round(pitch * 0.62)
        top = y - size - round(pitch * 0.08)
        box = canvas._hand_text(margin + rng.randint(0, dpi // 8), top, s, font("kai", size))
        page.items.append(TextItem(s, box, "body"))
        page.lines.append([len(page.items) - 1])
        y += pitch * rng.choice((1, 1, 1, 2))
        if y > canvas.height - dpi:
            break
    return page


def _portrait(rng: random.Random, np_rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A 2-inch ID photo as files hold them: a plain blue, red or white ground, a face, hair,
    shoulders in uniform with red collar tabs; soft, grainy, in colour."""
    ground = rng.choice(((67, 142, 219), (200, 40, 45), (240, 240, 238)))
    img = np.zeros((h, w, 3), np.uint8)
    img[:] = ground
    img = (img * np.linspace(1.0, 0.8, h)[:, None, None]).astype(np.uint8)
    cx = w // 2 + rng.randint(-w // 20, w // 20)

    def ellipse(c: tuple[float, float], axes: tuple[float, float], colour: tuple[int, ...]) -> None:
        cv2.ellipse(
            img, (round(c[0]), round(c[1])), (round(axes[0]), round(axes[1])), 0, 0, 360, colour, -1
        )

    ellipse((cx, h * 1.02), (w * 0.62, h * 0.36), (58, 78, 48))  # shoulders, in uniform
    for side in (-1, 1):  # collar tabs
        x = cx + side * round(w * 0.14)
        cv2.rectangle(
            img, (x - w // 16, round(h * 0.74)), (x + w // 16, round(h * 0.8)), (190, 30, 30), -1
        )
    ellipse((cx, h * 0.62), (w * 0.12, h * 0.12), (214, 170, 140))  # neck
    ellipse((cx, h * 0.32), (w * 0.27, h * 0.2), (28, 24, 22))  # hair
    ellipse((cx, h * 0.42), (w * 0.23, h * 0.22), (226, 186, 158))  # face
    for side in (-1, 1):
        ellipse((cx + side * w * 0.09, h * 0.4), (w * 0.035, h * 0.015), (40, 30, 30))  # eyes
        ellipse((cx + side * w * 0.09, h * 0.36), (w * 0.05, h * 0.008), (50, 40, 35))  # brows
    ellipse((cx, h * 0.53), (w * 0.06, h * 0.01), (150, 80, 80))  # mouth
    soft = cv2.GaussianBlur(img, (0, 0), max(1.0, w / 200)).astype(np.float64)
    return np.clip(soft + np_rng.normal(0, 6, img.shape), 0, 255).astype(np.uint8)


def _drawing(rng: random.Random, w: int, h: int) -> np.ndarray:
    """A pen sketch as a report holds one (a site plan): roads, buildings hatched, a river,
    trees, no writing."""
    img = np.full((h, w, 3), 255, np.uint8)
    ink = (35, 35, 40)
    t = max(1, w // 250)
    cv2.rectangle(img, (0, 0), (w - 1, h - 1), ink, t)
    for _ in range(2):  # roads: a pair of parallel polylines
        pts = np.array(
            [(x, rng.randint(h // 5, 4 * h // 5)) for x in np.linspace(0, w, 5).astype(int)],
            np.int32,
        )
        cv2.polylines(img, [pts], False, ink, t)
        cv2.polylines(img, [pts + np.array([0, h // 25], np.int32)], False, ink, t)
    for _ in range(rng.randint(3, 5)):  # buildings, hatched
        x, y = rng.randint(0, 4 * w // 5), rng.randint(0, 4 * h // 5)
        bw, bh = rng.randint(w // 10, w // 5), rng.randint(h // 10, h // 5)
        cv2.rectangle(img, (x, y), (x + bw, y + bh), ink, t)
        for k in range(x, x + bw, max(4, bw // 6)):
            cv2.line(img, (k, y), (min(x + bw, k + bh // 2), y + bh // 2), ink, 1)
    river = np.array(
        [(x, round(h * 0.9 + h * 0.05 * np.sin(x / w * 9))) for x in range(0, w, 8)], np.int32
    )
    cv2.polylines(img, [river], False, ink, t)
    for _ in range(rng.randint(4, 8)):  # trees
        x, y = rng.randint(w // 10, 9 * w // 10), rng.randint(h // 10, 9 * h // 10)
        cv2.circle(img, (x, y), rng.randint(w // 50, w // 30), ink, t)
    return img


def _columns_page(
    rng: random.Random, dpi: int, np_rng: np.random.Generator | None = None
) -> tuple[RenderedPage, list[tuple[int, int, int, int]]]:
    """A printed page in two columns under a title across both (a gazetteer, a newsletter);
    with ``np_rng``, an ID photo with its caption in one column and a pen sketch in the other,
    the text flowing round them. Returns the page and the pictures' boxes."""
    canvas = Canvas(dpi, rng)
    face = rng.choice(("song", "hei"))
    page = RenderedPage(canvas.image, "columns", dpi, {"form": face, "value": face, "hand": False})
    title = "退役军人事务工作简报"
    tf = font(face, canvas.px(20))
    tx = (canvas.width - round(tf.getlength(title))) // 2
    box = canvas.text(tx, canvas.px(60), title, face, 20)
    page.items.append(TextItem(title, box, "title"))
    page.lines.append([len(page.items) - 1])
    pt = 11.0
    f = font(face, canvas.px(pt))
    gutter = canvas.px(36)
    left = canvas.px(60)
    col_w = (canvas.width - 2 * left - gutter) // 2
    line_h = round(canvas.px(pt) * 1.7)
    text = "".join(rng.choice(SENTENCES) for _ in range(30))
    pos = 0
    pictures: list[tuple[int, int, int, int]] = []
    # Each column's picture goes in at the first row past these, early enough in the right
    # column that the text has not run out before.
    starts = [round(canvas.height * rng.uniform(*span)) for span in ((0.3, 0.5), (0.12, 0.25))]
    for col in range(2):
        x0 = left + col * (col_w + gutter)
        y = canvas.px(130)
        placed = False
        while y < canvas.height - canvas.px(80) and pos < len(text):
            if np_rng is not None and not placed and y >= starts[col]:
                picture, y = _place_picture(canvas, page, rng, np_rng, col, x0, y, col_w, face, pt)
                pictures.append(picture)
                placed = True
                continue
            n = 1
            while pos + n < len(text) and f.getlength(text[pos : pos + n + 1]) <= col_w:
                n += 1
            s = text[pos : pos + n]
            pos += n
            box = canvas.text(x0, y, s, face, pt)
            page.items.append(TextItem(s, box, "body"))
            page.lines.append([len(page.items) - 1])
            y += line_h
    return page, pictures


def _place_picture(
    canvas: Canvas,
    page: RenderedPage,
    rng: random.Random,
    np_rng: np.random.Generator,
    col: int,
    x0: int,
    y: int,
    col_w: int,
    face: str,
    pt: float,
) -> tuple[tuple[int, int, int, int], int]:
    """The column's picture at row ``y``: the ID photo and its caption (text to read) in the
    right column, the sketch in the left. Returns the picture's box and the row where text
    goes on."""
    dpi = canvas.dpi
    if col == 1:
        w, h = round(dpi * 1.38), round(dpi * 1.93)  # a 2-inch photo, 35 x 49 mm
        pic = _portrait(rng, np_rng, w, h)
    else:
        w, h = min(col_w, round(dpi * 2.6)), round(dpi * 1.9)
        pic = _drawing(rng, w, h)
    left = x0 + (col_w - w) // 2
    canvas.image.paste(Image.fromarray(pic), (left, y))
    box = (left, y, left + w, y + h)
    y += h + canvas.px(8)
    if col == 1:
        caption = "图1 入伍时照片"
        page.items.append(TextItem(caption, canvas.text(left, y, caption, face, pt), "body"))
        page.lines.append([len(page.items) - 1])
        y += round(canvas.px(pt) * 1.7)
    return box, y + canvas.px(10)


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def _highlight(img: np.ndarray, page: RenderedPage, rng: random.Random, p: dict[str, Any]) -> None:
    ink = HIGHLIGHTERS[rng.randrange(len(HIGHLIGHTERS))]
    p["highlighter"] = list(ink)
    marked = 0
    for idx in page.lines:
        if rng.random() < 0.45:
            x0, y0, x1, y1 = page.items[idx[0]].box
            pad = (y1 - y0) // 4
            region = img[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
            region[:] = (region * np.array(ink)).astype(np.uint8)
            marked += 1
    p["lines_marked"] = marked


def capture(kind: str, seed: int, dpi: int = 300) -> Captured:
    """One page of ``kind``; the same seed gives the same page."""
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    p: dict[str, Any] = {"kind": kind}
    if kind == "ruled":
        page = _notes_page(rng, dpi, ruled=True)
    elif kind in ("columns", "pictures"):
        page, pictures = _columns_page(rng, dpi, np_rng if kind == "pictures" else None)
        if pictures:
            p["pictures"] = [list(b) for b in pictures]
    else:
        page = _text_page(rng, dpi, rare_name=kind == "rarenames")
        p["name"] = page.fields.get("name", "")
    img = np.asarray(page.image.convert("RGB")).copy()
    real_dpi = dpi
    if kind == "highlighter" or (kind == "ruled" and rng.random() < 0.5):
        _highlight(img, page, rng, p)
    if kind == "lowres":
        real_dpi = rng.choice((72, 96, 120, 150))
        f = real_dpi / dpi
        img = cv2.resize(
            img, (round(img.shape[1] * f), round(img.shape[0] * f)), interpolation=cv2.INTER_AREA
        )
        if rng.random() < 0.5:
            img = _jpeg(img, rng.randint(60, 85))
    elif kind == "photo":
        img = _photo(img, rng, np_rng, p)
    elif kind == "coloured":
        paper = PAPERS[rng.randrange(len(PAPERS))]
        p["paper"] = list(paper)
        img = (img * np.array(paper)).astype(np.uint8)
    elif kind == "carbon":
        tint = np.array([70, 50, 160], np.float32)  # the purple-blue of carbon paper
        fade = rng.uniform(0.35, 0.55)
        dark = (255 - img.astype(np.float32).mean(axis=2, keepdims=True)) / 255 * fade
        img = (255 * (1 - dark) + tint * dark).clip(0, 255).astype(np.uint8)
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.8, 1.4))
        p["fade"] = round(fade, 3)
        img = (img * np.array((0.96, 0.95, 0.9))).astype(np.uint8)  # thin yellowed paper
    elif kind == "fax":
        gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
        h, w = gray.shape
        # Standard fax resolution: 204 x 98 lines per inch, then printed back at 200 dpi.
        small = cv2.resize(
            gray, (round(w * 204 / dpi), round(h * 98 / dpi)), interpolation=cv2.INTER_AREA
        )
        gray = cv2.resize(
            small, (round(w * 200 / dpi), round(h * 200 / dpi)), interpolation=cv2.INTER_NEAREST
        )
        gray = np.where(gray < rng.randint(150, 190), 0, 255).astype(np.uint8)
        for _ in range(rng.randint(1, 4)):  # the streaks a dirty fax head draws across a page
            y = rng.randrange(gray.shape[0])
            gray[y : y + rng.randint(1, 3)] = 0
        speck = np_rng.random(gray.shape) < 0.0015
        gray[speck] = 0
        img = cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)
        real_dpi = 200
    if kind in ("highlighter", "ruled", "columns", "pictures", "coloured", "carbon"):
        img = np.clip(img.astype(np.float32) + np_rng.normal(0, 3, img.shape), 0, 255).astype(
            np.uint8
        )
    p["dpi"] = real_dpi
    return Captured(Image.fromarray(img), kind, p, _lines(page), real_dpi)


def _photo(
    img: np.ndarray, rng: random.Random, np_rng: np.random.Generator, p: dict[str, Any]
) -> np.ndarray:
    """A phone photo of the page on a desk: perspective, a shadow over part of it, uneven
    light, a little blur and JPEG."""
    h, w = img.shape[:2]
    out_w, out_h = round(w * 1.15), round(h * 1.15)
    jitter = 0.06
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    # The page's corners where a hand-held camera puts them: about 7 % in from the picture's
    # edges, each off by up to 6 % of the page.
    placed = np.array(
        [
            [
                out_w * fx + rng.uniform(-jitter, jitter) * w,
                out_h * fy + rng.uniform(-jitter, jitter) * h,
            ]
            for fx, fy in ((0.07, 0.07), (0.93, 0.07), (0.93, 0.93), (0.07, 0.93))
        ],
        np.float32,
    )
    matrix = cv2.getPerspectiveTransform(corners, placed)
    desk = tuple(int(c) for c in np_rng.integers(60, 140, 3))
    out = cv2.warpPerspective(img, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=desk)
    # A shadow from one side and light falling off towards the other corner.
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(angle) * xx / out_w + np.sin(angle) * yy / out_h
    ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
    light = 1.0 - rng.uniform(0.25, 0.45) * ramp
    edge = rng.uniform(0.3, 0.6)
    # A hand's or a phone's shadow: its edge a soft penumbra, not a line.
    hard = np.where(xx / out_w < edge * ramp, rng.uniform(0.6, 0.8), 1.0).astype(np.float32)
    shadow = cv2.GaussianBlur(hard, (0, 0), out_w * 0.02)
    out = (out * (light * shadow)[:, :, None]).clip(0, 255).astype(np.uint8)
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.6, 1.2))
    out = np.clip(out.astype(np.float32) + np_rng.normal(0, 4, out.shape), 0, 255).astype(np.uint8)
    p["corners"] = placed.round(1).tolist()
    return _jpeg(out, rng.randint(70, 88))


def write(captured: Captured, path: str) -> None:
    """As a phone or a fax gateway would hand it over: JPEG for photos, PNG otherwise, with the
    resolution the image really has."""
    fmt = "JPEG" if captured.kind == "photo" else "PNG"
    captured.image.save(path, fmt, dpi=(captured.dpi, captured.dpi), quality=90)


def write_set(
    out: Path, kinds: tuple[str, ...], per_kind: int, seed: int
) -> list[tuple[Path, Captured]]:
    """``per_kind`` pages of each kind as out/<kind>-<n>.png (.jpg for photos), each with its
    truth beside it in out/<kind>-<n>.json: the lines, the resolution, what was done."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for k, kind in enumerate(kinds):
        for i in range(per_kind):
            page = capture(kind, seed * 1000 + k * 100 + i)
            path = out / f"{kind}-{i}.{'jpg' if kind == 'photo' else 'png'}"
            write(page, str(path))
            truth = {"kind": kind, "dpi": page.dpi, "params": page.params, "lines": page.lines}
            path.with_suffix(".json").write_text(
                json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            written.append((path, page))
    return written


def kinds_of(text: str) -> tuple[str, ...]:
    """``all`` or a comma-separated list of kinds, checked."""
    chosen = KINDS if text == "all" else tuple(k for k in text.split(",") if k)
    unknown = [k for k in chosen if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown page kinds {unknown}; known: {', '.join(KINDS)}")
    return chosen
