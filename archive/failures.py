"""Why a file could not be ingested: a stable code for programs, a Chinese message for staff,
and the detail an external program gave."""

from __future__ import annotations

from dataclasses import dataclass

MESSAGES: dict[str, str] = {
    "not_found": "文件不存在或无法访问",
    "empty_file": "文件为空（0 字节）",
    "too_large": "文件超过允许的大小",
    "unsupported_type": "不支持的文件类型：内容不是 PDF、TIFF、JPEG 或 PNG",
    "truncated_pdf": "PDF 文件不完整（缺少文件结尾，可能上传或复制中断）",
    "corrupt_pdf": "PDF 文件已损坏，无法解析",
    "encrypted_pdf": "PDF 已加密（需要密码），无法读取",
    "too_many_pages": "页数超过单个文件的上限",
    "decompression_bomb": "页面像素数过大（疑似解压炸弹），拒绝处理",
    "corrupt_image": "图像文件已损坏或不完整，无法解码",
    "ocr_failed": "文字识别失败",
    "ocr_timeout": "文字识别超时",
    "ocr_unavailable": "文字识别引擎或语言数据未安装",
    "worker_crashed": "处理进程异常退出（该文件单独重试后仍失败）",
    "io_error": "读写文件出错",
    "internal_error": "程序内部错误（详情已写入日志）",
}


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a file failed: picklable, it crosses the process-pool boundary."""

    code: str
    detail: str = ""
    page: int | None = None

    @property
    def message(self) -> str:
        where = f"第 {self.page} 页：" if self.page is not None else ""
        tail = f"（{self.detail}）" if self.detail else ""
        return f"{where}{MESSAGES.get(self.code, self.code)}{tail}"
