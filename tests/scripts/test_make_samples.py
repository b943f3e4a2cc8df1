"""The sample generator: deterministic, and its truth is internally consistent."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from archive.history import service_period
from archive.idnumber import as_18
from archive.units import parse_unit
from scripts.make_samples import main
from scripts.samplegen.generate import generate
from scripts.samplegen.people import format_date, id_check_char


def test_same_seed_same_bytes_other_seed_other_files(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", count=4, seed=5, dpi=60)
    b = generate(tmp_path / "b", count=4, seed=5, dpi=60)
    c = generate(tmp_path / "c", count=4, seed=6, dpi=60)
    for x, y in zip(a, b, strict=True):
        assert x.path.read_bytes() == y.path.read_bytes()
        assert x.truth_path.read_text() == y.truth_path.read_text()
    assert [s.veteran for s in a] != [s.veteran for s in c]


def test_truth_is_consistent_with_the_files(tmp_path: Path) -> None:
    files = generate(tmp_path, count=12, seed=9, dpi=60)
    assert {f.path.suffix for f in files} == {".pdf", ".tif", ".jpg", ".png"}
    for f in files:
        truth = json.loads(f.truth_path.read_text(encoding="utf-8"))
        fields = truth["fields"]
        id_number = fields["id_number"]
        assert id_check_char(id_number[:17]) == id_number[17]
        assert id_number[6:14] == fields["birth_date"].replace("-", "")
        assert (int(id_number[16]) % 2 == 1) == (fields["gender"] == "男")
        born = date.fromisoformat(fields["birth_date"])
        enlisted = date.fromisoformat(fields["enlistment_date"])
        assert born < enlisted < date.fromisoformat(fields["discharge_date"])
        assert 17 <= enlisted.year - born.year <= 22
        if f.path.suffix == ".pdf":
            assert len(PdfReader(f.path).pages) == len(truth["pages"])
        else:
            with Image.open(f.path) as image:
                assert getattr(image, "n_frames", 1) == len(truth["pages"])
        for page in truth["pages"]:
            w, h = page["size"]
            for item in page["items"]:
                x0, y0, x1, y1 = item["box"]
                assert -2 <= x0 < x1 <= w + 2 and -2 <= y0 < y1 <= h + 2
            for key, value in page["fields"].items():
                if key.endswith("_date"):
                    assert value[:7] == fields[key][:7]
                else:
                    assert value == fields[key]


def test_dates_are_printed_in_every_style() -> None:
    d = date(1985, 3, 12)
    assert format_date(d, "cn", False) == "1985年3月"
    assert format_date(d, "dot", False) == "1985.03"
    assert format_date(d, "dash", True) == "1985-03-12"
    assert format_date(d, "hanzi", False) == "一九八五年三月"
    assert format_date(d, "short", False) == "85年3月"


def test_command_line(tmp_path: Path) -> None:
    assert (
        main([str(tmp_path), "--count", "2", "--seed", "3", "--dpi", "60", "--formats", "png"]) == 0
    )
    assert len(list((tmp_path / "scans").glob("*.png"))) == 2
    assert len(list((tmp_path / "truth").glob("*.json"))) == 2


def test_transfers_are_listed_as_the_reader_reads_them(tmp_path: Path) -> None:
    files = generate(tmp_path / "s", 20, 3003, 60, ("pdf", "tiff"))
    files += generate(tmp_path / "d", 20, 3004, 60, ("pdf", "tiff"), forms="dev")
    moved = [f for f in files if f.veteran.history]
    assert 0 < len(moved) < len(files)
    for f in moved:
        v = f.veteran
        history = v.history
        assert (history[0].start, history[-1].end) == (v.enlistment_date, v.discharge_date)
        assert history[-1].unit == v.unit
        assert all(a.end + timedelta(days=1) == b.start for a, b in itertools.pairwise(history))
        truth = json.loads(f.truth_path.read_text(encoding="utf-8"))
        lines = [line["text"] for page in truth["pages"] for line in page["lines"]]
        read = [p for text in lines if (p := service_period(text)) is not None]
        assert [(r.unit.key, r.start.text, r.end.text if r.end else None) for r in read] == [
            (key(p.unit), f"{p.start:%Y-%m}", f"{p.end:%Y-%m}") for p in history
        ]


def test_an_older_file_of_a_person_prints_the_15_digit_number(tmp_path: Path) -> None:
    files = generate(tmp_path, 6, 5, 60, ("pdf",), old_ids=2)
    assert len(files) == 8
    for old in files[6:]:
        truth = json.loads(old.truth_path.read_text(encoding="utf-8"))
        person = next(f for f in files[:6] if f.path.name == truth["same_person_as"])
        assert old.veteran == person.veteran and person.veteran.birth_date.year < 1985
        printed = truth["printed_id_number"]
        assert len(printed) == 15 and as_18(printed) == person.veteran.id_number
        assert truth["fields"]["id_number"] == person.veteran.id_number
        lines = " ".join(line["text"] for page in truth["pages"] for line in page["lines"])
        assert printed in lines and person.veteran.id_number not in lines


def key(unit: str) -> str:
    parsed = parse_unit(unit)
    assert parsed is not None
    return parsed.key
