"""Programme rules as data: one TOML file per programme in the data dir's ``programmes/``
folder, each a list of conditions over a person's fields, pages and the bureau's catalogues.
A bureau edits them (or adds its own); no programme is code.

The kinds of condition (``kind =``):
- ``served_in_catalogue``: a unit the person served in is in ``catalogue`` (or within a
  listed unit), during a period that overlaps the row's;
- ``value_in``: ``field`` is one of ``values`` (a discharge type, a gender…);
- ``date_after`` / ``date_before``: ``field`` is on or after / before ``date``;
- ``page_with_words``: a page of the file is titled with one of ``words`` (a discharge
  certificate), or with ``as_title = false`` holds one anywhere;
- ``disability_grade``: a grade among ``grades`` (1..10, 一级 the gravest) and, when given,
  a cause among ``causes`` (因战, 因公, 因病).
"""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from archive.domain import FIELD_KEYS
from archive.text import is_iso_date

FOLDER = "programmes"
_DATE_FIELDS = ("birth_date", "enlistment_date", "discharge_date")


class _Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str = Field(min_length=1, max_length=200)  # as the 核查单 prints it


class ServedInCatalogue(_Condition):
    kind: Literal["served_in_catalogue"]
    catalogue: str = Field(min_length=1, max_length=100)


class ValueIn(_Condition):
    kind: Literal["value_in"]
    field: str
    values: list[str] = Field(min_length=1)

    @field_validator("field")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in FIELD_KEYS:
            raise ValueError(f"unknown field {v!r}; one of {', '.join(FIELD_KEYS)}")
        return v


class DateBound(_Condition):
    kind: Literal["date_after", "date_before"]
    field: str
    date: str

    @field_validator("field")
    @classmethod
    def _date_field(cls, v: str) -> str:
        if v not in _DATE_FIELDS:
            raise ValueError(f"a date condition names one of {', '.join(_DATE_FIELDS)}")
        return v

    @field_validator("date")
    @classmethod
    def _day(cls, v: str) -> str:
        if len(v) != 10 or not is_iso_date(v):
            raise ValueError("date must be yyyy-mm-dd")
        return v


class PageWithWords(_Condition):
    kind: Literal["page_with_words"]
    words: list[str] = Field(min_length=1)
    # The words as a page's title (a line of little else: 士兵退出现役批准书), not anywhere in
    # its text: an appraisal's "同意该同志退出现役" is no discharge certificate.
    as_title: bool = True


class DisabilityGrade(_Condition):
    kind: Literal["disability_grade"]
    grades: list[Annotated[int, Field(ge=1, le=10)]] = Field(min_length=1)
    causes: list[Literal["因战", "因公", "因病"]] = Field(default_factory=list)


Condition = Annotated[
    ServedInCatalogue | ValueIn | DateBound | PageWithWords | DisabilityGrade,
    Field(discriminator="kind"),
]


class Programme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    name: str = Field(min_length=1, max_length=100)
    basis: str = ""  # the policy it follows, as the 核查单 cites it
    conditions: list[Condition] = Field(min_length=1)


class ProgrammeError(ValueError):
    """A rule file that cannot be read: its name and what is wrong, for the bureau to fix."""


def load_programme(path: Path) -> Programme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Programme.model_validate(data)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ProgrammeError(f"{path.name}: {e}") from e
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()
        )
        raise ProgrammeError(f"{path.name}: {problems}") from e


def ensure_examples(data_dir: Path) -> Path:
    """The data dir's rule folder; made, with the shipped examples in it, when there is none
    yet (a bureau's own edits are never overwritten). Made aside and renamed into place, so
    two requests at once never read a folder half filled."""
    folder = data_dir / FOLDER
    if folder.exists():
        return folder
    aside = Path(tempfile.mkdtemp(prefix=".programmes-", dir=data_dir))
    for example in resources.files("archive").joinpath("programme_examples").iterdir():
        if example.name.endswith(".toml"):
            with resources.as_file(example) as source:
                shutil.copyfile(source, aside / example.name)
    try:
        aside.rename(folder)
    except OSError:  # another process made it first
        shutil.rmtree(aside, ignore_errors=True)
    return folder


def load_programmes(data_dir: Path) -> dict[str, Programme]:
    """Every programme of the data dir, by id; a bad file or a repeated id is an error."""
    found: dict[str, Programme] = {}
    for path in sorted(ensure_examples(data_dir).glob("*.toml")):
        programme = load_programme(path)
        if programme.id in found:
            raise ProgrammeError(f"{path.name}: programme id {programme.id!r} is used twice")
        found[programme.id] = programme
    return found
