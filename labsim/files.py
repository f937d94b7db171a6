"""Files in and out: every read names the file when it cannot be read as text, and every
output path is checked before any simulation starts, then written whole or not at all."""

from __future__ import annotations

import csv
import io
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from .errors import InputError


def read_text(path: str | Path, what: str) -> str:
    """The UTF-8 text of ``path`` (a BOM is allowed), or one InputError naming ``what``, the
    file and the reason (missing, a directory, unreadable, binary or another encoding)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(what, str(path), "an existing file") from None
    except IsADirectoryError:
        raise InputError(what, str(path), "a file, not a directory") from None
    except OSError as err:
        raise InputError(what, str(path), f"a readable file ({err.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(what, str(path), "a UTF-8 text file (byte "
                         f"{err.start} is not UTF-8: save it as UTF-8)") from None
    if "\x00" in text:
        raise InputError(what, str(path), "a text file, not a binary one")
    return text


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """The plain data of a TOML file, or one InputError naming the file and the problem."""
    try:
        return tomllib.loads(read_text(path, what))
    except tomllib.TOMLDecodeError as err:
        raise InputError(what, str(path), f"valid TOML ({err})") from None


def read_csv_rows(path: str | Path, what: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a CSV file with at least ``columns``, or one InputError naming the file."""
    rows = list(csv.DictReader(io.StringIO(read_text(path, what), newline="")))
    missing = [c for c in columns if not rows or c not in rows[0]]
    if missing:
        raise InputError(what, str(path), f"a CSV file with a header row and columns "
                         f"{', '.join(columns)} (missing: {', '.join(missing)})")
    return rows


def _writable_dir(directory: Path, what: str, path: Path) -> None:
    existing = directory
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(what, str(path), f"a path whose folders can be made ({existing} is "
                         "a file)")
    try:  # the only sure test: make something there, and take it away again
        os.rmdir(tempfile.mkdtemp(dir=existing, prefix=".labsim-probe-"))
    except OSError as err:
        raise InputError(what, str(path), f"a place you may write to ({existing}: "
                         f"{err.strerror})") from None


def check_output_dir(path: str | Path, what: str) -> Path:
    """``path`` as a directory that exists or can be made and written to; checked before
    any work, so a long run never ends in an error about where to put its results."""
    if str(path).strip() == "":
        raise InputError(what, str(path), "a directory name")
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(what, str(path), "a directory (a file of that name exists)")
    _writable_dir(path, what, path)
    return path


def check_output_file(path: str | Path, what: str) -> Path:
    """``path`` as a file that can be written (its folder exists or can be made)."""
    if str(path).strip() == "":
        raise InputError(what, str(path), "a file name")
    path = Path(path)
    if path.is_dir():
        raise InputError(what, str(path), "a file name, not a directory")
    _writable_dir(path.parent, what, path)
    return path


def write_atomically(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file of its own and a rename, so that
    readers and concurrent writers only ever see whole files."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
