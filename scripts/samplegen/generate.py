"""One veteran's file: pages rendered, degraded, written in a scan format, truth beside it."""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from PIL import Image

from scripts.samplegen import degrade
from scripts.samplegen.people import Veteran, make_veteran, old_id, with_transfers
from scripts.samplegen.render import (
    RenderedPage,
    render_appraisal,
    render_approval,
    render_card_form,
    render_collect_form,
    render_register_form,
)
from scripts.samplegen.unseen import render_unseen

FORMATS = ("pdf", "tiff", "jpeg", "png")
# seen: the families the extractor was built on; dev / test: unseen ones (scripts.samplegen.unseen)
Forms = Literal["seen", "dev", "test"]
PDF_DATE = time.gmtime(1_577_836_800)  # 2020-01-01
FACES = ("song", "kai", "hei")


@dataclass(frozen=True)
class SampleFile:
    path: Path
    truth_path: Path
    veteran: Veteran
    pages: int


def _render_pages(
    v: Veteran,
    rng: random.Random,
    dpi: int,
    multi_page: bool,
    forms: Forms,
    history_rng: random.Random,
) -> list[RenderedPage]:
    form_face = rng.choice(FACES)
    filler = rng.random()
    hand = filler < 0.35
    value_face = "kai" if hand else (form_face if filler < 0.65 else rng.choice(FACES))
    if forms != "seen":
        faces = (form_face, value_face)
        return render_unseen(v, rng, dpi, forms, multi_page, faces, hand, history_rng)
    roll = rng.random()
    render_form = (
        render_register_form
        if roll < 0.4
        else render_collect_form
        if roll < 0.8
        else render_card_form
    )
    pages = [render_form(v, rng, dpi, (form_face, value_face), hand)]
    if multi_page:
        text_face = rng.choice(FACES)
        # The appraisal lists a transferred person's units: always there for one.
        if rng.random() < 0.7 or v.history:
            pages.append(render_appraisal(v, rng, dpi, text_face, history_rng))
        pages.append(render_approval(v, rng, dpi, text_face))
    return pages


