"""How a use case declines: a stable code, a message for staff in Chinese and one in English.

Each front end says it its own way: the API as a status and its error body, the CLI as an exit
status and a line on the terminal, the web pages as a message on the page."""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code, self.message, self.message_en = code, message, message_en


class Invalid(Refused):
    """What was asked is malformed or contradicts itself."""


class NotFound(Refused):
    """What was asked for does not exist."""

    @classmethod
    def of(cls, what_zh: str, what_en: str) -> NotFound:
        return cls("not_found", f"没有{what_zh}", f"no such {what_en}")


class Conflict(Refused):
    """What was asked cannot be done in the state the record is in."""


class Unavailable(Refused):
    """A service the use case needs (the search backend) does not answer."""


class Gone(Refused):
    """What the store names is no longer where it should be (a file removed from the data dir)."""
