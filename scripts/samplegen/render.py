"""Clean page rendering: table forms and running-text pages, each text item with its box."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from scripts.samplegen.people import Posting, Veteran, format_date, truth_date

FONT_FILES = {
    "song": "/usr/share/fonts/truetype/arphic/uming.ttc",
    "kai": "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "hei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
}
INK = (20, 20, 20)
PEN = (25, 35, 95)  # blue-black ink of hand-filled values

# Field key -> label variants seen on forms (DESIGN field table).
LABELS: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "birth_date": ("出生年月", "出生日期"),
    "id_number": ("公民身份号码", "身份证号"),
    "native_place": ("籍贯", "户籍所在地"),
    "enlistment_date": ("入伍时间", "入伍年月"),
    "discharge_date": ("退役时间", "退伍时间", "退出现役时间"),
    "unit": ("部队番号", "服役单位", "原部队", "服役部队"),
    "rank": ("军衔", "职务"),
    "discharge_type": ("退役方式", "安置方式"),
    "awards": ("立功受奖情况",),
    "disability_grade": ("伤残等级", "伤残性质"),
    "combat_or_test": ("参战参试情况",),
    "file_number": ("档案编号",),
}
DATE_FIELDS = ("birth_date", "enlistment_date", "discharge_date")


@lru_cache(maxsize=64)
def font(name: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_FILES[name], px, index=0)


@dataclass
class TextItem:
    text: str
    box: tuple[int, int, int, int]
    role: str  # title | label | value | body
    field: str | None = None


@dataclass
class RenderedPage:
    image: Image.Image
    kind: str
    dpi: int
    fonts: dict[str, str | bool]
    items: list[TextItem] = field(default_factory=list)
    lines: list[list[int]] = field(default_factory=list)  # reading order, indices into items
    fields: dict[str, str] = field(default_factory=dict)  # ISO truth of fields shown here


class Canvas:
    def __init__(self, dpi: int, rng: random.Random) -> None:
        self.dpi = dpi
        self.rng = rng
        self.width, self.height = round(8.27 * dpi), round(11.69 * dpi)
        self.image = Image.new("RGB", (self.width, self.height), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.image)

    def px(self, points: float) -> int:
        return round(points * self.dpi / 72)

    def text(
        self, x: int, y: int, s: str, face: str, pt: float, hand: bool = False
    ) -> tuple[int, int, int, int]:
        f = font(face, self.px(pt))
        if not hand:
            self.draw.text((x, y), s, font=f, fill=INK)
            box = self.draw.textbbox((x, y), s, font=f)
            return (int(box[0]), int(box[1]), int(box[2]), int(box[3]))
        return self._hand_text(x, y, s, f)

    def _hand_text(
        self, x: int, y: int, s: str, f: ImageFont.FreeTypeFont
    ) -> tuple[int, int, int, int]:
        """Character by character with a little jitter and tilt, as a pen would."""
        size = int(f.size)
        x0 = y0 = 10**9
        x1 = y1 = -1
        cursor = x
        for ch in s:
            glyph = Image.new("L", (size * 2, size * 2), 0)
            ImageDraw.Draw(glyph).text((size // 2, size // 2), ch, font=f, fill=255)
            glyph = glyph.rotate(self.rng.uniform(-4, 4), resample=Image.Resampling.BILINEAR)
            dx = cursor - size // 2
            dy = y + round(self.rng.uniform(-0.08, 0.08) * size) - size // 2
            self.image.paste(PEN, (dx, dy), glyph)
            ink = glyph.getbbox()
            if ink:
                x0, y0 = min(x0, dx + ink[0]), min(y0, dy + ink[1])
                x1, y1 = max(x1, dx + ink[2]), max(y1, dy + ink[3])
            cursor += round(f.getlength(ch) * self.rng.uniform(1.0, 1.12))
        return (x0, y0, x1, y1) if x1 >= 0 else (x, y, x, y)

    def text_width(self, s: str, face: str, pt: float) -> float:
        return float(font(face, self.px(pt)).getlength(s))


@dataclass(frozen=True)
class Cell:
    text: str
    span: int
    role: str  # label | value
    field: str | None = None


def _field_value(v: Veteran, key: str, rng: random.Random) -> tuple[str, str]:
    """(printed text, ISO truth) of one field, dates in a randomly chosen style."""
    raw = getattr(v, key)
    if key in DATE_FIELDS:
        style = rng.choice(("cn", "cn", "dot", "dash", "hanzi", "short"))
        with_day = key == "birth_date" and rng.random() < 0.4
        return format_date(raw, style, with_day), truth_date(raw, style, with_day)
    return str(raw), str(raw)


def _label(key: str, rng: random.Random) -> str:
    return rng.choice(LABELS[key])


def _table_rows_register(v: Veteran, rng: random.Random, page: RenderedPage) -> list[list[Cell]]:
    layout = [
        [("name", 1), ("gender", 1), ("ethnicity", 1)],
        [("birth_date", 1), ("id_number", 3)],
        [("native_place", 5)],
        [("enlistment_date", 1), ("discharge_date", 3)],
        [("unit", 3), ("rank", 1)],
        [("discharge_type", 1), ("file_number", 3)],
        [("awards", 5)],
        [("disability_grade", 1), ("combat_or_test", 3)],
    ]
    rows = []
    for spec in layout:
        row = []
        for key, span in spec:
            printed, truth = _field_value(v, key, rng)
            page.fields[key] = truth
            row += [Cell(_label(key, rng), 1, "label", key), Cell(printed, span, "value", key)]
        rows.append(row)
    return rows


def _draw_table(
    canvas: Canvas,
    page: RenderedPage,
    rows: list[list[Cell]],
    top: int,
    col_fracs: list[float],
    faces: tuple[str, str],
    hand: bool,
) -> int:
    """A ruled table; labels in the form's face, values in the filler's. Returns the bottom."""
    left = canvas.px(50)
    usable = canvas.width - 2 * left
    cols = [round(f * usable) for f in col_fracs]
    row_h = canvas.px(30)
    rule = max(2, canvas.dpi // 100)
    pt = 11.0
    y = top
    for row in rows:
        x = left
        col = 0
        line: list[int] = []
        for cell in row:
            w = sum(cols[col : col + cell.span])
            canvas.draw.rectangle((x, y, x + w, y + row_h), outline=INK, width=rule)
            face = faces[0] if cell.role == "label" else faces[1]
            use_pt = pt
            while canvas.text_width(cell.text, face, use_pt) > w - canvas.px(10) and use_pt > 6:
                use_pt -= 0.5
            tx = x + canvas.px(5)
            ty = y + (row_h - canvas.px(use_pt)) // 2
            box = canvas.text(tx, ty, cell.text, face, use_pt, hand and cell.role == "value")
            page.items.append(TextItem(cell.text, box, cell.role, cell.field))
            line.append(len(page.items) - 1)
            x += w
            col += cell.span
        page.lines.append(line)
        y += row_h
    return y


def _title(canvas: Canvas, page: RenderedPage, text: str, face: str, y: int) -> int:
    pt = 20.0
    w = canvas.text_width(text, face, pt)
    box = canvas.text(round((canvas.width - w) / 2), y, text, face, pt)
    page.items.append(TextItem(text, box, "title"))
    page.lines.append([len(page.items) - 1])
    return box[3]


def _form_page(
    kind: str, title: str, rng: random.Random, dpi: int, faces: tuple[str, str], hand: bool
) -> tuple[Canvas, RenderedPage, int]:
    """A blank form with its title; returns the canvas, the page and the title's bottom."""
    canvas = Canvas(dpi, rng)
    page = RenderedPage(
        canvas.image, kind, dpi, {"form": faces[0], "value": faces[1], "hand": hand}
    )
    return canvas, page, _title(canvas, page, title, faces[0], canvas.px(60))


