"""Files in and out: every read names the file when it cannot be read as text, and every
output path is checked before any simulation starts, then written whole or not at all."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import secrets
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import InputError, WriteError


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


FILE_MODE = 0o666
"""Every file labsim writes gets this mode less the user's umask, as any file the user makes
does (0644 with the usual umask: readable by the group and others, like the other CSVs)."""


@contextmanager
def naming(path: str | Path) -> Iterator[None]:
    """Turn an operating-system error while writing ``path`` into one WriteError naming it."""
    try:
        yield
    except OSError as err:
        raise WriteError(path, err) from err


def temporary_name(path: Path) -> Path:
    """A name beside ``path`` for a file being written, saying which process writes it (so
    a leftover of a process that is gone can be told and removed)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


PROC_FDS = Path("/proc/self/fd")
"""Where Linux shows a process's open files: a file without a name is linked in from here."""


def _unnamed_file(directory: Path) -> int | None:
    """A new file in ``directory`` with no name yet (Linux), or None where the system or
    the file system cannot make one."""
    if not hasattr(os, "O_TMPFILE") or not PROC_FDS.is_dir():
        return None
    try:
        return os.open(directory, os.O_TMPFILE | os.O_WRONLY, FILE_MODE)
    except OSError as err:
        if err.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return None
        raise


def _name_unnamed(descriptor: int, name: Path) -> None:
    """Link the unnamed file open as ``descriptor`` in at ``name`` (through /proc, following
    its link: a directory descriptor is what makes Python call linkat rather than link)."""
    fds = os.open(PROC_FDS, os.O_RDONLY)
    try:
        os.link(str(descriptor), name, src_dir_fd=fds, follow_symlinks=True)
    finally:
        os.close(fds)


class WholeFile:
    """A text file that appears at ``path`` whole when ``commit`` is called, or not at all.

    Until then it has no name where the system allows it (Linux), so neither an error nor a
    killed process leaves part of it behind; elsewhere it has a temporary name, removed on
    an error. Errors of the operating system are one WriteError naming ``path``."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._temporary: Path | None = None
        with naming(self.path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = _unnamed_file(self.path.parent)
            if descriptor is None:
                self._temporary = temporary_name(self.path)
                descriptor = os.open(self._temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY,
                                     FILE_MODE)
            self._handle = os.fdopen(descriptor, "w", encoding="utf-8", newline="")

    def write(self, text: str) -> None:
        """Append ``text``."""
        with naming(self.path):
            self._handle.write(text)

    def commit(self) -> Path:
        """Put the file in place at ``path``, whole, replacing any file there; on an error
        nothing is left."""
        try:
            with naming(self.path):
                self._handle.flush()
                if self._temporary is None:  # name the unnamed file, then move it in
                    self._temporary = temporary_name(self.path)
                    _name_unnamed(self._handle.fileno(), self._temporary)
                self._handle.close()
                os.replace(self._temporary, self.path)
        except BaseException:
            self.discard()
            raise
        self._temporary = None
        return self.path

    def discard(self) -> None:
        """Forget what was written; nothing is left at or beside ``path``."""
        with contextlib.suppress(OSError):  # the disk may refuse even this; prune finds it
            self._handle.close()
        if self._temporary is not None:
            with contextlib.suppress(OSError):
                self._temporary.unlink(missing_ok=True)

    def __enter__(self) -> WholeFile:
        return self

    def __exit__(self, kind, *_) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_atomically(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` whole or not at all (``WholeFile``), so that readers and
    concurrent writers only ever see whole files."""
    with WholeFile(path) as out:
        out.write(text)
    return Path(path)
