"""Fake OCR engines, as OCRmyPDF tests its crash paths with engine plugins that crash or run
out of memory: deterministic, and fast enough for a test to run in seconds.

``Scripted`` is an EngineFactory (picklable: ingest builds engines inside its worker
processes). Its engine reads every page as one known line, except pages at least
``poison_height`` pixels tall, on which it does what ``on_poison`` says: what a page that kills
a real engine looks like to the rest of the pipeline."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from ocr import Box, EngineError, Orientation, Recognition, Word
from ocr.words import line_of

READ_TEXT = "退役军人档案"


class FakeEngine:
    """The parts every fake shares: an upright guess on every page (no orientation reading),
    always available; subclasses say what ``recognize`` reads."""

    name = "fake"
    reads_binary = True

    def recognize(self, image: np.ndarray) -> Recognition:
        raise NotImplementedError

    def guess_orientation(self, image: np.ndarray) -> Orientation:
        return Orientation(rotate=0, confidence=99.0)

    def check_available(self) -> None:
        return None


Misbehaviour = Literal["crash", "crash_once", "hang", "out_of_memory", "fail"]


@dataclass(frozen=True)
class Scripted:
    on_poison: Misbehaviour
    poison_height: int
    memory: str = ""  # crash_once: a folder in which the first crash is remembered
    name: str = "fake"

    def build(self) -> ScriptedEngine:
        return ScriptedEngine(self)


class ScriptedEngine(FakeEngine):
    def __init__(self, script: Scripted) -> None:
        self.script = script

    def recognize(self, image: np.ndarray) -> Recognition:
        if image.shape[0] >= self.script.poison_height:
            self._misbehave(image.shape[0])
        word = Word(READ_TEXT, Box(10, 10, 10 + 20 * len(READ_TEXT), 30), 0.99)
        return Recognition(self.name, (line_of([word]),))

    def _misbehave(self, height: int) -> None:
        match self.script.on_poison:
            case "crash":  # as the OOM killer ends a process: no exception, no goodbye
                os.kill(os.getpid(), signal.SIGKILL)
            case "crash_once":
                mark = Path(self.script.memory) / f"crashed-{height}"
                if not mark.exists():
                    mark.touch()
                    os.kill(os.getpid(), signal.SIGKILL)
            case "hang":  # stuck in native code: nothing but a kill ends it
                time.sleep(3600)
            case "out_of_memory":  # an allocation that failed inside the worker
                raise MemoryError
            case "fail":
                raise EngineError("fake engine failed", "the program said: page too hard")
