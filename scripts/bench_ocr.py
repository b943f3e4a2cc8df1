"""OCR benchmark on generated pages the tests do not use (a script, not a timed test).

    .venv/bin/python -m scripts.bench_ocr [--files 40] [--seed 1001] [--dpi 200] [--workers 2]

For every page: orientation right or wrong, deskew error, character error rate in reading order
and order-free, for each engine after preprocessing and for plain tesseract on the raw page;
split by forms / running text / rotated / upright / clean / degraded. Also pages/min of the
default pipeline with --workers processes and how well low confidence predicts a wrong
character. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from archive.domain import MediaType
from archive.filetype import sniff
from ingest.scans import ScanLimits, load_page
from ingest.worker import init_worker
from ocr.engines import ENGINES, EngineSpec
from ocr.pipeline import read_page
from ocr.preprocess import PreprocessOptions, to_gray
from ocr.tesseract import image_to_data, lines_from_tesseract_data
from scripts.ocr_metrics import calibration, cer, cer_order_free, char_correctness, normalise
from scripts.samplegen.generate import generate

BASELINE = "plain tesseract, raw page"


@dataclass(frozen=True)
class PageJob:
    path: Path
    media: MediaType
    number: int
    dpi: int
    kind: str
    level: str
    quarter_turns: int
    skew_deg: float
    truth_text: str
    variants: tuple[str, ...] = ()


@dataclass
class Outcome:
    variant: str
    job: PageJob
    cer: float
    cer_order_free: float
    seconds: float
    rotation_ok: bool = False
    skew_error: float = 0.0
    confidences: list[float] = field(default_factory=list)
    correct: list[bool] = field(default_factory=list)


def evaluate(job: PageJob) -> list[Outcome]:
    image = load_page(job.path, job.media, job.number, ScanLimits(job.dpi, 2000, 200_000_000))
    return [_evaluate_variant(job, image, variant) for variant in job.variants]


def _evaluate_variant(job: PageJob, image: np.ndarray, variant: str) -> Outcome:
    start = time.perf_counter()
    if variant == BASELINE:
        data = image_to_data(to_gray(image), lang="chi_sim", psm=3, timeout_s=300)
        text = "\n".join(line.text for line in lines_from_tesseract_data(data))
        seconds = time.perf_counter() - start
        return Outcome(
            variant, job, cer(job.truth_text, text), cer_order_free(job.truth_text, text), seconds
        )
    reading = read_page(image, EngineSpec(variant).build(), PreprocessOptions(dpi=job.dpi))
    seconds = time.perf_counter() - start
    text = reading.text
    words = [w for line in reading.lines for w in line.words]
    confidences = [w.confidence for w in words for _ in normalise(w.text)]
    correct = char_correctness(job.truth_text, "".join(w.text for w in words))
    aligned = len(confidences) == len(correct)
    return Outcome(
        variant,
        job,
        cer(job.truth_text, text),
        cer_order_free(job.truth_text, text),
        seconds,
        rotation_ok=reading.rotation == 90 * job.quarter_turns % 360,
        skew_error=abs(reading.skew_deg - job.skew_deg),
        confidences=confidences if aligned else [],
        correct=correct if aligned else [],
    )


SPLITS: dict[str, Callable[[Outcome], bool]] = {
    "all": lambda o: True,
    "degraded": lambda o: o.job.level != "clean",
    "forms": lambda o: o.job.kind.startswith("form"),
    "running text": lambda o: not o.job.kind.startswith("form"),
    "rotated 90/180/270": lambda o: o.job.quarter_turns != 0,
    "upright": lambda o: o.job.quarter_turns == 0,
    "clean": lambda o: o.job.level == "clean",
    # Only degraded pages are turned, most of them heavy ones: compare like with like.
    "heavy, rotated": lambda o: o.job.level == "heavy" and o.job.quarter_turns != 0,
    "heavy, upright": lambda o: o.job.level == "heavy" and o.job.quarter_turns == 0,
}


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.3f}" if values else "-"


def report(
    outcomes: list[Outcome],
    variants: tuple[str, ...],
    pages: int,
    wall: float,
    workers: int,
    default: str,
) -> str:
    out = []
    mine = [o for o in outcomes if o.variant == default]
    skews = [o.skew_error for o in mine]
    rot = [o.rotation_ok for o in mine]
    upright = [o.rotation_ok for o in mine if o.job.quarter_turns == 0]
    out.append("| geometry (default pipeline) | value |\n|---|---|")
    out.append(
        f"| deskew error, median / max | {statistics.median(skews):.3f}° / {max(skews):.3f}° |"
    )
    out.append(
        f"| orientation right, all pages | {sum(rot)}/{len(rot)} = {sum(rot) / len(rot):.1%} |"
    )
    out.append(f"| orientation right, upright pages | {sum(upright)}/{len(upright)} |")
    out.append("")
    header = (
        "| median CER: reading order / order-free | "
        + " | ".join(f"{name} (n={sum(1 for o in mine if f(o))})" for name, f in SPLITS.items())
        + " |"
    )
    out.append(header)
    out.append("|---" * (len(SPLITS) + 1) + "|")
    for variant in variants:
        cells = []
        for f in SPLITS.values():
            sel = [o for o in outcomes if o.variant == variant and f(o)]
            cells.append(
                f"{_median([o.cer for o in sel])} / {_median([o.cer_order_free for o in sel])}"
            )
        out.append(f"| {variant} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("| speed | value |\n|---|---|")
    for variant in variants:
        secs = [o.seconds for o in outcomes if o.variant == variant]
        out.append(f"| {variant}: seconds per page, one process | {statistics.mean(secs):.2f} |")
    out.append(f"| {default}: pages/min with {workers} workers (wall) | {pages / wall * 60:.1f} |")
    confidences = [c for o in mine for c in o.confidences]
    correct = [ok for o in mine for ok in o.correct]
    if confidences:
        cal = calibration(confidences, correct, 0.6)
        out.append("")
        out.append("| confidence as a predictor of a wrong character | value |\n|---|---|")
        out.append(f"| ROC AUC (1 = perfect, 0.5 = useless) | {cal.auc:.3f} |")
        out.append(
            f"| error rate below {cal.threshold} / at or above | "
            f"{cal.error_low:.1%} / {cal.error_high:.1%} |"
        )
        out.append(f"| share of characters below {cal.threshold} | {cal.share_low:.1%} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="OCR benchmark")
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1001, help="tests use seeds below 100")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    engines = tuple(args.engines.split(","))
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    files = generate(work / "samples", count=args.files, seed=args.seed, dpi=args.dpi)
    jobs = []
    for f in files:
        truth = json.loads(f.truth_path.read_text(encoding="utf-8"))
        media = sniff(f.path.read_bytes()[:2048])
        assert media is not None
        for page in truth["pages"]:
            deg = page["degradation"]
            jobs.append(
                PageJob(
                    f.path,
                    media,
                    int(page["page"]),
                    args.dpi,
                    page["kind"],
                    deg["level"],
                    int(deg.get("quarter_turns", 0)),
                    float(deg.get("skew_deg", 0.0)),
                    "".join(line["text"] for line in page["lines"]),
                )
            )
    context = multiprocessing.get_context("spawn")
    outcomes: list[Outcome] = []
    with ProcessPoolExecutor(args.workers, mp_context=context, initializer=init_worker) as pool:
        default_jobs = [replace(j, variants=(engines[0],)) for j in jobs]
        start = time.perf_counter()
        for result in pool.map(evaluate, default_jobs):
            outcomes += result
        wall = time.perf_counter() - start
        rest = (BASELINE, *engines[1:])
        other_jobs = [replace(j, variants=rest) for j in jobs]
        for result in pool.map(evaluate, other_jobs):
            outcomes += result
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {len(files)} files, {len(jobs)} pages at {args.dpi} dpi, "
        f"seed {args.seed}; work dir {work}\n"
    )
    print(report(outcomes, (*engines, BASELINE), len(jobs), wall, args.workers, engines[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