def _seal_box(page: RenderedPage) -> tuple[int, int, int, int] | None:
    """Seals sit on the signature of a letter, or over a value of a form."""
    if page.kind == "approval":
        return page.items[-1].box
    values = [i.box for i in page.items if i.role == "value"]
    return values[len(values) // 2] if values else None


def _page_truth(
    number: int, page: RenderedPage, image: Image.Image, deg: degrade.Degradation
) -> dict[str, Any]:
    items = [
        {"text": it.text, "box": deg.map_box(it.box), "role": it.role, "field": it.field}
        for it in page.items
    ]
    lines = [
        {
            "text": " ".join(page.items[i].text for i in idx),
            "box": deg.map_box(
                (
                    min(page.items[i].box[0] for i in idx),
                    min(page.items[i].box[1] for i in idx),
                    max(page.items[i].box[2] for i in idx),
                    max(page.items[i].box[3] for i in idx),
                )
            ),
        }
        for idx in page.lines
    ]
    return {
        "page": number,
        "kind": page.kind,
        "fonts": page.fonts,
        "dpi": page.dpi,
        "size": list(image.size),
        "degradation": deg.params,
        "lines": lines,
        "items": items,
        "fields": page.fields,
    }


def _write(path: Path, fmt: str, images: list[Image.Image], dpi: int) -> None:
    if fmt == "pdf":
        # Fixed dates: Pillow would stamp the current second, and the same seed must give the
        # same bytes.
        images[0].save(
            path,
            "PDF",
            save_all=True,
            append_images=images[1:],
            resolution=dpi,
            quality=85,
            creationDate=PDF_DATE,
            modDate=PDF_DATE,
        )
    elif fmt == "tiff":
        images[0].save(
            path,
            "TIFF",
            save_all=True,
            append_images=images[1:],
            compression="tiff_deflate",
            dpi=(dpi, dpi),
        )
    elif fmt == "jpeg":
        images[0].save(path, "JPEG", quality=88, dpi=(dpi, dpi))
    else:
        images[0].save(path, "PNG", dpi=(dpi, dpi))


def generate_file(
    out_dir: Path,
    index: int,
    seed: int,
    dpi: int,
    fmt: str,
    level: str,
    forms: Forms = "seen",
    same_as: SampleFile | None = None,
) -> SampleFile:
    """One file; ``same_as``: an older file of that file's person, under the 15-digit ID number
    of before 1999."""
    rng = random.Random(seed * 1_000_003 + index)
    veteran = make_veteran(rng, serial=seed * 10_000 + index)
    multi_page = fmt in ("pdf", "tiff")
    # Draws of their own, so that the files of a seed stay as they were before there were any.
    history_rng = random.Random(f"history-{seed}-{index}")
    if same_as is not None:
        veteran = replace(same_as.veteran, id_number=old_id(same_as.veteran.id_number))
    elif multi_page:  # a transfer is listed on the appraisal, which a one-page scan lacks
        veteran = with_transfers(veteran, history_rng)
    pages = _render_pages(veteran, rng, dpi, multi_page, forms, history_rng)
    images, truth_pages = [], []
    for number, page in enumerate(pages, start=1):
        params = degrade.choose(rng, level, _seal_box(page))
        image, deg = degrade.apply(page.image, params, dpi, seed=rng.randrange(2**32))
        images.append(image)
        truth_pages.append(_page_truth(number, page, image, deg))
    ext = {"jpeg": "jpg", "tiff": "tif"}.get(fmt, fmt)
    stem = f"{seed}-{index:04d}-{veteran.name}" + ("-旧号" if same_as else "")
    scans, truths = out_dir / "scans", out_dir / "truth"
    scans.mkdir(parents=True, exist_ok=True)
    truths.mkdir(parents=True, exist_ok=True)
    path = scans / f"{stem}.{ext}"
    _write(path, fmt, images, dpi)
    fields = veteran.as_json()
    if same_as is not None:
        # The truth is the number the reader should store: the old one upgraded (GB 11643).
        fields["id_number"] = same_as.veteran.id_number
        for page_truth in truth_pages:
            if "id_number" in page_truth["fields"]:
                page_truth["fields"]["id_number"] = fields["id_number"]
    truth: dict[str, Any] = {
        "source": path.name,
        "format": fmt,
        "seed": seed,
        "index": index,
        "level": level,
        "dpi": dpi,
        "fields": fields,
        "history": [p.as_json() for p in veteran.history],
        "pages": truth_pages,
    }
    if same_as is not None:
        truth |= {"printed_id_number": veteran.id_number, "same_person_as": same_as.path.name}
    truth_path = truths / f"{stem}.json"
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return SampleFile(path, truth_path, same_as.veteran if same_as else veteran, len(pages))


def generate(
    out_dir: Path,
    count: int,
    seed: int,
    dpi: int = 200,
    formats: tuple[str, ...] = FORMATS,
    levels: tuple[str, ...] = degrade.LEVELS,
    start: int = 0,
    forms: Forms = "seen",
    old_ids: int = 0,
) -> list[SampleFile]:
    """``count`` files cycling through formats and degradation levels; same seed, same bytes.
    Then ``old_ids`` more: each an older file of one of those persons born before 1985, under
    the 15-digit number (GB 11643-1989) their 18-digit one was made from."""

    def file(i: int, same_as: SampleFile | None = None) -> SampleFile:
        fmt = formats[i % len(formats)]
        level = levels[(i // len(formats)) % len(levels)]
        return generate_file(out_dir, i, seed, dpi, fmt, level, forms, same_as)

    files = [file(i) for i in range(start, start + count)]
    old_enough = [f for f in files if f.veteran.birth_date.year < 1985]
    return files + [
        file(start + count + j, old_enough[j % len(old_enough)])
        for j in range(old_ids if old_enough else 0)
    ]
