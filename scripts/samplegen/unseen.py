"""Forms the extractor was not built on, for the unseen-forms benchmark: other families, label
wordings held back from fields.toml (heldout.toml), values written in other schemes, and other
labels among the fields. "dev" families and wordings may be looked at while the extractor is
worked on; "test" ones are kept for measuring."""

from __future__ import annotations

import random
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from scripts.samplegen.people import Veteran
from scripts.samplegen.render import (
    DATE_FIELDS,
    LABELS,
    Canvas,
    Cell,
    RenderedPage,
    TextItem,
    _draw_table,
    _field_value,
    _form_page,
    _title,
    draw_history,
)

Split = Literal["dev", "test"]
HELDOUT = Path(__file__).with_name("heldout.toml")

# Values of other bureaus and eras, as they print them (and as the extractor should give them).
_TOWNS = ("城关镇", "新华乡", "红旗镇", "石桥镇", "柳林乡")
_OTHER_VALUES: dict[Split, dict[str, tuple[str, ...]]] = {
    "dev": {
        "rank": ("二级上士", "一级上士", "三级士官", "一级士官", "班长", "排长", "战士"),
        "discharge_type": ("复员", "转业", "退伍", "自谋职业", "自主就业", "逐月领取退役金"),
        "awards": ("无", "嘉奖1次", "三等功1次", "优秀士官1次", "嘉奖2次、三等功1次"),
        "disability_grade": ("无", "无", "无", "五级因病", "七级因公"),
    },
    "test": {
        "rank": ("一级专业军士", "专业军士", "下士", "中士", "四级军士长", "副连职"),
        "discharge_type": ("计划分配", "自主择业", "离休", "复工复职", "带病回乡"),
        "awards": ("无", "无", "个人三等功1次", "集体二等功1次", "特等功1次"),
        "disability_grade": ("无", "无", "二等乙级", "三等甲级因公"),
    },
}
# Labels of things a form asks that are none of the fields, and a value for each.
_OTHER_ITEMS: dict[Split, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "dev": (
        ("文化程度", ("高中", "初中", "大学本科")),
        ("政治面貌", ("中共党员", "共青团员", "群众")),
        ("联系电话", ("13905512345", "18655123456")),
        ("家庭住址", ("安徽省肥东县店埠镇", "河北省成安县城关镇")),
        ("入党时间", ("1986年7月", "1990.06")),
    ),
    "test": (
        ("宗教信仰", ("无",)),
        ("血型", ("A型", "O型")),
        ("现居住地", ("江苏省丰县华山镇", "四川省三台县")),
        ("身高", ("172厘米", "168厘米")),
    ),
}


@lru_cache(maxsize=1)
def heldout() -> dict[str, dict[str, tuple[str, ...]]]:
    """split -> field -> the wordings held back for it."""
    data = tomllib.loads(HELDOUT.read_text(encoding="utf-8"))
    return {
        split: {key: tuple(e["text"] for e in entries) for key, entries in fields.items()}
        for split, fields in data.items()
    }


def _label(key: str, split: Split, rng: random.Random) -> str:
    held = heldout()[split].get(key, ())
    return rng.choice(held) if held and rng.random() < 0.8 else rng.choice(LABELS[key])


def values(v: Veteran, split: Split, rng: random.Random) -> dict[str, tuple[str, str]]:
    """(as printed, as the extractor should give it) for every field, in other schemes."""
    out = {key: _field_value(v, key, rng) for key in LABELS}
    for key, choices in _OTHER_VALUES[split].items():
        value = rng.choice(choices)
        out[key] = (value, value)
    place = v.native_place
    if split == "dev":
        if rng.random() < 0.6:  # the town too, below the county
            out["native_place"] = (place + rng.choice(_TOWNS),) * 2
        serial = f"{rng.choice('JWAC')}{rng.randint(1, 999):03d}-{rng.randint(1, 40)}-"
        out["file_number"] = (serial + f"{rng.randint(1, 9999):04d}",) * 2
        if v.ethnicity == "汉族" and rng.random() < 0.5:
            out["ethnicity"] = ("汉", "汉族")  # written short
    else:
        province, county = place[:2], place[3:]  # 安徽省肥东县 -> 安徽 肥东县
        out["native_place"] = (province + county,) * 2
        out["file_number"] = (f"{rng.randint(1985, 2015)}-Y-{rng.randint(1, 999):04d}",) * 2
    return out


def _fields_in(page: RenderedPage, shown: dict[str, tuple[str, str]]) -> None:
    page.fields.update({key: truth for key, (_, truth) in shown.items()})