def render_register_form(
    v: Veteran, rng: random.Random, dpi: int, faces: tuple[str, str], hand: bool
) -> RenderedPage:
    """退役军人信息登记表: label/value pairs side by side in a ruled grid."""
    canvas, page, bottom = _form_page("form_register", "退役军人信息登记表", rng, dpi, faces, hand)
    rows = _table_rows_register(v, rng, page)
    _draw_table(
        canvas,
        page,
        rows,
        bottom + canvas.px(30),
        [0.15, 0.17, 0.15, 0.17, 0.13, 0.23],
        faces,
        hand,
    )
    return page


def render_collect_form(
    v: Veteran, rng: random.Random, dpi: int, faces: tuple[str, str], hand: bool
) -> RenderedPage:
    """退役军人信息采集表: one field a row, label left, value right."""
    canvas, page, bottom = _form_page("form_collect", "退役军人信息采集表", rng, dpi, faces, hand)
    keys = list(LABELS)
    rows = []
    for key in keys:
        printed, truth = _field_value(v, key, rng)
        page.fields[key] = truth
        rows.append([Cell(_label(key, rng), 1, "label", key), Cell(printed, 1, "value", key)])
    _draw_table(canvas, page, rows, bottom + canvas.px(30), [0.3, 0.7], faces, hand)
    return page


