"""Plausible veterans' records: valid ID numbers, consistent dates, realistic value spread."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵"
)
# Includes characters that OCR confuses (己已, 未末, 士土, 人入八, 日, 玉主), as real names do.
GIVEN = (
    "伟",
    "芳",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "平",
    "刚",
    "红",
    "海",
    "建国",
    "建华",
    "建军",
    "国强",
    "国庆",
    "志强",
    "卫东",
    "卫国",
    "秀英",
    "桂英",
    "玉兰",
    "德胜",
    "振华",
    "永红",
    "爱民",
    "学文",
    "春生",
    "克己",
    "未来",
    "士杰",
    "金玉",
    "文明",
    "小平",
    "长林",
    "志远",
    "光明",
    "大勇",
    "云",
    "宏",
    "庆丰",
    "树林",
    "福生",
    "保国",
    "胜利",
    "援朝",
)
# (6-digit administrative code, the place as printed on forms)
REGIONS = (
    ("340122", "安徽省肥东县"),
    ("340121", "安徽省长丰县"),
    ("340123", "安徽省肥西县"),
    ("341122", "安徽省来安县"),
    ("320321", "江苏省丰县"),
    ("370781", "山东省青州市"),
    ("410181", "河南省巩义市"),
    ("420117", "湖北省武汉市新洲区"),
    ("510722", "四川省三台县"),
    ("130424", "河北省成安县"),
)
ETHNICITIES = ("汉族",) * 12 + ("回族", "满族", "壮族", "苗族", "土家族", "蒙古族")
RANKS = (
    "列兵",
    "上等兵",
    "下士",
    "中士",
    "上士",
    "四级军士长",
    "少尉",
    "中尉",
    "上尉",
    "少校",
    "战士",
    "班长",
)
DISCHARGE_TYPES = ("自主就业", "安排工作", "退休", "供养", "复员", "转业")
AWARDS = (
    "无",
    "无",
    "嘉奖一次",
    "嘉奖两次",
    "个人三等功一次",
    "个人二等功一次、嘉奖一次",
    "优秀士兵一次",
)
DISABILITY = ("无",) * 6 + ("六级因战", "八级因公", "十级因战", "七级因公")
COMBAT = ("无",) * 5 + ("参加对越自卫还击作战", "参加核试验任务", "参加老山轮战", "参加抗洪抢险")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


@dataclass(frozen=True, slots=True)
class Posting:
    """One unit served in and when (a line of 服役经历)."""

    unit: str
    start: date
    end: date

    def as_json(self) -> dict[str, str]:
        return {"unit": self.unit, "start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True, slots=True)
class Veteran:
    name: str
    gender: str
    ethnicity: str
    birth_date: date
    id_number: str
    native_place: str
    enlistment_date: date
    discharge_date: date
    unit: str
    rank: str
    discharge_type: str
    awards: str
    disability_grade: str
    combat_or_test: str
    file_number: str
    # Transfers: the units served in before the last one (``unit``) with their dates; empty
    # for one who served in one unit throughout.
    history: tuple[Posting, ...] = ()

    def as_json(self) -> dict[str, str]:
        """The fields (the history apart: ``postings``)."""
        return {
            k: v.isoformat() if isinstance(v, date) else v
            for k, v in asdict(self).items()
            if k != "history"
        }

    def postings(self) -> tuple[Posting, ...]:
        """Every unit with its period: the history, or the one unit for the whole service."""
        return self.history or (Posting(self.unit, self.enlistment_date, self.discharge_date),)


def _day(rng: random.Random, start: date, end: date) -> date:
    return date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def make_unit(rng: random.Random) -> str:
    code = f"{rng.randint(31000, 96999)}"
    roll = rng.random()
    if roll < 0.6:
        return f"{code}部队"
    if roll < 0.8:
        return f"中国人民解放军{code}部队"
    return f"第{rng.randint(12, 83)}集团军{rng.randint(1, 200)}师{rng.randint(1, 400)}团"


def make_veteran(rng: random.Random, serial: int) -> Veteran:
    gender = "男" if rng.random() < 0.9 else "女"
    birth = _day(rng, date(1940, 1, 1), date(1986, 12, 31))
    code, place = rng.choice(REGIONS)
    seq = rng.randint(0, 99) * 10 + rng.choice(
        (1, 3, 5, 7, 9) if gender == "男" else (0, 2, 4, 6, 8)
    )
    first17 = f"{code}{birth:%Y%m%d}{seq:03d}"
    enlist = _day(rng, date(birth.year + 17, 1, 1), date(birth.year + 22, 12, 31))
    discharge = _day(rng, date(enlist.year + 2, 1, 1), date(enlist.year + 20, 12, 31))
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    return Veteran(
        name=name,
        gender=gender,
        ethnicity=rng.choice(ETHNICITIES),
        birth_date=birth,
        id_number=first17 + id_check_char(first17),
        native_place=place,
        enlistment_date=enlist,
        discharge_date=discharge,
        unit=make_unit(rng),
        rank=rng.choice(RANKS),
        discharge_type=rng.choice(DISCHARGE_TYPES),
        awards=rng.choice(AWARDS),
        disability_grade=rng.choice(DISABILITY),
        combat_or_test=rng.choice(COMBAT),
        file_number=f"{code}-TY-{serial:06d}",
    )


def with_transfers(v: Veteran, rng: random.Random) -> Veteran:
    """The same person, transferred once or twice during a service of four years or more
    (``rng`` of its own, so that the veterans drawn before stay as they were)."""
    if (v.discharge_date - v.enlistment_date).days < 4 * 365 or rng.random() >= 0.35:
        return v
    moves = 2 if rng.random() < 0.2 else 1
    span = (v.discharge_date - v.enlistment_date).days
    cuts = sorted(rng.sample(range(365, span - 365), moves))
    starts = [v.enlistment_date] + [v.enlistment_date + timedelta(days=c) for c in cuts]
    ends = [s - timedelta(days=1) for s in starts[1:]] + [v.discharge_date]
    units = [make_unit(rng) for _ in range(moves)] + [v.unit]
    return replace(
        v, history=tuple(Posting(u, s, e) for u, s, e in zip(units, starts, ends, strict=True))
    )


def old_id(id_number: str) -> str:
    """The 15-digit number of before 1999 (GB 11643-1989) the 18-digit one was made from."""
    return id_number[:6] + id_number[8:17]


CN_DIGITS = "〇一二三四五六七八九"
CN_MONTHS = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")


def format_date(d: date, style: str, with_day: bool) -> str:
    """A date as such papers print it. Styles: cn, dot, dash, hanzi, short."""
    if style == "dot":
        return f"{d:%Y.%m.%d}" if with_day else f"{d:%Y.%m}"
    if style == "dash":
        return f"{d:%Y-%m-%d}" if with_day else f"{d:%Y-%m}"
    if style == "hanzi":
        return "".join(CN_DIGITS[int(c)] for c in str(d.year)) + f"年{CN_MONTHS[d.month]}月"
    if style == "short":
        return f"{d.year % 100:02d}年{d.month}月"
    return f"{d.year}年{d.month}月{d.day}日" if with_day else f"{d.year}年{d.month}月"


def truth_date(d: date, style: str, with_day: bool) -> str:
    """The ISO value a reader can recover from ``format_date(d, style, with_day)``."""
    if with_day and style in ("cn", "dot", "dash"):
        return d.isoformat()
    return f"{d:%Y-%m}"
