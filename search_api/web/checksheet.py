"""The printable 核查单 of one person's check: the verdict, each condition with its reason, the
crops of the pages its evidence was read on, the catalogue version, who checked and when. A
PDF made with fpdf2, the CJK font embedded (subset), so it prints the same anywhere."""

from __future__ import annotations

import io
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF

from archive.usecases.eligibility import EligibilityOut, PersonVerdict
from archive.verdicts import LABELS

STATUS_LABELS = {"met": "满足", "not_met": "不满足", "unproven": "无法证明（须人工核查）"}
MATCH_LABELS = {
    "exact": "已确定",
    "ambiguous": "多人符合",
    "probable": "仅有相近候选",
    "none": "未找到档案",
}
FIELD_NAMES = {**LABELS, "page": "页面文字"}
Crop = tuple[int, int, tuple[int, ...]]  # document, page, box


class ChecksheetFontMissing(Exception):
    """The CJK font the sheet embeds is not installed (scripts/setup.sh installs it)."""


def crop_key(document_id: int, page: int | None, box: list[int] | None) -> Crop | None:
    return (document_id, page, tuple(box)) if page is not None and box else None


def checksheet_pdf(
    check: EligibilityOut,
    person: PersonVerdict,
    who: str,
    crops: dict[Crop, bytes],
    font: Path,
    timezone: ZoneInfo,
) -> bytes:
    """The sheet of one person (``who``: how the person is named on it, masked as the
    checker may see it); ``crops`` are JPEGs of the evidence, by document, page and box."""
    if not font.is_file():
        raise ChecksheetFontMissing(f"核查单所需的中文字体不存在：{font}")
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("zh", fname=str(font), collection_font_number=0)
    pdf.set_title(f"资格核查单 {check.programme.name}")
    pdf.set_creator("vetarchive")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def text(s: str, size: float = 10.5, height: float = 6.0) -> None:
        pdf.set_font("zh", size=size)
        pdf.multi_cell(width, height, s, new_x="LMARGIN", new_y="NEXT")

    text("资格核查单", 18, 10)
    text(f"项目：{check.programme.name}", 12, 7)
    if check.programme.basis:
        text(f"依据：{check.programme.basis}", 9.5)
    text(f"人员：{who}　　档案：{MATCH_LABELS.get(person.match, person.match)}", 11, 7)
    text(f"结论：{STATUS_LABELS[person.verdict]}", 14, 9)
    for c in person.candidates:
        text(f"候选档案 #{c.document_id}（{c.source}）：{'；'.join(c.reasons)}", 9.5)
    for n, condition in enumerate(person.conditions, start=1):
        pdf.ln(2)
        text(f"{n}. {condition.title}　【{STATUS_LABELS[condition.status]}】", 11.5, 7)
        text(condition.reason, 10)
        if condition.catalogue:
            cat = condition.catalogue
            row = (
                f"，第 {cat.row_number} 行 {cat.unit}（{cat.start or '不限'}至{cat.end or '不限'}）"
            )
            text(
                f"目录：{cat.catalogue} 版本 #{cat.version_id}（{cat.doc_number}，"
                f"{cat.effective_date} 生效）" + (row if cat.row_number else ""),
                9.5,
            )
        for e in condition.evidence:
            state = (
                "待复核"
                if e.needs_review
                else (f"已由{e.corrected_by}复核" if e.corrected_by else "")
            )
            text(
                f"· {FIELD_NAMES.get(e.key, e.key)}：{e.value or '—'}（档案 #{e.document_id} "
                f"{e.source}，第 {e.page or '—'} 页，置信度 {e.confidence:.2f}"
                + (f"，{state}" if state else "")
                + (f"，机器原读“{e.machine_value}”" if e.machine_value else "")
                + "）",
                9,
                5,
            )
            key = crop_key(e.document_id, e.page, e.bbox)
            image = crops.get(key) if key else None
            if image:
                shown = min(width, 120.0)
                if pdf.get_y() + 40 > pdf.h - pdf.b_margin:
                    pdf.add_page()
                pdf.image(io.BytesIO(image), x=pdf.l_margin + 4, w=shown)
                pdf.ln(1)
    pdf.ln(4)
    at = check.checked_at.astimezone(timezone)
    text(
        f"核查人：{check.checked_by}　　核查时间：{at:%Y-%m-%d %H:%M}　　目录日期：{check.as_of}",
        10,
    )
    text(
        "说明：本单依据档案识别结果与局内导入的目录生成；“无法证明”的条件须人工查阅原件核实，"
        "不得据此直接作出否定结论。",
        8.5,
        5,
    )
    return bytes(pdf.output())
