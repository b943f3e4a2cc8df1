"""What staff read on the pages: field labels as their forms print them, states, actions."""

from __future__ import annotations

FIELD_LABELS = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "birth_date": "出生年月",
    "id_number": "公民身份号码",
    "native_place": "籍贯",
    "enlistment_date": "入伍时间",
    "discharge_date": "退役时间",
    "unit": "部队番号",
    "rank": "军衔/职务",
    "discharge_type": "退役方式",
    "awards": "立功受奖情况",
    "disability_grade": "伤残等级",
    "combat_or_test": "参战参试情况",
    "file_number": "档案编号",
}
FACET_LABELS = {"discharge_type": "退役方式", "enlistment_year": "入伍年份", "unit": "部队番号"}
FILE_STATES = {
    "queued": "排队中",
    "processing": "处理中",
    "ok": "已入库",
    "skipped": "已跳过",
    "failed": "失败",
}
ROLE_LABELS = {"staff": "查询员", "archivist": "档案员", "service": "外部系统", "admin": "管理员"}