def render_card_form(
    v: Veteran, rng: random.Random, dpi: int, faces: tuple[str, str], hand: bool
) -> RenderedPage:
    """退役军人登记卡: three fields a band, labels in one row and their values in the row below."""
    canvas, page, bottom = _form_page("form_card", "退役军人登记卡", rng, dpi, faces, hand)
    keys = list(LABELS)
    rows = []
    for start in range(0, len(keys), 3):
        labels, values = [], []
        for key in keys[start : start + 3]:
            printed, truth = _field_value(v, key, rng)
            page.fields[key] = truth
            labels.append(Cell(_label(key, rng), 1, "label", key))
            values.append(Cell(printed, 1, "value", key))
        rows += [labels, values]
    _draw_table(canvas, page, rows, bottom + canvas.px(30), [1 / 3] * 3, faces, hand)
    return page


def _paragraph(
    canvas: Canvas,
    page: RenderedPage,
    parts: list[tuple[str, str | None]],
    face: str,
    top: int,
    pt: float = 13.0,
) -> int:
    """Wraps running text; ``parts`` are (text, field) so each field's printed span keeps a box."""
    left = canvas.px(70)
    right = canvas.width - canvas.px(70)
    f = font(face, canvas.px(pt))
    line_h = round(canvas.px(pt) * 1.8)
    x: float = left + round(f.getlength("　　"))
    y = top
    line_text, line_x0 = "", round(x)
    spans: list[tuple[str, int, int, str]] = []  # (field, x0, x1, text) on the current line

    def flush() -> None:
        nonlocal line_text, spans
        if line_text:
            box = canvas.text(line_x0, y, line_text, face, pt)
            page.items.append(TextItem(line_text, box, "body"))
            page.lines.append([len(page.items) - 1])
            for key, sx0, sx1, text in spans:
                page.items.append(TextItem(text, (sx0, box[1], sx1, box[3]), "value", key))
        line_text, spans = "", []

    for text, key in parts:
        for ch in text:
            w = f.getlength(ch)
            if x + w > right:
                flush()
                y += line_h
                x = line_x0 = left
            start = x
            line_text += ch
            x += w
            if key is not None:
                if spans and spans[-1][0] == key and abs(spans[-1][2] - round(start)) <= 1:
                    spans[-1] = (key, spans[-1][1], round(x), spans[-1][3] + ch)
                else:
                    spans.append((key, round(start), round(x), ch))
    flush()
    return y + line_h


def _posting_line(p: Posting, rank: str, style: str) -> str:
    if style == "dot":
        return f"{p.start:%Y.%m}—{p.end:%Y.%m}  {p.unit}  {rank}"
    return f"{p.start.year}年{p.start.month}月至{p.end.year}年{p.end.month}月在{p.unit}任{rank}"


