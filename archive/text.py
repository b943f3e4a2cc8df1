"""Text normalisation, one module for extraction and search: width folding, the characters
OCR reads for one another, toneless pinyin, and ISO dates. Computed in Python only, so every
search backend is fed the same tokens and extraction reads a value the way search finds it."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

# Characters OCR mistakes for one another, and people for OCR: search folds each group to its
# first character, so either spelling finds the other.
CONFUSABLE_CHARACTERS = (
    "己已巳",
    "未末",
    "士土",
    "人入八",
    "日曰",
    "戊戌戍",
    "王玉主",
    "大太犬",
    "刀力",
    "千干于",
    "木本",
    "田由甲申",
    "贝见",
    "白自",
    "天夭",
    "东车",
    "兵乒",
)
# What OCR reads in place of a digit (or the X of an ID number): letters and signs that look
# like it, in the case they are read in. ID repair tries the digit for each. Search, which
# ignores case, folds each to its digit; a letter read for two digits (B for 8 and 3, g for 6
# and 9) to the one listed first.
DIGIT_LOOKALIKES: dict[str, str] = {
    "0": "ODQUoD",
    "1": "lI|iJ",
    "2": "Zz",
    "8": "B",
    "3": "B",
    "4": "A",
    "5": "Ss",
    "6": "Gb",
    "7": "T",
    "9": "gq",
    "X": "K乂×",
}


def _skeleton_table() -> dict[str, str]:
    table = {ch: group[0] for group in CONFUSABLE_CHARACTERS for ch in group}
    for digit, looks in DIGIT_LOOKALIKES.items():
        for ch in looks.lower():
            table.setdefault(ch, digit.lower())
    return table


_SKELETON = _skeleton_table()
_ASCII_WORD = re.compile(r"[a-z]+")


# Traditional characters printed on older forms and certificates (參軍時間, 性別, 籍貫), with
# the simplified ones a label is matched by. Labels only: a name is kept as it was written.
_TRADITIONAL = (
    "參参軍军時时間间別别貫贯職职務务銜衔級级隊队號号碼码檔档證证轉转業业復复員员傷伤殘残"
    "獎奖懲惩況况齡龄歷历單单編编類类屬属發发戰战試试戶户現现處处鄉乡鎮镇縣县區区團团師师"
    "營营連连將将長长專专術术錄录紀纪擇择選选補补領领財财產产險险聯联絡络話话電电齊齐愛爱"
)
_SIMPLIFIED = str.maketrans(_TRADITIONAL[0::2], _TRADITIONAL[1::2])


def simplified(text: str) -> str:
    """The traditional characters of a label in simplified form."""
    return text.translate(_SIMPLIFIED)


# What OCR reads between a label and its value, or between clauses (the extractor's
# separators).
SEPARATOR_CHARS = "，,：:;；、.．·"
# An aside in brackets is dropped for matching: 入伍（参加工作）时间 is 入伍时间; so is one whose
# closing bracket the reading lost at the label's end (职务（级别).
_ASIDE = re.compile(r"[（(][^）)]*(?:[）)]|$)")
_SPACING = str.maketrans("", "", "·・•")


def closed_up(label: str) -> str:
    """A label with the middle dots inside it taken out: a label spaced out to fill its cell
    (姓　名, 性　别) reads with one where the gap was. Labels only: a name keeps its dot
    (阿布都·热合曼)."""
    return label.translate(_SPACING)


def label_text(text: str) -> str:
    """A label as matched (by the extractor, and when a bureau's own labels are stored and
    compared): folded, simplified, spaced labels closed up, its aside and its colon taken
    off."""
    return _ASIDE.sub("", closed_up(simplified(fold(text)))).strip(SEPARATOR_CHARS + "？?")


def fold(text: str) -> str:
    """Full-width letters, digits and punctuation to half-width (NFKC), whitespace removed;
    letter case kept (an ID number's X, a file number's letters)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


def fold_lower(text: str) -> str:
    """``fold``, in lower case: how search compares text."""
    return fold(text).lower()


def skeleton(text: str) -> str:
    """The text folded to lower case, every confusable character replaced by its group's first
    (a digit's lookalike by the digit)."""
    return "".join(_SKELETON.get(ch, ch) for ch in fold_lower(text))


def letters_and_digits(text: str) -> str:
    """The text folded to lower case without punctuation or symbols, which no one searches by."""
    return "".join(ch for ch in fold_lower(text) if unicodedata.category(ch)[0] in "LN")


@lru_cache(maxsize=65536)
def pinyin(name: str) -> tuple[str, ...]:
    """Toneless syllables of a name (王伟 -> wang, wei); names read the common way."""
    from pypinyin import Style, lazy_pinyin

    return tuple(s for s in lazy_pinyin(fold_lower(name), style=Style.NORMAL, errors="ignore") if s)


def pinyin_letters(text: str) -> str | None:
    """The letters of text typed in pinyin ("wang wei", "Wang Wei", "wangwei") run together,
    or None when the text is not pinyin."""
    letters = re.sub(r"[\s'-]", "", fold_lower(text))
    return letters if letters and _ASCII_WORD.fullmatch(letters) else None


# yyyy, yyyy-mm or yyyy-mm-dd: how dates are stored, exported and asked for.
ISO_DATE = r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?"
_ISO_DATE = re.compile(f"^{ISO_DATE}$")


def is_iso_date(value: str, *, month_required: bool = True) -> bool:
    """``yyyy-mm`` or ``yyyy-mm-dd`` (or ``yyyy`` alone, unless a month is required), naming a
    real month and day."""
    m = _ISO_DATE.match(value)
    if m is None or (month_required and m.group(2) is None):
        return False
    try:
        date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return False
    return True
