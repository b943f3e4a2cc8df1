"""Character error rates and confidence calibration for OCR output against ground truth."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein


def normalise(text: str) -> str:
    """Whitespace carries no meaning in Chinese form text; full-width ASCII is folded."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        if not ch.isspace():
            out.append(ch)
    return "".join(out)


def cer(truth: str, read: str) -> float:
    """Edit distance over truth length, in reading order."""
    t, r = normalise(truth), normalise(read)
    return Levenshtein.distance(t, r) / max(1, len(t))


def cer_order_free(truth: str, read: str) -> float:
    """Character errors ignoring order: what was read right, wherever it stands."""
    t, r = Counter(normalise(truth)), Counter(normalise(read))
    matched = sum((t & r).values())
    return (max(sum(t.values()), sum(r.values())) - matched) / max(1, sum(t.values()))


def recall(truth: str, read: str) -> float:
    """Share of the true characters read, wherever they stand (what a search can still find)."""
    t, r = Counter(normalise(truth)), Counter(normalise(read))
    return sum((t & r).values()) / max(1, sum(t.values()))


def char_correctness(truth: str, read: str) -> list[bool]:
    """For each character of ``read`` (normalised), whether the alignment keeps it unchanged."""
    t, r = normalise(truth), normalise(read)
    wrong = [False] * len(r)
    for op in Levenshtein.editops(t, r):
        if op.tag in ("replace", "insert"):
            wrong[op.dest_pos] = True
    return [not w for w in wrong]


@dataclass(frozen=True)
class Calibration:
    auc: float  # chance that a wrong character has lower confidence than a right one
    error_low: float  # error rate among characters below the threshold
    error_high: float
    share_low: float  # share of characters below the threshold
    threshold: float


def calibration(confidences: list[float], correct: list[bool], threshold: float) -> Calibration:
    pairs = sorted(zip(confidences, correct, strict=True))
    n_right = sum(1 for _, ok in pairs if ok)
    n_wrong = len(pairs) - n_right
    # Mann-Whitney U: rank sum of the right ones, ties given half.
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        mid = (i + j + 1) / 2
        rank_sum += mid * sum(1 for k in range(i, j) if pairs[k][1])
        i = j
    auc = (rank_sum - n_right * (n_right + 1) / 2) / max(1, n_right * n_wrong)
    low = [ok for c, ok in pairs if c < threshold]
    high = [ok for c, ok in pairs if c >= threshold]
    return Calibration(
        auc=auc,
        error_low=1 - sum(low) / len(low) if low else 0.0,
        error_high=1 - sum(high) / len(high) if high else 0.0,
        share_low=len(low) / max(1, len(pairs)),
        threshold=threshold,
    )
