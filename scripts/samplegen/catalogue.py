"""A fictional unit catalogue for generated veterans, and each veteran's truth against it and
the shipped example programmes: for the demo and scripts/bench_eligibility.py.

The units and periods are made up (the real catalogues are confidential and never shipped).
About half the veterans' units are listed, some with a period that overlaps their service and
some with one that does not; decoy units no veteran served in fill the rest. For a person who
was transferred, the list also names an earlier unit during the person's time in it (met only
by reading the 服役经历), or the last unit for a year before the person came to it (not met,
though the unit and the whole service would say so). Each listed unit
is printed the other way from the form where it can be (中国人民解放军66325部队 on the form,
66325部队 in the list; 第27集团军80师 as 陆军第二十七集团军第八十师), as real lists do.
"""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from scripts.samplegen.people import Veteran

CATALOGUE = "涉核部队目录"
DOC_NUMBER = "示例〔2026〕1号（虚构）"
EFFECTIVE = "2026-01-01"
CN = "〇一二三四五六七八九"
DISCHARGED_TYPES = (
    *("自主就业", "安排工作", "退休", "供养", "复员", "转业", "逐月领取退役金", "退伍", "自谋职业"),
)
# The pages that are a discharge certificate, by the generator's page kinds.
CERTIFICATE_KINDS = ("approval", "unseen_certificate")
SUBSIDY_FROM = date(2011, 11, 1)


@dataclass(frozen=True)
class Row:
    unit: str
    start: date
    end: date


def _cn_number(n: int) -> str:
    """27 -> 二十七, 80 -> 八十, 238 -> 二三八 (as old lists write them)."""
    if n < 10:
        return CN[n]
    if n < 100:
        tens, units = divmod(n, 10)
        return ("" if tens == 1 else CN[tens]) + "十" + (CN[units] if units else "")
    return "".join(CN[int(c)] for c in str(n))


def _listed_as(unit: str) -> str:
    if unit.startswith("中国人民解放军"):
        return unit.removeprefix("中国人民解放军")
    if unit.endswith("部队"):
        return "中国人民解放军" + unit
    parts = re.findall(r"(\d+)(集团军|师|团)", unit)
    return "陆军" + "".join(f"第{_cn_number(int(n))}{level}" for n, level in parts)


def demo_catalogue(veterans: list[Veteran], seed: int) -> list[Row]:
    rng = random.Random(f"catalogue-{seed}")
    rows = []
    for v in veterans:
        if rng.random() >= 0.5:
            continue
        if rng.random() < 0.6:  # a year inside the service
            year = rng.randint(v.enlistment_date.year, v.discharge_date.year)
            rows.append(Row(_listed_as(v.unit), date(year, 1, 1), date(year, 12, 31)))
        else:  # ended a year or more before the person enlisted
            end = v.enlistment_date.year - rng.randint(1, 5)
            rows.append(Row(_listed_as(v.unit), date(end - 3, 1, 1), date(end, 12, 31)))
    rows += _transfer_rows(veterans, seed)
    for _ in range(max(3, len(veterans) // 4)):
        start = rng.randint(1960, 2015)
        rows.append(
            Row(f"{rng.randint(10000, 30999)}部队", date(start, 1, 1), date(start + 2, 12, 31))
        )
    rng.shuffle(rows)
    return rows


def _transfer_rows(veterans: list[Veteran], seed: int) -> list[Row]:
    rng = random.Random(f"catalogue-transfers-{seed}")  # the rows drawn above stay as they were
    rows = []
    for v in veterans:
        if not v.history:
            continue
        first, last = v.history[0], v.history[-1]
        if rng.random() < 0.5:  # the first unit, in a year the person was in it
            year = rng.randint(first.start.year, first.end.year)
            rows.append(Row(_listed_as(first.unit), date(year, 1, 1), date(year, 12, 31)))
        elif first.start.year < last.start.year:  # the last unit, a year before the person came
            year = rng.randint(first.start.year, last.start.year - 1)
            rows.append(Row(_listed_as(last.unit), date(year, 1, 1), date(year, 12, 31)))
    return rows


def catalogue_csv(rows: list[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["部队番号", "起始时间", "截止时间", "任务"])
    for r in rows:
        writer.writerow([r.unit, f"{r.start:%Y-%m}", f"{r.end:%Y-%m}", "示例任务（虚构）"])
    return out.getvalue().encode("utf-8-sig")


def write_catalogue(out_dir: Path, veterans: list[Veteran], seed: int) -> Path:
    path = out_dir / "catalogue.csv"
    path.write_bytes(catalogue_csv(demo_catalogue(veterans, seed)))
    return path


def truth(v: Veteran, rows: list[Row], has_certificate: bool) -> dict[str, bool]:
    """Whether each shipped example programme's conditions hold for the veteran, by the
    generator's own values (exact days): listed means a unit listed while the person was in it."""
    from archive.units import parse_unit

    listed = any(
        (unit := parse_unit(p.unit)) is not None
        and unit.within(u)
        and r.start <= p.end
        and r.end >= p.start
        for p in v.postings()
        for r in rows
        if (u := parse_unit(r.unit)) is not None
    )
    return {
        "nuclear": listed and has_certificate,
        "preferential_card": v.discharge_type in DISCHARGED_TYPES and has_certificate,
        "self_employed_subsidy": v.discharge_type == "自主就业"
        and v.discharge_date >= SUBSIDY_FROM
        and has_certificate,
    }
