import pytest

from scripts.ocr_metrics import calibration, cer, cer_order_free, char_correctness


def test_cer_in_order_and_order_free() -> None:
    assert cer("姓名 张三", "姓名张三") == 0.0
    assert cer("张三李四", "李四张三") == pytest.approx(1.0)
    assert cer_order_free("张三李四", "李四张三") == 0.0
    assert cer_order_free("张三", "张王") == pytest.approx(0.5)
    assert cer("ＡＢ１", "AB1") == 0.0  # full-width folded


def test_char_correctness_marks_substitutions_and_insertions() -> None:
    assert char_correctness("退役军人", "退没军人x") == [True, False, True, True, False]


def test_calibration_auc_orders_wrong_below_right() -> None:
    perfect = calibration([0.1, 0.2, 0.8, 0.9], [False, False, True, True], 0.5)
    assert perfect.auc == 1.0 and perfect.error_low == 1.0 and perfect.error_high == 0.0
    useless = calibration([0.5, 0.5, 0.5, 0.5], [False, True, False, True], 0.5)
    assert useless.auc == 0.5