def render_benefits_form(
    shown: dict[str, tuple[str, str]],
    rng: random.Random,
    dpi: int,
    faces: tuple[str, str],
    hand: bool,
) -> RenderedPage:
    """优抚对象信息登记表 (dev): two label/value pairs a row in a ruled grid, the dates of
    enlistment and discharge often as one compound label over "a/b", other labels among them."""
    canvas, page, bottom = _form_page(
        "unseen_benefits", "优抚对象信息登记表", rng, dpi, faces, hand
    )
    cells: list[Cell] = []
    keys = [k for k in LABELS if k not in DATE_FIELDS[1:]]
    if rng.random() < 0.5:
        enlisted, discharged = shown["enlistment_date"], shown["discharge_date"]
        cells += [
            Cell("入伍/退伍时间", 1, "label"),
            Cell(f"{enlisted[0]}/{discharged[0]}", 1, "value", "enlistment_date"),
        ]
    else:
        keys += ["enlistment_date", "discharge_date"]
    for key in keys:
        cells += [
            Cell(_label(key, "dev", rng), 1, "label", key),
            Cell(shown[key][0], 1, "value", key),
        ]
    for label, choices in _OTHER_ITEMS["dev"]:
        cells += [Cell(label, 1, "label"), Cell(rng.choice(choices), 1, "value")]
    rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    _draw_table(canvas, page, rows, bottom + canvas.px(30), [0.2, 0.3, 0.2, 0.3], faces, hand)
    _fields_in(page, shown)
    return page


def render_certificate(
    v: Veteran,
    shown: dict[str, tuple[str, str]],
    rng: random.Random,
    dpi: int,
    face: str,
    history_rng: random.Random,
) -> RenderedPage:
    """退出现役证明书 (dev): no rules; two "label：value" pairs a line, or a label and its value
    set apart by spaces; the 服役经历 of one who was transferred in sentences below."""
    canvas = Canvas(dpi, rng)
    fonts: dict[str, str | bool] = {"form": face, "value": face, "hand": False}
    page = RenderedPage(canvas.image, "unseen_certificate", dpi, fonts)
    y = _title(canvas, page, "退出现役证明书", face, canvas.px(70)) + canvas.px(40)
    keys = [k for k in LABELS if k not in ("awards", "disability_grade", "combat_or_test")]
    pairs: list[tuple[str, str, str | None]] = [
        (_label(k, "dev", rng), shown[k][0], k) for k in keys
    ]
    pairs.append(("政治面貌", rng.choice(("中共党员", "群众")), None))
    colon = rng.random() < 0.6
    for start in range(0, len(pairs), 2):
        x, line = canvas.px(70), []
        for label, value, key in pairs[start : start + 2]:
            text = label + ("：" if colon else "")
            box = canvas.text(x, y, text, face, 12)
            page.items.append(TextItem(text, box, "label", key))
            line.append(len(page.items) - 1)
            gap = canvas.px(4) if colon else canvas.px(24)
            box = canvas.text(box[2] + gap, y, value, face, 12)
            page.items.append(TextItem(value, box, "value", key))
            line.append(len(page.items) - 1)
            x = max(canvas.width // 2, box[2] + canvas.px(30))
        page.lines.append(line)
        y += canvas.px(34)
    draw_history(canvas, page, v, history_rng, face, y + canvas.px(10), ("cn",))
    _fields_in(page, {k: shown[k] for k in keys})
    return page


def render_record_card(
    shown: dict[str, tuple[str, str]],
    rng: random.Random,
    dpi: int,
    faces: tuple[str, str],
    hand: bool,
) -> RenderedPage:
    """军人档案登记卡 (test): labels above their values, three a band, two-character labels
    spaced out, wordings of older and other forms, other labels among them."""
    canvas, page, bottom = _form_page("unseen_card", "军人档案登记卡", rng, dpi, faces, hand)
    entries: list[tuple[str, str, str | None]] = []
    for key in LABELS:
        label = _label(key, "test", rng)
        if len(label) == 2 and rng.random() < 0.6:
            label = label[0] + "  " + label[1]  # 姓  名
        entries.append((label, shown[key][0], key))
    for label, choices in _OTHER_ITEMS["test"]:
        entries.append((label, rng.choice(choices), None))
    rows = []
    for start in range(0, len(entries), 3):
        band = entries[start : start + 3]
        rows += [
            [Cell(label, 1, "label", key) for label, _, key in band],
            [Cell(value, 1, "value", key) for _, value, key in band],
        ]
    widths = [1 / 3] * 3
    _draw_table(canvas, page, rows, bottom + canvas.px(30), widths, faces, hand)
    _fields_in(page, shown)
    return page


def render_unseen(
    v: Veteran,
    rng: random.Random,
    dpi: int,
    split: Split,
    multi_page: bool,
    faces: tuple[str, str],
    hand: bool,
    history_rng: random.Random,
) -> list[RenderedPage]:
    """A file of unseen forms: the dev families (a grid, a certificate), or the test one; the
    values the same on every page of it."""
    shown = values(v, split, rng)
    if split == "test":
        return [render_record_card(shown, rng, dpi, faces, hand)]
    if not multi_page:  # a single-page format holds one form
        if rng.random() < 0.3:
            return [render_certificate(v, shown, rng, dpi, faces[0], history_rng)]
        return [render_benefits_form(shown, rng, dpi, faces, hand)]
    pages = [
        render_benefits_form(shown, rng, dpi, faces, hand),
        render_certificate(v, shown, rng, dpi, faces[0], history_rng),
    ]
    rng.shuffle(pages)
    return pages
