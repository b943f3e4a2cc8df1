"""Traditional forms a recogniser reads are folded to simplified, and nothing else is."""

from ocr.script import fold_traditional, fold_words
from ocr.types import Box, Word


def test_traditional_forms_of_common_characters_fold() -> None:
    assert fold_traditional("賈國強 陳團長 1952年參軍") == "贾国强 陈团长 1952年参军"


def test_simplified_characters_and_rare_name_characters_stay() -> None:
    # 乾 and 於 are simplified characters of their own (GB 2312); 頔 and 璡 fold only to
    # characters outside it, so a rare name is kept as read.
    for text in ("乾坤", "於", "王頔", "李璡", "张赟", "66325部队", "ＡＢ１２"):
        assert fold_traditional(text) == text


def test_the_step_counts_and_names_the_folds() -> None:
    box = Box(0, 0, 10, 10)
    words, step = fold_words([Word("賈賈", box, 0.9), Word("军", box, 0.8), Word("陳", box, 0.7)])
    assert [w.text for w in words] == ["贾贾", "军", "陈"]
    assert [w.confidence for w in words] == [0.9, 0.8, 0.7]
    assert step.name == "simplified"
    assert step.params == {"folded": 3, "forms": "賈→贾 陳→陈"}
