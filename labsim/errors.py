"""Errors a user can cause, each naming what was wrong, the value and what is allowed."""

from __future__ import annotations

import errno
import math
import numbers
from pathlib import Path

from .i18n import N_, _


class InputError(ValueError):
    """Bad input: names the parameter path, the value found and what is allowed."""

    def __init__(self, path: str, value: object, allowed: str, source: str = ""):
        self.path, self.value, self.allowed, self.source = path, value, allowed, source
        where = f"{_one_line(source)}: " if source else ""
        super().__init__(where + _("{path} = {value}: expected {allowed}").format(
            path=_one_line(path) or "<scenario>", value=repr(value), allowed=_one_line(allowed)))


def _one_line(text: object) -> str:
    """Text as one line: control characters (a key that is a newline) shown escaped."""
    text = str(text)
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


class ScenarioError(InputError):
    """A scenario file or override is invalid."""


class RunError(RuntimeError):
    """A run could not finish for a reason outside its input (a worker process died, memory
    ran out): says what happened and what to do, in one line."""


WHAT_TO_DO = {
    errno.ENOSPC: N_("the disk is full: free some space, or write to another disk"),
    errno.EDQUOT: N_("your disk quota is used up: free some space, or write to another disk"),
    errno.EFBIG: N_("the file would be larger than this system allows (ulimit -f, or a FAT32 "
                 "disk's 4 GB): run fewer years or replications, or write to another disk"),
    errno.EROFS: N_("the disk is read-only: write to another folder"),
    errno.EACCES: N_("permission denied: write to a folder you may write to"),
    errno.EPERM: N_("permission denied: write to a folder you may write to"),
    errno.EISDIR: N_("a directory is in the way: remove it, or write to another folder"),
    errno.ENOTDIR: N_("a file is in the way of a folder: remove it, or write to another folder"),
}
"""What a user can do about each error the operating system gives while writing."""


class WriteError(RunError):
    """The operating system refused a write (disk full, file too large, read-only, no
    permission, a directory in the way): names the file and what to do, in one line."""

    def __init__(self, path: str | Path, error: OSError):
        self.path, self.errno = Path(path), error.errno
        advice = (_(WHAT_TO_DO[error.errno]) if error.errno in WHAT_TO_DO else
                  _("{reason}: write to another folder").format(reason=error.strerror or error))
        super().__init__(_("could not write {path}: {advice}").format(path=_one_line(path),
                                                                     advice=advice))


def is_whole(value: object) -> bool:
    """A whole number, numpy integers included (not True/False)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """A finite real number, numpy scalars included (not True/False)."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value))
