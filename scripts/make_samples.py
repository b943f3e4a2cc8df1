"""Generate synthetic veterans' archive scans with ground truth.

    python -m scripts.make_samples OUT --count 12 --seed 7 [--dpi 200] [--formats pdf,tiff]
        [--kinds lowres,photo,... | all --per-kind 3] [--catalogue] [--old-ids 2]

Writes OUT/scans/<seed>-<index>-<name>.<ext> and OUT/truth/<same stem>.json. Same seed, same files.
With --kinds, also real-world page kinds (scripts/samplegen/capture.py): OUT/world/<kind>-<n>.png
(.jpg for photos) and OUT/world/<kind>-<n>.json with the page's lines and what was done.
With --catalogue, also OUT/catalogue.csv: a fictional unit catalogue listing some of the
veterans' units, some with periods that overlap their service (scripts/samplegen/catalogue.py).
Files of several pages (PDF, TIFF) list the units of a person who was transferred (服役经历);
with --old-ids N, N more files are older files of some of the persons, under the 15-digit ID
number of before 1999.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scripts.samplegen import capture
from scripts.samplegen.catalogue import write_catalogue
from scripts.samplegen.degrade import LEVELS
from scripts.samplegen.generate import FORMATS, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--levels", default=",".join(LEVELS))
    parser.add_argument("--start", type=int, default=0, help="first index (to extend a set)")
    parser.add_argument("--kinds", default="", help="real-world page kinds, or all")
    parser.add_argument("--per-kind", type=int, default=3)
    parser.add_argument("--catalogue", action="store_true", help="a fictional unit catalogue")
    parser.add_argument("--old-ids", type=int, default=0, help="older files, 15-digit ID")
    args = parser.parse_args(argv)
    formats = tuple(args.formats.split(","))
    levels = tuple(args.levels.split(","))
    if unknown := (set(formats) - set(FORMATS)) | (set(levels) - set(LEVELS)):
        parser.error(f"unknown format or level: {', '.join(sorted(unknown))}")
    try:
        kinds = capture.kinds_of(args.kinds) if args.kinds else ()
    except ValueError as exc:
        parser.error(str(exc))
    files = generate(
        args.out, args.count, args.seed, args.dpi, formats, levels, args.start, old_ids=args.old_ids
    )
    pages = sum(f.pages for f in files)
    print(f"wrote {len(files)} files, {pages} pages, to {args.out / 'scans'}")
    if args.catalogue:
        path = write_catalogue(args.out, [f.veteran for f in files[: args.count]], args.seed)
        print(f"wrote a fictional unit catalogue to {path}")
    if kinds:
        written = capture.write_set(args.out / "world", kinds, args.per_kind, args.seed)
        print(f"wrote {len(written)} real-world pages to {args.out / 'world'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
