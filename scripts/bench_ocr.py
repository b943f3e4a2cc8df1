"""OCR benchmark on pages the tests do not use (a script, not a timed test).

    .venv/bin/python -m scripts.bench_ocr [--files 40] [--seed 1001] [--dpi 300]
        [--kinds all --per-kind 6] [--engines rapidocr,rapidocr-v4,...] [--workers 2]
        [--repeat 3]

Two kinds of pages: generated forms and letters (``--files``, at ``--dpi``), and real-world
page kinds (``--kinds``, scripts/samplegen/capture.py: low resolution, phone photos,
highlighter, ruled paper, coloured paper, carbon copies, faxes, columns). Each page is read by
every engine named through the whole pipeline, and by the plain engine (rapidocr-onnxruntime's
defaults on the page as loaded, the baseline a new user would try first). Per split: median
character error rate in reading order and order-free, mean character recall, and the
do-no-harm failures: pages where the pipeline's recall is more than 2 points below plain's.
Speed: pages/min of the first engine's pipeline and of the plain engine, on the same pages,
with the same --workers processes, in turns, --repeat times (the median is reported), and the
share of the pipeline's page time spent outside the engine. Prints Markdown tables.
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
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np

from archive.domain import MediaType
from archive.filetype import sniff
from ingest.page import dpi_of
from ingest.scans import ScanLimits, load_page
from ingest.worker import init_worker
from ocr.engines import EngineSpec
from ocr.pipeline import read_page
from ocr.preprocess import PreprocessOptions
from scripts.ocr_metrics import (
    calibration,
    cer,
    cer_order_free,
    char_correctness,
    normalise,
    recall,
)
from scripts.samplegen import capture
from scripts.samplegen.generate import generate

PLAIN = "plain PP-OCRv4 (rapidocr defaults, page as loaded)"
LIMITS = ScanLimits(300, 2000, 200_000_000)


@dataclass(frozen=True)
class PageJob:
    path: Path
    media: MediaType
    number: int
    kind: str  # a form family, a letter, or a real-world kind
    level: str  # clean | mild | heavy for generated scans; "world" for the real-world kinds
    quarter_turns: int
    skew_deg: float
    truth_text: str
    variants: tuple[str, ...] = ()
    name: str | None = None  # the person's name printed on the page, when it is to be checked


@dataclass
class Outcome:
    variant: str
    job: PageJob
    cer: float
    cer_order_free: float
    recall: float
    seconds: float
    engine_seconds: float = 0.0  # of ``seconds``, inside the engine
    rotation_ok: bool = False
    skew_error: float = 0.0
    confidences: list[float] = field(default_factory=list)
    correct: list[bool] = field(default_factory=list)
    text: str = ""

    @property
    def name_read(self) -> bool | None:
        return None if self.job.name is None else self.job.name in normalise(self.text)


@dataclass
class TimedEngine:
    """The engine, with the time spent inside it (detection and recognition, the models and
    their own pre- and post-processing) added up: the rest of a page's time is the pipeline's."""

    engine: Any
    spent: float = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def _timed(self, method: str, *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return getattr(self.engine, method)(*args)
        finally:
            self.spent += time.perf_counter() - start

    def recognize(self, image: np.ndarray) -> Any:
        return self._timed("recognize", image)

    def detect(self, image: np.ndarray) -> Any:
        return self._timed("detect", image)

    def read_boxes(self, image: np.ndarray, boxes: Any) -> Any:
        return self._timed("read_boxes", image, boxes)


@lru_cache(maxsize=1)
def _plain() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)


def plain_text(image: np.ndarray) -> str:
    """What a new user gets from the engine alone: its defaults, the page as loaded."""
    import cv2

    result, _ = _plain()(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return "\n".join(str(r[1]) for r in result or [])


def evaluate(job: PageJob) -> list[Outcome]:
    image = load_page(job.path, job.media, job.number, LIMITS)
    return [_evaluate_variant(job, image, variant) for variant in job.variants]


def _scores(truth: str, text: str) -> tuple[float, float, float]:
    return cer(truth, text), cer_order_free(truth, text), recall(truth, text)


def _evaluate_variant(job: PageJob, image: np.ndarray, variant: str) -> Outcome:
    truth = job.truth_text
    start = time.perf_counter()
    if variant == PLAIN:
        text = plain_text(image)
        seconds = time.perf_counter() - start
        return Outcome(variant, job, *_scores(truth, text), seconds, text=text)
    options = PreprocessOptions(dpi=dpi_of(image, job.media, LIMITS))
    engine = TimedEngine(_engine(variant))
    reading = read_page(image, engine, options)
    seconds = time.perf_counter() - start
    text = reading.text
    words = [w for line in reading.lines for w in line.words]
    confidences = [w.confidence for w in words for _ in normalise(w.text)]
    correct = char_correctness(truth, "".join(w.text for w in words))
    aligned = len(confidences) == len(correct)
    return Outcome(
        variant,
        job,
        *_scores(truth, text),
        seconds,
        engine_seconds=engine.spent,
        rotation_ok=reading.rotation == 90 * job.quarter_turns % 360,
        skew_error=abs(reading.skew_deg - job.skew_deg),
        confidences=confidences if aligned else [],
        correct=correct if aligned else [],
        text=text,
    )


@lru_cache(maxsize=8)
def _engine(name: str) -> Any:
    return EngineSpec(name).build()


def _world(o: Outcome) -> bool:
    return o.job.level == "world"


def _of_kind(kind: str, o: Outcome) -> bool:
    return _world(o) and o.job.kind == kind


SPLITS: dict[str, Callable[[Outcome], bool]] = {
    "forms": lambda o: not _world(o) and o.job.kind.startswith("form"),
    "letters": lambda o: not _world(o) and not o.job.kind.startswith("form"),
    "degraded": lambda o: o.job.level in ("mild", "heavy"),
    "rotated": lambda o: o.job.quarter_turns != 0,
    **{kind: partial(_of_kind, kind) for kind in capture.KINDS},
}


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.3f}" if values else "-"


def _harmed(outcomes: list[Outcome], variant: str) -> dict[tuple[Path, int], bool]:
    """Per page: the variant's recall more than 2 points below plain's."""
    plain = {(o.job.path, o.job.number): o.recall for o in outcomes if o.variant == PLAIN}
    return {
        (o.job.path, o.job.number): o.recall < plain[(o.job.path, o.job.number)] - 0.02
        for o in outcomes
        if o.variant == variant and (o.job.path, o.job.number) in plain
    }


def report(
    outcomes: list[Outcome],
    variants: tuple[str, ...],
    speed: dict[str, list[float]],
    workers: int,
) -> str:
    out = []
    default = variants[0]
    mine = [o for o in outcomes if o.variant == default]
    turned = [o for o in mine if not _world(o)]
    if turned:
        skews = [o.skew_error for o in turned]
        rot = [o.rotation_ok for o in turned]
        out.append(f"| geometry ({default}, generated scans) | value |\n|---|---|")
        out.append(
            f"| deskew error, median / max | {statistics.median(skews):.3f}° / {max(skews):.3f}° |"
        )
        out.append(f"| orientation right | {sum(rot)}/{len(rot)} |")
        out.append("")
    splits = {n: f for n, f in SPLITS.items() if any(f(o) for o in mine)}
    harmed = {v: _harmed(outcomes, v) for v in variants if v != PLAIN}
    out.append(
        "| split (pages) | "
        + " | ".join(f"{v}: CER order / free, recall, harmed" for v in variants)
        + " |"
    )
    out.append("|---" * (len(variants) + 1) + "|")
    for name, f in splits.items():
        row = [f"{name} ({sum(1 for o in mine if f(o))})"]
        for v in variants:
            sel = [o for o in outcomes if o.variant == v and f(o)]
            cell = (
                f"{_median([o.cer for o in sel])} / {_median([o.cer_order_free for o in sel])}, "
                f"{statistics.mean(o.recall for o in sel):.3f}"
            )
            if v != PLAIN:
                bad = sum(harmed[v].get((o.job.path, o.job.number), False) for o in sel)
                cell += f", {bad}"
            row.append(cell)
        out.append("| " + " | ".join(row) + " |")
    named = [o for o in outcomes if o.name_read is not None]
    if named:
        out.append("")
        out.append("| names with rare characters read whole | pages |\n|---|---|")
        for v in variants:
            sel = [o for o in named if o.variant == v]
            out.append(f"| {v} | {sum(bool(o.name_read) for o in sel)}/{len(sel)} |")
    out.append("")
    out.append("| speed | value |\n|---|---|")
    for v in variants:
        secs = [o.seconds for o in outcomes if o.variant == v]
        out.append(f"| {v}: seconds per page, one process | {statistics.mean(secs):.2f} |")
        if v != PLAIN:
            inside = sum(o.engine_seconds for o in outcomes if o.variant == v)
            out.append(
                f"| {v}: share of page time outside the engine | {1 - inside / sum(secs):.0%} |"
            )
    for v, rates in speed.items():
        runs = ", ".join(f"{r:.1f}" for r in rates)
        out.append(
            f"| {v}: pages/min with {workers} workers (wall), median of {len(rates)} "
            f"({runs}) | {statistics.median(rates):.1f} |"
        )
    if PLAIN in speed and default in speed:
        ratio = statistics.median(speed[default]) / statistics.median(speed[PLAIN])
        out.append(f"| {default} against plain, pages/min | {ratio:.2f}× |")
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


def _generated_jobs(work: Path, files: int, seed: int, dpi: int) -> list[PageJob]:
    jobs = []
    for f in generate(work / "samples", count=files, seed=seed, dpi=dpi):
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
                    page["kind"],
                    deg["level"],
                    int(deg.get("quarter_turns", 0)),
                    float(deg.get("skew_deg", 0.0)),
                    "".join(line["text"] for line in page["lines"]),
                )
            )
    return jobs


def _world_jobs(work: Path, kinds: tuple[str, ...], per_kind: int, seed: int) -> list[PageJob]:
    jobs = []
    for path, page in capture.write_set(work / "world", kinds, per_kind, seed):
        media = sniff(path.read_bytes()[:2048])
        assert media is not None
        name = page.params.get("name") if page.kind == "rarenames" else None
        truth = "".join(page.lines)
        jobs.append(PageJob(path, media, 1, page.kind, "world", 0, 0.0, truth, name=name))
    return jobs


def _only(jobs: list[PageJob], variant: str) -> list[PageJob]:
    return [replace(j, variants=(variant,)) for j in jobs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="OCR benchmark")
    parser.add_argument("--files", type=int, default=40, help="generated scans (0: none)")
    parser.add_argument("--seed", type=int, default=1001, help="tests use seeds below 100")
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--kinds", default="all", help="real-world kinds, comma-separated")
    parser.add_argument("--per-kind", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="timed runs, median reported")
    parser.add_argument("--engines", default="rapidocr", help="comma-separated, default first")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    engines = tuple(args.engines.split(","))
    for name in engines:
        EngineSpec(name)  # an unknown name fails here, not in a worker
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    jobs = _generated_jobs(work, args.files, args.seed, args.dpi) if args.files else []
    if args.per_kind:
        jobs += _world_jobs(work, capture.kinds_of(args.kinds), args.per_kind, args.seed)
    context = multiprocessing.get_context("spawn")
    outcomes: list[Outcome] = []
    speed: dict[str, list[float]] = {}
    with ProcessPoolExecutor(args.workers, mp_context=context, initializer=init_worker) as pool:
        list(pool.map(evaluate, [replace(jobs[0], variants=(engines[0], PLAIN))] * args.workers))

        def run(variant: str) -> list[Outcome]:
            start = time.perf_counter()
            found = [o for r in pool.map(evaluate, _only(jobs, variant)) for o in r]
            speed.setdefault(variant, []).append(len(jobs) / (time.perf_counter() - start) * 60)
            return found

        # The default and plain timed alike, in turns, --repeat times (one run on a shared
        # machine is noise); the scores are the first run's.
        for turn in range(args.repeat):
            for variant in (engines[0], PLAIN):
                found = run(variant)
                outcomes += found if turn == 0 else []
        for variant in engines[1:]:
            outcomes += run(variant)
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {args.files} generated files at {args.dpi} dpi and "
        f"{args.per_kind} pages per real-world kind, {len(jobs)} pages, seed {args.seed}; "
        f"work dir {work}\n"
    )
    print(report(outcomes, (*engines, PLAIN), speed, args.workers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