def draw_history(
    canvas: Canvas,
    page: RenderedPage,
    v: Veteran,
    rng: random.Random,
    face: str,
    top: int,
    styles: tuple[str, ...] = ("dot", "cn"),
) -> int:
    """服役经历: a line a posting, as appraisals and registration forms list a transferred
    person's units (``rng`` of its own: the pages of a person who was never transferred stay
    as they were). Returns the bottom."""
    if not v.history:
        return top
    style = rng.choice(styles)
    ranks = [rng.choice(("战士", "副班长", "班长")) for _ in v.history[:-1]] + [v.rank]
    texts = ["服役经历："] + [
        _posting_line(p, rank, style) for p, rank in zip(v.history, ranks, strict=True)
    ]
    y = top
    for text in texts:
        box = canvas.text(canvas.px(70), y, text, face, 12)
        page.items.append(TextItem(text, box, "body"))
        page.lines.append([len(page.items) - 1])
        y += canvas.px(26)
    return y


def render_appraisal(
    v: Veteran, rng: random.Random, dpi: int, face: str, history_rng: random.Random
) -> RenderedPage:
    """服役期间鉴定: running text that states the facts in sentences, and the 服役经历 of one
    who was transferred."""
    canvas = Canvas(dpi, rng)
    page = RenderedPage(
        canvas.image, "appraisal", dpi, {"form": face, "value": face, "hand": False}
    )
    bottom = _title(canvas, page, "士兵服役期间鉴定", face, canvas.px(70))
    values = {k: _field_value(v, k, rng) for k in ("birth_date", "enlistment_date", "unit")}
    for key, (_, truth) in values.items():
        page.fields[key] = truth
    page.fields["name"] = v.name
    page.fields["awards"] = v.awards
    parts: list[tuple[str, str | None]] = [
        (v.name, "name"),
        ("同志，", None),
        (values["birth_date"][0], "birth_date"),
        ("出生，于", None),
        (values["enlistment_date"][0], "enlistment_date"),
        ("入伍，在", None),
        (values["unit"][0], "unit"),
        (
            "服役。该同志服役期间政治立场坚定，坚决听党指挥，认真学习军事技能，严格遵守部队纪律，"
            "团结同志，积极完成各项任务。",
            None,
        ),
        ("服役期间荣立", None),
        (v.awards, "awards"),
        ("。", None),
    ]
    if v.combat_or_test != "无":
        parts += [("曾", None), (v.combat_or_test, "combat_or_test"), ("。", None)]
        page.fields["combat_or_test"] = v.combat_or_test
    parts.append(("经研究，同意该同志退出现役。", None))
    bottom = _paragraph(canvas, page, parts, face, bottom + canvas.px(40))
    draw_history(canvas, page, v, history_rng, face, bottom + canvas.px(10))
    return page


def render_approval(v: Veteran, rng: random.Random, dpi: int, face: str) -> RenderedPage:
    """退出现役批准书: a letter with the key facts and a signature block (where a seal goes)."""
    canvas = Canvas(dpi, rng)
    page = RenderedPage(canvas.image, "approval", dpi, {"form": face, "value": face, "hand": False})
    bottom = _title(canvas, page, "士兵退出现役批准书", face, canvas.px(70))
    discharge = _field_value(v, "discharge_date", rng)
    page.fields.update(
        {
            "name": v.name,
            "gender": v.gender,
            "id_number": v.id_number,
            "rank": v.rank,
            "discharge_type": v.discharge_type,
            "discharge_date": discharge[1],
            "file_number": v.file_number,
        }
    )
    parts: list[tuple[str, str | None]] = [
        (v.name, "name"),
        ("同志，", None),
        (v.gender, "gender"),
        ("，公民身份号码", None),
        (v.id_number, "id_number"),
        ("，军衔", None),
        (v.rank, "rank"),
        ("。经审核，批准该同志于", None),
        (discharge[0], "discharge_date"),
        ("退出现役，安置方式为", None),
        (v.discharge_type, "discharge_type"),
        ("。请按有关规定办理接收安置手续。", None),
    ]
    y = _paragraph(canvas, page, parts, face, bottom + canvas.px(40))
    y = _paragraph(
        canvas,
        page,
        [("档案编号：", None), (v.file_number, "file_number")],
        face,
        y + canvas.px(20),
    )
    sign = canvas.text(
        canvas.width - canvas.px(260), y + canvas.px(60), "政治工作部（盖章）", face, 13
    )
    page.items.append(TextItem("政治工作部（盖章）", sign, "body"))
    page.lines.append([len(page.items) - 1])
    return page
