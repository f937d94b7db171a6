"""Errors a user can cause, each naming what was wrong, the value and what is allowed."""

from __future__ import annotations

import math
import numbers


class InputError(ValueError):
    """Bad input: names the parameter path, the value found and what is allowed."""

    def __init__(self, path: str, value: object, allowed: str, source: str = ""):
        self.path, self.value, self.allowed, self.source = path, value, allowed, source
        where = f"{_one_line(source)}: " if source else ""
        super().__init__(f"{where}{_one_line(path) or '<scenario>'} = {value!r}: expected "
                         f"{_one_line(allowed)}")


def _one_line(text: object) -> str:
    """Text as one line: control characters (a key that is a newline) shown escaped."""
    text = str(text)
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


class ScenarioError(InputError):
    """A scenario file or override is invalid."""


class RunError(RuntimeError):
    """A run could not finish for a reason outside its input (a worker process died, memory
    ran out): says what happened and what to do, in one line."""


def is_whole(value: object) -> bool:
    """A whole number, numpy integers included (not True/False)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """A finite real number, numpy scalars included (not True/False)."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value))
